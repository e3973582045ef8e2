//! The fake JTL's OIDC issuer: discovery, a key set with an RSA and an Ed25519 key, rotation on
//! demand, a token endpoint as strict as the real one (HTTP Basic only, `scope=openid`
//! required), and app tokens that the runtime's verifier accepts; the runtime's OIDC
//! client-credentials provider gets a token there that the fake's ERP accepts.

use std::time::Duration;

use jtl_erp_client::erp_v2;
use jtl_erp_client::fake::{AppTokenAlg, FakeJtl};
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::app_token::{AppTokenError, AppTokenVerifier};
use jtl_erp_client::runtime::auth::{ClientCredentials, TokenError};
use jtl_erp_client::runtime::reqwest;
use jtl_erp_client::runtime::time::ManualTimeSource;

const APP: &str = "app-4711";
const TENANT: &str = "6f1c2b3a-1111-4222-8333-944455556666";

async fn fake() -> FakeJtl {
    let fake = FakeJtl::start().await.expect("fake starts");
    fake.identity().add_client("app", "app-secret");
    fake
}

#[jtl_erp_tests::test]
async fn the_oidc_grant_gets_a_token_the_erp_accepts() {
    let fake = fake().await;
    let auth = ClientCredentials::builder("app", "app-secret")
        .issuer(fake.issuer())
        .build()
        .expect("provider");
    let client = erp_v2::Client::builder()
        .base_url(fake.cloud_url())
        .auth(auth)
        .build()
        .expect("client");
    for _ in 0..3 {
        client
            .get_status()
            .await
            .expect("status with the OIDC token");
    }
    assert_eq!(fake.identity().discovery_fetches(), 1);
    let tokens: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/oauth/v2/token")
        .collect();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].body, "grant_type=client_credentials&scope=openid");
    assert_eq!(tokens[0].header("authorization"), Some("Basic ***"));

    // Without openid in the scope: refused, as the real issuer does.
    let no_openid = ClientCredentials::builder("app", "app-secret")
        .issuer(fake.issuer())
        .scope("profile")
        .build()
        .expect("provider");
    let error = no_openid.token().await.expect_err("invalid_scope");
    assert!(
        matches!(&error, TokenError::Rejected { status, .. } if *status == 400),
        "{error:?}"
    );
    assert!(error.to_string().contains("invalid_scope"), "{error}");
    // Wrong secret: invalid_client.
    let wrong = ClientCredentials::builder("app", "not-the-secret")
        .issuer(fake.issuer())
        .build()
        .expect("provider");
    let error = wrong.token().await.expect_err("invalid_client");
    assert!(error.to_string().contains("invalid_client"), "{error}");
}

#[jtl_erp_tests::test]
async fn credentials_in_the_body_are_refused() {
    let fake = fake().await;
    let http = reqwest::Client::new();
    let answer = http
        .post(format!("{}/oauth/v2/token", fake.issuer()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&scope=openid&client_id=app&client_secret=app-secret")
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 400);
    let body = answer.text().await.expect("body");
    assert!(body.contains(r#""error":"invalid_request""#), "{body}");
    let basic_and_body = http
        .post(format!("{}/oauth/v2/token", fake.issuer()))
        .basic_auth("app", Some("app-secret"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&scope=openid&client_secret=app-secret")
        .send()
        .await
        .expect("answer");
    assert_eq!(basic_and_body.status(), 400);
}

#[jtl_erp_tests::test]
async fn app_tokens_verify_with_both_keys_and_rotation_is_followed() {
    let fake = fake().await;
    let jwks = fake.identity().jwks();
    let kinds: Vec<&str> = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["kty"].as_str().expect("kty"))
        .collect();
    assert_eq!(kinds, ["RSA", "OKP"]);
    let clock = ManualTimeSource::new();
    let verifier = AppTokenVerifier::builder(fake.issuer(), APP)
        .http_settings(&HttpSettings::new().time_source(clock.clone()))
        .build()
        .expect("verifier");
    let rs = fake.identity().app_token(
        AppTokenAlg::Rs256,
        APP,
        TENANT,
        Some("user-1"),
        Duration::from_secs(300),
    );
    let ed = fake.identity().app_token(
        AppTokenAlg::EdDsa,
        APP,
        TENANT,
        None,
        Duration::from_secs(300),
    );
    let claims = verifier.verify(&rs).await.expect("RS256");
    assert_eq!(
        (claims.tenant_id.as_str(), claims.user_id.as_deref()),
        (TENANT, Some("user-1"))
    );
    verifier.verify(&ed).await.expect("EdDSA");
    assert_eq!(fake.identity().jwks_fetches(), 1);

    let (rsa_kid, ed_kid) = fake.identity().rotate_keys();
    assert_ne!(rsa_kid, ed_kid);
    let rotated = fake.identity().app_token(
        AppTokenAlg::Rs256,
        APP,
        TENANT,
        None,
        Duration::from_secs(300),
    );
    clock.advance(Duration::from_secs(31));
    verifier
        .verify(&rotated)
        .await
        .expect("new key after one refetch");
    verifier
        .verify(&rs)
        .await
        .expect("the previous key is still listed");
    assert_eq!(fake.identity().jwks_fetches(), 2);

    fake.identity().retire_previous_keys();
    clock.advance(Duration::from_secs(601));
    assert!(matches!(
        verifier.verify(&rs).await,
        Err(AppTokenError::UnknownKey)
    ));
    // A token for another app is refused.
    let foreign = fake.identity().app_token(
        AppTokenAlg::Rs256,
        "other-app",
        TENANT,
        None,
        Duration::from_secs(300),
    );
    assert!(matches!(
        verifier.verify(&foreign).await,
        Err(AppTokenError::WrongAudience)
    ));
}
