//! Names that are no Rust identifiers as they stand (tests/fixtures/identifiers: `m²`, `٣count`,
//! `ß`, `İ`, `9lives`, keywords, `_`) as schema, property, enum value, parameter and operation
//! names: the fixture client compiled into this binary (main.rs) has a valid identifier for each,
//! and every one goes out and comes back under the name the document declares.

use jtl_erp_tests::MockServer;
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

use crate::models::{M, SelfModel, V٣, V٣state};

/// The enum's values as the document declares them.
const VALUES: [&str; 11] = [
    "m²", "ß", "İ", "٣", "٣count", "9lives", "type", "self", "Self", "crate", "_",
];

async fn server(status: u16, body: Option<serde_json::Value>) -> MockServer {
    let server = MockServer::start().await;
    let mut response = ResponseTemplate::new(status);
    if let Some(body) = body {
        response = response.set_body_json(body);
    }
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

#[test]
#[allow(deprecated)]
fn every_enum_value_has_its_own_variant_and_round_trips() {
    let variants: Vec<V٣> = VALUES.iter().map(|v| V٣::from_wire(v)).collect();
    for (value, variant) in VALUES.iter().zip(&variants) {
        assert!(!matches!(variant, V٣::Unknown(_)), "{value}");
        assert_eq!(variant.as_str(), *value);
        let json = serde_json::to_value(variant).expect("encodes");
        assert_eq!(json, serde_json::json!(value));
        let back: V٣ = serde_json::from_value(json).expect("decodes");
        assert!(!matches!(back, V٣::Unknown(_)), "{value}");
        assert_eq!(back.as_str(), *value);
    }
    let names: std::collections::BTreeSet<String> =
        variants.iter().map(|v| format!("{v:?}")).collect();
    assert_eq!(
        names.len(),
        VALUES.len(),
        "one variant per value: {names:?}"
    );
}

#[jtl_erp_tests::test]
async fn a_response_with_such_keys_decodes_and_parameters_go_out_under_their_names() {
    let body = serde_json::json!({
        "m²": 1.5, "٣count": 3, "٣": "three", "9lives": true, "ß": "sharp", "İ": "dotted",
        "state": "off"
    });
    let server = server(200, Some(body.clone())).await;
    let client = crate::identifiers_client::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let answer = client
        .m("a/٣")
        .m(2.5)
        ._٣count(7)
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(
        answer,
        M {
            m: 1.5,
            _٣count: 3,
            _٣: Some("three".to_owned()),
            _9lives: Some(true),
            ß: Some("sharp".to_owned()),
            i̇: Some("dotted".to_owned()),
            state: Some(V٣state::Off),
        }
    );
    let received = server.received_requests().await.expect("recording is on");
    let url = &received[0].url;
    assert_eq!(url.path(), "/areas/a%2F%D9%A3");
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(
        query,
        [
            ("m²".to_owned(), "2.5".to_owned()),
            ("٣count".to_owned(), "7".to_owned())
        ]
    );
}

#[jtl_erp_tests::test]
async fn a_body_with_keyword_keys_goes_out_under_its_names() {
    let server = server(204, None).await;
    let client = crate::identifiers_client::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let body = SelfModel {
        r#type: Some("t".to_owned()),
        self_: Some("s".to_owned()),
        self_2: Some("S".to_owned()),
        crate_: Some("c".to_owned()),
        super_: Some("u".to_owned()),
        field: Some("f".to_owned()),
        unit: Some(V٣::V٣count),
    };
    client
        .r#type("sharp", "dotted", "me", V٣::M, "krate", body.clone())
        .await
        .expect("sent");
    let received = server.received_requests().await.expect("recording is on");
    let request = &received[0];
    let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        query,
        [
            pair("ß", "sharp"),
            pair("İ", "dotted"),
            pair("self", "me"),
            pair("_", "m²")
        ]
    );
    assert_eq!(request.headers.get("crate").expect("header"), "krate");
    let sent: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON");
    let expected = serde_json::json!({
        "type": "t", "self": "s", "Self": "S", "crate": "c", "super": "u", "_": "f",
        "unit": "٣count"
    });
    assert_eq!(sent, expected);
    // And back: the keys as sent decode into the same fields.
    let decoded: SelfModel = serde_json::from_value(expected).expect("decodes");
    assert_eq!(decoded, body);
}

/// The request type of an operation named `send` is `Send`, which the generated code never
/// takes for the trait (it names `::core::marker::Send`).
#[jtl_erp_tests::test]
async fn an_operation_named_send_is_sent() {
    let server = server(204, None).await;
    let client = crate::identifiers_client::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let request: crate::identifiers_client::Send = client.send();
    request.send().await.expect("sent");
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 1);
    assert_eq!(
        (received[0].method.as_str(), received[0].url.path()),
        ("POST", "/send")
    );
}
