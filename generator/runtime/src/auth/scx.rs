//! The SCX Channel API's refresh-token exchange: `POST /v1/auth` with a multipart field
//! `refreshToken`, answered by `{authToken, tokenExpireAt, expiresIn}`.

use std::fmt;
use std::time::Duration;

use super::token::{FetchPolicy, access_token, answer_object, read_token_body, seconds};
use super::{BoxFuture, CachedBearer, Token, TokenError, TokenSource};
use crate::transport::body::RequestBody;
use crate::transport::error::BuildError;
use crate::transport::security::require_secure;
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
    token_policy_setters!(fleet);

    /// Checks the URL (https unless loopback) and builds the provider.
    pub fn build(self) -> Result<ScxRefreshToken, BuildError> {
        let url = require_secure(
            &format!("{}/auth", self.base_url.trim_end_matches('/')),
            "SCX base URL",
        )?;
        let http = self.policy.http_client()?;
        Ok(self.policy.cache(ExchangeSource {
            http,
            url,
            refresh_token: self.refresh_token,
            policy: self.policy.clone(),
        }))
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
            .map_err(TokenError::transport)?;
        let status = response.status();
        let bytes = read_token_body(response).await?;
        if !status.is_success() {
            return Err(TokenError::Status { status });
        }
        let answer = answer_object(status, &bytes)?;
        let secret = access_token(status, &answer, "authToken")?;
        let lifetime = lifetime(status, &answer, self.policy.time.wall_clock())?;
        Ok(Token {
            secret,
            expires_at: self.policy.expires_at(lifetime),
        })
    }
}

/// `expiresIn` (a number or a numeric string) when given; else what remains until
/// `tokenExpireAt` (ISO 8601 with offset, measured from `now`, the wall-clock time of the
/// answer); else the documented hour.
fn lifetime(
    status: http::StatusCode,
    answer: &serde_json::Map<String, serde_json::Value>,
    now: std::time::SystemTime,
) -> Result<Duration, TokenError> {
    let bad = || TokenError::BadLifetime { status };
    if let Some(lifetime) = seconds(answer.get("expiresIn")).map_err(|()| bad())? {
        return Ok(lifetime);
    }
    match answer.get("tokenExpireAt") {
        None | Some(serde_json::Value::Null) => Ok(Duration::from_secs(3600)),
        Some(serde_json::Value::String(at)) => {
            let at = chrono::DateTime::parse_from_rfc3339(at.trim()).map_err(|_| bad())?;
            Ok(std::time::SystemTime::from(at)
                .duration_since(now)
                .unwrap_or(Duration::ZERO))
        }
        Some(_) => Err(bad()),
    }
}

impl TokenSource for ExchangeSource {
    fn fetch(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        Box::pin(self.policy.fetch(|| self.request()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    #[test]
    fn the_lifetime_is_expires_in_else_the_time_until_token_expire_at() {
        let of = |json: serde_json::Value, now: SystemTime| {
            lifetime(http::StatusCode::OK, json.as_object().expect("object"), now)
                .expect("a lifetime")
        };
        // 2025-03-20T08:57:00+01:00, the vendor's example.
        let expiry = SystemTime::UNIX_EPOCH + Duration::from_secs(1_742_457_420);
        let at = serde_json::json!({"tokenExpireAt": "2025-03-20T08:57:00+01:00"});
        assert_eq!(
            of(at.clone(), expiry - Duration::from_secs(3599)),
            Duration::from_secs(3599)
        );
        assert_eq!(of(at.clone(), expiry), Duration::ZERO);
        assert_eq!(of(at, expiry + Duration::from_secs(1)), Duration::ZERO);
        let both =
            serde_json::json!({"expiresIn": 60, "tokenExpireAt": "2025-03-20T08:57:00+01:00"});
        assert_eq!(of(both, expiry), Duration::from_secs(60));
        assert_eq!(of(serde_json::json!({}), expiry), Duration::from_secs(3600));
    }
}
