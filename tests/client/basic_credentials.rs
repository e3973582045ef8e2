//! Client credentials in HTTP Basic the way RFC 6749 2.3.1 has them: the client id and secret
//! are `application/x-www-form-urlencoded` before they are joined, at both identity
//! generations, checked on the exact header bytes; the fake decodes them as a conforming
//! issuer does and so refuses raw credentials that needed encoding; `BasicAuth` (the generic
//! RFC 7617 scheme) sends the pair as written. oidc-provider judges the same in
//! `tests/judges/oidc_peer.rs`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jtl_erp_client::erp_v2;
use jtl_erp_client::fake::FakeJtl;
use jtl_erp_client::runtime::auth::{BasicAuth, ClientCredentials, TokenError};
use jtl_erp_client::runtime::reqwest;
use jtl_erp_tests::{MockServer, header_values};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// Every character RFC 6749's encoding changes, in an id and a secret.
const ID: &str = "app id+1";
const SECRET: &str = "s+e%c&r=e/t x";
/// The pair as the RFC builds it, written out by hand: `+` is `%2B`, `%` `%25`, `&` `%26`,
/// `=` `%3D`, `/` `%2F`, a space `+`.
const ENCODED_PAIR: &str = "app+id%2B1:s%2Be%25c%26r%3De%2Ft+x";

fn token_answer() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        r#"{"access_token":"at-1","token_type":"Bearer","expires_in":3600}"#,
        "application/json",
    )
}

#[jtl_erp_tests::test]
async fn client_credentials_are_form_encoded_before_basic_at_both_generations() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(token_answer())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/v2/token"))
        .respond_with(token_answer())
        .mount(&server)
        .await;
    let discovery = serde_json::json!({
        "issuer": server.uri(),
        "token_endpoint": format!("{}/oauth/v2/token", server.uri()),
    });
    Mock::given(method("GET"))
        .and(path("/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(discovery))
        .mount(&server)
        .await;

    let legacy = ClientCredentials::builder(ID, SECRET)
        .token_url(format!("{}/oauth2/token", server.uri()))
        .build()
        .expect("legacy");
    let oidc = ClientCredentials::builder(ID, SECRET)
        .issuer(server.uri())
        .build()
        .expect("oidc");
    legacy.token().await.expect("legacy token");
    oidc.token().await.expect("oidc token");

    let expected = format!("Basic {}", STANDARD.encode(ENCODED_PAIR));
    let requests = server.received_requests().await.expect("recorded");
    let token_requests: Vec<_> = requests
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .collect();
    assert_eq!(token_requests.len(), 2);
    for request in token_requests {
        assert_eq!(
            header_values(request, "authorization"),
            std::slice::from_ref(&expected),
            "{}",
            request.url.path()
        );
    }
}

#[jtl_erp_tests::test]
async fn basic_auth_is_rfc_7617_and_sends_the_pair_as_written() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/erp/v2/info"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"version":"1","timestamp":"2025-03-20T08:57:00Z","tenant":"t","type":"WAWI-Api"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = erp_v2::Client::builder()
        .base_url(format!("{}/erp", server.uri()))
        .auth(BasicAuth::new(ID, SECRET))
        .build()
        .expect("client");
    client.get_status().await.expect("status");
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(
        header_values(&requests[0], "authorization"),
        [format!(
            "Basic {}",
            STANDARD.encode(format!("{ID}:{SECRET}"))
        )]
    );
}

#[jtl_erp_tests::test]
async fn the_fake_decodes_the_credentials_and_refuses_raw_ones_that_needed_encoding() {
    let fake = FakeJtl::start().await.expect("fake");
    fake.identity().add_client(ID, SECRET);
    for (generation, provider) in [
        (
            "legacy",
            ClientCredentials::builder(ID, SECRET)
                .token_url(fake.token_url())
                .build(),
        ),
        (
            "oidc",
            ClientCredentials::builder(ID, SECRET)
                .issuer(fake.issuer())
                .build(),
        ),
    ] {
        let provider = provider.expect("provider");
        provider
            .token()
            .await
            .unwrap_or_else(|e| panic!("{generation}: {e}"));
    }

    // The same credentials raw (RFC 7617's pair, not RFC 6749's) are someone else's: `+` is
    // read as a space, `%c&` is no escape.
    let http = reqwest::Client::new();
    let raw = format!("Basic {}", STANDARD.encode(format!("{ID}:{SECRET}")));
    for (url, form) in [
        (fake.token_url(), "grant_type=client_credentials"),
        (
            format!("{}/oauth/v2/token", fake.issuer()),
            "grant_type=client_credentials&scope=openid",
        ),
    ] {
        let response = http
            .post(&url)
            .header("authorization", &raw)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), 401, "{url}");
        let body = response.text().await.expect("body");
        assert!(body.contains("invalid_client"), "{url}: {body}");
    }

    // A secret without reserved characters reads the same either way.
    fake.identity().add_client("plain-id", "plain-secret");
    let plain = format!("Basic {}", STANDARD.encode("plain-id:plain-secret"));
    let response = http
        .post(fake.token_url())
        .header("authorization", plain)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 200);

    // And a wrong secret stays wrong after decoding, with nothing of it in the error.
    let wrong = ClientCredentials::builder(ID, "s e%c&r=e/t x")
        .token_url(fake.token_url())
        .build()
        .expect("provider");
    let error = wrong.token().await.expect_err("refused");
    assert!(
        matches!(&error, TokenError::Rejected { error, .. } if error == "invalid_client"),
        "{error:?}"
    );
    let text = format!("{error} {error:?}");
    assert!(!text.contains("r=e/t"), "{text}");
}
