//! A fleet of 4 replicas × 30 callers, 600 calls, the replicas processes of their own
//! (`fleet-replica`), against a loopback server that allows 60 calls per window (a window opens
//! at the first call after the last one closed; 1 s by default so that a run takes seconds,
//! `BENCH_WINDOW_SECONDS=45` for the vendor's) and answers 429 without `Retry-After` beyond;
//! token lifetimes of 3 s refreshed 1 s early, from an issuer answering after 100 ms
//! (`BENCH_TOKEN_DELAY_MS`), so that a run sees several refreshes, some opening a window. The
//! same load twice in one run: sharing the token and the budget through a `redis-server` the
//! bench starts on loopback, and without sharing (each replica its own token cache and window).
//! Reports the 429s the server sent, the calls that still ended in an error, the time from the
//! server's first call to its last against `(ceil(600 / 60) - 1) × window` (the earliest instant
//! the last window opens), the whole run with the processes' start, and the token fetches
//! against the refreshes the run needs (one per 2 s of use). `cargo bench -p jtl-erp-tests --bench fleet`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
    token_delay: Duration,
    /// The first and the last call the API answered.
    span: Arc<Mutex<Option<(Instant, Instant)>>>,
}

impl Respond for Window {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if request.url.path() == "/oauth2/token" {
            let n = self.tokens.fetch_add(1, Ordering::SeqCst) + 1;
            return ResponseTemplate::new(200)
                .set_body_raw(
                    format!(r#"{{"access_token":"t-{n}","token_type":"Bearer","expires_in":3}}"#),
                    "application/json",
                )
                .set_delay(self.token_delay);
        }
        let now = Instant::now();
        let mut span = self.span.lock().unwrap_or_else(|e| e.into_inner());
        *span = Some((span.map_or(now, |(first, _)| first), now));
        drop(span);
        self.api.answer()
    }
}

struct Outcome {
    refused: usize,
    failures: u64,
    served_span: Duration,
    total: Duration,
    tokens: usize,
}

async fn run(redis: Option<&RedisServer>, prefix: &str) -> Outcome {
    let window = Window {
        api: RateWindow::new(LIMIT, window_seconds()),
        tokens: Arc::default(),
        token_delay: Duration::from_millis(env_number("BENCH_TOKEN_DELAY_MS", 100)),
        span: Arc::default(),
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
    let started = Instant::now();
    let children: Vec<std::process::Child> = (0..REPLICAS)
        .map(|_| {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_fleet-replica"));
            command
                .env("PREFIX", prefix)
                .env("TOKEN_URL", format!("{}/oauth2/token", server.uri()))
                .env("API_URL", server.uri())
                .env("CALLERS", CALLERS.to_string())
                .env("CALLS", CALLS_EACH.to_string())
                .env("REFRESH_MARGIN_MS", "1000")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null());
            match redis {
                Some(redis) => command.env("REDIS_URL", redis.url()),
                None => command.env_remove("REDIS_URL"),
            };
            command.spawn().expect("replica process")
        })
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|child| child.wait_with_output().expect("replica ran"))
            .collect::<Vec<_>>()
    })
    .await
    .expect("joined");
    let total = started.elapsed();
    let failures = outputs
        .iter()
        .map(|output| {
            let text = String::from_utf8_lossy(&output.stdout);
            text.trim()
                .rsplit_once("failed ")
                .and_then(|(_, n)| n.parse::<u64>().ok())
                .unwrap_or_else(|| panic!("a replica's report: {text}"))
        })
        .sum();
    let (first, last) = window
        .span
        .lock()
        .expect("span")
        .expect("the API was called");
    Outcome {
        refused: window.api.refused(),
        failures,
        served_span: last - first,
        total,
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
        "{calls} calls by {REPLICAS} replica processes x {CALLERS} callers, {LIMIT} per {seconds} s \
         window; tokens live 3 s, refreshed 1 s early; the windows allow {:.2} s",
        allowed.as_secs_f64()
    );
    for (label, redis) in [("shared (Redis)", Some(&redis)), ("not shared", None)] {
        let outcome = runtime.block_on(run(redis, "jtl:bench:prod"));
        let refreshes = (outcome.served_span.as_secs_f64() / 2.0).floor() as usize + 1;
        println!(
            "{label}: {} answers 429, {} calls failed, first to last call {:.2} s = {:.3}x \
             (whole run with process start {:.2} s = {:.3}x), {} token fetches for {} tokens \
             the run needs",
            outcome.refused,
            outcome.failures,
            outcome.served_span.as_secs_f64(),
            outcome.served_span.as_secs_f64() / allowed.as_secs_f64(),
            outcome.total.as_secs_f64(),
            outcome.total.as_secs_f64() / allowed.as_secs_f64(),
            outcome.tokens,
            refreshes,
        );
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
