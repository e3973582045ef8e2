//! Serializing the registration request: the generated dialect writers against serde_json on a
//! hand-written struct with the same fields (`#[derive(Serialize)]`), in the same run.
//!
//! `cargo bench -p jtl-erp-tests --bench wire`; tests/MEASUREMENTS.md reports the ratios.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use jtl_erp_client::models::{AppRegistrationRequest, RegistrationType, Translation};
use jtl_erp_client::runtime::Base64Bytes;
use jtl_erp_client::runtime::chrono::{DateTime, FixedOffset};
use jtl_erp_client::runtime::wire::{Pascal, Wire};
use serde::Serialize;

/// The baseline: what a hand-written client would derive.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct HandPascal<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    app_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    localized_display_names: Option<Vec<HandTranslation<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    localized_descriptions: Option<Vec<HandTranslation<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider_website: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mandatory_api_scopes: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    optional_api_scopes: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_icon: Option<&'a Base64Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registration_type: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<&'a Base64Bytes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature_data: Option<&'a DateTime<FixedOffset>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct HandTranslation<'a> {
    language_iso: &'a str,
    name: &'a str,
}

fn request() -> AppRegistrationRequest {
    AppRegistrationRequest::new()
        .with_app_id("myApp/v1")
        .with_display_name("My App")
        .with_description("Inventory management tool for the warehouse")
        .with_localized_display_names(vec![
            Translation::new("DE", "Meine App"),
            Translation::new("EN", "My App"),
        ])
        .with_localized_descriptions(vec![
            Translation::new("DE", "Lagerverwaltung"),
            Translation::new("EN", "Inventory"),
        ])
        .with_version("1.0.0")
        .with_provider_name("My Company")
        .with_provider_website("https://example.com")
        .with_mandatory_api_scopes(
            [
                "stock.read",
                "stock.write",
                "items.write",
                "salesorder.read",
            ]
            .map(String::from),
        )
        .with_optional_api_scopes(vec!["return.read".to_owned()])
        .with_app_icon(Base64Bytes(vec![7; 256]))
        .with_registration_type(RegistrationType::OneInstance)
        .with_signature(Base64Bytes(vec![9; 64]))
        .with_signature_data(DateTime::parse_from_rfc3339("2025-08-03T08:48:00Z").expect("valid"))
}

fn translations(t: &Option<Vec<Translation>>) -> Option<Vec<HandTranslation<'_>>> {
    t.as_ref().map(|list| {
        list.iter()
            .map(|t| HandTranslation {
                language_iso: &t.language_iso,
                name: &t.name,
            })
            .collect()
    })
}

fn hand_written(value: &AppRegistrationRequest) -> HandPascal<'_> {
    HandPascal {
        app_id: value.app_id.as_deref(),
        display_name: value.display_name.as_deref(),
        description: value.description.as_deref(),
        localized_display_names: translations(&value.localized_display_names),
        localized_descriptions: translations(&value.localized_descriptions),
        version: value.version.as_deref(),
        provider_name: value.provider_name.as_deref(),
        provider_website: value.provider_website.as_deref(),
        mandatory_api_scopes: value.mandatory_api_scopes.as_deref(),
        optional_api_scopes: value.optional_api_scopes.as_deref(),
        app_icon: value.app_icon.as_ref(),
        registration_type: value.registration_type.map(|t| t.value()),
        signature: value.signature.as_ref(),
        signature_data: value.signature_data.as_ref(),
    }
}

fn serialize(c: &mut Criterion) {
    let value = request();
    let baseline = hand_written(&value);
    // Same bytes, or the comparison means nothing.
    assert_eq!(
        serde_json::to_vec(&baseline).expect("serializes"),
        serde_json::to_vec(&Wire::<_, Pascal>::new(&value)).expect("serializes")
    );
    let mut group = c.benchmark_group("registration_request");
    let mut buffer = Vec::with_capacity(4096);
    group.bench_function("baseline_serde_derive_pascal", |b| {
        b.iter(|| {
            buffer.clear();
            serde_json::to_writer(&mut buffer, black_box(&baseline)).expect("serializes");
        })
    });
    group.bench_function("generated_pascal", |b| {
        b.iter(|| {
            buffer.clear();
            serde_json::to_writer(&mut buffer, &Wire::<_, Pascal>::new(black_box(&value)))
                .expect("serializes");
        })
    });
    group.finish();
}

criterion_group!(benches, serialize);
criterion_main!(benches);
