//! Authentication over real HTTP on 127.0.0.1: the token lifecycle the vendor asks for, the
//! single retry after a 401, typed token errors, the https rule, hooks and redaction.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jtl_erp_client::erp_v2;
use jtl_erp_client::models::ErrorResponse;
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::auth::{
    AllOf, AuthError, AuthProvider, BoxFuture, ClientCredentials, ScxRefreshToken, TokenError,
    WawiKey, WawiPlacement,
};
use jtl_erp_client::runtime::hooks::{Hook, HookError};
use jtl_erp_client::runtime::time::ManualTimeSource;
use jtl_erp_client::runtime::{
    BuildError, Context, Error, ErrorKind, Operation, RawResponse, reqwest,
};
use jtl_erp_tests::MockServer;
use jtl_erp_tests::{body_text, header_values};
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

const STATUS_BODY: &str = r#"{"version":"1.10.12","timestamp":"2025-03-20T08:57:00+01:00","tenant":"eazybusiness","type":"WAWI-Api"}"#;
const SECRET: &str = "client-secret-value";

/// Answers token requests with `token-1`, `token-2`, … and counts them.
#[derive(Clone, Default)]
struct TokenCounter {
    issued: Arc<AtomicUsize>,
    expires_in: u64,
    delay: Duration,
}

impl TokenCounter {
    fn count(&self) -> usize {
        self.issued.load(Ordering::SeqCst)
    }
}

impl Respond for TokenCounter {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_body_raw(
                format!(
                    r#"{{"access_token":"token-{n}","token_type":"Bearer","expires_in":{}}}"#,
                    self.expires_in
                ),
                "application/json",
            )
            .set_delay(self.delay)
    }
}

async fn token_server(counter: &TokenCounter) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(counter.clone())
        .mount(&server)
        .await;
    server
}

async fn api_server(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/erp/v2/info"))
        .respond_with(ResponseTemplate::new(status).set_body_raw(STATUS_BODY, "application/json"))
        .mount(&server)
        .await;
    server
}

fn grant(tokens: &MockServer) -> jtl_erp_client::runtime::auth::ClientCredentialsBuilder {
    ClientCredentials::builder("my-client", SECRET)
        .token_url(format!("{}/oauth2/token", tokens.uri()))
}

fn cloud_client(api: &MockServer, auth: ClientCredentials) -> erp_v2::Client {
    erp_v2::Client::builder()
        .base_url(format!("{}/erp", api.uri()))
        .auth(auth)
        .context(
            Context::new().tenant_id(
                "6f1c2b3a-1111-4222-8333-944455556666"
                    .parse()
                    .expect("uuid"),
            ),
        )
        .build()
        .expect("client")
}

#[jtl_erp_tests::test]
async fn the_grant_is_sent_as_documented_and_the_token_is_reused() {
    let counter = TokenCounter {
        expires_in: 3600,
        ..Default::default()
    };
    let tokens = token_server(&counter).await;
    let api = api_server(200).await;
    let client = cloud_client(&api, grant(&tokens).build().expect("provider"));

    for _ in 0..3 {
        let status = client.get_status().await.expect("status");
        assert_eq!(status.tenant, "eazybusiness");
    }

    assert_eq!(counter.count(), 1, "one token for three calls");
    let token_request = &tokens.received_requests().await.expect("recorded")[0];
    assert_eq!(
        header_values(token_request, "authorization"),
        ["Basic bXktY2xpZW50OmNsaWVudC1zZWNyZXQtdmFsdWU="]
    );
    assert_eq!(
        header_values(token_request, "content-type"),
        ["application/x-www-form-urlencoded"]
    );
    assert_eq!(body_text(token_request), "grant_type=client_credentials");
    for call in api.received_requests().await.expect("recorded") {
        assert_eq!(header_values(&call, "authorization"), ["Bearer token-1"]);
        assert_eq!(
            header_values(&call, "x-tenant-id"),
            ["6f1c2b3a-1111-4222-8333-944455556666"]
        );
    }
}

#[jtl_erp_tests::test]
async fn the_token_is_refreshed_once_no_more_than_the_margin_remains() {
    // An hour of life and the default margin of 300 s: fresh while more than 300 s remain.
    let counter = TokenCounter {
        expires_in: 3600,
        ..Default::default()
    };
    let tokens = token_server(&counter).await;
    let api = api_server(200).await;
    let clock = ManualTimeSource::new();
    let client = cloud_client(
        &api,
        grant(&tokens)
            .http_settings(&HttpSettings::new().time_source(clock.clone()))
            .build()
            .expect("provider"),
    );

    client.get_status().await.expect("first call");
    clock.advance(Duration::from_secs(3299));
    client.get_status().await.expect("still fresh");
    assert_eq!(counter.count(), 1);
    clock.advance(Duration::from_secs(1));
    client.get_status().await.expect("exactly the margin left");

    assert_eq!(counter.count(), 2);
    let calls = api.received_requests().await.expect("recorded");
    let used: Vec<String> = calls
        .iter()
        .flat_map(|c| header_values(c, "authorization"))
        .collect();
    assert_eq!(used, ["Bearer token-1", "Bearer token-1", "Bearer token-2"]);
    assert!(clock.sleeps().is_empty(), "no retries, no waits");
}

#[jtl_erp_tests::test]
async fn a_numeric_string_lifetime_and_a_lowercase_or_missing_token_type_are_accepted() {
    for (answer, fresh_for) in [
        (
            r#"{"access_token":"t","token_type":"bearer","expires_in":"3600"}"#,
            3300,
        ),
        (r#"{"access_token":"t","expires_in":1000}"#, 700),
        (r#"{"access_token":"t","token_type":"BEARER"}"#, 3300),
    ] {
        let tokens = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/oauth2/token"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(answer, "application/json"))
            .mount(&tokens)
            .await;
        let api = api_server(200).await;
        let clock = ManualTimeSource::new();
        let client = cloud_client(
            &api,
            grant(&tokens)
                .http_settings(&HttpSettings::new().time_source(clock.clone()))
                .build()
                .expect("provider"),
        );
        client.get_status().await.expect(answer);
        clock.advance(Duration::from_secs(fresh_for - 1));
        client.get_status().await.expect(answer);
        assert_eq!(
            tokens.received_requests().await.expect("recorded").len(),
            1,
            "{answer}"
        );
        clock.advance(Duration::from_secs(2));
        client.get_status().await.expect(answer);
        assert_eq!(
            tokens.received_requests().await.expect("recorded").len(),
            2,
            "{answer}"
        );
    }
}

#[jtl_erp_tests::test]
async fn answers_without_a_token_or_with_a_lifetime_that_is_no_number_are_typed_errors() {
    type Expected = fn(&TokenError) -> bool;
    let cases: [(&str, Expected); 5] = [
        (r#"{"token_type":"Bearer","expires_in":3600}"#, |e| {
            matches!(e, TokenError::MissingToken { .. })
        }),
        (r#"{"access_token":"","expires_in":3600}"#, |e| {
            matches!(e, TokenError::MissingToken { .. })
        }),
        (
            r#"{"access_token":{"v":"SECRET-MARKER"},"expires_in":3600}"#,
            |e| matches!(e, TokenError::MissingToken { .. }),
        ),
        (
            r#"{"access_token":"SECRET-MARKER","expires_in":"soon"}"#,
            |e| matches!(e, TokenError::BadLifetime { .. }),
        ),
        (
            r#"{"access_token":"SECRET-MARKER","token_type":"mac"}"#,
            |e| matches!(e, TokenError::Malformed { .. }),
        ),
    ];
    for (answer, expected) in cases {
        let (error, attempts, _) = token_error(
            ResponseTemplate::new(200).set_body_raw(answer, "application/json"),
            Duration::from_secs(5),
        )
        .await;
        assert!(expected(&error), "{answer}: {error:?}");
        assert_eq!(attempts, 1, "not retried: {answer}");
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains("SECRET-MARKER"), "{text}");
        }
    }
}

/// A thousand calls at once through `client`, each joined and successful.
async fn a_thousand_calls(client: &erp_v2::Client) {
    let calls = (0..1000).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.get_status().await.map(|_| ()) })
    });
    for call in calls.collect::<Vec<_>>() {
        call.await.expect("joined").expect("call succeeded");
    }
}

#[jtl_erp_tests::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_on_an_empty_cache_cause_one_token_request() {
    let counter = TokenCounter {
        expires_in: 3600,
        delay: Duration::from_millis(200),
        ..Default::default()
    };
    let tokens = token_server(&counter).await;
    let api = api_server(200).await;
    let client = cloud_client(&api, grant(&tokens).build().expect("provider"));

    a_thousand_calls(&client).await;

    assert_eq!(counter.count(), 1);
    let calls = api.received_requests().await.expect("recorded");
    assert_eq!(calls.len(), 1000);
    for call in &calls {
        assert_eq!(header_values(call, "authorization"), ["Bearer token-1"]);
    }
}

#[jtl_erp_tests::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_at_expiry_cause_one_token_request() {
    // An hour of life, the default margin of 300 s; the token endpoint answers slowly, so that
    // the calls pile up behind the one refresh.
    let counter = TokenCounter {
        expires_in: 3600,
        delay: Duration::from_millis(200),
        ..Default::default()
    };
    let tokens = token_server(&counter).await;
    let api = api_server(200).await;
    let clock = ManualTimeSource::new();
    let client = cloud_client(
        &api,
        grant(&tokens)
            .http_settings(&HttpSettings::new().time_source(clock.clone()))
            .build()
            .expect("provider"),
    );
    client.get_status().await.expect("first token");
    assert_eq!(counter.count(), 1);

    // Into the refresh margin: exactly 300 s of the first token's life remain.
    clock.advance(Duration::from_secs(3300));
    a_thousand_calls(&client).await;

    assert_eq!(counter.count(), 2, "one refresh for a thousand callers");
    let calls = api.received_requests().await.expect("recorded");
    assert_eq!(calls.len(), 1001);
    assert_eq!(
        header_values(&calls[0], "authorization"),
        ["Bearer token-1"]
    );
    for call in &calls[1..] {
        assert_eq!(
            header_values(call, "authorization"),
            ["Bearer token-2"],
            "no call at expiry goes out with the token being replaced"
        );
    }
}

/// A server answering `401` to the first request on `route` and `then` afterwards.
async fn refusing_once(route: (&str, &str), then: ResponseTemplate) -> MockServer {
    let (verb, route) = route;
    let api = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&api)
        .await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(then)
        .mount(&api)
        .await;
    api
}

#[jtl_erp_tests::test]
async fn a_401_refreshes_once_and_replays_the_same_body_bytes() {
    let counter = TokenCounter {
        expires_in: 3600,
        ..Default::default()
    };
    let tokens = token_server(&counter).await;
    let api = refusing_once(
        ("POST", "/erp/v2/authentication"),
        ResponseTemplate::new(201).set_body_raw(
            r#"{"appId":"a","registrationRequestId":"r","status":0}"#,
            "application/json",
        ),
    )
    .await;
    let client = erp_v2::Client::builder()
        .base_url(format!("{}/erp", api.uri()))
        .auth(grant(&tokens).build().expect("provider"))
        .context(
            Context::new()
                .challenge_code("c")
                .app_id("A/1")
                .app_version("1"),
        )
        .build()
        .expect("client");
    let body = jtl_erp_tests::fixtures::minimal_registration_request("a");

    let answer = client
        .register_app(body)
        .await
        .expect("second attempt succeeds");

    assert_eq!(answer.status(), 201);
    let calls = api.received_requests().await.expect("recorded");
    assert_eq!(calls.len(), 2);
    assert_eq!(
        calls[0].body, calls[1].body,
        "the retry replays the same bytes"
    );
    assert!(
        body_text(&calls[1]).starts_with(r#"{"AppId":"a","DisplayName":"App","#),
        "{}",
        body_text(&calls[1])
    );
    assert_eq!(
        header_values(&calls[0], "authorization"),
        ["Bearer token-1"]
    );
    assert_eq!(
        header_values(&calls[1], "authorization"),
        ["Bearer token-2"]
    );
    assert_eq!(counter.count(), 2);
}

#[jtl_erp_tests::test]
async fn combined_providers_replay_after_a_401_when_any_of_them_has_fresh_credentials() {
    // The vendor's combination: a bearer token and the Wawi key in `x-api-key`. The key cannot
    // improve, the token can: the request is replayed whichever order they are given in.
    for token_first in [true, false] {
        let counter = TokenCounter {
            expires_in: 3600,
            ..Default::default()
        };
        let tokens = token_server(&counter).await;
        let api = refusing_once(
            ("GET", "/erp/v2/info"),
            ResponseTemplate::new(200).set_body_raw(STATUS_BODY, "application/json"),
        )
        .await;
        let bearer: Box<dyn AuthProvider> = Box::new(grant(&tokens).build().expect("provider"));
        let key: Box<dyn AuthProvider> =
            Box::new(WawiKey::new("wawi-key").placement(WawiPlacement::XApiKey));
        let providers = if token_first {
            vec![bearer, key]
        } else {
            vec![key, bearer]
        };
        let client = erp_v2::Client::builder()
            .base_url(format!("{}/erp", api.uri()))
            .auth(AllOf::new(providers))
            .context(
                Context::new().tenant_id(
                    "6f1c2b3a-1111-4222-8333-944455556666"
                        .parse()
                        .expect("uuid"),
                ),
            )
            .build()
            .expect("client");

        let answer = client.get_status().await.expect("the replay succeeds");

        assert_eq!(answer.status(), 200, "token first: {token_first}");
        let calls = api.received_requests().await.expect("recorded");
        assert_eq!(calls.len(), 2, "token first: {token_first}");
        for (call, token) in calls.iter().zip(["Bearer token-1", "Bearer token-2"]) {
            assert_eq!(header_values(call, "authorization"), [token]);
            assert_eq!(header_values(call, "x-api-key"), ["wawi-key"]);
        }
    }
}

#[jtl_erp_tests::test]
async fn a_second_401_is_an_error_not_a_loop() {
    let counter = TokenCounter {
        expires_in: 3600,
        ..Default::default()
    };
    let tokens = token_server(&counter).await;
    let api = api_server(401).await;
    let client = cloud_client(&api, grant(&tokens).build().expect("provider"));

    let error = client.get_status().await.expect_err("401 twice");

    assert!(
        matches!(error.kind(), ErrorKind::Api(api) if api.status == 401),
        "{error:?}"
    );
    assert_eq!(api.received_requests().await.expect("recorded").len(), 2);
    assert_eq!(counter.count(), 2);
}

async fn token_error(
    response: ResponseTemplate,
    timeout: Duration,
) -> (TokenError, usize, Duration) {
    let tokens = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(response)
        .mount(&tokens)
        .await;
    let api = api_server(200).await;
    let client = cloud_client(
        &api,
        grant(&tokens)
            .http_settings(&HttpSettings::new().timeout(timeout))
            .build()
            .expect("provider"),
    );
    let started = Instant::now();
    let error = client.get_status().await.expect_err("no token");
    let elapsed = started.elapsed();
    assert!(
        api.received_requests().await.expect("recorded").is_empty(),
        "nothing reaches the API without a token"
    );
    let attempts = tokens.received_requests().await.expect("recorded").len();
    assert_eq!(error.operation(), "GetStatus");
    match error.into_kind() {
        ErrorKind::Auth(AuthError::Token(token)) => (token, attempts, elapsed),
        other => panic!("expected a token error, got {other:?}"),
    }
}

/// Real tokens are JWTs of a few kilobytes; a token answer is refused only beyond 64 KiB.
#[jtl_erp_tests::test]
async fn a_token_of_kilobytes_is_taken_and_an_answer_over_64_kib_refused() {
    let jwt = format!("eyJ{}", "a".repeat(8 * 1024));
    let big = ResponseTemplate::new(200).set_body_raw(
        format!(r#"{{"access_token":"{jwt}","token_type":"Bearer","expires_in":3600}}"#),
        "application/json",
    );
    let tokens = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(big)
        .mount(&tokens)
        .await;
    let api = api_server(200).await;
    let client = cloud_client(&api, grant(&tokens).build().expect("provider"));
    client
        .get_status()
        .await
        .expect("a JWT of 8 KiB is a token");
    let calls = api.received_requests().await.expect("recorded");
    assert_eq!(
        header_values(&calls[0], "authorization"),
        [format!("Bearer {jwt}")]
    );

    // Exactly 64 KiB is taken; one byte more is refused.
    let head = r#"{"access_token":"t","expires_in":3600}"#;
    let exact = ResponseTemplate::new(200).set_body_raw(
        format!("{head}{}", " ".repeat(64 * 1024 - head.len())),
        "application/json",
    );
    let tokens = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(exact)
        .mount(&tokens)
        .await;
    let client = cloud_client(&api, grant(&tokens).build().expect("provider"));
    client
        .get_status()
        .await
        .expect("an answer of exactly 64 KiB");
    let padding = " ".repeat(64 * 1024 - head.len() + 1);
    let huge =
        ResponseTemplate::new(200).set_body_raw(format!("{head}{padding}"), "application/json");
    let (error, attempts, _) = token_error(huge, Duration::from_secs(5)).await;
    assert!(
        matches!(&error, TokenError::Malformed { reason, .. } if reason == "body larger than 65536 bytes"),
        "{error:?}"
    );
    assert_eq!(attempts, 1, "not retried");
}

#[jtl_erp_tests::test]
async fn token_endpoint_failures_are_typed_and_bounded() {
    let (error, attempts, _) =
        token_error(ResponseTemplate::new(503), Duration::from_secs(5)).await;
    assert!(
        matches!(error, TokenError::Status { status } if status == 503),
        "{error:?}"
    );
    assert_eq!(attempts, 3, "two retries after the first 503");

    // A server error stays a server error, retried, even with an RFC 6749 error body.
    let unavailable = ResponseTemplate::new(503)
        .set_body_raw(r#"{"error":"temporarily_unavailable"}"#, "application/json");
    let (error, attempts, _) = token_error(unavailable, Duration::from_secs(5)).await;
    assert!(
        matches!(error, TokenError::Status { status } if status == 503),
        "{error:?}"
    );
    assert_eq!(attempts, 3, "retried as any 503");

    let refused = ResponseTemplate::new(401).set_body_raw(
        r#"{"error":"invalid_client","error_description":"unknown client"}"#,
        "application/json",
    );
    let (error, attempts, _) = token_error(refused, Duration::from_secs(5)).await;
    assert!(
        matches!(&error, TokenError::Rejected { error, description: Some(d), .. }
            if error == "invalid_client" && d.as_str() == "unknown client"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "token endpoint refused the request (401 Unauthorized): invalid_client: … …"
    );
    assert_eq!(attempts, 1, "a refusal is not retried");

    let garbage = ResponseTemplate::new(200).set_body_raw("<html>gateway</html>", "text/html");
    let (error, _, _) = token_error(garbage, Duration::from_secs(5)).await;
    assert!(matches!(error, TokenError::Malformed { .. }), "{error:?}");

    let hang = ResponseTemplate::new(200).set_delay(Duration::from_secs(30));
    let (error, _, elapsed) = token_error(hang, Duration::from_millis(400)).await;
    assert!(matches!(error, TokenError::Timeout(_)), "{error:?}");
    assert!(
        elapsed < Duration::from_secs(3),
        "gave up after {elapsed:?}"
    );
}

#[jtl_erp_tests::test]
async fn an_identity_provider_that_is_down_gives_a_transport_error_after_bounded_retries() {
    let closed = jtl_erp_tests::free_port();
    let api = api_server(200).await;
    let clock = ManualTimeSource::new();
    let provider = ClientCredentials::builder("id", SECRET)
        .token_url(format!("http://127.0.0.1:{closed}/oauth2/token"))
        .http_settings(&HttpSettings::new().time_source(clock.clone()))
        .build()
        .expect("provider");
    let client = cloud_client(&api, provider);
    let error = client.get_status().await.expect_err("nobody listens");
    assert!(
        matches!(
            error.kind(),
            ErrorKind::Auth(AuthError::Token(TokenError::Transport(_)))
        ),
        "{error:?}"
    );
    // Exactly two retries, backing off 100 ms then 200 ms, each with jitter (half to all).
    let waits = clock.sleeps();
    assert_eq!(waits.len(), 2, "{waits:?}");
    assert!(
        (Duration::from_millis(50)..=Duration::from_millis(100)).contains(&waits[0]),
        "{waits:?}"
    );
    assert!(
        (Duration::from_millis(100)..=Duration::from_millis(200)).contains(&waits[1]),
        "{waits:?}"
    );
    assert!(api.received_requests().await.expect("recorded").is_empty());
}

/// Token answers by request number: `script(n)` for the n-th request (1-based).
#[derive(Clone)]
struct Scripted {
    issued: Arc<AtomicUsize>,
    script: fn(usize) -> ResponseTemplate,
}

impl Respond for Scripted {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        (self.script)(self.issued.fetch_add(1, Ordering::SeqCst) + 1)
    }
}

fn issued(n: usize, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        format!(
            r#"{{"access_token":"token-{n}","token_type":"Bearer","expires_in":{expires_in}}}"#
        ),
        "application/json",
    )
}

/// 40 callers at once after the cached token (from request 1) entered its margin; `script`
/// answers requests 2, 3, …. Returns the callers' results with their waits, and how many token
/// requests the endpoint saw after the first.
async fn forty_callers_at_expiry(
    script: fn(usize) -> ResponseTemplate,
    timeout: Duration,
) -> (Vec<(Result<(), Error<ErrorResponse>>, Duration)>, usize) {
    let issued = Arc::new(AtomicUsize::new(0));
    let tokens = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(Scripted {
            issued: issued.clone(),
            script,
        })
        .mount(&tokens)
        .await;
    let api = api_server(200).await;
    let clock = ManualTimeSource::new();
    let client = cloud_client(
        &api,
        grant(&tokens)
            .http_settings(
                &HttpSettings::new()
                    .time_source(clock.clone())
                    .timeout(timeout),
            )
            .build()
            .expect("provider"),
    );
    client.get_status().await.expect("the first token");
    clock.advance(Duration::from_secs(3500));
    let calls: Vec<_> = (0..40)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let result = client.get_status().await.map(|_| ());
                (result, started.elapsed())
            })
        })
        .collect();
    let mut results = Vec::new();
    for call in calls {
        results.push(call.await.expect("joined"));
    }
    (results, issued.load(Ordering::SeqCst) - 1)
}

#[jtl_erp_tests::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_callers_share_one_failing_fetch_and_its_error() {
    let (results, requests) = forty_callers_at_expiry(
        |n| {
            if n == 1 {
                issued(1, 3600)
            } else {
                ResponseTemplate::new(503)
            }
        },
        Duration::from_secs(5),
    )
    .await;
    for (result, _) in &results {
        assert!(
            matches!(
                result.as_ref().map_err(Error::kind),
                Err(ErrorKind::Auth(AuthError::Token(TokenError::Status { status }))) if *status == 503
            ),
            "{result:?}"
        );
    }
    // The promise: one fetch per failure window. The manual clock stands still after the
    // fetch failed, so every caller, however late the scheduler runs it, is inside the window.
    assert_eq!(
        requests, 3,
        "one fetch (two retries) for 40 callers, not one per caller"
    );
}

#[jtl_erp_tests::test]
async fn after_a_failed_fetch_the_next_starts_only_once_the_failure_window_has_passed() {
    let fetched = Arc::new(AtomicUsize::new(0));
    let tokens = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(Scripted {
            issued: fetched.clone(),
            script: |n| match n {
                1 => issued(1, 3600),
                2 | 3 => ResponseTemplate::new(503),
                n => issued(n, 3600),
            },
        })
        .mount(&tokens)
        .await;
    let api = api_server(200).await;
    let clock = ManualTimeSource::new();
    let client = cloud_client(
        &api,
        grant(&tokens)
            .http_settings(&HttpSettings::new().time_source(clock.clone()).retries(0))
            .failure_window(Duration::from_secs(10))
            .build()
            .expect("provider"),
    );
    let requests = || fetched.load(Ordering::SeqCst);
    let refused = |result: Result<_, Error<ErrorResponse>>| {
        matches!(
            result.as_ref().map_err(Error::kind),
            Err(ErrorKind::Auth(AuthError::Token(TokenError::Status { status }))) if *status == 503
        )
    };
    client.get_status().await.expect("the first token");
    clock.advance(Duration::from_secs(3500));

    assert!(refused(client.get_status().await), "the fetch fails");
    assert_eq!(requests(), 2);
    clock.advance(Duration::from_millis(9_999));
    assert!(
        refused(client.get_status().await),
        "the same error, inside the window"
    );
    assert_eq!(requests(), 2, "no fetch inside the window");

    clock.advance(Duration::from_millis(1));
    assert!(
        refused(client.get_status().await),
        "the window closed: a new fetch, failing"
    );
    assert_eq!(requests(), 3);
    clock.advance(Duration::from_secs(10));
    client
        .get_status()
        .await
        .expect("the window closed again: a fetch that succeeds");
    assert_eq!(requests(), 4);
    let calls = api.received_requests().await.expect("recorded");
    assert_eq!(
        header_values(calls.last().expect("a call"), "authorization"),
        ["Bearer token-4"]
    );
}

#[jtl_erp_tests::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_callers_waiting_for_a_slow_endpoint_each_give_up_within_the_timeout() {
    let timeout = Duration::from_millis(400);
    let (results, requests) = forty_callers_at_expiry(
        |n| {
            if n == 1 {
                issued(1, 3600)
            } else {
                issued(n, 3600).set_delay(Duration::from_secs(5))
            }
        },
        timeout,
    )
    .await;
    for (result, waited) in &results {
        assert!(
            matches!(
                result.as_ref().map_err(Error::kind),
                Err(ErrorKind::Auth(AuthError::Token(TokenError::Timeout(t)))) if *t == timeout
            ),
            "{result:?}"
        );
        // Far below the endpoint's 5 s: nobody waited for the answer. The slack is for a
        // machine whose cores are busy; the bound that matters is the timeout itself.
        assert!(
            *waited < timeout + Duration::from_secs(2),
            "waited {waited:?}"
        );
    }
    // Deterministic: the leader's timeout ends its fetch (a published, shared error) rather
    // than dropping it, so no waiter ever starts a second one.
    assert_eq!(requests, 1, "one fetch for 40 callers");
}

#[jtl_erp_tests::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_callers_share_a_flapping_fetch_that_succeeds_on_its_retry() {
    let (results, requests) = forty_callers_at_expiry(
        |n| match n {
            1 => issued(1, 3600),
            2 => ResponseTemplate::new(503),
            n => issued(n, 3600),
        },
        Duration::from_secs(5),
    )
    .await;
    for (result, _) in &results {
        assert!(result.is_ok(), "{result:?}");
    }
    assert_eq!(requests, 2, "one fetch, retried once, for 40 callers");
}

#[jtl_erp_tests::test]
async fn a_401_to_a_request_without_credentials_is_not_replayed() {
    let counter = TokenCounter {
        expires_in: 3600,
        ..Default::default()
    };
    let tokens = token_server(&counter).await;
    let scx = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&scx)
        .await;
    let client = jtl_erp_client::scx::Client::builder()
        .base_url(format!("{}/v1", scx.uri()))
        .auth(grant(&tokens).build().expect("provider"))
        .build()
        .expect("client");
    let error = client
        .request_access_token(jtl_erp_client::models::AuthRequest::new("refresh"))
        .await
        .expect_err("401");
    assert!(
        matches!(error.kind(), ErrorKind::Api(api) if api.status == 401),
        "{error:?}"
    );
    let calls = scx.received_requests().await.expect("recorded");
    assert_eq!(calls.len(), 1, "not replayed");
    assert!(header_values(&calls[0], "authorization").is_empty());
    assert_eq!(counter.count(), 0, "no token fetched or thrown away");
}

#[jtl_erp_tests::test]
async fn the_scx_refresh_token_is_exchanged_as_multipart_and_cached() {
    let scx = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"scope":"CHANNEL","authToken":"scx-token","tokenExpireAt":"2999-05-14T10:07:42+02:00"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&scx)
        .await;
    let api = api_server(200).await;
    let provider = ScxRefreshToken::builder("refresh-me")
        .base_url(format!("{}/v1", scx.uri()))
        .build()
        .expect("provider");
    let client = erp_v2::Client::builder()
        .base_url(format!("{}/erp", api.uri()))
        .auth(provider)
        .build()
        .expect("client");

    client.get_status().await.expect("first");
    client.get_status().await.expect("cached");

    let exchange = &scx.received_requests().await.expect("recorded")[0];
    let content_type = header_values(exchange, "content-type").remove(0);
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("multipart");
    assert_eq!(
        body_text(exchange),
        format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"refreshToken\"\r\n\r\nrefresh-me\r\n--{boundary}--\r\n"
        )
    );
    for call in api.received_requests().await.expect("recorded") {
        assert_eq!(header_values(&call, "authorization"), ["Bearer scx-token"]);
    }
}

#[jtl_erp_tests::test]
async fn the_wawi_key_can_go_to_x_api_key_instead() {
    let api = api_server(200).await;
    let client = erp_v2::Client::builder()
        .base_url(format!("{}/erp", api.uri()))
        .auth(WawiKey::new("wawi-key").placement(WawiPlacement::XApiKey))
        .build()
        .expect("client");
    client.get_status().await.expect("status");
    let call = &api.received_requests().await.expect("recorded")[0];
    assert_eq!(header_values(call, "x-api-key"), ["wawi-key"]);
    assert!(header_values(call, "authorization").is_empty());
}

#[test]
fn bearer_credentials_need_https_except_on_loopback() {
    let error = ClientCredentials::builder("id", SECRET)
        .token_url("http://auth.example.com/oauth2/token")
        .build()
        .expect_err("http");
    assert!(
        matches!(
            error,
            BuildError::InsecureUrl {
                what: "token URL",
                ..
            }
        ),
        "{error}"
    );
    let provider = ClientCredentials::builder("id", SECRET)
        .build()
        .expect("default https endpoint");
    let error = erp_v2::Client::builder()
        .base_url("http://api.example.com/erp")
        .auth(provider)
        .build()
        .expect_err("http");
    assert_eq!(
        error.to_string(),
        "base URL `http://api.example.com/erp` must use https (plain http is allowed for loopback only)"
    );
    let scx = ScxRefreshToken::builder("r")
        .base_url("http://scx.example.com/v1")
        .build()
        .expect_err("http");
    assert!(
        matches!(
            scx,
            BuildError::InsecureUrl {
                what: "SCX base URL",
                ..
            }
        ),
        "{scx}"
    );
    // Every credential needs https: the Wawi key, and the refresh token the SCX client sends in
    // its body without any auth provider.
    let error = erp_v2::Client::builder()
        .base_url("http://192.168.1.20:5883/api/eazybusiness")
        .auth(WawiKey::new("k"))
        .build()
        .expect_err("http");
    assert!(
        matches!(
            error,
            BuildError::InsecureUrl {
                what: "base URL",
                ..
            }
        ),
        "{error}"
    );
    let error = jtl_erp_client::scx::Client::builder()
        .base_url("http://scx.example.com/v1")
        .build()
        .expect_err("http");
    assert!(
        matches!(
            error,
            BuildError::InsecureUrl {
                what: "base URL",
                ..
            }
        ),
        "{error}"
    );
    // An OnPremise server in the shop's network, when the integrator says so explicitly.
    erp_v2::Client::builder()
        .base_url("http://192.168.1.20:5883/api/eazybusiness")
        .auth(WawiKey::new("k"))
        .allow_plain_http()
        .build()
        .expect("allowed");
    erp_v2::Client::builder()
        .base_url("http://localhost:5883/api/eazybusiness")
        .auth(WawiKey::new("k"))
        .build()
        .expect("loopback");
}

/// Adds a header, records what it saw, and can refuse.
#[derive(Debug)]
struct Recorder {
    name: &'static str,
    seen: Arc<std::sync::Mutex<Vec<String>>>,
    refuse: bool,
}

impl Hook for Recorder {
    fn before_send<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        op: &'a Operation,
    ) -> BoxFuture<'a, Result<(), HookError>> {
        Box::pin(async move {
            self.seen.lock().expect("lock").push(format!(
                "{} before {}::{} {} {} scope {:?}",
                self.name,
                op.api(),
                op.id(),
                op.method(),
                op.path(),
                op.required_scope()
            ));
            if self.refuse {
                let cause = std::io::Error::new(std::io::ErrorKind::NotFound, "no key file");
                return Err(HookError::with_source("signing key unavailable", cause));
            }
            request
                .headers_mut()
                .append("x-hook", self.name.parse().expect("ascii"));
            Ok(())
        })
    }
    fn after_receive<'a>(
        &'a self,
        response: &'a RawResponse,
        op: &'a Operation,
    ) -> BoxFuture<'a, Result<(), HookError>> {
        Box::pin(async move {
            // The response's `Debug`: status and body length, never the body.
            // And the body itself, through `body()`.
            self.seen.lock().expect("lock").push(format!(
                "{} after {} {response:?} {}",
                self.name,
                op.id(),
                String::from_utf8_lossy(&response.body()[..11])
            ));
            Ok(())
        })
    }
}

#[jtl_erp_tests::test]
async fn hooks_run_in_order_see_the_operation_and_can_stop_a_call() {
    let api = api_server(200).await;
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let hook = |name, refuse| Recorder {
        name,
        seen: seen.clone(),
        refuse,
    };
    let client = erp_v2::Client::builder()
        .base_url(format!("{}/erp", api.uri()))
        .auth(WawiKey::new("k"))
        .hook(hook("first", false))
        .hook(hook("second", false))
        .build()
        .expect("client");
    client.get_status().await.expect("status");
    assert_eq!(
        *seen.lock().expect("lock"),
        [
            "first before erp_v2::GetStatus GET /v2/info scope None",
            "second before erp_v2::GetStatus GET /v2/info scope None",
            r#"first after GetStatus RawResponse { status: 200, body_len: 103, .. } {"version":"#,
            r#"second after GetStatus RawResponse { status: 200, body_len: 103, .. } {"version":"#
        ]
    );
    assert_eq!(
        header_values(
            &api.received_requests().await.expect("recorded")[0],
            "x-hook"
        ),
        ["first", "second"]
    );

    let refusing = erp_v2::Client::builder()
        .base_url(format!("{}/erp", api.uri()))
        .auth(WawiKey::new("k"))
        .hook(hook("signer", true))
        .build()
        .expect("client");
    let error = refusing.get_status().await.expect_err("hook refuses");
    assert_eq!(
        error.to_string(),
        "GetStatus: hook failed: signing key unavailable"
    );
    // The hook's own cause is kept as the source of its error, for callers to walk to.
    let hook_error = std::error::Error::source(&error).expect("the hook's error");
    let cause = hook_error.source().expect("the hook's cause");
    let io = cause
        .downcast_ref::<std::io::Error>()
        .expect("the io::Error the hook failed with");
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    assert_eq!(io.to_string(), "no key file");
    assert_eq!(
        api.received_requests().await.expect("recorded").len(),
        1,
        "the refused call was not sent"
    );
}

/// A token source whose first fetch never finishes and whose later fetches answer at once.
#[derive(Debug, Default)]
struct HangsOnce {
    fetches: AtomicUsize,
}

impl jtl_erp_client::runtime::auth::TokenSource for HangsOnce {
    fn fetch(&self) -> BoxFuture<'_, Result<jtl_erp_client::runtime::auth::Token, TokenError>> {
        let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move {
            if n == 1 {
                std::future::pending::<()>().await;
            }
            Ok(jtl_erp_client::runtime::auth::Token {
                secret: format!("token-{n}").into(),
                expires_at: Instant::now() + Duration::from_secs(3600),
            })
        })
    }
}

#[jtl_erp_tests::test]
async fn a_caller_waiting_for_a_fetch_whose_leader_is_dropped_takes_over() {
    use jtl_erp_client::runtime::auth::CachedBearer;

    let bearer = Arc::new(CachedBearer::new(
        HangsOnce::default(),
        Duration::from_secs(60),
    ));
    let leader = tokio::spawn({
        let bearer = bearer.clone();
        async move { bearer.token().await }
    });
    while bearer.source().fetches.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let waiter = tokio::spawn({
        let bearer = bearer.clone();
        async move { bearer.token().await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        !waiter.is_finished(),
        "the waiter waits for the leader's fetch"
    );

    leader.abort();
    let token = tokio::time::timeout(Duration::from_secs(2), waiter)
        .await
        .expect("the waiter does not wait for a leader that is gone")
        .expect("task")
        .expect("a token");

    assert_eq!(token.expose(), "token-2");
    assert_eq!(bearer.source().fetches.load(Ordering::SeqCst), 2);
    // The next caller finds the token, not the dead flight.
    let again = tokio::time::timeout(Duration::from_secs(2), bearer.token())
        .await
        .expect("no wait")
        .expect("a token");
    assert_eq!(again.expose(), "token-2");
    assert_eq!(bearer.source().fetches.load(Ordering::SeqCst), 2);
}

#[jtl_erp_tests::test]
async fn a_caller_after_a_dropped_leader_fetches_anew() {
    use jtl_erp_client::runtime::auth::CachedBearer;

    let bearer = Arc::new(CachedBearer::new(
        HangsOnce::default(),
        Duration::from_secs(60),
    ));
    // The leader gives up (its own timeout) mid-fetch; nobody was waiting.
    let gave_up = tokio::time::timeout(Duration::from_millis(50), bearer.token()).await;
    assert!(gave_up.is_err());

    let token = tokio::time::timeout(Duration::from_secs(2), bearer.token())
        .await
        .expect("the next caller does not wait for the dropped fetch")
        .expect("a token");
    assert_eq!(token.expose(), "token-2");
}

/// A base URL is an http(s) URL without query or fragment; anything else is refused when the
/// client is built, naming the URL and the reason.
#[test]
fn base_urls_with_a_query_a_fragment_or_another_scheme_are_refused() {
    for (url, reason) in [
        (
            "https://erp.example.test/erp?tenant=1",
            "a base URL has no query or fragment",
        ),
        (
            "https://erp.example.test/erp#top",
            "a base URL has no query or fragment",
        ),
        (
            "ftp://erp.example.test/erp",
            "scheme `ftp` is not http or https",
        ),
    ] {
        let error = erp_v2::Client::builder()
            .base_url(url)
            .build()
            .expect_err("refused");
        assert_eq!(
            error.to_string(),
            format!("invalid base URL `{url}`: {reason}")
        );
    }
    let client = erp_v2::Client::builder()
        .base_url("https://erp.example.test/erp/")
        .build()
        .expect("a trailing slash is fine");
    assert_eq!(
        client.transport().base_url(),
        "https://erp.example.test/erp"
    );
}
