//! A fleet of 4 replicas × 30 callers, 600 calls, against a loopback server that allows 60
//! calls per window (a window opens at the first call after the last one closed; 1 s by
//! default so that a run takes seconds, `BENCH_WINDOW_SECONDS=45` for the vendor's) and answers
//! 429 without `Retry-After` beyond; token lifetimes of 3 s refreshed 1 s early, so that a run
//! sees several refreshes. The same load twice in one run: sharing the token and the budget
//! through a `redis-server` the bench starts on loopback, and without sharing (today's client:
//! each replica its own token cache and window). Reports the 429s the server sent, the calls
//! that still ended in an error, the total time against `(ceil(600 / 60) - 1) × window` (the
//! earliest instant the last window opens) and the token fetches.
//! `cargo bench -p jtl-erp-tests --bench fleet`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::Context;
use jtl_erp_client::runtime::auth::ClientCredentials;
use jtl_erp_client::runtime::shared::RedisFleet;
use jtl_erp_tests::rate_window::RateWindow;
use jtl_erp_tests::redis_server::RedisServer;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

const LIMIT: u64 = 60;
const REPLICAS: usize = 4;
const CALLERS: usize = 30;
const CALLS_EACH: usize = 5;

fn window_seconds() -> u64 {
    std::env::var("BENCH_WINDOW_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

/// The rate-limited API and, at `/oauth2/token`, tokens living 3 s, counted.
#[derive(Clone)]
struct Window {
    api: RateWindow,
    tokens: Arc<AtomicUsize>,
}

impl Respond for Window {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if request.url.path() == "/oauth2/token" {
            let n = self.tokens.fetch_add(1, Ordering::SeqCst) + 1;
            return ResponseTemplate::new(200).set_body_raw(
                format!(r#"{{"access_token":"t-{n}","token_type":"Bearer","expires_in":3}}"#),
                "application/json",
            );
        }
        self.api.answer()
    }
}

struct Outcome {
    refused: usize,
    failures: usize,
    total: Duration,
    tokens: usize,
}

async fn run(redis: Option<&RedisServer>, prefix: &str) -> Outcome {
    let window = Window {
        api: RateWindow::new(LIMIT, window_seconds()),
        tokens: Arc::default(),
    };
    let server = jtl_erp_tests::MockServer::from(
        wiremock::MockServer::builder()
            .disable_request_recording()
            .start()
            .await,
    );
    Mock::given(path("/v2/info"))
        .respond_with(window.clone())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(window.clone())
        .mount(&server)
        .await;
    let replicas: Vec<erp_v2::Client> = (0..REPLICAS)
        .map(|_| {
            let fleet = redis.map(|redis| {
                RedisFleet::builder(redis.url(), prefix)
                    .build()
                    .expect("fleet")
            });
            let mut auth = ClientCredentials::builder("bench", "bench-secret")
                .token_url(format!("{}/oauth2/token", server.uri()))
                .refresh_margin(Duration::from_secs(1));
            if let Some(fleet) = &fleet {
                auth = auth.shared_cache(fleet.token_store("cloud"));
            }
            let mut client = erp_v2::Client::builder()
                .base_url(server.uri())
                .auth(auth.build().expect("provider"))
                .context(
                    Context::new().tenant_id(
                        "6f1c2b3a-1111-4222-8333-944455556666"
                            .parse()
                            .expect("uuid"),
                    ),
                );
            if let Some(fleet) = &fleet {
                client = client.shared_rate_limit(fleet.budget());
            }
            client.build().expect("client")
        })
        .collect();
    let started = Instant::now();
    let mut callers = tokio::task::JoinSet::new();
    for replica in &replicas {
        for _ in 0..CALLERS {
            let client = replica.clone();
            callers.spawn(async move {
                let mut failures = 0;
                for _ in 0..CALLS_EACH {
                    if client.get_status().await.is_err() {
                        failures += 1;
                    }
                }
                failures
            });
        }
    }
    let failures = callers.join_all().await.into_iter().sum();
    Outcome {
        refused: window.api.refused(),
        failures,
        total: started.elapsed(),
        tokens: window.tokens.load(Ordering::SeqCst),
    }
}

fn main() {
    let Some(redis) = RedisServer::start_or_skip("bench fleet") else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let seconds = window_seconds();
    let calls = (REPLICAS * CALLERS * CALLS_EACH) as u64;
    let allowed = Duration::from_secs(seconds * (calls.div_ceil(LIMIT) - 1));
    println!(
        "{calls} calls by {REPLICAS} replicas x {CALLERS} callers, {LIMIT} per {seconds} s window; \
         tokens live 3 s, refreshed 1 s early; the windows allow {:.2} s",
        allowed.as_secs_f64()
    );
    for (label, redis) in [("shared (Redis)", Some(&redis)), ("not shared", None)] {
        let outcome = runtime.block_on(run(redis, "jtl:bench:prod"));
        println!(
            "{label}: {} answers 429, {} calls failed, total {:.2} s = {:.3}x, {} token fetches",
            outcome.refused,
            outcome.failures,
            outcome.total.as_secs_f64(),
            outcome.total.as_secs_f64() / allowed.as_secs_f64(),
            outcome.tokens,
        );
    }
}
