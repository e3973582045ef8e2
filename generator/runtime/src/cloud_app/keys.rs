//! Fetching an issuer's keys, the one way both token verifiers do it: a GET of a JSON document
//! (a discovery document or a key set) with the verifier's retries, read up to a bound, and the
//! one error type that says why it failed.

use std::time::Duration;

use http::StatusCode;

use crate::auth::AuthError;
use crate::time::SharedTimeSource;
use crate::transport::settings::{Retries, retryable_status};

/// Discovery documents and key sets larger than this are refused.
const MAX_BODY: usize = 256 * 1024;

/// Why the issuer's keys (its discovery document or its key set) could not be fetched. Names
/// what failed, never a credential, a key id or the body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeysError {
    /// The auth provider could not supply the credentials of the key set request (the session
    /// verifier sends the app token).
    #[error("no credentials for the key set request")]
    Auth(#[source] AuthError),
    /// Connecting or reading failed.
    #[error("transport error")]
    Transport(#[source] reqwest::Error),
    /// The server answered a non-success status.
    #[error("{what} answered {status}")]
    Status {
        /// `discovery` or `key set`.
        what: &'static str,
        /// The HTTP status.
        status: StatusCode,
    },
    /// The discovery document names another issuer (OpenID Connect Discovery 1.0, 4.3).
    #[error("discovery document names another issuer")]
    IssuerMismatch,
    /// The answer is not what was asked for.
    #[error("malformed answer: {0}")]
    Malformed(&'static str),
    /// No answer within the verifier's timeout.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
}

impl KeysError {
    pub(crate) fn transport(error: reqwest::Error) -> Self {
        Self::Transport(error.without_url())
    }
}

/// The answer of one GET: the body of a success, or the status of another answer.
pub(crate) type Answer = Result<Vec<u8>, StatusCode>;

/// Sends the request `request()` builds (anew for each attempt, so that credentials are set
/// again) through `http`, with `retries` (connection errors, 5xx, 429) on `time`.
pub(crate) async fn get<F, Fut>(
    http: &reqwest::Client,
    retries: &Retries,
    time: &SharedTimeSource,
    request: F,
) -> Result<Answer, KeysError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<reqwest::Request, KeysError>>,
{
    let retry = |outcome: &Result<Answer, KeysError>| match outcome {
        Err(KeysError::Transport(_)) => true,
        Ok(Err(status)) => retryable_status(*status),
        _ => false,
    };
    retries
        .run(time, retry, || async { send(http, request().await?).await })
        .await
}

/// A GET of `url` asking for JSON.
pub(crate) fn json_request(
    http: &reqwest::Client,
    url: &url::Url,
) -> Result<reqwest::Request, KeysError> {
    http.get(url.clone())
        .header(http::header::ACCEPT, "application/json")
        .build()
        .map_err(KeysError::transport)
}

/// Sends `request` once and reads a success's body up to [`MAX_BODY`].
async fn send(http: &reqwest::Client, request: reqwest::Request) -> Result<Answer, KeysError> {
    let mut response = http.execute(request).await.map_err(KeysError::transport)?;
    let status = response.status();
    if !status.is_success() {
        return Ok(Err(status));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(KeysError::transport)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(KeysError::Malformed("body larger than 256 KiB"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Ok(body))
}
