//! The SCX Channel API's refresh-token exchange: `POST /v1/auth` with a multipart field
//! `refreshToken`, answered by `{authToken, tokenExpireAt, expiresIn}`.

use std::fmt;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::token::{FetchPolicy, read_token_body};
use super::{BoxFuture, CachedBearer, Token, TokenError, TokenSource};
use crate::body::RequestBody;
use crate::error::BuildError;
use crate::security::require_secure;
use crate::types::Secret;

/// The SCX Channel API.
pub const DEFAULT_SCX_BASE_URL: &str = "https://scx.api.jtl-software.com/v1";

/// The SCX provider: `Authorization: Bearer <authToken>`, exchanged for the channel's refresh token.
pub type ScxRefreshToken = CachedBearer<ExchangeSource>;

impl CachedBearer<ExchangeSource> {
    /// Configures the exchange for a refresh token.
    pub fn builder(refresh_token: impl Into<Secret>) -> ScxRefreshTokenBuilder {
        ScxRefreshTokenBuilder {
            base_url: DEFAULT_SCX_BASE_URL.to_owned(),
            refresh_token: refresh_token.into(),
            policy: FetchPolicy::default(),
        }
    }
}

/// Configures [`ScxRefreshToken`].
#[must_use]
pub struct ScxRefreshTokenBuilder {
    base_url: String,
    refresh_token: Secret,
    policy: FetchPolicy,
}

impl fmt::Debug for ScxRefreshTokenBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScxRefreshTokenBuilder")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl ScxRefreshTokenBuilder {
    /// Another SCX base URL (https, or http on loopback for tests); `/auth` is appended.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
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
    /// Retries after a transport error or 5xx (default 2).
    pub fn retries(mut self, retries: u32) -> Self {
        self.policy.retries = retries;
        self
    }

    /// Checks the URL (https unless loopback) and builds the provider.
    pub fn build(self) -> Result<ScxRefreshToken, BuildError> {
        let url = require_secure(
            &format!("{}/auth", self.base_url.trim_end_matches('/')),
            "SCX base URL",
        )?;
        let http = self.policy.http_client()?;
        let source = ExchangeSource {
            http,
            url,
            refresh_token: self.refresh_token,
            policy: self.policy,
        };
        Ok(CachedBearer::new(source, self.policy.margin))
    }
}

/// One refresh-token exchange.
#[derive(Debug)]
pub struct ExchangeSource {
    http: reqwest::Client,
    url: url::Url,
    refresh_token: Secret,
    policy: FetchPolicy,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExchangeAnswer {
    auth_token: String,
    token_expire_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    expires_in: Option<u64>,
}

impl ExchangeSource {
    async fn request(&self) -> Result<Token, TokenError> {
        let body = RequestBody::multipart([("refreshToken", self.refresh_token.expose())]);
        let response = self
            .http
            .post(self.url.clone())
            .header(http::header::CONTENT_TYPE, body.content_type().clone())
            .body(body.bytes().clone())
            .send()
            .await
            .map_err(|e| TokenError::Transport(e.without_url()))?;
        let status = response.status();
        let bytes = read_token_body(response).await?;
        if !status.is_success() {
            return Err(TokenError::Status { status });
        }
        let answer: ExchangeAnswer =
            serde_json::from_slice(&bytes).map_err(|e| TokenError::Malformed {
                status,
                reason: e.to_string(),
            })?;
        let expires_at = Instant::now() + lifetime(&answer);
        Ok(Token {
            secret: Secret::new(answer.auth_token),
            expires_at,
        })
    }
}

/// `expiresIn` when given; else what remains until `tokenExpireAt`; else the documented hour.
fn lifetime(answer: &ExchangeAnswer) -> Duration {
    if let Some(seconds) = answer.expires_in {
        return Duration::from_secs(seconds);
    }
    answer
        .token_expire_at
        .and_then(|at| {
            (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
                .to_std()
                .ok()
        })
        .unwrap_or(Duration::from_secs(3600))
}

impl TokenSource for ExchangeSource {
    fn fetch(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        Box::pin(self.policy.fetch(|| self.request()))
    }
}
