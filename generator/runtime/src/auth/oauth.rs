//! The OAuth 2.0 client-credentials grant against JTL's identity provider (RFC 6749, 4.4).
//!
//! Hand-written rather than through the `oauth2` crate: the grant is one form POST, while the
//! work that matters (caching, refresh margin, single flight, retry after 401) is ours either way
//! and is shared with the SCX exchange, which is no OAuth grant at all.

use std::fmt;
use std::time::{Duration, Instant};

use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde::Deserialize;

use super::token::{FetchPolicy, read_token_body};
use super::{BasicAuth, BoxFuture, CachedBearer, Token, TokenError, TokenSource};
use crate::error::BuildError;
use crate::security::require_secure;
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
            http: None,
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
    http: Option<reqwest::Client>,
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
    /// Refresh when less than this remains (default 5 minutes).
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
    /// Your own reqwest client for the token requests.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the endpoint (https unless loopback) and builds the provider.
    pub fn build(self) -> Result<ClientCredentials, BuildError> {
        let token_url = require_secure(&self.token_url, "token URL")?;
        let http = match self.http {
            Some(http) => http,
            None => self.policy.http_client()?,
        };
        let source = GrantSource {
            http,
            token_url,
            credentials: self.credentials,
            scope: self.scope,
            policy: self.policy,
        };
        Ok(CachedBearer::new(source, self.policy.margin))
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

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    token_type: String,
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
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
            .map_err(|e| TokenError::Transport(e.without_url()))?;
        let status = response.status();
        let body = read_token_body(response).await?;
        parse_answer(status, &body)
    }
}

/// RFC 6749 5.1 (success) and 5.2 (error) answers.
fn parse_answer(status: http::StatusCode, body: &[u8]) -> Result<Token, TokenError> {
    if status.is_success() {
        let answer: TokenAnswer =
            serde_json::from_slice(body).map_err(|e| TokenError::Malformed {
                status,
                reason: e.to_string(),
            })?;
        if !answer.token_type.eq_ignore_ascii_case("bearer") {
            return Err(TokenError::Malformed {
                status,
                reason: format!("token_type `{}` is not Bearer", answer.token_type),
            });
        }
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(3600));
        return Ok(Token {
            secret: Secret::new(answer.access_token),
            expires_at: Instant::now() + lifetime,
        });
    }
    match serde_json::from_slice::<ErrorAnswer>(body) {
        Ok(error) if status.is_client_error() => Err(TokenError::Rejected {
            status,
            error: error.error,
            description: error.error_description,
        }),
        _ => Err(TokenError::Status { status }),
    }
}

impl TokenSource for GrantSource {
    fn fetch(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        Box::pin(self.policy.fetch(|| self.request()))
    }
}
