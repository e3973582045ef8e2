//! The app-registration flow on top of the generated operations, for both API generations:
//! register with the client's challenge code, poll with backoff until the merchant decides (or
//! a deadline passes), and take the API key, which the server hands out once.
//!
//! The flow keeps no state between calls: a [`PendingRegistration`] is all there is, so a
//! dropped future leaves nothing half-done, and [`RegistrationFlow::wait`] can be called again
//! with the same pending registration.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use jtl_erp_client::erp_v1;
//! use jtl_erp_client::models::AppRegistrationRequest;
//! use jtl_erp_client::registration::RegistrationFlow;
//! use jtl_erp_client::runtime::{Context, auth::WawiKey};
//!
//! let client = erp_v1::Client::builder()
//!     .base_url("http://127.0.0.1:5883/api/eazybusiness")
//!     .context(Context::new().challenge_code("MyChallengeCode"))
//!     .build()?;
//! let app = AppRegistrationRequest::new().with_app_id("myApp/v1");
//! let accepted = RegistrationFlow::erp_v1(client).run(&app).await?;
//! let key: WawiKey = accepted.api_key.into_wawi_key(); // store it first: it is shown once
//! # Ok(()) }
//! ```

// The operations this module calls: `cargo xtask regen` declares it only where the documents
// have them all (tests/generator/inlineable.rs compiles a crate of exactly these).
// needs: erp_v1::RegisterApp erp_v1::FetchRegistrationStatus erp_v1::RegisterMultiInstanceApp
// needs: erp_v1::GetStatus erp_v2::RegisterApp erp_v2::FetchRegistrationStatus erp_v2::GetStatus
// needs: erp_v2::RegisterForeignApp erp_v2::UpdateForeignApp identity::RequestToken
// needs: scx::RequestAccessToken

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

use jtl_erp_runtime::auth::WawiKey;
use jtl_erp_runtime::scopes::{GrantedScopes, MissingMandatoryScopes, RequestedScopes, Scope};
use jtl_erp_runtime::{Backoff, ContextKey, Error, Secret};

use crate::models::{
    AppRegistrationRequest, ErrorResponse, RegistrationInformation, RegistrationRequestStatusInfo,
    RegistrationStatus,
};
use crate::{erp_v1, erp_v2};

/// Which generation of the API the flow speaks.
#[derive(Debug, Clone)]
enum Api {
    V1(erp_v1::Client),
    V2(erp_v2::Client),
}

/// Runs app registrations. Cheap to clone.
#[derive(Debug, Clone)]
pub struct RegistrationFlow {
    api: Api,
    polling: Backoff,
    deadline: Duration,
}

/// A registration the merchant has not decided on yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRegistration {
    /// The app id the server confirmed.
    pub app_id: String,
    /// The id to poll.
    pub registration_id: String,
    /// The scopes asked for, to check the grant against.
    pub requested: RequestedScopes,
}

/// An accepted registration. The API key is handed out once: store it before dropping this.
#[must_use = "the API key is shown only once: store it"]
#[derive(Debug)]
pub struct AcceptedRegistration {
    /// The app id.
    pub app_id: String,
    /// The registration id.
    pub registration_id: String,
    /// The permanent API key.
    pub api_key: ApiKey,
    /// What was granted, checked against what was asked for.
    pub scopes: GrantedScopes,
}

/// The permanent OnPremise API key. Neither `Clone` nor printable: move it into your secret
/// store or straight into a [`WawiKey`].
#[must_use = "the API key is shown only once: store it"]
pub struct ApiKey(Secret);

impl ApiKey {
    /// The key itself, e.g. to write it to a secret store.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The key as the OnPremise auth provider (`Authorization: Wawi <key>`).
    pub fn into_wawi_key(self) -> WawiKey {
        WawiKey::new(self.0)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

/// Why a registration did not end with an API key. Each documented answer has its own variant.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistrationError {
    /// The request cannot be sent as it is (no challenge code, a scope that cannot be sent, …).
    #[error("invalid registration: {0}")]
    Invalid(String),
    /// 400 on registering: the platform refused scopes the app asked for (it alone decides which
    /// scope names exist). Carries what the server said, its validation errors keyed as it wrote
    /// them, and the requested scopes it names. The message shows the scopes (the app's own
    /// strings) and the error code, as the other variants do, never the server's free text.
    #[error("the server refused the requested scopes{}{}", scope_list(.scopes), code(.error_code))]
    ScopesRefused {
        /// The requested scopes the server names, in request order (mandatory first).
        scopes: Vec<String>,
        /// The server's `ErrorMessage`.
        message: Option<String>,
        /// The server's `ErrorCode`.
        error_code: Option<String>,
        /// The server's `ValidationErrors` (deprecated by the vendor), keys exactly as the
        /// server wrote them.
        validation_errors: BTreeMap<String, String>,
        /// The server's `Errors` (what replaces `ValidationErrors`), keys exactly as the server
        /// wrote them.
        errors: BTreeMap<String, Vec<String>>,
    },
    /// The merchant rejected the registration.
    #[error("the merchant rejected registration {registration_id}")]
    Rejected {
        /// The registration.
        registration_id: String,
    },
    /// 410: the registration was answered already and its key handed out before.
    #[error(
        "registration {registration_id} was answered already; its API key was handed out before"
    )]
    AlreadyAnswered {
        /// The registration.
        registration_id: String,
    },
    /// 404: the server knows no such registration.
    #[error("no registration {registration_id} is known to the server")]
    UnknownRegistration {
        /// The registration.
        registration_id: String,
    },
    /// 402: no licence is available, or JTL has not authorised the app.
    #[error("no licence is available, or JTL has not authorised the app")]
    NotLicensed,
    /// 403: no application service is available to take the registration (is the registration
    /// dialog open in JTL-Wawi under Admin > App registration?).
    #[error("no application service is available to take the registration{}", code(.error_code))]
    NoApplicationService {
        /// The server's error code.
        error_code: Option<String>,
    },
    /// 409: an application with this app id is registered already.
    #[error("an application with this app id is registered already{}", code(.error_code))]
    AlreadyRegistered {
        /// The server's error code.
        error_code: Option<String>,
    },
    /// 400: the operation is not allowed in this context (multi-instance registration).
    #[error("the operation is not allowed in this context{}", code(.error_code))]
    NotAllowed {
        /// The server's error code.
        error_code: Option<String>,
    },
    /// The merchant did not decide before the deadline; the registration may still be accepted
    /// later: call [`RegistrationFlow::wait`] again.
    #[error("registration {registration_id} still pending after {waited:?}")]
    DeadlineReached {
        /// The registration.
        registration_id: String,
        /// How long the flow waited.
        waited: Duration,
    },
    /// The server said Accepted but sent no API key.
    #[error("registration {registration_id} was accepted without an API key")]
    AcceptedWithoutKey {
        /// The registration.
        registration_id: String,
    },
    /// The merchant granted less than the app cannot do without. The API key was handed out
    /// anyway and is returned here, since the server will not show it again.
    #[error("{missing}")]
    MissingMandatoryScopes {
        /// Which scopes are missing.
        missing: MissingMandatoryScopes,
        /// The key, to be stored or revoked.
        api_key: ApiKey,
    },
    /// Anything else: transport, decoding, undocumented statuses.
    #[error(transparent)]
    Api(Box<Error<ErrorResponse>>),
}

/// Which call of the flow failed (each documents its own statuses).
#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Register(&'a AppRegistrationRequest),
    Instance,
    Fetch(&'a str),
}

fn scope_list(scopes: &[String]) -> String {
    if scopes.is_empty() {
        return String::new();
    }
    let quoted: Vec<String> = scopes.iter().map(|s| format!("`{s}`")).collect();
    format!(" {}", quoted.join(", "))
}

fn code(error_code: &Option<String>) -> String {
    error_code
        .as_deref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default()
}

impl RegistrationError {
    /// Maps the statuses each registration operation documents; anything else stays an
    /// [`Error`], since guessing its meaning would mislead.
    fn from_api(error: Error<ErrorResponse>, step: Step<'_>) -> Self {
        let Some(api) = error.api() else {
            return Self::Api(Box::new(error));
        };
        let error_code = api.body.as_ref().and_then(|b| b.error_code.clone());
        match (step, api.status.as_u16()) {
            (Step::Register(app), 400) => {
                match api.body.as_ref().and_then(|b| scopes_refused(app, b)) {
                    Some(refused) => refused,
                    None => Self::Api(Box::new(error)),
                }
            }
            (_, 402) => Self::NotLicensed,
            (Step::Register(_) | Step::Instance, 403) => Self::NoApplicationService { error_code },
            (Step::Register(_), 409) => Self::AlreadyRegistered { error_code },
            (Step::Instance, 400) => Self::NotAllowed { error_code },
            (Step::Fetch(id), 404) => Self::UnknownRegistration {
                registration_id: id.to_owned(),
            },
            (Step::Fetch(id), 410) => Self::AlreadyAnswered {
                registration_id: id.to_owned(),
            },
            _ => Self::Api(Box::new(error)),
        }
    }
}

impl RegistrationFlow {
    /// The flow over ERP API 1.0 (PascalCase, `api-version: 1.0`).
    pub fn erp_v1(client: erp_v1::Client) -> Self {
        Self::new(Api::V1(client))
    }

    /// The flow over ERP API 2.0 (paths under `/v2`, PascalCase; answers read in either casing).
    pub fn erp_v2(client: erp_v2::Client) -> Self {
        Self::new(Api::V2(client))
    }

    fn new(api: Api) -> Self {
        Self {
            api,
            polling: Backoff::new(Duration::from_secs(2), Duration::from_secs(30)).without_jitter(),
            deadline: Duration::from_secs(15 * 60),
        }
    }

    /// Polling starts `first` after registering and doubles up to `max` (default 2 s, 30 s).
    pub fn polling(mut self, first: Duration, max: Duration) -> Self {
        self.polling = Backoff::new(first, max.max(first)).without_jitter();
        self
    }

    /// How long [`Self::wait`] polls before giving up (default 15 minutes).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    fn transport(&self) -> &jtl_erp_runtime::Transport {
        match &self.api {
            Api::V1(client) => client.transport(),
            Api::V2(client) => client.transport(),
        }
    }

    /// The challenge code is what ties the calls of one registration together.
    fn check_challenge_code(&self) -> Result<(), RegistrationError> {
        match self.transport().context().value(ContextKey::ChallengeCode) {
            Some(_) => Ok(()),
            None => Err(RegistrationError::Invalid(
                "the client's Context has no challenge code".to_owned(),
            )),
        }
    }

    /// Registers the app; the merchant must have opened the registration dialog in JTL-Wawi.
    pub async fn register(
        &self,
        app: &AppRegistrationRequest,
    ) -> Result<PendingRegistration, RegistrationError> {
        self.check_challenge_code()?;
        let requested = requested_scopes(app)?;
        let answer = match &self.api {
            Api::V1(client) => client.register_app(app.clone()).await,
            Api::V2(client) => client.register_app(app.clone()).await,
        };
        let status = answer
            .map_err(|e| RegistrationError::from_api(e, Step::Register(app)))?
            .into_inner();
        pending(status, requested)
    }

    /// Asks for a further instance of a registered multi-instance app (both generations).
    pub async fn register_instance(
        &self,
        registration_id: &str,
        requested: RequestedScopes,
    ) -> Result<PendingRegistration, RegistrationError> {
        self.check_challenge_code()?;
        let answer = match &self.api {
            Api::V1(client) => client.register_multi_instance_app(registration_id).await,
            Api::V2(client) => client.register_multi_instance_app(registration_id).await,
        };
        let step = Step::Instance;
        let status = answer
            .map_err(|e| RegistrationError::from_api(e, step))?
            .into_inner();
        pending(status, requested)
    }

    /// Polls until the merchant accepts or rejects, or the deadline passes.
    pub async fn wait(
        &self,
        registration: &PendingRegistration,
    ) -> Result<AcceptedRegistration, RegistrationError> {
        self.check_challenge_code()?;
        // The client's clock: a test that injects a manual one polls without waiting.
        let time = self.transport().time_source().clone();
        let started = time.now();
        for attempt in 0.. {
            let delay = self.polling.delay(attempt);
            let info = self.fetch(&registration.registration_id).await?;
            if let Some(decided) = decision(registration, info)? {
                return Ok(decided);
            }
            let waited = time.now().saturating_duration_since(started);
            if waited + delay > self.deadline {
                return Err(RegistrationError::DeadlineReached {
                    registration_id: registration.registration_id.clone(),
                    waited,
                });
            }
            jtl_erp_runtime::tracing::debug!(registration = %registration.registration_id, ?delay, "registration pending");
            time.sleep(delay).await;
        }
        unreachable!("polling ends at the deadline")
    }

    /// [`Self::register`] then [`Self::wait`].
    pub async fn run(
        &self,
        app: &AppRegistrationRequest,
    ) -> Result<AcceptedRegistration, RegistrationError> {
        let pending = self.register(app).await?;
        self.wait(&pending).await
    }

    async fn fetch(
        &self,
        registration_id: &str,
    ) -> Result<RegistrationInformation, RegistrationError> {
        let answer = match &self.api {
            Api::V1(client) => client.fetch_registration_status(registration_id).await,
            Api::V2(client) => client.fetch_registration_status(registration_id).await,
        };
        answer
            .map(|a| a.into_inner())
            .map_err(|e| RegistrationError::from_api(e, Step::Fetch(registration_id)))
    }
}

/// The scopes the app asks for; only strings that cannot be sent at all are refused, each named
/// by the field and index it was found at.
fn requested_scopes(app: &AppRegistrationRequest) -> Result<RequestedScopes, RegistrationError> {
    let mut requested = RequestedScopes::default();
    let mut problems = Vec::new();
    for (field, list, into) in [
        (
            "mandatory_api_scopes",
            &app.mandatory_api_scopes,
            &mut requested.mandatory,
        ),
        (
            "optional_api_scopes",
            &app.optional_api_scopes,
            &mut requested.optional,
        ),
    ] {
        for (i, scope) in list.iter().flatten().enumerate() {
            match Scope::new(scope.as_str()) {
                Ok(scope) => {
                    into.insert(scope);
                }
                Err(error) => problems.push(format!("{field}[{i}]: {error}")),
            }
        }
    }
    if problems.is_empty() {
        Ok(requested)
    } else {
        Err(RegistrationError::Invalid(problems.join("; ")))
    }
}

/// A 400 is a refusal of scopes when its `ValidationErrors` name a scope list
/// (`MandatoryApiScopes[1]`, `$.optionalApiScopes[0]`, in any case) or its texts name a requested
/// scope. The scopes named are the requested ones at those indexes or in those texts.
fn scopes_refused(app: &AppRegistrationRequest, body: &ErrorResponse) -> Option<RegistrationError> {
    let lists = [
        (
            "mandatoryapiscopes",
            app.mandatory_api_scopes.as_deref().unwrap_or_default(),
        ),
        (
            "optionalapiscopes",
            app.optional_api_scopes.as_deref().unwrap_or_default(),
        ),
    ];
    let validation_errors = body.validation_errors.clone().unwrap_or_default();
    let errors = body.errors.clone().unwrap_or_default();
    let mut about_scopes = false;
    let mut named: BTreeSet<&str> = BTreeSet::new();
    for key in validation_errors.keys().chain(errors.keys()) {
        let key = key
            .trim_start_matches('$')
            .trim_start_matches('.')
            .to_ascii_lowercase();
        for (name, list) in &lists {
            let Some(rest) = key.strip_prefix(name) else {
                continue;
            };
            if rest.is_empty() {
                about_scopes = true;
            } else if let Some(index) = rest
                .strip_prefix('[')
                .and_then(|r| r.split_once(']'))
                .and_then(|(i, _)| i.parse::<usize>().ok())
            {
                about_scopes = true;
                named.extend(list.get(index).map(String::as_str));
            }
        }
    }
    let texts: Vec<&str> = body
        .error_message
        .iter()
        .chain(validation_errors.values())
        .chain(errors.values().flatten())
        .map(String::as_str)
        .collect();
    for (_, list) in &lists {
        for scope in list.iter() {
            if texts.iter().any(|text| names(text, scope)) {
                named.insert(scope);
            }
        }
    }
    if !about_scopes && named.is_empty() {
        return None;
    }
    // Request order, each scope once, mandatory first.
    let mut scopes: Vec<String> = Vec::new();
    for scope in lists.iter().flat_map(|(_, list)| list.iter()) {
        if named.contains(scope.as_str()) && !scopes.contains(scope) {
            scopes.push(scope.clone());
        }
    }
    Some(RegistrationError::ScopesRefused {
        scopes,
        message: body.error_message.clone(),
        error_code: body.error_code.clone(),
        validation_errors,
        errors,
    })
}

/// Whether `text` names `scope` as a word of its own: `items.read` is named by
/// "unknown scope 'items.read'." but not by "items.readall".
fn names(text: &str, scope: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-');
    !scope.is_empty()
        && text.match_indices(scope).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let mut after = text[at + scope.len()..].chars();
            let next = after.next();
            let before_ok = before.is_none_or(|c| !word(c) && c != '.');
            let after_ok = match next {
                None => true,
                // A sentence's full stop, not a longer dotted name.
                Some('.') => after.next().is_none_or(|c| !word(c)),
                Some(c) => !word(c),
            };
            before_ok && after_ok
        })
}

fn pending(
    status: RegistrationRequestStatusInfo,
    requested: RequestedScopes,
) -> Result<PendingRegistration, RegistrationError> {
    let registration_id = status.registration_request_id;
    if registration_id.is_empty() {
        return Err(RegistrationError::Invalid(
            "the server answered without a registration id".to_owned(),
        ));
    }
    Ok(PendingRegistration {
        app_id: status.app_id,
        registration_id,
        requested,
    })
}

/// `None` while pending; the key (or the reason there is none) once decided. A missing status
/// with a key counts as accepted.
fn decision(
    registration: &PendingRegistration,
    info: RegistrationInformation,
) -> Result<Option<AcceptedRegistration>, RegistrationError> {
    let registration_id = registration.registration_id.clone();
    let status = Some(info.request_status_info.status);
    let key = info.token.map(|t| t.api_key);
    match (status, key) {
        (Some(RegistrationStatus::Rejected), _) => {
            Err(RegistrationError::Rejected { registration_id })
        }
        (Some(RegistrationStatus::Accepted), None) => {
            Err(RegistrationError::AcceptedWithoutKey { registration_id })
        }
        (Some(RegistrationStatus::Accepted) | None, Some(key)) => {
            let api_key = ApiKey(key);
            let granted = info.granted_scopes.unwrap_or_default();
            match registration
                .requested
                .check_granted(granted.iter().map(String::as_str))
            {
                Ok(scopes) => Ok(Some(AcceptedRegistration {
                    app_id: registration.app_id.clone(),
                    registration_id,
                    api_key,
                    scopes,
                })),
                Err(missing) => Err(RegistrationError::MissingMandatoryScopes { missing, api_key }),
            }
        }
        _ => Ok(None),
    }
}
