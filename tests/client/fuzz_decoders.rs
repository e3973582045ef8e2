//! Property-based fuzzing of every generated model's decoder: arbitrary bytes, and valid bodies
//! of both casings mutated (bytes flipped, cut short, spliced). No input may panic.
//!
//! `PROPTEST_CASES=100000 cargo test -p jtl-erp-tests --release --test fuzz_decoders` for a
//! longer run; the README has the figures.

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

fn mutated() -> impl Strategy<Value = Vec<u8>> {
    (
        0..SEEDS.len(),
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        any::<prop::sample::Index>(),
        any::<bool>(),
    )
        .prop_map(|(seed, flips, cut, truncate)| {
            let mut bytes = SEEDS[seed].as_bytes().to_vec();
            for (at, byte) in flips {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            if truncate {
                bytes.truncate(cut.index(bytes.len() + 1));
            }
            bytes
        })
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

/// Well-formed JSON whose objects use the models' own keys with values of any type, so that
/// the decoders get past the first byte and into every field's type check.
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
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::vec((prop::sample::select(keys.clone()), inner), 0..8)
                .prop_map(|pairs| serde_json::Value::Object(pairs.into_iter().collect())),
        ]
    })
    .prop_map(|value| value.to_string().into_bytes())
}

#[test]
fn structured_inputs_reach_past_the_first_byte() {
    // At least some structured inputs must decode as a model, or the generator tests nothing
    // but the first byte like random bytes do.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = structured();
    let decoded = (0..500)
        .filter(|_| {
            let bytes = strategy.new_tree(&mut runner).expect("value").current();
            serde_json::from_slice::<Status>(&bytes).is_ok()
                || serde_json::from_slice::<ErrorResponse>(&bytes).is_ok()
                || serde_json::from_slice::<RegistrationInformation>(&bytes).is_ok()
        })
        .count();
    assert!(decoded > 0, "no structured input decoded");
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
