//! OpenAPI 3.1 documents (issue 37) through the client: a required nullable property goes out as
//! `null` and comes back as `None`, an optional one is left out; a type list is a union decoded
//! by its variants (the fixture `openapi31/type-lists`, compiled into this binary).

use jtl_erp_tests::MockServer;
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

use crate::models::{Manager, Profile, ProfileScore};

#[jtl_erp_tests::test]
async fn required_nullable_properties_go_out_as_null_and_optional_ones_are_left_out() {
    let server = MockServer::start().await;
    let answer = serde_json::json!({
        "name": "Ada",
        "nickname": null,
        "manager": {"name": "Grace"},
        "aliases": ["A"],
        "score": "A+",
        "note": null
    });
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let client = crate::type_lists_client::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let profile = Profile::new("Ada".to_owned(), ProfileScore::Number(1.5));
    let stored = client
        .put_profile(7, profile.clone())
        .await
        .expect("a valid answer")
        .into_inner();
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(
        String::from_utf8_lossy(&received[0].body),
        r#"{"name":"Ada","nickname":null,"manager":null,"aliases":null,"score":1.5}"#
    );
    assert_eq!(
        stored,
        Profile::new("Ada".to_owned(), ProfileScore::Text("A+".to_owned()))
            .with_manager(Manager::new("Grace".to_owned()))
            .with_aliases(vec!["A".to_owned()])
    );
    // A model in a required nullable field is written in its casing.
    let with_manager = profile
        .with_manager(Manager::new("Grace".to_owned()))
        .with_nickname("A".to_owned());
    client.put_profile(7, with_manager).await.expect("sent");
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(
        String::from_utf8_lossy(&received[1].body),
        r#"{"name":"Ada","nickname":"A","manager":{"name":"Grace"},"aliases":null,"score":1.5}"#
    );
}

/// The generated files and warnings of one document under the name `name`.
fn generated(name: &str, text: String) -> (Vec<(String, String)>, Vec<String>) {
    let source = jtl_erp_generator::SourceDocument {
        path: name.to_owned(),
        text,
    };
    let generation =
        jtl_erp_generator::generate(&[source], &jtl_erp_generator::Settings::default())
            .unwrap_or_else(|report| panic!("{report}"));
    (
        generation
            .files
            .into_iter()
            .map(|f| (f.path, f.contents))
            .collect(),
        generation
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect(),
    )
}

#[test]
fn one_api_written_in_openapi_30_and_in_31_gives_the_same_client() {
    let read = |file: &str| {
        std::fs::read_to_string(
            jtl_erp_tests::repo_root()
                .join("tests/fixtures/openapi31/pair")
                .join(file),
        )
        .expect("fixture")
    };
    // The same name, so that the generated documentation names the same file.
    let (v30, warnings30) = generated("shop.yaml", read("shop-3.0.yaml"));
    let (v31, warnings31) = generated("shop.yaml", read("shop-3.1.yaml"));
    assert_eq!(warnings30, Vec::<String>::new());
    assert_eq!(warnings31, warnings30);
    assert_eq!(v30.len(), v31.len());
    for ((path, text30), (_, text31)) in v30.iter().zip(&v31) {
        assert!(
            text30 == text31,
            "{path} differs:\n{}",
            first_difference(text30, text31)
        );
    }
    // The synthetic vendor-size document (375 operations) too.
    let (v30, warnings30) = generated(
        "synthetic.yaml",
        jtl_erp_regen::synth::synthetic_document(75),
    );
    let (v31, warnings31) = generated(
        "synthetic.yaml",
        jtl_erp_regen::synth::synthetic_document_31(75),
    );
    assert_eq!(warnings31, warnings30);
    assert!(v30 == v31, "the synthetic document's clients differ");
}

fn first_difference(a: &str, b: &str) -> String {
    a.lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .map(|(i, (x, y))| format!("line {}:\n  3.0: {x}\n  3.1: {y}", i + 1))
        .unwrap_or_else(|| "in length".to_owned())
}
