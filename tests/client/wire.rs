//! The models on the wire, without HTTP: one value in both casings byte for byte, decoding of
//! either casing, enums, formats, and a round-trip property.

use jtl_erp_client::models::{
    AppRegistrationRequest, ErrorResponse, RegistrationInformation, RegistrationStatus,
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
    AppRegistrationRequest {
        app_id: Some("myApp/v1".into()),
        display_name: Some("My App".into()),
        description: Some("Demo".into()),
        localized_display_names: Some(vec![Translation {
            language_iso: "DE".into(),
            name: "Meine App".into(),
        }]),
        localized_descriptions: Some(vec![]),
        version: Some("1.0.0".into()),
        provider_name: Some("JTL".into()),
        provider_website: Some("https://www.jtl-software.de".into()),
        mandatory_api_scopes: Some(vec!["items.read".into()]),
        optional_api_scopes: None,
        app_icon: Some(Base64Bytes(vec![0, 1, 2, 250])),
        registration_type: Some(RegistrationType::PerUserLoginInstance),
        signature: Some(Base64Bytes(b"sig".to_vec())),
        signature_data: Some(DateTime::parse_from_rfc3339("2025-08-03T08:48:00Z").expect("valid")),
    }
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

#[test]
fn unknown_enum_values_are_kept_and_names_are_read() {
    let future: RegistrationInformation = serde_json::from_str(
        r#"{"RequestStatusInfo":{"AppId":"a","RegistrationRequestId":"r","Status":7}}"#,
    )
    .expect("decodes");
    let status = future.request_status_info.status;
    assert_eq!(status, RegistrationStatus::Unknown(7));
    assert_eq!(serde_json::to_string(&status).expect("serializes"), "7");
    // Mock servers serve the vendor's example `"Pending"` for the integer enum.
    let named: RegistrationStatus = serde_json::from_str(r#""Pending""#).expect("name accepted");
    assert_eq!(named, RegistrationStatus::Pending);
    assert!(serde_json::from_str::<RegistrationStatus>(r#""Maybe""#).is_err());
    assert_eq!(
        RegistrationType::from_value(2).name(),
        Some("PerUserInstance")
    );
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
    (text(), text()).prop_map(|(language_iso, name)| Translation { language_iso, name })
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
        AppRegistrationRequest {
            app_id: texts[0].clone(),
            display_name: texts[1].clone(),
            description: texts[2].clone(),
            localized_display_names: names.clone(),
            localized_descriptions: names,
            version: texts[3].clone(),
            provider_name: texts[4].clone(),
            provider_website: texts[5].clone(),
            mandatory_api_scopes: scopes.clone(),
            optional_api_scopes: scopes,
            app_icon: icon.clone().map(Base64Bytes),
            registration_type: kind.map(RegistrationType::from_value),
            signature: texts[6].clone().map(|t| Base64Bytes(t.into_bytes())),
            signature_data: data,
        }
    }
}

proptest! {
    #[test]
    fn values_round_trip_through_both_casings(value in request()) {
        let from_camel: AppRegistrationRequest = serde_json::from_str(&camel(&value)).expect("camel decodes");
        let from_pascal: AppRegistrationRequest = serde_json::from_str(&pascal(&value)).expect("pascal decodes");
        prop_assert_eq!(&from_camel, &value);
        prop_assert_eq!(&from_pascal, &value);
        // The offset survives, not just the instant.
        prop_assert_eq!(from_camel.signature_data.map(|d| d.offset().local_minus_utc()), value.signature_data.map(|d| d.offset().local_minus_utc()));
    }
}
