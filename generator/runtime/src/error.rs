//! Errors of the client. None of their messages contains a credential.

use std::fmt;

use http::StatusCode;

use crate::auth::AuthError;
use crate::hooks::HookError;

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
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

/// A documented or undocumented non-success answer of the server.
pub struct ApiError<E> {
    /// The operation that failed.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// What the document says this status means, if it lists it.
    pub description: Option<&'static str>,
    /// The error body, when the server sent one the operation's error type could read.
    pub body: Option<E>,
    /// The start of the raw body, string values of JSON masked (see [`crate::excerpt`]).
    pub excerpt: String,
    /// On a 403: the scope the operation needs, which the credentials probably lack.
    pub likely_missing_scope: Option<&'static str>,
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("description", &self.description)
            .field("body", &self.body)
            .field("excerpt", &self.excerpt)
            .field("likely_missing_scope", &self.likely_missing_scope)
            .finish()
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
    /// The server answered with a non-success status.
    #[error("{0}")]
    Api(ApiError<E>),
    /// A success response whose body does not match the document.
    #[error("{operation}: cannot decode the {status} response: {message} (body: `{excerpt}`)")]
    Decode {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// What did not match (position and expectation).
        message: String,
        /// The start of the body, string values of JSON masked (see [`crate::excerpt`]).
        excerpt: String,
    },
}

impl<E: fmt::Debug> Error<E> {
    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }
}
