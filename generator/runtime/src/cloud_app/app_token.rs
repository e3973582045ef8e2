//! App tokens of the current identity platform: verified server-side against the OIDC issuer's
//! published keys.
//!
//! The App Shell (AppBridge `getAppToken`), or the app's own PKCE login, hands a Cloud App's
//! backend an *app token* as `Authorization: Bearer`. It is a JWT of the issuer
//! (`https://id.jtl-cloud.com` in production), signed with a key of the key set named by the
//! issuer's discovery document (`/.well-known/openid-configuration` → `jwks_uri`).
//! [`AppTokenVerifier`] checks, in this order: the compact form and header, the signature with
//! a key the rules of the JOSE core select (the algorithm bound to the key: `none`, HMAC and an
//! `alg` that does not fit the key are refused), `iss` exactly, `aud` (a string or an array)
//! containing the app id, `urn:jtl:app_id` equal to it when present, `exp` (required) and `nbf`
//! with the leeway on the wall clock of the verifier's time source (`iat` only has to be a
//! number), and the tenant `urn:jtl:tenant_id`. The tenant is bound into the token: take it from [`AppClaims`], never
//! from the caller.
//!
//! ```no_run
//! # async fn demo(token: &str) -> Result<(), Box<dyn std::error::Error>> {
//! use jtl_erp_runtime::app_token::{AppTokenVerifier, JTL_ISSUER};
//!
//! let verifier = AppTokenVerifier::builder(JTL_ISSUER, "my-app-id").build()?;
//! let claims = verifier.verify(token).await?;
//! println!("tenant {}", claims.tenant_id);
//! # Ok(()) }
//! ```
//!
//! Keys are cached (10 minutes by default); a token naming a key id the cache lacks makes one
//! refetch, at most one per interval (30 s by default), one at a time. The discovery document is
//! read once and read again when the key set cannot be fetched. No error and no log line
//! carries the token, a claim value or a key id.

use std::fmt;
use std::sync::{Arc, RwLock};
#[cfg(any(test, feature = "test-util"))]
use std::time::UNIX_EPOCH;
use std::time::{Duration, SystemTime};

#[cfg(any(test, feature = "test-util"))]
use base64::Engine as _;
#[cfg(any(test, feature = "test-util"))]
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::cloud_app::jose::{self, KeyCache, KeySet, KidRule};
use crate::cloud_app::keys;
pub use crate::cloud_app::keys::KeysError;
pub use crate::cloud_app::verifier_defaults::{
    DEFAULT_KEY_CACHE, DEFAULT_LEEWAY, DEFAULT_REFETCH_INTERVAL,
};
use crate::time::SharedTimeSource;
use crate::transport::error::BuildError;
use crate::transport::security::require_secure;
use crate::transport::settings::{KeyFetch, Retries};

/// The production issuer of the current identity platform.
pub const JTL_ISSUER: &str = "https://id.jtl-cloud.com";
/// The claim that names the tenant.
pub const TENANT_CLAIM: &str = "urn:jtl:tenant_id";
/// The claim that names the app, when present.
pub const APP_CLAIM: &str = "urn:jtl:app_id";

/// Why an app token was refused. No message contains the token, a claim value or a key id.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppTokenError {
    /// `exp` lies in the past (beyond the leeway).
    #[error("app token expired")]
    Expired,
    /// `nbf` lies in the future (beyond the leeway).
    #[error("app token not yet valid")]
    NotYetValid,
    /// No selected key verifies the signature.
    #[error("app token signature does not verify")]
    BadSignature,
    /// The key set has no key for the token (after at most one refetch).
    #[error("app token signed with a key the issuer does not publish")]
    UnknownKey,
    /// `alg` is `none`, an HMAC algorithm, unknown, or does not fit the key.
    #[error("app token algorithm is not accepted for the issuer's key")]
    WrongAlgorithm,
    /// Not a compact JWS, or a header or claims that do not fit.
    #[error("malformed app token: {0}")]
    Malformed(&'static str),
    /// `iss` is not the configured issuer.
    #[error("app token issued by another issuer")]
    WrongIssuer,
    /// `aud` is missing or does not contain the app id.
    #[error("app token not meant for this app (aud)")]
    WrongAudience,
    /// `urn:jtl:app_id` is present and not the app id.
    #[error("app token names another app (urn:jtl:app_id)")]
    WrongApp,
    /// No `urn:jtl:tenant_id`.
    #[error("app token has no tenant claim")]
    MissingTenant,
    /// The issuer's keys could not be fetched.
    #[error("issuer keys unreachable: {0}")]
    KeysUnreachable(#[source] KeysError),
}

/// The verified claims of an app token.
#[derive(Clone, PartialEq)]
pub struct AppClaims {
    /// `urn:jtl:tenant_id`: the tenant to call the ERP for.
    pub tenant_id: String,
    /// `sub`: the user, when the token has one.
    pub user_id: Option<String>,
    /// The app: the verifier's app id (which `aud` contains and `urn:jtl:app_id` equals).
    pub app_id: String,
    /// `aud`, as a list.
    pub audience: Vec<String>,
    /// `exp`.
    pub expires_at: SystemTime,
    /// `iat`, when present.
    pub issued_at: Option<SystemTime>,
    /// `nbf`, when present.
    pub not_before: Option<SystemTime>,
    /// Every other claim, as sent (`iss` and `urn:jtl:app_id` included).
    pub rest: Map<String, Value>,
}

/// Prints which claims are present, not their values.
impl fmt::Debug for AppClaims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        jose::debug_claims(
            f,
            "AppClaims",
            &self.user_id,
            Some(&self.app_id),
            &self.expires_at,
            &self.rest,
        )
    }
}

/// Verifies app tokens of one issuer for one app. Cheap to clone: clones share the caches.
#[derive(Clone)]
pub struct AppTokenVerifier {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    issuer: String,
    discovery_url: url::Url,
    app_id: String,
    leeway: Duration,
    timeout: Duration,
    time: SharedTimeSource,
    retries: Retries,
    jwks_uri: RwLock<Option<url::Url>>,
    cache: KeyCache,
}

impl fmt::Debug for AppTokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppTokenVerifier")
            .field("issuer", &self.inner.issuer)
            .field("app_id", &self.inner.app_id)
            .field("leeway", &self.inner.leeway)
            .finish_non_exhaustive()
    }
}

/// Configures an [`AppTokenVerifier`].
#[must_use]
pub struct AppTokenVerifierBuilder {
    issuer: String,
    app_id: String,
    key_cache: Duration,
    refetch_interval: Duration,
    leeway: Duration,
    fetch: KeyFetch,
}

impl fmt::Debug for AppTokenVerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppTokenVerifierBuilder")
            .field("issuer", &self.issuer)
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

impl AppTokenVerifierBuilder {
    verifier_setters!();

    /// Checks the issuer (https unless loopback) and builds the verifier.
    pub fn build(self) -> Result<AppTokenVerifier, BuildError> {
        let discovery = format!(
            "{}/.well-known/openid-configuration",
            self.issuer.trim_end_matches('/')
        );
        let discovery_url = require_secure(&discovery, "issuer")?;
        let (http, timeout, time, retries) = self.fetch.build()?;
        Ok(AppTokenVerifier {
            inner: Arc::new(Inner {
                http,
                issuer: self.issuer,
                discovery_url,
                app_id: self.app_id,
                leeway: self.leeway,
                timeout,
                cache: KeyCache::new(self.key_cache, self.refetch_interval, time.clone()),
                time,
                retries,
                jwks_uri: RwLock::new(None),
            }),
        })
    }
}

impl AppTokenVerifier {
    /// A verifier of tokens of `issuer` (exactly as the tokens' `iss` names it, e.g.
    /// [`JTL_ISSUER`]) for the app `app_id`.
    pub fn builder(
        issuer: impl Into<String>,
        app_id: impl Into<String>,
    ) -> AppTokenVerifierBuilder {
        AppTokenVerifierBuilder {
            issuer: issuer.into(),
            app_id: app_id.into(),
            key_cache: DEFAULT_KEY_CACHE,
            refetch_interval: DEFAULT_REFETCH_INTERVAL,
            leeway: DEFAULT_LEEWAY,
            fetch: KeyFetch::default(),
        }
    }

    /// Verifies `token` now (the wall clock of the verifier's time source).
    pub async fn verify(&self, token: &str) -> Result<AppClaims, AppTokenError> {
        self.verify_at(token, self.inner.time.wall_clock()).await
    }

    /// Verifies `token` as of `now`.
    pub async fn verify_at(
        &self,
        token: &str,
        now: SystemTime,
    ) -> Result<AppClaims, AppTokenError> {
        let parsed = jose::parse(token).map_err(refused)?;
        self.inner
            .cache
            .verify(&parsed, || self.fetch_keys())
            .await
            .map_err(cache_refused)?;
        check_claims(
            parsed.claims_b64,
            &self.inner.issuer,
            &self.inner.app_id,
            now,
            self.inner.leeway,
        )
    }

    /// The key set, through the cached `jwks_uri`; when that fails, discovery is read again
    /// once.
    async fn fetch_keys(&self) -> Result<KeySet, KeysError> {
        let timeout = self.inner.timeout;
        tokio::time::timeout(timeout, async {
            let cached = self
                .inner
                .jwks_uri
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            if let Some(uri) = cached {
                match self.key_set(&uri).await {
                    Ok(keys) => return Ok(keys),
                    Err(error) => {
                        tracing::debug!(%error, "key set fetch failed; reading discovery again");
                    }
                }
            }
            let uri = self.discover().await?;
            *self
                .inner
                .jwks_uri
                .write()
                .unwrap_or_else(|e| e.into_inner()) = Some(uri.clone());
            self.key_set(&uri).await
        })
        .await
        .unwrap_or(Err(KeysError::Timeout(timeout)))
    }

    async fn discover(&self) -> Result<url::Url, KeysError> {
        tracing::debug!("reading the issuer's discovery document");
        let body = self.get(&self.inner.discovery_url, "discovery").await?;
        let document: Map<String, Value> = serde_json::from_slice(&body)
            .map_err(|_| KeysError::Malformed("discovery document is not a JSON object"))?;
        if document.get("issuer").and_then(Value::as_str) != Some(self.inner.issuer.as_str()) {
            return Err(KeysError::IssuerMismatch);
        }
        let uri = document
            .get("jwks_uri")
            .and_then(Value::as_str)
            .ok_or(KeysError::Malformed("discovery document has no jwks_uri"))?;
        require_secure(uri, "jwks_uri").map_err(|_| KeysError::Malformed("jwks_uri is not https"))
    }

    async fn key_set(&self, uri: &url::Url) -> Result<KeySet, KeysError> {
        tracing::debug!("fetching the issuer's key set");
        let body = self.get(uri, "key set").await?;
        KeySet::from_jwks(&body, KidRule::Exact, |_| true).map_err(KeysError::Malformed)
    }

    /// One GET with the verifier's retries; another answer than a success is its status.
    async fn get(&self, url: &url::Url, what: &'static str) -> Result<Vec<u8>, KeysError> {
        let inner = &self.inner;
        keys::get(&inner.http, &inner.retries, &inner.time, || async {
            keys::json_request(&inner.http, url)
        })
        .await?
        .map_err(|status| KeysError::Status { what, status })
    }
}

verifier_refusals!(AppTokenError);

/// Where app tokens name their subject: `urn:jtl:tenant_id` and `sub`.
const SUBJECT: jose::SubjectClaims = jose::SubjectClaims {
    tenant: TENANT_CLAIM,
    tenant_not_a_string: "tenant claim is not a string",
    user: "sub",
    user_not_a_string: "sub is not a string",
};

/// The claim checks after the signature.
fn check_claims(
    claims_b64: &str,
    issuer: &str,
    app_id: &str,
    now: SystemTime,
    leeway: Duration,
) -> Result<AppClaims, AppTokenError> {
    use AppTokenError::Malformed;
    let mut rest = jose::claims_object(claims_b64).map_err(Malformed)?;
    if rest.get("iss").and_then(Value::as_str) != Some(issuer) {
        return Err(AppTokenError::WrongIssuer);
    }
    let audience: Vec<String> = match rest.remove("aud") {
        Some(Value::String(aud)) => vec![aud],
        Some(Value::Array(list)) => list
            .into_iter()
            .map(|a| match a {
                Value::String(a) => Ok(a),
                _ => Err(Malformed("aud holds a value that is not a string")),
            })
            .collect::<Result<_, _>>()?,
        None | Some(Value::Null) => return Err(AppTokenError::WrongAudience),
        Some(_) => return Err(Malformed("aud is neither a string nor an array")),
    };
    if !audience.iter().any(|a| a == app_id) {
        return Err(AppTokenError::WrongAudience);
    }
    // Present means present: `null` is no app id, so not this one.
    match rest.get(APP_CLAIM) {
        None => {}
        Some(Value::String(app)) if app == app_id => {}
        Some(_) => return Err(AppTokenError::WrongApp),
    }
    let subject = jose::check_subject(&mut rest, &SUBJECT, now, leeway).map_err(claim_refused)?;
    Ok(AppClaims {
        tenant_id: subject.tenant_id,
        user_id: subject.user_id,
        app_id: app_id.to_owned(),
        audience,
        expires_at: subject.times.expires_at,
        issued_at: subject.times.issued_at,
        not_before: subject.times.not_before,
        rest,
    })
}

/// The issuer's side: a key that signs app tokens, for fakes and tests (RSA from a PKCS#8
/// document, Ed25519, P-256, P-384 and P-521 generated).
#[cfg(any(test, feature = "test-util"))]
pub struct AppTokenSigner {
    key: SigningKey,
    kid: Option<String>,
}

#[cfg(any(test, feature = "test-util"))]
enum SigningKey {
    Rsa(aws_lc_rs::rsa::KeyPair),
    Ec(aws_lc_rs::signature::EcdsaKeyPair, &'static str),
    Ed(aws_lc_rs::signature::Ed25519KeyPair),
}

#[cfg(any(test, feature = "test-util"))]
impl fmt::Debug for AppTokenSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppTokenSigner")
            .field("alg", &self.alg())
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// Why a signing key could not be made.
#[derive(Debug, thiserror::Error)]
#[error("cannot make the signing key")]
pub struct SigningKeyError;

#[cfg(any(test, feature = "test-util"))]
impl AppTokenSigner {
    /// An RS256 signer from an RSA private key in PKCS#8 (DER).
    pub fn rsa_pkcs8(der: &[u8], kid: impl Into<String>) -> Result<Self, SigningKeyError> {
        let pair = aws_lc_rs::rsa::KeyPair::from_pkcs8(der).map_err(|_| SigningKeyError)?;
        Ok(Self {
            key: SigningKey::Rsa(pair),
            kid: Some(kid.into()),
        })
    }

    /// An EdDSA signer with a fresh Ed25519 key.
    pub fn ed25519(kid: impl Into<String>) -> Result<Self, SigningKeyError> {
        use aws_lc_rs::signature::Ed25519KeyPair;
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| SigningKeyError)?;
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| SigningKeyError)?;
        Ok(Self {
            key: SigningKey::Ed(pair),
            kid: Some(kid.into()),
        })
    }

    /// An ES256 signer with a fresh P-256 key.
    pub fn es256(kid: impl Into<String>) -> Result<Self, SigningKeyError> {
        Self::ecdsa(
            &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            "ES256",
            kid,
        )
    }

    /// An ES384 signer with a fresh P-384 key.
    pub fn es384(kid: impl Into<String>) -> Result<Self, SigningKeyError> {
        Self::ecdsa(
            &aws_lc_rs::signature::ECDSA_P384_SHA384_FIXED_SIGNING,
            "ES384",
            kid,
        )
    }

    /// An ES512 signer with a fresh P-521 key.
    pub fn es512(kid: impl Into<String>) -> Result<Self, SigningKeyError> {
        Self::ecdsa(
            &aws_lc_rs::signature::ECDSA_P521_SHA512_FIXED_SIGNING,
            "ES512",
            kid,
        )
    }

    fn ecdsa(
        algorithm: &'static aws_lc_rs::signature::EcdsaSigningAlgorithm,
        alg: &'static str,
        kid: impl Into<String>,
    ) -> Result<Self, SigningKeyError> {
        use aws_lc_rs::signature::EcdsaKeyPair;
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(algorithm, &rng).map_err(|_| SigningKeyError)?;
        let pair =
            EcdsaKeyPair::from_pkcs8(algorithm, pkcs8.as_ref()).map_err(|_| SigningKeyError)?;
        Ok(Self {
            key: SigningKey::Ec(pair, alg),
            kid: Some(kid.into()),
        })
    }

    /// The same key without a key id (in its JWK and its tokens).
    pub fn without_kid(mut self) -> Self {
        self.kid = None;
        self
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The JWS algorithm of this key.
    pub fn alg(&self) -> &'static str {
        match self.key {
            SigningKey::Rsa(_) => "RS256",
            SigningKey::Ec(_, alg) => alg,
            SigningKey::Ed(_) => "EdDSA",
        }
    }

    /// The public key as a JWK (with `alg`, `use: sig` and the `kid` when it has one).
    pub fn public_jwk(&self) -> Value {
        use aws_lc_rs::signature::KeyPair as _;
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let mut jwk = match &self.key {
            SigningKey::Rsa(pair) => {
                let public =
                    aws_lc_rs::rsa::PublicKeyComponents::<Vec<u8>>::from(pair.public_key());
                serde_json::json!({"kty": "RSA", "n": b64(&public.n), "e": b64(&public.e)})
            }
            SigningKey::Ec(pair, alg) => {
                let point = pair.public_key().as_ref();
                let width = (point.len() - 1) / 2;
                let crv = match *alg {
                    "ES256" => "P-256",
                    "ES384" => "P-384",
                    _ => "P-521",
                };
                serde_json::json!({
                    "kty": "EC", "crv": crv,
                    "x": b64(&point[1..=width]), "y": b64(&point[1 + width..]),
                })
            }
            SigningKey::Ed(pair) => serde_json::json!({
                "kty": "OKP", "crv": "Ed25519", "x": b64(pair.public_key().as_ref()),
            }),
        };
        jwk["alg"] = self.alg().into();
        jwk["use"] = "sig".into();
        if let Some(kid) = &self.kid {
            jwk["kid"] = kid.as_str().into();
        }
        jwk
    }

    /// Signs `claims` with this key's `alg` and `kid`.
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = serde_json::json!({"alg": self.alg(), "typ": "JWT"});
        if let Some(kid) = &self.kid {
            header["kid"] = kid.as_str().into();
        }
        self.sign_with_header(&header, claims)
    }

    /// Signs `claims` under a header of your own (for tests of what a verifier refuses); the
    /// signature is always this key's.
    pub fn sign_with_header(&self, header: &Value, claims: &Value) -> String {
        jose::sign_compact(header, claims, |input| {
            let rng = aws_lc_rs::rand::SystemRandom::new();
            match &self.key {
                SigningKey::Rsa(pair) => {
                    let mut signature = vec![0; pair.public_modulus_len()];
                    // Signing with a valid key into a buffer of the modulus' length cannot fail.
                    let _ = pair.sign(
                        &aws_lc_rs::signature::RSA_PKCS1_SHA256,
                        &rng,
                        input,
                        &mut signature,
                    );
                    signature
                }
                SigningKey::Ec(pair, _) => pair
                    .sign(&rng, input)
                    .map(|s| s.as_ref().to_vec())
                    .unwrap_or_default(),
                SigningKey::Ed(pair) => pair.sign(input).as_ref().to_vec(),
            }
        })
    }

    /// An app token as the issuer mints it: `iss`, `aud` `[app]`, `urn:jtl:app_id`,
    /// `urn:jtl:tenant_id`, `sub` (the user, when given), `iat` at `now`, `exp` after
    /// `lifetime`.
    pub fn app_token(
        &self,
        issuer: &str,
        app: &str,
        tenant: &str,
        user: Option<&str>,
        lifetime: Duration,
        now: SystemTime,
    ) -> String {
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let mut claims = serde_json::json!({
            "iss": issuer,
            "aud": [app],
            APP_CLAIM: app,
            TENANT_CLAIM: tenant,
            "iat": now,
            "exp": now + lifetime.as_secs(),
        });
        if let Some(user) = user {
            claims["sub"] = user.into();
        }
        self.sign(&claims)
    }
}

/// A JWKS document of the public keys of `signers`, in order.
#[cfg(any(test, feature = "test-util"))]
pub fn jwks_document<'a>(signers: impl IntoIterator<Item = &'a AppTokenSigner>) -> Value {
    let keys: Vec<Value> = signers
        .into_iter()
        .map(AppTokenSigner::public_jwk)
        .collect();
    serde_json::json!({ "keys": keys })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISS: &str = "https://id.example";

    fn claims(extra: Value) -> Value {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("epoch")
            .as_secs();
        let mut claims = serde_json::json!({
            "iss": ISS, "aud": "app-1", TENANT_CLAIM: "tenant-secret", "sub": "user-secret",
            "exp": now + 60,
        });
        for (k, v) in extra.as_object().expect("object") {
            if v.is_null() {
                claims.as_object_mut().expect("object").remove(k);
            } else {
                claims[k] = v.clone();
            }
        }
        claims
    }

    fn check(claims: &Value) -> Result<AppClaims, AppTokenError> {
        let b64 = URL_SAFE_NO_PAD.encode(claims.to_string());
        check_claims(&b64, ISS, "app-1", SystemTime::now(), DEFAULT_LEEWAY)
    }

    #[test]
    fn claims_are_checked_and_typed() {
        let ok = check(&claims(serde_json::json!({}))).expect("valid");
        assert_eq!(ok.tenant_id, "tenant-secret");
        assert_eq!(ok.user_id.as_deref(), Some("user-secret"));
        assert_eq!(ok.audience, vec!["app-1"]);
        let debug = format!("{ok:?}");
        assert!(!debug.contains("secret"), "{debug}");
        let array = claims(serde_json::json!({"aud": ["other", "app-1"], APP_CLAIM: "app-1"}));
        assert!(check(&array).is_ok());
        let cases = [
            (serde_json::json!({"iss": "https://id.example/"}), "iss"),
            (serde_json::json!({"iss": null}), "no iss"),
            (serde_json::json!({"aud": "app-2"}), "aud"),
            (serde_json::json!({"aud": ["app-2", "app-10"]}), "aud array"),
            (serde_json::json!({"aud": null}), "no aud"),
            (serde_json::json!({APP_CLAIM: "app-2"}), "app claim"),
            (serde_json::json!({TENANT_CLAIM: null}), "tenant"),
            (serde_json::json!({"exp": 1000}), "expired"),
        ];
        for (extra, what) in cases {
            let error = check(&claims(extra)).expect_err(what);
            let text = error.to_string();
            assert!(
                !text.contains("secret") && !text.contains("app-2"),
                "{text}"
            );
            let expected = match what {
                "iss" | "no iss" => matches!(error, AppTokenError::WrongIssuer),
                "aud" | "aud array" | "no aud" => matches!(error, AppTokenError::WrongAudience),
                "app claim" => matches!(error, AppTokenError::WrongApp),
                "tenant" => matches!(error, AppTokenError::MissingTenant),
                _ => matches!(error, AppTokenError::Expired),
            };
            assert!(expected, "{what}: {error:?}");
        }
    }
}
