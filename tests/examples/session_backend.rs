//! A Cloud App backend: takes the App Shell's session token, verifies it against JTL's JWKS,
//! calls the ERP (`GET /v2/info`) for the token's tenant and answers with both.
//!
//! `cargo run -p jtl-erp-tests --example session_backend` runs against the fake JTL and prints
//! a session token and the `curl` line to try. With `JTL_CLIENT_ID` and `JTL_CLIENT_SECRET` set
//! (and `JTL_ENVIRONMENT`, `JTL_*_URL` as documented in `runtime::environment`) it serves the
//! real environment. hyper, not axum: one route does not need a router, and hyper is in the
//! tree already (reqwest, the fake), so the example adds no crate.

use std::sync::Arc;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::auth::AuthProvider;
use jtl_erp_client::runtime::environment::CloudConfig;
use jtl_erp_client::runtime::session_token::SessionTokenVerifier;
use jtl_erp_client::runtime::{BuildError, ClientBuilder, uuid::Uuid};
use serde_json::json;

/// What the backend shares between requests: one app token, one key cache, one ERP client.
pub struct Backend {
    verifier: SessionTokenVerifier,
    // One client for every merchant; each request takes a handle for its tenant.
    erp: erp_v2::Client,
}

impl Backend {
    pub fn new(config: CloudConfig) -> Result<Arc<Self>, BuildError> {
        Self::with_erp_client(config, |builder| builder)
    }

    /// [`Backend::new`] with the ERP client's builder adjusted before it is built (hooks,
    /// timeouts, a proxy).
    pub fn with_erp_client(
        config: CloudConfig,
        adjust: impl FnOnce(ClientBuilder<erp_v2::Client>) -> ClientBuilder<erp_v2::Client>,
    ) -> Result<Arc<Self>, BuildError> {
        let auth: Arc<dyn AuthProvider> = Arc::new(config.client_credentials().build()?);
        let verifier = config.session_token_verifier(auth.clone()).build()?;
        let erp = adjust(config.configure(erp_v2::Client::builder(), auth)).build()?;
        Ok(Arc::new(Self { verifier, erp }))
    }

    /// `GET /api/erp-status` with `Authorization: Bearer <session token>`.
    pub async fn handle(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        if request.uri().path() != "/api/erp-status" {
            return answer(StatusCode::NOT_FOUND, json!({"error": "no such endpoint"}));
        }
        let token = request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let Some(token) = token else {
            return answer(
                StatusCode::UNAUTHORIZED,
                json!({"error": "no session token"}),
            );
        };
        // The error's message names the reason, never the token or a claim.
        let claims = match self.verifier.verify(token).await {
            Ok(claims) => claims,
            Err(e) => return answer(StatusCode::UNAUTHORIZED, json!({"error": e.to_string()})),
        };
        let Ok(tenant) = claims.tenant_id.parse::<Uuid>() else {
            return answer(
                StatusCode::BAD_REQUEST,
                json!({"error": "tenantId is not a UUID"}),
            );
        };
        // A handle for this tenant: the same connections and app token as every other tenant's.
        match self.erp.for_tenant(tenant).get_status().await {
            Ok(status) => answer(
                StatusCode::OK,
                json!({"tenantId": tenant, "userId": claims.user_id, "erpVersion": status.version}),
            ),
            Err(e) => answer(StatusCode::BAD_GATEWAY, json!({"error": e.to_string()})),
        }
    }
}

fn answer(status: StatusCode, body: serde_json::Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert("content-type", "application/json".parse().expect("ASCII"));
    response
}

/// Serves `backend` on `listener` until the task is dropped.
pub async fn serve(listener: tokio::net::TcpListener, backend: Arc<Backend>) {
    while let Ok((stream, _)) = listener.accept().await {
        let backend = backend.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let backend = backend.clone();
                async move { Ok::<_, std::convert::Infallible>(backend.handle(request).await) }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .await;
        });
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (fake, config) = match CloudConfig::from_env() {
        Ok(config) => (None, config),
        Err(_) => {
            let fake = jtl_erp_client::fake::FakeJtl::start().await?;
            fake.identity()
                .add_client("example-client", "example-secret");
            let urls = [fake.cloud_url(), fake.token_url(), fake.jwks_url()];
            let config = CloudConfig::from_vars(|name| match name {
                "JTL_CLIENT_ID" => Some("example-client".into()),
                "JTL_CLIENT_SECRET" => Some("example-secret".into()),
                "JTL_API_URL" => Some(urls[0].clone()),
                "JTL_TOKEN_URL" => Some(urls[1].clone()),
                "JTL_JWKS_URL" => Some(urls[2].clone()),
                _ => None,
            })?;
            (Some(fake), config)
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/api/erp-status", listener.local_addr()?);
    if let Some(fake) = &fake {
        let tenant = "6f1c2b3a-1111-4222-8333-944455556666";
        let token = fake.session_tokens().issue(
            tenant,
            Some("user-1"),
            std::time::Duration::from_secs(3600),
        );
        println!("curl -H 'Authorization: Bearer {token}' {url}");
    }
    println!("listening on {url}");
    serve(listener, Backend::new(config)?).await;
    Ok(())
}
