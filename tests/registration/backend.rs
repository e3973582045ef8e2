//! The example Cloud App backend (`tests/examples/session_backend.rs`, compiled here as a
//! module) over loopback HTTP against the fake JTL: valid, expired, tampered, foreign-key and
//! `alg: none` session tokens, and two tenants at once through one app token, each caller paired
//! with its answer and its ERP request.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jtl_erp_client::fake::{FakeJtl, RecordedRequest};
use jtl_erp_client::runtime::environment::CloudConfig;
use jtl_erp_client::runtime::reqwest::{self};
use jtl_erp_client::runtime::session_token::SessionTokenSigner;
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

use jtl_erp_tests::call_marker::{CALL, MarkCall};

async fn start() -> Running {
    start_with(false).await
}

/// The backend on a port of its own; `marked`: its ERP client has [`MarkCall`], and each
/// request is handled inside the caller's number, taken from the request's `x-test-call`.
async fn start_with(marked: bool) -> Running {
    let fake = FakeJtl::start().await.expect("fake");
    fake.identity().add_client("app", "app-secret");
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://{}/api/erp-status",
        listener.local_addr().expect("addr")
    );
    if marked {
        let backend = session_backend::Backend::with_erp_client(config, |erp| erp.hook(MarkCall))
            .expect("backend");
        tokio::spawn(serve_marked(listener, backend));
    } else {
        let backend = session_backend::Backend::new(config).expect("backend");
        tokio::spawn(session_backend::serve(listener, backend));
    }
    Running {
        fake,
        url,
        http: reqwest::Client::new(),
    }
}

/// `session_backend::serve`, with each request handled inside the number its caller sent.
async fn serve_marked(listener: tokio::net::TcpListener, backend: Arc<session_backend::Backend>) {
    while let Ok((stream, _)) = listener.accept().await {
        let backend = backend.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
                let backend = backend.clone();
                let call: usize = request
                    .headers()
                    .get("x-test-call")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok())
                    .expect("every caller sends its number");
                async move {
                    Ok::<_, std::convert::Infallible>(
                        CALL.scope(call, backend.handle(request)).await,
                    )
                }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .await;
        });
    }
}

impl Running {
    async fn call(&self, token: &str) -> (u16, Value) {
        self.send(self.http.get(&self.url).bearer_auth(token)).await
    }

    /// The call of caller number `call`, which says its number in `x-test-call`.
    async fn marked_call(&self, call: usize, token: &str) -> (u16, Value) {
        self.send(
            self.http
                .get(&self.url)
                .bearer_auth(token)
                .header("x-test-call", call),
        )
        .await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.send().await.expect("backend answers");
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
    let token =
        backend
            .fake
            .session_tokens()
            .issue(TENANT_A, Some("user-1"), Duration::from_secs(300));
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
    let expired = fake
        .session_tokens()
        .sign_claims(&json!({"tenantId": TENANT_A, "exp": now - 600}));
    let valid = fake
        .session_tokens()
        .issue(TENANT_A, None, Duration::from_secs(300));
    let parts: Vec<&str> = valid.split('.').collect();
    let claims_b =
        URL_SAFE_NO_PAD.encode(json!({"tenantId": TENANT_B, "exp": now + 300}).to_string());
    let tampered = format!("{}.{claims_b}.{}", parts[0], parts[2]);
    let foreign = SessionTokenSigner::generate(fake.session_tokens().key_id())
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

/// Forty callers at once, alternating two tenants, each with a user of its own. Each caller is
/// paired with its answer (its own tenant and user) and, by its number carried through the
/// backend on a channel of the test's own, with the one ERP request made for it, which must
/// carry its tenant: two callers whose ERP requests swapped tenants fail here. Two worker
/// threads, so that the backend's handlers really overlap (on one thread they barely do).
#[jtl_erp_tests::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tenants_at_once_each_get_their_own_tenant_and_share_one_app_token() {
    let backend = Arc::new(start_with(true).await);
    let callers: Vec<(&str, String)> = (0..40)
        .map(|i| {
            let tenant = if i % 2 == 0 { TENANT_A } else { TENANT_B };
            (tenant, format!("user-{i}"))
        })
        .collect();
    let mut calls = Vec::new();
    for (number, (tenant, user)) in callers.iter().enumerate() {
        let token =
            backend
                .fake
                .session_tokens()
                .issue(tenant, Some(user), Duration::from_secs(300));
        let backend = backend.clone();
        calls.push(tokio::spawn(async move {
            backend.marked_call(number, &token).await
        }));
    }
    for (number, call) in calls.into_iter().enumerate() {
        let (status, body) = call.await.expect("task");
        let (tenant, user) = &callers[number];
        assert_eq!(status, 200, "caller {number}: {body}");
        assert_eq!(body["tenantId"], *tenant, "caller {number}'s answer");
        assert_eq!(body["userId"], user.as_str(), "caller {number}'s answer");
    }

    let mut erp_requests: BTreeMap<usize, String> = BTreeMap::new();
    for request in backend
        .fake
        .requests()
        .iter()
        .filter(|r| r.path == "/erp/v2/info")
    {
        let marker: Vec<&str> = values(request, "x-test-call");
        let [marker] = marker[..] else {
            panic!("an ERP request without exactly one caller number: {request:?}");
        };
        let number: usize = marker.parse().expect("a caller number");
        let tenant = callers.get(number).expect("a caller of that number").0;
        assert_eq!(
            values(request, "x-tenant-id"),
            [tenant],
            "the ERP request for caller {number} carries another tenant"
        );
        assert!(
            erp_requests.insert(number, tenant.to_owned()).is_none(),
            "two ERP requests for caller {number}"
        );
    }
    assert_eq!(
        erp_requests.into_keys().collect::<Vec<_>>(),
        (0..callers.len()).collect::<Vec<_>>(),
        "one ERP request for every caller"
    );
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
    assert_eq!(backend.fake.session_tokens().jwks_fetches(), 1);
}

/// Every value of header `name` in `request`.
fn values<'a>(request: &'a RecordedRequest, name: &str) -> Vec<&'a str> {
    request
        .headers
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}
