//! Errors of the client. None of their messages contains a credential.

use std::fmt;

use std::time::Duration;

use http::{HeaderMap, StatusCode};

use crate::auth::AuthError;
use crate::hooks::HookError;

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
/// (headers included) except values that may be secrets.
#[non_exhaustive]
pub struct ApiError<E> {
    /// The operation that failed.
    pub operation: &'static str,
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
        crate::ratelimit::request_id(&self.headers)
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
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
                &self.request_id().map(crate::excerpt::mask_text),
            )
            .finish_non_exhaustive()
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered {}", self.operation, self.status)?;
        if let Some(description) = self.description {
            write!(f, ": {description}")?;
        }
        if let Some(scope) = self.likely_missing_scope {
            write!(f, " (the credentials probably lack scope `{scope}`)")?;
        }
        Ok(())
    }
}

/// Everything a call can fail with. `E` is the operation's documented error body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E: fmt::Debug = ()> {
    /// The request could not be formed (body serialization, a required context value missing).
    #[error("{operation}: invalid request: {reason}")]
    InvalidRequest {
        /// The operation.
        operation: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The operation requires credentials and the client has no auth provider.
    #[error(
        "{operation}: the operation requires authentication and no auth provider is configured"
    )]
    MissingAuth {
        /// The operation.
        operation: &'static str,
    },
    /// The auth provider failed.
    #[error("{operation}: authentication failed: {source}")]
    Auth {
        /// The operation.
        operation: &'static str,
        /// The provider's error.
        #[source]
        source: AuthError,
    },
    /// A user hook stopped the call.
    #[error("{operation}: hook failed: {source}")]
    Hook {
        /// The operation.
        operation: &'static str,
        /// The hook's error.
        #[source]
        source: HookError,
    },
    /// Connecting, sending or receiving failed, or the timeout struck.
    #[error("{operation}: transport error: {source}")]
    Transport {
        /// The operation.
        operation: &'static str,
        /// reqwest's error (its URL is stripped).
        #[source]
        source: reqwest::Error,
    },
    /// The response body exceeds the client's limit; it was not read in full.
    #[error("{operation}: response body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// The operation.
        operation: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// The server's rate-limit window is used up and the client's policy is to fail fast
    /// ([`crate::RateLimitPolicy::FailFast`]) rather than wait.
    #[error("{operation}: rate limit reached; the window reopens in {wait:?}")]
    RateLimited {
        /// The operation.
        operation: &'static str,
        /// How long until the server takes requests again.
        wait: Duration,
    },
    /// The server answered with a non-success status.
    #[error("{0}")]
    Api(ApiError<E>),
    /// A walk through a paged list stopped: the server would have made it loop.
    #[error("{operation}: paged list: {reason}")]
    Paging {
        /// The operation.
        operation: &'static str,
        /// What the server did.
        #[source]
        reason: crate::paging::PagingError,
    },
    /// A success response whose body does not match the document.
    #[error("{operation}: cannot decode the {status} response: {message} (body: `{excerpt}`)")]
    Decode {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// What did not match (position and expectation).
        message: String,
        /// The start of the body, masked like [`ApiError::excerpt`].
        excerpt: String,
    },
}

impl<E: fmt::Debug> Error<E> {
    /// The operation id of the call that failed.
    pub fn operation(&self) -> &'static str {
        match self {
            Error::InvalidRequest { operation, .. }
            | Error::MissingAuth { operation }
            | Error::Auth { operation, .. }
            | Error::Hook { operation, .. }
            | Error::Transport { operation, .. }
            | Error::BodyTooLarge { operation, .. }
            | Error::RateLimited { operation, .. }
            | Error::Paging { operation, .. }
            | Error::Decode { operation, .. } => operation,
            Error::Api(api) => api.operation,
        }
    }

    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the server answered `402 Payment Required`, which JTL's ERP API uses for "no
    /// licence is available, or the app is not authorised by JTL" (no body to read). Nothing a
    /// retry or a new token fixes: the merchant's licence or JTL's approval of the app does.
    pub fn is_no_licence(&self) -> bool {
        matches!(self, Error::Api(api) if api.is_no_licence())
    }
}
