//! User-bound access: the authorization-code grant with PKCE (RFC 7636, S256) for a public
//! client (a client id, no secret), as the current identity platform offers it, with refresh
//! through `offline_access`.
//!
//! 1. [`PkceLogin::authorize_url`] makes the URL to send the user's browser to, with a fresh
//!    `state` and an S256 `code_challenge`; the verifier stays inside the login.
//! 2. The issuer redirects back with `code` and `state`; [`PkceLogin::exchange`] (or
//!    [`PkceLogin::callback`] with the whole redirect URL) checks the state (known, unused, not
//!    older than 10 minutes) and redeems the code with the verifier.
//! 3. The result, [`UserAccess`], is an [`AuthProvider`](super::AuthProvider) for the generated
//!    clients: it sends the user's access token and refreshes it with the refresh token before
//!    expiry (single flight, refresh margin, one retry after a 401, as [`CachedBearer`] does),
//!    keeping the refresh token the issuer rotates in.
//!
//! The challenge is a few lines on `aws-lc-rs` (already the runtime's crypto: SHA-256 and the
//! system's random source) rather than the `oauth2` crate: the grant is two form POSTs, and the
//! caching and refresh are [`CachedBearer`]'s either way.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::oauth::{DEFAULT_TOKEN_LIFETIME, parse_answer, send_token_form};
use super::token::{FetchPolicy, answer_object};
use super::{BoxFuture, CachedBearer, Token, TokenError, TokenSource};
use crate::transport::error::BuildError;
use crate::transport::security::require_secure;
use crate::types::Secret;

/// How long a `state` handed out by [`PkceLogin::authorize_url`] may be redeemed.
pub const LOGIN_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// The scopes every authorization request asks for: an OIDC login, and a refresh token.
pub const PKCE_BASE_SCOPES: [&str; 2] = ["openid", "offline_access"];
/// The identity platform's authorization endpoint below its issuer (Zitadel's path).
const ISSUER_AUTHORIZE_PATH: &str = "/oauth/v2/authorize";
/// The identity platform's token endpoint below its issuer.
const ISSUER_TOKEN_PATH: &str = "/oauth/v2/token";
/// Pending logins kept at most; the oldest are dropped first.
const MAX_PENDING: usize = 1024;

/// The S256 code challenge of a verifier: `base64url(SHA-256(verifier))` without padding.
pub fn pkce_challenge(verifier: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

/// 32 random bytes of the system's source, base64url (43 characters: a valid verifier).
fn random_text() -> Result<String, PkceError> {
    use aws_lc_rs::rand::SecureRandom as _;
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| PkceError::Random)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Why a login step failed. No variant's message contains a code, verifier or token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkceError {
    /// The callback's `state` was not handed out by this login, was used already, or is older
    /// than [`LOGIN_TIMEOUT`]: the callback is not the answer to a login of ours.
    #[error("the callback's state is unknown, used or expired")]
    UnknownState,
    /// The redirect URI is no absolute URL.
    #[error("invalid redirect URI `{0}`")]
    RedirectUri(String),
    /// The callback URL carries no `code` (or no `state`).
    #[error("the callback carries no {0}")]
    MissingParameter(&'static str),
    /// The issuer refused the login and said so in the callback (`error=access_denied`, …).
    #[error("the issuer refused the login: {error}")]
    Denied {
        /// The RFC 6749 error code.
        error: crate::transport::excerpt::ServerText,
    },
    /// The code could not be redeemed (the endpoint's answer).
    #[error(transparent)]
    Token(#[from] TokenError),
    /// The system's random source failed.
    #[error("the system's random source failed")]
    Random,
    /// An authorization parameter of [`AuthorizeOptions`] cannot be sent.
    #[error("authorization parameter `{name}`: {reason}")]
    Parameter {
        /// The parameter's name.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// What the user's browser is sent to.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AuthorizationRequest {
    /// The authorization endpoint with `response_type=code`, `client_id`, `redirect_uri`,
    /// `scope`, `state`, `code_challenge`, `code_challenge_method=S256` and the
    /// [`AuthorizeOptions`] (by default `prompt=consent`).
    pub url: url::Url,
    /// The state in the URL (the callback must carry it back).
    pub state: String,
}

/// OpenID Connect's `prompt` values (Core 3.1.2.1; `create` from Initiating User Registration
/// 1.0): what the issuer must show the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Prompt {
    /// `none`: no page at all; the login fails unless the user is logged in and has consented.
    /// An issuer then honours no `offline_access` (no refresh token). Stands alone.
    None,
    /// `login`: ask for the credentials again.
    Login,
    /// `consent`: ask for consent; what makes a conforming issuer grant `offline_access`
    /// (Core 11), so the default.
    Consent,
    /// `select_account`: let the user pick an account.
    SelectAccount,
    /// `create`: show the registration page.
    Create,
}

impl Prompt {
    fn as_str(self) -> &'static str {
        match self {
            Prompt::None => "none",
            Prompt::Login => "login",
            Prompt::Consent => "consent",
            Prompt::SelectAccount => "select_account",
            Prompt::Create => "create",
        }
    }
}

/// The standard parameters of an authorization request beyond the grant's own
/// (OpenID Connect Core 3.1.2.1, 5.2; RFC 8707), for [`PkceLogin::authorize_url_with`] or every
/// login of a [`PkceLoginBuilder::authorize_options`].
///
/// The default sends `prompt=consent` and nothing else: a conforming issuer grants
/// `offline_access`, and so a refresh token, only when the user is asked for consent (Core 11).
/// `Debug` shows the login hint and the values of further parameters (an `id_token_hint` is a
/// token) only as present.
#[derive(Clone)]
pub struct AuthorizeOptions {
    prompt: Vec<Prompt>,
    login_hint: Option<String>,
    max_age: Option<Duration>,
    ui_locales: Vec<String>,
    claims_locales: Vec<String>,
    acr_values: Vec<String>,
    display: Option<String>,
    extra: Vec<(String, String)>,
}

impl fmt::Debug for AuthorizeOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.extra.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("AuthorizeOptions")
            .field("prompt", &self.prompt)
            .field("login_hint", &self.login_hint.as_ref().map(|_| "…"))
            .field("max_age", &self.max_age)
            .field("ui_locales", &self.ui_locales)
            .field("claims_locales", &self.claims_locales)
            .field("acr_values", &self.acr_values)
            .field("display", &self.display)
            .field("params", &names)
            .finish()
    }
}

impl Default for AuthorizeOptions {
    fn default() -> Self {
        Self {
            prompt: vec![Prompt::Consent],
            login_hint: None,
            max_age: None,
            ui_locales: Vec::new(),
            claims_locales: Vec::new(),
            acr_values: Vec::new(),
            display: None,
            extra: Vec::new(),
        }
    }
}

/// Parameters the grant or an option of its own sets, which [`AuthorizeOptions::param`] cannot
/// add a second time.
const RESERVED_PARAMETERS: [&str; 14] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "login_hint",
    "max_age",
    "ui_locales",
    "claims_locales",
    "acr_values",
    "display",
];

impl AuthorizeOptions {
    /// `prompt=consent`, nothing else (the default).
    pub fn new() -> Self {
        Self::default()
    }
    /// `prompt`: the values, space-separated; empty sends none (the issuer decides, and may
    /// then give no refresh token). `Prompt::None` stands alone.
    pub fn prompt(mut self, prompt: &[Prompt]) -> Self {
        self.prompt = prompt.to_vec();
        self
    }
    /// `login_hint`: the user's login name or e-mail address, prefilled by the issuer.
    pub fn login_hint(mut self, hint: impl Into<String>) -> Self {
        self.login_hint = Some(hint.into());
        self
    }
    /// `max_age`: the user must have authenticated within this (whole seconds); older
    /// sessions log in again.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }
    /// `ui_locales`: the user's preferred languages for the issuer's pages, in order (BCP 47
    /// tags such as `de-DE`, `en`).
    pub fn ui_locales(mut self, locales: &[&str]) -> Self {
        self.ui_locales = locales.iter().map(|l| (*l).to_owned()).collect();
        self
    }
    /// `claims_locales`: the preferred languages of returned claims (Core 5.2).
    pub fn claims_locales(mut self, locales: &[&str]) -> Self {
        self.claims_locales = locales.iter().map(|l| (*l).to_owned()).collect();
        self
    }
    /// `acr_values`: the authentication context classes asked for, in order of preference.
    pub fn acr_values(mut self, values: &[&str]) -> Self {
        self.acr_values = values.iter().map(|v| (*v).to_owned()).collect();
        self
    }
    /// `display`: `page`, `popup`, `touch` or `wap`.
    pub fn display(mut self, display: impl Into<String>) -> Self {
        self.display = Some(display.into());
        self
    }
    /// Any other parameter (`resource` of RFC 8707, `id_token_hint`, an issuer's extension),
    /// repeatable; parameters the grant sets itself, or this type sets, are refused when the
    /// URL is made ([`PkceError::Parameter`]).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }

    /// Checks the parameters and appends them.
    fn append(&self, url: &mut url::Url) -> Result<(), PkceError> {
        if self.prompt.contains(&Prompt::None) && self.prompt.len() > 1 {
            return Err(PkceError::Parameter {
                name: "prompt".into(),
                reason: "`none` cannot be combined with other values",
            });
        }
        for (name, _) in &self.extra {
            if name.is_empty() {
                return Err(PkceError::Parameter {
                    name: name.clone(),
                    reason: "a parameter needs a name",
                });
            }
            if RESERVED_PARAMETERS.contains(&name.as_str()) {
                return Err(PkceError::Parameter {
                    name: name.clone(),
                    reason: "set by the grant or by its own option",
                });
            }
        }
        let mut query = url.query_pairs_mut();
        let spaced = |values: &[String]| values.join(" ");
        if !self.prompt.is_empty() {
            let prompt: Vec<&str> = self.prompt.iter().map(|p| p.as_str()).collect();
            query.append_pair("prompt", &prompt.join(" "));
        }
        if let Some(hint) = &self.login_hint {
            query.append_pair("login_hint", hint);
        }
        if let Some(max_age) = self.max_age {
            query.append_pair("max_age", &max_age.as_secs().to_string());
        }
        if !self.ui_locales.is_empty() {
            query.append_pair("ui_locales", &spaced(&self.ui_locales));
        }
        if !self.claims_locales.is_empty() {
            query.append_pair("claims_locales", &spaced(&self.claims_locales));
        }
        if !self.acr_values.is_empty() {
            query.append_pair("acr_values", &spaced(&self.acr_values));
        }
        if let Some(display) = &self.display {
            query.append_pair("display", display);
        }
        for (name, value) in &self.extra {
            query.append_pair(name, value);
        }
        Ok(())
    }
}

/// A login in progress.
struct Pending {
    verifier: Secret,
    redirect_uri: String,
    started: Instant,
}

/// The authorization-code grant with PKCE for one public client. Keep one per application:
/// it remembers the logins in progress (their states and verifiers) until their callbacks.
pub struct PkceLogin {
    client_id: String,
    authorize_url: url::Url,
    token_url: url::Url,
    http: reqwest::Client,
    policy: FetchPolicy,
    options: AuthorizeOptions,
    pending: Mutex<HashMap<String, Pending>>,
}

impl fmt::Debug for PkceLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pending = self.pending.lock().map(|p| p.len()).unwrap_or_default();
        f.debug_struct("PkceLogin")
            .field("client_id", &self.client_id)
            .field("authorize_url", &self.authorize_url.as_str())
            .field("token_url", &self.token_url.as_str())
            .field("pending", &pending)
            .finish_non_exhaustive()
    }
}

/// Configures [`PkceLogin`].
#[must_use]
pub struct PkceLoginBuilder {
    client_id: String,
    endpoints: Option<(String, String)>,
    options: AuthorizeOptions,
    policy: FetchPolicy,
}

impl fmt::Debug for PkceLoginBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PkceLoginBuilder")
            .field("client_id", &self.client_id)
            .field("endpoints", &self.endpoints)
            .finish_non_exhaustive()
    }
}

impl PkceLogin {
    /// Configures the grant for a public client (its client id; it has no secret).
    pub fn builder(client_id: impl Into<String>) -> PkceLoginBuilder {
        PkceLoginBuilder {
            client_id: client_id.into(),
            endpoints: None,
            options: AuthorizeOptions::default(),
            policy: FetchPolicy::default(),
        }
    }

    /// The URL to send the user's browser to, asking for `scopes` (plus `openid` and
    /// `offline_access`, always) and the redirect back to `redirect_uri`, with the login's
    /// [`AuthorizeOptions`] (by default `prompt=consent`, which a conforming issuer needs to
    /// grant a refresh token). Each call starts a login with its own state and verifier.
    pub fn authorize_url(
        &self,
        scopes: &[&str],
        redirect_uri: &str,
    ) -> Result<AuthorizationRequest, PkceError> {
        self.authorize_url_with(scopes, redirect_uri, &self.options)
    }

    /// [`authorize_url`](Self::authorize_url) with other authorization parameters for this
    /// login (`prompt`, `login_hint`, `max_age`, `ui_locales`, …).
    pub fn authorize_url_with(
        &self,
        scopes: &[&str],
        redirect_uri: &str,
        options: &AuthorizeOptions,
    ) -> Result<AuthorizationRequest, PkceError> {
        url::Url::parse(redirect_uri).map_err(|_| PkceError::RedirectUri(redirect_uri.into()))?;
        let state = random_text()?;
        let verifier = random_text()?;
        let mut scope: Vec<&str> = PKCE_BASE_SCOPES.to_vec();
        for s in scopes {
            if !scope.contains(s) {
                scope.push(s);
            }
        }
        let mut url = self.authorize_url.clone();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", &scope.join(" "))
            .append_pair("state", &state)
            .append_pair("code_challenge", &pkce_challenge(&verifier))
            .append_pair("code_challenge_method", "S256");
        options.append(&mut url)?;
        let now = self.policy.time.now();
        let mut pending = self.lock();
        pending.retain(|_, p| now.saturating_duration_since(p.started) < LOGIN_TIMEOUT);
        if pending.len() >= MAX_PENDING {
            let oldest = pending
                .iter()
                .min_by_key(|(_, p)| p.started)
                .map(|(s, _)| s.clone());
            if let Some(oldest) = oldest {
                pending.remove(&oldest);
            }
        }
        pending.insert(
            state.clone(),
            Pending {
                verifier: Secret::new(verifier),
                redirect_uri: redirect_uri.to_owned(),
                started: now,
            },
        );
        Ok(AuthorizationRequest { url, state })
    }

    /// Redeems the callback's `code` for the login that handed out `state` (once: the state
    /// is spent whatever the outcome) and returns the user's provider.
    pub async fn exchange(&self, code: &str, state: &str) -> Result<UserAccess, PkceError> {
        let pending = self.lock().remove(state).ok_or(PkceError::UnknownState)?;
        let age = self
            .policy
            .time
            .now()
            .saturating_duration_since(pending.started);
        if age >= LOGIN_TIMEOUT {
            return Err(PkceError::UnknownState);
        }
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "authorization_code")
            .append_pair("code", code)
            .append_pair("redirect_uri", &pending.redirect_uri)
            .append_pair("client_id", &self.client_id)
            .append_pair("code_verifier", pending.verifier.expose())
            .finish();
        // One attempt: a code is redeemed once, a second try could only be refused.
        let request = post_form(&self.http, &self.token_url, form, &self.policy);
        let (token, refresh) = tokio::time::timeout(self.policy.timeout, request)
            .await
            .unwrap_or(Err(TokenError::Timeout(self.policy.timeout)))?;
        Ok(self.access(Some(token), refresh))
    }

    /// [`exchange`](Self::exchange) with the whole redirect URL the browser came back with
    /// (`?code=…&state=…`, or `?error=…` when the issuer refused).
    pub async fn callback(&self, redirect: &url::Url) -> Result<UserAccess, PkceError> {
        let query: HashMap<String, String> = redirect.query_pairs().into_owned().collect();
        let state = query
            .get("state")
            .ok_or(PkceError::MissingParameter("state"))?;
        if let Some(error) = query.get("error") {
            // The login is over either way.
            self.lock().remove(state);
            return Err(PkceError::Denied {
                error: crate::transport::excerpt::ServerText::new(error.clone()),
            });
        }
        let code = query
            .get("code")
            .ok_or(PkceError::MissingParameter("code"))?;
        self.exchange(code, state).await
    }

    /// The provider of a user whose refresh token was kept from an earlier login (see
    /// [`RefreshSource::refresh_token`]): its first request refreshes.
    pub fn resume(&self, refresh_token: impl Into<Secret>) -> UserAccess {
        self.access(None, Some(refresh_token.into()))
    }

    fn access(&self, initial: Option<Token>, refresh: Option<Secret>) -> UserAccess {
        self.policy.cache(RefreshSource {
            http: self.http.clone(),
            token_url: self.token_url.clone(),
            client_id: self.client_id.clone(),
            initial: Mutex::new(initial),
            refresh: Mutex::new(refresh),
            policy: self.policy.clone(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl PkceLoginBuilder {
    /// The identity platform's issuer (e.g. [`crate::app_token::JTL_ISSUER`]; https, or http on
    /// loopback): authorization at `{issuer}/oauth/v2/authorize`, tokens at
    /// `{issuer}/oauth/v2/token`.
    pub fn issuer(self, issuer: &str) -> Self {
        let issuer = issuer.trim_end_matches('/');
        self.endpoints(
            format!("{issuer}{ISSUER_AUTHORIZE_PATH}"),
            format!("{issuer}{ISSUER_TOKEN_PATH}"),
        )
    }
    /// The authorization parameters of every login of this [`PkceLogin`]
    /// ([`PkceLogin::authorize_url`]); default: `prompt=consent`.
    pub fn authorize_options(mut self, options: AuthorizeOptions) -> Self {
        self.options = options;
        self
    }
    /// Any other issuer's authorization and token endpoints (https, or http on loopback).
    pub fn endpoints(mut self, authorize: impl Into<String>, token: impl Into<String>) -> Self {
        self.endpoints = Some((authorize.into(), token.into()));
        self
    }
    token_policy_setters!(refresh);

    /// Checks the endpoints (https unless loopback) and builds the login.
    pub fn build(self) -> Result<PkceLogin, BuildError> {
        let (authorize, token) = self.endpoints.unwrap_or_else(|| {
            (
                format!("{}{ISSUER_AUTHORIZE_PATH}", crate::app_token::JTL_ISSUER),
                format!("{}{ISSUER_TOKEN_PATH}", crate::app_token::JTL_ISSUER),
            )
        });
        let authorize_url = require_secure(&authorize, "authorization endpoint")?;
        let token_url = require_secure(&token, "token endpoint")?;
        let http = self.policy.http_client()?;
        Ok(PkceLogin {
            client_id: self.client_id,
            authorize_url,
            token_url,
            http,
            policy: self.policy,
            options: self.options,
            pending: Mutex::default(),
        })
    }
}

/// A user's access: `Authorization: Bearer <the user's access token>`, refreshed through the
/// refresh token. Attach it to a generated client with `.auth(access)` (or share it with
/// `.auth_shared(Arc::new(access))` and read [`RefreshSource::refresh_token`] through
/// [`CachedBearer::source`] to keep the refresh token for the next start).
pub type UserAccess = CachedBearer<RefreshSource>;

/// The refresh-token grant of one user (RFC 6749, 6), for a public client.
pub struct RefreshSource {
    http: reqwest::Client,
    token_url: url::Url,
    client_id: String,
    /// The token of the code exchange, handed out by the first fetch.
    initial: Mutex<Option<Token>>,
    refresh: Mutex<Option<Secret>>,
    policy: FetchPolicy,
}

impl fmt::Debug for RefreshSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshSource")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl RefreshSource {
    /// The current refresh token (the last one the issuer handed out), to keep for
    /// [`PkceLogin::resume`]; `None` when the issuer gave none (no `offline_access`).
    pub fn refresh_token(&self) -> Option<Secret> {
        self.lock_refresh().clone()
    }

    fn lock_refresh(&self) -> std::sync::MutexGuard<'_, Option<Secret>> {
        self.refresh.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn refresh_once(&self) -> Result<Token, TokenError> {
        let refresh = self
            .lock_refresh()
            .clone()
            .ok_or(TokenError::NoRefreshToken)?;
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "refresh_token")
            .append_pair("refresh_token", refresh.expose())
            .append_pair("client_id", &self.client_id)
            .finish();
        let (token, rotated) = post_form(&self.http, &self.token_url, form, &self.policy).await?;
        if let Some(rotated) = rotated {
            let mut current = self.lock_refresh();
            // Only the token just used is replaced (a concurrent `resume` is not undone).
            if current
                .as_ref()
                .is_some_and(|c| c.expose() == refresh.expose())
            {
                *current = Some(rotated);
            }
        }
        Ok(token)
    }
}

impl TokenSource for RefreshSource {
    fn fetch(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        Box::pin(async move {
            let initial = self
                .initial
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
            match initial {
                Some(token) => Ok(token),
                None => {
                    tracing::debug!("refreshing the user's access token");
                    self.policy.fetch(|| self.refresh_once()).await
                }
            }
        })
    }
}

/// POSTs a token request of a public client and reads the token and any refresh token.
async fn post_form(
    http: &reqwest::Client,
    url: &url::Url,
    form: String,
    policy: &FetchPolicy,
) -> Result<(Token, Option<Secret>), TokenError> {
    let (status, body) = send_token_form(http.post(url.clone()), form).await?;
    let (secret, lifetime) = parse_answer(status, &body)?;
    let refresh = match answer_object(status, &body)?.get("refresh_token") {
        Some(serde_json::Value::String(token)) if !token.is_empty() => {
            Some(Secret::new(token.clone()))
        }
        _ => None,
    };
    let token = Token {
        secret,
        expires_at: policy.expires_at(lifetime.unwrap_or(DEFAULT_TOKEN_LIFETIME)),
    };
    Ok((token, refresh))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_s256_challenge_is_the_rfc_7636_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_and_states_are_43_unreserved_characters_and_differ() {
        let a = random_text().expect("random");
        let b = random_text().expect("random");
        assert_eq!(a.len(), 43);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(a, b);
    }
}
