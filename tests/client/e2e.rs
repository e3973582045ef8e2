//! The generated client against HTTP servers on 127.0.0.1: the exact method, path, headers and
//! body bytes each generation of the API receives, and the decoded answers.

use jtl_erp_client::models::{RegistrationInformation, RegistrationStatus};
use jtl_erp_client::runtime::auth::{BearerToken, WawiKey};
// `ErrorKind` from the crate root, where every `match` on a call's outcome finds it.
use jtl_erp_client::ErrorKind;
use jtl_erp_client::runtime::Context;
use jtl_erp_client::{erp_v1, erp_v2};
use jtl_erp_tests::MockServer;
use jtl_erp_tests::fixtures::{answering, json_answer, registration_request};
use jtl_erp_tests::{body_text, header_values};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const TENANT: &str = "6f1c2b3a-1111-4222-8333-944455556666";
const ON_PREMISE: &str = "/api/eazybusiness";

fn context() -> Context {
    Context::new()
        .challenge_code("MyChallengeCode")
        .app_id("MyApp/1.0.0")
        .app_version("1.0.0")
}

#[jtl_erp_tests::test]
async fn erp_1_0_registration_sends_pascal_case_with_api_version_and_wawi_key() {
    let server = answering(
        "POST",
        "/api/eazybusiness/authentication",
        json_answer(201, r#"{"AppId":"myApp/v1","RegistrationRequestId":"295C196B-CBB0-4E76-9050-ECEC3356DDA6","Status":0}"#)
            .insert_header("x-request-id", "req-42"),
        1,
    )
    .await;
    let client = erp_v1::Client::builder()
        .base_url(format!("{}{ON_PREMISE}", server.uri()))
        .auth(WawiKey::new("api-key-123"))
        .context(context())
        .build()
        .expect("valid client");

    let answer = client
        .register_app(registration_request())
        .await
        .expect("registered");

    assert_eq!(answer.status(), 201);
    assert_eq!(answer.headers()["x-request-id"], "req-42");
    assert_eq!(
        answer.registration_request_id,
        "295C196B-CBB0-4E76-9050-ECEC3356DDA6"
    );
    assert_eq!(answer.status, RegistrationStatus::Pending);
    let received = server.received_requests().await.expect("recording is on");
    let request = &received[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/api/eazybusiness/authentication");
    assert_eq!(header_values(request, "api-version"), ["1.0"]);
    assert_eq!(
        header_values(request, "x-challengecode"),
        ["MyChallengeCode"]
    );
    assert_eq!(
        header_values(request, "authorization"),
        ["Wawi api-key-123"]
    );
    assert_eq!(header_values(request, "content-type"), ["application/json"]);
    // 1.0 does not declare x-appid; the tenant header is not configured, so neither is sent.
    assert!(header_values(request, "x-appid").is_empty());
    assert!(header_values(request, "tenant-id").is_empty());
    assert_eq!(
        body_text(request),
        concat!(
            r#"{"AppId":"myApp/v1","DisplayName":"My App","Description":"Inventory tool","#,
            r#""LocalizedDisplayNames":[{"LanguageIso":"DE","Name":"Meine App"}],"Version":"1.0.0","#,
            r#""ProviderName":"My Company","ProviderWebsite":"https://example.com","#,
            r#""MandatoryApiScopes":["items.read","stock.write"],"OptionalApiScopes":["return.read"],"#,
            r#""AppIcon":"iVBORw==","RegistrationType":1,"SignatureData":"2025-03-20T08:57:00+01:00"}"#
        )
    );
}

#[jtl_erp_tests::test]
async fn erp_2_0_registration_sends_pascal_case_under_v2_and_reads_camel_case_answers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/eazybusiness/v2/authentication"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(
            r#"{"appId":"myApp/v1","registrationRequestId":"abc-123","status":0}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/eazybusiness/v2/authentication/abc-123"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"requestStatusInfo":{"appId":"myApp/v1","registrationRequestId":"abc-123","status":2},
               "token":{"apiKey":"00000000-0000-0000-0000-000000000000"},
               "grantedScopes":["items.read","stock.write"],"somethingNew":true}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = erp_v2::Client::builder()
        .base_url(format!("{}{ON_PREMISE}", server.uri()))
        .auth(WawiKey::new("not-needed-yet"))
        .context(context())
        .build()
        .expect("valid client");

    let started = client
        .register_app(registration_request())
        .await
        .expect("registered");
    let id = started.registration_request_id.clone();
    let info: RegistrationInformation = client
        .fetch_registration_status(&id)
        .await
        .expect("status")
        .into_inner();

    assert_eq!(
        info.request_status_info.status,
        RegistrationStatus::Accepted
    );
    let key = info.token.map(|t| t.api_key).expect("key handed out");
    assert_eq!(key.expose(), "00000000-0000-0000-0000-000000000000");
    assert_eq!(format!("{key:?}"), "Secret([REDACTED])");
    assert_eq!(
        info.granted_scopes.unwrap_or_default(),
        ["items.read", "stock.write"]
    );

    let received = server.received_requests().await.expect("recording is on");
    let (post, get) = (&received[0], &received[1]);
    // The 2.0 document declares neither api-version nor x-appid on registration.
    assert!(header_values(post, "api-version").is_empty());
    assert!(header_values(post, "x-appid").is_empty());
    assert_eq!(header_values(post, "x-challengecode"), ["MyChallengeCode"]);
    assert_eq!(
        body_text(post),
        concat!(
            r#"{"AppId":"myApp/v1","DisplayName":"My App","Description":"Inventory tool","#,
            r#""LocalizedDisplayNames":[{"LanguageIso":"DE","Name":"Meine App"}],"Version":"1.0.0","#,
            r#""ProviderName":"My Company","ProviderWebsite":"https://example.com","#,
            r#""MandatoryApiScopes":["items.read","stock.write"],"OptionalApiScopes":["return.read"],"#,
            r#""AppIcon":"iVBORw==","RegistrationType":1,"SignatureData":"2025-03-20T08:57:00+01:00"}"#
        )
    );
    assert_eq!(get.method.as_str(), "GET");
    assert_eq!(
        get.url.path(),
        "/api/eazybusiness/v2/authentication/abc-123"
    );
    assert!(header_values(get, "api-version").is_empty());
    assert!(get.body.is_empty());
    assert!(header_values(get, "content-type").is_empty());
}

/// One value, two foreign-app endpoints: PascalCase out as the 2.0 document declares, answers
/// read in either casing.
#[jtl_erp_tests::test]
#[allow(deprecated)]
async fn foreign_app_endpoints_send_pascal_case_with_the_cloud_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/erp/v2/authentication/foreign"))
        .respond_with(ResponseTemplate::new(201).set_body_raw(
            r#"{"requestStatusInfo":{"appId":"myApp/v1","registrationRequestId":"r-1","status":0}}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/erp/v2/authentication/foreign/myApp%2Fv1/app"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"RequestStatusInfo":{"AppId":"myApp/v1","RegistrationRequestId":"r-1","Status":0},"Token":{"ApiKey":"k"}}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let tenant = TENANT.parse().expect("uuid");
    let client = erp_v2::Client::builder()
        .base_url(format!("{}/erp", server.uri()))
        .auth(BearerToken::new("jwt-token"))
        .context(context().tenant_id(tenant).run_as("7"))
        .build()
        .expect("valid client");
    let minimal = jtl_erp_tests::fixtures::minimal_registration_request("myApp/v1")
        .with_app_id("myApp/v1")
        .with_mandatory_api_scopes(["items.read".to_owned()])
        .with_app_icon(b"\x89PNG".to_vec());

    let created = client
        .register_foreign_app(minimal.clone())
        .await
        .expect("registered");
    let updated = client
        .update_foreign_app("myApp/v1", minimal)
        .await
        .expect("updated");

    assert_eq!(created.request_status_info.registration_request_id, "r-1");
    assert_eq!(
        updated.token.as_ref().map(|t| t.api_key.expose()),
        Some("k")
    );
    let received = server.received_requests().await.expect("recording is on");
    let (post, patch) = (&received[0], &received[1]);
    assert_eq!(
        body_text(post),
        concat!(
            r#"{"AppId":"myApp/v1","DisplayName":"App","Description":"An app","Version":"1","#,
            r#""ProviderName":"Provider","ProviderWebsite":"https://example.com","#,
            r#""MandatoryApiScopes":["items.read"],"AppIcon":"iVBORw=="}"#
        )
    );
    assert_eq!(body_text(patch), body_text(post));
    for request in [post, patch] {
        assert_eq!(
            header_values(request, "authorization"),
            ["Bearer jwt-token"]
        );
        assert_eq!(header_values(request, "x-tenant-id"), [TENANT]);
        assert_eq!(header_values(request, "x-runas"), ["7"]);
        // The foreign-app endpoints do not declare api-version: it is not sent.
        assert!(header_values(request, "api-version").is_empty());
    }
    assert_eq!(header_values(post, "x-appid"), ["MyApp/1.0.0"]);
    assert_eq!(header_values(patch, "x-appid"), ["MyApp/1.0.0"]);
    assert_eq!(header_values(patch, "x-appversion"), ["1.0.0"]);
}

#[jtl_erp_tests::test]
async fn documented_error_statuses_come_back_typed_with_the_vendor_body() {
    let server = answering(
        "POST",
        "/authentication",
        json_answer(409, r#"{"ErrorCode":"AppAlreadyRegistered","ErrorMessage":"exists","ValidationErrors":{"AppId":"taken","appId":"also"}}"#),
        1,
    )
    .await;
    let client = erp_v1::Client::builder()
        .base_url(server.uri())
        .auth(WawiKey::new("k"))
        .context(context())
        .build()
        .expect("valid client");

    let error = client
        .register_app(registration_request())
        .await
        .expect_err("409");

    let Some(api) = error.api() else {
        panic!("expected an API error, got {error:?}")
    };
    assert_eq!(api.status, 409);
    assert_eq!(
        api.description,
        Some("An application with this app id is registered already")
    );
    let body = api.body.as_ref().expect("decoded error body");
    assert_eq!(body.error_code.as_deref(), Some("AppAlreadyRegistered"));
    let keys: Vec<&str> = body
        .validation_errors
        .as_ref()
        .expect("map")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["AppId", "appId"],
        "map keys are data and keep their casing"
    );
}

#[jtl_erp_tests::test]
async fn a_missing_required_property_or_context_fails_before_anything_is_sent() {
    let server = MockServer::start().await;
    let client = erp_v1::Client::builder()
        .base_url(server.uri())
        .auth(WawiKey::new("k"))
        .context(context())
        .build()
        .expect("client");
    let mut no_icon = registration_request();
    no_icon.app_icon = None;
    let error = client
        .register_app(no_icon.clone())
        .await
        .expect_err("AppIcon is required by 1.0");
    assert_eq!(
        error.to_string(),
        "RegisterApp: invalid request: property `AppIcon` is required by this operation"
    );

    // The 2.0 document requires the same eight properties (translations' `LanguageIso` and
    // `Name` are required by both, so the type has them as plain values).
    let error = erp_v2::Client::builder()
        .base_url(server.uri())
        .context(context())
        .build()
        .expect("client")
        .register_app(no_icon)
        .await
        .expect_err("AppIcon is required by 2.0");
    assert_eq!(
        error.to_string(),
        "RegisterApp: invalid request: property `AppIcon` is required by this operation"
    );

    let no_challenge = erp_v1::Client::builder()
        .base_url(server.uri())
        .auth(WawiKey::new("k"))
        .build()
        .expect("client");
    let error = no_challenge
        .fetch_registration_status("x")
        .await
        .expect_err("challenge code is required");
    assert!(
        error
            .to_string()
            .contains("header `x-challengecode` is required"),
        "{error}"
    );

    let anonymous = erp_v1::Client::builder()
        .base_url(server.uri())
        .context(context())
        .build()
        .expect("client");
    let error = anonymous.get_status().await.expect_err("auth is required");
    assert!(
        matches!(
            (error.operation(), error.kind()),
            ("GetStatus", ErrorKind::MissingAuth)
        ),
        "{error:?}"
    );
    let sent = server.received_requests().await.expect("recording is on");
    assert!(sent.is_empty(), "nothing went out: {}", sent.len());
}
