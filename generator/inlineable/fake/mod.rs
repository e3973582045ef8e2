//! A fake JTL for tests of code that uses this client: registration in both API generations,
//! the status endpoints, the foreign-app endpoints, both identity generations (the legacy token
//! endpoint, and the OIDC issuer with discovery, key set and app tokens: [`FakeJtl::issuer`])
//! the SCX token exchange and the App Shell's session-token keys, on a port of 127.0.0.1, with
//! state and faults scripted from the test.
//!
//! [`FakeJtl`] holds what is the server's: its start, address and base URLs, the fault switches
//! and the request record. What each of the vendor's APIs serves is scripted through a handle
//! named for it, borrowed from the fake and cheap to take again:
//! [`registration`](FakeJtl::registration) (registrations, the merchant's decision, the scope
//! catalog, API keys), [`erp`](FakeJtl::erp) (the ERP operations beyond registration: status,
//! Wawi users and sessions, licence, features, accounting data, foreign apps),
//! [`identity`](FakeJtl::identity) (OAuth clients, the OIDC issuer's keys and app tokens, user
//! logins), [`scx`](FakeJtl::scx) and [`session_tokens`](FakeJtl::session_tokens) (the App
//! Shell's session-token keys and JWKS).
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
//! fake.registration().approve(&pending.registration_id, &[])?;
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

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use jtl_erp_runtime::time::SharedTimeSource;

// One module per API the fake imitates, each with the handle that scripts it (registration: app
// registration of both ERP generations; erp: the ERP operations beyond it; identity: both
// identity generations; scx; session_tokens: the App Shell's JWKS), the HTTP side that routes to
// them (server), and below them all what every route reads and writes (request: the request,
// its generation and its credentials; encoding: bodies and answers). Siblings import only
// downwards: server → the APIs → request → encoding.
mod encoding;
mod erp;
mod identity;
mod registration;
mod request;
mod scx;
mod server;
mod session_tokens;

pub use erp::{
    ACCOUNTING_DATA_DEFAULT_PAGE_SIZE, ACCOUNTING_DATA_MAX_PAGE_SIZE, ErpApi, ForeignAppView,
    accounting_data_entry,
};
pub use identity::{AppTokenAlg, IdentityApi};
pub use registration::{RegistrationApi, RegistrationView};
pub use scx::ScxApi;
pub use session_tokens::SessionTokensApi;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Casing {
    Camel,
    Pascal,
}

/// The fake's state: what the server and every API share, and each API's own part.
#[derive(Debug, Default)]
struct State {
    next_id: u64,
    /// Wawi API keys the ERP accepts → their scopes (issued by registration).
    api_keys: BTreeMap<String, Vec<String>>,
    /// Bearer tokens the ERP accepts → when they expire (issued by identity and SCX).
    tokens: BTreeMap<String, Instant>,
    token_lifetime: Option<Duration>,
    faults: VecDeque<Fault>,
    delay: Duration,
    other_casing: bool,
    requests: Vec<RecordedRequest>,
    registration: registration::Registrations,
    erp: erp::Erp,
    identity: identity::Identity,
    scx: scx::Scx,
    session_tokens: session_tokens::SessionKeys,
    /// What token lifetimes are measured on and dates written with (the system clock unless
    /// [`FakeJtl::start_with_clock`] was given another).
    clock: SharedTimeSource,
}

impl State {
    fn next(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-{:04}", self.next_id)
    }

    /// How long a token issued now lives (one hour unless [`FakeJtl::set_token_lifetime`]).
    fn token_lifetime(&self) -> Duration {
        self.token_lifetime.unwrap_or(Duration::from_secs(3600))
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
///
/// It holds what is the server's (start, address, base URLs, faults, the request record); the
/// vendor's APIs are scripted through handles: [`registration`](Self::registration),
/// [`erp`](Self::erp), [`identity`](Self::identity), [`scx`](Self::scx),
/// [`session_tokens`](Self::session_tokens).
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
        let task = server::spawn(listener, state.clone());
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

    /// The legacy identity provider's token endpoint.
    pub fn token_url(&self) -> String {
        format!("http://{}/oauth2/token", self.addr)
    }

    /// The OIDC issuer (the fake's origin): discovery at `{issuer}/.well-known/openid-configuration`.
    pub fn issuer(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Base URL of the SCX Channel API (`/auth` below it).
    pub fn scx_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The JWKS of session tokens, as the Cloud serves it on the API host; it answers only to
    /// a Bearer token from [`FakeJtl::token_url`] (401 otherwise).
    pub fn jwks_url(&self) -> String {
        format!("http://{}{}", self.addr, session_tokens::JWKS_PATH)
    }

    /// App registration in both ERP generations: the registrations, the merchant's decision,
    /// the platform's scope catalog, API keys.
    pub fn registration(&self) -> RegistrationApi<'_> {
        RegistrationApi { fake: self }
    }

    /// The ERP operations beyond registration: status, Wawi users and sessions, the licence,
    /// features, accounting data, foreign apps.
    pub fn erp(&self) -> ErpApi<'_> {
        ErpApi { fake: self }
    }

    /// Both identity generations: OAuth clients, the OIDC issuer's keys, app tokens and user
    /// logins (public clients, PKCE, refresh tokens), discovery.
    pub fn identity(&self) -> IdentityApi<'_> {
        IdentityApi { fake: self }
    }

    /// The SCX Channel API's token exchange.
    pub fn scx(&self) -> ScxApi<'_> {
        ScxApi { fake: self }
    }

    /// The App Shell's session tokens: their signing keys and the JWKS at
    /// [`jwks_url`](Self::jwks_url).
    pub fn session_tokens(&self) -> SessionTokensApi<'_> {
        SessionTokensApi { fake: self }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// How long the tokens it issues live, at every token endpoint (default one hour).
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

    /// Every request received so far, credentials masked.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().requests.clone()
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}
