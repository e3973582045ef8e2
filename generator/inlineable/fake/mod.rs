//! A fake JTL for tests of code that uses this client: registration in both API generations,
//! the status endpoints, the foreign-app endpoints, both identity generations (the legacy token
//! endpoint, and the OIDC issuer with discovery, key set and app tokens: [`FakeJtl::issuer`])
//! and the SCX token exchange, on a port of 127.0.0.1, with state and faults scripted from the
//! test.
//!
//! Enabled by the `fake` feature. It is hand-written against the generated models, so the
//! bodies it reads and writes are the ones the client speaks: a change of the documents that
//! changes a model changes the fake with it (or stops it from compiling).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use jtl_erp_client::fake::FakeJtl;
//! use jtl_erp_client::{erp_v1, registration::RegistrationFlow, runtime::Context};
//!
//! let fake = FakeJtl::start().await?;
//! let client = erp_v1::Client::builder()
//!     .base_url(fake.onpremise_url())
//!     .context(Context::new().challenge_code("code"))
//!     .build()?;
//! let flow = RegistrationFlow::erp_v1(client);
//! let app = jtl_erp_client::models::AppRegistrationRequest::new().with_app_id("my/app");
//! let pending = flow.register(&app).await?;
//! fake.approve(&pending.registration_id, &[])?;
//! let accepted = flow.wait(&pending).await?;
//! # Ok(()) }
//! ```

// The operations the fake serves, with the models of the client: `cargo xtask regen` declares
// it only where the documents have them all (tests/generator/inlineable.rs compiles a crate of exactly these).
// needs: erp_v1::RegisterApp erp_v1::FetchRegistrationStatus erp_v1::RegisterMultiInstanceApp
// needs: erp_v1::GetStatus erp_v2::RegisterApp erp_v2::FetchRegistrationStatus
// needs: erp_v2::RegisterMultiInstanceApp erp_v2::RegisterForeignApp erp_v2::UpdateForeignApp
// needs: erp_v2::RemoveForeignApp erp_v2::UpdateForeignAppByRegistrationId
// needs: erp_v2::RemoveForeignAppByRegistrationId erp_v2::Login erp_v2::Logout
// needs: erp_v2::GetFeatures erp_v2::HeadStatus erp_v2::GetStatus erp_v2::QueryAccountingData
// needs: identity::RequestToken scx::RequestAccessToken

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::models::{AppRegistrationRequest, RegistrationStatus};
use jtl_erp_runtime::time::SharedTimeSource;

// One module per API the fake imitates (erp: what both ERP generations share, registration
// among it; erp2: what only 2.0 has; identity; scx; session), the HTTP side that routes to them
// (server), and below them all what every route reads and writes (request: the request and its
// credentials; encoding: bodies and answers). Siblings import only downwards: server → the APIs
// → erp2 → request, encoding.
mod encoding;
mod erp;
mod erp2;
mod identity;
mod request;
mod scx;
mod server;
mod session;

pub use erp2::{
    ACCOUNTING_DATA_DEFAULT_PAGE_SIZE, ACCOUNTING_DATA_MAX_PAGE_SIZE, accounting_data_entry,
};

use self::erp::{accept, pending_mut};
use self::server::serve;
use self::session::SessionKeys;

/// Where ERP requests may be sent: the Cloud prefix and the OnPremise prefix.
const ERP_PREFIXES: [&str; 2] = ["/erp", "/api/eazybusiness"];
const MAX_BODY: usize = 1024 * 1024;
/// The vendor takes challenge codes of up to 30 characters.
const MAX_CHALLENGE_CODE_CHARS: usize = 30;

/// A fault the fake injects into the next ERP requests (not into token requests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer 401 as if the credentials had expired.
    Unauthorized,
    /// Answer this status with an empty body.
    Status(u16),
    /// Answer this status (429 or 503) with `Retry-After: <seconds>`.
    RetryAfter {
        /// 429 or 503.
        status: u16,
        /// The value of `Retry-After`.
        seconds: u64,
    },
}

/// Why a scripted change could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FakeError {
    /// No registration has this id.
    #[error("no registration {0}")]
    UnknownRegistration(String),
    /// The registration was decided already.
    #[error("registration {0} was decided already")]
    AlreadyDecided(String),
    /// An optional scope to grant was not asked for.
    #[error("scope {0} was not asked for")]
    NotRequested(String),
}

/// A request the fake received, credentials masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers, names lowercase, credentials masked as `***`.
    pub headers: Vec<(String, String)>,
    /// The body as text, the SCX refresh token, login passwords and the token requests' codes,
    /// verifiers, refresh tokens and secrets masked.
    pub body: String,
}

impl RecordedRequest {
    /// The value of a header, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A registration as the merchant sees it in JTL-Wawi.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationView {
    /// The registration id.
    pub id: String,
    /// The app id it registers.
    pub app_id: String,
    /// Pending, Accepted or Rejected.
    pub status: RegistrationStatus,
    /// The generation it was made in (`1.0` or `2.0`).
    pub api_version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Casing {
    Camel,
    Pascal,
}

#[derive(Debug)]
struct Registration {
    app_id: String,
    challenge_code: String,
    api_version: String,
    app: AppRegistrationRequest,
    status: RegistrationStatus,
    granted: Vec<String>,
    key: Option<String>,
    key_handed_out: bool,
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    registrations: BTreeMap<String, Registration>,
    api_keys: BTreeMap<String, Vec<String>>,
    clients: BTreeMap<String, String>,
    tokens: BTreeMap<String, Instant>,
    refresh_tokens: Vec<String>,
    token_lifetime: Option<Duration>,
    faults: VecDeque<Fault>,
    delay: Duration,
    other_casing: bool,
    info_scope: Option<String>,
    scope_catalog: Option<BTreeSet<String>>,
    auto_approve: bool,
    requests: Vec<RecordedRequest>,
    session: SessionKeys,
    erp2: erp2::Erp2,
    issuer: identity::Issuer,
    /// What token lifetimes are measured on and dates written with (the system clock unless
    /// [`FakeJtl::start_with_clock`] was given another).
    clock: SharedTimeSource,
}

impl State {
    fn next(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-{:04}", self.next_id)
    }

    /// When a token issued now for `lifetime` expires.
    fn expiry(&self, lifetime: Duration) -> Instant {
        self.clock.now() + lifetime
    }

    /// Seconds since the Unix epoch on the fake's clock (`iat` of the tokens it signs).
    fn unix_now(&self) -> u64 {
        self.clock
            .wall_clock()
            .duration_since(std::time::SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs()
    }
}

/// The fake server. It stops when dropped.
#[derive(Debug)]
pub struct FakeJtl {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeJtl {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeJtl {
    /// Starts on a free port of 127.0.0.1.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts on a free port of 127.0.0.1 with token lifetimes on `clock`: the clock a test
    /// gives its clients too (a `ManualTimeSource`), so that advancing it expires the fake's
    /// tokens and the clients' caches together, without waiting.
    pub async fn start_with_clock(clock: impl Into<SharedTimeSource>) -> std::io::Result<Self> {
        Self::serve_on(SocketAddr::from(([127, 0, 0, 1], 0)), clock.into()).await
    }

    /// Starts on `addr` (port 0 picks a free one).
    pub async fn start_on(addr: SocketAddr) -> std::io::Result<Self> {
        Self::serve_on(addr, SharedTimeSource::default()).await
    }

    async fn serve_on(addr: SocketAddr, clock: SharedTimeSource) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State {
            clock,
            ..State::default()
        }));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let state = shared.clone();
                tokio::spawn(async move {
                    let service =
                        hyper::service::service_fn(move |request| serve(state.clone(), request));
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await;
                });
            }
        });
        Ok(Self { addr, state, task })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL of the ERP API as an OnPremise REST server serves it.
    pub fn onpremise_url(&self) -> String {
        format!("http://{}/api/eazybusiness", self.addr)
    }

    /// Base URL of the ERP API as the Cloud serves it.
    pub fn cloud_url(&self) -> String {
        format!("http://{}/erp", self.addr)
    }

    /// The identity provider's token endpoint.
    pub fn token_url(&self) -> String {
        format!("http://{}/oauth2/token", self.addr)
    }

    /// Base URL of the SCX Channel API (`/auth` below it).
    pub fn scx_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Accepts these client credentials at the token endpoint.
    pub fn add_client(&self, client_id: &str, client_secret: &str) {
        self.state()
            .clients
            .insert(client_id.to_owned(), client_secret.to_owned());
    }

    /// Accepts this SCX refresh token.
    pub fn add_refresh_token(&self, refresh_token: &str) {
        self.state().refresh_tokens.push(refresh_token.to_owned());
    }

    /// Issues an API key with these scopes directly (as if a registration had been accepted).
    pub fn issue_api_key(&self, scopes: &[&str]) -> String {
        let mut state = self.state();
        let key = state.next("key");
        state.api_keys.insert(
            key.clone(),
            scopes.iter().map(|s| (*s).to_owned()).collect(),
        );
        key
    }

    /// The registrations, oldest first.
    pub fn registrations(&self) -> Vec<RegistrationView> {
        let state = self.state();
        state
            .registrations
            .iter()
            .map(|(id, r)| RegistrationView {
                id: id.clone(),
                app_id: r.app_id.clone(),
                status: r.status,
                api_version: r.api_version.clone(),
            })
            .collect()
    }

    /// Accepts a registration as the merchant would: every mandatory scope and the listed
    /// optional ones are granted, and an API key is issued (handed out on the next fetch, once).
    pub fn approve(
        &self,
        registration_id: &str,
        optional_granted: &[&str],
    ) -> Result<(), FakeError> {
        let mut state = self.state();
        let optional = pending_mut(&mut state, registration_id)?
            .app
            .optional_api_scopes
            .clone()
            .unwrap_or_default();
        if let Some(extra) = optional_granted
            .iter()
            .find(|s| !optional.iter().any(|o| o == *s))
        {
            return Err(FakeError::NotRequested((*extra).to_owned()));
        }
        accept(
            &mut state,
            registration_id,
            optional_granted.iter().map(|s| (*s).to_owned()).collect(),
        )
    }

    /// Rejects a registration.
    pub fn reject(&self, registration_id: &str) -> Result<(), FakeError> {
        let mut state = self.state();
        pending_mut(&mut state, registration_id)?.status = RegistrationStatus::Rejected;
        Ok(())
    }

    /// Accepts every registration with all the scopes it asks for when it is first polled.
    pub fn auto_approve(&self, on: bool) {
        self.state().auto_approve = on;
    }

    /// How long issued access tokens live (default one hour).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.state().token_lifetime = Some(lifetime);
    }

    /// Injects `fault` into the next `count` ERP requests.
    pub fn fail_next(&self, count: usize, fault: Fault) {
        self.state()
            .faults
            .extend(std::iter::repeat_n(fault, count));
    }

    /// Delays every answer.
    pub fn set_delay(&self, delay: Duration) {
        self.state().delay = delay;
    }

    /// Answers ERP requests in the other casing than the endpoint declares.
    pub fn answer_in_other_casing(&self, on: bool) {
        self.state().other_casing = on;
    }

    /// The scope names the platform knows: registrations asking for any other one are refused
    /// with 400 and the vendor's error body naming each. `None` (the default) knows every name.
    /// Names compare exactly, as the platform's do.
    pub fn set_scope_catalog(&self, catalog: Option<&[&str]>) {
        self.state().scope_catalog =
            catalog.map(|names| names.iter().map(|s| (*s).to_owned()).collect());
    }

    /// Requires this scope of API keys on the status endpoints (403 without it).
    pub fn require_scope_for_info(&self, scope: Option<&str>) {
        self.state().info_scope = scope.map(str::to_owned);
    }

    /// Every request received so far, credentials masked.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().requests.clone()
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}
