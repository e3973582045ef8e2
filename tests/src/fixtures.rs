//! Fixtures several test binaries share: the registration request and one-route mock servers.

use crate::MockServer;
use jtl_erp_client::models::{AppRegistrationRequest, RegistrationType, Translation};
use jtl_erp_client::runtime::Base64Bytes;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// A registration request with every property ERP API 1.0 requires (and a translation with the
/// nested required ones), in both generations' vocabulary: the tests compare its exact bytes.
pub fn registration_request() -> AppRegistrationRequest {
    AppRegistrationRequest::new()
        .with_app_id("myApp/v1")
        .with_display_name("My App")
        .with_description("Inventory tool")
        .with_localized_display_names(vec![Translation::new("DE", "Meine App")])
        .with_version("1.0.0")
        .with_provider_name("My Company")
        .with_provider_website("https://example.com")
        .with_mandatory_api_scopes(vec!["items.read".to_owned(), "stock.write".to_owned()])
        .with_optional_api_scopes(vec!["return.read".to_owned()])
        .with_app_icon(Base64Bytes(b"\x89PNG".to_vec()))
        .with_registration_type(RegistrationType::MultiInstance)
        .with_signature_data(
            jtl_erp_client::runtime::chrono::DateTime::parse_from_rfc3339(
                "2025-03-20T08:57:00+01:00",
            )
            .expect("valid date-time"),
        )
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
    AppRegistrationRequest::new()
        .with_app_id(app_id)
        .with_display_name("App")
        .with_description("An app")
        .with_version("1")
        .with_provider_name("Provider")
        .with_provider_website("https://example.com")
        .with_mandatory_api_scopes(vec!["items.read".to_owned()])
        .with_app_icon(Base64Bytes(Vec::new()))
}
