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
    let profile = Profile {
        name: "Ada".to_owned(),
        nickname: None,
        manager: None,
        aliases: None,
        score: ProfileScore::Number(1.5),
        note: None,
        mood: None,
        birthday: None,
    };
    let stored = client
        .put_profile(7, &profile)
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
        Profile {
            name: "Ada".to_owned(),
            nickname: None,
            manager: Some(Manager {
                name: "Grace".to_owned()
            }),
            aliases: Some(vec!["A".to_owned()]),
            score: ProfileScore::Text("A+".to_owned()),
            note: None,
            mood: None,
            birthday: None,
        }
    );
    // A model in a required nullable field is written in its casing.
    let with_manager = Profile {
        manager: Some(Manager {
            name: "Grace".to_owned(),
        }),
        nickname: Some("A".to_owned()),
        ..profile
    };
    client.put_profile(7, &with_manager).await.expect("sent");
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(
        String::from_utf8_lossy(&received[1].body),
        r#"{"name":"Ada","nickname":"A","manager":{"name":"Grace"},"aliases":null,"score":1.5}"#
    );
}
