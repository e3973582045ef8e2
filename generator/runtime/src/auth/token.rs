//! Cached bearer tokens: reuse until shortly before expiry, one fetch for any number of
//! concurrent callers, one refresh after a 401.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use http::header::AUTHORIZATION;
use http::{HeaderValue, StatusCode};

use super::{AuthError, AuthProvider, BoxFuture, sensitive_value};
use crate::fleet::{FleetToken, FleetTokenStore};
use crate::time::SharedTimeSource;
use crate::transport::backoff::Backoff;
use crate::transport::excerpt::ServerText;
use crate::transport::operation::Operation;
use crate::types::Secret;

/// Tokens are refreshed when less than this remains (the vendor asks for 5 minutes).
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// How long the error of a failed fetch answers every caller before the next fetch may start.
pub const DEFAULT_FAILURE_WINDOW: Duration = Duration::from_secs(1);

/// An access token and when it expires.
#[derive(Clone)]
pub struct Token {
    /// The token.
    pub secret: Secret,
    /// When the server stops accepting it.
    pub expires_at: Instant,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("secret", &self.secret)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Why a token could not be obtained. Messages carry status and error codes, never a secret
/// (nor any value of the answer: a token under a wrong type would otherwise be quoted).
/// `Clone`, because concurrent callers share the outcome of one fetch.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The endpoint refused the request with an RFC 6749 error (`invalid_client`, …).
    #[error("token endpoint refused the request ({status}): {error}{}", description.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    Rejected {
        /// The HTTP status.
        status: StatusCode,
        /// The RFC 6749 error code (shown only when it is a registered one).
        error: ServerText,
        /// The server's explanation (shown masked: a server may echo a credential into it).
        description: Option<ServerText>,
    },
    /// The endpoint answered a status without a usable body (5xx after the retries, a 4xx
    /// without an RFC 6749 body).
    #[error("token endpoint answered {status}")]
    Status {
        /// The HTTP status.
        status: StatusCode,
    },
    /// A success answer without an access token (missing, empty or not a string).
    #[error("token endpoint answered {status} without an access token")]
    MissingToken {
        /// The HTTP status.
        status: StatusCode,
    },
    /// A success answer whose lifetime (`expires_in`, `expiresIn`, `tokenExpireAt`) is not a
    /// number of seconds (or a date).
    #[error("token endpoint answered {status} with a lifetime that is not a number")]
    BadLifetime {
        /// The HTTP status.
        status: StatusCode,
    },
    /// A success answer that is not a token.
    #[error("token endpoint answered {status} with a body that is not a token: {reason}")]
    Malformed {
        /// The HTTP status.
        status: StatusCode,
        /// What did not fit (no value of the body).
        reason: String,
    },
    /// The endpoint could not be reached.
    #[error("token endpoint unreachable: {0}")]
    Transport(#[source] Arc<reqwest::Error>),
    /// A user's access token expired and there is no refresh token (the issuer gave none:
    /// ask for `offline_access`); the user must log in again.
    #[error("no refresh token: the user must log in again")]
    NoRefreshToken,
    /// No token within the provider's timeout (retries and the wait for another caller's fetch
    /// included).
    #[error("token endpoint did not answer within {0:?}")]
    Timeout(Duration),
}

impl TokenError {
    pub(crate) fn transport(error: reqwest::Error) -> Self {
        Self::Transport(Arc::new(error.without_url()))
    }
}

/// Obtains fresh tokens; [`CachedBearer`] decides when.
pub trait TokenSource: Send + Sync + fmt::Debug {
    /// Fetches a new token.
    fn fetch(&self) -> BoxFuture<'_, Result<Token, TokenError>>;
}

/// A bearer-token provider over any [`TokenSource`]: the token is reused until less than the
/// margin remains; concurrent callers share one fetch and its outcome, success or error; a 401
/// to the current token discards it so that the single retry gets a fresh one. Every caller's
/// wait, for its own fetch or another's, is bounded by the provider's timeout.
///
/// The single-flight promise, exactly: at most one fetch runs at a time, and after a failed
/// fetch no other starts within the failure window (on the provider's clock): callers that
/// arrive in it get the same error at once. So a failing endpoint sees at most one fetch (its
/// retries included) per window, however many callers there are and however the scheduler
/// orders them; a caller that arrives just after a fetch *succeeded* takes its token.
pub struct CachedBearer<S> {
    source: S,
    margin: Duration,
    timeout: Duration,
    failure_window: Duration,
    time: SharedTimeSource,
    state: Mutex<State>,
    /// The fleet's cache, when replicas share one token.
    fleet: Option<Arc<dyn FleetTokenStore>>,
}

/// How often a replica looks for the token another replica is fetching.
const SHARED_POLL: Duration = Duration::from_millis(20);

#[derive(Default)]
struct State {
    /// The token and its `Authorization` value, built once per token rather than per request.
    current: Option<(Token, HeaderValue)>,
    /// The fetch in progress: where its outcome will be published.
    flight: Option<Outcome>,
    /// The error of the last fetch and when its failure window closes.
    failed: Option<(TokenError, Instant)>,
}

type Outcome = watch::Receiver<Option<Result<Token, TokenError>>>;

/// What a caller without a fresh token does: fetch, or wait for the fetch in progress.
enum Step {
    Lead(watch::Sender<Option<Result<Token, TokenError>>>),
    Wait(Outcome),
}

impl<S: TokenSource> CachedBearer<S> {
    /// Caches the tokens of `source`, refreshing `margin` before expiry; callers wait at most
    /// 10 s for a token.
    pub fn new(source: S, margin: Duration) -> Self {
        Self {
            source,
            margin,
            timeout: Duration::from_secs(10),
            failure_window: DEFAULT_FAILURE_WINDOW,
            time: SharedTimeSource::default(),
            state: Mutex::default(),
            fleet: None,
        }
    }

    /// Shares the token with the other replicas of a fleet through `store`: when the token is
    /// missing or due, one replica fetches and the others read its result; a failing store
    /// falls back to this provider's own fetch. The store holds a bearer credential: see
    /// [`crate::fleet`].
    pub fn with_fleet_store(mut self, store: Arc<dyn FleetTokenStore>) -> Self {
        self.fleet = Some(store);
        self
    }

    /// The longest any caller waits for a token, another caller's fetch included.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long the error of a failed fetch is handed to every caller before the next fetch
    /// may start (default [`DEFAULT_FAILURE_WINDOW`](crate::auth::DEFAULT_FAILURE_WINDOW); zero lets the next caller fetch at once).
    pub fn with_failure_window(mut self, window: Duration) -> Self {
        self.failure_window = window;
        self
    }

    /// The clock that decides whether a token is still fresh.
    pub fn with_time_source(mut self, time: SharedTimeSource) -> Self {
        self.time = time;
        self
    }

    /// The source.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// A token with more than the margin left: the cached one, or a fresh one.
    pub async fn token(&self) -> Result<Secret, TokenError> {
        if let Some(token) = self.fresh(&self.lock()) {
            return Ok(token);
        }
        self.shared_fetch(tokio::time::Instant::now() + self.timeout)
            .await
    }

    /// Single flight: the first caller fetches and publishes the outcome; the others wait for
    /// it and share it, error included, instead of running fetches of their own. Everything
    /// this caller does ends by `deadline`. A leader's deadline ends its *fetch* (a published
    /// timeout, which the failure window then holds), never just its wait: a leader dropped by
    /// its own timeout would hand the fetch to a waiter, and the endpoint would see a second.
    async fn shared_fetch(&self, deadline: tokio::time::Instant) -> Result<Secret, TokenError> {
        let timed_out = || TokenError::Timeout(self.timeout);
        loop {
            let step = {
                let mut state = self.lock();
                if let Some(token) = self.fresh(&state) {
                    return Ok(token);
                }
                if let Some(error) = self.recent_failure(&state) {
                    return Err(error);
                }
                match &state.flight {
                    Some(outcome) => Step::Wait(outcome.clone()),
                    None => {
                        let (publish, outcome) = watch::channel(None);
                        state.flight = Some(outcome);
                        Step::Lead(publish)
                    }
                }
            };
            let mut outcome = match step {
                Step::Lead(publish) => return self.lead(publish, deadline).await,
                Step::Wait(outcome) => outcome,
            };
            match tokio::time::timeout_at(deadline, outcome.wait_for(Option::is_some)).await {
                Err(_) => return Err(timed_out()),
                Ok(Ok(result)) => {
                    return result.clone().expect("waited for Some").map(|t| t.secret);
                }
                Ok(Err(_closed)) => {}
            }
            // The channel closed without an outcome: its leader was dropped mid-fetch (a caller
            // gave up, a task was aborted). Clear that flight, unless another waiter already
            // did and a new one started, and go round: this caller leads or waits anew.
            let mut state = self.lock();
            if state
                .flight
                .as_ref()
                .is_some_and(|current| current.same_channel(&outcome))
            {
                state.flight = None;
            }
        }
    }

    /// Fetches and publishes the outcome. Only the leader of the current flight runs this, so
    /// the flight it clears is its own; dropped mid-fetch, it leaves its closed channel behind
    /// for the next caller to clear.
    async fn lead(
        &self,
        publish: watch::Sender<Option<Result<Token, TokenError>>>,
        deadline: tokio::time::Instant,
    ) -> Result<Secret, TokenError> {
        tracing::debug!("fetching a new access token");
        let outcome = tokio::time::timeout_at(deadline, self.obtain())
            .await
            .unwrap_or(Err(TokenError::Timeout(self.timeout)));
        {
            let mut state = self.lock();
            match &outcome {
                Ok(token) => {
                    // A token that cannot be a header value fails in `authorize`, as before.
                    state.current = bearer_value(&token.secret)
                        .ok()
                        .map(|value| (token.clone(), value));
                    state.failed = None;
                }
                Err(error) => {
                    let until = self.time.now() + self.failure_window;
                    state.failed = Some((error.clone(), until));
                }
            }
            state.flight = None;
        }
        publish.send_replace(Some(outcome.clone()));
        outcome.map(|t| t.secret)
    }

    /// A new token: from the fleet's store when one is shared, else (or when the store fails)
    /// from the source.
    async fn obtain(&self) -> Result<Token, TokenError> {
        let Some(store) = &self.fleet else {
            return self.source.fetch().await;
        };
        loop {
            match store.load().await {
                Ok(Some(token)) => {
                    if let Some(token) = self.usable(token) {
                        tracing::debug!("using the fleet's access token");
                        return Ok(token);
                    }
                }
                Ok(None) => {}
                Err(_) => return self.source.fetch().await,
            }
            match store.try_lock(self.timeout).await {
                Ok(Some(lock)) => {
                    // Another replica may have stored a token between the look and the lock.
                    if let Ok(Some(token)) = store.load().await
                        && let Some(token) = self.usable(token)
                    {
                        let _ = store.release(&lock).await;
                        return Ok(token);
                    }
                    tracing::debug!("fetching the access token for the fleet");
                    let outcome = self.source.fetch().await;
                    let _ = match &outcome {
                        Ok(token) => {
                            let now = self.time.wall_clock();
                            let shared = FleetToken {
                                secret: token.secret.clone(),
                                expires_at: now
                                    + token.expires_at.saturating_duration_since(self.time.now()),
                            };
                            store.store(&shared, now, &lock).await
                        }
                        Err(_) => store.release(&lock).await,
                    };
                    return outcome;
                }
                // Another replica fetches: its result appears in the store (the lead's
                // deadline bounds the wait; the lock's TTL outlives a dead holder by no more).
                Ok(None) => tokio::time::sleep(SHARED_POLL).await,
                Err(_) => return self.source.fetch().await,
            }
        }
    }

    /// A stored token as a local one, if more than the margin remains.
    fn usable(&self, token: FleetToken) -> Option<Token> {
        let left = token
            .expires_at
            .duration_since(self.time.wall_clock())
            .ok()?;
        (left > self.margin).then(|| Token {
            secret: token.secret,
            expires_at: self.time.now() + left,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The error of the last fetch while its failure window is open.
    fn recent_failure(&self, state: &State) -> Option<TokenError> {
        let (error, until) = state.failed.as_ref()?;
        (self.time.now() < *until).then(|| error.clone())
    }

    fn fresh(&self, state: &State) -> Option<Secret> {
        self.fresh_entry(state)
            .map(|(token, _)| token.secret.clone())
    }

    fn fresh_entry<'s>(&self, state: &'s State) -> Option<&'s (Token, HeaderValue)> {
        let now = self.time.now();
        state
            .current
            .as_ref()
            .filter(|(t, _)| t.expires_at.saturating_duration_since(now) > self.margin)
    }

    /// The `Authorization` value of a fresh token: the cached one, or one of a new token.
    async fn authorization(&self) -> Result<HeaderValue, AuthError> {
        if let Some((_, value)) = self.fresh_entry(&self.lock()) {
            return Ok(value.clone());
        }
        let token = self.token().await?;
        bearer_value(&token)
    }

    /// Drops the cached token if it is the one that was refused; returns it.
    fn discard(&self, used: Option<&HeaderValue>) -> Option<Secret> {
        let mut state = self.lock();
        let refused = match (state.current.as_ref(), used) {
            (Some((_, value)), Some(used)) => used.as_bytes() == value.as_bytes(),
            (Some(_), None) => true,
            (None, _) => false,
        };
        if refused {
            return state.current.take().map(|(token, _)| token.secret);
        }
        None
    }
}

impl<S> fmt::Debug for CachedBearer<S>
where
    S: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("CachedBearer");
        debug
            .field("source", &self.source)
            .field("margin", &self.margin)
            .field("timeout", &self.timeout)
            .field("failure_window", &self.failure_window);
        if let Some(fleet) = &self.fleet {
            debug.field("fleet", fleet);
        }
        debug.finish_non_exhaustive()
    }
}

impl<S: TokenSource> AuthProvider for CachedBearer<S> {
    fn authorize<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(async move {
            let value = self.authorization().await?;
            request.headers_mut().insert(AUTHORIZATION, value);
            Ok(())
        })
    }

    fn on_unauthorized<'a>(
        &'a self,
        used: Option<&'a HeaderValue>,
        _operation: &'a Operation,
    ) -> BoxFuture<'a, Result<bool, AuthError>> {
        Box::pin(async move {
            let refused = self.discard(used);
            if let (Some(store), Some(refused)) = (&self.fleet, refused) {
                // Best effort: a failing store is already logged.
                let _ = store.discard(&refused).await;
            }
            Ok(true)
        })
    }
}

/// `Bearer <token>`, marked sensitive.
fn bearer_value(token: &Secret) -> Result<HeaderValue, AuthError> {
    sensitive_value(
        &format!("Bearer {}", token.expose()),
        &reqwest::header::AUTHORIZATION,
    )
}

/// Token answers larger than this are refused.
const MAX_TOKEN_BODY: usize = 64 * 1024;

/// How a token source fetches, shared by the client-credentials grant and the SCX exchange.
#[derive(Clone)]
pub(crate) struct FetchPolicy {
    /// Refresh once no more than this remains.
    pub margin: Duration,
    /// Longest wait for a token, retries included.
    pub timeout: Duration,
    /// Retries after a transport error or 5xx.
    pub retries: u32,
    /// The waits between them.
    pub backoff: Backoff,
    /// How long a failed fetch's error answers every caller.
    pub failure_window: Duration,
    /// The clock of lifetimes and waits.
    pub time: SharedTimeSource,
    /// The fleet's token cache, if replicas share one.
    pub fleet: Option<Arc<dyn FleetTokenStore>>,
    /// The user's reqwest settings.
    configure_http: Option<crate::transport::settings::ConfigureHttp>,
}

impl std::fmt::Debug for FetchPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchPolicy")
            .field("margin", &self.margin)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("failure_window", &self.failure_window)
            .finish_non_exhaustive()
    }
}

impl Default for FetchPolicy {
    fn default() -> Self {
        Self {
            margin: DEFAULT_REFRESH_MARGIN,
            timeout: Duration::from_secs(10),
            retries: 2,
            backoff: Backoff::new(Duration::from_millis(100), Duration::from_secs(2)),
            failure_window: DEFAULT_FAILURE_WINDOW,
            time: SharedTimeSource::default(),
            fleet: None,
            configure_http: None,
        }
    }
}

impl FetchPolicy {
    /// The HTTP client of a token source: the policy's timeouts, the user's transport settings
    /// (`configure`), then same-origin redirects only, which no setting can undo.
    pub(crate) fn http_client(
        &self,
    ) -> Result<reqwest::Client, crate::transport::error::BuildError> {
        crate::transport::security::http_client(self.timeout, self.configure_http.as_ref())
    }

    /// Runs `attempt` with the policy's retries, all within its timeout.
    pub(crate) async fn fetch<F, Fut>(&self, attempt: F) -> Result<Token, TokenError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<Token, TokenError>>,
    {
        with_retries(self, attempt).await
    }

    /// Takes the settings `transport` sets (timeout, retries, backoff, clock, connect timeout and
    /// `configure_http`).
    pub(crate) fn apply(&mut self, transport: &crate::HttpSettings) {
        if let Some(timeout) = transport.timeout {
            self.timeout = timeout;
        }
        if let Some(retries) = transport.retries {
            self.retries = retries;
        }
        if let Some(backoff) = transport.backoff {
            self.backoff = backoff;
        }
        if let Some(time) = &transport.time {
            self.time = time.clone();
        }
        self.configure_http = transport.compose(self.configure_http.take(), true);
    }

    /// A provider caching `source` under this policy.
    pub(crate) fn cache<S: TokenSource>(&self, source: S) -> CachedBearer<S> {
        let cache = CachedBearer::new(source, self.margin)
            .with_timeout(self.timeout)
            .with_failure_window(self.failure_window)
            .with_time_source(self.time.clone());
        match &self.fleet {
            Some(store) => cache.with_fleet_store(store.clone()),
            None => cache,
        }
    }

    /// When a token living `lifetime` from now expires.
    pub(crate) fn expires_at(&self, lifetime: Duration) -> Instant {
        self.time.now() + lifetime
    }
}

/// A lifetime in seconds written as a JSON number or a numeric string (`3600`, `"3600"`,
/// `3600.0`); `None` when absent or null, `Err` when it is something else.
pub(crate) fn seconds(value: Option<&serde_json::Value>) -> Result<Option<Duration>, ()> {
    let number = match value {
        None | Some(serde_json::Value::Null) => return Ok(None),
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    // `try_from_secs_f64` refuses what is no lifetime: negative, NaN, infinite, too large.
    let number = number.ok_or(())?;
    Duration::try_from_secs_f64(number)
        .map(Some)
        .map_err(|_| ())
}

/// A success answer as a JSON object, or why it is not a token (no value of it quoted).
pub(crate) fn answer_object(
    status: StatusCode,
    body: &[u8],
) -> Result<serde_json::Map<String, serde_json::Value>, TokenError> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(TokenError::Malformed {
            status,
            reason: "the body is not a JSON object".to_owned(),
        }),
        Err(e) => Err(TokenError::Malformed {
            status,
            reason: crate::transport::excerpt::masked_message(&e.to_string()),
        }),
    }
}

/// The access token under `key`: a non-empty string.
pub(crate) fn access_token(
    status: StatusCode,
    answer: &serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Result<Secret, TokenError> {
    match answer.get(key) {
        Some(serde_json::Value::String(token)) if !token.is_empty() => {
            Ok(Secret::new(token.clone()))
        }
        _ => Err(TokenError::MissingToken { status }),
    }
}

/// Reads a token endpoint's answer body, refusing more than [`MAX_TOKEN_BODY`] bytes.
pub(crate) async fn read_token_body(
    mut response: reqwest::Response,
) -> Result<Vec<u8>, TokenError> {
    let limit = MAX_TOKEN_BODY;
    let status = response.status();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(TokenError::transport)? {
        if body.len() + chunk.len() > limit {
            return Err(TokenError::Malformed {
                status,
                reason: format!("body larger than {limit} bytes"),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Runs `attempt` with bounded retries (transport errors, 5xx, 429), backing off between tries,
/// all within the policy's timeout.
async fn with_retries<F, Fut>(policy: &FetchPolicy, mut attempt: F) -> Result<Token, TokenError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Token, TokenError>>,
{
    let run = async {
        let mut tried = 0;
        loop {
            match attempt().await {
                Err(e) if tried < policy.retries && retryable(&e) => {
                    let pause = policy.backoff.delay(tried);
                    tried += 1;
                    tracing::debug!(error = %e, attempt = tried, "token request failed; retrying");
                    policy.time.sleep(pause).await;
                }
                other => return other,
            }
        }
    };
    tokio::time::timeout(policy.timeout, run)
        .await
        .unwrap_or(Err(TokenError::Timeout(policy.timeout)))
}

fn retryable(error: &TokenError) -> bool {
    match error {
        TokenError::Transport(_) => true,
        TokenError::Status { status } => {
            status.is_server_error() || *status == StatusCode::TOO_MANY_REQUESTS
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lifetimes_are_seconds_as_numbers_or_numeric_strings() {
        let secs = |value: serde_json::Value| seconds(Some(&value));
        assert_eq!(secs(json!(3600)), Ok(Some(Duration::from_secs(3600))));
        assert_eq!(secs(json!(0.5)), Ok(Some(Duration::from_millis(500))));
        assert_eq!(secs(json!(" 3600 ")), Ok(Some(Duration::from_secs(3600))));
        assert_eq!(secs(json!(0)), Ok(Some(Duration::ZERO)));
        assert_eq!(seconds(None), Ok(None));
        assert_eq!(secs(json!(null)), Ok(None));
        for refused in [
            json!(-1),
            json!("-0.5"),
            json!("NaN"),
            json!("inf"),
            json!(1e300),
            json!("soon"),
            json!(true),
            json!([3600]),
        ] {
            assert_eq!(secs(refused.clone()), Err(()), "{refused}");
        }
    }
}
