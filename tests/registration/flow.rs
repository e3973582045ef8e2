//! The registration flow over loopback HTTP with a scripted server, in both generations; typed
//! scopes; the app signature with an injected clock.

use std::time::Duration;

use jtl_erp_client::models::AppRegistrationRequest;
use jtl_erp_client::registration::{RegistrationError, RegistrationFlow};
use jtl_erp_client::runtime::chrono::{DateTime, TimeZone as _, Utc};
use jtl_erp_client::runtime::scopes::{
    ManifestCapabilities, Pane, Permission, RequestedScopes, Scope,
};
use jtl_erp_client::runtime::signature::{AppSignature, SignatureError, signature_message};
use jtl_erp_client::runtime::{Context, serde_json};
use jtl_erp_client::{erp_v1, erp_v2};
use jtl_erp_tests::{body_text, header_values};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BASE: &str = "/api/eazybusiness";

fn app() -> AppRegistrationRequest {
    AppRegistrationRequest {
        app_id: Some("myApp/v1".into()),
        display_name: Some("My App".into()),
        description: Some("Inventory".into()),
        version: Some("1.0.0".into()),
        provider_name: Some("Me".into()),
        provider_website: Some("https://example.com".into()),
        mandatory_api_scopes: Some(vec!["stock.read".into(), "items.write".into()]),
        optional_api_scopes: Some(vec!["return.read".into()]),
        app_icon: Some(vec![1, 2, 3].into()),
        ..Default::default()
    }
}

fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

/// POST answers `post`; GET answers `gets` in order, the last one from then on.
async fn scripted(post: ResponseTemplate, gets: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/authentication")))
        .respond_with(post)
        .mount(&server)
        .await;
    let last = gets.len() - 1;
    for (i, answer) in gets.into_iter().enumerate() {
        let mock = Mock::given(method("GET"))
            .and(path(format!("{BASE}/authentication/reg-1")))
            .respond_with(answer);
        let mock = if i == last {
            mock.with_priority(10)
        } else {
            mock.up_to_n_times(1).with_priority(1)
        };
        mock.mount(&server).await;
    }
    server
}

fn flow_v1(server: &MockServer) -> RegistrationFlow {
    let client = erp_v1::Client::builder()
        .base_url(format!("{}{BASE}", server.uri()))
        .context(Context::new().challenge_code("Challenge-42"))
        .build()
        .expect("client");
    RegistrationFlow::erp_v1(client)
        .polling(Duration::from_millis(10), Duration::from_millis(40))
        .deadline(Duration::from_secs(5))
}

fn flow_v2(server: &MockServer) -> RegistrationFlow {
    let client = erp_v2::Client::builder()
        .base_url(format!("{}{BASE}", server.uri()))
        .context(
            Context::new()
                .challenge_code("Challenge-42")
                .app_id("MyApp/1.0.0")
                .app_version("1.0.0"),
        )
        .build()
        .expect("client");
    RegistrationFlow::erp_v2(client)
        .polling(Duration::from_millis(10), Duration::from_millis(40))
        .deadline(Duration::from_secs(5))
}

const V1_CREATED: &str = r#"{"AppId":"myApp/v1","RegistrationRequestId":"reg-1","Status":0}"#;
const V1_PENDING: &str =
    r#"{"RequestStatusInfo":{"AppId":"myApp/v1","RegistrationRequestId":"reg-1","Status":0}}"#;
const V1_ACCEPTED: &str = r#"{"RequestStatusInfo":{"AppId":"myApp/v1","RegistrationRequestId":"reg-1","Status":2},
    "Token":{"ApiKey":"the-api-key"},"GrantedScopes":["stock.read","items.write"]}"#;

#[tokio::test]
async fn erp_1_0_pending_pending_accepted_gives_the_key_and_scopes() {
    let server = scripted(
        json(201, V1_CREATED),
        vec![
            json(200, V1_PENDING),
            json(200, V1_PENDING),
            json(200, V1_ACCEPTED),
        ],
    )
    .await;

    let accepted = flow_v1(&server).run(&app()).await.expect("accepted");

    assert_eq!(accepted.registration_id, "reg-1");
    assert_eq!(accepted.api_key.expose(), "the-api-key");
    assert_eq!(format!("{:?}", accepted.api_key), "ApiKey([REDACTED])");
    let missing: Vec<String> = accepted
        .scopes
        .missing_optional
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        missing,
        ["return.read"],
        "the optional scope was not granted: degrade"
    );
    assert!(
        accepted
            .scopes
            .require(&"stock.read".parse().expect("scope"))
            .is_ok()
    );
    let requests = server.received_requests().await.expect("recorded");
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["POST", "GET", "GET", "GET"]);
    for request in &requests {
        assert_eq!(header_values(request, "x-challengecode"), ["Challenge-42"]);
        assert_eq!(header_values(request, "api-version"), ["1.0"]);
    }
    assert!(body_text(&requests[0]).starts_with(r#"{"AppId":"myApp/v1","DisplayName":"My App""#));
}

#[tokio::test]
async fn erp_2_0_flow_speaks_camel_case_and_sends_the_app_headers() {
    let server = scripted(
        json(201, r#"{"appId":"myApp/v1","registrationRequestId":"reg-1","status":0}"#),
        vec![
            json(200, r#"{"requestStatusInfo":{"appId":"myApp/v1","registrationRequestId":"reg-1","status":0}}"#),
            json(
                200,
                r#"{"requestStatusInfo":{"appId":"myApp/v1","registrationRequestId":"reg-1","status":2},
                   "token":{"apiKey":"v2-key"},"grantedScopes":["stock.read","items.write","return.read"]}"#,
            ),
        ],
    )
    .await;

    let accepted = flow_v2(&server).run(&app()).await.expect("accepted");

    assert_eq!(accepted.api_key.expose(), "v2-key");
    assert!(accepted.scopes.missing_optional.is_empty());
    let requests = server.received_requests().await.expect("recorded");
    assert!(body_text(&requests[0]).starts_with(r#"{"appId":"myApp/v1","displayName":"My App""#));
    assert_eq!(header_values(&requests[0], "x-appid"), ["MyApp/1.0.0"]);
    assert_eq!(header_values(&requests[0], "x-appversion"), ["1.0.0"]);
    for request in &requests {
        assert_eq!(header_values(request, "api-version"), ["2.0"]);
        assert_eq!(header_values(request, "x-challengecode"), ["Challenge-42"]);
    }
}

async fn flow_error(post: ResponseTemplate, gets: Vec<ResponseTemplate>) -> RegistrationError {
    let server = scripted(post, gets).await;
    flow_v1(&server)
        .run(&app())
        .await
        .expect_err("not accepted")
}

#[tokio::test]
async fn every_documented_refusal_has_its_own_error() {
    let created = || json(201, V1_CREATED);
    let rejected =
        r#"{"RequestStatusInfo":{"AppId":"a","RegistrationRequestId":"reg-1","Status":1}}"#;
    let error = flow_error(created(), vec![json(200, V1_PENDING), json(200, rejected)]).await;
    assert!(
        matches!(&error, RegistrationError::Rejected { registration_id } if registration_id == "reg-1"),
        "{error:?}"
    );

    let error = flow_error(created(), vec![json(410, "{}")]).await;
    assert!(
        matches!(error, RegistrationError::AlreadyAnswered { .. }),
        "{error:?}"
    );
    let error = flow_error(created(), vec![json(404, r#"{"ErrorCode":"NotFound"}"#)]).await;
    assert!(
        matches!(error, RegistrationError::UnknownRegistration { .. }),
        "{error:?}"
    );
    let error = flow_error(ResponseTemplate::new(402), vec![json(200, V1_PENDING)]).await;
    assert!(matches!(error, RegistrationError::NotLicensed), "{error:?}");
    let error = flow_error(
        json(403, r#"{"ErrorCode":"NoService"}"#),
        vec![json(200, V1_PENDING)],
    )
    .await;
    assert!(
        matches!(&error, RegistrationError::NoApplicationService { error_code: Some(c) } if c == "NoService"),
        "{error:?}"
    );
    let error = flow_error(
        json(409, r#"{"ErrorCode":"Exists"}"#),
        vec![json(200, V1_PENDING)],
    )
    .await;
    assert_eq!(
        error.to_string(),
        "an application with this app id is registered already (Exists)"
    );
    let accepted_short = r#"{"RequestStatusInfo":{"AppId":"a","RegistrationRequestId":"reg-1","Status":2},
        "Token":{"ApiKey":"k"},"GrantedScopes":["stock.read"]}"#;
    let error = flow_error(created(), vec![json(200, accepted_short)]).await;
    let RegistrationError::MissingMandatoryScopes { missing, api_key } = error else {
        panic!("{error:?}")
    };
    assert_eq!(
        missing.to_string(),
        "mandatory scopes not granted: items.write"
    );
    assert_eq!(api_key.expose(), "k", "the key is not lost with the error");
}

#[tokio::test]
async fn the_deadline_ends_polling_and_the_pending_registration_survives_a_dropped_future() {
    let server = scripted(json(201, V1_CREATED), vec![json(200, V1_PENDING)]).await;
    let flow = flow_v1(&server).deadline(Duration::from_millis(100));
    let pending = flow.register(&app()).await.expect("registered");

    let error = flow.wait(&pending).await.expect_err("still pending");
    assert!(
        matches!(&error, RegistrationError::DeadlineReached { registration_id, waited } if registration_id == "reg-1" && *waited < Duration::from_secs(3)),
        "{error:?}"
    );

    // Dropping a wait mid-flight leaves nothing behind: the same pending registration can be
    // waited on again once the merchant decides.
    let dropped = tokio::time::timeout(Duration::from_millis(15), flow.wait(&pending)).await;
    assert!(dropped.is_err(), "the wait was cut off");
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/authentication/reg-1")))
        .respond_with(json(200, V1_ACCEPTED))
        .with_priority(1)
        .mount(&server)
        .await;
    let accepted = flow.wait(&pending).await.expect("accepted later");
    assert_eq!(accepted.api_key.expose(), "the-api-key");
}

#[tokio::test]
async fn multi_instance_registration_and_the_challenge_code_rule() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/authentication/reg-1")))
        .respond_with(json(
            200,
            r#"{"AppId":"myApp/v1","RegistrationRequestId":"reg-2","Status":0}"#,
        ))
        .mount(&server)
        .await;
    let requested = RequestedScopes::parse(["stock.read"], []).expect("scopes");
    let pending = flow_v1(&server)
        .register_instance("reg-1", requested.clone())
        .await
        .expect("instance");
    assert_eq!(pending.registration_id, "reg-2");
    let request = &server.received_requests().await.expect("recorded")[0];
    assert!(request.body.is_empty());
    assert_eq!(header_values(request, "x-challengecode"), ["Challenge-42"]);

    let error = flow_v2(&server)
        .register_instance("reg-1", requested)
        .await
        .expect_err("1.0 only");
    assert!(matches!(error, RegistrationError::Unsupported));

    let no_code = erp_v1::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let error = RegistrationFlow::erp_v1(no_code)
        .run(&app())
        .await
        .expect_err("no challenge code");
    assert_eq!(
        error.to_string(),
        "invalid registration: the client's Context has no challenge code"
    );
    let long = erp_v1::Client::builder()
        .base_url(server.uri())
        .context(Context::new().challenge_code("x".repeat(31)))
        .build();
    assert_eq!(
        long.expect_err("too long").to_string(),
        "invalid request context: challenge code must have 1 to 30 characters, it has 31"
    );
    let bad_scopes = AppRegistrationRequest {
        mandatory_api_scopes: Some(vec!["items.delete".into()]),
        ..app()
    };
    let error = flow_v1(&server)
        .run(&bad_scopes)
        .await
        .expect_err("bad scope");
    assert!(
        error.to_string().contains("`items.delete` is not a scope"),
        "{error}"
    );
    assert_eq!(
        server.received_requests().await.expect("recorded").len(),
        1,
        "nothing sent for the refused calls"
    );
}

#[test]
fn scopes_parse_and_format() {
    for (text, resource, permission) in [
        ("items.read", "items", Permission::Read),
        ("salesorder.write", "salesorder", Permission::Write),
        ("my-resource.v2.read", "my-resource.v2", Permission::Read),
    ] {
        let scope: Scope = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(
            (scope.resource(), scope.permission()),
            (resource, permission)
        );
        assert_eq!(scope.to_string(), text);
    }
    for (text, reason) in [
        ("items", "no `.` between resource and permission"),
        ("items.delete", "the permission must be `read` or `write`"),
        (".read", "the resource is empty"),
        (
            "it ems.read",
            "the resource may hold ASCII letters, digits, `-`, `_` and `.` only",
        ),
        ("items.READ", "the permission must be `read` or `write`"),
    ] {
        let error = text.parse::<Scope>().expect_err(text);
        assert_eq!(
            error.to_string(),
            format!("`{text}` is not a scope (`resource.read` or `resource.write`): {reason}")
        );
    }
    assert_eq!(
        Permission::for_method(&jtl_erp_client::runtime::http::Method::PATCH),
        Permission::Write
    );
    assert_eq!(
        Permission::for_method(&jtl_erp_client::runtime::http::Method::GET),
        Permission::Read
    );
}

#[test]
fn the_manifest_is_built_and_checked_from_the_same_types() {
    let scope = |s: &str| s.parse::<Scope>().expect("scope");
    let mut manifest =
        ManifestCapabilities::with_scopes([scope("items.read"), scope("items.write")]);
    manifest.capabilities.erp.pane.push(Pane {
        title: "Inventory Insights".into(),
        url: "https://example.com/pane/inventory".into(),
        required_scopes: [scope("items.read"), scope("stock.read")].into(),
    });
    assert_eq!(
        serde_json::to_string(&manifest).expect("serializes"),
        r#"{"capabilities":{"erp":{"api":{"scopes":["items.read","items.write"]},"pane":[{"title":"Inventory Insights","url":"https://example.com/pane/inventory","requiredScopes":["items.read","stock.read"]}]}}}"#
    );
    assert_eq!(
        manifest.validate().expect_err("stock.read undeclared"),
        "pane `Inventory Insights` requires `stock.read`, which capabilities.erp.api.scopes does not declare"
    );
    let parsed: ManifestCapabilities = serde_json::from_str(
        r#"{"capabilities":{"erp":{"api":{"scopes":["items.read","items.write"]}}}}"#,
    )
    .expect("parses");
    assert!(parsed.validate().is_ok());
    assert!(
        serde_json::from_str::<ManifestCapabilities>(
            r#"{"capabilities":{"erp":{"api":{"scopes":["items"]}}}}"#
        )
        .is_err()
    );
}

#[test]
fn the_signature_covers_app_id_dot_utc_time_and_checks_the_window() {
    let clock: DateTime<Utc> = Utc
        .with_ymd_and_hms(2025, 8, 3, 8, 48, 0)
        .single()
        .expect("valid")
        + Duration::from_millis(731);
    assert_eq!(
        signature_message("myApp/v1", clock),
        "myApp/v1.2025-08-03T08:48:00"
    );
    let seen = std::sync::Mutex::new(Vec::new());
    let signer = |message: &[u8]| {
        seen.lock()
            .expect("lock")
            .push(String::from_utf8(message.to_vec()).expect("utf-8"));
        Ok(b"signed".to_vec())
    };
    let signature = AppSignature::create("myApp/v1", &signer, clock).expect("signed");
    assert_eq!(
        *seen.lock().expect("lock"),
        ["myApp/v1.2025-08-03T08:48:00"]
    );
    assert_eq!(signature.signature.to_base64(), "c2lnbmVk");
    assert_eq!(
        signature.signature_data.to_rfc3339(),
        "2025-08-03T08:48:00+00:00"
    );
    let signed = signature.signature_data;
    assert!(
        signature
            .check_window(signed + Duration::from_secs(600))
            .is_ok()
    );
    let late = signature
        .check_window(signed + Duration::from_secs(601))
        .expect_err("outside");
    assert!(matches!(late, SignatureError::OutsideWindow { .. }));
    assert!(
        signature
            .check_window(signed - Duration::from_secs(601))
            .is_err(),
        "a clock ahead counts too"
    );
    let failing = |_: &[u8]| Err(SignatureError::Signer("HSM offline".into()));
    assert_eq!(
        AppSignature::create("a", &failing, clock)
            .expect_err("fails")
            .to_string(),
        "the signer failed: HSM offline"
    );
}

#[tokio::test]
async fn a_403_names_the_scope_the_operation_needs() {
    static OPERATION: &jtl_erp_client::runtime::Operation = &jtl_erp_client::runtime::Operation {
        id: "ListItems",
        api: "erp_v2",
        method: jtl_erp_client::runtime::http::Method::GET,
        path: "/v2/items",
        api_version: Some("2.0"),
        context: &[],
        auth: jtl_erp_client::runtime::AuthNeed::Required,
        errors: &[],
        scope: Some("items.read"),
    };
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/items"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;
    let client = jtl_erp_client::runtime::Client::builder(server.uri())
        .auth(jtl_erp_client::runtime::auth::WawiKey::new("k"))
        .build()
        .expect("client");
    let response =
        jtl_erp_client::runtime::codegen::execute::<()>(&client, OPERATION, "/v2/items", &[], None)
            .await
            .expect("answered");
    let error = jtl_erp_client::runtime::codegen::api_error::<()>(response, OPERATION);
    assert_eq!(
        error.to_string(),
        "ListItems answered 403 Forbidden (the credentials probably lack scope `items.read`)"
    );
}
