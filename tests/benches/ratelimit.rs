//! N concurrent callers against a loopback server that allows `LIMIT` requests per window and
//! answers 429 without `Retry-After` beyond that, as the vendor does (windows of 45 to 60 s;
//! 2 s by default so that a run takes seconds, `BENCH_WINDOW_SECONDS=45` for the vendor's).
//! Reports failures (must be zero) and the total time against what the windows allow:
//! `(ceil(calls / LIMIT) - 1) × window`, the earliest instant the last window opens.
//! `cargo bench -p jtl-erp-tests --bench ratelimit`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::auth::WawiKey;
use wiremock::matchers::path;
use wiremock::{Mock, Request, Respond, ResponseTemplate};

const LIMIT: u64 = 60;

/// The window's length in seconds (`BENCH_WINDOW_SECONDS`, default 2).
fn window_seconds() -> u64 {
    std::env::var("BENCH_WINDOW_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2)
}
const CALLERS: usize = 30;
const CALLS_EACH: usize = 6;

#[derive(Clone)]
struct Window {
    /// The window's length in seconds, read once.
    seconds: u64,
    state: Arc<Mutex<(Option<Instant>, u64)>>,
    refused: Arc<AtomicUsize>,
}

impl Respond for Window {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let now = Instant::now();
        let window = Duration::from_secs(self.seconds);
        let mut state = self.state.lock().expect("lock");
        if state.0.is_none_or(|start| now >= start + window) {
            *state = (Some(now), 0);
        }
        let template = |status| {
            ResponseTemplate::new(status)
                .insert_header("x-ratelimit-limit", LIMIT.to_string().as_str())
                .insert_header(
                    "x-ratelimit-interval-length-seconds",
                    self.seconds.to_string().as_str(),
                )
        };
        if state.1 < LIMIT {
            state.1 += 1;
            template(200)
                .insert_header("x-ratelimit-remaining", (LIMIT - state.1).to_string().as_str())
                .set_body_raw(
                    r#"{"version":"1","timestamp":"2025-03-20T08:57:00+01:00","tenant":"t","type":"x"}"#,
                    "application/json",
                )
        } else {
            self.refused.fetch_add(1, Ordering::SeqCst);
            template(429).insert_header("x-ratelimit-remaining", "0")
        }
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let window = Window {
            seconds: window_seconds(),
            state: Arc::default(),
            refused: Arc::default(),
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
        let client = erp_v2::Client::builder()
            .base_url(server.uri())
            .auth(WawiKey::new("k"))
            .build()
            .expect("client");
        let started = Instant::now();
        let callers: Vec<_> = (0..CALLERS)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move {
                    let mut failures = 0;
                    for _ in 0..CALLS_EACH {
                        if client.get_status().await.is_err() {
                            failures += 1;
                        }
                    }
                    failures
                })
            })
            .collect();
        let mut failures = 0;
        for caller in callers {
            failures += caller.await.expect("joined");
        }
        let total = started.elapsed();
        let calls = (CALLERS * CALLS_EACH) as u64;
        let window_length = window.seconds;
        let allowed = Duration::from_secs(window_length * (calls.div_ceil(LIMIT) - 1));
        println!(
            "{calls} calls by {CALLERS} callers, {LIMIT} per {window_length} s window: {failures} failures, \
             {} answered 429 and retried; total {:.2} s vs {:.2} s the windows allow = {:.3}x",
            window.refused.load(Ordering::SeqCst),
            total.as_secs_f64(),
            allowed.as_secs_f64(),
            total.as_secs_f64() / allowed.as_secs_f64()
        );
    });
}
