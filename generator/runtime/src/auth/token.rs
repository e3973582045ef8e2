//! Cached bearer tokens: reuse until shortly before expiry, one fetch for any number of
//! concurrent callers, one refresh after a 401.

use std::fmt;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use http::header::AUTHORIZATION;
use http::{HeaderValue, StatusCode};

use super::{AuthError, AuthProvider, BoxFuture, sensitive_value};
use crate::backoff::Backoff;
use crate::operation::Operation;
use crate::types::Secret;

/// Tokens are refreshed when less than this remains (the vendor asks for 5 minutes).
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

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

/// Why a token could not be obtained. Messages carry status and error codes, never a secret.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The endpoint refused the request with an RFC 6749 error (`invalid_client`, …).
    #[error("token endpoint refused the request ({status}): {error}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Rejected {
        /// The HTTP status.
        status: StatusCode,
        /// The RFC 6749 error code.
        error: String,
        /// The server's explanation.
        description: Option<String>,
    },
    /// The endpoint answered a status without a usable body (5xx after the retries, a 4xx
    /// without an RFC 6749 body).
    #[error("token endpoint answered {status}")]
    Status {
        /// The HTTP status.
        status: StatusCode,
    },
    /// A success answer that is not a token.
    #[error("token endpoint answered {status} with a body that is not a token: {reason}")]
    Malformed {
        /// The HTTP status.
        status: StatusCode,
        /// What did not fit.
        reason: String,
    },
    /// The endpoint could not be reached.
    #[error("token endpoint unreachable: {0}")]
    Transport(#[source] reqwest::Error),
    /// No answer within the provider's timeout (retries included).
    #[error("token endpoint did not answer within {0:?}")]
    Timeout(Duration),
}

/// Obtains fresh tokens; [`CachedBearer`] decides when.
pub trait TokenSource: Send + Sync + fmt::Debug {
    /// Fetches a new token.
    fn fetch(&self) -> BoxFuture<'_, Result<Token, TokenError>>;
}

/// A bearer-token provider over any [`TokenSource`]: the token is reused until less than the
/// margin remains; concurrent callers wait for one fetch; a 401 to the current token discards it
/// so that the single retry gets a fresh one.
pub struct CachedBearer<S> {
    source: S,
    margin: Duration,
    current: RwLock<Option<Token>>,
    refresh: tokio::sync::Mutex<()>,
}

impl<S: TokenSource> CachedBearer<S> {
    /// Caches the tokens of `source`, refreshing `margin` before expiry.
    pub fn new(source: S, margin: Duration) -> Self {
        Self {
            source,
            margin,
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// The source.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// A token with more than the margin left: the cached one, or a fresh one.
    pub async fn token(&self) -> Result<Secret, TokenError> {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        // Single flight: one caller fetches, the others wait here and find the new token.
        let _gate = self.refresh.lock().await;
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        tracing::debug!("fetching a new access token");
        let token = self.source.fetch().await?;
        let secret = token.secret.clone();
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(token);
        Ok(secret)
    }

    fn fresh(&self) -> Option<Secret> {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        current
            .as_ref()
            .filter(|t| t.expires_at.saturating_duration_since(Instant::now()) > self.margin)
            .map(|t| t.secret.clone())
    }

    /// Drops the cached token if it is the one that was refused.
    fn discard(&self, used: Option<&HeaderValue>) {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        let refused = match (current.as_ref(), used) {
            (Some(token), Some(used)) => {
                used.as_bytes() == format!("Bearer {}", token.secret.expose()).as_bytes()
            }
            (Some(_), None) => true,
            (None, _) => false,
        };
        if refused {
            *current = None;
        }
    }
}

impl<S> fmt::Debug for CachedBearer<S>
where
    S: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedBearer")
            .field("source", &self.source)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

impl<S: TokenSource> AuthProvider for CachedBearer<S> {
    fn authorize<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(async move {
            let token = self.token().await?;
            let value = sensitive_value(&format!("Bearer {}", token.expose()), "authorization")?;
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
            self.discard(used);
            Ok(true)
        })
    }
}

/// Token answers larger than this are refused.
const MAX_TOKEN_BODY: usize = 64 * 1024;

/// How a token source fetches, shared by the client-credentials grant and the SCX exchange.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FetchPolicy {
    /// Refresh when less than this remains.
    pub margin: Duration,
    /// Longest wait for a token, retries included.
    pub timeout: Duration,
    /// Retries after a transport error or 5xx.
    pub retries: u32,
    /// The waits between them.
    pub backoff: Backoff,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        Self {
            margin: DEFAULT_REFRESH_MARGIN,
            timeout: Duration::from_secs(10),
            retries: 2,
            backoff: Backoff::new(Duration::from_millis(100), Duration::from_secs(2)),
        }
    }
}

impl FetchPolicy {
    /// The HTTP client of a token source: the policy's timeouts, same-origin redirects only.
    pub(crate) fn http_client(&self) -> Result<reqwest::Client, crate::error::BuildError> {
        reqwest::Client::builder()
            .connect_timeout(self.timeout)
            .timeout(self.timeout)
            .redirect(crate::security::same_origin_redirects())
            .build()
            .map_err(crate::error::BuildError::Http)
    }

    /// Runs `attempt` with the policy's retries, all within its timeout.
    pub(crate) async fn fetch<F, Fut>(&self, attempt: F) -> Result<Token, TokenError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<Token, TokenError>>,
    {
        with_retries(self.retries, self.backoff, self.timeout, attempt).await
    }
}

/// Reads a token endpoint's answer body, refusing more than [`MAX_TOKEN_BODY`] bytes.
pub(crate) async fn read_token_body(
    mut response: reqwest::Response,
) -> Result<Vec<u8>, TokenError> {
    let limit = MAX_TOKEN_BODY;
    let status = response.status();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| TokenError::Transport(e.without_url()))?
    {
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

/// Runs `attempt` with bounded retries (transport errors and 5xx), backing off between tries,
/// all within `timeout`.
async fn with_retries<F, Fut>(
    retries: u32,
    backoff: Backoff,
    timeout: Duration,
    mut attempt: F,
) -> Result<Token, TokenError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Token, TokenError>>,
{
    let run = async {
        let mut tried = 0;
        loop {
            match attempt().await {
                Err(e) if tried < retries && retryable(&e) => {
                    let pause = backoff.delay(tried);
                    tried += 1;
                    tracing::debug!(error = %e, attempt = tried, "token request failed; retrying");
                    tokio::time::sleep(pause).await;
                }
                other => return other,
            }
        }
    };
    tokio::time::timeout(timeout, run)
        .await
        .unwrap_or(Err(TokenError::Timeout(timeout)))
}

fn retryable(error: &TokenError) -> bool {
    match error {
        TokenError::Transport(_) => true,
        TokenError::Status { status } => status.is_server_error(),
        _ => false,
    }
}
