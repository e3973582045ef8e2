//! Named JTL environments (Cloud production, beta, dev, qa; SCX production and sandbox) and
//! configuration read from environment variables.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `JTL_CLIENT_ID` | the app's client id (Partner Portal) | required |
//! | `JTL_CLIENT_SECRET` | its secret | required |
//! | `JTL_TENANT_ID` | the tenant (a UUID) for a single-tenant client | none |
//! | `JTL_ENVIRONMENT` | `production`, `beta`, `dev` or `qa` | `production` |
//! | `JTL_API_URL`, `JTL_TOKEN_URL`, `JTL_JWKS_URL`, `JTL_ISSUER` | override one URL of the environment | the preset's |
//! | `JTL_SCX_REFRESH_TOKEN` | the SCX refresh token | required for [`ScxConfig`] |
//! | `JTL_SCX_ENVIRONMENT` | `production` or `sandbox` | `production` |
//! | `JTL_SCX_URL` | override the SCX base URL | the preset's |
//!
//! An empty variable counts as unset. Errors name the variable and what is wrong, never its
//! value, so that a misplaced secret does not end up in a log.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use uuid::Uuid;

use crate::auth::{
    AuthProvider, ClientCredentials, ClientCredentialsBuilder, ScxRefreshTokenBuilder,
};
use crate::session_token::SessionTokenVerifierBuilder;
use crate::transport::client::ClientBuilder;
use crate::transport::context::Context;
use crate::types::Secret;

/// The URLs of one Cloud environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudUrls {
    /// Base URL of the ERP API (1.0 paths below it, 2.x below `/v2`).
    pub api_base: String,
    /// The legacy identity provider's token endpoint (client-credentials grant).
    pub token_url: String,
    /// The JWKS that signs App Shell session tokens.
    pub jwks_url: String,
    /// The OIDC issuer of the current identity platform (client credentials with
    /// `scope=openid`, app tokens).
    pub issuer: String,
}

/// A JTL Cloud environment: production, or the vendor's beta, dev and qa stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CloudEnvironment {
    /// `api.jtl-cloud.com`, `auth.jtl-cloud.com`.
    #[default]
    Production,
    /// `api.beta.jtl-cloud.com`; legacy tokens from the production host `auth.jtl-cloud.com`,
    /// as the vendor's 2026 sample sends them.
    Beta,
    /// `api.dev.jtl-cloud.com`, `auth.dev.jtl-cloud.com`.
    Dev,
    /// `api.qa.jtl-cloud.com`, `auth.qa.jtl-cloud.com`.
    Qa,
}

impl CloudEnvironment {
    /// Every preset, production first.
    pub const ALL: [Self; 4] = [Self::Production, Self::Beta, Self::Dev, Self::Qa];

    /// The name `JTL_ENVIRONMENT` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Beta => "beta",
            Self::Dev => "dev",
            Self::Qa => "qa",
        }
    }

    /// The URLs of this environment: the stage's name sits before `jtl-cloud.com`, except the
    /// legacy token host of beta, which is production's (as the vendor's 2026 sample has it).
    /// The issuer of production is `https://id.jtl-cloud.com`; those of the stages follow the
    /// same pattern (`id.{stage}.jtl-cloud.com`), which no public source confirms yet:
    /// override with `JTL_ISSUER` when yours differs.
    pub fn urls(self) -> CloudUrls {
        let stage = match self {
            Self::Production => "",
            Self::Beta => "beta.",
            Self::Dev => "dev.",
            Self::Qa => "qa.",
        };
        CloudUrls {
            api_base: format!("https://api.{stage}jtl-cloud.com/erp"),
            token_url: match self {
                Self::Beta => "https://auth.jtl-cloud.com/oauth2/token".to_owned(),
                _ => format!("https://auth.{stage}jtl-cloud.com/oauth2/token"),
            },
            jwks_url: format!("https://api.{stage}jtl-cloud.com/account/.well-known/jwks.json"),
            issuer: format!("https://id.{stage}jtl-cloud.com"),
        }
    }
}

impl fmt::Display for CloudEnvironment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no environment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown environment, expected one of {expected}")]
pub struct UnknownEnvironment {
    /// The names accepted.
    pub expected: &'static str,
}

impl FromStr for CloudEnvironment {
    type Err = UnknownEnvironment;
    /// The names of [`CloudEnvironment::name`], ASCII case ignored; `prod` for production.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let name = name.trim().to_ascii_lowercase();
        match name.as_str() {
            "production" | "prod" => Ok(Self::Production),
            "beta" => Ok(Self::Beta),
            "dev" => Ok(Self::Dev),
            "qa" => Ok(Self::Qa),
            _ => Err(UnknownEnvironment {
                expected: "production, beta, dev, qa",
            }),
        }
    }
}

/// The SCX Channel API's environments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScxEnvironment {
    /// `scx.api.jtl-software.com`.
    #[default]
    Production,
    /// `scx-sbx.api.jtl-software.com`.
    Sandbox,
}

impl ScxEnvironment {
    /// The base URL (`/auth` and the channel routes below it).
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Production => "https://scx.api.jtl-software.com/v1",
            Self::Sandbox => "https://scx-sbx.api.jtl-software.com/v1",
        }
    }
}

impl FromStr for ScxEnvironment {
    type Err = UnknownEnvironment;
    /// `production` (or `prod`) and `sandbox` (or `sbx`), ASCII case ignored.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_ascii_lowercase().as_str() {
            "production" | "prod" => Ok(Self::Production),
            "sandbox" | "sbx" => Ok(Self::Sandbox),
            _ => Err(UnknownEnvironment {
                expected: "production, sandbox",
            }),
        }
    }
}

/// A variable that is missing or cannot be used. The value is never part of the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvError {
    /// A required variable is unset or empty.
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    /// A variable is set to something unusable.
    #[error("environment variable {variable} {reason}")]
    Malformed {
        /// The variable.
        variable: &'static str,
        /// What is wrong, without the value.
        reason: String,
    },
}

/// A Cloud app's configuration: environment URLs, client credentials, an optional tenant.
#[derive(Debug, Clone)]
pub struct CloudConfig {
    /// The environment named (before overrides).
    pub environment: CloudEnvironment,
    /// Its URLs, overrides applied.
    pub urls: CloudUrls,
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
    /// The tenant, for a client that serves one.
    pub tenant_id: Option<Uuid>,
}

impl CloudConfig {
    /// Reads the variables of the [module documentation](self) from the process environment.
    pub fn from_env() -> Result<Self, EnvError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads them through `lookup` (a map in tests, a secrets store in production).
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, EnvError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let environment = match get("JTL_ENVIRONMENT") {
            None => CloudEnvironment::default(),
            Some(name) => name
                .parse()
                .map_err(|e: UnknownEnvironment| EnvError::Malformed {
                    variable: "JTL_ENVIRONMENT",
                    reason: format!("is not one of {}", e.expected),
                })?,
        };
        let mut urls = environment.urls();
        for (variable, slot) in [
            ("JTL_API_URL", &mut urls.api_base),
            ("JTL_TOKEN_URL", &mut urls.token_url),
            ("JTL_JWKS_URL", &mut urls.jwks_url),
            ("JTL_ISSUER", &mut urls.issuer),
        ] {
            if let Some(url) = get(variable) {
                *slot = checked_url(variable, url)?;
            }
        }
        let client_id = get("JTL_CLIENT_ID").ok_or(EnvError::Missing("JTL_CLIENT_ID"))?;
        let client_secret =
            Secret::new(get("JTL_CLIENT_SECRET").ok_or(EnvError::Missing("JTL_CLIENT_SECRET"))?);
        let tenant_id = get("JTL_TENANT_ID")
            .map(|t| {
                t.trim().parse::<Uuid>().map_err(|_| EnvError::Malformed {
                    variable: "JTL_TENANT_ID",
                    reason: "is not a UUID".to_owned(),
                })
            })
            .transpose()?;
        Ok(Self {
            environment,
            urls,
            client_id,
            client_secret,
            tenant_id,
        })
    }

    /// The client-credentials provider for this environment's token endpoint.
    pub fn client_credentials(&self) -> ClientCredentialsBuilder {
        ClientCredentials::builder(self.client_id.clone(), self.client_secret.clone())
            .token_url(self.urls.token_url.clone())
    }

    /// The client-credentials provider for this environment's OIDC issuer (`scope=openid`).
    pub fn oidc_client_credentials(&self) -> ClientCredentialsBuilder {
        ClientCredentials::builder(self.client_id.clone(), self.client_secret.clone())
            .issuer(self.urls.issuer.clone())
    }

    /// An app-token verifier for this environment's OIDC issuer and the app `app_id`.
    pub fn app_token_verifier(
        &self,
        app_id: impl Into<String>,
    ) -> crate::app_token::AppTokenVerifierBuilder {
        crate::app_token::AppTokenVerifier::builder(self.urls.issuer.clone(), app_id)
    }

    /// A session-token verifier for this environment's JWKS, fetching with `auth` (share the
    /// [`ClientCredentials`] of your clients so that one app token serves both).
    pub fn session_token_verifier(
        &self,
        auth: Arc<dyn AuthProvider>,
    ) -> SessionTokenVerifierBuilder {
        crate::session_token::SessionTokenVerifier::builder(auth)
            .jwks_url(self.urls.jwks_url.clone())
    }

    /// The request context: the tenant, when one is configured.
    pub fn context(&self) -> Context {
        match self.tenant_id {
            Some(tenant) => Context::new().tenant_id(tenant),
            None => Context::new(),
        }
    }

    /// Points a client builder (`erp_v2::Client::builder()`, …) at this environment, with
    /// `auth` and the configured context.
    pub fn configure<C: crate::codegen::ApiClient>(
        &self,
        builder: ClientBuilder<C>,
        auth: Arc<dyn AuthProvider>,
    ) -> ClientBuilder<C> {
        builder
            .base_url(self.urls.api_base.clone())
            .auth_shared(auth)
            .context(self.context())
    }
}

/// An SCX channel's configuration: base URL and refresh token.
#[derive(Debug, Clone)]
pub struct ScxConfig {
    /// The environment named (before the override).
    pub environment: ScxEnvironment,
    /// The base URL, override applied.
    pub base_url: String,
    /// The refresh token.
    pub refresh_token: Secret,
}

impl ScxConfig {
    /// Reads `JTL_SCX_REFRESH_TOKEN`, `JTL_SCX_ENVIRONMENT` and `JTL_SCX_URL`.
    pub fn from_env() -> Result<Self, EnvError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads them through `lookup`.
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, EnvError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let environment = match get("JTL_SCX_ENVIRONMENT") {
            None => ScxEnvironment::default(),
            Some(name) => name
                .parse()
                .map_err(|e: UnknownEnvironment| EnvError::Malformed {
                    variable: "JTL_SCX_ENVIRONMENT",
                    reason: format!("is not one of {}", e.expected),
                })?,
        };
        let base_url = match get("JTL_SCX_URL") {
            Some(url) => checked_url("JTL_SCX_URL", url)?,
            None => environment.base_url().to_owned(),
        };
        let refresh_token = Secret::new(
            get("JTL_SCX_REFRESH_TOKEN").ok_or(EnvError::Missing("JTL_SCX_REFRESH_TOKEN"))?,
        );
        Ok(Self {
            environment,
            base_url,
            refresh_token,
        })
    }

    /// The refresh-token provider for this base URL.
    pub fn refresh_token(&self) -> ScxRefreshTokenBuilder {
        crate::auth::ScxRefreshToken::builder(self.refresh_token.clone())
            .base_url(self.base_url.clone())
    }
}

/// An absolute http(s) URL; the https rule is checked where the URL is used.
fn checked_url(variable: &'static str, url: String) -> Result<String, EnvError> {
    let malformed = |reason: String| EnvError::Malformed { variable, reason };
    let parsed =
        url::Url::parse(url.trim()).map_err(|e| malformed(format!("is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(malformed("is not an http(s) URL".to_owned()));
    }
    Ok(url.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn presets_put_the_stage_before_the_domain() {
        assert_eq!(
            CloudEnvironment::Production.urls(),
            CloudUrls {
                api_base: "https://api.jtl-cloud.com/erp".into(),
                token_url: "https://auth.jtl-cloud.com/oauth2/token".into(),
                jwks_url: "https://api.jtl-cloud.com/account/.well-known/jwks.json".into(),
                issuer: "https://id.jtl-cloud.com".into(),
            }
        );
        let qa = CloudEnvironment::Qa.urls();
        assert_eq!(qa.api_base, "https://api.qa.jtl-cloud.com/erp");
        assert_eq!(qa.token_url, "https://auth.qa.jtl-cloud.com/oauth2/token");
        assert_eq!(
            qa.jwks_url,
            "https://api.qa.jtl-cloud.com/account/.well-known/jwks.json"
        );
        assert_eq!(
            CloudEnvironment::Beta.urls().token_url,
            "https://auth.jtl-cloud.com/oauth2/token",
            "the 2026 sample sends beta's legacy tokens to the production host"
        );
        assert_eq!(
            CloudEnvironment::Dev.urls().token_url,
            "https://auth.dev.jtl-cloud.com/oauth2/token"
        );
        assert_eq!(
            CloudEnvironment::Qa.urls().issuer,
            "https://id.qa.jtl-cloud.com"
        );
        assert_eq!(
            CloudEnvironment::Dev.urls().api_base,
            "https://api.dev.jtl-cloud.com/erp"
        );
        for env in CloudEnvironment::ALL {
            assert_eq!(env.name().parse::<CloudEnvironment>(), Ok(env));
        }
        assert_eq!(
            ScxEnvironment::Sandbox.base_url(),
            "https://scx-sbx.api.jtl-software.com/v1"
        );
        assert_eq!(
            ScxEnvironment::Production.base_url(),
            "https://scx.api.jtl-software.com/v1"
        );
    }

    #[test]
    fn from_vars_reads_environment_overrides_and_tenant() {
        let config = CloudConfig::from_vars(vars(&[
            ("JTL_CLIENT_ID", "id"),
            ("JTL_CLIENT_SECRET", "s3cret"),
            ("JTL_ENVIRONMENT", "Beta"),
            ("JTL_JWKS_URL", "http://127.0.0.1:9/jwks"),
            ("JTL_TENANT_ID", "6f1c2b3a-1111-4222-8333-944455556666"),
        ]))
        .expect("config");
        assert_eq!(config.environment, CloudEnvironment::Beta);
        assert_eq!(config.urls.api_base, "https://api.beta.jtl-cloud.com/erp");
        assert_eq!(config.urls.jwks_url, "http://127.0.0.1:9/jwks");
        assert_eq!(
            config.tenant_id.map(|t| t.to_string()).as_deref(),
            Some("6f1c2b3a-1111-4222-8333-944455556666")
        );
        assert!(!format!("{config:?}").contains("s3cret"));
    }

    #[test]
    fn errors_name_the_variable_and_never_echo_the_value() {
        let missing =
            CloudConfig::from_vars(vars(&[("JTL_CLIENT_SECRET", "s3cret")])).expect_err("no id");
        assert_eq!(
            missing.to_string(),
            "environment variable JTL_CLIENT_ID is not set"
        );
        let empty =
            CloudConfig::from_vars(vars(&[("JTL_CLIENT_ID", "id"), ("JTL_CLIENT_SECRET", " ")]))
                .expect_err("empty secret");
        assert_eq!(empty, EnvError::Missing("JTL_CLIENT_SECRET"));
        let base = [("JTL_CLIENT_ID", "id"), ("JTL_CLIENT_SECRET", "s3cret")];
        let with = |extra: (&'static str, &'static str)| {
            let mut all = base.to_vec();
            all.push(extra);
            CloudConfig::from_vars(vars(&all))
                .expect_err("malformed")
                .to_string()
        };
        assert_eq!(
            with(("JTL_ENVIRONMENT", "s3cret")),
            "environment variable JTL_ENVIRONMENT is not one of production, beta, dev, qa"
        );
        assert_eq!(
            with(("JTL_TENANT_ID", "s3cret")),
            "environment variable JTL_TENANT_ID is not a UUID"
        );
        assert_eq!(
            with(("JTL_TOKEN_URL", "s3cret")),
            "environment variable JTL_TOKEN_URL is not a URL: relative URL without a base"
        );
        assert_eq!(
            with(("JTL_API_URL", "ftp://s3cret/")),
            "environment variable JTL_API_URL is not an http(s) URL"
        );
        let scx = ScxConfig::from_vars(vars(&[("JTL_SCX_ENVIRONMENT", "sandbox")]))
            .expect_err("no token");
        assert_eq!(scx, EnvError::Missing("JTL_SCX_REFRESH_TOKEN"));
        let scx = ScxConfig::from_vars(vars(&[
            ("JTL_SCX_ENVIRONMENT", "sbx"),
            ("JTL_SCX_REFRESH_TOKEN", "s3cret"),
        ]))
        .expect("scx");
        assert_eq!(scx.base_url, "https://scx-sbx.api.jtl-software.com/v1");
        assert!(!format!("{scx:?}").contains("s3cret"));
    }
}
