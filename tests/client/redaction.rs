//! Secrets stay out of `Debug`, `Display` and tracing output. Alone in its test binary, so that
//! the thread-local subscriber it installs sees every callsite.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::auth::{AuthError, ClientCredentials, TokenError};
use jtl_erp_client::runtime::{Context, Error};
use jtl_erp_tests::CapturedLogs;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SECRET: &str = "client-secret-value";

#[derive(Clone, Default)]
struct Tokens(Arc<AtomicUsize>);

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_raw(
            format!(r#"{{"access_token":"token-{n}","token_type":"Bearer","expires_in":3600}}"#),
            "application/json",
        )
    }
}

#[tokio::test]
async fn no_secret_reaches_debug_output_or_tracing() {
    let logs = CapturedLogs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // Callsites seen before this subscriber existed cached "not interested"; ask again.
    tracing::callsite::rebuild_interest_cache();
    let tokens = MockServer::start().await;
    let busy = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/erp/v2/info"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&busy)
        .await;
    Mock::given(method("GET"))
        .and(path("/erp/v2/info"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"version":"1","timestamp":"2025-03-20T08:57:00Z","tenant":"t","type":"WAWI-Api"}"#,
            "application/json",
        ))
        .with_priority(2)
        .mount(&busy)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(Tokens::default())
        .mount(&tokens)
        .await;
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/erp/v2/info"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"version":"1","timestamp":"2025-03-20T08:57:00Z","tenant":"t","type":"WAWI-Api"}"#,
            "application/json",
        ))
        .mount(&api)
        .await;
    let grant = || {
        ClientCredentials::builder("my-client", SECRET)
            .token_url(format!("{}/oauth2/token", tokens.uri()))
    };
    let client = erp_v2::Client::builder()
        .base_url(format!("{}/erp", api.uri()))
        .auth(grant().build().expect("provider"))
        .context(Context::new().challenge_code("challenge-code"))
        .build()
        .expect("client");
    client.get_status().await.expect("status");
    let retrying = erp_v2::Client::builder()
        .base_url(format!("{}/erp", busy.uri()))
        .auth(grant().build().expect("provider"))
        .build()
        .expect("client");
    retrying.get_status().await.expect("after one retry");

    let refused = Error::<()>::Auth {
        operation: "GetStatus",
        source: AuthError::Token(TokenError::Rejected {
            status: 401.try_into().expect("status"),
            error: "invalid_client".into(),
            description: None,
        }),
    };
    let debug = format!("{client:?} {:?} {refused:?} {refused}", grant());
    let traced = logs.text();
    assert!(
        traced.contains("retrying") && traced.contains("status=503") && traced.contains("retry=1"),
        "each retry is visible: {traced}"
    );
    assert!(
        traced.contains("jtl_erp_request"),
        "a span per request: {traced}"
    );
    assert!(
        traced.contains("operation=\"GetStatus\"") || traced.contains("operation=GetStatus"),
        "{traced}"
    );
    for secret in [
        SECRET,
        "token-1",
        "bXktY2xpZW50OmNsaWVudC1zZWNyZXQtdmFsdWU=",
        "challenge-code",
    ] {
        assert!(!debug.contains(secret), "Debug leaks {secret}: {debug}");
        assert!(!traced.contains(secret), "tracing leaks {secret}: {traced}");
    }
}
