//! Errors of the client. None of their messages contains a credential.

use std::fmt;

use std::time::Duration;

use http::{HeaderMap, StatusCode};

use crate::auth::AuthError;
use crate::transport::hooks::HookError;

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL does not parse or is not http(s).
    #[error("invalid base URL `{url}`: {reason}")]
    BaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Credentials would travel over plain HTTP to a host that is not loopback.
    #[error("{what} `{url}` must use https (plain http is allowed for loopback only)")]
    InsecureUrl {
        /// The URL as given.
        url: String,
        /// Which URL (base URL, token URL, …).
        what: &'static str,
    },
    /// A context value breaks a vendor rule.
    #[error("invalid request context: {0}")]
    Context(String),
    /// reqwest could not build its client (TLS backend).
    #[error("cannot build the HTTP client")]
    Http(#[source] reqwest::Error),
}

/// A documented or undocumented non-success answer of the server, with everything it said
/// (headers included) except values that may be secrets. The operation is the [`Error`]'s.
#[non_exhaustive]
pub struct ApiError<E> {
    /// The HTTP status.
    pub status: StatusCode,
    /// What the document says this status means, if it lists it.
    pub description: Option<&'static str>,
    /// The error body, when the server sent one the operation's error type could read.
    pub body: Option<E>,
    /// The start of the raw body, masked: JSON string values as `"…"`, other bodies keep only
    /// punctuation and short words.
    pub excerpt: String,
    /// On a 403: the scope the operation needs, which the credentials probably lack.
    pub likely_missing_scope: Option<&'static str>,
    /// The response headers, boxed to keep `Error` small on the success path.
    pub(crate) headers: Box<HeaderMap>,
    /// `Retry-After`, read when the answer arrived (a date is relative to that moment).
    pub(crate) retry_after: Option<Duration>,
}

impl<E> ApiError<E> {
    /// Whether the status is 402: "no licence, or the app is not authorised by JTL".
    pub fn is_no_licence(&self) -> bool {
        self.status == StatusCode::PAYMENT_REQUIRED
    }
    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The server's `Retry-After` (seconds, or an HTTP date measured from when the answer
    /// arrived on the client's clock), if it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
    /// The vendor's `X-RateLimit-*` headers, if the answer carried any.
    pub fn rate_limit(&self) -> Option<crate::RateLimit> {
        crate::RateLimit::from_headers(&self.headers)
    }
    /// The server's request id (`X-Request-Id`, `Request-Id`, `X-Correlation-Id`, `traceparent`).
    pub fn request_id(&self) -> Option<&str> {
        crate::transport::ratelimit::request_id(&self.headers)
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("description", &self.description)
            // The decoded body may echo a credential; `body` is there for code to read.
            .field("body", &self.body.as_ref().map(|_| "…"))
            .field("excerpt", &self.excerpt)
            .field("likely_missing_scope", &self.likely_missing_scope)
            .field("retry_after", &self.retry_after())
            .field("rate_limit", &self.rate_limit())
            .field(
                "request_id",
                &self.request_id().map(crate::transport::excerpt::mask_text),
            )
            .finish_non_exhaustive()
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "answered {}", self.status)?;
        if let Some(description) = self.description {
            write!(f, ": {description}")?;
        }
        if let Some(scope) = self.likely_missing_scope {
            write!(f, " (the credentials probably lack scope `{scope}`)")?;
        }
        Ok(())
    }
}

/// Everything a call can fail with: the operation that failed, said once, and what went wrong
/// ([`ErrorKind`]), as reqwest's and the AWS SDK's errors are shaped. `E` is the operation's
/// documented error body; no bound on it is needed to build, return or display an error.
pub struct Error<E = ()> {
    operation: &'static str,
    kind: ErrorKind<E>,
}

/// What went wrong in a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind<E = ()> {
    /// The request could not be formed (body serialization, a required context value missing).
    #[error("invalid request: {reason}")]
    InvalidRequest {
        /// What is wrong.
        reason: String,
    },
    /// The operation requires credentials and the client has no auth provider.
    #[error("the operation requires authentication and no auth provider is configured")]
    MissingAuth,
    /// The auth provider failed.
    #[error("authentication failed: {0}")]
    Auth(#[source] AuthError),
    /// A user hook stopped the call.
    #[error("hook failed: {0}")]
    Hook(#[source] HookError),
    /// Connecting, sending or receiving failed, or the timeout struck (reqwest's error, its URL
    /// stripped).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// The response body exceeds the client's limit; it was not read in full.
    #[error("response body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The server's rate-limit window is used up and the client's policy is to fail fast
    /// ([`crate::RateLimitPolicy::FailFast`]) rather than wait.
    #[error("rate limit reached; the window reopens in {wait:?}")]
    RateLimited {
        /// How long until the server takes requests again.
        wait: Duration,
    },
    /// The server answered with a non-success status.
    #[error("{0}")]
    Api(ApiError<E>),
    /// A walk through a paged list stopped: the server would have made it loop.
    #[error("paged list: {0}")]
    Paging(#[source] crate::transport::paging::PagingError),
    /// A success response whose body does not match the document.
    #[error("cannot decode the {status} response: {message} (body: `{excerpt}`)")]
    Decode {
        /// The HTTP status.
        status: StatusCode,
        /// What did not match (position and expectation).
        message: String,
        /// The start of the body, masked like [`ApiError::excerpt`].
        excerpt: String,
    },
}

impl<E> Error<E> {
    /// The error of `operation` (an operation id).
    pub fn new(operation: &'static str, kind: ErrorKind<E>) -> Self {
        Self { operation, kind }
    }

    /// The operation id of the call that failed.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind<E> {
        &self.kind
    }

    /// What went wrong, owned (to take the decoded error body out of [`ErrorKind::Api`]).
    pub fn into_kind(self) -> ErrorKind<E> {
        self.kind
    }

    /// The server's non-success answer, when that is what the call failed with.
    pub fn api(&self) -> Option<&ApiError<E>> {
        match &self.kind {
            ErrorKind::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.kind {
            ErrorKind::Api(api) => Some(api.status),
            ErrorKind::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the server answered `402 Payment Required`, which JTL's ERP API uses for "no
    /// licence is available, or the app is not authorised by JTL" (no body to read). Nothing a
    /// retry or a new token fixes: the merchant's licence or JTL's approval of the app does.
    pub fn is_no_licence(&self) -> bool {
        self.api().is_some_and(ApiError::is_no_licence)
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("operation", &self.operation)
            .field("kind", &self.kind)
            .finish()
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            // `GetStatus answered 404 Not Found: …`
            ErrorKind::Api(api) => write!(f, "{} {api}", self.operation),
            kind => write!(f, "{}: {kind}", self.operation),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Auth(source) => Some(source),
            ErrorKind::Hook(source) => Some(source),
            ErrorKind::Transport(source) => Some(source),
            ErrorKind::Paging(source) => Some(source),
            _ => None,
        }
    }
}
