//! The models on the wire, without HTTP: one value in both casings byte for byte, decoding of
//! either casing, enums, formats, and a round-trip property.

use jtl_erp_client::models::{
    AppRegistrationRequest, ErrorResponse, GrantType, RegistrationInformation, RegistrationStatus,
    RegistrationType, Status, Translation,
};
use jtl_erp_client::runtime::chrono::{DateTime, FixedOffset, TimeZone as _};
use jtl_erp_client::runtime::wire::{Pascal, Wire};
use jtl_erp_client::runtime::{Base64Bytes, serde_json};
use proptest::prelude::*;

/// The PascalCase form with every property name's first letter lowered, as public integrations
/// of the 2.x Cloud API read answers (keys under `Errors` and `ValidationErrors` are data).
fn camel<T: jtl_erp_client::runtime::wire::WireSerialize<Pascal>>(value: &T) -> String {
    fn lower(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(object) => {
                for (key, mut child) in std::mem::take(object) {
                    if key != "Errors" && key != "ValidationErrors" {
                        lower(&mut child);
                    }
                    let camel = key[..1].to_lowercase() + &key[1..];
                    object.insert(camel, child);
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(lower),
            _ => {}
        }
    }
    let mut tree: serde_json::Value = serde_json::from_str(&pascal(value)).expect("JSON");
    lower(&mut tree);
    tree.to_string()
}

fn pascal<T: jtl_erp_client::runtime::wire::WireSerialize<Pascal>>(value: &T) -> String {
    serde_json::to_string(&Wire::<_, Pascal>::new(value)).expect("serializes")
}

fn full_request() -> AppRegistrationRequest {
    AppRegistrationRequest::new()
        .with_app_id("myApp/v1")
        .with_display_name("My App")
        .with_description("Demo")
        .with_localized_display_names(vec![Translation::new("DE", "Meine App")])
        .with_localized_descriptions(vec![])
        .with_version("1.0.0")
        .with_provider_name("JTL")
        .with_provider_website("https://www.jtl-software.de")
        .with_mandatory_api_scopes(vec!["items.read".to_owned()])
        .with_app_icon(Base64Bytes(vec![0, 1, 2, 250]))
        .with_registration_type(RegistrationType::PerUserLoginInstance)
        .with_signature(Base64Bytes(b"sig".to_vec()))
        .with_signature_data(DateTime::parse_from_rfc3339("2025-08-03T08:48:00Z").expect("valid"))
}

#[test]
fn one_value_gives_the_documented_pascal_case_wire_form_byte_for_byte() {
    // Both ERP documents declare PascalCase; no request goes out in camelCase.
    let value = full_request();
    assert_eq!(
        pascal(&value),
        concat!(
            r#"{"AppId":"myApp/v1","DisplayName":"My App","Description":"Demo","#,
            r#""LocalizedDisplayNames":[{"LanguageIso":"DE","Name":"Meine App"}],"LocalizedDescriptions":[],"#,
            r#""Version":"1.0.0","ProviderName":"JTL","ProviderWebsite":"https://www.jtl-software.de","#,
            r#""MandatoryApiScopes":["items.read"],"AppIcon":"AAEC+g==","RegistrationType":3,"#,
            r#""Signature":"c2ln","SignatureData":"2025-08-03T08:48:00Z"}"#
        )
    );
}

#[test]
fn responses_decode_in_either_casing_to_the_same_value() {
    let pascal: RegistrationInformation = serde_json::from_str(
        r#"{"RequestStatusInfo":{"AppId":"myApp/V3","RegistrationRequestId":"295C","Status":2},
            "Token":{"ApiKey":"FB62"},"GrantedScopes":["items.read"]}"#,
    )
    .expect("PascalCase decodes");
    let camel: RegistrationInformation = serde_json::from_str(
        r#"{"requestStatusInfo":{"appId":"myApp/V3","registrationRequestId":"295C","status":2},
            "token":{"apiKey":"FB62"},"grantedScopes":["items.read"],"newField":{"x":1}}"#,
    )
    .expect("camelCase with an unknown field decodes");
    assert_eq!(pascal, camel);
    assert_eq!(
        pascal.request_status_info.status,
        RegistrationStatus::Accepted
    );
    assert_eq!(
        pascal
            .token
            .map(|t| t.api_key.expose().to_owned())
            .as_deref(),
        Some("FB62")
    );
}

#[test]
fn keys_are_matched_ignoring_case_and_a_key_given_twice_is_refused() {
    let shouting: Status = serde_json::from_str(
        r#"{"VERSION":"1.8","TIMESTAMP":"2023-02-01T12:45:00+01:00","TENANT":"eazybusiness","TYPE":"WAWI-Api"}"#,
    )
    .expect("case-insensitive match");
    assert_eq!(shouting.r#type, "WAWI-Api");
    let twice = serde_json::from_str::<Status>(
        r#"{"Version":"1","version":"2","Timestamp":"2023-02-01T12:45:00Z","Tenant":"t","Type":"x"}"#,
    )
    .expect_err("two spellings of one key");
    assert!(
        twice.to_string().contains("duplicate field `Version`"),
        "{twice}"
    );
    let missing = serde_json::from_str::<Status>(r#"{"Version":"1","Tenant":"t","Type":"x"}"#)
        .expect_err("no timestamp");
    assert!(
        missing.to_string().contains("missing field `Timestamp`"),
        "{missing}"
    );
}

#[test]
fn map_keys_are_data_and_keep_their_casing_both_ways() {
    let error: ErrorResponse = serde_json::from_str(
        r#"{"errorCode":"E1","validationErrors":{"AppId":"taken","appId":"lower","APP_ID":"x"}}"#,
    )
    .expect("decodes");
    let keys: Vec<&str> = error
        .validation_errors
        .as_ref()
        .expect("map")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["APP_ID", "AppId", "appId"]);
    assert_eq!(
        pascal(&error),
        r#"{"ErrorCode":"E1","ValidationErrors":{"APP_ID":"x","AppId":"taken","appId":"lower"}}"#
    );
}

/// Models implement `Serialize` so that teams can store them: written in the casing of the
/// concept's first schema (PascalCase, as the vendor's documents declare it and the client sends
/// it), nested models and secrets included, and read back by `Deserialize`.
#[test]
fn models_serialize_in_their_declared_casing_and_read_back() {
    let value = full_request();
    let stored = serde_json::to_string(&value).expect("serializes");
    assert_eq!(stored, pascal(&value));
    assert!(
        stored.contains(r#""LocalizedDisplayNames":[{"LanguageIso":"DE","Name":"Meine App"}]"#),
        "{stored}"
    );
    let back: AppRegistrationRequest = serde_json::from_str(&stored).expect("decodes");
    assert_eq!(back, value);

    let info: RegistrationInformation = serde_json::from_str(
        r#"{"requestStatusInfo":{"appId":"a","registrationRequestId":"r","status":2},"token":{"apiKey":"k"}}"#,
    )
    .expect("camelCase decodes");
    let stored = serde_json::to_string(&info).expect("serializes");
    assert_eq!(
        stored,
        r#"{"RequestStatusInfo":{"AppId":"a","RegistrationRequestId":"r","Status":2},"Token":{"ApiKey":"k"}}"#
    );
    assert_eq!(
        serde_json::from_str::<RegistrationInformation>(&stored).expect("decodes"),
        info
    );
}

#[test]
fn unknown_enum_values_are_kept_and_names_are_read() {
    let future: RegistrationInformation = serde_json::from_str(
        r#"{"RequestStatusInfo":{"AppId":"a","RegistrationRequestId":"r","Status":7}}"#,
    )
    .expect("decodes");
    let status = future.request_status_info.status;
    #[allow(deprecated)]
    let unknown = matches!(status, RegistrationStatus::Unknown(v) if *v.get() == 7);
    assert!(unknown, "{status:?}");
    assert_eq!(status.value(), 7);
    assert_eq!(status.name(), None);
    assert_eq!(serde_json::to_string(&status).expect("serializes"), "7");
    // The round trip keeps the unknown value, and it equals itself only.
    let back: RegistrationStatus = serde_json::from_str("7").expect("decodes");
    assert_eq!(back, status);
    for known in [
        RegistrationStatus::Pending,
        RegistrationStatus::Rejected,
        RegistrationStatus::Accepted,
    ] {
        assert_ne!(status, known);
    }
    // Mock servers serve the vendor's example `"Pending"` for the integer enum.
    let named: RegistrationStatus = serde_json::from_str(r#""Pending""#).expect("name accepted");
    assert_eq!(named, RegistrationStatus::Pending);
    assert!(serde_json::from_str::<RegistrationStatus>(r#""Maybe""#).is_err());
    assert_eq!(
        RegistrationType::from_value(2).name(),
        Some("PerUserInstance")
    );
}

/// A value the enum names always decodes to its variant, never to `Unknown`: so `==` and `match`
/// agree for every value, known or not (an `Unknown(0)` next to `Pending` cannot exist).
#[test]
fn equality_and_match_agree_for_every_enum_value() {
    for value in -3..12 {
        let decoded: RegistrationStatus =
            serde_json::from_str(&value.to_string()).expect("decodes");
        assert_eq!(decoded, RegistrationStatus::from_value(value));
        let matched = match decoded {
            RegistrationStatus::Pending => Some(0),
            RegistrationStatus::Rejected => Some(1),
            RegistrationStatus::Accepted => Some(2),
            _ => None,
        };
        assert_eq!(matched, decoded.name().map(|_| value), "{value}");
        for known in [
            RegistrationStatus::Pending,
            RegistrationStatus::Rejected,
            RegistrationStatus::Accepted,
        ] {
            assert_eq!(
                decoded == known,
                known.value() == value,
                "{value} vs {known:?}"
            );
        }
        let mut hashes = std::collections::HashSet::new();
        hashes.insert(decoded);
        assert!(
            hashes.contains(&RegistrationStatus::from_value(value)),
            "{value}"
        );
    }
    // String enums alike: the wire string of a variant is that variant, another is kept.
    let known: GrantType = serde_json::from_str(r#""client_credentials""#).expect("decodes");
    assert_eq!(known, GrantType::ClientCredentials);
    let other: GrantType = serde_json::from_str(r#""urn:x""#).expect("decodes");
    assert_ne!(other, GrantType::ClientCredentials);
    assert_eq!(other.as_str(), "urn:x");
    assert_eq!(
        serde_json::to_string(&other).expect("encodes"),
        r#""urn:x""#
    );
    assert_eq!(other, GrantType::from_wire("urn:x"));
}

#[test]
fn date_time_keeps_its_offset_and_bad_base64_is_an_error() {
    let status: Status = serde_json::from_str(
        r#"{"Version":"1.8.10.0","Timestamp":"2023-02-01T12:45:00.0000000+01:00","Tenant":"eazybusiness","Type":"WAWI-Api"}"#,
    )
    .expect("decodes the vendor's example");
    assert_eq!(status.timestamp.offset().local_minus_utc(), 3600);
    assert_eq!(
        pascal(&status),
        r#"{"Version":"1.8.10.0","Timestamp":"2023-02-01T12:45:00+01:00","Tenant":"eazybusiness","Type":"WAWI-Api"}"#
    );
    let bad = serde_json::from_str::<AppRegistrationRequest>(r#"{"AppIcon":"not base64!"}"#)
        .expect_err("bad base64");
    assert!(bad.to_string().contains("invalid base64"), "{bad}");
    let data_url = serde_json::from_str::<AppRegistrationRequest>(
        r#"{"appIcon":"data:image/png;base64,AAEC"}"#,
    )
    .expect("data URL");
    assert_eq!(data_url.app_icon, Some(Base64Bytes(vec![0, 1, 2])));
}

/// Any text: every Unicode scalar value, control characters, quotes and backslashes included.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..24).prop_map(String::from_iter)
}

fn translation() -> impl Strategy<Value = Translation> {
    (text(), text()).prop_map(|(language_iso, name)| Translation::new(language_iso, name))
}

fn timestamp() -> impl Strategy<Value = DateTime<FixedOffset>> {
    (0i64..4_000_000_000, -14 * 60..=14 * 60i32).prop_map(|(seconds, offset_minutes)| {
        let offset = FixedOffset::east_opt(offset_minutes * 60).expect("in range");
        offset
            .timestamp_opt(seconds, 0)
            .single()
            .expect("unambiguous")
    })
}

prop_compose! {
    fn request()(
        texts in proptest::collection::vec(proptest::option::of(text()), 7),
        names in proptest::option::of(proptest::collection::vec(translation(), 0..3)),
        scopes in proptest::option::of(proptest::collection::vec(text(), 0..4)),
        icon in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..16)),
        kind in proptest::option::of(-2i64..6),
        data in proptest::option::of(timestamp()),
    ) -> AppRegistrationRequest {
        // Public fields stay assignable: an `Option` is set (or cleared) as it is.
        let mut value = AppRegistrationRequest::new();
        value.app_id = texts[0].clone();
        value.display_name = texts[1].clone();
        value.description = texts[2].clone();
        value.localized_display_names = names.clone();
        value.localized_descriptions = names;
        value.version = texts[3].clone();
        value.provider_name = texts[4].clone();
        value.provider_website = texts[5].clone();
        value.mandatory_api_scopes = scopes.clone();
        value.optional_api_scopes = scopes;
        value.app_icon = icon.clone().map(Base64Bytes);
        value.registration_type = kind.map(RegistrationType::from_value);
        value.signature = texts[6].clone().map(|t| Base64Bytes(t.into_bytes()));
        value.signature_data = data;
        value
    }
}

proptest! {
    #[test]
    fn values_round_trip_through_both_casings(value in request()) {
        let from_camel: AppRegistrationRequest = serde_json::from_str(&camel(&value)).expect("camel decodes");
        let from_pascal: AppRegistrationRequest = serde_json::from_str(&pascal(&value)).expect("pascal decodes");
        prop_assert_eq!(&from_camel, &value);
        prop_assert_eq!(&from_pascal, &value);
        // `Serialize` (for teams that store models) is the casing the document declares, and
        // reads back.
        let stored = serde_json::to_string(&value).expect("serializes");
        prop_assert_eq!(&stored, &pascal(&value));
        let restored: AppRegistrationRequest = serde_json::from_str(&stored).expect("decodes");
        prop_assert_eq!(&restored, &value);
        // The offset survives, not just the instant.
        prop_assert_eq!(from_camel.signature_data.map(|d| d.offset().local_minus_utc()), value.signature_data.map(|d| d.offset().local_minus_utc()));
    }
}
