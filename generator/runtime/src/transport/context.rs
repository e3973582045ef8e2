//! Request-context headers: set once on the client, injected into every operation that declares them.

use std::fmt;

use uuid::Uuid;

pub use crate::transport::context_keys::ContextKey;

/// A context header an operation declares, under the name its document uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextHeader {
    /// Which context value goes into the header.
    pub key: ContextKey,
    /// The header name as the document spells it.
    pub name: &'static str,
    /// Whether the document marks the header required.
    pub required: bool,
}

/// Request-context values of a client. Unset values are not sent.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Context {
    tenant_id: Option<Uuid>,
    app_id: Option<String>,
    app_version: Option<String>,
    run_as: Option<String>,
    session_id: Option<Uuid>,
    company_id: Option<String>,
    challenge_code: Option<String>,
}

/// The longest challenge code the vendor accepts.
pub const MAX_CHALLENGE_CODE_CHARS: usize = 30;

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// This context with every value `over` sets taken from `over` (key by key): what a
    /// per-call handle sends.
    pub fn overridden_by(&self, over: &Context) -> Context {
        fn pick<T: Clone>(mine: &Option<T>, theirs: &Option<T>) -> Option<T> {
            theirs.clone().or_else(|| mine.clone())
        }
        Context {
            tenant_id: pick(&self.tenant_id, &over.tenant_id),
            app_id: pick(&self.app_id, &over.app_id),
            app_version: pick(&self.app_version, &over.app_version),
            run_as: pick(&self.run_as, &over.run_as),
            session_id: pick(&self.session_id, &over.session_id),
            company_id: pick(&self.company_id, &over.company_id),
            challenge_code: pick(&self.challenge_code, &over.challenge_code),
        }
    }
    /// The Cloud tenant id.
    pub fn tenant_id(mut self, tenant: Uuid) -> Self {
        self.tenant_id = Some(tenant);
        self
    }
    /// The application name and version, e.g. `MyApp/1.0.0`.
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }
    /// The application version, e.g. `1.0.0`.
    pub fn app_version(mut self, version: impl Into<String>) -> Self {
        self.app_version = Some(version.into());
        self
    }
    /// The user (integer or UUID) requests act for (`x-runas`).
    ///
    /// The server honours it only for apps granted the scope `Application.RunAs`
    /// ([`crate::scopes::RUN_AS`]): ask for it in the registration's scopes and check
    /// [`crate::scopes::GrantedScopes::allows_run_as`] before setting it. The client sends the
    /// header either way, since only the server knows the grant of the credentials in use.
    pub fn run_as(mut self, user: impl Into<String>) -> Self {
        self.run_as = Some(user.into());
        self
    }
    /// The session requests run in.
    pub fn session_id(mut self, session: Uuid) -> Self {
        self.session_id = Some(session);
        self
    }
    /// The company (integer or UUID) requests act for.
    pub fn company_id(mut self, company: impl Into<String>) -> Self {
        self.company_id = Some(company.into());
        self
    }
    /// The registration challenge code: 1 to 30 characters, checked when the client is built.
    pub fn challenge_code(mut self, code: impl Into<String>) -> Self {
        self.challenge_code = Some(code.into());
        self
    }

    /// The header value for `key`, if set.
    pub fn value(&self, key: ContextKey) -> Option<String> {
        match key {
            ContextKey::Tenant => self.tenant_id.map(|t| t.hyphenated().to_string()),
            ContextKey::AppId => self.app_id.clone(),
            ContextKey::AppVersion => self.app_version.clone(),
            ContextKey::RunAs => self.run_as.clone(),
            ContextKey::SessionId => self.session_id.map(|s| s.hyphenated().to_string()),
            ContextKey::CompanyId => self.company_id.clone(),
            ContextKey::ChallengeCode => self.challenge_code.clone(),
        }
    }

    /// Checks the values the vendor constrains.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if let Some(code) = &self.challenge_code {
            let chars = code.chars().count();
            if chars == 0 || chars > MAX_CHALLENGE_CODE_CHARS {
                return Err(format!(
                    "challenge code must have 1 to {MAX_CHALLENGE_CODE_CHARS} characters, it has {chars}"
                ));
            }
        }
        Ok(())
    }
}

/// Most context values are not secrets, but the session id is a credential and the challenge
/// code guards a registration: both are shown masked.
impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("tenant_id", &self.tenant_id)
            .field("app_id", &self.app_id)
            .field("app_version", &self.app_version)
            .field("run_as", &self.run_as)
            .field(
                "session_id",
                &self.session_id.as_ref().map(|_| "[REDACTED]"),
            )
            .field("company_id", &self.company_id)
            .field(
                "challenge_code",
                &self.challenge_code.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}
