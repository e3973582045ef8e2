//! App tokens judged by the reference JOSE library: `jose_matrix.mjs` mints several hundred
//! tokens (every algorithm and key type a key set may hold, kid present, absent, unknown and
//! empty, every registered claim at and around its boundaries, aud forms, `jku`/`x5u`/`jwk`/
//! `x5c`, `crit`, `alg: none`, HS256 keyed with the public key, tampered parts, key sets whose
//! keys do not allow verification) and records panva's `jose` verdict on each, with the same
//! issuer, audience, JTL claim rules, leeway and instant as the `AppTokenVerifier` here, which
//! must agree token by token: the verdict, and for a refusal the rule (jose's error code mapped
//! to ours). The differences we keep on purpose are listed in [`DOCUMENTED`] (and in
//! generator/runtime/README.md with their reasons); the test fails when a listed token stops
//! differing, so the list cannot go stale. No refusal message names the token, a part of it, a
//! claim value or a key id.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::time::{Duration, UNIX_EPOCH};

use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::app_token::{AppTokenError, AppTokenVerifier};
use jtl_erp_client::runtime::time::ManualTimeSource;
use jtl_erp_tests::MockServer;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const APP: &str = "app-0f3c9e71";
/// The instant both sides judge at (2027-01-15T08:00:00Z): jose's `currentDate`, our clock.
const NOW: u64 = 1_800_000_000;
const LEEWAY: u64 = 30;

/// The tokens whose verdicts differ from jose's on purpose, with the reason (the runtime README
/// has the same list).
const DOCUMENTED: &[(&str, &str)] = &[
    (
        "claims/exp/missing/PS256",
        "exp is required: RFC 9068 2.2 requires it in JWT access tokens; without it a token is valid forever (jose checks exp only when present)",
    ),
    ("claims/exp/missing/PS384", "as above"),
    (
        "claims/sub/number/ES384",
        "sub is a string (RFC 7519 4.1.2) and AppClaims::user_id one; jose does not read sub",
    ),
    ("claims/sub/number/ES512", "as above"),
    ("claims/sub/object/RS256", "as above"),
    ("claims/sub/object/RS384", "as above"),
    (
        "claims/aud/array-with-number-and-app/Ed25519",
        "aud is a string or an array of strings (RFC 7519 4.1.3); jose looks for the app among any members",
    ),
    ("claims/aud/array-with-number-and-app/RS256", "as above"),
    (
        "form/signature-padded",
        "RFC 7515 2: base64url without padding; jose on Node 20 decodes with atob, which takes `=`",
    ),
    (
        "form/over-16-KiB",
        "tokens longer than 16 KiB are refused before decoding (a bound on input; app tokens are about 1 KiB)",
    ),
];

/// Which of our refusals answer jose's error (its code, and for claim failures the claim and
/// reason): the rule the token failed, as each side names it.
fn rule_agrees(jose: &Judged, ours: &AppTokenError) -> bool {
    use AppTokenError as E;
    let claim = jose.claim.as_deref();
    let invalid = jose.reason.as_deref() == Some("invalid");
    match jose.code.as_deref().unwrap_or_default() {
        "ERR_JWT_EXPIRED" => matches!(ours, E::Expired),
        "ERR_JWT_CLAIM_VALIDATION_FAILED" => match claim {
            Some("exp" | "iat") => invalid && matches!(ours, E::Malformed(_)),
            Some("nbf") if invalid => matches!(ours, E::Malformed(_)),
            Some("nbf") => matches!(ours, E::NotYetValid),
            Some("iss") => matches!(ours, E::WrongIssuer),
            // A number or an object for aud: our message says its type is wrong.
            Some("aud") => matches!(ours, E::WrongAudience | E::Malformed(_)),
            _ => false,
        },
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" => matches!(ours, E::BadSignature),
        // No key for the kid, or for the alg: ours tells the two apart; a kid that is no
        // string is malformed.
        "ERR_JWKS_NO_MATCHING_KEY" => {
            matches!(ours, E::UnknownKey | E::WrongAlgorithm | E::Malformed(_))
        }
        // An alg jose does not take for a key set (none, HMAC, unknown), or a crit extension.
        "ERR_JOSE_NOT_SUPPORTED" => matches!(ours, E::WrongAlgorithm | E::Malformed(_)),
        // Not a JWS: the form, the header, alg missing or empty, the signature's encoding.
        "ERR_JWS_INVALID" => matches!(ours, E::Malformed(_) | E::WrongAlgorithm | E::BadSignature),
        "ERR_JWT_INVALID" => matches!(ours, E::Malformed(_)),
        // jose refuses the whole set for a private key in it, and WebCrypto a key whose
        // key_ops name more than verify: such a key is not used here.
        "ERR_JWKS_INVALID" | "SyntaxError" => matches!(ours, E::UnknownKey),
        // WebCrypto's refusal of an RSA key below 2048 bits.
        "TypeError" => matches!(ours, E::BadSignature),
        "JTL_WRONG_APP" => matches!(ours, E::WrongApp),
        "JTL_MISSING_TENANT" => matches!(ours, E::MissingTenant | E::Malformed(_)),
        _ => false,
    }
}

#[derive(Debug, serde::Deserialize)]
struct Matrix {
    jose: String,
    sets: BTreeMap<String, Value>,
    tokens: Vec<Judged>,
}

#[derive(Debug, serde::Deserialize)]
struct Judged {
    name: String,
    set: String,
    token: String,
    verdict: String,
    code: Option<String>,
    claim: Option<String>,
    reason: Option<String>,
}

#[jtl_erp_tests::test(deadline = 600)]
async fn app_tokens_are_judged_as_jose_judges_them() {
    let server = MockServer::start().await;
    let base = server.uri();
    let matrix = mint(&base);
    assert!(
        matrix.jose.starts_with("6."),
        "jose {} is not the pinned 6.x",
        matrix.jose
    );
    assert!(matrix.tokens.len() >= 300, "{} tokens", matrix.tokens.len());

    // Each key set under an issuer of its own, as discovery and a key set.
    let clock = ManualTimeSource::starting_at(UNIX_EPOCH + Duration::from_secs(NOW));
    let mut verifiers = BTreeMap::new();
    for (set, jwks) in &matrix.sets {
        let issuer = format!("{base}/{set}");
        Mock::given(method("GET"))
            .and(path(format!("/{set}/.well-known/openid-configuration")))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "issuer": issuer,
                "jwks_uri": format!("{issuer}/jwks"),
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/{set}/jwks")))
            .respond_with(ResponseTemplate::new(200).set_body_json(jwks))
            .mount(&server)
            .await;
        let verifier = AppTokenVerifier::builder(issuer, APP)
            .leeway(Duration::from_secs(LEEWAY))
            .http_settings(&HttpSettings::new().time_source(clock.clone()))
            .build()
            .expect("verifier");
        verifiers.insert(set.clone(), verifier);
    }

    let documented: BTreeMap<&str, &str> = DOCUMENTED.iter().copied().collect();
    let mut disagreements = Vec::new();
    let mut documented_seen = BTreeSet::new();
    let mut leaks = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    for judged in &matrix.tokens {
        let verifier = &verifiers[&judged.set];
        let ours = verifier.verify(&judged.token).await;
        let jose_accepts = judged.verdict == "accept";
        let agrees = match &ours {
            Ok(claims) => {
                accepted += 1;
                jose_accepts && claims.app_id == APP
            }
            Err(error) => {
                refused += 1;
                leaks.extend(leaked(judged, error));
                !jose_accepts && rule_agrees(judged, error)
            }
        };
        let line = format!(
            "{}: jose {} {}{}, ours {}",
            judged.name,
            judged.verdict,
            judged.code.as_deref().unwrap_or_default(),
            judged
                .claim
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default(),
            match &ours {
                Ok(_) => "accept".to_owned(),
                Err(error) => format!("refuse {error:?}"),
            }
        );
        match (agrees, documented.contains_key(judged.name.as_str())) {
            (true, false) => {}
            (false, true) => {
                documented_seen.insert(judged.name.as_str());
            }
            (false, false) => disagreements.push(line),
            (true, true) => {
                disagreements.push(format!("{line}: listed as a difference, agrees now"))
            }
        }
    }
    let missing: Vec<&&str> = documented
        .keys()
        .filter(|name| !documented_seen.contains(**name))
        .filter(|name| !disagreements.iter().any(|d| d.starts_with(**name)))
        .collect();
    assert!(
        missing.is_empty(),
        "documented differences not in the matrix: {missing:?}"
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} tokens judged otherwise than jose {}:\n{}",
        disagreements.len(),
        matrix.tokens.len(),
        matrix.jose,
        disagreements.join("\n")
    );
    assert!(
        leaks.is_empty(),
        "refusals that name input:\n{}",
        leaks.join("\n")
    );
    assert!(
        accepted >= 100 && refused >= 150,
        "{accepted} accepted, {refused} refused"
    );
    println!(
        "{} tokens: {accepted} accepted, {refused} refused, all as jose {} except the {} documented",
        matrix.tokens.len(),
        matrix.jose,
        documented_seen.len()
    );
}

/// Runs the Node script with jose installed and reads its matrix.
fn mint(base: &str) -> Matrix {
    jtl_erp_tests::node_package("jose");
    let script = jtl_erp_tests::repo_root().join("tests/judges/jose_matrix.mjs");
    let output = Command::new("node")
        .arg(&script)
        .args([base, APP, &NOW.to_string(), &LEEWAY.to_string()])
        .output()
        .expect("node runs (install Node.js)");
    assert!(
        output.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the matrix is JSON")
}

/// What a refusal's text must not carry: the token, its parts, the string claim values and key
/// ids of its header and claims (at least six characters, so that words of our messages do not
/// count), numbers of six digits or more.
fn leaked(judged: &Judged, error: &AppTokenError) -> Vec<String> {
    use base64::Engine as _;
    let text = format!("{error} {error:?} {:?}", std::error::Error::source(error));
    let mut secrets: Vec<String> = vec![judged.token.clone()];
    let decode = |part: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
    };
    for part in judged.token.split('.') {
        secrets.push(part.to_owned());
        if let Some(value) = decode(part) {
            collect(&value, &mut secrets);
        }
    }
    secrets
        .into_iter()
        .filter(|s| s.len() >= 6 && text.contains(s.as_str()))
        .map(|s| format!("{}: {text} contains {s:?}", judged.name))
        .collect()
}

fn collect(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::String(s) => into.push(s.clone()),
        Value::Number(n) => into.push(n.to_string()),
        Value::Array(items) => items.iter().for_each(|v| collect(v, into)),
        Value::Object(map) => map.values().for_each(|v| collect(v, into)),
        _ => {}
    }
}
