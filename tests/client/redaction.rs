//! Secrets stay out of `Debug`, `Display` and tracing output.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::Context;
use jtl_erp_client::runtime::auth::{AuthProvider, ClientCredentials};
use jtl_erp_tests::MockServer;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

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

#[jtl_erp_tests::test]
async fn no_secret_reaches_debug_output_or_tracing() {
    let capture = crate::trace_capture::capture(tracing::Level::TRACE);
    let logs = &capture.logs;
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

    let debug = format!("{client:?} {:?}", grant());
    // Kept out, not blanked: what is no secret still shows.
    let builder = format!("{:?}", grant());
    assert!(
        builder.starts_with("ClientCredentialsBuilder {")
            && builder.contains("\"my-client\"")
            && builder.contains(&format!("{}/oauth2/token", tokens.uri())),
        "{builder}"
    );
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

/// Records, for every request, each credential header's name and whether it is marked
/// sensitive (which keeps it out of HPACK tables and out of the header map's `Debug`).
#[derive(Debug, Default, Clone)]
struct SensitiveProbe(Arc<std::sync::Mutex<Vec<(String, bool)>>>);

impl jtl_erp_client::runtime::hooks::Hook for SensitiveProbe {
    fn before_send<'a>(
        &'a self,
        request: &'a mut jtl_erp_client::runtime::reqwest::Request,
        _: &'a jtl_erp_client::runtime::Operation,
    ) -> jtl_erp_client::runtime::auth::BoxFuture<
        'a,
        Result<(), jtl_erp_client::runtime::hooks::HookError>,
    > {
        Box::pin(async move {
            let mut seen = self.0.lock().expect("lock");
            for name in ["authorization", "x-api-key", "x-sessionid"] {
                if let Some(value) = request.headers().get(name) {
                    seen.push((name.to_owned(), value.is_sensitive()));
                }
            }
            Ok(())
        })
    }
}

#[jtl_erp_tests::test]
async fn every_provider_token_error_and_response_type_keeps_its_secrets() {
    use jtl_erp_client::runtime::auth::{
        BasicAuth, BearerToken, ScxRefreshToken, Token, WawiKey, WawiPlacement,
    };
    use jtl_erp_client::runtime::{ApiError, Secret};

    let capture = crate::trace_capture::capture(tracing::Level::TRACE);
    let logs = &capture.logs;
    let session = "0a1b2c3d-1111-4222-8333-944455556666";
    // The API answers 401 once (so the retry token is fetched) and echoes secrets in its bodies.
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/erp/v2/info"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            r#"{"error":"token-1 refused","apiKey":"wawi-key-SECRET"}"#,
            "application/json",
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/erp/v2/info"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"version":"1","timestamp":"2025-03-20T08:57:00Z","tenant":"t","type":"WAWI-Api"}"#,
            "application/json",
        ))
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(
            "<html>wawi-key-SECRET token-2 scx-refresh-SECRET</html>",
            "text/html",
        ))
        .mount(&api)
        .await;
    let tokens = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(Tokens::default())
        .mount(&tokens)
        .await;
    let probe = SensitiveProbe::default();
    let context = Context::new()
        .session_id(session.parse().expect("uuid"))
        .challenge_code("challenge-code")
        .app_id("A/1")
        .app_version("1");
    let grant = ClientCredentials::builder("my-client", SECRET)
        .token_url(format!("{}/oauth2/token", tokens.uri()))
        .build()
        .expect("provider");
    let cloud = erp_v2::Client::builder()
        .base_url(format!("{}/erp", api.uri()))
        .auth(grant)
        .hook(probe.clone())
        .context(context.clone())
        .build()
        .expect("client");
    let answer = cloud.get_status().await.expect("after the 401 replay");
    #[allow(deprecated)]
    let api_error = cloud
        .register_foreign_app(jtl_erp_tests::fixtures::minimal_registration_request("a"))
        .await
        .expect_err("500");
    let mut debug = format!("{cloud:?} {answer:?} {api_error:?} {api_error}");
    for provider in [
        Box::new(WawiKey::new("wawi-key-SECRET")) as Box<dyn AuthProvider>,
        Box::new(WawiKey::new("wawi-key-SECRET").placement(WawiPlacement::XApiKey)),
        Box::new(BearerToken::new("bearer-SECRET")),
        Box::new(BasicAuth::new("user", "basic-SECRET")),
    ] {
        debug.push_str(&format!("{provider:?}"));
        let client = erp_v2::Client::builder()
            .base_url(format!("{}/erp", api.uri()))
            .auth_shared(provider.into())
            .hook(probe.clone())
            .context(context.clone())
            .build()
            .expect("client");
        debug.push_str(&format!("{client:?}"));
        client.get_status().await.expect("status");
    }
    let scx = ScxRefreshToken::builder("scx-refresh-SECRET")
        .base_url(format!("{}/v1", api.uri()))
        .build()
        .expect("provider");
    debug.push_str(&format!(
        "{scx:?} {:?}",
        ScxRefreshToken::builder("scx-refresh-SECRET")
    ));
    let scx_error = erp_v2::Client::builder()
        .base_url(format!("{}/erp", api.uri()))
        .auth(scx)
        .build()
        .expect("client")
        .get_status()
        .await
        .expect_err("exchange answers 500");
    debug.push_str(&format!("{scx_error:?} {scx_error}"));
    let token = Token {
        secret: Secret::new("token-SECRET"),
        expires_at: std::time::Instant::now(),
    };
    debug.push_str(&format!("{token:?} {:?} {}", token.secret, token.secret));
    if let Some(api) = api_error.api() {
        let _: &ApiError<jtl_erp_client::models::ErrorResponse> = api;
        debug.push_str(&format!("{:?}", api.headers()));
    }

    let traced = logs.text();
    for secret in [
        SECRET,
        "token-1",
        "token-2",
        "token-SECRET",
        "wawi-key-SECRET",
        "bearer-SECRET",
        "basic-SECRET",
        "scx-refresh-SECRET",
        session,
        "challenge-code",
    ] {
        assert!(
            !debug.contains(secret),
            "Debug/Display leaks {secret}: {debug}"
        );
        assert!(!traced.contains(secret), "tracing leaks {secret}: {traced}");
    }
    let seen = probe.0.lock().expect("lock").clone();
    let names: std::collections::BTreeSet<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["authorization", "x-api-key", "x-sessionid"]
            .into_iter()
            .collect(),
        "every credential header was probed"
    );
    assert!(
        seen.iter().all(|(_, sensitive)| *sensitive),
        "every credential header is sensitive: {seen:?}"
    );
}

/// Secrets are kept out of `Debug`, not everything: what is no secret still shows, so that a
/// printed client or builder helps whoever reads a log.
#[test]
fn debug_output_keeps_what_is_no_secret() {
    use jtl_erp_client::runtime::Secret;
    use jtl_erp_client::runtime::auth::{
        BoxFuture, CachedBearer, ScxRefreshToken, Token, TokenError, TokenSource,
    };
    use std::time::Duration;

    #[derive(Debug)]
    struct NoSource;
    impl TokenSource for NoSource {
        fn fetch(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
            Box::pin(async {
                Err(TokenError::MissingToken {
                    status: jtl_erp_client::runtime::http::StatusCode::OK,
                })
            })
        }
    }

    let scx = format!(
        "{:?}",
        ScxRefreshToken::builder("scx-refresh-SECRET").base_url("https://scx.example.test/v1")
    );
    assert_eq!(
        scx,
        r#"ScxRefreshTokenBuilder { base_url: "https://scx.example.test/v1", .. }"#
    );
    let token = format!(
        "{:?}",
        Token {
            secret: Secret::new("token-SECRET"),
            expires_at: std::time::Instant::now(),
        }
    );
    assert!(
        token.starts_with("Token { secret: Secret([REDACTED]), expires_at: "),
        "{token}"
    );
    let cached = format!(
        "{:?}",
        CachedBearer::new(NoSource, Duration::from_secs(90)).with_timeout(Duration::from_secs(4))
    );
    assert_eq!(
        cached,
        "CachedBearer { source: NoSource, margin: 90s, timeout: 4s, failure_window: 1s, .. }"
    );
    let builder = format!(
        "{:?}",
        erp_v2::Client::builder().base_url("https://erp.example.test/erp")
    );
    assert!(
        builder
            .starts_with(r#"ClientBuilder { base_url: "https://erp.example.test/erp", context: "#),
        "{builder}"
    );
    let client = erp_v2::Client::builder()
        .base_url("https://erp.example.test/erp")
        .build()
        .expect("client");
    assert_eq!(
        client.transport().base_url(),
        "https://erp.example.test/erp"
    );
    let client = format!("{client:?}");
    assert!(
        client.contains(r#"base_url: "https://erp.example.test/erp"#)
            && client.contains("hooks: 0"),
        "{client}"
    );
}
