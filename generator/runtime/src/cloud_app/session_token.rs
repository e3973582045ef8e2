//! Session tokens of the App Shell: verified server-side against JTL's JWKS.
//!
//! A Cloud App's frontend gets a session token from the App Shell (AppBridge `getSessionToken`)
//! and hands it to the app's backend. The token is a JWT signed with EdDSA (Ed25519) carrying
//! `tenantId` and optionally `userId`. [`SessionTokenVerifier`] checks it the way the vendor's demo
//! backend does: the keys come from `/account/.well-known/jwks.json` on the environment's API
//! host, fetched with the app's client-credentials token, and cached.
//!
//! ```no_run
//! # async fn demo(token: &str) -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use jtl_erp_runtime::auth::ClientCredentials;
//! use jtl_erp_runtime::session_token::SessionTokenVerifier;
//!
//! let auth = Arc::new(ClientCredentials::builder("client-id", "client-secret").build()?);
//! let verifier = SessionTokenVerifier::builder(auth.clone()).build()?;
//! let claims = verifier.verify(token).await?;
//! println!("tenant {}", claims.tenant_id);
//! # Ok(()) }
//! ```
//!
//! What is accepted is strict: the compact JWS form only, `alg` exactly `EdDSA` (`none` and
//! everything else refused before any key is looked at), no `crit` extensions, Ed25519 keys
//! (`kty: OKP`, `crv: Ed25519`), `exp` required, `nbf` checked when present (`iat` must be a number). No error
//! and no log line carries the token, a claim value or a key id: a backend's logs are read by
//! more people than its secrets should be.
//!
//! Ed25519 comes from `aws-lc-rs`, which rustls already brings into every build of the client; the
//! JWS parsing (three base64url parts and two small JSON objects) is ours, so that every refusal
//! has its own typed error and nothing echoes input.

use std::fmt;
use std::sync::Arc;
#[cfg(any(test, feature = "test-util"))]
use std::time::UNIX_EPOCH;
use std::time::{Duration, SystemTime};

#[cfg(any(test, feature = "test-util"))]
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair as _};
#[cfg(any(test, feature = "test-util"))]
use base64::Engine as _;
#[cfg(any(test, feature = "test-util"))]
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use serde_json::{Map, Value};

use crate::auth::AuthProvider;
use crate::cloud_app::jose::{self, KeyCache, KeySet, KidRule, VerifyingKey};
use crate::cloud_app::keys;
pub use crate::cloud_app::keys::KeysError;
pub use crate::cloud_app::verifier_defaults::{
    DEFAULT_KEY_CACHE, DEFAULT_LEEWAY, DEFAULT_REFETCH_INTERVAL,
};
use crate::time::SharedTimeSource;
use crate::transport::context::ContextHeader;
use crate::transport::error::BuildError;
use crate::transport::operation::{AuthNeed, Operation};
use crate::transport::security::require_secure;
use crate::transport::settings::{KeyFetch, Retries};

/// The JWKS of Cloud production (see [`crate::environment`] for the other environments).
pub const DEFAULT_JWKS_URL: &str = "https://api.jtl-cloud.com/account/.well-known/jwks.json";

/// Why a session token was refused. No message contains the token, a claim value or a key id.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionTokenError {
    /// `exp` lies in the past (beyond the leeway).
    #[error("session token expired")]
    Expired,
    /// `nbf` lies in the future (beyond the leeway).
    #[error("session token not yet valid")]
    NotYetValid,
    /// The signature does not verify with the selected key.
    #[error("session token signature does not verify")]
    BadSignature,
    /// No key of the JWKS matches the token's key id (after one refetch), or the token names no
    /// key and the JWKS has more than one.
    #[error("session token signed with a key the JWKS does not have")]
    UnknownKey,
    /// Not a compact JWS, or header or claims that do not fit.
    #[error("malformed session token: {0}")]
    Malformed(&'static str),
    /// `alg` is not `EdDSA` (`none` included).
    #[error("session token algorithm is not EdDSA")]
    WrongAlgorithm,
    /// The claims carry no `tenantId`.
    #[error("session token has no tenantId claim")]
    MissingTenant,
    /// The JWKS could not be fetched.
    #[error("issuer keys unreachable: {0}")]
    KeysUnreachable(#[source] KeysError),
}

/// The verified claims of a session token.
#[derive(Clone, PartialEq)]
pub struct SessionTokenClaims {
    /// `tenantId`: the tenant to send as `x-tenant-id`.
    pub tenant_id: String,
    /// `userId`, when the App Shell has a user.
    pub user_id: Option<String>,
    /// `exp`.
    pub expires_at: SystemTime,
    /// `iat`, when present.
    pub issued_at: Option<SystemTime>,
    /// `nbf`, when present.
    pub not_before: Option<SystemTime>,
    /// Every other claim, as sent.
    pub rest: Map<String, Value>,
}

/// Prints which claims are present, not their values: claims end up in logs through `?claims`.
impl fmt::Debug for SessionTokenClaims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        jose::debug_claims(
            f,
            "SessionTokenClaims",
            &self.user_id,
            None,
            &self.expires_at,
            &self.rest,
        )
    }
}

/// Verifies session tokens. Cheap to clone: clones share the key cache.
#[derive(Clone)]
pub struct SessionTokenVerifier {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    jwks_url: url::Url,
    auth: Arc<dyn AuthProvider>,
    key_cache: Duration,
    leeway: Duration,
    timeout: Duration,
    time: SharedTimeSource,
    retries: Retries,
    // Single flight and rate-limited refetches: the JOSE core's.
    cache: KeyCache,
}

impl fmt::Debug for SessionTokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionTokenVerifier")
            .field("jwks_url", &self.inner.jwks_url.as_str())
            .field("key_cache", &self.inner.key_cache)
            .field("leeway", &self.inner.leeway)
            .finish_non_exhaustive()
    }
}

/// Configures a [`SessionTokenVerifier`].
#[must_use]
pub struct SessionTokenVerifierBuilder {
    auth: Arc<dyn AuthProvider>,
    jwks_url: String,
    key_cache: Duration,
    refetch_interval: Duration,
    leeway: Duration,
    fetch: KeyFetch,
}

impl fmt::Debug for SessionTokenVerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionTokenVerifierBuilder")
            .field("jwks_url", &self.jwks_url)
            .finish_non_exhaustive()
    }
}

impl SessionTokenVerifierBuilder {
    /// The JWKS of another environment (https, or http on loopback for tests).
    pub fn jwks_url(mut self, url: impl Into<String>) -> Self {
        self.jwks_url = url.into();
        self
    }
    verifier_setters!();

    /// Checks the URL (https unless loopback) and builds the verifier.
    pub fn build(self) -> Result<SessionTokenVerifier, BuildError> {
        let jwks_url = require_secure(&self.jwks_url, "JWKS URL")?;
        let (http, timeout, time, retries) = self.fetch.build()?;
        Ok(SessionTokenVerifier {
            inner: Arc::new(Inner {
                http,
                jwks_url,
                auth: self.auth,
                key_cache: self.key_cache,
                leeway: self.leeway,
                timeout,
                cache: KeyCache::new(self.key_cache, self.refetch_interval, time.clone()),
                time,
                retries,
            }),
        })
    }
}

/// The JWKS request as the auth provider sees it.
static JWKS_OPERATION: Operation = Operation {
    id: "getSessionKeys",
    api: "account",
    method: http::Method::GET,
    path: "/account/.well-known/jwks.json",
    api_version: None,
    context: &[] as &[ContextHeader],
    auth: AuthNeed::Required,
    errors: &[],
    scope: None,
};

impl SessionTokenVerifier {
    /// A verifier that fetches the JWKS with the app token of `auth` (the app's
    /// [`crate::auth::ClientCredentials`], shared with its clients so that one token serves all).
    pub fn builder(auth: Arc<dyn AuthProvider>) -> SessionTokenVerifierBuilder {
        SessionTokenVerifierBuilder {
            auth,
            jwks_url: DEFAULT_JWKS_URL.to_owned(),
            key_cache: DEFAULT_KEY_CACHE,
            refetch_interval: DEFAULT_REFETCH_INTERVAL,
            leeway: DEFAULT_LEEWAY,
            fetch: KeyFetch::default(),
        }
    }

    /// Verifies `token` now (the wall-clock time of the verifier's time source).
    pub async fn verify(&self, token: &str) -> Result<SessionTokenClaims, SessionTokenError> {
        self.verify_at(token, self.inner.time.wall_clock()).await
    }

    /// Verifies `token` as of `now` (for tests and replays).
    pub async fn verify_at(
        &self,
        token: &str,
        now: SystemTime,
    ) -> Result<SessionTokenClaims, SessionTokenError> {
        let parsed = jose::parse(token).map_err(refused)?;
        if parsed.alg != jose::Alg::EdDsa {
            return Err(SessionTokenError::WrongAlgorithm);
        }
        self.inner
            .cache
            .verify(&parsed, || self.fetch())
            .await
            .map_err(cache_refused)?;
        claims(parsed.claims_b64, now, self.inner.leeway)
    }

    /// One JWKS request with the app token; after a 401 the provider may refresh it once.
    async fn fetch(&self) -> Result<KeySet, KeysError> {
        let timeout = self.inner.timeout;
        tokio::time::timeout(timeout, async {
            let mut answer = self.request().await?;
            if let (Err(StatusCode::UNAUTHORIZED), used) = &answer
                && self
                    .inner
                    .auth
                    .on_unauthorized(used.as_ref(), &JWKS_OPERATION)
                    .await
                    .map_err(KeysError::Auth)?
            {
                answer = self.request().await?;
            }
            match answer.0 {
                Ok(bytes) => parse_jwks(&bytes),
                Err(status) => Err(KeysError::Status {
                    what: "key set",
                    status,
                }),
            }
        })
        .await
        .unwrap_or(Err(KeysError::Timeout(timeout)))
    }

    /// The JWKS request with the app token and the verifier's retries: the answer and the
    /// credentials its last attempt sent.
    async fn request(&self) -> Result<(keys::Answer, Option<http::HeaderValue>), KeysError> {
        let inner = &self.inner;
        let used = std::sync::Mutex::new(None);
        let answer = keys::get(&inner.http, &inner.retries, &inner.time, || async {
            tracing::debug!("fetching the session-token JWKS");
            let mut request = keys::json_request(&inner.http, &inner.jwks_url)?;
            inner
                .auth
                .authorize(&mut request, &JWKS_OPERATION)
                .await
                .map_err(KeysError::Auth)?;
            *used.lock().unwrap_or_else(|e| e.into_inner()) =
                request.headers().get(http::header::AUTHORIZATION).cloned();
            Ok(request)
        })
        .await?;
        Ok((answer, used.into_inner().unwrap_or_else(|e| e.into_inner())))
    }
}

verifier_refusals!(SessionTokenError);

/// Where session tokens name their subject: `tenantId` and `userId`.
const SUBJECT: jose::SubjectClaims = jose::SubjectClaims {
    tenant: "tenantId",
    tenant_not_a_string: "tenantId is not a string",
    user: "userId",
    user_not_a_string: "userId is not a string",
};

/// Decodes the claims and checks times and tenant.
fn claims(
    claims_b64: &str,
    now: SystemTime,
    leeway: Duration,
) -> Result<SessionTokenClaims, SessionTokenError> {
    use SessionTokenError::Malformed;
    let mut rest = jose::claims_object(claims_b64).map_err(Malformed)?;
    let subject = jose::check_subject(&mut rest, &SUBJECT, now, leeway).map_err(claim_refused)?;
    Ok(SessionTokenClaims {
        tenant_id: subject.tenant_id,
        user_id: subject.user_id,
        expires_at: subject.times.expires_at,
        issued_at: subject.times.issued_at,
        not_before: subject.times.not_before,
        rest,
    })
}

/// Reads a JWKS, keeping the Ed25519 signature keys and skipping the others.
fn parse_jwks(body: &[u8]) -> Result<KeySet, KeysError> {
    KeySet::from_jwks(
        body,
        KidRule::FallbackToKeysWithoutKid,
        VerifyingKey::is_ed25519,
    )
    .map_err(KeysError::Malformed)
}

/// The App Shell's side: an Ed25519 key pair that signs session tokens, for fakes and tests
/// (the fake JTL serves its public half as a JWKS).
#[cfg(any(test, feature = "test-util"))]
pub struct SessionTokenSigner {
    pair: Ed25519KeyPair,
    kid: String,
}

#[cfg(any(test, feature = "test-util"))]
impl fmt::Debug for SessionTokenSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionTokenSigner")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// Why a key pair could not be made (the system's random source failed).
#[derive(Debug, thiserror::Error)]
#[error("cannot generate an Ed25519 key pair")]
#[cfg(any(test, feature = "test-util"))]
pub struct KeyGenerationError;

#[cfg(any(test, feature = "test-util"))]
impl SessionTokenSigner {
    /// A fresh key pair with key id `kid`.
    pub fn generate(kid: impl Into<String>) -> Result<Self, KeyGenerationError> {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| KeyGenerationError)?;
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| KeyGenerationError)?;
        Ok(Self {
            pair,
            kid: kid.into(),
        })
    }

    /// A fresh key pair whose key id is derived from its public key (so that two signers
    /// never share a kid).
    pub fn random() -> Result<Self, KeyGenerationError> {
        let mut signer = Self::generate(String::new())?;
        let public = signer.pair.public_key().as_ref();
        signer.kid = URL_SAFE_NO_PAD.encode(&public[..12]);
        Ok(signer)
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK (`kty: OKP`, `crv: Ed25519`, `alg: EdDSA`, `use: sig`).
    pub fn public_jwk(&self) -> Value {
        serde_json::json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "alg": "EdDSA",
            "use": "sig",
            "kid": self.kid,
            "x": URL_SAFE_NO_PAD.encode(self.pair.public_key().as_ref()),
        })
    }

    /// Signs `claims` as a compact JWS with `alg: EdDSA` and this key's `kid`.
    pub fn sign(&self, claims: &Value) -> String {
        let header = serde_json::json!({"alg": "EdDSA", "typ": "JWT", "kid": self.kid});
        self.sign_with_header(&header, claims)
    }

    /// Signs `claims` under a header of your own (for tests of what a verifier refuses).
    pub fn sign_with_header(&self, header: &Value, claims: &Value) -> String {
        jose::sign_compact(header, claims, |input| {
            self.pair.sign(input).as_ref().to_vec()
        })
    }

    /// A session token as the App Shell issues it: `tenantId`, `userId` when given, `iat` now
    /// and `exp` after `lifetime`.
    pub fn session_token(&self, tenant: &str, user: Option<&str>, lifetime: Duration) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let mut claims = serde_json::json!({
            "tenantId": tenant,
            "iat": now,
            "exp": now + lifetime.as_secs(),
        });
        if let Some(user) = user {
            claims["userId"] = Value::from(user);
        }
        self.sign(&claims)
    }
}

/// The keys of a JWKS document served by [`SessionTokenSigner`]s, in order.
#[cfg(any(test, feature = "test-util"))]
pub fn jwks_document<'a>(signers: impl IntoIterator<Item = &'a SessionTokenSigner>) -> Value {
    let keys: Vec<Value> = signers
        .into_iter()
        .map(SessionTokenSigner::public_jwk)
        .collect();
    serde_json::json!({ "keys": keys })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> SessionTokenSigner {
        SessionTokenSigner::generate("k1").expect("key")
    }

    fn now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs()
    }

    fn check(
        token: &str,
        signer: &SessionTokenSigner,
    ) -> Result<SessionTokenClaims, SessionTokenError> {
        let parsed = jose::parse(token).map_err(refused)?;
        if parsed.alg != jose::Alg::EdDsa {
            return Err(SessionTokenError::WrongAlgorithm);
        }
        let keys = parse_jwks(jwks_document([signer]).to_string().as_bytes()).expect("keys");
        keys.verify(&parsed).map_err(refused)?;
        claims(parsed.claims_b64, SystemTime::now(), DEFAULT_LEEWAY)
    }

    #[test]
    fn a_valid_token_yields_typed_claims_and_keeps_the_rest() {
        let signer = signer();
        let t = now();
        let token = signer.sign(&serde_json::json!({
            "tenantId": "t-1", "userId": "u-1", "exp": t + 60, "iat": t, "nbf": t, "scope": "x"
        }));
        let claims = check(&token, &signer).expect("valid");
        assert_eq!(claims.tenant_id, "t-1");
        assert_eq!(claims.user_id.as_deref(), Some("u-1"));
        assert_eq!(claims.expires_at, UNIX_EPOCH + Duration::from_secs(t + 60));
        assert_eq!(claims.rest.len(), 1);
        assert_eq!(claims.rest["scope"], "x");
        let debug = format!("{claims:?}");
        assert!(!debug.contains("u-1") && !debug.contains("t-1"), "{debug}");
        assert!(debug.contains("scope"), "{debug}");
    }

    #[test]
    fn times_are_checked_with_the_leeway() {
        let signer = signer();
        let t = now();
        let token = |claims: Value| signer.sign(&claims);
        let expired = token(serde_json::json!({"tenantId": "t", "exp": t - 31}));
        assert!(matches!(
            check(&expired, &signer),
            Err(SessionTokenError::Expired)
        ));
        let within = token(serde_json::json!({"tenantId": "t", "exp": t - 20}));
        assert!(check(&within, &signer).is_ok());
        let early = token(serde_json::json!({"tenantId": "t", "exp": t + 600, "nbf": t + 60}));
        assert!(matches!(
            check(&early, &signer),
            Err(SessionTokenError::NotYetValid)
        ));
        // `iat` is when it was issued, no rule for use: an issuer's clock may run ahead.
        let future_iat = token(serde_json::json!({"tenantId": "t", "exp": t + 600, "iat": t + 60}));
        assert!(check(&future_iat, &signer).is_ok());
        let no_exp = token(serde_json::json!({"tenantId": "t"}));
        assert!(matches!(
            check(&no_exp, &signer),
            Err(SessionTokenError::Malformed("claims have no exp"))
        ));
    }

    #[test]
    fn the_tenant_is_required() {
        let signer = signer();
        let t = now();
        for claims in [
            serde_json::json!({"exp": t + 60}),
            serde_json::json!({"exp": t + 60, "tenantId": ""}),
            serde_json::json!({"exp": t + 60, "tenantId": null}),
        ] {
            let token = signer.sign(&claims);
            assert!(matches!(
                check(&token, &signer),
                Err(SessionTokenError::MissingTenant)
            ));
        }
    }

    #[test]
    fn only_eddsa_is_accepted_and_nothing_is_echoed() {
        let signer = signer();
        let claims = serde_json::json!({"tenantId": "secret-tenant", "exp": now() + 60});
        for alg in ["none", "HS256", "RS256", "eddsa", "ES256"] {
            let token = signer.sign_with_header(&serde_json::json!({"alg": alg}), &claims);
            let error = check(&token, &signer).expect_err(alg);
            assert!(
                matches!(error, SessionTokenError::WrongAlgorithm),
                "{alg}: {error}"
            );
        }
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        assert!(matches!(
            check(&none, &signer),
            Err(SessionTokenError::WrongAlgorithm)
        ));
        let crit = signer.sign_with_header(
            &serde_json::json!({"alg": "EdDSA", "crit": ["b64"], "b64": false}),
            &claims,
        );
        assert!(matches!(
            check(&crit, &signer),
            Err(SessionTokenError::Malformed(_))
        ));
        for broken in ["", "a.b", "a.b.c.d", "!!.e30.AA", "e30.e30.AA"] {
            let error = check(broken, &signer).expect_err(broken);
            let text = error.to_string();
            assert!(
                !text.contains("secret-tenant") && !text.contains("e30"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_tampered_token_has_a_bad_signature() {
        let signer = signer();
        let token = signer.session_token("t-1", None, Duration::from_secs(60));
        let mut parts: Vec<&str> = token.split('.').collect();
        let other = URL_SAFE_NO_PAD
            .encode(serde_json::json!({"tenantId": "t-2", "exp": now() + 60}).to_string());
        parts[1] = &other;
        let tampered = parts.join(".");
        assert!(matches!(
            check(&tampered, &signer),
            Err(SessionTokenError::BadSignature)
        ));
    }

    #[test]
    fn jwks_keeps_ed25519_signing_keys_only() {
        let signer = signer();
        let mut jwks = jwks_document([&signer]);
        let keys = jwks["keys"].as_array_mut().expect("array");
        keys.push(serde_json::json!({"kty": "RSA", "kid": "rsa", "n": "AQAB", "e": "AQAB"}));
        keys.push(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "use": "enc", "x": keys[0]["x"].clone()}));
        keys.push(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}));
        let parsed = parse_jwks(jwks.to_string().as_bytes()).expect("key set");
        assert_eq!(parsed.kids(), vec![Some("k1")]);
        assert!(matches!(parse_jwks(b"[]"), Err(KeysError::Malformed(_))));
    }
}
