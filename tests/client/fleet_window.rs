//! A fleet's rate-limit window starts when the request is sent: four replicas as processes of
//! their own (`fleet-replica`) share one token and one budget through one real `redis-server`,
//! against an issuer that takes half a second to answer and a loopback API that enforces 10
//! calls per 2 s window (a window opens at the first call after the last one closed, as the
//! platform's) and counts its 429s per window. The first call of the fleet fetches the token:
//! had the shared window opened when that call began, it would close half a second before the
//! server's, and the next window's calls would be answered 429. Real time, since the replicas
//! are processes; the server's windows and the fleet's differ by the slack (a twentieth of the
//! window, 100 ms here), far from the half second the test would catch.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jtl_erp_tests::MockServer;
use jtl_erp_tests::redis_server::RedisServer;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

const LIMIT: u64 = 10;
const WINDOW: Duration = Duration::from_secs(2);
const TOKEN_DELAY: Duration = Duration::from_millis(500);
const REPLICAS: usize = 4;
const CALLERS: u64 = 5;
const CALLS: u64 = 2;

/// The API's windows: the calls and 429s of each, in order.
#[derive(Clone, Default)]
struct Windows {
    state: Arc<Mutex<Vec<(Instant, u64, usize)>>>,
    tokens: Arc<AtomicUsize>,
}

impl Respond for Windows {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if request.url.path() == "/oauth2/token" {
            let n = self.tokens.fetch_add(1, Ordering::SeqCst) + 1;
            return ResponseTemplate::new(200)
                .set_body_raw(
                    format!(
                        r#"{{"access_token":"t-{n}","token_type":"Bearer","expires_in":3600}}"#
                    ),
                    "application/json",
                )
                .set_delay(TOKEN_DELAY);
        }
        let now = Instant::now();
        let mut windows = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if windows
            .last()
            .is_none_or(|(start, _, _)| now >= *start + WINDOW)
        {
            windows.push((now, 0, 0));
        }
        let (_, served, refused) = windows.last_mut().expect("a window");
        let headers = |template: ResponseTemplate| {
            template
                .insert_header("x-ratelimit-limit", LIMIT.to_string().as_str())
                .insert_header(
                    "x-ratelimit-interval-length-seconds",
                    WINDOW.as_secs().to_string().as_str(),
                )
        };
        if *served < LIMIT {
            *served += 1;
            headers(ResponseTemplate::new(200))
                .insert_header("x-ratelimit-remaining", (LIMIT - *served).to_string().as_str())
                .set_body_raw(
                    r#"{"version":"1","timestamp":"2025-03-20T08:57:00+01:00","tenant":"t","type":"x"}"#,
                    "application/json",
                )
        } else {
            *refused += 1;
            headers(ResponseTemplate::new(429)).insert_header("x-ratelimit-remaining", "0")
        }
    }
}

#[jtl_erp_tests::test(deadline = 120)]
async fn the_fleets_window_opens_when_its_first_request_is_sent_after_a_slow_token_fetch() {
    let Some(redis) = RedisServer::start_or_skip(
        "the_fleets_window_opens_when_its_first_request_is_sent_after_a_slow_token_fetch",
    ) else {
        return;
    };
    let windows = Windows::default();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(windows.clone())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/info"))
        .respond_with(windows.clone())
        .mount(&server)
        .await;

    let started = Instant::now();
    let children: Vec<std::process::Child> = (0..REPLICAS)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_fleet-replica"))
                .env("REDIS_URL", redis.url())
                .env("PREFIX", "jtl:window:prod")
                .env("TOKEN_URL", format!("{}/oauth2/token", server.uri()))
                .env("API_URL", server.uri())
                .env("CALLERS", CALLERS.to_string())
                .env("CALLS", CALLS.to_string())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("replica process")
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
    let elapsed = started.elapsed();
    for output in &outputs {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stdout).trim(),
            format!("calls {} failed 0", CALLERS * CALLS),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let windows_seen = windows.state.lock().expect("windows").clone();
    let per_window: Vec<(u64, usize)> = windows_seen.iter().map(|(_, s, r)| (*s, *r)).collect();
    let calls = REPLICAS as u64 * CALLERS * CALLS;
    assert_eq!(
        per_window.iter().map(|(served, _)| served).sum::<u64>(),
        calls,
        "(served, 429) per window: {per_window:?}"
    );
    assert!(
        per_window.iter().all(|(_, refused)| *refused == 0),
        "(served, 429) per window: {per_window:?}"
    );
    assert_eq!(
        per_window.len() as u64,
        calls.div_ceil(LIMIT),
        "full windows: {per_window:?}"
    );
    assert_eq!(
        windows.tokens.load(Ordering::SeqCst),
        1,
        "one fetch for the fleet"
    );
    // The windows allow the load in (windows - 1) × 2 s after the token; processes start too.
    assert!(
        elapsed >= WINDOW * (per_window.len() as u32 - 1),
        "{elapsed:?}"
    );
}
