//! Authentication providers: how credentials get onto a request.
//!
//! A provider is a hook of the client, not a parameter of each call. Ready-made providers:
//!
//! | provider | API | sends |
//! |---|---|---|
//! | [`WawiKey`] | ERP OnPremise | `Authorization: Wawi <key>` (or `x-api-key`) |
//! | [`ClientCredentials`] | ERP Cloud | `Authorization: Bearer <JWT>` from the OAuth 2.0 client-credentials grant, cached |
//! | [`ScxRefreshToken`] | SCX Channel API | `Authorization: Bearer <authToken>` from the refresh-token exchange, cached |
//! | [`UserAccess`] | ERP Cloud, for a user | `Authorization: Bearer <JWT>` of the user's login ([`PkceLogin`]: authorization code with PKCE), refreshed |
//! | [`BearerToken`] | any | a fixed bearer token |
//! | [`BasicAuth`] | identity provider | HTTP Basic |
//!
//! Your own: implement [`AuthProvider`], or [`TokenSource`] to get the caching of
//! [`CachedBearer`] (refresh before expiry, single flight, one refresh after a 401) for free.

/// The setters every token provider's builder has, written once: the refresh margin and the
/// transport settings (`token_policy_setters!(refresh)`), and for the providers whose tokens a
/// fleet shares, the failure window and the shared cache (`token_policy_setters!(fleet)`).
/// The builder has `policy: FetchPolicy`.
macro_rules! token_policy_setters {
    (refresh) => {
        /// Refresh once no more than this remains of the token (default 5 minutes).
        pub fn refresh_margin(mut self, margin: ::std::time::Duration) -> Self {
            self.policy.margin = margin;
            self
        }
        /// The transport settings ([`crate::HttpSettings`]): the timeout of a token (retries
        /// included; default 10 s), connect timeout, retries after a transport error, 5xx or 429
        /// (default 2, backing off 100 ms, 200 ms, …), clock and `configure_http`.
        pub fn http_settings(mut self, settings: &crate::HttpSettings) -> Self {
            self.policy.apply(settings);
            self
        }
    };
    (fleet) => {
        token_policy_setters!(refresh);
        /// After a failed fetch, how long its error answers every caller before the next fetch
        /// may start (default 1 s): a failing endpoint sees one fetch per window, not one per
        /// caller.
        pub fn failure_window(mut self, window: ::std::time::Duration) -> Self {
            self.policy.failure_window = window;
            self
        }
        /// Shares the token with the other replicas of a fleet (e.g.
        /// `RedisFleet::token_store`, feature `redis`): one fetch for the fleet when it is
        /// missing or due. The store holds a bearer credential: see [`crate::fleet`].
        pub fn fleet_cache(mut self, store: impl crate::fleet::FleetTokenStore + 'static) -> Self {
            self.policy.fleet = Some(::std::sync::Arc::new(store));
            self
        }
    };
}

mod oauth;
mod pkce;
mod scx;
mod token;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use base64::Engine as _;
use http::HeaderValue;
use http::header::AUTHORIZATION;

use crate::transport::operation::Operation;
use crate::types::Secret;

pub use oauth::{
    ClientCredentials, ClientCredentialsBuilder, DEFAULT_TOKEN_LIFETIME, DEFAULT_TOKEN_URL,
    OIDC_DEFAULT_SCOPE,
};
pub use pkce::{
    AuthorizationRequest, AuthorizeOptions, LOGIN_TIMEOUT, PKCE_BASE_SCOPES, PkceError, PkceLogin,
    PkceLoginBuilder, Prompt, RefreshSource, UserAccess, pkce_challenge,
};
pub use scx::{DEFAULT_SCX_BASE_URL, ScxRefreshToken, ScxRefreshTokenBuilder};
pub use token::{
    CachedBearer, DEFAULT_FAILURE_WINDOW, DEFAULT_REFRESH_MARGIN, Token, TokenError, TokenSource,
};

/// A boxed, sendable future, as the provider and hook traits return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why credentials could not be supplied. No variant's message contains a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// A token could not be obtained.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// A credential does not fit into a header.
    #[error("credential for header `{0}` is not a valid header value")]
    InvalidHeader(http::HeaderName),
    /// Any other failure of a provider of your own.
    #[error("{message}")]
    Other {
        /// What failed (no secrets).
        message: String,
        /// The cause.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl AuthError {
    /// An error of your own provider (the message must not contain a secret).
    pub fn other(message: impl Into<String>) -> Self {
        Self::Other {
            message: message.into(),
            source: None,
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

    /// Runs after the server answered 401 to credentials `used` (the `Authorization` header
    /// sent). Returning `Ok(true)` says fresh credentials are available: the request is sent
    /// once more, with the same body bytes. Static credentials cannot improve, so the default
    /// is `Ok(false)`.
    fn on_unauthorized<'a>(
        &'a self,
        used: Option<&'a HeaderValue>,
        operation: &'a Operation,
    ) -> BoxFuture<'a, Result<bool, AuthError>> {
        let _ = (used, operation);
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

    fn header(&self) -> Result<(http::HeaderName, HeaderValue), AuthError> {
        let (name, value) = match self.placement {
            WawiPlacement::Authorization => (
                AUTHORIZATION,
                Secret::new(format!("Wawi {}", self.key.expose())),
            ),
            WawiPlacement::XApiKey => {
                (http::HeaderName::from_static("x-api-key"), self.key.clone())
            }
        };
        Ok((name.clone(), sensitive_value(value.expose(), &name)?))
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

    fn header(&self) -> Result<(http::HeaderName, HeaderValue), AuthError> {
        let value = Secret::new(format!("Bearer {}", self.0.expose()));
        Ok((
            AUTHORIZATION,
            sensitive_value(value.expose(), &AUTHORIZATION)?,
        ))
    }
}

/// The providers that put one fixed credential header on every request, the one their
/// `header()` makes (marked sensitive, see [`insert_sensitive`]).
macro_rules! fixed_header_providers {
    ($($provider:ty),*) => {$(
        impl AuthProvider for $provider {
            fn authorize<'a>(
                &'a self,
                request: &'a mut reqwest::Request,
                _operation: &'a Operation,
            ) -> BoxFuture<'a, Result<(), AuthError>> {
                let header = self.header().map(|(name, value)| {
                    request.headers_mut().insert(name, value);
                });
                Box::pin(std::future::ready(header))
            }
        }
    )*};
}

fixed_header_providers!(WawiKey, BearerToken, BasicAuth);

/// Several providers on one request, applied in order: for gateways that want a bearer token
/// and an API key together (the vendor's document combines `oauth2` and `Wawi` that way).
#[derive(Debug)]
pub struct AllOf(Vec<Box<dyn AuthProvider>>);

impl AllOf {
    /// Applies `providers` in order.
    pub fn new(providers: Vec<Box<dyn AuthProvider>>) -> Self {
        Self(providers)
    }
}

impl AuthProvider for AllOf {
    fn authorize<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(async move {
            for provider in &self.0 {
                provider.authorize(request, operation).await?;
            }
            Ok(())
        })
    }

    /// A retry is worth it when any provider has fresh credentials.
    fn on_unauthorized<'a>(
        &'a self,
        used: Option<&'a HeaderValue>,
        operation: &'a Operation,
    ) -> BoxFuture<'a, Result<bool, AuthError>> {
        Box::pin(async move {
            let mut fresh = false;
            for provider in &self.0 {
                fresh |= provider.on_unauthorized(used, operation).await?;
            }
            Ok(fresh)
        })
    }
}

/// HTTP Basic (RFC 7617): `Authorization: Basic base64(user:password)`, the pair as written.
///
/// This is the generic scheme for "anything else". OAuth 2.0 client authentication is not
/// this: RFC 6749 2.3.1 form-encodes the client id and secret before they are joined, which
/// [`ClientCredentials`] does at both identity generations; a secret with `+`, `%`, `&`, `=`,
/// `/` or a space sent through `BasicAuth` to a token endpoint would be refused.
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

    /// The header value (RFC 7617), marked sensitive.
    pub(crate) fn header_value(&self) -> Result<HeaderValue, AuthError> {
        basic_header(&self.user, self.password.expose())
    }

    /// The header value of OAuth 2.0 client authentication (`client_secret_basic`), marked
    /// sensitive: RFC 6749 2.3.1 has the client id and secret encoded with the
    /// `application/x-www-form-urlencoded` algorithm (Appendix B) before they go into the pair,
    /// and conforming issuers decode them (a `+` is a space, a lone `%` is refused).
    pub(crate) fn client_header_value(&self) -> Result<HeaderValue, AuthError> {
        let encode = |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
        let user: String = encode(&self.user);
        let password = Secret::new(encode(self.password.expose()));
        basic_header(&user, password.expose())
    }

    fn header(&self) -> Result<(http::HeaderName, HeaderValue), AuthError> {
        Ok((AUTHORIZATION, self.header_value()?))
    }
}

/// `Basic base64(user:password)`; the intermediate texts are zeroized on drop.
fn basic_header(user: &str, password: &str) -> Result<HeaderValue, AuthError> {
    let pair = Secret::new(format!("{user}:{password}"));
    let text = Secret::new(format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair.expose())
    ));
    sensitive_value(text.expose(), &AUTHORIZATION)
}

/// Sets a credential header, marked sensitive so that HTTP/2 does not index it and `Debug`
/// of the header map hides it.
pub fn insert_sensitive(
    request: &mut reqwest::Request,
    name: http::HeaderName,
    value: &str,
) -> Result<(), AuthError> {
    let value = sensitive_value(value, &name)?;
    request.headers_mut().insert(name, value);
    Ok(())
}

fn sensitive_value(value: &str, header: &http::HeaderName) -> Result<HeaderValue, AuthError> {
    let mut value =
        HeaderValue::from_str(value).map_err(|_| AuthError::InvalidHeader(header.clone()))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> reqwest::Request {
        let url = "https://erp.example.test/".parse().expect("url");
        reqwest::Request::new(http::Method::GET, url)
    }

    #[test]
    fn a_credential_that_is_no_header_value_is_refused_naming_its_header_not_the_value() {
        let names = [
            AUTHORIZATION,
            http::HeaderName::from_static("x-api-key"),
            http::HeaderName::from_static("x-session-token"),
        ];
        for name in names {
            let mut request = request();
            let error = insert_sensitive(&mut request, name.clone(), "secret\nvalue")
                .expect_err("a line break is no header value");
            assert_eq!(
                error.to_string(),
                format!("credential for header `{name}` is not a valid header value")
            );
            assert!(request.headers().is_empty());
        }
    }

    #[test]
    fn credentials_are_set_once_and_marked_sensitive() {
        let mut request = request();
        insert_sensitive(&mut request, AUTHORIZATION, "Wawi old").expect("valid");
        insert_sensitive(&mut request, AUTHORIZATION, "Wawi new").expect("valid");
        let values: Vec<_> = request.headers().get_all(AUTHORIZATION).iter().collect();
        assert_eq!(values, ["Wawi new"]);
        assert!(values[0].is_sensitive());
    }
}
