//! The ERP 2.0 operations added from the vendor's 2.0 document, over loopback HTTP: exact bytes
//! and headers out (PascalCase, as the document declares), answers of every new model in both
//! casings, `ErrorResponse` with `Errors` and `ValidationErrors` in either casing (keys are
//! data), the documented statuses, and the documentation pages' path variants.

use jtl_erp_client::erp_v2;
use jtl_erp_client::models::{CreateLogin, ErrorResponse, FeatureInfo, Login};
use jtl_erp_client::runtime::auth::WawiKey;
use jtl_erp_client::runtime::hooks::WithoutV2Prefix;
use jtl_erp_client::runtime::{Context, Secret, serde_json};
use jtl_erp_client::wawi_session::WawiSession;
use jtl_erp_tests::fixtures::{json_answer, minimal_registration_request};
use jtl_erp_tests::{MockServer, body_text, header_values};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const TENANT: &str = "7f0e6a3c-1d2b-4c5d-9e8f-0a1b2c3d4e5f";
const SESSION: &str = "5e55a1d0-0000-4000-8000-000000000001";

fn context() -> Context {
    Context::new()
        .challenge_code("MyChallengeCode")
        .app_id("MyApp/1.0.0")
        .app_version("1.0.0")
        .tenant_id(TENANT.parse().expect("uuid"))
}

fn client(server: &MockServer, context: Context) -> erp_v2::Client {
    erp_v2::Client::builder()
        .base_url(format!("{}/erp", server.uri()))
        .auth(WawiKey::new("key"))
        .context(context)
        .build()
        .expect("client")
}

async fn mount(server: &MockServer, verb: &str, route: &str, answer: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(answer)
        .mount(server)
        .await;
}

#[jtl_erp_tests::test]
async fn login_sends_pascal_case_and_reads_the_session_in_either_casing() {
    for answer in [
        format!(r#"{{"SessionId":"{SESSION}"}}"#),
        format!(r#"{{"sessionId":"{SESSION}"}}"#),
    ] {
        let server = MockServer::start().await;
        mount(
            &server,
            "POST",
            "/erp/v2/authentication/login",
            json_answer(200, &answer),
        )
        .await;
        let request = client(&server, context()).login(CreateLogin::new("admin", "pw"));
        // The request builder is `Debug` and `Clone`; the password stays redacted.
        let shown = format!("{:?}", request.clone());
        assert!(
            shown.contains("user_name: \"admin\"") && !shown.contains("pw"),
            "{shown}"
        );
        let login = request.await.expect("logged in").into_inner();
        assert_eq!(login.session_id.expose(), SESSION, "{answer}");
        assert_eq!(
            format!("{login:?}"),
            "Login { session_id: Secret([REDACTED]) }"
        );
        let sent = &server.received_requests().await.expect("recorded")[0];
        assert_eq!(body_text(sent), r#"{"UserName":"admin","Password":"pw"}"#);
        assert_eq!(header_values(sent, "x-challengecode"), ["MyChallengeCode"]);
        assert_eq!(header_values(sent, "x-tenant-id"), [TENANT]);
        assert_eq!(header_values(sent, "content-type"), ["application/json"]);
        // Login declares neither the app headers nor a session.
        assert!(header_values(sent, "x-appid").is_empty());
        assert!(header_values(sent, "x-sessionid").is_empty());
    }
    let pascal: Login = serde_json::from_str(r#"{"SessionId":"a"}"#).expect("pascal");
    let camel: Login = serde_json::from_str(r#"{"sessionId":"a"}"#).expect("camel");
    assert_eq!(pascal, camel);
    let request: CreateLogin =
        serde_json::from_str(r#"{"userName":"u","password":"p"}"#).expect("camel");
    assert_eq!(
        request,
        serde_json::from_str(r#"{"UserName":"u","Password":"p"}"#).expect("pascal")
    );
    assert!(!format!("{request:?}").contains("\"p\""));
}

#[jtl_erp_tests::test]
async fn logout_sends_the_session_and_no_body() {
    let server = MockServer::start().await;
    mount(
        &server,
        "POST",
        "/erp/v2/authentication/logout",
        ResponseTemplate::new(200),
    )
    .await;
    let session = client(
        &server,
        context().session_id(SESSION.parse().expect("uuid")),
    );
    session.logout().await.expect("logged out");
    let sent = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(header_values(sent, "x-sessionid"), [SESSION]);
    assert!(sent.body.is_empty());
    assert!(header_values(sent, "content-type").is_empty());
}

#[jtl_erp_tests::test]
async fn features_decode_in_either_casing() {
    let expected = vec![
        FeatureInfo::new("AccountingData", 2, "stable", true),
        FeatureInfo::new("Attributes", 1, "beta", false),
    ];
    for answer in [
        r#"[{"Feature":"AccountingData","Version":2,"Release":"stable","IsUsable":true},
            {"Feature":"Attributes","Version":1,"Release":"beta","IsUsable":false}]"#,
        r#"[{"feature":"AccountingData","version":2,"release":"stable","isUsable":true},
            {"feature":"Attributes","version":1,"release":"beta","isUsable":false,"new":1}]"#,
    ] {
        let server = MockServer::start().await;
        mount(&server, "GET", "/erp/v2/feature", json_answer(200, answer)).await;
        let features = client(&server, context())
            .get_features()
            .await
            .expect("features")
            .into_inner();
        assert_eq!(features, expected);
    }
    let missing = serde_json::from_str::<FeatureInfo>(r#"{"feature":"x","version":1}"#)
        .expect_err("Release and IsUsable are required");
    assert!(missing.to_string().contains("missing field"), "{missing}");
}

#[jtl_erp_tests::test]
async fn head_info_reads_no_body_and_get_info_types_its_404() {
    let server = MockServer::start().await;
    mount(&server, "HEAD", "/erp/v2/info", ResponseTemplate::new(200)).await;
    mount(
        &server,
        "GET",
        "/erp/v2/info",
        json_answer(
            404,
            r#"{"errorCode":"NotFound","errors":{"Fields":["none"]}}"#,
        ),
    )
    .await;
    let client = client(&server, context());
    assert_eq!(client.head_status().await.expect("up").status(), 200);
    let error = client.get_status().await.expect_err("404");
    let Some(api) = error.api() else {
        panic!("{error:?}")
    };
    assert_eq!(api.description, Some("The server found nothing to report"));
    let body = api.body.as_ref().expect("ErrorResponse");
    assert_eq!(body.error_code.as_deref(), Some("NotFound"));
    assert_eq!(
        body.errors.as_ref().expect("Errors")["Fields"],
        ["none".to_owned()]
    );
}

#[test]
fn error_responses_decode_errors_and_validation_errors_in_either_casing_keeping_keys() {
    let pascal: ErrorResponse = serde_json::from_str(
        r#"{"ErrorCode":"Invalid","ErrorMessage":"m","Stacktrace":"s",
            "ValidationErrors":{"AppId":"taken","appId":"lower"},
            "Errors":{"$.AppId":["taken","too long"],"appId":["lower"]}}"#,
    )
    .expect("pascal");
    let camel: ErrorResponse = serde_json::from_str(
        r#"{"errorCode":"Invalid","errorMessage":"m","stacktrace":"s",
            "validationErrors":{"AppId":"taken","appId":"lower"},
            "errors":{"$.AppId":["taken","too long"],"appId":["lower"]}}"#,
    )
    .expect("camel");
    assert_eq!(pascal, camel);
    let errors = pascal.errors.as_ref().expect("Errors");
    let keys: Vec<&str> = errors.keys().map(String::as_str).collect();
    assert_eq!(keys, ["$.AppId", "appId"], "keys are data");
    assert_eq!(errors["$.AppId"], ["taken", "too long"]);
    let deprecated = pascal.validation_errors.as_ref().expect("ValidationErrors");
    let keys: Vec<&str> = deprecated.keys().map(String::as_str).collect();
    assert_eq!(keys, ["AppId", "appId"]);
}

#[jtl_erp_tests::test]
#[allow(deprecated)]
async fn foreign_apps_are_removed_by_app_id_and_registration_id_with_their_headers() {
    let server = MockServer::start().await;
    let registration = "0f0e1000-0000-4000-8000-000000000002";
    mount(
        &server,
        "DELETE",
        "/erp/v2/authentication/foreign/other%2Fapp/app",
        ResponseTemplate::new(204),
    )
    .await;
    mount(
        &server,
        "DELETE",
        &format!("/erp/v2/authentication/foreign/{registration}/registration"),
        ResponseTemplate::new(404),
    )
    .await;
    mount(
        &server,
        "PATCH",
        &format!("/erp/v2/authentication/foreign/{registration}/registration"),
        ResponseTemplate::new(402),
    )
    .await;
    let client = client(&server, context().run_as("7").company_id("2"));

    let removed = client
        .remove_foreign_app("other/app")
        .await
        .expect("removed");
    assert_eq!(removed.status(), 204);
    let gone = client
        .remove_foreign_app_by_registration_id(registration.parse().expect("uuid"))
        .await
        .expect_err("404");
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
    assert!(
        gone.to_string()
            .contains("No app is registered under this registration id"),
        "{gone}"
    );
    let unlicensed = client
        .update_foreign_app_by_registration_id(
            registration.parse().expect("uuid"),
            minimal_registration_request("other/app"),
        )
        .await
        .expect_err("402");
    assert!(unlicensed.is_no_licence());
    assert!(!gone.is_no_licence());

    let sent = server.received_requests().await.expect("recorded");
    for request in &sent {
        assert_eq!(header_values(request, "x-appid"), ["MyApp/1.0.0"]);
        assert_eq!(header_values(request, "x-appversion"), ["1.0.0"]);
        assert_eq!(
            header_values(request, "x-challengecode"),
            ["MyChallengeCode"]
        );
        assert_eq!(header_values(request, "x-runas"), ["7"]);
        assert_eq!(header_values(request, "x-companyid"), ["2"]);
        assert_eq!(header_values(request, "x-tenant-id"), [TENANT]);
        assert_eq!(header_values(request, "authorization"), ["Wawi key"]);
    }
    assert!(sent[0].body.is_empty());
    assert!(body_text(&sent[2]).starts_with(r#"{"AppId":"other/app","DisplayName":"App""#));
}

/// The documentation pages' variants: seed 001's foreign-app update without `/v2` on the Cloud,
/// seed 002's OnPremise registration at `/authentication` with `api-version: 2.0`.
#[jtl_erp_tests::test]
#[allow(deprecated)]
async fn the_documentation_pages_paths_are_reached_with_a_hook() {
    let server = MockServer::start().await;
    mount(
        &server,
        "PATCH",
        "/erp/authentication/foreign/myApp%2Fv1/app",
        json_answer(
            200,
            r#"{"RequestStatusInfo":{"AppId":"myApp/v1","RegistrationRequestId":"r","Status":0}}"#,
        ),
    )
    .await;
    mount(
        &server,
        "POST",
        "/api/eazybusiness/authentication",
        json_answer(
            201,
            r#"{"appId":"myApp/v1","registrationRequestId":"r","status":0}"#,
        ),
    )
    .await;
    let cloud = erp_v2::Client::builder()
        .base_url(format!("{}/erp", server.uri()))
        .auth(WawiKey::new("key"))
        .context(context())
        .hook(WithoutV2Prefix::new())
        .build()
        .expect("client");
    cloud
        .update_foreign_app("myApp/v1", minimal_registration_request("myApp/v1"))
        .await
        .expect("seed 001's path");
    let onpremise = erp_v2::Client::builder()
        .base_url(format!("{}/api/eazybusiness", server.uri()))
        .context(context())
        .hook(WithoutV2Prefix::new().api_version("2.0"))
        .build()
        .expect("client");
    let created = onpremise
        .register_app(minimal_registration_request("myApp/v1"))
        .await
        .expect("seed 002's path");
    assert_eq!(created.registration_request_id, "r");

    let sent = server.received_requests().await.expect("recorded");
    assert_eq!(
        sent[0].url.path(),
        "/erp/authentication/foreign/myApp%2Fv1/app"
    );
    assert!(header_values(&sent[0], "api-version").is_empty());
    assert_eq!(sent[1].url.path(), "/api/eazybusiness/authentication");
    assert_eq!(header_values(&sent[1], "api-version"), ["2.0"]);
    // Without the hook the document's paths go out.
    let plain = client(&server, context());
    let _ = plain
        .update_foreign_app("myApp/v1", minimal_registration_request("myApp/v1"))
        .await;
    let last = server.received_requests().await.expect("recorded");
    assert_eq!(
        last.last().expect("sent").url.path(),
        "/erp/v2/authentication/foreign/myApp%2Fv1/app"
    );
}

/// The password and the session id reach no log line, error or `Debug`, even when the server
/// echoes them back.
#[jtl_erp_tests::test]
fn no_password_or_session_id_reaches_tracing_or_an_error() {
    const PASSWORD: &str = "Pa55-word-MARKER";
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let capture = crate::trace_capture::capture(tracing::Level::TRACE);
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        mount(
            &server,
            "POST",
            "/v2/authentication/login",
            json_answer(200, &format!(r#"{{"SessionId":"{SESSION}"}}"#)),
        )
        .await;
        mount(
            &server,
            "POST",
            "/v2/authentication/logout",
            json_answer(
                400,
                &format!(r#"{{"ErrorMessage":"no session {SESSION}, password {PASSWORD}"}}"#),
            ),
        )
        .await;
        server
    });
    let client = erp_v2::Client::builder()
        .base_url(server.uri())
        .context(context())
        .build()
        .expect("client");
    let printed = runtime.block_on(async {
        let session = WawiSession::login(&client, "admin", Secret::new(PASSWORD))
            .await
            .expect("logged in");
        let debug = format!("{session:?}");
        let error = session.logout().await.expect_err("400");
        format!("{debug} {error} {error:?}")
    });
    drop(server);
    let logs = capture.logs.text();
    assert!(logs.contains("Login"), "tracing saw the calls: {logs}");
    for secret in [PASSWORD, SESSION] {
        assert!(!logs.contains(secret), "{secret} in the logs: {logs}");
        assert!(!printed.contains(secret), "{secret} printed: {printed}");
    }
}

/// The documentation pages' sample answers (seeds 000 and 001) leave out `Status`, which both
/// documents require: such an answer is a decode error naming it, never a made-up status.
#[test]
fn an_answer_without_the_required_status_is_a_decode_error_naming_it() {
    for sample in [
        r#"{"requestStatusInfo":{"appId":"a","registrationRequestId":"r"},"token":{"apiKey":"k"},"grantedScopes":["s"]}"#,
        r#"{"RequestStatusInfo":{"AppId":"a","RegistrationRequestId":"r"},"Token":{"ApiKey":"k"},"GrantedScopes":["s"]}"#,
    ] {
        let error = serde_json::from_str::<jtl_erp_client::models::RegistrationInformation>(sample)
            .expect_err("Status is required");
        assert!(
            error.to_string().contains("missing field `Status`"),
            "{error}"
        );
    }
}
