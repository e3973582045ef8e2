//! Property-based fuzzing of every generated model's decoder: arbitrary bytes; valid bodies of
//! both casings mutated (pieces of other bodies spliced in, bytes replaced, cut short); and
//! well-formed JSON with the models' keys, or the seeds with values replaced. No input may panic.
//!
//! `PROPTEST_CASES=100000 cargo test -p jtl-erp-tests --release --test client fuzz_decoders`
//! for a longer run; tests/MEASUREMENTS.md has the figures.

use jtl_erp_client::models::*;
use jtl_erp_client::runtime::serde_json;
use proptest::prelude::*;
use proptest::strategy::ValueTree as _;

/// Decodes `bytes` as every model and enum; errors are fine, panics are not.
fn decode_all(bytes: &[u8]) {
    macro_rules! each {
        ($($model:ty),* $(,)?) => {
            $(let _ = serde_json::from_slice::<$model>(bytes);)*
        };
    }
    each!(
        AppToken,
        AppRegistrationRequest,
        Translation,
        ErrorResponse,
        RegistrationInformation,
        RegistrationRequestStatusInfo,
        Status,
        OAuthError,
        TokenRequest,
        TokenResponse,
        AuthRequest,
        AuthToken,
        RegistrationType,
        RegistrationStatus,
        GrantType,
    );
}

pub(crate) const SEEDS: &[&str] = &[
    r#"{"AppId":"myApp/v1","DisplayName":"My App","LocalizedDisplayNames":[{"LanguageIso":"DE","Name":"x"}],"MandatoryApiScopes":["items.read"],"AppIcon":"AAEC","RegistrationType":1,"SignatureData":"2025-03-20T08:57:00.0000000+01:00"}"#,
    r#"{"appId":"myApp/v1","displayName":"My App","localizedDisplayNames":[{"languageIso":"DE","name":"x"}],"mandatoryApiScopes":["items.read"],"appIcon":"AAEC","registrationType":1,"signatureData":"2025-03-20T08:57:00Z"}"#,
    r#"{"RequestStatusInfo":{"AppId":"a","RegistrationRequestId":"r","Status":2},"Token":{"ApiKey":"k"},"GrantedScopes":["s.read"]}"#,
    r#"{"requestStatusInfo":{"appId":"a","registrationRequestId":"r","status":"Pending"},"token":{"apiKey":"k"},"grantedScopes":[]}"#,
    r#"{"ErrorCode":"E","ValidationErrors":{"AppId":"bad"},"ErrorMessage":"m","Stacktrace":"s"}"#,
    r#"{"version":"1","timestamp":"2023-02-01T12:45:00+00:00","tenant":"t","type":"WAWI-Api"}"#,
    r#"{"access_token":"t","token_type":"Bearer","expires_in":3600,"scope":"a b"}"#,
    r#"{"scope":"CHANNEL","authToken":"t","tokenExpireAt":"2024-05-14T10:07:42+02:00","expiresIn":3600}"#,
    r#"{"error":"invalid_client","error_description":"d"}"#,
];

/// `into` with `into[a..b]` replaced by `from[c..d]`: a piece of one valid body spliced into
/// another.
fn splice(into: &[u8], (a, b): (usize, usize), from: &[u8], (c, d): (usize, usize)) -> Vec<u8> {
    [&into[..a], &from[c..d], &into[b..]].concat()
}

/// A range of `0..=len` from two indices.
fn range(len: usize, x: prop::sample::Index, y: prop::sample::Index) -> (usize, usize) {
    let (x, y) = (x.index(len + 1), y.index(len + 1));
    (x.min(y), x.max(y))
}

/// What a mutation does to a seed: the seed, splices (donor seed, two ranges), byte flips, a cut.
type Mutation = (
    usize,
    Vec<(usize, [prop::sample::Index; 4])>,
    Vec<(prop::sample::Index, u8)>,
    Option<prop::sample::Index>,
);

fn mutation() -> impl Strategy<Value = Mutation> {
    (
        0..SEEDS.len(),
        proptest::collection::vec((0..SEEDS.len(), any::<[prop::sample::Index; 4]>()), 0..3),
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        proptest::option::of(any::<prop::sample::Index>()),
    )
}

/// A seed, with pieces of other seeds spliced in (a range of the body replaced by a range of
/// another seed: crossovers, insertions, deletions), bytes replaced and cut short.
fn mutate((seed, splices, flips, cut): Mutation) -> Vec<u8> {
    let mut bytes = SEEDS[seed].as_bytes().to_vec();
    for (donor, [a, b, c, d]) in splices {
        let from = SEEDS[donor].as_bytes();
        bytes = splice(
            &bytes,
            range(bytes.len(), a, b),
            from,
            range(from.len(), c, d),
        );
    }
    for (at, byte) in flips {
        if !bytes.is_empty() {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
    }
    if let Some(cut) = cut {
        bytes.truncate(cut.index(bytes.len() + 1));
    }
    bytes
}

fn mutated() -> impl Strategy<Value = Vec<u8>> {
    mutation().prop_map(mutate)
}

#[test]
fn mutations_splice_pieces_of_one_body_into_another() {
    let into = br#"{"error":"invalid_client","error_description":"d"}"#;
    let from = br#"{"access_token":"t","token_type":"Bearer","expires_in":3600}"#;
    assert_eq!(splice(into, (0, into.len()), from, (0, from.len())), from);
    assert_eq!(splice(into, (9, 9), from, (3, 3)), into);
    // The value of `error` gave way to a key and value of the other body, as in a crossover.
    let spliced = splice(into, (9, 25), from, (20, 41));
    assert_eq!(
        String::from_utf8(spliced).expect("ASCII"),
        r#"{"error":"token_type":"Bearer","error_description":"d"}"#
    );
    // And the strategy makes them: of 200 mutated bodies (fixed seed), 51 hold a key of the
    // models that their own seed does not have.
    let keys = model_keys();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = mutation();
    let foreign = (0..200)
        .filter(|_| {
            let mutation = strategy.new_tree(&mut runner).expect("value").current();
            let seed = SEEDS[mutation.0];
            let text = String::from_utf8_lossy(&mutate(mutation)).into_owned();
            keys.iter().any(|key| {
                let quoted = format!("\"{key}\"");
                text.contains(&quoted) && !seed.contains(&quoted)
            })
        })
        .count();
    assert!(foreign >= 40, "{foreign} of 200");
}

/// 2,000 cases per property in the suite; `PROPTEST_CASES` asks for more.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

#[test]
fn the_seeds_decode() {
    // The mutations start from bodies the decoders accept, or they would test only the first byte.
    assert!(serde_json::from_slice::<AppRegistrationRequest>(SEEDS[0].as_bytes()).is_ok());
    assert!(serde_json::from_slice::<AppRegistrationRequest>(SEEDS[1].as_bytes()).is_ok());
    assert!(serde_json::from_slice::<RegistrationInformation>(SEEDS[2].as_bytes()).is_ok());
    assert!(serde_json::from_slice::<RegistrationInformation>(SEEDS[3].as_bytes()).is_ok());
    assert!(serde_json::from_slice::<ErrorResponse>(SEEDS[4].as_bytes()).is_ok());
    assert!(serde_json::from_slice::<Status>(SEEDS[5].as_bytes()).is_ok());
    assert!(serde_json::from_slice::<TokenResponse>(SEEDS[6].as_bytes()).is_ok());
    assert!(serde_json::from_slice::<AuthToken>(SEEDS[7].as_bytes()).is_ok());
    assert!(serde_json::from_slice::<OAuthError>(SEEDS[8].as_bytes()).is_ok());
}

/// Every key the models declare, in both casings (taken from the seeds).
fn model_keys() -> Vec<String> {
    fn collect(value: &serde_json::Value, keys: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    keys.push(key.clone());
                    collect(value, keys);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, keys)),
            _ => {}
        }
    }
    let mut keys = Vec::new();
    for seed in SEEDS {
        collect(&serde_json::from_str(seed).expect("seed"), &mut keys);
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Well-formed JSON whose objects use the models' own keys with values of any type, and the
/// seeds with some values replaced, so that the decoders get past the first byte and into every
/// field's type check.
fn structured() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        proptest::collection::vec(any::<char>(), 0..12)
            .prop_map(|c| serde_json::Value::from(String::from_iter(c))),
        Just(serde_json::Value::from("2025-03-20T08:57:00+01:00")),
        Just(serde_json::Value::from("AAEC")),
    ];
    let keys = model_keys();
    let value = leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::vec((prop::sample::select(keys.clone()), inner), 0..8)
                .prop_map(|pairs| serde_json::Value::Object(pairs.into_iter().collect())),
        ]
    });
    // A seed whose values are each replaced by any value a quarter of the time: every key of
    // one model in one casing, so that required fields are there and values reach their types.
    let seed_like = (
        0..SEEDS.len(),
        proptest::collection::vec(proptest::option::weighted(0.25, value.clone()), 8),
    )
        .prop_map(|(seed, replacements)| {
            let mut object: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(SEEDS[seed]).expect("seed");
            for ((_, slot), replacement) in object.iter_mut().zip(replacements) {
                if let Some(replacement) = replacement {
                    *slot = replacement;
                }
            }
            serde_json::Value::Object(object)
        });
    prop_oneof![value, seed_like].prop_map(|value| value.to_string().into_bytes())
}

/// Where a decode of `bytes` as `T` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reach {
    /// Refused before any of the object's entries was read: not an object, or broken JSON.
    FirstByte,
    /// Every entry read, a required field missing.
    MissingField,
    /// A field's value read and refused by its type (`invalid type`, `invalid value`, …).
    FieldValue,
    /// Decoded.
    Decoded,
}

fn reach<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Reach {
    match serde_json::from_slice::<T>(bytes) {
        Ok(_) => Reach::Decoded,
        Err(e) if e.is_data() && e.to_string().starts_with("missing field") => Reach::MissingField,
        Err(e) if e.is_data() && bytes.first() == Some(&b'{') && e.column() > 1 => {
            Reach::FieldValue
        }
        Err(_) => Reach::FirstByte,
    }
}

#[test]
fn structured_inputs_reach_past_the_first_byte() {
    // Into types with required fields: the inputs must get past the first byte, into the fields'
    // own type checks, and some must decode, or the property tests nothing but the first byte
    // like random bytes do. Measured with this fixed seed, of 500 inputs: 135 are no object;
    // Status 10 decode, 47 fail at a field's value, 308 miss a field; TokenResponse 11, 40,
    // 314; OAuthError 24, 30, 311; AuthToken 5, 42, 318. The bounds leave room for another
    // proptest version's generator.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = structured();
    let mut counts = std::collections::BTreeMap::<(&str, Reach), usize>::new();
    for _ in 0..500 {
        let bytes = strategy.new_tree(&mut runner).expect("value").current();
        for (name, reached) in [
            ("Status", reach::<Status>(&bytes)),
            ("TokenResponse", reach::<TokenResponse>(&bytes)),
            ("OAuthError", reach::<OAuthError>(&bytes)),
            ("AuthToken", reach::<AuthToken>(&bytes)),
        ] {
            *counts.entry((name, reached)).or_default() += 1;
        }
    }
    let count = |name, reach| counts.get(&(name, reach)).copied().unwrap_or(0);
    for name in ["Status", "TokenResponse", "OAuthError", "AuthToken"] {
        assert!(count(name, Reach::FirstByte) <= 250, "{name}: {counts:?}");
        assert!(count(name, Reach::FieldValue) >= 20, "{name}: {counts:?}");
        assert!(count(name, Reach::Decoded) >= 3, "{name}: {counts:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn structured_json_with_the_models_keys_never_panics(bytes in structured()) {
        decode_all(&bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        decode_all(&bytes);
    }

    #[test]
    fn mutated_valid_bodies_never_panic(bytes in mutated()) {
        decode_all(&bytes);
    }
}
