//! The example Cloud App backend (`tests/examples/session_backend.rs`, compiled here as a
//! module) over loopback HTTP against the fake JTL: valid, expired, tampered, foreign-key and
//! `alg: none` session tokens, and two tenants at once through one app token.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jtl_erp_client::fake::FakeJtl;
use jtl_erp_client::runtime::environment::CloudConfig;
use jtl_erp_client::runtime::reqwest;
use jtl_erp_client::runtime::session::SessionSigner;
use serde_json::{Value, json};

#[allow(dead_code)] // its `main` runs under `cargo run --example`, not here
#[path = "../examples/session_backend.rs"]
mod session_backend;

const TENANT_A: &str = "6f1c2b3a-1111-4222-8333-944455556666";
const TENANT_B: &str = "0b8e4d2c-2222-4333-8444-a55566667777";

struct Running {
    fake: FakeJtl,
    url: String,
    http: reqwest::Client,
}

async fn start() -> Running {
    let fake = FakeJtl::start().await.expect("fake");
    fake.add_client("app", "app-secret");
    let urls = [fake.cloud_url(), fake.token_url(), fake.jwks_url()];
    let config = CloudConfig::from_vars(|name| match name {
        "JTL_CLIENT_ID" => Some("app".into()),
        "JTL_CLIENT_SECRET" => Some("app-secret".into()),
        "JTL_API_URL" => Some(urls[0].clone()),
        "JTL_TOKEN_URL" => Some(urls[1].clone()),
        "JTL_JWKS_URL" => Some(urls[2].clone()),
        _ => None,
    })
    .expect("config");
    let backend = session_backend::Backend::new(config).expect("backend");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://{}/api/erp-status",
        listener.local_addr().expect("addr")
    );
    tokio::spawn(session_backend::serve(listener, backend));
    Running {
        fake,
        url,
        http: reqwest::Client::new(),
    }
}

impl Running {
    async fn call(&self, token: &str) -> (u16, Value) {
        let response = self
            .http
            .get(&self.url)
            .bearer_auth(token)
            .send()
            .await
            .expect("backend answers");
        let status = response.status().as_u16();
        let body = response.bytes().await.expect("body");
        (status, serde_json::from_slice(&body).expect("JSON answer"))
    }

    /// The tenants the fake ERP saw on `GET /v2/info`, in order.
    fn erp_tenants(&self) -> Vec<String> {
        self.fake
            .requests()
            .iter()
            .filter(|r| r.path == "/erp/v2/info")
            .map(|r| r.header("x-tenant-id").unwrap_or("<none>").to_owned())
            .collect()
    }
}

#[jtl_erp_tests::test]
async fn a_valid_session_token_reaches_the_erp_for_its_tenant() {
    let backend = start().await;
    let token = backend
        .fake
        .session_token(TENANT_A, Some("user-1"), Duration::from_secs(300));
    let (status, body) = backend.call(&token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"tenantId": TENANT_A, "userId": "user-1", "erpVersion": "1.10.12.0"})
    );
    assert_eq!(backend.erp_tenants(), [TENANT_A]);
    let info = backend
        .fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/erp/v2/info")
        .expect("ERP called");
    assert_eq!(info.header("authorization"), Some("Bearer ***"));
}

#[jtl_erp_tests::test]
async fn bad_session_tokens_are_refused_before_the_erp_is_called() {
    let backend = start().await;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("epoch")
        .as_secs();
    let fake = &backend.fake;
    let expired = fake.sign_session_claims(&json!({"tenantId": TENANT_A, "exp": now - 600}));
    let valid = fake.session_token(TENANT_A, None, Duration::from_secs(300));
    let parts: Vec<&str> = valid.split('.').collect();
    let claims_b =
        URL_SAFE_NO_PAD.encode(json!({"tenantId": TENANT_B, "exp": now + 300}).to_string());
    let tampered = format!("{}.{claims_b}.{}", parts[0], parts[2]);
    let foreign = SessionSigner::generate(fake.session_key_id())
        .expect("key")
        .session_token(TENANT_B, None, Duration::from_secs(300));
    let none = format!(
        "{}.{claims_b}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#)
    );
    for (token, error) in [
        (expired.as_str(), "session token expired"),
        (tampered.as_str(), "session token signature does not verify"),
        (foreign.as_str(), "session token signature does not verify"),
        (none.as_str(), "session token algorithm is not EdDSA"),
    ] {
        let (status, body) = backend.call(token).await;
        assert_eq!((status, body), (401, json!({"error": error})));
    }
    let missing = backend.http.get(&backend.url).send().await.expect("answer");
    assert_eq!(missing.status().as_u16(), 401);
    assert!(backend.erp_tenants().is_empty(), "the ERP was never called");
}

#[jtl_erp_tests::test]
async fn two_tenants_at_once_each_get_their_own_tenant_and_share_one_app_token() {
    let backend = std::sync::Arc::new(start().await);
    let mut calls = Vec::new();
    for i in 0..40 {
        let tenant = if i % 2 == 0 { TENANT_A } else { TENANT_B };
        let user = format!("user-{i}");
        let token = backend
            .fake
            .session_token(tenant, Some(&user), Duration::from_secs(300));
        let backend = backend.clone();
        calls.push(tokio::spawn(async move {
            let (status, body) = backend.call(&token).await;
            (tenant, user, status, body)
        }));
    }
    for call in calls {
        let (tenant, user, status, body) = call.await.expect("task");
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["tenantId"], tenant);
        assert_eq!(body["userId"], user.as_str());
    }
    let mut seen = backend.erp_tenants();
    seen.sort();
    let mut expected = [vec![TENANT_B; 20], vec![TENANT_A; 20]].concat();
    expected.sort();
    assert_eq!(seen, expected);
    let token_requests = backend
        .fake
        .requests()
        .iter()
        .filter(|r| r.path == "/oauth2/token")
        .count();
    assert_eq!(
        token_requests, 1,
        "one app token for the JWKS and both tenants"
    );
    assert_eq!(backend.fake.jwks_fetches(), 1);
}
