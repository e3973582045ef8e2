//! Broken and hostile servers on 127.0.0.1: each behaviour gives the caller one exact error
//! kind (or a value, where tolerance is right), never a panic, a hang or an unbounded read.

use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use jtl_erp_client::erp_v2;
use jtl_erp_client::models::{ErrorResponse, Status};
use jtl_erp_client::runtime::Backoff;
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::auth::WawiKey;
use jtl_erp_client::runtime::time::ManualTimeSource;
use jtl_erp_client::runtime::{
    ClientBuilder, Context, Error, ErrorKind, ResponseValue, RetryPolicy,
};
use jtl_erp_tests::MockServer;
use jtl_erp_tests::{RawServer, header_values};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

type StatusResult = Result<ResponseValue<Status>, Error<ErrorResponse>>;

const VALID: &str = r#"{"version":"1.10","timestamp":"2025-03-20T08:57:00+01:00","tenant":"eazybusiness","type":"WAWI-Api"}"#;

fn client(base: &str) -> erp_v2::Client {
    builder(base).build().expect("client")
}

/// Two retries, waits of 20 ms doubling when the server names none, `max_wait` at most.
fn retry_policy(max_wait: Duration) -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(2)
        .max_wait(max_wait)
        .backoff(Backoff::new(Duration::from_millis(20), Duration::from_secs(10)).without_jitter())
}

fn builder(base: &str) -> ClientBuilder<erp_v2::Client> {
    erp_v2::Client::builder()
        .base_url(base)
        .auth(WawiKey::new("key-123"))
        .http_settings(&HttpSettings::new().timeout(Duration::from_secs(1)))
        .max_body_bytes(1024 * 1024)
        .context(
            Context::new()
                .challenge_code("c")
                .app_id("A/1")
                .app_version("1"),
        )
        .retry(retry_policy(Duration::from_secs(2)))
}

async fn answering(response: ResponseTemplate) -> (MockServer, StatusResult) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/info"))
        .respond_with(response)
        .mount(&server)
        .await;
    let result = client(&server.uri()).get_status().await;
    (server, result)
}

fn decode_error(result: StatusResult) -> (String, String) {
    let error = result.expect_err("a decode error");
    assert_eq!(error.operation(), "GetStatus");
    match error.into_kind() {
        ErrorKind::Decode {
            status,
            message,
            excerpt,
        } => {
            assert_eq!(status, 200);
            (message, excerpt)
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

fn json(body: impl Into<Vec<u8>>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into(), "application/json")
}

#[jtl_erp_tests::test]
async fn truncated_json_is_a_decode_error_with_a_masked_excerpt() {
    let (_s, result) = answering(json(
        r#"{"version":"1.10-SECRET","timestamp":"2025-03-20T0"#,
    ))
    .await;
    let (message, excerpt) = decode_error(result);
    assert!(message.contains("EOF"), "{message}");
    // Broken JSON is masked as text: every quoted run, keys included, becomes `"…"`.
    assert_eq!(excerpt, r#"{"…":"…","…":"…""#);
}

#[jtl_erp_tests::test]
async fn a_string_where_an_object_is_expected_names_the_path_not_the_value() {
    let body = r#"{"version":"1","timestamp":"2025-03-20T08:57:00+01:00","tenant":{"deep":"x"},"type":"x"}"#;
    let (message, _) = decode_error(answering(json(body)).await.1);
    assert_eq!(
        message,
        "at `tenant`: invalid type: map, expected a string at line 1 column 64"
    );
    let body = r#"{"version":"1","timestamp":"SECRET-MARKER","tenant":"t","type":"x"}"#;
    let error = answering(json(body)).await.1.expect_err("bad timestamp");
    let text = format!("{error} {error:?}");
    assert!(!text.contains("SECRET-MARKER"), "{text}");
    assert!(text.contains("at `timestamp`"), "{text}");
}

#[jtl_erp_tests::test]
async fn invalid_json_is_a_decode_error() {
    let (_s, result) = answering(json("{version: 1}")).await;
    assert!(decode_error(result).0.contains("key must be a string"));
}

#[jtl_erp_tests::test]
async fn invalid_utf8_is_a_decode_error() {
    let (_s, result) = answering(json(b"{\"version\":\"\xff\xfe\"}".to_vec())).await;
    assert!(decode_error(result).0.contains("invalid unicode"));
}

#[jtl_erp_tests::test]
async fn an_html_page_with_status_200_is_a_decode_error_naming_the_content_type() {
    let page = ResponseTemplate::new(200)
        .set_body_raw("<html><body>Gateway login</body></html>", "text/html");
    let (message, excerpt) = decode_error(answering(page).await.1);
    assert_eq!(
        message,
        "expected a JSON body, got content type `text/html`"
    );
    // Text is masked too: words longer than three characters may be keys or tokens.
    assert_eq!(excerpt, "<…><…>… …<…><…>");
}

#[jtl_erp_tests::test]
async fn json_under_a_wrong_content_type_is_refused() {
    let wrong = ResponseTemplate::new(200).set_body_raw(VALID, "text/plain");
    assert_eq!(
        decode_error(answering(wrong).await.1).0,
        "expected a JSON body, got content type `text/plain`"
    );
}

#[jtl_erp_tests::test]
async fn json_without_a_content_type_is_read() {
    let (_s, result) = answering(ResponseTemplate::new(200).set_body_bytes(VALID)).await;
    assert_eq!(result.expect("tolerated").tenant, "eazybusiness");
}

#[jtl_erp_tests::test]
async fn an_empty_body_where_one_is_documented_is_a_decode_error() {
    assert_eq!(
        decode_error(answering(json("")).await.1).0,
        "the body is empty"
    );
}

#[jtl_erp_tests::test]
async fn unknown_fields_are_ignored() {
    let extra = r#"{"version":"1","timestamp":"2025-03-20T08:57:00Z","tenant":"t","type":"x","newThing":{"deep":[1,2]}}"#;
    assert_eq!(
        answering(json(extra)).await.1.expect("tolerated").r#type,
        "x"
    );
}

#[jtl_erp_tests::test]
async fn null_where_a_value_is_required_is_a_decode_error() {
    let null = r#"{"version":"1","timestamp":"2025-03-20T08:57:00Z","tenant":null,"type":"x"}"#;
    assert!(
        decode_error(answering(json(null)).await.1)
            .0
            .contains("invalid type: null, expected a string")
    );
}

#[jtl_erp_tests::test]
async fn a_number_out_of_range_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/authentication/r"))
        .respond_with(json(
            r#"{"requestStatusInfo":{"status":99999999999999999999}}"#,
        ))
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .fetch_registration_status("r")
        .await
        .expect_err("out of range");
    assert!(
        matches!(error.kind(), ErrorKind::Decode { message, .. } if message.contains("expected an integer")),
        "{error:?}"
    );
}

#[jtl_erp_tests::test]
async fn deeply_nested_json_is_refused_without_exhausting_the_stack() {
    // Under an unknown key, where the decoder skips values: the skipping is bounded too.
    let deep = format!(
        r#"{{"unknown":{}1{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (message, excerpt) = decode_error(answering(json(deep)).await.1);
    // The decoder skips the unknown value without recursing, then misses the required fields;
    // the excerpt's own parse stops at serde_json's recursion limit and falls back to text.
    assert!(message.starts_with("missing field `Version`"), "{message}");
    assert!(
        excerpt.chars().count() <= 121,
        "bounded excerpt: {} chars",
        excerpt.chars().count()
    );
}

#[jtl_erp_tests::test]
async fn a_declared_length_over_the_limit_is_refused_unread() {
    // The server declares 2 MiB and then sends nothing: a client that read before refusing
    // would wait for the body until its 1 s timeout and fail with a transport error.
    let server = RawServer::start(|stream| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2097152\r\n\r\n",
        );
        std::thread::sleep(Duration::from_secs(5));
    });
    let result = client(&server.url).get_status().await;
    assert!(
        matches!(
            result.as_ref().map_err(|e| (e.operation(), e.kind())),
            Err(("GetStatus", ErrorKind::BodyTooLarge { limit: 1_048_576 }))
        ),
        "refused before any body byte (a client that read first would time out): {result:?}"
    );
}

#[jtl_erp_tests::test]
async fn the_default_limit_is_the_documented_16_mib() {
    let server = RawServer::start(|stream| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 16777217\r\n\r\n",
        );
        std::thread::sleep(Duration::from_secs(5));
    });
    let client = erp_v2::Client::builder()
        .base_url(&server.url)
        .auth(WawiKey::new("key-123"))
        .http_settings(&HttpSettings::new().timeout(Duration::from_secs(2)))
        .build()
        .expect("client");
    let result = client.get_status().await;
    assert!(
        matches!(
            result.as_ref().map_err(|e| (e.operation(), e.kind())),
            Err(("GetStatus", ErrorKind::BodyTooLarge { limit: 16_777_216 }))
        ),
        "{result:?}"
    );
}

/// The limit is inclusive: a body of exactly `max_body_bytes` is read, one byte less refuses
/// it, whether the length is declared or the body comes in chunks.
#[jtl_erp_tests::test]
async fn a_body_of_exactly_the_limit_is_read_declared_or_chunked() {
    let declared = RawServer::start(|stream| {
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{VALID}",
            VALID.len()
        );
        let _ = stream.write_all(answer.as_bytes());
    });
    let chunked = RawServer::start(|stream| {
        let (first, second) = VALID.split_at(VALID.len() / 2);
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{first}\r\n{:x}\r\n{second}\r\n0\r\n\r\n",
            first.len(),
            second.len()
        );
        let _ = stream.write_all(answer.as_bytes());
    });
    for (how, server) in [("declared", declared), ("chunked", chunked)] {
        let limited = |limit: usize| {
            erp_v2::Client::builder()
                .base_url(&server.url)
                .auth(WawiKey::new("key-123"))
                .http_settings(&HttpSettings::new().timeout(Duration::from_secs(2)))
                .retry(RetryPolicy::disabled())
                .max_body_bytes(limit)
                .build()
                .expect("client")
        };
        let status = limited(VALID.len())
            .get_status()
            .await
            .unwrap_or_else(|e| panic!("{how}: exactly the limit is read: {e:?}"));
        assert_eq!(status.status(), 200, "{how}");
        let refused = limited(VALID.len() - 1).get_status().await;
        assert!(
            matches!(refused.as_ref().map_err(Error::kind), Err(ErrorKind::BodyTooLarge { limit, .. }) if *limit == VALID.len() - 1),
            "{how}: {refused:?}"
        );
    }
}

#[jtl_erp_tests::test]
async fn an_endless_chunked_body_is_cut_at_the_limit() {
    let server = RawServer::start(|stream| {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
        let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
        while stream.write_all(chunk.as_bytes()).is_ok() {}
    });
    let started = Instant::now();
    let result = client(&server.url).get_status().await;
    assert!(
        matches!(
            result.as_ref().map_err(Error::kind),
            Err(ErrorKind::BodyTooLarge { .. })
        ),
        "{result:?}"
    );
    // Refused at the limit, long before the gigabyte would have arrived.
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[jtl_erp_tests::test]
async fn a_trickling_server_is_cut_off_by_the_total_timeout() {
    let server = RawServer::start(|stream| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n",
        );
        for _ in 0..1000 {
            if stream.write_all(b" ").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let started = Instant::now();
    let result = client(&server.url).get_status().await;
    assert!(
        matches!(result.as_ref().map_err(Error::kind), Err(ErrorKind::Transport(source)) if source.is_timeout()),
        "{result:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[jtl_erp_tests::test]
async fn a_server_stalling_after_the_headers_is_cut_off_by_the_total_timeout() {
    let server = RawServer::start(|stream| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n",
        );
        std::thread::sleep(Duration::from_secs(10));
    });
    let result = client(&server.url).get_status().await;
    assert!(
        matches!(result.as_ref().map_err(Error::kind), Err(ErrorKind::Transport(source)) if source.is_timeout()),
        "{result:?}"
    );
}

#[jtl_erp_tests::test]
async fn a_connection_closed_mid_body_is_a_transport_error_and_not_retried() {
    // The server answered: it may have acted, so only failures before any answer are retried.
    static ANSWERS: AtomicUsize = AtomicUsize::new(0);
    let server = RawServer::start(|stream| {
        ANSWERS.fetch_add(1, Ordering::SeqCst);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"version\":");
        let _ = stream.shutdown(std::net::Shutdown::Both);
    });
    let result = client(&server.url).get_status().await;
    assert!(
        matches!(result.as_ref().map_err(Error::kind), Err(ErrorKind::Transport(source)) if !source.is_timeout() && !source.is_connect()),
        "{result:?}"
    );
    assert_eq!(ANSWERS.load(Ordering::SeqCst), 1);
}

#[jtl_erp_tests::test]
async fn credentials_do_not_follow_a_redirect_to_another_origin() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json(VALID))
        .mount(&elsewhere)
        .await;
    let redirect = ResponseTemplate::new(307)
        .insert_header("location", format!("{}/v2/info", elsewhere.uri()).as_str());
    let (_s, result) = answering(redirect).await;
    assert!(
        matches!(result.as_ref().map_err(Error::kind), Err(ErrorKind::Api(api)) if api.status == 307),
        "{result:?}"
    );
    assert!(
        elsewhere
            .received_requests()
            .await
            .expect("recorded")
            .is_empty(),
        "nothing reached the other port"
    );
}

#[jtl_erp_tests::test]
async fn a_redirect_within_the_origin_is_followed_with_the_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/info"))
        .respond_with(ResponseTemplate::new(308).insert_header("location", "/v2/info-moved"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/info-moved"))
        .respond_with(json(VALID))
        .mount(&server)
        .await;
    client(&server.uri()).get_status().await.expect("followed");
    for request in server.received_requests().await.expect("recorded") {
        assert_eq!(header_values(&request, "authorization"), ["Wawi key-123"]);
    }
}

/// [`client`] with its waits on `clock` and the longest single wait `max_wait`.
fn clocked(base: &str, clock: &ManualTimeSource, max_wait: Duration) -> erp_v2::Client {
    builder(base)
        .retry(retry_policy(max_wait))
        .http_settings(&HttpSettings::new().time_source(clock.clone()))
        .build()
        .expect("client")
}

/// A server answering `first` once, then the valid status.
async fn once_then_valid(first: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/info"))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/info"))
        .respond_with(json(VALID))
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

/// A wait the server named, as the retry loop spreads it: the wait plus up to a twentieth more
/// (`spread` in generator/runtime/src/transport/client.rs), to the millisecond.
fn spread_of(named: Duration) -> std::ops::RangeInclusive<Duration> {
    named..=named + Duration::from_millis(named.as_millis() as u64 / 20)
}

/// The only wait `clock` was asked for.
fn only_wait(clock: &ManualTimeSource) -> Duration {
    match clock.sleeps()[..] {
        [wait] => wait,
        ref waits => panic!("one wait expected, the clock was asked for {waits:?}"),
    }
}

#[jtl_erp_tests::test]
async fn a_429_with_retry_after_is_retried_for_get_after_the_asked_wait() {
    let server =
        once_then_valid(ResponseTemplate::new(429).insert_header("retry-after", "1")).await;
    let clock = ManualTimeSource::new();
    clocked(&server.uri(), &clock, Duration::from_secs(2))
        .get_status()
        .await
        .expect("second attempt");
    assert_eq!(server.received_requests().await.expect("recorded").len(), 2);
    // One wait: the asked second (spread), which also outlasts the throttled window.
    let wait = only_wait(&clock);
    assert!(
        spread_of(Duration::from_secs(1)).contains(&wait),
        "{wait:?}"
    );
}

#[jtl_erp_tests::test]
async fn retries_are_bounded_and_retry_after_is_capped() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/info"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let clock = ManualTimeSource::new();
    let result = clocked(&server.uri(), &clock, Duration::from_secs(2))
        .get_status()
        .await;
    assert!(
        matches!(result.as_ref().map_err(Error::kind), Err(ErrorKind::Api(api)) if api.status == 503),
        "{result:?}"
    );
    assert_eq!(
        server.received_requests().await.expect("recorded").len(),
        3,
        "one try and two retries"
    );
    assert_eq!(
        clock.sleeps(),
        [Duration::from_secs(2); 2],
        "an hour was asked, the policy's two seconds waited before each retry"
    );
}

/// 2015-10-21T07:28:00Z, the clock's wall time in the date tests (long past: a client that read
/// the system clock instead of its own would find every date below in the past).
fn back_then() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480)
}

#[jtl_erp_tests::test]
async fn a_retry_after_date_is_waited_for_from_the_clocks_wall_time() {
    let server = once_then_valid(
        ResponseTemplate::new(503).insert_header("retry-after", "Wed, 21 Oct 2015 07:29:30 GMT"),
    )
    .await;
    let clock = ManualTimeSource::starting_at(back_then());
    clocked(&server.uri(), &clock, Duration::from_secs(120))
        .get_status()
        .await
        .expect("second attempt");
    assert_eq!(server.received_requests().await.expect("recorded").len(), 2);
    let wait = only_wait(&clock);
    assert!(
        spread_of(Duration::from_secs(90)).contains(&wait),
        "the date lies 90 s after the clock's time: {wait:?}"
    );
}

#[jtl_erp_tests::test]
async fn a_retry_after_date_in_the_past_is_no_wait() {
    let server = once_then_valid(
        ResponseTemplate::new(503).insert_header("retry-after", "Wed, 21 Oct 2015 07:27:00 GMT"),
    )
    .await;
    let clock = ManualTimeSource::starting_at(back_then());
    clocked(&server.uri(), &clock, Duration::from_secs(120))
        .get_status()
        .await
        .expect("second attempt");
    assert_eq!(server.received_requests().await.expect("recorded").len(), 2);
    assert_eq!(
        clock.sleeps(),
        [Duration::ZERO],
        "a minute ago: retried at once"
    );
}

#[jtl_erp_tests::test]
async fn non_idempotent_requests_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/authentication"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let body = jtl_erp_tests::fixtures::minimal_registration_request("a");
    let error = client(&server.uri())
        .register_app(body)
        .await
        .expect_err("503");
    assert!(
        matches!(error.kind(), ErrorKind::Api(api) if api.status == 503),
        "{error:?}"
    );
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1);
}

#[jtl_erp_tests::test]
async fn retries_can_be_turned_off() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/info"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = erp_v2::Client::builder()
        .base_url(server.uri())
        .auth(WawiKey::new("k"))
        .retry(RetryPolicy::disabled())
        .build()
        .expect("client");
    assert!(client.get_status().await.is_err());
    assert_eq!(server.received_requests().await.expect("recorded").len(), 1);
}

#[jtl_erp_tests::test]
async fn an_html_error_page_is_an_api_error_with_an_excerpt_and_no_body() {
    let page = ResponseTemplate::new(502)
        .set_body_raw("<html><h1>502 Bad Gateway</h1></html>", "text/html");
    let (_s, result) = answering(page).await;
    let Some(api) = result.as_ref().err().and_then(Error::api) else {
        panic!("{result:?}")
    };
    assert_eq!(api.status.as_u16(), 502);
    assert_eq!(result.as_ref().expect_err("502").operation(), "GetStatus");
    assert!(api.body.is_none());
    assert_eq!(api.excerpt, "<…><h1>502 Bad …</h1><…>");
}

#[jtl_erp_tests::test]
async fn error_excerpts_mask_string_values_so_no_secret_leaks() {
    let body = r#"{"version":"1","timestamp":"not a date","tenant":"secret-tenant","type":"x","apiKey":"FB62-secret"}"#;
    let error = answering(json(body)).await.1.expect_err("bad timestamp");
    let text = format!("{error} {error:?}");
    assert!(
        !text.contains("FB62-secret") && !text.contains("secret-tenant"),
        "{text}"
    );
    assert!(
        text.contains(r#"\"apiKey\":\"…\""#) || text.contains(r#""apiKey":"…""#),
        "{text}"
    );
}

#[jtl_erp_tests::test]
async fn a_refused_connection_is_a_transport_error() {
    let port = jtl_erp_tests::free_port();
    let result = client(&format!("http://127.0.0.1:{port}"))
        .get_status()
        .await;
    assert!(
        matches!(result.as_ref().map_err(Error::kind), Err(ErrorKind::Transport(source)) if source.is_connect()),
        "{result:?}"
    );
}
