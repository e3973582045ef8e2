//! A call through the generated client with a cached OAuth token, against a hand-written
//! reqwest call doing the same work (same headers, same decoding) to the same loopback server,
//! in the same run, batches alternating A B A B …. `cargo bench -p jtl-erp-tests --bench
//! client` (`BENCH_BATCH`, `BENCH_PAIRS` to change the sizes); tests/MEASUREMENTS.md reports the median
//! of the pairwise ratios.

use std::time::Instant;

use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::auth::ClientCredentials;
use jtl_erp_client::runtime::chrono::{DateTime, FixedOffset};
use jtl_erp_client::runtime::{Context, reqwest};
use serde::Deserialize;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const TENANT: &str = "6f1c2b3a-1111-4222-8333-944455556666";

/// What a hand-written client would decode into.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Status {
    version: String,
    timestamp: DateTime<FixedOffset>,
    tenant: String,
    r#type: String,
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let (server, client) = runtime.block_on(async {
        let server = jtl_erp_tests::MockServer::from(
            wiremock::MockServer::builder()
                .disable_request_recording()
                .start()
                .await,
        );
        Mock::given(method("POST"))
            .and(path("/oauth2/token"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                r#"{"access_token":"cached-token","token_type":"Bearer","expires_in":3600}"#,
                "application/json",
            ))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/erp/v2/info"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                r#"{"version":"1.10.12","timestamp":"2025-03-20T08:57:00+01:00","tenant":"eazybusiness","type":"WAWI-Api"}"#,
                "application/json",
            ))
            .mount(&server)
            .await;
        let provider = ClientCredentials::builder("id", "secret")
            .token_url(format!("{}/oauth2/token", server.uri()))
            .build()
            .expect("provider");
        provider.token().await.expect("warm token cache");
        let client = erp_v2::Client::builder()
            .base_url(format!("{}/erp", server.uri()))
            .auth(provider)
            .context(Context::new().tenant_id(TENANT.parse().expect("uuid")))
            .build()
            .expect("client");
        (server, client)
    });
    // A careful hand-written call bounds its time as the client does (connect 10 s, total
    // 30 s: each is a timer per request); `BENCH_BASELINE_TIMEOUTS=0` drops them.
    let plain = if env_number("BENCH_BASELINE_TIMEOUTS", 1) == 1 {
        reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("reqwest")
    } else {
        reqwest::Client::builder().build().expect("reqwest")
    };
    let url = format!("{}/erp/v2/info", server.uri());

    let baseline = || async {
        let response = plain
            .get(&url)
            .header("authorization", "Bearer cached-token")
            .header("x-tenant-id", TENANT)
            .send()
            .await
            .expect("sent");
        let bytes = response.bytes().await.expect("body");
        serde_json::from_slice::<Status>(&bytes).expect("decodes");
    };
    let generated = || async {
        client.get_status().await.expect("status").into_inner();
    };
    // Batches of A (baseline) and B (client) alternate, so that drift of the machine (other
    // builds, frequency, the server's state) lands in both sides of each pair; the figure is
    // the median of the pairwise ratios.
    let batch = env_number("BENCH_BATCH", 200);
    let pairs = env_number("BENCH_PAIRS", 40);
    runtime.block_on(async {
        for _ in 0..batch {
            baseline().await;
            generated().await;
        }
        let mut ratios = Vec::with_capacity(pairs);
        let (mut a_total, mut b_total) = (0.0, 0.0);
        for _ in 0..pairs {
            let started = Instant::now();
            for _ in 0..batch {
                baseline().await;
            }
            let a = started.elapsed().as_secs_f64() / batch as f64;
            let started = Instant::now();
            for _ in 0..batch {
                generated().await;
            }
            let b = started.elapsed().as_secs_f64() / batch as f64;
            ratios.push(b / a);
            a_total += a;
            b_total += b;
        }
        ratios.sort_by(f64::total_cmp);
        let median = ratios[ratios.len() / 2];
        println!(
            "get_status: baseline {:.1} µs, generated client {:.1} µs per call (means over {pairs} pairs of {batch} calls)",
            a_total / pairs as f64 * 1e6,
            b_total / pairs as f64 * 1e6
        );
        println!(
            "ratio client/baseline: median {median:.3}x, quartiles {:.3}x to {:.3}x",
            ratios[ratios.len() / 4],
            ratios[ratios.len() * 3 / 4]
        );
    });
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
