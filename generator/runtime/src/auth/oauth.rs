//! The OAuth 2.0 client-credentials grant against JTL's identity providers (RFC 6749, 4.4):
//! the legacy token endpoint (`auth.jtl-cloud.com/oauth2/token`) or the OIDC issuer
//! (`id.jtl-cloud.com`), whose token endpoint comes from its discovery document and which
//! refuses a client-credentials request without `scope=openid`.
//!
//! Hand-written rather than through the `oauth2` crate: the grant is one form POST, while the
//! work that matters (caching, refresh margin, single flight, retry after 401) is ours either way
//! and is shared with the SCX exchange, which is no OAuth grant at all.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, UNIX_EPOCH};

use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};

use super::token::{FetchPolicy, access_token, answer_object, read_token_body, seconds};
use super::{BasicAuth, BoxFuture, CachedBearer, Token, TokenError, TokenSource};
use crate::transport::error::BuildError;
use crate::transport::security::require_secure;
use crate::types::Secret;

/// JTL's token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://auth.jtl-cloud.com/oauth2/token";
/// The scope sent to an OIDC issuer unless [`ClientCredentialsBuilder::scope`] sets another.
pub const OIDC_DEFAULT_SCOPE: &str = "openid";
/// The lifetime taken for a token whose answer has no `expires_in` and which is no JWT with an
/// `exp` (with the default refresh margin of 5 minutes it is used for 55 minutes).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// Discovery documents larger than this are refused.
const MAX_DISCOVERY_BODY: usize = 256 * 1024;

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
            issuer: None,
            credentials: BasicAuth::new(client_id, client_secret),
            scope: None,
            resources: Vec::new(),
            policy: FetchPolicy::default(),
        }
    }
}

/// Configures [`ClientCredentials`].
#[must_use]
pub struct ClientCredentialsBuilder {
    token_url: String,
    issuer: Option<String>,
    credentials: BasicAuth,
    scope: Option<String>,
    resources: Vec<String>,
    policy: FetchPolicy,
}

impl fmt::Debug for ClientCredentialsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentialsBuilder")
            .field("token_url", &self.token_url)
            .field("issuer", &self.issuer)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl ClientCredentialsBuilder {
    /// Another token endpoint of the legacy generation (https, or http on loopback for tests);
    /// replaces an [`issuer`](Self::issuer) set before.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self.issuer = None;
        self
    }
    /// The OIDC issuer (e.g. [`crate::app_token::JTL_ISSUER`]; https, or http on loopback):
    /// its discovery document (`/.well-known/openid-configuration`, read once, read again after
    /// a failure) names the token endpoint, and the request carries `scope=openid` unless
    /// [`scope`](Self::scope) sets another. Replaces a [`token_url`](Self::token_url).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }
    /// The resource the token is for (RFC 8707 resource indicator, an absolute URI; sent as
    /// `resource`), repeatable; issuers that issue tokens per resource (JWT access tokens for
    /// one API) ask for it.
    pub fn resource(mut self, uri: impl Into<String>) -> Self {
        self.resources.push(uri.into());
        self
    }
    /// Space-separated scopes to ask for (an OIDC issuer: `openid` by default).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }
    token_policy_setters!(fleet);

    /// Checks the endpoint (https unless loopback) and builds the provider.
    pub fn build(self) -> Result<ClientCredentials, BuildError> {
        let (endpoint, scope) = match self.issuer {
            None => (
                Endpoint::Fixed(require_secure(&self.token_url, "token URL")?),
                self.scope,
            ),
            Some(issuer) => {
                let discovery = format!(
                    "{}/.well-known/openid-configuration",
                    issuer.trim_end_matches('/')
                );
                let discovery = require_secure(&discovery, "issuer")?;
                let endpoint = Endpoint::Discovered {
                    issuer,
                    discovery,
                    token_url: Mutex::new(None),
                };
                let scope = self.scope.or_else(|| Some(OIDC_DEFAULT_SCOPE.to_owned()));
                (endpoint, scope)
            }
        };
        let http = self.policy.http_client()?;
        let provider = self.policy.cache(GrantSource {
            http,
            endpoint,
            credentials: self.credentials,
            scope,
            resources: self.resources,
            policy: self.policy.clone(),
        });
        Ok(provider)
    }
}

/// Where the token endpoint is.
#[derive(Debug)]
enum Endpoint {
    /// The legacy generation: a token URL.
    Fixed(url::Url),
    /// An OIDC issuer: the token endpoint of its discovery document, cached until a request
    /// to it fails.
    Discovered {
        issuer: String,
        discovery: url::Url,
        token_url: Mutex<Option<url::Url>>,
    },
}

/// One client-credentials request.
#[derive(Debug)]
pub struct GrantSource {
    http: reqwest::Client,
    endpoint: Endpoint,
    credentials: BasicAuth,
    scope: Option<String>,
    resources: Vec<String>,
    policy: FetchPolicy,
}

#[derive(serde::Deserialize)]
struct ErrorAnswer {
    error: String,
    error_description: Option<String>,
}

impl GrantSource {
    /// The token endpoint: the fixed one, or the issuer's (discovered when not cached).
    async fn token_url(&self) -> Result<url::Url, TokenError> {
        let (issuer, discovery, cached) = match &self.endpoint {
            Endpoint::Fixed(url) => return Ok(url.clone()),
            Endpoint::Discovered {
                issuer,
                discovery,
                token_url,
            } => (issuer, discovery, token_url),
        };
        if let Some(url) = cached.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            return Ok(url);
        }
        tracing::debug!("reading the issuer's discovery document");
        let malformed = |status, reason: &str| TokenError::Malformed {
            status,
            reason: format!("discovery document: {reason}"),
        };
        let mut response = self
            .http
            .get(discovery.clone())
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(TokenError::transport)?;
        let status = response.status();
        if !status.is_success() {
            return Err(TokenError::Status { status });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(TokenError::transport)? {
            if body.len() + chunk.len() > MAX_DISCOVERY_BODY {
                return Err(malformed(status, "larger than 256 KiB"));
            }
            body.extend_from_slice(&chunk);
        }
        let document: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&body).map_err(|_| malformed(status, "not a JSON object"))?;
        let text = |name: &str| document.get(name).and_then(serde_json::Value::as_str);
        if text("issuer") != Some(issuer.as_str()) {
            return Err(malformed(status, "it names another issuer"));
        }
        let url = text("token_endpoint").ok_or_else(|| malformed(status, "no token_endpoint"))?;
        let url = require_secure(url, "token endpoint")
            .map_err(|_| malformed(status, "token_endpoint is not https"))?;
        *cached.lock().unwrap_or_else(|e| e.into_inner()) = Some(url.clone());
        Ok(url)
    }

    /// Forgets a discovered token endpoint, so that the next request reads discovery again.
    fn forget_endpoint(&self) {
        if let Endpoint::Discovered { token_url, .. } = &self.endpoint {
            *token_url.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
    }

    async fn request(&self) -> Result<Token, TokenError> {
        let outcome = self.request_once().await;
        match &outcome {
            Err(TokenError::Transport(_)) => self.forget_endpoint(),
            Err(TokenError::Status { status }) if !status.is_client_error() || *status == 404 => {
                self.forget_endpoint();
            }
            _ => {}
        }
        outcome
    }

    async fn request_once(&self) -> Result<Token, TokenError> {
        let token_url = self.token_url().await?;
        let form = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "client_credentials");
            if let Some(scope) = &self.scope {
                form.append_pair("scope", scope);
            }
            for resource in &self.resources {
                form.append_pair("resource", resource);
            }
            form.finish()
        };
        let authorization =
            self.credentials
                .client_header_value()
                .map_err(|_| TokenError::Malformed {
                    status: http::StatusCode::BAD_REQUEST,
                    reason: "client id or secret cannot be sent in a header".to_owned(),
                })?;
        let request = self
            .http
            .post(token_url)
            .header(AUTHORIZATION, authorization);
        let (status, body) = send_token_form(request, form).await?;
        let (secret, lifetime) = parse_answer(status, &body)?;
        let lifetime = lifetime
            .or_else(|| self.jwt_lifetime(&secret))
            .unwrap_or(DEFAULT_TOKEN_LIFETIME);
        Ok(Token {
            secret,
            expires_at: self.policy.expires_at(lifetime),
        })
    }

    /// What remains of a JWT access token's life by its `exp` (read, not verified: the token
    /// is ours to send, not to trust), on the wall clock of the provider's time source.
    fn jwt_lifetime(&self, token: &Secret) -> Option<Duration> {
        use base64::Engine as _;
        let claims = token.expose().split('.').nth(1)?;
        let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(claims)
            .ok()?;
        let claims: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&claims).ok()?;
        let exp = claims.get("exp")?.as_f64().filter(|e| e.is_finite())?;
        let exp = UNIX_EPOCH + Duration::try_from_secs_f64(exp.max(0.0)).ok()?;
        Some(
            exp.duration_since(self.policy.time.wall_clock())
                .unwrap_or(Duration::ZERO),
        )
    }
}

/// Sends a token request of RFC 6749 (4.1.3, 4.4.2, 6): `form`, form-encoded, POSTed as
/// `request` (the endpoint, with the client's authentication when it has one), asking for JSON.
/// The answer's status and body (bounded), for [`parse_answer`] and whatever else the grant reads.
pub(super) async fn send_token_form(
    request: reqwest::RequestBuilder,
    form: String,
) -> Result<(http::StatusCode, Vec<u8>), TokenError> {
    let response = request
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ACCEPT, "application/json")
        .body(form)
        .send()
        .await
        .map_err(TokenError::transport)?;
    let status = response.status();
    Ok((status, read_token_body(response).await?))
}

/// RFC 6749 5.1 (success) and 5.2 (error) answers, read as leniently as servers write them:
/// `expires_in` as a number or a numeric string (`None` when absent), `token_type` in any
/// case and Bearer when absent. Refused: no access token, a lifetime that is not a number, a
/// token type other than Bearer.
pub(super) fn parse_answer(
    status: http::StatusCode,
    body: &[u8],
) -> Result<(Secret, Option<Duration>), TokenError> {
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
        let lifetime =
            seconds(answer.get("expires_in")).map_err(|()| TokenError::BadLifetime { status })?;
        return Ok((secret, lifetime));
    }
    match serde_json::from_slice::<ErrorAnswer>(body) {
        Ok(error) if status.is_client_error() => Err(TokenError::Rejected {
            status,
            error: crate::transport::excerpt::ServerText::new(error.error),
            description: error
                .error_description
                .map(crate::transport::excerpt::ServerText::new),
        }),
        _ => Err(TokenError::Status { status }),
    }
}

impl TokenSource for GrantSource {
    fn fetch(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        Box::pin(self.policy.fetch(|| self.request()))
    }
}
