//! Authentication providers: how credentials get onto a request.
//!
//! A provider is a hook of the client, not a parameter of each call. This module holds the
//! static schemes (the OnPremise `Wawi <key>`, a fixed bearer token, HTTP Basic); a provider of
//! your own implements [`AuthProvider`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use base64::Engine as _;
use http::HeaderValue;
use http::header::AUTHORIZATION;

use crate::operation::Operation;
use crate::types::Secret;

/// A boxed, sendable future, as the provider and hook traits return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why credentials could not be supplied. Its message never contains a secret.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct AuthError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl AuthError {
    /// An error with a message (which must not contain a secret).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }
    /// An error with a message and its cause.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}

/// Supplies credentials for requests.
pub trait AuthProvider: Send + Sync + fmt::Debug {
    /// Adds credentials to `request`. Runs before the user's hooks, on every attempt.
    fn authorize<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), AuthError>>;

    /// Runs after the server answered 401. Returning `Ok(true)` says fresh credentials are
    /// available: the request is sent once more, with the same body bytes. Static credentials
    /// cannot improve, so the default is `Ok(false)`.
    fn on_unauthorized<'a>(
        &'a self,
        operation: &'a Operation,
    ) -> BoxFuture<'a, Result<bool, AuthError>> {
        let _ = operation;
        Box::pin(async { Ok(false) })
    }
}

/// Where the OnPremise API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WawiPlacement {
    /// `Authorization: Wawi <key>`: what JTL-Wawi's REST server reads (default).
    #[default]
    Authorization,
    /// `x-api-key: <key>`: how the vendor's OpenAPI document declares the scheme.
    XApiKey,
}

/// The OnPremise scheme: the permanent API key from the app registration.
#[derive(Debug, Clone)]
pub struct WawiKey {
    key: Secret,
    placement: WawiPlacement,
}

impl WawiKey {
    /// Sends `Authorization: Wawi <key>`.
    pub fn new(key: impl Into<Secret>) -> Self {
        Self {
            key: key.into(),
            placement: WawiPlacement::Authorization,
        }
    }
    /// Chooses where the key goes.
    pub fn placement(mut self, placement: WawiPlacement) -> Self {
        self.placement = placement;
        self
    }
}

impl AuthProvider for WawiKey {
    fn authorize<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(async move {
            let (name, value) = match self.placement {
                WawiPlacement::Authorization => {
                    (AUTHORIZATION, format!("Wawi {}", self.key.expose()))
                }
                WawiPlacement::XApiKey => (
                    http::HeaderName::from_static("x-api-key"),
                    self.key.expose().to_owned(),
                ),
            };
            insert_sensitive(request, name, &value)
        })
    }
}

/// A fixed bearer token (e.g. one your own code obtained).
#[derive(Debug, Clone)]
pub struct BearerToken(Secret);

impl BearerToken {
    /// Sends `Authorization: Bearer <token>`.
    pub fn new(token: impl Into<Secret>) -> Self {
        Self(token.into())
    }
}

impl AuthProvider for BearerToken {
    fn authorize<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(async move {
            insert_sensitive(
                request,
                AUTHORIZATION,
                &format!("Bearer {}", self.0.expose()),
            )
        })
    }
}

/// HTTP Basic, as the identity provider's token endpoint takes client credentials.
#[derive(Debug, Clone)]
pub struct BasicAuth {
    user: String,
    password: Secret,
}

impl BasicAuth {
    /// Sends `Authorization: Basic base64(user:password)`.
    pub fn new(user: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self {
            user: user.into(),
            password: password.into(),
        }
    }

    /// The header value.
    pub(crate) fn header_value(&self) -> String {
        let pair = format!("{}:{}", self.user, self.password.expose());
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    }
}

impl AuthProvider for BasicAuth {
    fn authorize<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(async move { insert_sensitive(request, AUTHORIZATION, &self.header_value()) })
    }
}

/// Sets a credential header, marked sensitive so that HTTP/2 does not index it and `Debug`
/// of the header map hides it.
pub fn insert_sensitive(
    request: &mut reqwest::Request,
    name: http::HeaderName,
    value: &str,
) -> Result<(), AuthError> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        AuthError::new(format!(
            "credential for header `{name}` is not a valid header value"
        ))
    })?;
    value.set_sensitive(true);
    request.headers_mut().insert(name, value);
    Ok(())
}
