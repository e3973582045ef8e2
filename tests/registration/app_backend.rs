//! The example backend of the current identity platform (`tests/examples/app_backend.rs`,
//! compiled here as a module) over loopback HTTP against the fake JTL's issuer and ERP: valid
//! app tokens (RS256, EdDSA), expired, foreign-app, other-issuer, tampered, `alg: none` and
//! HS256-confusion tokens refused before the ERP is called, a tenant named by the caller
//! ignored, and two tenants at once through one app token.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jtl_erp_client::fake::{AppTokenAlg, FakeJtl};
use jtl_erp_client::runtime::environment::CloudConfig;
use jtl_erp_client::runtime::reqwest;
use serde_json::{Value, json};

#[allow(dead_code)] // its `main` runs under `cargo run --example`, not here
#[path = "../examples/app_backend.rs"]
mod example;

const APP: &str = "app-4711";
const TENANT_A: &str = "6f1c2b3a-1111-4222-8333-944455556666";
const TENANT_B: &str = "0b8e4d2c-2222-4333-8444-a55566667777";

struct Running {
    fake: FakeJtl,
    url: String,
    http: reqwest::Client,
}

async fn start() -> Running {
    let fake = FakeJtl::start().await.expect("fake");
    fake.identity().add_client("app", "app-secret");
    let urls = [fake.cloud_url(), fake.issuer()];
    let config = CloudConfig::from_vars(|name| match name {
        "JTL_CLIENT_ID" => Some("app".into()),
        "JTL_CLIENT_SECRET" => Some("app-secret".into()),
        "JTL_API_URL" => Some(urls[0].clone()),
        "JTL_ISSUER" => Some(urls[1].clone()),
        _ => None,
    })
    .expect("config");
    let backend = example::Backend::new(config, APP).expect("backend");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://{}/api/erp-status",
        listener.local_addr().expect("addr")
    );
    tokio::spawn(example::serve(listener, backend));
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
            .get(format!("{}?tenantId={TENANT_B}", self.url))
            .bearer_auth(token)
            // A tenant the caller names: never the one the ERP sees.
            .header("x-tenant-id", TENANT_B)
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

    fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("epoch")
            .as_secs()
    }

    fn claims(&self, extra: Value) -> Value {
        let now = self.now();
        let mut claims = json!({
            "iss": self.fake.issuer(), "aud": [APP], "urn:jtl:app_id": APP,
            "urn:jtl:tenant_id": TENANT_A, "sub": "user-1", "iat": now, "exp": now + 300,
        });
        for (name, value) in extra.as_object().expect("object") {
            claims[name] = value.clone();
        }
        claims
    }
}

#[jtl_erp_tests::test]
async fn a_valid_app_token_reaches_the_erp_for_the_tenant_inside_it() {
    let backend = start().await;
    let lifetime = Duration::from_secs(300);
    let rs = backend.fake.identity().app_token(
        AppTokenAlg::Rs256,
        APP,
        TENANT_A,
        Some("user-1"),
        lifetime,
    );
    let ed = backend.fake.identity().app_token(
        AppTokenAlg::EdDsa,
        APP,
        TENANT_A,
        Some("user-2"),
        lifetime,
    );
    let (status, body) = backend.call(&rs).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"tenantId": TENANT_A, "userId": "user-1", "erpVersion": "1.10.12.0"})
    );
    let (status, body) = backend.call(&ed).await;
    assert_eq!((status, &body["userId"]), (200, &json!("user-2")), "{body}");
    assert_eq!(
        backend.erp_tenants(),
        [TENANT_A, TENANT_A],
        "never the caller's"
    );
    let info = backend
        .fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/erp/v2/info")
        .expect("ERP called");
    assert_eq!(info.header("authorization"), Some("Bearer ***"));
    let token_requests: Vec<_> = backend
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/oauth/v2/token")
        .collect();
    assert_eq!(
        token_requests.len(),
        1,
        "the app's own token, from the issuer"
    );
    assert_eq!(
        token_requests[0].body,
        "grant_type=client_credentials&scope=openid"
    );
}

#[jtl_erp_tests::test]
async fn bad_app_tokens_are_refused_before_the_erp_is_called() {
    let backend = start().await;
    let fake = &backend.fake;
    let now = backend.now();
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());

    let expired = fake
        .identity()
        .sign_claims(&backend.claims(json!({"iat": now - 900, "exp": now - 600})));
    let foreign_app = fake.identity().app_token(
        AppTokenAlg::Rs256,
        "other-app",
        TENANT_A,
        None,
        Duration::from_secs(300),
    );
    let other_issuer = fake
        .identity()
        .sign_claims(&backend.claims(json!({"iss": "https://id.jtl-cloud.com"})));
    let valid = fake.identity().app_token(
        AppTokenAlg::Rs256,
        APP,
        TENANT_A,
        None,
        Duration::from_secs(300),
    );
    let parts: Vec<&str> = valid.split('.').collect();
    let claims_b = b64(&backend.claims(json!({"urn:jtl:tenant_id": TENANT_B})));
    let tampered = format!("{}.{claims_b}.{}", parts[0], parts[2]);
    let none = format!("{}.{claims_b}.", b64(&json!({"alg": "none", "typ": "JWT"})));
    // HS256 keyed with the issuer's published RSA key, under its kid.
    let jwks = fake.identity().jwks();
    let rsa = &jwks["keys"][0];
    let input = format!(
        "{}.{claims_b}",
        b64(&json!({"alg": "HS256", "typ": "JWT", "kid": rsa["kid"]}))
    );
    let confusion: Vec<String> = [
        rsa.to_string().into_bytes(),
        URL_SAFE_NO_PAD
            .decode(rsa["n"].as_str().expect("n"))
            .expect("n"),
    ]
    .iter()
    .map(|secret| {
        let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
        let tag = aws_lc_rs::hmac::sign(&key, input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    })
    .collect();

    let mut cases = vec![
        (expired, "app token expired"),
        (foreign_app, "app token not meant for this app (aud)"),
        (other_issuer, "app token issued by another issuer"),
        (tampered, "app token signature does not verify"),
        (
            none,
            "app token algorithm is not accepted for the issuer's key",
        ),
    ];
    for token in confusion {
        cases.push((
            token,
            "app token algorithm is not accepted for the issuer's key",
        ));
    }
    for (token, error) in &cases {
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
        let token = backend.fake.identity().app_token(
            AppTokenAlg::Rs256,
            APP,
            tenant,
            Some(&user),
            Duration::from_secs(300),
        );
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
        .filter(|r| r.path == "/oauth/v2/token")
        .count();
    assert_eq!(token_requests, 1, "one app token for both tenants");
    assert_eq!(backend.fake.identity().jwks_fetches(), 1);
    assert_eq!(
        backend.fake.identity().discovery_fetches(),
        2,
        "one for the grant, one for the keys"
    );
}

#[jtl_erp_tests::test]
async fn replicas_of_the_backend_share_one_token_through_redis() {
    use jtl_erp_client::runtime::fleet::RedisFleet;
    use jtl_erp_tests::redis_server::RedisServer;

    let Some(redis) =
        RedisServer::start_or_skip("replicas_of_the_backend_share_one_token_through_redis")
    else {
        return;
    };
    let fake = FakeJtl::start().await.expect("fake");
    fake.identity().add_client("app", "app-secret");
    let urls = [fake.cloud_url(), fake.issuer()];
    let http = reqwest::Client::new();
    let token = fake.identity().app_token(
        AppTokenAlg::Rs256,
        APP,
        TENANT_A,
        Some("user-1"),
        Duration::from_secs(300),
    );
    // Three replicas, as `REDIS_URL` sets them up in the example's `main`.
    let mut replicas = Vec::new();
    for _ in 0..3 {
        let config = CloudConfig::from_vars(|name| match name {
            "JTL_CLIENT_ID" => Some("app".into()),
            "JTL_CLIENT_SECRET" => Some("app-secret".into()),
            "JTL_API_URL" => Some(urls[0].clone()),
            "JTL_ISSUER" => Some(urls[1].clone()),
            _ => None,
        })
        .expect("config");
        let fleet = RedisFleet::builder(redis.url(), format!("jtl:{APP}:prod"))
            .build()
            .expect("fleet");
        let backend = example::Backend::in_fleet(config, APP, Some(&fleet)).expect("backend");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        replicas.push(format!(
            "http://{}/api/erp-status",
            listener.local_addr().expect("addr")
        ));
        tokio::spawn(example::serve(listener, backend));
    }
    for url in &replicas {
        let response = http
            .get(url)
            .bearer_auth(&token)
            .send()
            .await
            .expect("replica answers");
        assert_eq!(response.status().as_u16(), 200, "{url}");
    }
    let token_requests = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/oauth/v2/token")
        .count();
    assert_eq!(token_requests, 1, "one token for three replicas");
    let stored = redis
        .command(&["EXISTS", &format!("jtl:{APP}:prod:token:cloud")])
        .expect("EXISTS");
    assert_eq!(stored, "1");
}
