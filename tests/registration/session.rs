//! App Shell session tokens: the runtime's verifier against the fake JTL's JWKS over loopback
//! HTTP (app token on the JWKS request, key cache, rotation, single-flight refetch, every typed
//! refusal), and nothing of a token or claim in errors or tracing output.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jtl_erp_client::fake::FakeJtl;
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::auth::{AuthProvider, ClientCredentials};
use jtl_erp_client::runtime::session_token::{
    KeysError, SessionTokenError, SessionTokenSigner, SessionTokenVerifier,
    SessionTokenVerifierBuilder, jwks_document,
};
use jtl_erp_client::runtime::time::ManualTimeSource;
use jtl_erp_tests::MockServer;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const TENANT: &str = "6f1c2b3a-1111-4222-8333-944455556666";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

async fn fake() -> FakeJtl {
    let fake = FakeJtl::start().await.expect("fake starts");
    fake.identity().add_client("app", "app-secret");
    fake
}

fn app_token(fake: &FakeJtl) -> Arc<dyn AuthProvider> {
    Arc::new(
        ClientCredentials::builder("app", "app-secret")
            .token_url(fake.token_url())
            .build()
            .expect("provider"),
    )
}

fn verifier_for(fake: &FakeJtl) -> SessionTokenVerifierBuilder {
    SessionTokenVerifier::builder(app_token(fake)).jwks_url(fake.jwks_url())
}

/// The fake, the app token and the verifier on one clock that the test advances.
async fn on_clock(clock: &ManualTimeSource) -> (FakeJtl, SessionTokenVerifierBuilder) {
    let fake = FakeJtl::start_with_clock(clock.clone())
        .await
        .expect("fake starts");
    fake.identity().add_client("app", "app-secret");
    let app_token = ClientCredentials::builder("app", "app-secret")
        .token_url(fake.token_url())
        .http_settings(&HttpSettings::new().time_source(clock.clone()))
        .build()
        .expect("provider");
    let verifier = SessionTokenVerifier::builder(Arc::new(app_token))
        .jwks_url(fake.jwks_url())
        .http_settings(&HttpSettings::new().time_source(clock.clone()));
    (fake, verifier)
}

fn count(fake: &FakeJtl, path: &str) -> usize {
    fake.requests().iter().filter(|r| r.path == path).count()
}

#[jtl_erp_tests::test]
async fn a_valid_token_is_verified_with_keys_fetched_once_with_the_app_token() {
    let fake = fake().await;
    let verifier = verifier_for(&fake).build().expect("verifier");
    let token = fake
        .session_tokens()
        .issue(TENANT, Some("user-7"), Duration::from_secs(300));
    for _ in 0..20 {
        let claims = verifier.verify(&token).await.expect("valid");
        assert_eq!(claims.tenant_id, TENANT);
        assert_eq!(claims.user_id.as_deref(), Some("user-7"));
        let exp = claims
            .expires_at
            .duration_since(UNIX_EPOCH)
            .expect("epoch")
            .as_secs();
        assert!((now() + 295..=now() + 300).contains(&exp), "{exp}");
        assert!(claims.rest.is_empty(), "{:?}", claims.rest);
    }
    let no_user = fake
        .session_tokens()
        .issue(TENANT, None, Duration::from_secs(300));
    assert_eq!(
        verifier.verify(&no_user).await.expect("valid").user_id,
        None
    );
    assert_eq!(fake.session_tokens().jwks_fetches(), 1, "keys are cached");
    assert_eq!(count(&fake, "/oauth2/token"), 1, "one app token");
    let jwks = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/account/.well-known/jwks.json")
        .expect("JWKS requested");
    assert_eq!(jwks.method, "GET");
    assert_eq!(jwks.header("authorization"), Some("Bearer ***"));
}

#[jtl_erp_tests::test]
async fn the_fake_refuses_the_jwks_without_a_bearer_token() {
    let fake = fake().await;
    let http = jtl_erp_client::runtime::reqwest::Client::new();
    let anonymous = http.get(fake.jwks_url()).send().await.expect("answer");
    assert_eq!(anonymous.status().as_u16(), 401);
    let forged = http
        .get(fake.jwks_url())
        .bearer_auth("access-token-9999")
        .send()
        .await
        .expect("answer");
    assert_eq!(forged.status().as_u16(), 401);
    assert_eq!(fake.session_tokens().jwks_fetches(), 0);
    let verifier = SessionTokenVerifier::builder(Arc::new(
        ClientCredentials::builder("app", "wrong-secret")
            .token_url(fake.token_url())
            .build()
            .expect("provider"),
    ))
    .jwks_url(fake.jwks_url())
    .build()
    .expect("verifier");
    let token = fake
        .session_tokens()
        .issue(TENANT, None, Duration::from_secs(60));
    let error = verifier.verify(&token).await.expect_err("no app token");
    assert!(
        matches!(
            error,
            SessionTokenError::KeysUnreachable(KeysError::Auth(_))
        ),
        "{error:?}"
    );
}

#[jtl_erp_tests::test]
async fn every_refusal_has_its_own_error() {
    let fake = fake().await;
    let verifier = verifier_for(&fake).build().expect("verifier");
    let t = now();
    let kid = fake.session_tokens().key_id();

    let expired = fake
        .session_tokens()
        .sign_claims(&json!({"tenantId": TENANT, "exp": t - 120}));
    assert!(matches!(
        verifier.verify(&expired).await,
        Err(SessionTokenError::Expired)
    ));

    let early = fake
        .session_tokens()
        .sign_claims(&json!({"tenantId": TENANT, "exp": t + 600, "nbf": t + 300}));
    assert!(matches!(
        verifier.verify(&early).await,
        Err(SessionTokenError::NotYetValid)
    ));

    let tenantless = fake
        .session_tokens()
        .sign_claims(&json!({"userId": "u", "exp": t + 600}));
    assert!(matches!(
        verifier.verify(&tenantless).await,
        Err(SessionTokenError::MissingTenant)
    ));

    // Claims of another tenant under the original signature.
    let valid = fake
        .session_tokens()
        .issue(TENANT, None, Duration::from_secs(600));
    let parts: Vec<&str> = valid.split('.').collect();
    let other = URL_SAFE_NO_PAD.encode(
        json!({"tenantId": "00000000-0000-4000-8000-000000000000", "exp": t + 600}).to_string(),
    );
    let tampered = format!("{}.{other}.{}", parts[0], parts[2]);
    assert!(matches!(
        verifier.verify(&tampered).await,
        Err(SessionTokenError::BadSignature)
    ));

    // A foreign key that claims the fake's kid.
    let foreign = SessionTokenSigner::generate(kid.clone()).expect("key");
    let forged = foreign.session_token(TENANT, None, Duration::from_secs(600));
    assert!(matches!(
        verifier.verify(&forged).await,
        Err(SessionTokenError::BadSignature)
    ));

    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(json!({"tenantId": TENANT, "exp": t + 600}).to_string())
    );
    assert!(matches!(
        verifier.verify(&none).await,
        Err(SessionTokenError::WrongAlgorithm)
    ));
    let hs256 = foreign.sign_with_header(
        &json!({"alg": "HS256", "kid": kid}),
        &json!({"tenantId": TENANT, "exp": t + 600}),
    );
    assert!(matches!(
        verifier.verify(&hs256).await,
        Err(SessionTokenError::WrongAlgorithm)
    ));

    for malformed in ["", "abc", "a.b.c", "eyJhbGciOiJFZERTQSJ9.e30"] {
        assert!(
            matches!(
                verifier.verify(malformed).await,
                Err(SessionTokenError::Malformed(_))
            ),
            "{malformed}"
        );
    }
    assert_eq!(
        fake.session_tokens().jwks_fetches(),
        1,
        "no refusal fetched the keys again"
    );
}

#[jtl_erp_tests::test]
async fn a_rotated_key_is_fetched_once_for_any_number_of_concurrent_callers() {
    let clock = ManualTimeSource::new();
    let (fake, verifier) = on_clock(&clock).await;
    let verifier = verifier
        .refetch_interval(Duration::from_millis(100))
        .build()
        .expect("verifier");
    let old = fake
        .session_tokens()
        .issue(TENANT, None, Duration::from_secs(600));
    verifier.verify(&old).await.expect("valid");
    // Unknown key ids refetch only when the keys are older than the interval (jose's cooldown).
    clock.advance(Duration::from_millis(150));
    let old_kid = fake.session_tokens().key_id();
    let new_kid = fake.session_tokens().rotate_key();
    assert_ne!(new_kid, old_kid);
    let new = fake
        .session_tokens()
        .issue(TENANT, Some("u"), Duration::from_secs(600));
    let header = URL_SAFE_NO_PAD
        .decode(new.split('.').next().expect("header"))
        .expect("base64url");
    let header: serde_json::Value = serde_json::from_slice(&header).expect("JSON");
    assert_eq!(header["kid"], new_kid.as_str());
    let calls = (0..100).map(|_| {
        let verifier = verifier.clone();
        let new = new.clone();
        tokio::spawn(async move { verifier.verify(&new).await.map(|c| c.tenant_id) })
    });
    for call in calls.collect::<Vec<_>>() {
        assert_eq!(call.await.expect("task").expect("valid"), TENANT);
    }
    assert_eq!(
        fake.session_tokens().jwks_fetches(),
        2,
        "one refetch for the new kid"
    );
    // The JWKS lists the previous key too, so tokens signed before the rotation still verify.
    verifier
        .verify(&old)
        .await
        .expect("previous key still listed");
    assert_eq!(fake.session_tokens().jwks_fetches(), 2);
}

#[jtl_erp_tests::test]
async fn unknown_key_ids_refetch_at_most_once_per_interval() {
    let clock = ManualTimeSource::new();
    let (fake, verifier) = on_clock(&clock).await;
    let verifier = verifier
        .refetch_interval(Duration::from_millis(300))
        .build()
        .expect("verifier");
    let stranger = SessionTokenSigner::random().expect("key");
    let unknown = stranger.session_token(TENANT, None, Duration::from_secs(600));
    // First use fetches the keys; the kid is not among them and they are fresh: no refetch.
    for _ in 0..10 {
        assert!(matches!(
            verifier.verify(&unknown).await,
            Err(SessionTokenError::UnknownKey)
        ));
    }
    assert_eq!(fake.session_tokens().jwks_fetches(), 1);
    clock.advance(Duration::from_millis(299));
    for _ in 0..10 {
        assert!(matches!(
            verifier.verify(&unknown).await,
            Err(SessionTokenError::UnknownKey)
        ));
    }
    assert_eq!(
        fake.session_tokens().jwks_fetches(),
        1,
        "no refetch within the interval"
    );
    clock.advance(Duration::from_millis(1));
    for _ in 0..10 {
        assert!(matches!(
            verifier.verify(&unknown).await,
            Err(SessionTokenError::UnknownKey)
        ));
    }
    assert_eq!(
        fake.session_tokens().jwks_fetches(),
        2,
        "one refetch after the interval"
    );
}

#[jtl_erp_tests::test]
async fn keys_are_cached_for_the_configured_time() {
    let clock = ManualTimeSource::new();
    let (fake, verifier) = on_clock(&clock).await;
    let verifier = verifier
        .key_cache(Duration::from_millis(300))
        .build()
        .expect("verifier");
    let token = fake
        .session_tokens()
        .issue(TENANT, None, Duration::from_secs(600));
    verifier.verify(&token).await.expect("valid");
    verifier.verify(&token).await.expect("valid");
    assert_eq!(fake.session_tokens().jwks_fetches(), 1);
    clock.advance(Duration::from_millis(299));
    verifier.verify(&token).await.expect("valid");
    assert_eq!(
        fake.session_tokens().jwks_fetches(),
        1,
        "still fresh within the cache time"
    );
    clock.advance(Duration::from_millis(1));
    verifier.verify(&token).await.expect("valid");
    assert_eq!(
        fake.session_tokens().jwks_fetches(),
        2,
        "stale keys are fetched again"
    );
    // A key that left the JWKS stops verifying once the cache has expired.
    let old = token;
    fake.session_tokens().rotate_key();
    fake.session_tokens().retire_previous_key();
    clock.advance(Duration::from_millis(300));
    assert!(matches!(
        verifier.verify(&old).await,
        Err(SessionTokenError::UnknownKey)
    ));
}

/// A JWKS served by a mock server: one key of the test's own, so that the test can sign with it.
async fn jwks_of(signer: &SessionTokenSigner) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/jwks.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(jwks_document([signer])))
        .mount(&server)
        .await;
    server
}

#[jtl_erp_tests::test]
async fn without_a_kid_every_key_is_tried() {
    let fake = fake().await;
    let t = now();
    let claims = json!({
        "tenantId": TENANT,
        "userId": "user-3",
        "iat": t,
        "exp": t + 600,
        "role": "admin",
    });
    let kidless = json!({"alg": "EdDSA"});

    // A key set of one key: a token without kid signed by that key is accepted, claims intact.
    let only = SessionTokenSigner::generate("the-only-key").expect("key");
    let jwks = jwks_of(&only).await;
    let verifier = SessionTokenVerifier::builder(app_token(&fake))
        .jwks_url(format!("{}/jwks.json", jwks.uri()))
        .build()
        .expect("verifier");
    let own = only.sign_with_header(&kidless, &claims);
    let verified = verifier.verify(&own).await.expect("signed by the only key");
    assert_eq!(verified.tenant_id, TENANT);
    assert_eq!(verified.user_id.as_deref(), Some("user-3"));
    assert_eq!(
        verified.expires_at,
        UNIX_EPOCH + Duration::from_secs(t + 600)
    );
    assert_eq!(
        verified.issued_at,
        Some(UNIX_EPOCH + Duration::from_secs(t))
    );
    assert_eq!(verified.not_before, None);
    assert_eq!(
        serde_json::Value::Object(verified.rest.clone()),
        json!({"role": "admin"})
    );
    // The same claims without kid, signed by a key the JWKS does not have: the only key is
    // tried, and the signature does not verify with it.
    let foreign = SessionTokenSigner::random()
        .expect("key")
        .sign_with_header(&kidless, &claims);
    assert!(matches!(
        verifier.verify(&foreign).await,
        Err(SessionTokenError::BadSignature)
    ));
    assert_eq!(jwks.received_requests().await.expect("recorded").len(), 1);

    // Against the fake's JWKS (one key until a rotation lists two): a foreign token without kid
    // does not verify, with one key or with two.
    let verifier = verifier_for(&fake).build().expect("verifier");
    assert!(matches!(
        verifier.verify(&foreign).await,
        Err(SessionTokenError::BadSignature)
    ));
    // Two keys: each is tried (no more ambiguity refusal), neither verifies.
    fake.session_tokens().rotate_key();
    let fresh = verifier_for(&fake).build().expect("verifier");
    assert!(matches!(
        fresh.verify(&foreign).await,
        Err(SessionTokenError::BadSignature)
    ));
    assert_eq!(fake.session_tokens().jwks_fetches(), 2);
}

/// Both public reference backends accept a token that names a `kid` when the key set's single
/// Ed25519 key has none (one takes the first key, one tries each).
#[jtl_erp_tests::test]
async fn a_token_naming_a_kid_is_verified_by_a_key_without_kid() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};
    let fake = fake().await;
    let keys = jtl_erp_tests::MockServer::start().await;
    let signer = SessionTokenSigner::generate("app-shell-kid").expect("key");
    let other = SessionTokenSigner::random().expect("key");
    let kidless = |s: &SessionTokenSigner| {
        let mut jwk = s.public_jwk();
        jwk.as_object_mut().expect("object").remove("kid");
        jwk
    };
    Mock::given(method("GET"))
        .and(path("/jwks"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"keys": [kidless(&other), kidless(&signer)]})),
        )
        .mount(&keys)
        .await;
    let verifier = SessionTokenVerifier::builder(app_token(&fake))
        .jwks_url(format!("{}/jwks", keys.uri()))
        .build()
        .expect("verifier");
    let token = signer.session_token(TENANT, Some("user-1"), Duration::from_secs(600));
    let claims = verifier.verify(&token).await.expect("accepted");
    assert_eq!(claims.tenant_id, TENANT);
    // A foreign key naming the same kid is still refused.
    let foreign = SessionTokenSigner::generate("app-shell-kid").expect("key");
    assert!(matches!(
        verifier
            .verify(&foreign.session_token(TENANT, None, Duration::from_secs(600)))
            .await,
        Err(SessionTokenError::BadSignature)
    ));
}

#[jtl_erp_tests::test]
async fn an_unreachable_jwks_is_a_typed_error() {
    let fake = fake().await;
    let dead = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://{}/account/.well-known/jwks.json",
        dead.local_addr().expect("addr")
    );
    drop(dead);
    let verifier = SessionTokenVerifier::builder(app_token(&fake))
        .jwks_url(url)
        .http_settings(&HttpSettings::new().timeout(Duration::from_secs(2)))
        .build()
        .expect("verifier");
    let token = fake
        .session_tokens()
        .issue(TENANT, None, Duration::from_secs(60));
    let error = verifier.verify(&token).await.expect_err("unreachable");
    assert!(
        matches!(
            error,
            SessionTokenError::KeysUnreachable(KeysError::Transport(_))
        ),
        "{error:?}"
    );
    let error = SessionTokenVerifier::builder(app_token(&fake))
        .jwks_url("http://api.jtl-cloud.com/account/.well-known/jwks.json")
        .build()
        .expect_err("plain http");
    assert!(error.to_string().contains("must use https"), "{error}");
}

#[jtl_erp_tests::test]
async fn no_token_claim_or_key_id_reaches_errors_or_tracing() {
    let capture = jtl_erp_tests::trace_capture::capture(tracing::Level::TRACE);

    let fake = fake().await;
    let verifier = verifier_for(&fake).build().expect("verifier");
    let tenant = "tenant-value-4711";
    let user = "user-value-0815";
    let t = now();
    let stranger = SessionTokenSigner::generate("kid-value-42").expect("key");
    let mut tokens = vec![
        fake.session_tokens()
            .sign_claims(&json!({"tenantId": tenant, "userId": user, "exp": t - 600})),
        fake.session_tokens()
            .sign_claims(&json!({"tenantId": tenant, "userId": user, "exp": "soon"})),
        fake.session_tokens()
            .sign_claims(&json!({"tenantId": 4711, "userId": user, "exp": t + 60})),
        fake.session_tokens()
            .sign_claims(&json!({"userId": user, "exp": t + 60})),
        stranger.sign(&json!({"tenantId": tenant, "userId": user, "exp": t + 60})),
        stranger.sign_with_header(
            &json!({"alg": "none", "kid": "kid-value-42"}),
            &json!({"tenantId": tenant, "exp": t + 60}),
        ),
        format!(
            "{}.garbage-value.x",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"EdDSA"}"#)
        ),
    ];
    let valid = fake
        .session_tokens()
        .issue(tenant, Some(user), Duration::from_secs(60));
    let parts: Vec<&str> = valid.split('.').collect();
    tokens.push(format!("{}.{}.{}", parts[0], parts[1], &parts[2][..40]));
    let mut messages = String::new();
    for token in &tokens {
        let error = verifier.verify(token).await.expect_err("refused");
        messages.push_str(&format!("{error}\n{error:?}\n"));
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            messages.push_str(&format!("{cause}\n"));
            source = cause.source();
        }
    }
    let claims = verifier.verify(&valid).await.expect("valid");
    messages.push_str(&format!("{claims:?}\n{verifier:?}\n"));
    let logged = capture.logs.text();
    assert!(logged.contains("JWKS"), "the fetch is logged: {logged}");
    for text in [&messages, &logged] {
        for needle in [
            tenant.replace("tenant-", ""),
            user.to_owned(),
            "kid-value".to_owned(),
        ] {
            assert!(!text.contains(&needle), "`{needle}` leaked:\n{text}");
        }
        for token in tokens.iter().chain([&valid]) {
            for part in token.split('.').filter(|p| p.len() > 8) {
                assert!(!text.contains(part), "token part leaked:\n{text}");
            }
        }
    }
}

#[jtl_erp_tests::test]
async fn transport_settings_reach_the_jwks_request() {
    let fake = fake().await;
    let verifier = verifier_for(&fake)
        .http_settings(&HttpSettings::new().configure_http(|builder| builder.user_agent("probe/1")))
        .build()
        .expect("verifier");
    let token = fake
        .session_tokens()
        .issue(TENANT, None, Duration::from_secs(600));
    verifier.verify(&token).await.expect("valid");
    let jwks = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/account/.well-known/jwks.json")
        .expect("JWKS requested");
    assert_eq!(jwks.header("user-agent"), Some("probe/1"));
}
