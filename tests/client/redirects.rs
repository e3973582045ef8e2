//! No credential reaches another origin: every credential placement (Authorization,
//! x-api-key, tenant, session) × the default and a customized transport × every redirect
//! status × another host, scheme and port. A refused redirect comes back as the 3xx.

use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::auth::{AuthProvider, BearerToken, WawiKey, WawiPlacement};
use jtl_erp_client::runtime::{Context, ErrorKind, RetryPolicy, reqwest};
use jtl_erp_tests::MockServer;
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

const TENANT: &str = "6f1c2b3a-1111-4222-8333-944455556666";
const SESSION: &str = "0a1b2c3d-1111-4222-8333-944455556666";

type MakeProvider = Box<dyn Fn() -> Box<dyn AuthProvider>>;

fn providers() -> Vec<(&'static str, MakeProvider)> {
    vec![
        (
            "Authorization: Wawi",
            Box::new(|| Box::new(WawiKey::new("wawi-key"))),
        ),
        (
            "x-api-key",
            Box::new(|| Box::new(WawiKey::new("wawi-key").placement(WawiPlacement::XApiKey))),
        ),
        (
            "Authorization: Bearer",
            Box::new(|| Box::new(BearerToken::new("bearer-token"))),
        ),
    ]
}

fn client(base: &str, auth: Box<dyn AuthProvider>, customized: bool) -> erp_v2::Client {
    let mut builder = erp_v2::Client::builder()
        .base_url(base)
        .auth_shared(auth.into())
        .retry(RetryPolicy::disabled())
        .context(
            Context::new()
                .tenant_id(TENANT.parse().expect("uuid"))
                .session_id(SESSION.parse().expect("uuid"))
                .challenge_code("c")
                .app_id("A/1")
                .app_version("1"),
        );
    if customized {
        // What a team behind an inspecting proxy does; it even asks for lax redirects, which the
        // client's own rule overrides.
        builder = builder.http_settings(&HttpSettings::new().configure_http(|http| {
            http.pool_max_idle_per_host(0)
                .no_proxy()
                .redirect(reqwest::redirect::Policy::limited(10))
        }));
    }
    builder.build().expect("client")
}

#[jtl_erp_tests::test]
#[allow(deprecated)]
async fn no_credential_follows_a_redirect_to_another_host_scheme_or_port() {
    let origin = MockServer::start().await;
    let other_port = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&other_port)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&other_port)
        .await;
    let port = origin.address().port();
    let targets = [
        ("host", format!("http://localhost:{port}/v2/elsewhere")),
        ("scheme", format!("https://127.0.0.1:{port}/v2/elsewhere")),
        ("port", format!("{}/v2/elsewhere", other_port.uri())),
    ];
    let mut cases = 0;
    for (placement, provider) in providers() {
        for customized in [false, true] {
            for status in [301u16, 302, 303, 307, 308] {
                for (target, location) in &targets {
                    origin.reset().await;
                    Mock::given(method("GET"))
                        .respond_with(
                            ResponseTemplate::new(status)
                                .insert_header("location", location.as_str()),
                        )
                        .mount(&origin)
                        .await;
                    Mock::given(method("POST"))
                        .respond_with(
                            ResponseTemplate::new(status)
                                .insert_header("location", location.as_str()),
                        )
                        .mount(&origin)
                        .await;
                    let client = client(&origin.uri(), provider(), customized);
                    let case =
                        format!("{placement}, customized {customized}, {status} to {target}");

                    let get = client.get_status().await.expect_err(&case);
                    assert!(
                        matches!(get.kind(), ErrorKind::Api(api) if api.status.as_u16() == status),
                        "{case}: {get:?}"
                    );
                    let post = client
                        .register_foreign_app(
                            jtl_erp_tests::fixtures::minimal_registration_request("a"),
                        )
                        .await
                        .expect_err(&case);
                    assert!(
                        matches!(post.kind(), ErrorKind::Api(api) if api.status.as_u16() == status),
                        "{case}: {post:?}"
                    );
                    let seen = origin.received_requests().await.expect("recorded");
                    assert_eq!(seen.len(), 2, "{case}: the origin saw each call once");
                    let session = &seen[1];
                    assert_eq!(
                        jtl_erp_tests::header_values(session, "x-sessionid"),
                        [SESSION],
                        "{case}: the session went to the origin"
                    );
                    cases += 1;
                }
            }
        }
    }
    assert_eq!(cases, 3 * 2 * 5 * 3);
    assert!(
        other_port
            .received_requests()
            .await
            .expect("recorded")
            .is_empty(),
        "nothing reached the other port"
    );
}

#[jtl_erp_tests::test]
async fn a_customized_transport_keeps_the_same_origin_redirects() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/v2/info"))
        .respond_with(ResponseTemplate::new(308).insert_header("location", "/v2/moved"))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::path("/v2/moved"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"version":"1","timestamp":"2025-03-20T08:57:00+01:00","tenant":"t","type":"x"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = client(
        &server.uri(),
        Box::new(WawiKey::new("wawi-key").placement(WawiPlacement::XApiKey)),
        true,
    );
    client
        .get_status()
        .await
        .expect("followed within the origin");
    let seen = server.received_requests().await.expect("recorded");
    assert_eq!(seen.len(), 2);
    for request in seen {
        assert_eq!(
            jtl_erp_tests::header_values(&request, "x-api-key"),
            ["wawi-key"]
        );
        assert_eq!(
            jtl_erp_tests::header_values(&request, "x-tenant-id"),
            [TENANT]
        );
    }
}

#[jtl_erp_tests::test]
async fn token_requests_with_customized_transport_do_not_follow_a_redirect_elsewhere() {
    use jtl_erp_client::runtime::auth::{AuthError, ClientCredentials, TokenError};
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"t","token_type":"Bearer"}"#,
            "application/json",
        ))
        .mount(&elsewhere)
        .await;
    let tokens = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(307).insert_header(
            "location",
            format!("{}/oauth2/token", elsewhere.uri()).as_str(),
        ))
        .mount(&tokens)
        .await;
    let provider = ClientCredentials::builder("id", "client-secret")
        .token_url(format!("{}/oauth2/token", tokens.uri()))
        .http_settings(
            &HttpSettings::new()
                .configure_http(|http| http.redirect(reqwest::redirect::Policy::limited(10)))
                .retries(0),
        )
        .build()
        .expect("provider");
    let api = MockServer::start().await;
    let client = erp_v2::Client::builder()
        .base_url(api.uri())
        .auth(provider)
        .build()
        .expect("client");
    let error = client.get_status().await.expect_err("no token");
    assert!(
        matches!(
            error.kind(),
            ErrorKind::Auth(AuthError::Token(TokenError::Status { status })) if *status == 307
        ),
        "{error:?}"
    );
    assert!(
        elsewhere
            .received_requests()
            .await
            .expect("recorded")
            .is_empty()
    );
    assert!(api.received_requests().await.expect("recorded").is_empty());
}
