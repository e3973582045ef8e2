//! A Cloud App backend of the current identity platform: takes the App Shell's *app token*
//! (`Authorization: Bearer`), verifies it against the OIDC issuer's published keys (issuer,
//! audience = this app, `urn:jtl:app_id`, expiry), calls the ERP (`GET /v2/info`) for the tenant
//! inside the token with the app's own client-credentials token, and answers with both.
//!
//! The tenant comes from the verified token only: a tenant the caller names (an `X-Tenant-ID`
//! header, a query parameter) is ignored, because the App Shell binds the tenant into the token
//! and nothing else the browser sends can be trusted with it.
//!
//! `cargo run -p jtl-erp-tests --example app_backend` runs against the fake JTL and prints an
//! app token and the `curl` line to try. With `JTL_CLIENT_ID`, `JTL_CLIENT_SECRET` and
//! `JTL_APP_ID` set (and `JTL_ENVIRONMENT`, `JTL_*_URL`, `JTL_ISSUER` as documented in
//! `runtime::environment`) it serves the real environment.
//!
//! Several replicas behind a load balancer: with `REDIS_URL` set (e.g.
//! `redis://:password@10.0.0.5:6379/`), every replica shares one token and one rate-limit budget
//! through that Redis, under the key prefix `jtl:<app id>:<JTL_ENVIRONMENT or production>`. The stored
//! token is a bearer credential: whoever can read that prefix can call the ERP as the app.

use std::sync::Arc;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::BuildError;
use jtl_erp_client::runtime::app_token::AppTokenVerifier;
use jtl_erp_client::runtime::auth::AuthProvider;
use jtl_erp_client::runtime::environment::CloudConfig;
use jtl_erp_client::runtime::fleet::RedisFleet;
use jtl_erp_client::runtime::uuid::Uuid;
use serde_json::json;

/// What the backend shares between requests: one app token, one key cache, one ERP client.
pub struct Backend {
    verifier: AppTokenVerifier,
    // One client for every merchant; each request takes a handle for its tenant.
    erp: erp_v2::Client,
}

impl Backend {
    /// A backend for the app `app_id` in the environment of `config`.
    pub fn new(config: CloudConfig, app_id: &str) -> Result<Arc<Self>, BuildError> {
        Self::in_fleet(config, app_id, None)
    }

    /// The same, one replica of a fleet that shares its token and rate-limit budget through
    /// `fleet` (Redis).
    pub fn in_fleet(
        config: CloudConfig,
        app_id: &str,
        fleet: Option<&RedisFleet>,
    ) -> Result<Arc<Self>, BuildError> {
        let mut grant = config.oidc_client_credentials();
        if let Some(fleet) = fleet {
            grant = grant.fleet_cache(fleet.token_store("cloud"));
        }
        let auth: Arc<dyn AuthProvider> = Arc::new(grant.build()?);
        let verifier = config.app_token_verifier(app_id).build()?;
        let mut erp = config.configure(erp_v2::Client::builder(), auth);
        if let Some(fleet) = fleet {
            erp = erp.fleet_rate_limit(fleet.budget());
        }
        let erp = erp.build()?;
        Ok(Arc::new(Self { verifier, erp }))
    }

    /// `GET /api/erp-status` with `Authorization: Bearer <app token>`.
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
            return answer(StatusCode::UNAUTHORIZED, json!({"error": "no app token"}));
        };
        // The error's message names the reason, never the token, a claim or a key id.
        let claims = match self.verifier.verify(token).await {
            Ok(claims) => claims,
            Err(e) => return answer(StatusCode::UNAUTHORIZED, json!({"error": e.to_string()})),
        };
        let Ok(tenant) = claims.tenant_id.parse::<Uuid>() else {
            return answer(
                StatusCode::BAD_REQUEST,
                json!({"error": "the token's tenant is not a UUID"}),
            );
        };
        // The token's tenant, whatever the request names.
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
    let app_id = std::env::var("JTL_APP_ID").unwrap_or_else(|_| "example-app".to_owned());
    let (fake, config) = match CloudConfig::from_env() {
        Ok(config) => (None, config),
        Err(_) => {
            let fake = jtl_erp_client::fake::FakeJtl::start().await?;
            fake.identity()
                .add_client("example-client", "example-secret");
            let urls = [fake.cloud_url(), fake.issuer()];
            let config = CloudConfig::from_vars(|name| match name {
                "JTL_CLIENT_ID" => Some("example-client".into()),
                "JTL_CLIENT_SECRET" => Some("example-secret".into()),
                "JTL_API_URL" => Some(urls[0].clone()),
                "JTL_ISSUER" => Some(urls[1].clone()),
                _ => None,
            })?;
            (Some(fake), config)
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/api/erp-status", listener.local_addr()?);
    if let Some(fake) = &fake {
        let tenant = "6f1c2b3a-1111-4222-8333-944455556666";
        let lifetime = std::time::Duration::from_secs(3600);
        let token = fake.identity().app_token(
            jtl_erp_client::fake::AppTokenAlg::Rs256,
            &app_id,
            tenant,
            Some("user-1"),
            lifetime,
        );
        println!("curl -H 'Authorization: Bearer {token}' {url}");
    }
    // One replica of many: share the token and the rate-limit budget through Redis.
    let fleet = match std::env::var("REDIS_URL") {
        Ok(redis) => {
            let environment =
                std::env::var("JTL_ENVIRONMENT").unwrap_or_else(|_| "production".to_owned());
            let prefix = format!("jtl:{app_id}:{environment}");
            println!("sharing the token and the rate-limit budget under `{prefix}`");
            Some(RedisFleet::builder(redis, prefix).build()?)
        }
        Err(_) => None,
    };
    println!("listening on {url}");
    serve(
        listener,
        Backend::in_fleet(config, &app_id, fleet.as_ref())?,
    )
    .await;
    Ok(())
}
