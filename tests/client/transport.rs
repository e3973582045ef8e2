//! One [`HttpSettings`] for everything that talks HTTP, table-driven over its six consumers (the
//! API client, the three token providers, the two verifiers) against a loopback server: each
//! sends what `configure_http` sets, retries as often as the transport says with the backoff
//! waited on the transport's clock, and gives up after the transport's timeout; of two
//! settings of the same value (two transports, or a transport and the client's retry policy)
//! the later wins.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::app_token::AppTokenVerifier;
use jtl_erp_client::runtime::auth::{BearerToken, ClientCredentials, PkceLogin, ScxRefreshToken};
use jtl_erp_client::runtime::reqwest;
use jtl_erp_client::runtime::session_token::SessionTokenVerifier;
use jtl_erp_client::runtime::time::{ManualTimeSource, TimeSource as _};
use jtl_erp_client::runtime::{Backoff, HttpSettings, RetryPolicy};
use jtl_erp_tests::{MockServer, header_values};
use wiremock::{Mock, ResponseTemplate};

#[derive(Debug, Clone, Copy)]
enum Consumer {
    Client,
    ClientCredentials,
    Scx,
    PkceRefresh,
    AppTokenVerifier,
    SessionTokenVerifier,
}

const CONSUMERS: [Consumer; 6] = [
    Consumer::Client,
    Consumer::ClientCredentials,
    Consumer::Scx,
    Consumer::PkceRefresh,
    Consumer::AppTokenVerifier,
    Consumer::SessionTokenVerifier,
];

/// A JWT-shaped token with this header: parsed, its key looked up, never valid.
fn token_with(header: &str) -> String {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!(
        "{}.{}.{}",
        b64(header),
        b64(r#"{"sub":"x","exp":4102444800}"#),
        b64("signature")
    )
}

/// Builds `consumer` with `transport` against `uri` and makes it send one request (its first:
/// an API call, a token fetch, a key fetch). The outcome as text.
async fn run(consumer: Consumer, uri: &str, transport: &HttpSettings) -> Result<(), String> {
    let text = |e: &(dyn std::error::Error + 'static)| describe(e);
    match consumer {
        Consumer::Client => {
            let client = erp_v2::Client::builder()
                .base_url(format!("{uri}/erp"))
                .auth(BearerToken::new("api-token"))
                .http_settings(transport)
                .build()
                .map_err(|e| text(&e))?;
            client.get_status().await.map(drop).map_err(|e| text(&e))
        }
        Consumer::ClientCredentials => {
            let provider = ClientCredentials::builder("id", "secret")
                .token_url(format!("{uri}/oauth2/token"))
                .http_settings(transport)
                .build()
                .map_err(|e| text(&e))?;
            provider.token().await.map(drop).map_err(|e| text(&e))
        }
        Consumer::Scx => {
            let provider = ScxRefreshToken::builder("scx-refresh")
                .base_url(format!("{uri}/v1"))
                .http_settings(transport)
                .build()
                .map_err(|e| text(&e))?;
            provider.token().await.map(drop).map_err(|e| text(&e))
        }
        Consumer::PkceRefresh => {
            let login = PkceLogin::builder("public-client")
                .endpoints(format!("{uri}/authorize"), format!("{uri}/token"))
                .http_settings(transport)
                .build()
                .map_err(|e| text(&e))?;
            let access = login.resume("kept-refresh-token");
            access.token().await.map(drop).map_err(|e| text(&e))
        }
        Consumer::AppTokenVerifier => {
            let verifier = AppTokenVerifier::builder(uri, "app")
                .http_settings(transport)
                .build()
                .map_err(|e| text(&e))?;
            let token = token_with(r#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#);
            verifier
                .verify(&token)
                .await
                .map(drop)
                .map_err(|e| text(&e))
        }
        Consumer::SessionTokenVerifier => {
            let verifier = SessionTokenVerifier::builder(Arc::new(BearerToken::new("app-token")))
                .jwks_url(format!("{uri}/account/.well-known/jwks.json"))
                .http_settings(transport)
                .build()
                .map_err(|e| text(&e))?;
            let token = token_with(r#"{"alg":"EdDSA","kid":"k1","typ":"JWT"}"#);
            verifier
                .verify(&token)
                .await
                .map(drop)
                .map_err(|e| text(&e))
        }
    }
}

/// An error and its sources, and ` [timeout]` when one of them is reqwest's timeout.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut timeout = false;
    let mut source = Some(error);
    while let Some(e) = source {
        text.push_str(&format!(" / {e}"));
        timeout |= e
            .downcast_ref::<reqwest::Error>()
            .or_else(|| e.downcast_ref::<Arc<reqwest::Error>>().map(|a| &**a))
            .is_some_and(reqwest::Error::is_timeout);
        source = e.source();
    }
    if timeout {
        text.push_str(" [timeout]");
    }
    text
}

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

#[jtl_erp_tests::test(deadline = 120)]
async fn every_consumer_sends_what_the_transports_configure_http_sets() {
    let transport = HttpSettings::new().retries(0).configure_http(|builder| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-transport-probe", "on".parse().expect("value"));
        builder.default_headers(headers)
    });
    for consumer in CONSUMERS {
        let server = answering(ResponseTemplate::new(503)).await;
        let outcome = run(consumer, &server.uri(), &transport).await;
        assert!(outcome.is_err(), "{consumer:?}: the server is unavailable");
        let requests = server.received_requests().await.expect("recorded");
        assert_eq!(requests.len(), 1, "{consumer:?}: no retry with retries(0)");
        assert_eq!(
            header_values(&requests[0], "x-transport-probe"),
            ["on"],
            "{consumer:?}"
        );
    }
}

#[jtl_erp_tests::test(deadline = 120)]
async fn every_consumer_retries_as_the_transport_says_and_waits_on_its_clock() {
    for status in [503, 429] {
        for consumer in CONSUMERS {
            let clock = ManualTimeSource::new();
            let transport = HttpSettings::new()
                .retries(2)
                .backoff(
                    Backoff::new(Duration::from_secs(1), Duration::from_secs(10)).without_jitter(),
                )
                .time_source(clock.clone());
            let server = answering(ResponseTemplate::new(status)).await;
            let started = clock.now();
            let outcome = run(consumer, &server.uri(), &transport).await;
            assert!(outcome.is_err(), "{consumer:?} {status}");
            let requests = server.received_requests().await.expect("recorded");
            assert_eq!(
                requests.len(),
                3,
                "{consumer:?} {status}: the first and two retries"
            );
            assert_eq!(
                clock.now() - started,
                Duration::from_secs(3),
                "{consumer:?} {status}: waited 1 s and 2 s on the transport's clock"
            );
        }
    }
}

#[jtl_erp_tests::test(deadline = 120)]
async fn every_consumer_gives_up_after_the_transports_timeout() {
    let transport = HttpSettings::new()
        .timeout(Duration::from_millis(300))
        .retries(0);
    for consumer in CONSUMERS {
        // The server would answer after 30 s; the deadline of this test is far below six times that.
        let server = answering(ResponseTemplate::new(200).set_delay(Duration::from_secs(30))).await;
        let started = Instant::now();
        let outcome = run(consumer, &server.uri(), &transport).await;
        let error = outcome.expect_err("no answer in time");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{consumer:?}: gave up after {:?}: {error}",
            started.elapsed()
        );
        assert!(
            error.contains("[timeout]") || error.contains("within 300ms"),
            "{consumer:?}: {error}"
        );
    }
}

#[jtl_erp_tests::test(deadline = 120)]
async fn of_two_transports_the_later_wins_setting_by_setting() {
    let clock = ManualTimeSource::new();
    let none = HttpSettings::new().retries(0).time_source(clock.clone());
    let one = HttpSettings::new().retries(1);
    for (order, first, second, expected) in [
        ("no retries, then one retry", &none, &one, 2),
        ("one retry, then no retries", &one, &none, 1),
    ] {
        let server = answering(ResponseTemplate::new(503)).await;
        let slept = clock.sleeps().len();
        let provider = ClientCredentials::builder("id", "secret")
            .token_url(format!("{}/oauth2/token", server.uri()))
            .http_settings(first)
            .http_settings(second)
            .build()
            .expect("provider");
        provider.token().await.expect_err("unavailable");
        let sent = server.received_requests().await.expect("recorded").len();
        assert_eq!(sent, expected, "{order}");
        // The clock, set by one transport only, is kept: the backoff before the retry is
        // waited on it.
        assert_eq!(clock.sleeps().len() - slept, expected - 1, "{order}");
    }
}

#[jtl_erp_tests::test(deadline = 120)]
async fn the_clients_retry_policy_and_a_transport_replace_each_others_retries_in_order() {
    let clock = ManualTimeSource::new();
    let none = HttpSettings::new().retries(0).time_source(clock.clone());
    let once = RetryPolicy::default().max_retries(1);
    for (order, policy_last, expected) in [
        ("transport, then a policy of one retry", true, 2),
        ("a policy of one retry, then transport", false, 1),
    ] {
        let server = answering(ResponseTemplate::new(503)).await;
        let slept = clock.sleeps().len();
        let builder = erp_v2::Client::builder()
            .base_url(format!("{}/erp", server.uri()))
            .auth(BearerToken::new("api-token"));
        let builder = if policy_last {
            builder.http_settings(&none).retry(once)
        } else {
            builder.retry(once).http_settings(&none)
        };
        let client = builder.build().expect("client");
        client.get_status().await.expect_err("unavailable");
        let sent = server.received_requests().await.expect("recorded").len();
        assert_eq!(sent, expected, "{order}");
        // The policy replaces retries and backoff only: the transport's clock stays.
        assert_eq!(clock.sleeps().len() - slept, expected - 1, "{order}");
    }
}
