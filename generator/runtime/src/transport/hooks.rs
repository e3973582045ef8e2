//! Interceptors: the user's own code around every request.
//!
//! Hooks run in the order they were added, for every attempt of every operation.
//!
//! | hook | runs | sees | an error |
//! |---|---|---|---|
//! | [`Hook::before_send`] | after the context headers and credentials were set, right before the request goes out | the whole request (may change it) and the operation | aborts the call with [`crate::ErrorKind::Hook`]; nothing is sent |
//! | [`Hook::after_receive`] | after the response body was read, before it is decoded | status, headers, body and the operation | aborts the call with [`crate::ErrorKind::Hook`] |

use std::fmt;

use crate::auth::BoxFuture;
use crate::transport::operation::Operation;
use crate::transport::response::RawResponse;

/// Why a hook stopped a call: a message and, when the hook failed because something else did,
/// that error as its [`source`](std::error::Error::source), so callers can walk the chain (and
/// downcast) from [`crate::ErrorKind::Hook`] to the hook's own cause.
#[derive(Debug)]
pub struct HookError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl HookError {
    /// A refusal with a message and no underlying error.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    /// A refusal caused by `source` (kept, not flattened into the message).
    pub fn with_source(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(source.into()),
        }
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A user interceptor. Both methods default to doing nothing.
pub trait Hook: Send + Sync + fmt::Debug {
    /// Runs before each attempt is sent; may modify the request (sign it, add a header).
    fn before_send<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), HookError>> {
        let _ = (request, operation);
        Box::pin(async { Ok(()) })
    }

    /// Runs after each response was read in full.
    fn after_receive<'a>(
        &'a self,
        response: &'a RawResponse,
        operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), HookError>> {
        let _ = (response, operation);
        Box::pin(async { Ok(()) })
    }
}

/// Sends the ERP 2.0 operations to their paths without the `/v2` segment, and optionally with
/// an `api-version` header: the variants the vendor's documentation pages show next to the 2.0
/// document's `/v2/…` paths.
///
/// | variant | source | hook |
/// |---|---|---|
/// | `…/erp/authentication/foreign/{appId}/app` | documentation page of the foreign-app update | `WithoutV2Prefix::new()` |
/// | `…/api/eazybusiness/authentication` with `api-version: 2.0` | OnPremise scopes guide | `WithoutV2Prefix::new().api_version("2.0")` |
///
/// Only operations whose path starts with `/v2/` change; the segment removed is the one the
/// operation's path put there (counted from the end of the URL, so a base URL containing `v2`
/// is left alone).
#[derive(Debug, Clone, Default)]
pub struct WithoutV2Prefix {
    api_version: Option<&'static str>,
}

impl WithoutV2Prefix {
    /// Removes `/v2`, adds no header.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also sends `api-version: <version>` (replacing one the operation sends).
    pub fn api_version(mut self, version: &'static str) -> Self {
        self.api_version = Some(version);
        self
    }

    /// Removes the `/v2` segment before the operation's own path, when the operation's path
    /// starts with `/v2/`, and sets `api-version` when asked.
    fn rewrite(
        &self,
        request: &mut reqwest::Request,
        operation: &Operation,
    ) -> Result<(), HookError> {
        if !operation.path.starts_with("/v2/") {
            return Ok(());
        }
        // Path parameters are percent-encoded into one segment each, so the operation's
        // template has as many segments as the end of the URL's path.
        let template = operation.path.trim_start_matches('/').split('/').count();
        let url = request.url_mut();
        let segments: Vec<String> = url
            .path_segments()
            .map(|s| s.map(str::to_owned).collect())
            .unwrap_or_default();
        let Some(at) = segments.len().checked_sub(template) else {
            return Ok(());
        };
        if segments.get(at).map(String::as_str) != Some("v2") {
            return Ok(());
        }
        let kept: Vec<&str> = segments
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != at)
            .map(|(_, s)| s.as_str())
            .collect();
        url.set_path(&format!("/{}", kept.join("/")));
        if let Some(version) = self.api_version {
            let value = reqwest::header::HeaderValue::from_str(version).map_err(|e| {
                HookError::with_source(format!("`{version}` is not a valid api-version"), e)
            })?;
            request.headers_mut().insert(
                reqwest::header::HeaderName::from_static("api-version"),
                value,
            );
        }
        Ok(())
    }
}

impl Hook for WithoutV2Prefix {
    fn before_send<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), HookError>> {
        Box::pin(std::future::ready(self.rewrite(request, operation)))
    }
}
