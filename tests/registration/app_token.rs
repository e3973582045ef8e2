//! App tokens of the OIDC issuer: the runtime's verifier against an issuer served over loopback
//! HTTP (discovery → `jwks_uri` → key set), RS256, ES256 and EdDSA keys, every typed refusal
//! (algorithm confusion included), key rotation with one rate-limited, single-flight refetch,
//! rediscovery after a failing key set, and nothing of a token, claim or key id in errors or
//! tracing output. Times are the injected clock's.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::app_token::{
    AppTokenError, AppTokenSigner, AppTokenVerifier, AppTokenVerifierBuilder, KeysError,
    jwks_document,
};
use jtl_erp_client::runtime::time::{ManualTimeSource, TimeSource as _};
use jtl_erp_tests::MockServer;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

const APP: &str = "app-4711";
const TENANT: &str = "6f1c2b3a-1111-4222-8333-944455556666";
const USER: &str = "user-0815";
const RSA_KEY: &[u8] = include_bytes!("../fixtures/jose/rsa-2048.pk8");

fn rsa(kid: &str) -> AppTokenSigner {
    AppTokenSigner::rsa_pkcs8(RSA_KEY, kid).expect("RSA key")
}

/// Answers with whatever the test puts in, counting requests.
#[derive(Clone, Default)]
struct Document(Arc<Mutex<(Value, u16)>>);

impl Document {
    fn set(&self, body: Value) {
        *self.0.lock().expect("lock") = (body, 200);
    }
    fn status(&self, status: u16) {
        self.0.lock().expect("lock").1 = status;
    }
}

impl Respond for Document {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let (body, status) = self.0.lock().expect("lock").clone();
        ResponseTemplate::new(status).set_body_json(body)
    }
}

struct Issuer {
    server: MockServer,
    keys: Document,
    discovery: Document,
    clock: ManualTimeSource,
}

impl Issuer {
    async fn start(signers: &[&AppTokenSigner]) -> Self {
        let server = MockServer::start().await;
        let (keys, discovery) = (Document::default(), Document::default());
        keys.set(jwks_document(signers.iter().copied()));
        discovery.set(json!({
            "issuer": server.uri(),
            "jwks_uri": format!("{}/oauth/v2/keys", server.uri()),
            "token_endpoint": format!("{}/oauth/v2/token", server.uri()),
        }));
        Mock::given(method("GET"))
            .and(path("/.well-known/openid-configuration"))
            .respond_with(discovery.clone())
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/oauth/v2/keys"))
            .respond_with(keys.clone())
            .mount(&server)
            .await;
        Self {
            server,
            keys,
            discovery,
            clock: ManualTimeSource::starting_at(UNIX_EPOCH + Duration::from_secs(1_900_000_000)),
        }
    }

    fn uri(&self) -> String {
        self.server.uri()
    }

    fn verifier(&self) -> AppTokenVerifierBuilder {
        AppTokenVerifier::builder(self.uri(), APP)
            .http_settings(&HttpSettings::new().time_source(self.clock.clone()))
    }

    fn now(&self) -> SystemTime {
        self.clock.wall_clock()
    }

    fn secs(&self) -> u64 {
        self.now()
            .duration_since(UNIX_EPOCH)
            .expect("epoch")
            .as_secs()
    }

    fn token(&self, signer: &AppTokenSigner) -> String {
        signer.app_token(
            &self.uri(),
            APP,
            TENANT,
            Some(USER),
            Duration::from_secs(300),
            self.now(),
        )
    }

    /// Claims as the issuer mints them, with `extra` set over them (`null` removes).
    fn claims(&self, extra: Value) -> Value {
        let mut claims = json!({
            "iss": self.uri(), "aud": [APP], "urn:jtl:app_id": APP,
            "urn:jtl:tenant_id": TENANT, "sub": USER,
            "iat": self.secs(), "exp": self.secs() + 300,
        });
        for (name, value) in extra.as_object().expect("object") {
            match value {
                Value::Null => drop(claims.as_object_mut().expect("object").remove(name)),
                value => claims[name] = value.clone(),
            }
        }
        claims
    }

    async fn fetches(&self, route: &str) -> usize {
        let requests = self.server.received_requests().await.expect("recorded");
        requests.iter().filter(|r| r.url.path() == route).count()
    }
}

const KEYS: &str = "/oauth/v2/keys";
const DISCOVERY: &str = "/.well-known/openid-configuration";

#[jtl_erp_tests::test]
async fn rs256_es256_and_eddsa_tokens_verify_with_keys_read_once_through_discovery() {
    let (rs, es, ed) = (
        rsa("rsa-1"),
        AppTokenSigner::es256("ec-1").expect("key"),
        AppTokenSigner::ed25519("ed-1").expect("key"),
    );
    let issuer = Issuer::start(&[&rs, &es, &ed]).await;
    let verifier = issuer.verifier().build().expect("verifier");
    for signer in [&rs, &es, &ed] {
        for _ in 0..5 {
            let alg = signer.alg();
            let claims = verifier.verify(&issuer.token(signer)).await.expect(alg);
            assert_eq!(claims.tenant_id, TENANT);
            assert_eq!(claims.user_id.as_deref(), Some(USER));
            assert_eq!(claims.app_id, APP);
            assert_eq!(claims.audience, vec![APP.to_owned()]);
            assert_eq!(
                claims.expires_at,
                UNIX_EPOCH + Duration::from_secs(issuer.secs() + 300)
            );
            assert_eq!(claims.rest["iss"], issuer.uri().as_str());
        }
    }
    // `aud` as a plain string; no `urn:jtl:app_id`; no `sub`; extra claims kept.
    let plain = rs.sign(
        &issuer.claims(json!({"aud": APP, "urn:jtl:app_id": null, "sub": null, "scope": "openid"})),
    );
    let claims = verifier.verify(&plain).await.expect("aud as a string");
    assert_eq!(claims.user_id, None);
    assert_eq!(claims.rest["scope"], "openid");
    assert_eq!(issuer.fetches(DISCOVERY).await, 1, "discovery read once");
    assert_eq!(issuer.fetches(KEYS).await, 1, "keys cached");
}

#[jtl_erp_tests::test]
async fn every_refusal_has_its_own_error_and_fetches_nothing_more() {
    let rs = rsa("rsa-1");
    let ed = AppTokenSigner::ed25519("ed-1").expect("key");
    let issuer = Issuer::start(&[&rs, &ed]).await;
    let verifier = issuer.verifier().build().expect("verifier");
    let t = issuer.secs();
    let header = |alg: &str, kid: &str| json!({"alg": alg, "typ": "JWT", "kid": kid});
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());

    let expired = rs.sign(&issuer.claims(json!({"iat": t - 400, "exp": t - 31})));
    let within_leeway = rs.sign(&issuer.claims(json!({"iat": t - 400, "exp": t - 29})));
    let early = rs.sign(&issuer.claims(json!({"nbf": t + 31})));
    let foreign_app = rs.sign(&issuer.claims(json!({"aud": ["other-app"]})));
    let no_aud = rs.sign(&issuer.claims(json!({"aud": null})));
    let other_app_claim = rs.sign(&issuer.claims(json!({"urn:jtl:app_id": "other-app"})));
    let other_issuer = rs.sign(&issuer.claims(json!({"iss": "https://id.jtl-cloud.com"})));
    let trailing_slash = rs.sign(&issuer.claims(json!({"iss": format!("{}/", issuer.uri())})));
    let no_tenant = rs.sign(&issuer.claims(json!({"urn:jtl:tenant_id": null})));
    let no_exp = rs.sign(&issuer.claims(json!({"exp": null})));

    let valid = issuer.token(&rs);
    let parts: Vec<&str> = valid.split('.').collect();
    let other_tenant = b64(&issuer.claims(json!({"urn:jtl:tenant_id": "other-tenant"})));
    let tampered = format!("{}.{other_tenant}.{}", parts[0], parts[2]);
    // A foreign RSA-less key claiming the issuer's Ed25519 kid.
    let impostor = AppTokenSigner::ed25519("ed-1").expect("key");
    let forged = issuer.token(&impostor);
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&issuer.claims(json!({})))
    );
    // HS256 keyed with the RSA public key, as published: the classic confusion.
    let input = format!(
        "{}.{}",
        b64(&header("HS256", "rsa-1")),
        b64(&issuer.claims(json!({})))
    );
    let jwk = rs.public_jwk();
    let mut hs256 = Vec::new();
    for secret in [
        jwk.to_string().into_bytes(),
        URL_SAFE_NO_PAD
            .decode(jwk["n"].as_str().expect("n"))
            .expect("n"),
        RSA_KEY.to_vec(),
    ] {
        let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &secret);
        let tag = aws_lc_rs::hmac::sign(&key, input.as_bytes());
        hs256.push(format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref())));
    }
    // An alg that does not fit the key its kid names: EdDSA-signed, claiming RS256 and the
    // Ed25519 kid, and RS256-signed claiming EdDSA under the RSA kid.
    let rs_on_ed = ed.sign_with_header(&header("RS256", "ed-1"), &issuer.claims(json!({})));
    let ed_on_rs = rs.sign_with_header(&header("EdDSA", "rsa-1"), &issuer.claims(json!({})));
    let ps_on_rs256 = rs.sign_with_header(&header("PS256", "rsa-1"), &issuer.claims(json!({})));

    use AppTokenError as E;
    let check = |error: &AppTokenError, what: &str| match what {
        "expired" => matches!(error, E::Expired),
        "early" => matches!(error, E::NotYetValid),
        "aud" => matches!(error, E::WrongAudience),
        "app" => matches!(error, E::WrongApp),
        "iss" => matches!(error, E::WrongIssuer),
        "tenant" => matches!(error, E::MissingTenant),
        "signature" => matches!(error, E::BadSignature),
        "alg" => matches!(error, E::WrongAlgorithm),
        "malformed" => matches!(error, E::Malformed(_)),
        _ => false,
    };
    let mut cases = vec![
        (expired, "expired"),
        (early, "early"),
        (foreign_app, "aud"),
        (no_aud, "aud"),
        (other_app_claim, "app"),
        (other_issuer, "iss"),
        (trailing_slash, "iss"),
        (no_tenant, "tenant"),
        (no_exp, "malformed"),
        (tampered, "signature"),
        (forged, "signature"),
        (none, "alg"),
        (rs_on_ed, "alg"),
        (ed_on_rs, "alg"),
        (ps_on_rs256, "alg"),
        ("a.b".to_owned(), "malformed"),
        (String::new(), "malformed"),
    ];
    cases.extend(hs256.into_iter().map(|t| (t, "alg")));
    for (token, what) in &cases {
        let error = verifier.verify(token).await.expect_err(what);
        assert!(check(&error, what), "{what}: {error:?}");
        let text = format!("{error} {error:?}");
        for secret in [TENANT, USER, "other-app", "rsa-1", "ed-1", token.as_str()] {
            assert!(
                secret.is_empty() || !text.contains(secret),
                "{what}: {text}"
            );
        }
    }
    verifier
        .verify(&within_leeway)
        .await
        .expect("within leeway");
    assert_eq!(
        issuer.fetches(KEYS).await,
        1,
        "no refusal fetched the keys again"
    );
}

#[jtl_erp_tests::test]
async fn expiry_is_read_on_the_injected_wall_clock() {
    let rs = rsa("rsa-1");
    let issuer = Issuer::start(&[&rs]).await;
    let verifier = issuer.verifier().build().expect("verifier");
    let token = issuer.token(&rs);
    verifier.verify(&token).await.expect("valid");
    issuer.clock.advance(Duration::from_secs(300 + 29));
    verifier.verify(&token).await.expect("within the leeway");
    // RFC 7519 4.1.4: on or after exp (plus the leeway) the token is expired.
    issuer.clock.advance(Duration::from_secs(1));
    assert!(matches!(
        verifier.verify(&token).await,
        Err(AppTokenError::Expired)
    ));
}

#[jtl_erp_tests::test]
async fn a_rotated_key_is_fetched_once_per_interval_for_concurrent_callers() {
    let old = rsa("rsa-1");
    let issuer = Issuer::start(&[&old]).await;
    let verifier = issuer
        .verifier()
        .refetch_interval(Duration::from_secs(30))
        .build()
        .expect("verifier");
    verifier.verify(&issuer.token(&old)).await.expect("old key");
    let new = AppTokenSigner::ed25519("ed-2").expect("key");
    issuer.keys.set(jwks_document([&old, &new]));
    let rotated = issuer.token(&new);
    // Keys younger than the interval: the unknown kid is refused without a fetch.
    assert!(matches!(
        verifier.verify(&rotated).await,
        Err(AppTokenError::UnknownKey)
    ));
    assert_eq!(issuer.fetches(KEYS).await, 1);
    issuer.clock.advance(Duration::from_secs(31));
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let (verifier, token) = (verifier.clone(), rotated.clone());
            tokio::spawn(async move { verifier.verify(&token).await })
        })
        .collect();
    for call in calls {
        call.await.expect("task").expect("new key");
    }
    assert_eq!(issuer.fetches(KEYS).await, 2, "one refetch for 50 callers");
    // A made-up kid right after: no third fetch within the interval.
    let stranger = AppTokenSigner::ed25519("made-up").expect("key");
    assert!(matches!(
        verifier.verify(&issuer.token(&stranger)).await,
        Err(AppTokenError::UnknownKey)
    ));
    assert_eq!(issuer.fetches(KEYS).await, 2);
    assert_eq!(issuer.fetches(DISCOVERY).await, 1);
}

#[jtl_erp_tests::test]
async fn keys_without_kid_are_tried_by_type_and_a_kid_names_its_key_only() {
    let rs = rsa("rsa-1").without_kid();
    let ed = AppTokenSigner::ed25519("ed-1").expect("key").without_kid();
    let other = AppTokenSigner::ed25519("x").expect("key").without_kid();
    let issuer = Issuer::start(&[&other, &rs, &ed]).await;
    let verifier = issuer.verifier().build().expect("verifier");
    verifier.verify(&issuer.token(&rs)).await.expect("RSA");
    verifier.verify(&issuer.token(&ed)).await.expect("Ed25519");
    // A kid names one key: the kid-less keys are not it (RFC 7515 4.1.4, as jose selects).
    let header = json!({"alg": "EdDSA", "kid": "app-shell-key"});
    let token = ed.sign_with_header(&header, &issuer.claims(json!({})));
    assert!(matches!(
        verifier.verify(&token).await,
        Err(AppTokenError::UnknownKey)
    ));
}

#[jtl_erp_tests::test]
async fn discovery_is_read_again_when_the_key_set_fails_and_must_name_the_issuer() {
    let rs = rsa("rsa-1");
    let issuer = Issuer::start(&[&rs]).await;
    let verifier = issuer
        .verifier()
        .key_cache(Duration::from_secs(60))
        .build()
        .expect("verifier");
    verifier.verify(&issuer.token(&rs)).await.expect("valid");
    // The keys move: the old jwks_uri answers 404, discovery names the new place.
    issuer.keys.status(404);
    let moved = Document::default();
    moved.set(jwks_document([&rs]));
    Mock::given(method("GET"))
        .and(path("/keys-v3"))
        .respond_with(moved)
        .mount(&issuer.server)
        .await;
    let mut document = issuer.discovery.0.lock().expect("lock").0.clone();
    document["jwks_uri"] = format!("{}/keys-v3", issuer.uri()).into();
    issuer.discovery.set(document.clone());
    issuer.clock.advance(Duration::from_secs(61));
    verifier.verify(&issuer.token(&rs)).await.expect("valid");
    assert_eq!(issuer.fetches(DISCOVERY).await, 2);
    assert_eq!(issuer.fetches("/keys-v3").await, 1);

    // A discovery document naming another issuer is refused.
    document["issuer"] = "https://id.jtl-cloud.com".into();
    issuer.discovery.set(document);
    let fresh = issuer.verifier().build().expect("verifier");
    let error = fresh
        .verify(&issuer.token(&rs))
        .await
        .expect_err("mismatch");
    assert!(
        matches!(
            error,
            AppTokenError::KeysUnreachable(KeysError::IssuerMismatch)
        ),
        "{error:?}"
    );
    issuer.discovery.status(500);
    let error = fresh.verify(&issuer.token(&rs)).await.expect_err("500");
    assert!(
        matches!(
            error,
            AppTokenError::KeysUnreachable(KeysError::Status { .. })
        ),
        "{error:?}"
    );
}

#[jtl_erp_tests::test]
async fn plain_http_issuers_are_refused_unless_loopback() {
    let error = AppTokenVerifier::builder("http://id.jtl-cloud.com", APP)
        .build()
        .expect_err("plain http");
    assert!(error.to_string().contains("must use https"), "{error}");
}

#[jtl_erp_tests::test]
async fn no_token_claim_or_key_id_reaches_tracing() {
    let capture = jtl_erp_tests::trace_capture::capture(tracing::Level::TRACE);

    let rs = rsa("kid-value-42");
    let issuer = Issuer::start(&[&rs]).await;
    let token = issuer.token(&rs);
    let stranger = AppTokenSigner::ed25519("kid-value-43").expect("key");
    let verifier = issuer.verifier().build().expect("verifier");
    let claims = verifier.verify(&token).await.expect("valid");
    let debug = format!("{claims:?} {verifier:?}");
    let _ = verifier.verify(&issuer.token(&stranger)).await;
    let text = capture.logs.text();
    assert!(text.contains("key set"), "tracing captured: {text}");
    for secret in [TENANT, USER, "kid-value-42", "kid-value-43", token.as_str()] {
        assert!(!text.contains(secret), "{text}");
        assert!(!debug.contains(secret), "{debug}");
    }
}

#[jtl_erp_tests::test]
async fn transport_settings_apply_and_cannot_lift_the_same_origin_rule() {
    use jtl_erp_client::runtime::reqwest::redirect::Policy;
    let rs = rsa("rsa-1");
    let issuer = Issuer::start(&[&rs]).await;
    let verifier = issuer
        .verifier()
        .http_settings(&HttpSettings::new().configure_http(|builder| builder.user_agent("probe/1")))
        .build()
        .expect("verifier");
    verifier.verify(&issuer.token(&rs)).await.expect("valid");
    let requests = issuer.server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(
            jtl_erp_tests::header_values(request, "user-agent"),
            ["probe/1"]
        );
    }

    // Discovery redirected to another origin: refused, even with a permissive policy set.
    let elsewhere = Issuer::start(&[&rs]).await;
    let redirecting = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DISCOVERY))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}{DISCOVERY}", elsewhere.uri())),
        )
        .mount(&redirecting)
        .await;
    let verifier = AppTokenVerifier::builder(redirecting.uri(), APP)
        .http_settings(
            &HttpSettings::new().configure_http(|builder| builder.redirect(Policy::limited(10))),
        )
        .build()
        .expect("verifier");
    let error = verifier
        .verify(&issuer.token(&rs))
        .await
        .expect_err("redirect refused");
    assert!(
        matches!(
            error,
            AppTokenError::KeysUnreachable(KeysError::Status { status, .. }) if status == 302
        ),
        "{error:?}"
    );
    assert_eq!(elsewhere.fetches(DISCOVERY).await, 0);
}
