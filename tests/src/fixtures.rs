//! Fixtures several test binaries share: the registration request and one-route mock servers.

use crate::MockServer;
use jtl_erp_client::models::{AppRegistrationRequest, RegistrationType, Translation};
use jtl_erp_client::runtime::Base64Bytes;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// A registration request with every property ERP API 1.0 requires (and a translation with the
/// nested required ones), in both generations' vocabulary: the tests compare its exact bytes.
pub fn registration_request() -> AppRegistrationRequest {
    AppRegistrationRequest {
        app_id: Some("myApp/v1".into()),
        display_name: Some("My App".into()),
        description: Some("Inventory tool".into()),
        localized_display_names: Some(vec![Translation {
            language_iso: "DE".into(),
            name: "Meine App".into(),
        }]),
        version: Some("1.0.0".into()),
        provider_name: Some("My Company".into()),
        provider_website: Some("https://example.com".into()),
        mandatory_api_scopes: Some(vec!["items.read".into(), "stock.write".into()]),
        optional_api_scopes: Some(vec!["return.read".into()]),
        app_icon: Some(Base64Bytes(b"\x89PNG".to_vec())),
        registration_type: Some(RegistrationType::MultiInstance),
        signature_data: Some(
            "2025-03-20T08:57:00+01:00"
                .parse()
                .expect("valid date-time"),
        ),
        ..Default::default()
    }
}

/// A JSON answer.
pub fn json_answer(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

/// A mock server on 127.0.0.1 that answers `verb route` with `response`, and fails the test when
/// dropped unless it was called exactly `calls` times.
pub async fn answering(
    verb: &str,
    route: &str,
    response: ResponseTemplate,
    calls: u64,
) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(response)
        .expect(calls)
        .mount(&server)
        .await;
    server
}

/// The smallest registration request the 2.0 document accepts: its eight required properties.
pub fn minimal_registration_request(app_id: &str) -> AppRegistrationRequest {
    AppRegistrationRequest {
        app_id: Some(app_id.into()),
        display_name: Some("App".into()),
        description: Some("An app".into()),
        version: Some("1".into()),
        provider_name: Some("Provider".into()),
        provider_website: Some("https://example.com".into()),
        mandatory_api_scopes: Some(vec!["items.read".into()]),
        app_icon: Some(Base64Bytes(Vec::new())),
        ..Default::default()
    }
}
