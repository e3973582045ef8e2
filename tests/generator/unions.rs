//! Typed `oneOf`/`anyOf` (tests/fixtures/unions): the fixture client compiled into this binary
//! (main.rs) sends each union's variant in that variant's casing, with the exact bytes, and
//! reads answers back into the variants: by the discriminator's value (with and without
//! `mapping`), by trying the untagged variants in their documented order, `null` for a
//! nullable union, unions inside lists.

use jtl_erp_tests::MockServer;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::models::{
    Adoption, AdoptionPreviousPet, Cat, Circle, Contact, Dog, Email, LimitParam, LimitParamKind,
    OwnerParam, Pet, Phone, Shape, Square,
};

fn client(server: &MockServer) -> crate::unions_client::Client {
    crate::unions_client::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client")
}

async fn answer(server: &MockServer, verb: &str, at: &str, status: u16, body: &str) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(
            ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json"),
        )
        .mount(server)
        .await;
}

fn tom() -> Cat {
    Cat {
        pet_type: "cat".to_owned(),
        name: "Tom".to_owned(),
        lives: 9,
    }
}

fn rex() -> Dog {
    Dog {
        pet_type: "dog".to_owned(),
        name: "Rex".to_owned(),
        good_boy: true,
    }
}

#[jtl_erp_tests::test]
async fn unions_go_out_in_their_variants_casing_and_come_back_as_the_same_variants() {
    let server = MockServer::start().await;
    // The answer in another order than the request, with every kind of union in it.
    answer(
        &server,
        "POST",
        "/adoptions",
        200,
        r#"{"pet":{"petType":"dog","name":"Rex","goodBoy":true},"previousPet":{"petType":"cat","name":"Tom","lives":9},"contacts":["call me",{"number":"123"},{"Address":"a@b.c","DisplayName":"A"}],"shapes":[{"kind":"Square","side":2.0},{"kind":"Circle","radius":1.5}]}"#,
    )
    .await;
    let sent = Adoption {
        pet: Pet::Cat(tom()),
        previous_pet: None,
        contacts: Some(vec![
            Contact::Email(Email {
                address: "a@b.c".to_owned(),
                display_name: None,
            }),
            Contact::Phone(Phone {
                number: "123".to_owned(),
                extension: Some("7".to_owned()),
            }),
            Contact::Text("call me".to_owned()),
        ]),
        shapes: Some(vec![Shape::Circle(Circle {
            kind: "Circle".to_owned(),
            radius: 1.5,
        })]),
        note: None,
    };
    let got = client(&server)
        .adopt(sent)
        .await
        .expect("the adoption")
        .into_inner();
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 1);
    // The e-mail in PascalCase (its schema's casing), the phone in camelCase, the text as a
    // string, a required nullable union as `null`.
    assert_eq!(
        String::from_utf8(received[0].body.clone()).expect("utf-8"),
        r#"{"pet":{"petType":"cat","name":"Tom","lives":9},"previousPet":null,"contacts":[{"Address":"a@b.c"},{"number":"123","extension":"7"},"call me"],"shapes":[{"kind":"Circle","radius":1.5}]}"#
    );
    assert_eq!(
        got,
        Adoption {
            pet: Pet::Dog(rex()),
            previous_pet: Some(AdoptionPreviousPet::Cat(tom())),
            contacts: Some(vec![
                Contact::Text("call me".to_owned()),
                Contact::Phone(Phone {
                    number: "123".to_owned(),
                    extension: None,
                }),
                Contact::Email(Email {
                    address: "a@b.c".to_owned(),
                    display_name: Some("A".to_owned()),
                }),
            ]),
            shapes: Some(vec![
                Shape::Square(Square {
                    kind: "Square".to_owned(),
                    side: 2.0,
                }),
                Shape::Circle(Circle {
                    kind: "Circle".to_owned(),
                    radius: 1.5,
                }),
            ]),
            note: None,
        }
    );
}

#[jtl_erp_tests::test]
async fn the_discriminator_selects_the_variant_and_an_unknown_one_tries_each() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/pets/1",
        200,
        r#"{"name":"Rex","goodBoy":true,"petType":"dog"}"#,
    )
    .await;
    // A cat's fields under the dog's tag: the tag decides, so it is a dog without `goodBoy`.
    answer(
        &server,
        "GET",
        "/pets/2",
        200,
        r#"{"petType":"dog","name":"Tom","lives":9}"#,
    )
    .await;
    answer(
        &server,
        "GET",
        "/pets/3",
        200,
        r#"{"petType":"fish","name":"Nemo"}"#,
    )
    .await;
    // An unknown tag with a dog's fields: the variants are tried in order.
    answer(
        &server,
        "GET",
        "/pets/4",
        200,
        r#"{"petType":"hound","name":"Rex","goodBoy":true}"#,
    )
    .await;
    let client = client(&server);
    let dog = client.get_pet(1).await.expect("a dog").into_inner();
    assert_eq!(dog, Pet::Dog(rex()));
    let wrong = client.get_pet(2).await.expect_err("no goodBoy").to_string();
    assert!(
        wrong.contains("Pet::Dog: ") && wrong.contains("goodBoy"),
        "{wrong}"
    );
    let unknown = client.get_pet(3).await.expect_err("no fish").to_string();
    assert!(
        unknown.contains(
            "Pet: property petType names no variant and the value fits none of them (tried Cat, Dog)"
        ),
        "{unknown}"
    );
    let hound = client.get_pet(4).await.expect("a dog").into_inner();
    assert_eq!(
        hound,
        Pet::Dog(Dog {
            pet_type: "hound".to_owned(),
            ..rex()
        })
    );
}

#[jtl_erp_tests::test]
async fn a_union_body_without_mapping_goes_out_as_its_variant() {
    let server = MockServer::start().await;
    answer(&server, "PUT", "/shape", 204, "").await;
    client(&server)
        .put_shape(Shape::Square(Square {
            kind: "Square".to_owned(),
            side: 2.0,
        }))
        .await
        .expect("stored");
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received[0].body, br#"{"kind":"Square","side":2.0}"#);
    assert_eq!(
        received[0]
            .headers
            .get("content-type")
            .map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
}

#[jtl_erp_tests::test]
async fn unions_of_scalars_are_path_and_query_parameters_written_as_their_variant() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);
    let id: jtl_erp_runtime::uuid::Uuid = "6f1c2a3b-0000-4000-8000-00000000000a"
        .parse()
        .expect("uuid");
    client
        .get_owner(OwnerParam::Uuid(id))
        .limit(LimitParam::Integer(5))
        .await
        .expect("by id");
    client
        .get_owner(OwnerParam::Text("ann lee".to_owned()))
        .limit(LimitParam::Text(LimitParamKind::All))
        .await
        .expect("by name");
    client
        .get_owner(OwnerParam::Text("x".to_owned()))
        .await
        .expect("no limit");
    let received = server.received_requests().await.expect("recording is on");
    let targets: Vec<String> = received
        .iter()
        .map(|r| match r.url.query() {
            Some(query) => format!("{}?{query}", r.url.path()),
            None => r.url.path().to_owned(),
        })
        .collect();
    assert_eq!(
        targets,
        [
            "/owners/6f1c2a3b-0000-4000-8000-00000000000a?limit=5",
            "/owners/ann%20lee?limit=all",
            "/owners/x",
        ]
    );
}

#[test]
fn untagged_variants_are_tried_in_the_documented_order() {
    // A string is no model: the catch-all text variant, tried last, takes it.
    let text: Contact = serde_json::from_str(r#""a@b.c""#).expect("text");
    assert_eq!(text, Contact::Text("a@b.c".to_owned()));
    // An object with both an `Address` and a `number` fits both models: the e-mail is tried
    // first (the document's order among models with required properties).
    let both: Contact = serde_json::from_str(r#"{"Address":"a@b.c","number":"1"}"#).expect("model");
    assert!(matches!(both, Contact::Email(_)), "{both:?}");
    // Fits none.
    let error = serde_json::from_str::<Contact>("7").expect_err("a number fits no variant");
    assert!(
        error
            .to_string()
            .contains("Contact: the value fits none of its variants (tried Email, Phone, Text)"),
        "{error}"
    );
    // A nullable union: `null` is `None`, a dog is tried after the cat fails.
    let none: Option<AdoptionPreviousPet> = serde_json::from_str("null").expect("null");
    assert_eq!(none, None);
    let dog: Option<AdoptionPreviousPet> =
        serde_json::from_str(r#"{"petType":"dog","name":"Rex","goodBoy":true}"#).expect("dog");
    assert_eq!(dog, Some(AdoptionPreviousPet::Dog(rex())));
}
