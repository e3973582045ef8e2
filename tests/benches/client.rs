//! A call through the generated client with a cached OAuth token, against a hand-written
//! reqwest call doing the same work (same headers, same decoding) to the same loopback server,
//! in the same run. `cargo bench -p jtl-erp-tests --bench client`; the README reports the ratio.

use criterion::{Criterion, criterion_group, criterion_main};
use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::auth::ClientCredentials;
use jtl_erp_client::runtime::chrono::{DateTime, FixedOffset};
use jtl_erp_client::runtime::{Context, reqwest};
use serde::Deserialize;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let (server, client) = runtime.block_on(async {
        let server = MockServer::builder().disable_request_recording().start().await;
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
    let plain = reqwest::Client::builder().build().expect("reqwest");
    let url = format!("{}/erp/v2/info", server.uri());

    let mut group = c.benchmark_group("get_status");
    group.bench_function("baseline_reqwest_by_hand", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = plain
                .get(&url)
                .header("authorization", "Bearer cached-token")
                .header("x-tenant-id", TENANT)
                .send()
                .await
                .expect("sent");
            let bytes = response.bytes().await.expect("body");
            serde_json::from_slice::<Status>(&bytes).expect("decodes")
        })
    });
    group.bench_function("generated_client_cached_token", |b| {
        b.to_async(&runtime)
            .iter(|| async { client.get_status().await.expect("status").into_inner() })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
