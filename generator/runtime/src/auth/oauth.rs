//! The OAuth 2.0 client-credentials grant against JTL's identity provider (RFC 6749, 4.4).
//!
//! Hand-written rather than through the `oauth2` crate: the grant is one form POST, while the
//! work that matters (caching, refresh margin, single flight, retry after 401) is ours either way
//! and is shared with the SCX exchange, which is no OAuth grant at all.

use std::fmt;
use std::time::Duration;

use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};

use super::token::{FetchPolicy, access_token, answer_object, read_token_body, seconds};
use super::{BasicAuth, BoxFuture, CachedBearer, Token, TokenError, TokenSource};
use crate::client::ConfigureHttp;
use crate::error::BuildError;
use crate::security::require_secure;
use crate::time::SharedTimeSource;
use crate::types::Secret;

/// JTL's token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://auth.jtl-cloud.com/oauth2/token";

/// The Cloud provider: `Authorization: Bearer <JWT>` from the client-credentials grant.
pub type ClientCredentials = CachedBearer<GrantSource>;

impl CachedBearer<GrantSource> {
    /// Configures the grant for the Partner Portal's client id and secret.
    pub fn builder(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> ClientCredentialsBuilder {
        ClientCredentialsBuilder {
            token_url: DEFAULT_TOKEN_URL.to_owned(),
            credentials: BasicAuth::new(client_id, client_secret),
            scope: None,
            policy: FetchPolicy::default(),
            configure_http: None,
        }
    }
}

/// Configures [`ClientCredentials`].
#[must_use]
pub struct ClientCredentialsBuilder {
    token_url: String,
    credentials: BasicAuth,
    scope: Option<String>,
    policy: FetchPolicy,
    configure_http: Option<ConfigureHttp>,
}

impl fmt::Debug for ClientCredentialsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentialsBuilder")
            .field("token_url", &self.token_url)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl ClientCredentialsBuilder {
    /// Another token endpoint (https, or http on loopback for tests).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self
    }
    /// Space-separated scopes to ask for.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }
    /// Refresh once no more than this remains (default 5 minutes).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.policy.margin = margin;
        self
    }
    /// Longest wait for a token, retries included (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.policy.timeout = timeout;
        self
    }
    /// Retries after a transport error or 5xx (default 2, backing off 100 ms, 200 ms, …).
    pub fn retries(mut self, retries: u32) -> Self {
        self.policy.retries = retries;
        self
    }
    /// After a failed fetch, how long its error answers every caller before the next fetch
    /// may start (default 1 s): a failing endpoint sees one fetch per window, not one per caller.
    pub fn failure_window(mut self, window: Duration) -> Self {
        self.policy.failure_window = window;
        self
    }
    /// Transport settings for the token requests (proxy, root certificates, TLS, pool), applied
    /// to reqwest's builder; the timeout and the same-origin redirect rule are set around them.
    pub fn configure_http(
        mut self,
        configure: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + 'static,
    ) -> Self {
        self.configure_http = Some(Box::new(configure));
        self
    }
    /// The clock of token lifetimes and retry waits (tests inject a manual one).
    pub fn time_source(mut self, time: impl Into<SharedTimeSource>) -> Self {
        self.policy.time = time.into();
        self
    }

    /// Checks the endpoint (https unless loopback) and builds the provider.
    pub fn build(self) -> Result<ClientCredentials, BuildError> {
        let token_url = require_secure(&self.token_url, "token URL")?;
        let http = self.policy.http_client(self.configure_http)?;
        let provider = self.policy.cache(GrantSource {
            http,
            token_url,
            credentials: self.credentials,
            scope: self.scope,
            policy: self.policy.clone(),
        });
        Ok(provider)
    }
}

/// One client-credentials request.
#[derive(Debug)]
pub struct GrantSource {
    http: reqwest::Client,
    token_url: url::Url,
    credentials: BasicAuth,
    scope: Option<String>,
    policy: FetchPolicy,
}

#[derive(serde::Deserialize)]
struct ErrorAnswer {
    error: String,
    error_description: Option<String>,
}

impl GrantSource {
    async fn request(&self) -> Result<Token, TokenError> {
        let form = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "client_credentials");
            if let Some(scope) = &self.scope {
                form.append_pair("scope", scope);
            }
            form.finish()
        };
        let authorization = self
            .credentials
            .header_value()
            .map_err(|_| TokenError::Malformed {
                status: http::StatusCode::BAD_REQUEST,
                reason: "client id or secret cannot be sent in a header".to_owned(),
            })?;
        let response = self
            .http
            .post(self.token_url.clone())
            .header(AUTHORIZATION, authorization)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .body(form)
            .send()
            .await
            .map_err(TokenError::transport)?;
        let status = response.status();
        let body = read_token_body(response).await?;
        let lifetime = parse_answer(status, &body)?;
        Ok(Token {
            secret: lifetime.0,
            expires_at: self.policy.expires_at(lifetime.1),
        })
    }
}

/// RFC 6749 5.1 (success) and 5.2 (error) answers, read as leniently as servers write them:
/// `expires_in` as a number or a numeric string (an hour when absent), `token_type` in any
/// case and Bearer when absent. Refused: no access token, a lifetime that is not a number, a
/// token type other than Bearer.
fn parse_answer(status: http::StatusCode, body: &[u8]) -> Result<(Secret, Duration), TokenError> {
    if status.is_success() {
        let answer = answer_object(status, body)?;
        let secret = access_token(status, &answer, "access_token")?;
        match answer.get("token_type") {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(kind)) if kind.eq_ignore_ascii_case("bearer") => {}
            Some(_) => {
                return Err(TokenError::Malformed {
                    status,
                    reason: "token_type is not Bearer".to_owned(),
                });
            }
        }
        let lifetime = seconds(answer.get("expires_in"))
            .map_err(|()| TokenError::BadLifetime { status })?
            .unwrap_or(Duration::from_secs(3600));
        return Ok((secret, lifetime));
    }
    match serde_json::from_slice::<ErrorAnswer>(body) {
        Ok(error) if status.is_client_error() => Err(TokenError::Rejected {
            status,
            error: crate::excerpt::ServerText::new(error.error),
            description: error.error_description.map(crate::excerpt::ServerText::new),
        }),
        _ => Err(TokenError::Status { status }),
    }
}

impl TokenSource for GrantSource {
    fn fetch(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        Box::pin(self.policy.fetch(|| self.request()))
    }
}
