//! Rate limits and retries on 127.0.0.1 against a server that enforces the vendor's window
//! (`X-RateLimit-*`, 429 without `Retry-After`), on an injected clock shared by server and
//! client: every wait is asserted exactly, none is slept.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::auth::WawiKey;
use jtl_erp_client::runtime::time::{ManualTimeSource, TimeSource};
use jtl_erp_client::runtime::{Context, ErrorKind, RateLimitPolicy, RetryPolicy};
use jtl_erp_tests::MockServer;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

const VALID: &str =
    r#"{"version":"1","timestamp":"2025-03-20T08:57:00+01:00","tenant":"t","type":"x"}"#;
const WINDOW: Duration = Duration::from_secs(45);

/// Allows `limit` requests per 45 s window of `clock`; beyond that 429 without `Retry-After`.
#[derive(Clone)]
struct Window {
    clock: ManualTimeSource,
    limit: u64,
    state: Arc<Mutex<(Instant, u64)>>,
    served: Arc<AtomicUsize>,
    refused: Arc<AtomicUsize>,
}

impl Window {
    fn new(clock: &ManualTimeSource, limit: u64) -> Self {
        Self {
            clock: clock.clone(),
            limit,
            state: Arc::new(Mutex::new((clock.now(), 0))),
            served: Arc::default(),
            refused: Arc::default(),
        }
    }
}

impl Respond for Window {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let now = self.clock.now();
        let mut state = self.state.lock().expect("lock");
        if now >= state.0 + WINDOW {
            *state = (now, 0);
        }
        let headers = |response: ResponseTemplate, remaining: u64| {
            response
                .insert_header("x-ratelimit-limit", self.limit.to_string().as_str())
                .insert_header("x-ratelimit-remaining", remaining.to_string().as_str())
                .insert_header("x-ratelimit-interval-length-seconds", "45")
                .insert_header("x-request-id", "req-42")
        };
        if state.1 < self.limit {
            state.1 += 1;
            self.served.fetch_add(1, Ordering::SeqCst);
            headers(
                ResponseTemplate::new(200).set_body_raw(VALID, "application/json"),
                self.limit - state.1,
            )
        } else {
            self.refused.fetch_add(1, Ordering::SeqCst);
            headers(ResponseTemplate::new(429), 0)
        }
    }
}

async fn server(respond: impl Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/v2/info"))
        .respond_with(respond)
        .mount(&server)
        .await;
    server
}

fn client(base: &str, clock: &ManualTimeSource, policy: RetryPolicy) -> erp_v2::Client {
    erp_v2::Client::builder()
        .base_url(base)
        .auth(WawiKey::new("k"))
        .http_settings(&HttpSettings::new().time_source(clock.clone()))
        .retry(policy)
        .context(
            Context::new()
                .challenge_code("c")
                .app_id("A/1")
                .app_version("1"),
        )
        .build()
        .expect("client")
}

fn within_window(wait: Duration) -> bool {
    // The window, plus up to a twentieth of jitter.
    (WINDOW..=WINDOW + WINDOW / 20).contains(&wait)
}

#[jtl_erp_tests::test]
async fn a_used_up_window_is_waited_for_so_the_server_never_refuses() {
    let clock = ManualTimeSource::new();
    let window = Window::new(&clock, 3);
    let server = server(window.clone()).await;
    let client = client(&server.uri(), &clock, RetryPolicy::default());

    for call in 0..10 {
        client
            .get_status()
            .await
            .unwrap_or_else(|e| panic!("call {call}: {e:?}"));
    }

    assert_eq!(window.served.load(Ordering::SeqCst), 10);
    assert_eq!(window.refused.load(Ordering::SeqCst), 0, "no 429 at all");
    let waits = clock.sleeps();
    assert_eq!(waits.len(), 3, "one wait per used-up window: {waits:?}");
    assert!(waits.iter().all(|w| within_window(*w)), "{waits:?}");
}

#[jtl_erp_tests::test]
async fn a_429_without_retry_after_waits_the_interval() {
    let clock = ManualTimeSource::new();
    let window = Window::new(&clock, 1);
    let server = server(window.clone()).await;
    // A second client knows nothing of the first one's window and runs into the 429.
    let first = client(&server.uri(), &clock, RetryPolicy::default());
    let second = client(&server.uri(), &clock, RetryPolicy::default());
    first.get_status().await.expect("first");

    second.get_status().await.expect("after the window");

    assert_eq!(window.refused.load(Ordering::SeqCst), 1);
    assert_eq!(window.served.load(Ordering::SeqCst), 2);
    let waits = clock.sleeps();
    assert_eq!(waits.len(), 1, "{waits:?}");
    assert!(within_window(waits[0]), "{waits:?}");
}

#[jtl_erp_tests::test]
async fn fail_fast_returns_the_wait_without_sending() {
    let clock = ManualTimeSource::new();
    let window = Window::new(&clock, 1);
    let server = server(window.clone()).await;
    let client = client(
        &server.uri(),
        &clock,
        RetryPolicy::default().rate_limit(RateLimitPolicy::FailFast),
    );
    client.get_status().await.expect("first");
    clock.advance(Duration::from_secs(5));

    let error = client.get_status().await.expect_err("window used up");

    match error.kind() {
        ErrorKind::RateLimited { wait } => {
            assert_eq!(*wait, WINDOW - Duration::from_secs(5));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(error.operation(), "GetStatus");
    assert_eq!(
        error.to_string(),
        "GetStatus: rate limit reached; the window reopens in 40s"
    );
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1);
    assert!(clock.sleeps().is_empty());
}

/// A window of one request per 45 s, used up 5 s ago (40 s until it reopens), and a client whose
/// calls have `deadline`.
async fn used_up_five_seconds_ago(
    deadline: Duration,
) -> (ManualTimeSource, MockServer, erp_v2::Client) {
    let clock = ManualTimeSource::new();
    let server = server(Window::new(&clock, 1)).await;
    let client = client(
        &server.uri(),
        &clock,
        RetryPolicy::default().deadline(deadline),
    );
    client.get_status().await.expect("first");
    clock.advance(Duration::from_secs(5));
    (clock, server, client)
}

/// Waiting for the window is bounded by the call's deadline: a window that reopens after it is
/// `RateLimited` at once, nothing sent and nothing slept; one that reopens within it is waited for.
#[jtl_erp_tests::test]
async fn a_window_reopening_after_the_deadline_is_not_waited_for() {
    let (clock, server, client) = used_up_five_seconds_ago(Duration::from_secs(30)).await;

    let error = client
        .get_status()
        .await
        .expect_err("40 s wait, 30 s deadline");

    assert!(
        matches!(error.kind(), ErrorKind::RateLimited { wait, .. } if *wait == WINDOW - Duration::from_secs(5)),
        "{error:?}"
    );
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1);
    assert!(clock.sleeps().is_empty(), "{:?}", clock.sleeps());

    clock.advance(Duration::from_secs(20));
    client
        .get_status()
        .await
        .expect("20 s left to wait: within the deadline");
    let slept = clock.sleeps();
    assert!(
        slept.len() == 1 && (Duration::from_secs(20)..=Duration::from_secs(21)).contains(&slept[0]),
        "the wait, spread by up to a twentieth: {slept:?}"
    );
}

/// The deadline is inclusive: a window that reopens exactly when the deadline ends is waited for.
#[jtl_erp_tests::test]
async fn a_window_reopening_exactly_at_the_deadline_is_waited_for() {
    let (clock, _server, client) = used_up_five_seconds_ago(WINDOW - Duration::from_secs(5)).await;

    client
        .get_status()
        .await
        .expect("40 s to wait, 40 s of deadline");

    let slept = clock.sleeps();
    assert!(
        slept.len() == 1 && slept[0] >= WINDOW - Duration::from_secs(5),
        "{slept:?}"
    );
}

#[jtl_erp_tests::test]
async fn the_deadline_bounds_the_retries_and_the_error_keeps_the_headers() {
    let clock = ManualTimeSource::new();
    let window = Window::new(&clock, 0);
    let server = server(window.clone()).await;
    let client = client(
        &server.uri(),
        &clock,
        RetryPolicy::default().deadline(Duration::from_secs(30)),
    );

    let error = client.get_status().await.expect_err("refused");

    let Some(api) = error.api() else {
        panic!("{error:?}")
    };
    assert_eq!(api.status, 429);
    assert_eq!(api.retry_after(), None);
    let limit = api.rate_limit().expect("headers kept");
    assert_eq!(
        (limit.limit, limit.remaining, limit.interval),
        (Some(0), Some(0), Some(WINDOW))
    );
    assert_eq!(api.request_id(), Some("req-42"));
    assert_eq!(api.headers()["x-ratelimit-interval-length-seconds"], "45");
    assert_eq!(error.operation(), "GetStatus");
    assert_eq!(
        window.refused.load(Ordering::SeqCst),
        1,
        "45 s do not fit in 30 s"
    );
    assert!(clock.sleeps().is_empty());
}

/// 502, 504, then 200.
#[derive(Clone, Default)]
struct Flaky(Arc<AtomicUsize>);

impl Respond for Flaky {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        match self.0.fetch_add(1, Ordering::SeqCst) {
            0 => ResponseTemplate::new(502),
            1 => ResponseTemplate::new(504),
            _ => ResponseTemplate::new(200).set_body_raw(VALID, "application/json"),
        }
    }
}

#[jtl_erp_tests::test]
async fn gateway_errors_of_idempotent_calls_are_retried_with_jittered_backoff() {
    let clock = ManualTimeSource::new();
    let server = server(Flaky::default()).await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let client = client(&server.uri(), &clock, RetryPolicy::default());

    client.get_status().await.expect("third attempt");
    let waits = clock.sleeps();
    assert_eq!(waits.len(), 2, "{waits:?}");
    assert!(
        (Duration::from_millis(100)..=Duration::from_millis(200)).contains(&waits[0]),
        "{waits:?}"
    );
    assert!(
        (Duration::from_millis(200)..=Duration::from_millis(400)).contains(&waits[1]),
        "{waits:?}"
    );

    let error = client
        .register_app(jtl_erp_tests::fixtures::minimal_registration_request("a"))
        .await
        .expect_err("502");
    assert!(
        matches!(error.kind(), ErrorKind::Api(api) if api.status == 502),
        "{error:?}"
    );
    let posts = server
        .received_requests()
        .await
        .expect("recorded")
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 1, "a POST is never repeated");
}

#[jtl_erp_tests::test]
async fn connection_failures_of_idempotent_calls_are_retried() {
    let clock = ManualTimeSource::new();
    let port = jtl_erp_tests::free_port();
    let client = client(
        &format!("http://127.0.0.1:{port}"),
        &clock,
        RetryPolicy::default(),
    );
    let error = client.get_status().await.expect_err("nobody listens");
    assert!(
        matches!(error.kind(), ErrorKind::Transport(source) if source.is_connect()),
        "{error:?}"
    );
    assert_eq!(
        clock.sleeps().len(),
        3,
        "three retries: {:?}",
        clock.sleeps()
    );
}

#[jtl_erp_tests::test]
async fn retry_events_carry_the_operation_under_an_info_subscriber() {
    let capture = crate::trace_capture::capture(tracing::Level::INFO);
    let logs = &capture.logs;
    let clock = ManualTimeSource::new();
    let server = server(Flaky::default()).await;
    client(&server.uri(), &clock, RetryPolicy::default())
        .get_status()
        .await
        .expect("third attempt");
    let text = logs.text();
    let retries: Vec<&str> = text.lines().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retries.len(), 2, "{text}");
    for line in retries {
        assert!(line.contains("jtl_erp_request{"), "{line}");
        assert!(line.contains("operation=\"GetStatus\""), "{line}");
        assert!(line.contains(" INFO "), "{line}");
    }
}

#[jtl_erp_tests::test]
async fn a_warn_subscriber_sees_only_the_give_up_with_its_operation() {
    let capture = crate::trace_capture::capture(tracing::Level::WARN);
    let logs = &capture.logs;
    let clock = ManualTimeSource::new();
    let server = server(Flaky::default()).await;
    client(&server.uri(), &clock, RetryPolicy::default())
        .get_status()
        .await
        .expect("third attempt");
    assert_eq!(logs.text(), "", "retries that succeed are not warnings");

    let window = Window::new(&clock, 0);
    let refusing = self::server(window).await;
    client(
        &refusing.uri(),
        &clock,
        RetryPolicy::default().deadline(Duration::from_secs(30)),
    )
    .get_status()
    .await
    .expect_err("429");
    let text = logs.text();
    assert!(
        text.lines().all(|line| !line.contains(" INFO ")),
        "nothing below WARN: {text}"
    );
    let give_ups: Vec<&str> = text.lines().filter(|l| l.contains("deadline")).collect();
    assert_eq!(give_ups.len(), 1, "{text}");
    assert!(give_ups[0].contains(" WARN "), "{text}");
    assert!(give_ups[0].contains("operation=\"GetStatus\""), "{text}");
}

#[jtl_erp_tests::test]
async fn a_handle_overrides_the_retry_policy_and_timeout_of_its_calls() {
    let clock = ManualTimeSource::new();
    let server = server(Flaky::default()).await;
    let client = client(&server.uri(), &clock, RetryPolicy::default());

    let once = client.with_retry(RetryPolicy::disabled());
    let error = once.get_status().await.expect_err("502, not retried");
    assert!(
        matches!(error.kind(), ErrorKind::Api(api) if api.status == 502),
        "{error:?}"
    );
    assert!(clock.sleeps().is_empty());
    // The client itself keeps its policy: the 504 that follows is retried.
    client.get_status().await.expect("retried to success");
    assert_eq!(clock.sleeps().len(), 1, "{:?}", clock.sleeps());

    let stalled = jtl_erp_tests::RawServer::start(|_| {
        std::thread::sleep(Duration::from_secs(5));
    });
    let patient = erp_v2::Client::builder()
        .base_url(&stalled.url)
        .auth(WawiKey::new("k"))
        .retry(RetryPolicy::disabled())
        .build()
        .expect("client");
    let hurried = patient.with_timeout(Duration::from_millis(200));
    let started = Instant::now();
    let error = hurried.get_status().await.expect_err("timeout");
    assert!(
        matches!(error.kind(), ErrorKind::Transport(source) if source.is_timeout()),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
