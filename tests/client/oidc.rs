//! The client-credentials provider against an OIDC issuer over real HTTP on 127.0.0.1: the
//! token endpoint from the discovery document (read once, read again after a failure),
//! `scope=openid` (or the configured scope) with HTTP Basic credentials and nothing in the body,
//! the legacy provider's promises (single flight, refresh margin, 401 replay), a missing
//! `expires_in` taken from the JWT's `exp`, and nothing secret in errors. Times are the injected
//! clock's.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::auth::{ClientCredentials, ClientCredentialsBuilder, TokenError};
use jtl_erp_client::runtime::time::{ManualTimeSource, TimeSource as _};
use jtl_erp_client::runtime::{BuildError, Context};
use jtl_erp_tests::{MockServer, body_text, header_values};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

const SECRET: &str = "client-secret-value";
const BASIC: &str = "Basic bXktY2xpZW50OmNsaWVudC1zZWNyZXQtdmFsdWU=";
const STATUS_BODY: &str = r#"{"version":"1.10.12","timestamp":"2025-03-20T08:57:00+01:00","tenant":"eazybusiness","type":"WAWI-Api"}"#;

/// How the issuer answers a valid request.
#[derive(Clone, Copy)]
enum Lifetime {
    ExpiresIn(u64),
    /// No `expires_in`; the token is a JWT with `exp` this many seconds after the clock's now.
    JwtExp(u64),
    /// No `expires_in`; the token is opaque.
    Unknown,
}

/// The issuer's token endpoint, as strict as the current identity platform: `scope` with
/// `openid`, HTTP Basic, no credentials in the body.
#[derive(Clone)]
struct Tokens {
    issued: Arc<AtomicUsize>,
    lifetime: Lifetime,
    clock: ManualTimeSource,
}

impl Respond for Tokens {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body = String::from_utf8_lossy(&request.body).into_owned();
        let form: Vec<(String, String)> = body
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.replace('+', " ")))
            .collect();
        let has = |name: &str| form.iter().any(|(k, _)| k == name);
        let scope_openid = form
            .iter()
            .any(|(k, v)| k == "scope" && v.split(' ').any(|s| s == "openid"));
        if !scope_openid {
            return ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_scope"}));
        }
        if has("client_id")
            || has("client_secret")
            || header_values(request, "authorization").is_empty()
        {
            return ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"}));
        }
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let now = self
            .clock
            .wall_clock()
            .duration_since(UNIX_EPOCH)
            .expect("epoch")
            .as_secs();
        let answer = match self.lifetime {
            Lifetime::ExpiresIn(secs) => {
                json!({"access_token": format!("token-{n}"), "token_type": "Bearer", "expires_in": secs})
            }
            Lifetime::JwtExp(secs) => {
                let jwt = format!(
                    "{}.{}.c2ln",
                    URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
                    URL_SAFE_NO_PAD.encode(json!({"exp": now + secs, "n": n}).to_string())
                );
                json!({"access_token": jwt, "token_type": "Bearer"})
            }
            Lifetime::Unknown => {
                json!({"access_token": format!("token-{n}"), "token_type": "Bearer"})
            }
        };
        ResponseTemplate::new(200).set_body_json(answer)
    }
}

struct Issuer {
    server: MockServer,
    tokens: Tokens,
    discovery: Arc<Mutex<Value>>,
    clock: ManualTimeSource,
}

#[derive(Clone)]
struct Discovery(Arc<Mutex<Value>>);

impl Respond for Discovery {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(self.0.lock().expect("lock").clone())
    }
}

impl Issuer {
    async fn start(lifetime: Lifetime) -> Self {
        let server = MockServer::start().await;
        let clock = ManualTimeSource::new();
        let tokens = Tokens {
            issued: Arc::default(),
            lifetime,
            clock: clock.clone(),
        };
        let discovery = Arc::new(Mutex::new(json!({
            "issuer": server.uri(),
            "token_endpoint": format!("{}/oauth/v2/token", server.uri()),
            "jwks_uri": format!("{}/oauth/v2/keys", server.uri()),
        })));
        Mock::given(method("GET"))
            .and(path("/.well-known/openid-configuration"))
            .respond_with(Discovery(discovery.clone()))
            .mount(&server)
            .await;
        for route in ["/oauth/v2/token", "/v3/token"] {
            Mock::given(method("POST"))
                .and(path(route))
                .respond_with(tokens.clone())
                .mount(&server)
                .await;
        }
        Self {
            server,
            tokens,
            discovery,
            clock,
        }
    }

    fn grant(&self) -> ClientCredentialsBuilder {
        ClientCredentials::builder("my-client", SECRET)
            .issuer(self.server.uri())
            .http_settings(&HttpSettings::new().time_source(self.clock.clone()))
    }

    fn issued(&self) -> usize {
        self.tokens.issued.load(Ordering::SeqCst)
    }

    async fn requests(&self, route: &str) -> Vec<Request> {
        let all = self.server.received_requests().await.expect("recorded");
        all.into_iter().filter(|r| r.url.path() == route).collect()
    }
}

const DISCOVERY: &str = "/.well-known/openid-configuration";
const TOKEN: &str = "/oauth/v2/token";

#[jtl_erp_tests::test]
async fn the_token_endpoint_is_discovered_once_and_asked_with_scope_openid_and_basic_credentials() {
    let issuer = Issuer::start(Lifetime::ExpiresIn(3600)).await;
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/erp/v2/info"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(STATUS_BODY, "application/json"))
        .mount(&api)
        .await;
    let client = erp_v2::Client::builder()
        .base_url(format!("{}/erp", api.uri()))
        .auth(issuer.grant().build().expect("provider"))
        .context(
            Context::new().tenant_id(
                "6f1c2b3a-1111-4222-8333-944455556666"
                    .parse()
                    .expect("uuid"),
            ),
        )
        .http_settings(&HttpSettings::new().time_source(issuer.clock.clone()))
        .build()
        .expect("client");
    // Single flight: 20 concurrent first calls take one token.
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_status().await })
        })
        .collect();
    for call in calls {
        call.await.expect("task").expect("status");
    }
    assert_eq!(issuer.issued(), 1);
    // Refresh margin: at 3300 s of 3600 the token is renewed; discovery is not read again.
    issuer.clock.advance(Duration::from_secs(3299));
    client.get_status().await.expect("status");
    assert_eq!(issuer.issued(), 1);
    issuer.clock.advance(Duration::from_secs(2));
    client.get_status().await.expect("status");
    assert_eq!(issuer.issued(), 2);
    assert_eq!(
        issuer.requests(DISCOVERY).await.len(),
        1,
        "discovery read once"
    );

    let token_requests = issuer.requests(TOKEN).await;
    assert_eq!(token_requests.len(), 2);
    for request in &token_requests {
        assert_eq!(header_values(request, "authorization"), [BASIC]);
        assert_eq!(
            header_values(request, "content-type"),
            ["application/x-www-form-urlencoded"]
        );
        assert_eq!(header_values(request, "accept"), ["application/json"]);
        assert_eq!(
            body_text(request),
            "grant_type=client_credentials&scope=openid"
        );
    }
    let calls = api.received_requests().await.expect("recorded");
    assert_eq!(
        header_values(&calls[0], "authorization"),
        ["Bearer token-1"]
    );
    assert_eq!(
        header_values(calls.last().expect("a call"), "authorization"),
        ["Bearer token-2"]
    );
}

#[jtl_erp_tests::test]
async fn a_401_replays_once_with_a_fresh_token() {
    let issuer = Issuer::start(Lifetime::ExpiresIn(3600)).await;
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/erp/v2/info"))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/erp/v2/info"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(STATUS_BODY, "application/json"))
        .mount(&api)
        .await;
    let client = erp_v2::Client::builder()
        .base_url(format!("{}/erp", api.uri()))
        .auth(issuer.grant().build().expect("provider"))
        .http_settings(&HttpSettings::new().time_source(issuer.clock.clone()))
        .build()
        .expect("client");
    client.get_status().await.expect("replayed");
    let calls = api.received_requests().await.expect("recorded");
    let used: Vec<_> = calls
        .iter()
        .map(|c| header_values(c, "authorization"))
        .collect();
    assert_eq!(used, [["Bearer token-1"], ["Bearer token-2"]]);
    assert_eq!(issuer.requests(DISCOVERY).await.len(), 1);
}

#[jtl_erp_tests::test]
async fn a_configured_scope_is_sent_instead_of_openid() {
    let issuer = Issuer::start(Lifetime::ExpiresIn(3600)).await;
    let provider = issuer
        .grant()
        .scope("openid urn:zitadel:iam:org:project:id:zitadel:aud")
        .build()
        .expect("provider");
    provider.token().await.expect("token");
    assert_eq!(
        body_text(&issuer.requests(TOKEN).await[0]),
        "grant_type=client_credentials&scope=openid+urn%3Azitadel%3Aiam%3Aorg%3Aproject%3Aid%3Azitadel%3Aaud"
    );
    // The issuer refuses a scope without openid: a typed refusal, no secret in it.
    let refused = issuer.grant().scope("profile").build().expect("provider");
    let error = refused.token().await.expect_err("invalid_scope");
    assert!(matches!(error, TokenError::Rejected { .. }), "{error:?}");
    let text = format!("{error} {error:?}");
    assert!(
        text.contains("invalid_scope") && !text.contains(SECRET),
        "{text}"
    );
}

#[jtl_erp_tests::test]
async fn without_expires_in_the_jwt_exp_decides_else_the_documented_default() {
    let issuer = Issuer::start(Lifetime::JwtExp(600)).await;
    let provider = issuer.grant().build().expect("provider");
    let first = provider.token().await.expect("token");
    // 600 s of life, 300 s margin: reused for 300 s, not for an hour.
    issuer.clock.advance(Duration::from_secs(299));
    assert_eq!(
        provider.token().await.expect("token").expose(),
        first.expose()
    );
    issuer.clock.advance(Duration::from_secs(2));
    assert_ne!(
        provider.token().await.expect("token").expose(),
        first.expose()
    );
    assert_eq!(issuer.issued(), 2);

    let opaque = Issuer::start(Lifetime::Unknown).await;
    let provider = opaque.grant().build().expect("provider");
    provider.token().await.expect("token");
    let default = jtl_erp_client::runtime::auth::DEFAULT_TOKEN_LIFETIME;
    let margin = Duration::from_secs(300);
    opaque
        .clock
        .advance(default - margin - Duration::from_secs(1));
    provider.token().await.expect("token");
    assert_eq!(opaque.issued(), 1);
    opaque.clock.advance(Duration::from_secs(2));
    provider.token().await.expect("token");
    assert_eq!(opaque.issued(), 2, "an opaque token is not valid forever");
}

#[jtl_erp_tests::test]
async fn discovery_is_read_again_after_the_token_endpoint_fails() {
    let issuer = Issuer::start(Lifetime::ExpiresIn(3600)).await;
    let provider = issuer
        .grant()
        .failure_window(Duration::from_secs(1))
        .build()
        .expect("provider");
    provider.token().await.expect("token");
    // The endpoint moves: the old one answers 404 from now on, discovery names the new one.
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(ResponseTemplate::new(404))
        .with_priority(1)
        .mount(&issuer.server)
        .await;
    issuer.discovery.lock().expect("lock")["token_endpoint"] =
        format!("{}/v3/token", issuer.server.uri()).into();
    issuer.clock.advance(Duration::from_secs(3400));
    let error = provider.token().await.expect_err("old endpoint gone");
    assert!(
        matches!(error, TokenError::Status { status } if status == 404),
        "{error:?}"
    );
    issuer.clock.advance(Duration::from_secs(2));
    provider.token().await.expect("new endpoint");
    assert_eq!(issuer.requests(DISCOVERY).await.len(), 2);
    assert_eq!(issuer.requests("/v3/token").await.len(), 1);
}

#[jtl_erp_tests::test]
async fn another_issuer_in_discovery_and_plain_http_are_refused() {
    let issuer = Issuer::start(Lifetime::ExpiresIn(3600)).await;
    issuer.discovery.lock().expect("lock")["issuer"] = "https://id.jtl-cloud.com".into();
    let error = issuer
        .grant()
        .build()
        .expect("provider")
        .token()
        .await
        .expect_err("mismatch");
    let text = format!("{error} {error:?}");
    assert!(
        text.contains("another issuer") && !text.contains(SECRET),
        "{text}"
    );
    assert!(
        issuer.requests(TOKEN).await.is_empty(),
        "no credentials sent"
    );

    let plain = ClientCredentials::builder("my-client", SECRET)
        .issuer("http://id.jtl-cloud.com")
        .build()
        .expect_err("plain http");
    assert!(matches!(plain, BuildError::InsecureUrl { .. }), "{plain:?}");
    assert!(!format!("{plain} {plain:?}").contains(SECRET));
}
