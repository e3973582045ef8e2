//! The JOSE core of both token verifiers ([`crate::session`], [`crate::app_token`]): compact JWS
//! parsing, key sets with the algorithm bound to each key, key selection, signature checks
//! (through `jsonwebtoken`'s `ring` backend), time claims, and a key cache with single-flight,
//! rate-limited refetches.
//!
//! The rules, in the order they apply:
//! - a token's `alg` never picks a key type: HMAC algorithms and `none` are refused outright
//!   (a public key is no HMAC secret), and a key verifies only the algorithms of its own type
//!   (RSA: `RS*`/`PS*`, or exactly the JWK's `alg` when it names one; EC: the one algorithm of
//!   its curve; OKP Ed25519: `EdDSA`);
//! - a token naming a `kid` is checked with the keys of that `kid`; when no key has it, with the
//!   keys that carry no `kid` (one public reference backend takes the only key, the other tries
//!   each); a token without `kid` is checked with every key of the fitting type;
//! - header fields that point elsewhere for keys (`jku`, `jwk`, `x5u`, `x5c`) are never used;
//!   `crit` makes the token invalid (RFC 7515 4.1.11).
//!
//! No refusal carries the token, a claim value or a key id.

use std::future::Future;
use std::str::FromStr as _;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value};

use crate::time::SharedTimeSource;

/// Tokens longer than this are refused before decoding.
pub(crate) const MAX_TOKEN_LEN: usize = 16 * 1024;
/// More keys than this in one set are ignored (a token is never checked against more).
const MAX_KEYS: usize = 32;

/// Why a token's signature part was refused (each verifier maps these to its own error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not a compact JWS, or a header that does not fit.
    Malformed(&'static str),
    /// `none`, an HMAC algorithm, an unknown one, or one that fits no candidate key.
    WrongAlgorithm,
    /// No key to check the token with.
    UnknownKey,
    /// Candidate keys exist and none verifies the signature.
    BadSignature,
}

/// A compact JWS, split, its header checked.
pub(crate) struct Compact<'a> {
    pub(crate) alg: Algorithm,
    pub(crate) kid: Option<String>,
    signing_input: &'a [u8],
    signature_b64: &'a str,
    pub(crate) claims_b64: &'a str,
}

/// Splits `token` and reads its header; `alg` must be an asymmetric algorithm.
pub(crate) fn parse(token: &str) -> Result<Compact<'_>, Refusal> {
    use Refusal::Malformed;
    if token.len() > MAX_TOKEN_LEN {
        return Err(Malformed("longer than 16 KiB"));
    }
    let mut parts = token.split('.');
    let (Some(header_b64), Some(claims_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Malformed("not three dot-separated parts"));
    };
    let header = URL_SAFE_NO_PAD
        .decode(header_b64)
        .map_err(|_| Malformed("header is not base64url"))?;
    let header: Map<String, Value> =
        serde_json::from_slice(&header).map_err(|_| Malformed("header is not a JSON object"))?;
    let alg = match header.get("alg") {
        Some(Value::String(alg)) => Algorithm::from_str(alg)
            .ok()
            .filter(|alg| family(*alg).is_some())
            .ok_or(Refusal::WrongAlgorithm)?,
        Some(_) => return Err(Refusal::WrongAlgorithm),
        None => return Err(Malformed("header has no alg")),
    };
    if header.contains_key("crit") {
        return Err(Malformed("header names critical extensions"));
    }
    let kid = match header.get("kid") {
        None => None,
        Some(Value::String(kid)) => Some(kid.clone()),
        Some(_) => return Err(Malformed("kid is not a string")),
    };
    if signature_b64.is_empty() || URL_SAFE_NO_PAD.decode(signature_b64).is_err() {
        return Err(Refusal::BadSignature);
    }
    let signing_input = &token.as_bytes()[..header_b64.len() + 1 + claims_b64.len()];
    Ok(Compact {
        alg,
        kid,
        signing_input,
        signature_b64,
        claims_b64,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Rsa,
    Ec,
    Okp,
}

/// The key type an asymmetric algorithm needs; `None` for HMAC.
fn family(alg: Algorithm) -> Option<Family> {
    use Algorithm::*;
    match alg {
        RS256 | RS384 | RS512 | PS256 | PS384 | PS512 => Some(Family::Rsa),
        ES256 | ES384 => Some(Family::Ec),
        EdDSA => Some(Family::Okp),
        HS256 | HS384 | HS512 => None,
    }
}

/// A public key of a key set, with the algorithms it verifies.
pub(crate) struct VerifyingKey {
    kid: Option<String>,
    family: Family,
    /// `Some`: exactly this algorithm; `None`: any of the family (RSA keys without `alg`).
    alg: Option<Algorithm>,
    key: DecodingKey,
}

impl VerifyingKey {
    fn fits(&self, alg: Algorithm) -> bool {
        family(alg) == Some(self.family) && self.alg.is_none_or(|a| a == alg)
    }

    /// Whether this is an Ed25519 key (the session tokens' only kind).
    pub(crate) fn is_ed25519(&self) -> bool {
        self.family == Family::Okp
    }

    /// Reads one JWK; `None` for keys that cannot verify signatures (other types, `use: enc`,
    /// HMAC secrets, broken parameters).
    fn from_jwk(key: &Map<String, Value>) -> Option<Self> {
        let text = |name: &str| key.get(name).and_then(Value::as_str);
        if text("use").is_some_and(|u| u != "sig") {
            return None;
        }
        let named = match key.get("alg") {
            None | Some(Value::Null) => None,
            Some(Value::String(alg)) => Some(Algorithm::from_str(alg).ok()?),
            Some(_) => return None,
        };
        let (kind, alg, decoding) = match (text("kty")?, text("crv")) {
            ("RSA", _) => {
                let (n, e) = (text("n")?, text("e")?);
                (
                    Family::Rsa,
                    named,
                    DecodingKey::from_rsa_components(n, e).ok()?,
                )
            }
            ("EC", Some(crv)) => {
                let alg = match crv {
                    "P-256" => Algorithm::ES256,
                    "P-384" => Algorithm::ES384,
                    _ => return None,
                };
                let (x, y) = (text("x")?, text("y")?);
                let width = if alg == Algorithm::ES256 { 32 } else { 48 };
                let fits = |c: &str| URL_SAFE_NO_PAD.decode(c).is_ok_and(|c| c.len() == width);
                if !fits(x) || !fits(y) {
                    return None;
                }
                (
                    Family::Ec,
                    Some(alg),
                    DecodingKey::from_ec_components(x, y).ok()?,
                )
            }
            ("OKP", Some("Ed25519")) => {
                let x = text("x")?;
                if !URL_SAFE_NO_PAD.decode(x).is_ok_and(|x| x.len() == 32) {
                    return None;
                }
                let key = DecodingKey::from_ed_components(x).ok()?;
                (Family::Okp, Some(Algorithm::EdDSA), key)
            }
            _ => return None,
        };
        // A JWK whose `alg` contradicts its type is not used at all.
        if let (Some(named), Some(alg)) = (named, alg)
            && named != alg
        {
            return None;
        }
        if named.is_some_and(|a| family(a) != Some(kind)) {
            return None;
        }
        Some(Self {
            kid: text("kid").map(str::to_owned),
            family: kind,
            alg,
            key: decoding,
        })
    }
}

/// The usable keys of a JWKS.
#[derive(Default)]
pub(crate) struct KeySet {
    keys: Vec<VerifyingKey>,
}

impl KeySet {
    /// Reads a JWKS document, keeping the signature keys `keep` accepts and skipping the others
    /// (a key set may hold encryption keys or key types this verifier does not use).
    pub(crate) fn from_jwks(
        body: &[u8],
        keep: impl Fn(&VerifyingKey) -> bool,
    ) -> Result<Self, &'static str> {
        #[derive(serde::Deserialize)]
        struct Jwks {
            keys: Vec<Value>,
        }
        let jwks: Jwks = serde_json::from_slice(body).map_err(|_| "no keys array")?;
        let mut keys = Vec::new();
        for key in &jwks.keys {
            match key.as_object().and_then(VerifyingKey::from_jwk) {
                Some(key) if keep(&key) && keys.len() < MAX_KEYS => keys.push(key),
                _ => tracing::debug!("JWKS key skipped: not a usable signature key"),
            }
        }
        Ok(Self { keys })
    }

    /// How many keys the set holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The key ids, in order (for tests).
    #[cfg(test)]
    pub(crate) fn kids(&self) -> Vec<Option<&str>> {
        self.keys.iter().map(|k| k.kid.as_deref()).collect()
    }

    fn knows(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| k.kid.as_deref() == Some(kid))
    }

    /// Checks the token's signature with the keys the rules of this module select.
    pub(crate) fn verify(&self, token: &Compact<'_>) -> Result<(), Refusal> {
        let candidates: Vec<&VerifyingKey> = match token.kid.as_deref() {
            Some(kid) if self.knows(kid) => self
                .keys
                .iter()
                .filter(|k| k.kid.as_deref() == Some(kid))
                .collect(),
            Some(_) => self.keys.iter().filter(|k| k.kid.is_none()).collect(),
            None => self.keys.iter().collect(),
        };
        if candidates.is_empty() {
            return Err(Refusal::UnknownKey);
        }
        let mut fitting = candidates
            .into_iter()
            .filter(|k| k.fits(token.alg))
            .peekable();
        if fitting.peek().is_none() {
            return Err(Refusal::WrongAlgorithm);
        }
        for key in fitting {
            if signature_verifies(token, key) {
                return Ok(());
            }
        }
        Err(Refusal::BadSignature)
    }

    /// Whether a failed check may succeed with fresher keys (rotation).
    fn may_be_rotated(&self, token: &Compact<'_>, refusal: Refusal) -> bool {
        match refusal {
            Refusal::UnknownKey => true,
            Refusal::BadSignature | Refusal::WrongAlgorithm => {
                token.kid.as_deref().is_some_and(|kid| !self.knows(kid))
            }
            Refusal::Malformed(_) => false,
        }
    }
}

/// The bare signature check of `jsonwebtoken` (the algorithm is the token's, checked to fit
/// the key before this is called).
fn signature_verifies(token: &Compact<'_>, key: &VerifyingKey) -> bool {
    jsonwebtoken::crypto::verify(
        token.signature_b64,
        token.signing_input,
        &key.key,
        token.alg,
    )
    .unwrap_or(false)
}

/// Decodes the claims part into a JSON object.
pub(crate) fn claims_object(claims_b64: &str) -> Result<Map<String, Value>, &'static str> {
    let bytes = URL_SAFE_NO_PAD
        .decode(claims_b64)
        .map_err(|_| "claims are not base64url")?;
    serde_json::from_slice(&bytes).map_err(|_| "claims are not a JSON object")
}

/// `exp`, `nbf` and `iat`, taken out of a claims object.
pub(crate) struct Times {
    pub(crate) expires_at: SystemTime,
    pub(crate) not_before: Option<SystemTime>,
    pub(crate) issued_at: Option<SystemTime>,
}

/// What is wrong with the times of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeRefusal {
    Malformed(&'static str),
    Expired,
    NotYetValid,
}

/// Takes `exp` (required), `nbf` and `iat` out of `claims` and checks them against `now`, each
/// with `leeway`.
pub(crate) fn check_times(
    claims: &mut Map<String, Value>,
    now: SystemTime,
    leeway: Duration,
) -> Result<Times, TimeRefusal> {
    let date =
        |value, malformed| numeric_date(value).map_err(|()| TimeRefusal::Malformed(malformed));
    let expires_at = date(claims.remove("exp"), "exp is not a number")?
        .ok_or(TimeRefusal::Malformed("claims have no exp"))?;
    let not_before = date(claims.remove("nbf"), "nbf is not a number")?;
    let issued_at = date(claims.remove("iat"), "iat is not a number")?;
    if now > expires_at + leeway {
        return Err(TimeRefusal::Expired);
    }
    let earliest = now + leeway;
    if not_before.is_some_and(|t| t > earliest) || issued_at.is_some_and(|t| t > earliest) {
        return Err(TimeRefusal::NotYetValid);
    }
    Ok(Times {
        expires_at,
        not_before,
        issued_at,
    })
}

/// An RFC 7519 NumericDate (seconds since the epoch, fractions allowed).
fn numeric_date(value: Option<Value>) -> Result<Option<SystemTime>, ()> {
    let Some(value) = value else {
        return Ok(None);
    };
    let seconds = value
        .as_f64()
        .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e11)
        .ok_or(())?;
    Ok(Some(UNIX_EPOCH + Duration::from_secs_f64(seconds)))
}

/// Why [`KeyCache::verify`] refused: the token, or the fetch of keys.
#[derive(Debug)]
pub(crate) enum CacheError<E> {
    Refused(Refusal),
    Fetch(E),
}

/// Fetched keys, reused for `ttl`; a token whose key may have been rotated in makes one
/// refetch, at most one per `refetch_interval`, one at a time (callers that waited use its
/// result).
pub(crate) struct KeyCache {
    ttl: Duration,
    refetch_interval: Duration,
    time: SharedTimeSource,
    keys: RwLock<Option<Arc<Cached>>>,
    fetching: tokio::sync::Mutex<()>,
}

struct Cached {
    set: KeySet,
    fetched_at: Instant,
    generation: u64,
}

impl KeyCache {
    pub(crate) fn new(ttl: Duration, refetch_interval: Duration, time: SharedTimeSource) -> Self {
        Self {
            ttl,
            refetch_interval,
            time,
            keys: RwLock::new(None),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    fn current(&self) -> Option<Arc<Cached>> {
        self.keys.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn age(&self, cached: &Cached) -> Duration {
        self.time.now().saturating_duration_since(cached.fetched_at)
    }

    /// Checks `token` with cached keys, fetching them with `fetch` when there are none, they
    /// are stale, or the token's key may have been rotated in.
    pub(crate) async fn verify<E, F, Fut>(
        &self,
        token: &Compact<'_>,
        fetch: F,
    ) -> Result<(), CacheError<E>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<KeySet, E>>,
    {
        let seen = match self.current() {
            Some(cached) if self.age(&cached) < self.ttl => match cached.set.verify(token) {
                Ok(()) => return Ok(()),
                Err(refusal) if !cached.set.may_be_rotated(token, refusal) => {
                    return Err(CacheError::Refused(refusal));
                }
                Err(_) => Some(cached.generation),
            },
            Some(cached) => Some(cached.generation),
            None => None,
        };
        let _gate = self.fetching.lock().await;
        let current = self.current();
        if let Some(cached) = &current {
            let fresh = self.age(cached) < self.ttl;
            // Another caller fetched while this one waited: use its result.
            if fresh && Some(cached.generation) != seen {
                return cached.set.verify(token).map_err(CacheError::Refused);
            }
            // Fresh keys: refetch at most once per interval.
            if fresh && self.age(cached) < self.refetch_interval {
                return cached.set.verify(token).map_err(CacheError::Refused);
            }
        }
        let set = fetch().await.map_err(CacheError::Fetch)?;
        let cached = Arc::new(Cached {
            set,
            fetched_at: self.time.now(),
            generation: current.map_or(0, |c| c.generation + 1),
        });
        let outcome = cached.set.verify(token).map_err(CacheError::Refused);
        *self.keys.write().unwrap_or_else(|e| e.into_inner()) = Some(cached);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{Ed25519KeyPair, KeyPair as _};

    fn ed25519() -> Ed25519KeyPair {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).expect("key");
        Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("key")
    }

    fn jwk(pair: &Ed25519KeyPair, kid: Option<&str>) -> Value {
        let mut jwk = serde_json::json!({
            "kty": "OKP", "crv": "Ed25519",
            "x": URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
        });
        if let Some(kid) = kid {
            jwk["kid"] = kid.into();
        }
        jwk
    }

    fn sign(pair: &Ed25519KeyPair, header: Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode("{}")
        );
        let signature = pair.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref()))
    }

    fn set(keys: Vec<Value>) -> KeySet {
        let body = serde_json::json!({ "keys": keys }).to_string();
        KeySet::from_jwks(body.as_bytes(), |_| true).expect("key set")
    }

    fn check(set: &KeySet, token: &str) -> Result<(), Refusal> {
        set.verify(&parse(token)?)
    }

    #[test]
    fn a_kid_the_set_lacks_falls_back_to_the_keys_without_kid() {
        let (a, b) = (ed25519(), ed25519());
        let token = sign(&a, serde_json::json!({"alg": "EdDSA", "kid": "k9"}));
        assert_eq!(check(&set(vec![jwk(&a, None)]), &token), Ok(()));
        assert_eq!(
            check(&set(vec![jwk(&b, None), jwk(&a, None)]), &token),
            Ok(())
        );
        // Keys that all carry other kids are not tried.
        assert_eq!(
            check(&set(vec![jwk(&a, Some("k1"))]), &token),
            Err(Refusal::UnknownKey)
        );
        // A kid the set has selects that key alone.
        let named = sign(&a, serde_json::json!({"alg": "EdDSA", "kid": "k1"}));
        assert_eq!(
            check(&set(vec![jwk(&b, Some("k1")), jwk(&a, None)]), &named),
            Err(Refusal::BadSignature)
        );
    }

    #[test]
    fn without_a_kid_every_key_of_the_type_is_tried() {
        let (a, b) = (ed25519(), ed25519());
        let token = sign(&a, serde_json::json!({"alg": "EdDSA"}));
        let keys = set(vec![jwk(&b, Some("k1")), jwk(&a, Some("k2"))]);
        assert_eq!(check(&keys, &token), Ok(()));
        assert_eq!(
            check(&set(vec![jwk(&b, Some("k1"))]), &token),
            Err(Refusal::BadSignature)
        );
    }

    #[test]
    fn the_algorithm_is_bound_to_the_key() {
        let a = ed25519();
        let keys = set(vec![jwk(&a, Some("k1"))]);
        for alg in ["none", "HS256", "HS512", "eddsa", "Ed25519"] {
            let token = sign(&a, serde_json::json!({"alg": alg, "kid": "k1"}));
            assert_eq!(check(&keys, &token), Err(Refusal::WrongAlgorithm), "{alg}");
        }
        for alg in ["RS256", "ES256", "PS256"] {
            let token = sign(&a, serde_json::json!({"alg": alg, "kid": "k1"}));
            assert_eq!(check(&keys, &token), Err(Refusal::WrongAlgorithm), "{alg}");
        }
        // A JWK whose alg contradicts its type is not used.
        let mut liar = jwk(&a, Some("k1"));
        liar["alg"] = "HS256".into();
        assert_eq!(set(vec![liar]).len(), 0);
        let mut enc = jwk(&a, None);
        enc["use"] = "enc".into();
        assert_eq!(
            set(vec![
                enc,
                serde_json::json!({"kty": "oct", "k": "c2VjcmV0"})
            ])
            .len(),
            0
        );
        assert_eq!(set(vec![jwk(&a, Some("k1"))]).kids(), vec![Some("k1")]);
    }
}
