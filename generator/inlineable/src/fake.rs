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
//! let app = jtl_erp_client::models::AppRegistrationRequest { app_id: Some("my/app".into()), ..Default::default() };
//! let pending = flow.register(&app).await?;
//! fake.approve(&pending.registration_id, &[])?;
//! let accepted = flow.wait(&pending).await?;
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use jtl_erp_runtime::serde::Serialize;
use jtl_erp_runtime::serde_json;
use jtl_erp_runtime::wire::{Camel, Pascal, Wire, WireSerialize};

mod erp2;

pub use erp2::{
    ACCOUNTING_DATA_DEFAULT_PAGE_SIZE, ACCOUNTING_DATA_MAX_PAGE_SIZE, accounting_data_entry,
};

use crate::models::{
    AppRegistrationRequest, AppToken, AuthToken, ErrorResponse, OAuthError,
    RegistrationInformation, RegistrationRequestStatusInfo, RegistrationStatus, RegistrationType,
    Status, TokenResponse,
};

mod identity;

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
}

impl State {
    fn next(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-{:04}", self.next_id)
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

    /// Starts on `addr` (port 0 picks a free one).
    pub async fn start_on(addr: SocketAddr) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State::default()));
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

/// The merchant's "accept": mandatory scopes plus `optional`, and a key handed out once.
fn accept(state: &mut State, id: &str, optional: Vec<String>) -> Result<(), FakeError> {
    let key = state.next("key");
    let registration = pending_mut(state, id)?;
    let mut granted = registration
        .app
        .mandatory_api_scopes
        .clone()
        .unwrap_or_default();
    granted.extend(optional);
    registration.status = RegistrationStatus::Accepted;
    registration.granted = granted.clone();
    registration.key = Some(key.clone());
    state.api_keys.insert(key, granted);
    Ok(())
}

/// Accepts with every optional scope granted.
fn accept_everything(state: &mut State, id: &str) -> Result<(), FakeError> {
    let optional = pending_mut(state, id)?
        .app
        .optional_api_scopes
        .clone()
        .unwrap_or_default();
    accept(state, id, optional)
}

fn pending_mut<'a>(state: &'a mut State, id: &str) -> Result<&'a mut Registration, FakeError> {
    let registration = state
        .registrations
        .get_mut(id)
        .ok_or_else(|| FakeError::UnknownRegistration(id.to_owned()))?;
    if registration.status != RegistrationStatus::Pending {
        return Err(FakeError::AlreadyDecided(id.to_owned()));
    }
    Ok(registration)
}

/// A request as the routes see it.
struct Incoming2 {
    method: Method,
    path: String,
    headers: hyper::HeaderMap,
    body: Bytes,
}

impl Incoming2 {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn serve(
    state: Arc<Mutex<State>>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(plain(StatusCode::PAYLOAD_TOO_LARGE, "")),
    };
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    let request = Incoming2 {
        method: parts.method,
        path,
        headers: parts.headers,
        body,
    };
    let delay = {
        let mut state = lock(&state);
        state.requests.push(record(&request));
        state.delay
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut state = lock(&state);
    Ok(route(&mut state, &request))
}

fn record(request: &Incoming2) -> RecordedRequest {
    let headers = request
        .headers
        .iter()
        .map(|(name, value)| {
            let value = value.to_str().unwrap_or("<binary>");
            let masked = match name.as_str() {
                "authorization" => format!("{} ***", value.split(' ').next().unwrap_or_default()),
                "x-api-key" | "x-sessionid" => "***".to_owned(),
                _ => value.to_owned(),
            };
            (name.as_str().to_owned(), masked)
        })
        .collect();
    let mut body = String::from_utf8_lossy(&request.body).into_owned();
    if let Some(token) = multipart_field(&request.body, "refreshToken") {
        body = body.replace(&token, "***");
    }
    if let Some(masked) = erp2::mask_password(&request.body) {
        body = masked;
    }
    if let Some(masked) = identity::mask_form(request) {
        body = masked;
    }
    RecordedRequest {
        method: request.method.to_string(),
        path: request.path.clone(),
        headers,
        body,
    }
}

fn route(state: &mut State, request: &Incoming2) -> Response<Full<Bytes>> {
    let path = request.path.split('?').next().unwrap_or_default();
    match (&request.method, path) {
        (&Method::POST, "/oauth2/token") => token(state, request),
        (&Method::POST, "/v1/auth") => scx_token(state, request),
        (&Method::GET, JWKS_PATH) => jwks(state, request),
        (_, p) if identity::serves(p) => {
            let origin = format!("http://{}", request.header("host").unwrap_or_default());
            identity::route(state, request, p, &origin)
        }
        (&Method::POST, p) if p.starts_with("/_fake/") => admin(state, p),
        _ => match ERP_PREFIXES
            .iter()
            .find_map(|prefix| path.strip_prefix(prefix))
        {
            Some(erp_path) => match state.faults.pop_front() {
                Some(fault) => fault_response(&fault),
                None => erp(state, request, erp_path),
            },
            None => plain(StatusCode::NOT_FOUND, "no such endpoint"),
        },
    }
}

/// The ERP routes. The 2.0 document's paths are under `/v2` and answer in PascalCase, as it
/// declares; the unversioned paths are 1.0 (PascalCase) or, with `api-version: 2.0`, the
/// OnPremise server of seed 002 (camelCase answers). The paths without `/v2` of seed 001 (foreign
/// apps) are served too.
fn erp(state: &mut State, request: &Incoming2, path: &str) -> Response<Full<Bytes>> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (generation, segments) = match segments.split_first() {
        Some((&"v2", rest)) => (Generation::V2, rest),
        _ if request.header("api-version") == Some("2.0") => {
            (Generation::V2Unversioned, &segments[..])
        }
        _ => (Generation::V1, &segments[..]),
    };
    let casing = generation.casing();
    match (&request.method, segments) {
        (&Method::POST, ["authentication"]) => register(state, request, generation),
        (&Method::GET, ["authentication", id]) => fetch(state, request, id, casing),
        (&Method::POST, ["authentication", id]) if !erp2::is_erp2_path(id) => {
            register_instance(state, request, id, casing)
        }
        (&Method::GET, ["info"]) => info(state, request, casing),
        _ => erp2::route(state, request, segments, casing)
            .unwrap_or_else(|| plain(StatusCode::NOT_FOUND, "no such endpoint")),
    }
}

/// Which generation a request speaks, by its path and `api-version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Generation {
    V1,
    V2,
    V2Unversioned,
}

impl Generation {
    fn casing(self) -> Casing {
        match self {
            Generation::V1 | Generation::V2 => Casing::Pascal,
            Generation::V2Unversioned => Casing::Camel,
        }
    }

    fn api_version(self) -> &'static str {
        match self {
            Generation::V1 => "1.0",
            Generation::V2 | Generation::V2Unversioned => "2.0",
        }
    }
}

fn register(
    state: &mut State,
    request: &Incoming2,
    generation: Generation,
) -> Response<Full<Bytes>> {
    let casing = generation.casing();
    // The challenge code comes first: nothing about a registration is looked at or kept
    // without one the vendor would accept.
    let code = match request.header("x-challengecode") {
        None | Some("") => {
            return error(
                state,
                StatusCode::BAD_REQUEST,
                "ChallengeCodeMissing",
                casing,
            );
        }
        Some(code) if code.chars().count() > MAX_CHALLENGE_CODE_CHARS => {
            return error(
                state,
                StatusCode::BAD_REQUEST,
                "ChallengeCodeTooLong",
                casing,
            );
        }
        Some(code) => code.to_owned(),
    };
    let app: AppRegistrationRequest = match serde_json::from_slice(&request.body) {
        Ok(app) => app,
        Err(e) => {
            return error(
                state,
                StatusCode::BAD_REQUEST,
                &format!("InvalidBody: {e}"),
                casing,
            );
        }
    };
    let Some(app_id) = app.app_id.clone() else {
        return error(state, StatusCode::BAD_REQUEST, "AppIdMissing", casing);
    };
    if let Some(refusal) = unknown_scopes(state, &app, casing) {
        return refusal;
    }
    if state
        .registrations
        .values()
        .any(|r| r.app_id == app_id && r.status == RegistrationStatus::Accepted)
    {
        return error(state, StatusCode::CONFLICT, "AppAlreadyRegistered", casing);
    }
    let id = state.next("reg");
    let api_version = generation.api_version().to_owned();
    let registration = Registration {
        app_id,
        challenge_code: code,
        api_version,
        app,
        status: RegistrationStatus::Pending,
        granted: Vec::new(),
        key: None,
        key_handed_out: false,
    };
    let answer = status_info(&id, &registration);
    state.registrations.insert(id, registration);
    json(state, StatusCode::CREATED, &answer, casing)
}

/// The platform's refusal of scope names it does not know: 400 with `ErrorMessage` listing them
/// and one `ValidationErrors` entry per offending list item, keyed by the property name in the
/// endpoint's casing (`MandatoryApiScopes[1]`, `optionalApiScopes[0]`).
fn unknown_scopes(
    state: &State,
    app: &AppRegistrationRequest,
    casing: Casing,
) -> Option<Response<Full<Bytes>>> {
    let catalog = state.scope_catalog.as_ref()?;
    let (mandatory, optional) = match casing {
        Casing::Camel => ("mandatoryApiScopes", "optionalApiScopes"),
        Casing::Pascal => ("MandatoryApiScopes", "OptionalApiScopes"),
    };
    let mut unknown = Vec::new();
    let mut validation_errors = BTreeMap::new();
    for (property, list) in [
        (mandatory, &app.mandatory_api_scopes),
        (optional, &app.optional_api_scopes),
    ] {
        for (i, scope) in list.iter().flatten().enumerate() {
            if !catalog.contains(scope) {
                validation_errors.insert(
                    format!("{property}[{i}]"),
                    format!("Unknown scope '{scope}'"),
                );
                unknown.push(scope.as_str());
            }
        }
    }
    if unknown.is_empty() {
        return None;
    }
    let errors = validation_errors
        .iter()
        .map(|(key, message)| (key.clone(), vec![message.clone()]))
        .collect();
    let body = ErrorResponse {
        error_code: Some("UnknownScope".to_owned()),
        validation_errors: Some(validation_errors),
        errors: Some(errors),
        error_message: Some(format!("Unknown scopes: {}", unknown.join(", "))),
        stacktrace: None,
    };
    Some(json(state, StatusCode::BAD_REQUEST, &body, casing))
}

/// Whether a registration call carries the code the registration was made with.
fn challenge_code_matches(request: &Incoming2, registration: &Registration) -> bool {
    request.header("x-challengecode") == Some(registration.challenge_code.as_str())
}

fn fetch(
    state: &mut State,
    request: &Incoming2,
    id: &str,
    casing: Casing,
) -> Response<Full<Bytes>> {
    let Some(registration) = state.registrations.get(id) else {
        return error(state, StatusCode::NOT_FOUND, "RegistrationNotFound", casing);
    };
    // Checked before auto-approval: a poll with another code must change nothing.
    if !challenge_code_matches(request, registration) {
        return error(
            state,
            StatusCode::FORBIDDEN,
            "ChallengeCodeMismatch",
            casing,
        );
    }
    if state.auto_approve && registration.status == RegistrationStatus::Pending {
        let _ = accept_everything(state, id);
    }
    let Some(registration) = state.registrations.get(id) else {
        return error(state, StatusCode::NOT_FOUND, "RegistrationNotFound", casing);
    };
    if registration.key_handed_out {
        return plain(StatusCode::GONE, "");
    }
    let mut info = RegistrationInformation {
        request_status_info: status_info(id, registration),
        token: None,
        granted_scopes: None,
    };
    if registration.status == RegistrationStatus::Accepted {
        info.token = Some(AppToken {
            api_key: registration.key.clone().unwrap_or_default().into(),
        });
        info.granted_scopes = Some(registration.granted.clone());
        state
            .registrations
            .get_mut(id)
            .expect("present")
            .key_handed_out = true;
    }
    json(state, StatusCode::OK, &info, casing)
}

fn register_instance(
    state: &mut State,
    request: &Incoming2,
    id: &str,
    casing: Casing,
) -> Response<Full<Bytes>> {
    let Some(original) = state.registrations.get(id) else {
        return error(state, StatusCode::NOT_FOUND, "RegistrationNotFound", casing);
    };
    if !challenge_code_matches(request, original) {
        return error(
            state,
            StatusCode::FORBIDDEN,
            "ChallengeCodeMismatch",
            casing,
        );
    }
    if original.app.registration_type != Some(RegistrationType::MultiInstance) {
        return error(
            state,
            StatusCode::BAD_REQUEST,
            "NotAMultiInstanceApp",
            casing,
        );
    }
    let app = original.app.clone();
    let code = original.challenge_code.clone();
    let api_version = original.api_version.clone();
    let new_id = state.next("reg");
    let registration = Registration {
        app_id: app.app_id.clone().unwrap_or_default(),
        challenge_code: code,
        api_version,
        app,
        status: RegistrationStatus::Pending,
        granted: Vec::new(),
        key: None,
        key_handed_out: false,
    };
    let answer = status_info(&new_id, &registration);
    state.registrations.insert(new_id, registration);
    json(state, StatusCode::OK, &answer, casing)
}

fn status_info(id: &str, registration: &Registration) -> RegistrationRequestStatusInfo {
    RegistrationRequestStatusInfo {
        app_id: registration.app_id.clone(),
        registration_request_id: id.to_owned(),
        status: registration.status,
    }
}

/// Which scopes the request's credentials carry: `None` without valid credentials.
fn credentials(state: &State, request: &Incoming2) -> Option<Vec<String>> {
    let authorization = request.header("authorization").unwrap_or_default();
    if let Some(key) = authorization
        .strip_prefix("Wawi ")
        .or_else(|| request.header("x-api-key"))
    {
        return state.api_keys.get(key).cloned();
    }
    let token = authorization.strip_prefix("Bearer ")?;
    let expires = state.tokens.get(token)?;
    (Instant::now() < *expires).then(|| vec!["*".to_owned()])
}

fn info(state: &mut State, request: &Incoming2, casing: Casing) -> Response<Full<Bytes>> {
    let Some(scopes) = credentials(state, request) else {
        return plain(StatusCode::UNAUTHORIZED, "");
    };
    if let Some(needed) = state
        .info_scope
        .clone()
        .filter(|n| !scopes.iter().any(|s| s == n || s == "*"))
    {
        return error(
            state,
            StatusCode::FORBIDDEN,
            &format!("MissingScope: {needed}"),
            casing,
        );
    }
    let status = Status {
        version: "1.10.12.0".into(),
        timestamp: jtl_erp_runtime::chrono::Utc::now().fixed_offset(),
        tenant: "eazybusiness".into(),
        r#type: "WAWI-Api".into(),
    };
    json(state, StatusCode::OK, &status, casing)
}

fn token(state: &mut State, request: &Incoming2) -> Response<Full<Bytes>> {
    let refuse = |status, code: &str| {
        let body = OAuthError {
            error: code.to_owned(),
            error_description: None,
            error_uri: None,
        };
        let mut bytes = Vec::new();
        let _ = Wire::<_, jtl_erp_runtime::wire::Snake>::new(&body)
            .serialize(&mut serde_json::Serializer::new(&mut bytes));
        respond(status, "application/json", bytes)
    };
    let form: Vec<(String, String)> = url_form(&request.body);
    if !form
        .iter()
        .any(|(k, v)| k == "grant_type" && v == "client_credentials")
    {
        return refuse(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let basic = request
        .header("authorization")
        .and_then(|h| h.strip_prefix("Basic "))
        .and_then(decode_basic);
    let known = basic.is_some_and(|(id, secret)| state.clients.get(&id) == Some(&secret));
    if !known {
        return refuse(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let lifetime = state.token_lifetime.unwrap_or(Duration::from_secs(3600));
    let token = state.next("access-token");
    state
        .tokens
        .insert(token.clone(), Instant::now() + lifetime);
    let body = TokenResponse {
        access_token: token.into(),
        token_type: "Bearer".into(),
        expires_in: lifetime.as_secs() as i64,
        scope: None,
    };
    let mut bytes = Vec::new();
    let _ = Wire::<_, jtl_erp_runtime::wire::Snake>::new(&body)
        .serialize(&mut serde_json::Serializer::new(&mut bytes));
    respond(StatusCode::OK, "application/json", bytes)
}

fn scx_token(state: &mut State, request: &Incoming2) -> Response<Full<Bytes>> {
    let known = multipart_field(&request.body, "refreshToken")
        .is_some_and(|t| state.refresh_tokens.contains(&t));
    if !known {
        return plain(StatusCode::UNAUTHORIZED, "");
    }
    let lifetime = state.token_lifetime.unwrap_or(Duration::from_secs(3600));
    let token = state.next("scx-token");
    state
        .tokens
        .insert(token.clone(), Instant::now() + lifetime);
    let expires_at = jtl_erp_runtime::chrono::Utc::now().fixed_offset() + lifetime;
    let body = AuthToken {
        scope: Some("CHANNEL".into()),
        auth_token: token.into(),
        token_expire_at: Some(expires_at),
        expires_in: lifetime.as_secs() as i64,
    };
    let mut bytes = Vec::new();
    let _ = Wire::<_, Camel>::new(&body).serialize(&mut serde_json::Serializer::new(&mut bytes));
    respond(StatusCode::OK, "application/json", bytes)
}

/// `POST /_fake/approve/{id}` and `POST /_fake/reject/{id}`, for the stand-alone binary.
fn admin(state: &mut State, path: &str) -> Response<Full<Bytes>> {
    let segments: Vec<&str> = path.trim_start_matches("/_fake/").split('/').collect();
    let result = match segments.as_slice() {
        ["approve", id] => accept_everything(state, id),
        ["reject", id] => pending_mut(state, id).map(|r| r.status = RegistrationStatus::Rejected),
        _ => return plain(StatusCode::NOT_FOUND, "no such admin endpoint"),
    };
    match result {
        Ok(()) => plain(StatusCode::NO_CONTENT, ""),
        Err(e) => plain(StatusCode::CONFLICT, &e.to_string()),
    }
}

fn fault_response(fault: &Fault) -> Response<Full<Bytes>> {
    match fault {
        Fault::Unauthorized => plain(StatusCode::UNAUTHORIZED, ""),
        Fault::Status(status) => plain(
            StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "",
        ),
        Fault::RetryAfter { status, seconds } => {
            let mut response = plain(
                StatusCode::from_u16(*status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
                "",
            );
            response
                .headers_mut()
                .insert("retry-after", seconds.to_string().parse().expect("digits"));
            response
        }
    }
}

fn error(state: &State, status: StatusCode, code: &str, casing: Casing) -> Response<Full<Bytes>> {
    let body = ErrorResponse {
        error_code: Some(code.to_owned()),
        validation_errors: None,
        errors: None,
        error_message: Some(code.to_owned()),
        stacktrace: None,
    };
    json(state, status, &body, casing)
}

/// A model in the endpoint's casing (or the other one, when that fault is on).
///
/// The documents declare PascalCase only; camelCase answers (seed 002's OnPremise server, public
/// 2.x integrations) are the PascalCase ones with each property name's first letter lowered.
/// Keys of maps are data and keep their case: the fake's only maps are the messages under
/// `Errors` and `ValidationErrors`.
fn json<T: WireSerialize<Pascal>>(
    state: &State,
    status: StatusCode,
    value: &T,
    casing: Casing,
) -> Response<Full<Bytes>> {
    match pascal_bytes(value) {
        Some(bytes) => json_bytes(state, status, bytes, casing),
        None => plain(StatusCode::INTERNAL_SERVER_ERROR, "serialization failed"),
    }
}

/// A model written in PascalCase, keys in the schema's order.
fn pascal_bytes<T: WireSerialize<Pascal>>(value: &T) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    Wire::<_, Pascal>::new(value)
        .serialize(&mut serde_json::Serializer::new(&mut bytes))
        .ok()?;
    Some(bytes)
}

/// JSON written with PascalCase property names, answered in the endpoint's casing.
fn json_bytes(
    state: &State,
    status: StatusCode,
    mut bytes: Vec<u8>,
    casing: Casing,
) -> Response<Full<Bytes>> {
    let casing = match (casing, state.other_casing) {
        (Casing::Camel, true) => Casing::Pascal,
        (Casing::Pascal, true) => Casing::Camel,
        (casing, false) => casing,
    };
    if casing == Casing::Camel {
        let Ok(mut tree) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "serialization failed");
        };
        camel_case_keys(&mut tree);
        bytes = serde_json::to_vec(&tree).unwrap_or_default();
    }
    respond(status, "application/json; charset=utf-8", bytes)
}

/// Lowers the first letter of every property name, leaving the keys of the message maps alone.
fn camel_case_keys(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(object) => {
            let entries = std::mem::take(object);
            for (key, mut child) in entries {
                if key != "Errors" && key != "ValidationErrors" {
                    camel_case_keys(&mut child);
                }
                let mut chars = key.chars();
                let camel = chars.next().map_or_else(String::new, |first| {
                    first.to_lowercase().chain(chars).collect()
                });
                object.insert(camel, child);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(camel_case_keys),
        _ => {}
    }
}

fn plain(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    respond(status, "text/plain", text.as_bytes().to_vec())
}

fn respond(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert("content-type", content_type.parse().expect("ASCII"));
    response
}

fn url_form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn decode_basic(encoded: &str) -> Option<(String, String)> {
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// The value of a text field of a multipart body.
fn multipart_field(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let marker = format!("name=\"{name}\"");
    let after = &text[text.find(&marker)? + marker.len()..];
    let value = &after[after.find("\r\n\r\n")? + 4..];
    Some(value[..value.find("\r\n")?].to_owned())
}

// App Shell session tokens: the JWKS at `/account/.well-known/jwks.json`, behind the app's
// client-credentials token, and the signing keys behind it.

/// Where the Cloud serves the keys of session tokens (on the API host).
const JWKS_PATH: &str = "/account/.well-known/jwks.json";

/// The fake App Shell's signing keys: made on first use, so each fake has its own.
#[derive(Debug, Default)]
struct SessionKeys {
    current: Option<jtl_erp_runtime::session::SessionSigner>,
    previous: Option<jtl_erp_runtime::session::SessionSigner>,
    fetches: usize,
}

impl SessionKeys {
    fn current(&mut self) -> &jtl_erp_runtime::session::SessionSigner {
        self.current.get_or_insert_with(|| {
            jtl_erp_runtime::session::SessionSigner::random().expect("system random source")
        })
    }
}

impl FakeJtl {
    /// The JWKS of session tokens, as the Cloud serves it on the API host; it answers only to
    /// a Bearer token from [`FakeJtl::token_url`] (401 otherwise).
    pub fn jwks_url(&self) -> String {
        format!("http://{}{JWKS_PATH}", self.addr)
    }

    /// A session token as the App Shell hands it out: `tenantId`, `userId` when given, `iat`
    /// now, `exp` after `lifetime`, signed with the current key (EdDSA, with its `kid`).
    pub fn session_token(&self, tenant: &str, user: Option<&str>, lifetime: Duration) -> String {
        self.state()
            .session
            .current()
            .session_token(tenant, user, lifetime)
    }

    /// Signs any claims with the current key (expired, future or tenant-less tokens for tests).
    pub fn sign_session_claims(&self, claims: &serde_json::Value) -> String {
        self.state().session.current().sign(claims)
    }

    /// The key id of the current signing key.
    pub fn session_key_id(&self) -> String {
        self.state().session.current().kid().to_owned()
    }

    /// Replaces the signing key with a fresh one and returns its key id. The JWKS then lists
    /// the new key and the one before it, as during a real rotation.
    pub fn rotate_session_key(&self) -> String {
        let mut state = self.state();
        let session = &mut state.session;
        session.current();
        session.previous = session.current.take();
        session.current().kid().to_owned()
    }

    /// Drops the previous key from the JWKS: tokens signed with it no longer verify.
    pub fn retire_previous_session_key(&self) {
        self.state().session.previous = None;
    }

    /// The JWKS document as the endpoint serves it now (for tests that check keys by hand).
    pub fn session_jwks(&self) -> serde_json::Value {
        let mut state = self.state();
        let session = &mut state.session;
        session.current();
        jtl_erp_runtime::session::jwks_document(
            session.current.iter().chain(session.previous.iter()),
        )
    }

    /// How many times the JWKS was served (requests refused with 401 not counted).
    pub fn jwks_fetches(&self) -> usize {
        self.state().session.fetches
    }
}

fn jwks(state: &mut State, request: &Incoming2) -> Response<Full<Bytes>> {
    let bearer = request
        .header("authorization")
        .is_some_and(|h| h.starts_with("Bearer "));
    if !bearer || credentials(state, request).is_none() {
        return plain(StatusCode::UNAUTHORIZED, "");
    }
    state.session.fetches += 1;
    state.session.current();
    let session = &state.session;
    let document = jtl_erp_runtime::session::jwks_document(
        session.current.iter().chain(session.previous.iter()),
    );
    respond(
        StatusCode::OK,
        "application/json",
        document.to_string().into_bytes(),
    )
}
