//! N concurrent callers against a loopback server that allows `LIMIT` requests per window and
//! answers 429 without `Retry-After` beyond that, as the vendor does (windows of 45 to 60 s;
//! 2 s by default so that a run takes seconds, `BENCH_WINDOW_SECONDS=45` for the vendor's).
//! Reports failures (must be zero) and the total time against what the windows allow:
//! `(ceil(calls / LIMIT) - 1) × window`, the earliest instant the last window opens.
//! `cargo bench -p jtl-erp-tests --bench ratelimit`.

use std::time::{Duration, Instant};

use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::auth::WawiKey;
use jtl_erp_tests::rate_window::RateWindow;
use wiremock::Mock;
use wiremock::matchers::path;

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

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let window = RateWindow::new(LIMIT, window_seconds());
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
        let window_length = window.seconds();
        let allowed = Duration::from_secs(window_length * (calls.div_ceil(LIMIT) - 1));
        println!(
            "{calls} calls by {CALLERS} callers, {LIMIT} per {window_length} s window: {failures} failures, \
             {} answered 429 and retried; total {:.2} s vs {:.2} s the windows allow = {:.3}x",
            window.refused(),
            total.as_secs_f64(),
            allowed.as_secs_f64(),
            total.as_secs_f64() / allowed.as_secs_f64()
        );
    });
}
