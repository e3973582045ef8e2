//! The registration flow over loopback HTTP with a scripted server, in both generations: exact
//! bytes sent, every documented refusal, the server's refusal of scopes; polling and its
//! deadline on the manual clock, a wait dropped mid-request; the app signature with an injected
//! clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use jtl_erp_client::models::AppRegistrationRequest;
use jtl_erp_client::registration::{RegistrationError, RegistrationFlow};
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::auth::BoxFuture;
use jtl_erp_client::runtime::chrono::{DateTime, TimeZone as _, Utc};
use jtl_erp_client::runtime::hooks::{Hook, HookError};
use jtl_erp_client::runtime::scopes::{RequestedScopes, Scope};
use jtl_erp_client::runtime::signature::{AppSignature, SignatureError, signature_message};
use jtl_erp_client::runtime::time::ManualTimeSource;
use jtl_erp_client::runtime::{Context, Operation, reqwest};
use jtl_erp_client::{erp_v1, erp_v2};
use jtl_erp_tests::MockServer;
use jtl_erp_tests::fixtures::json_answer as json;
use jtl_erp_tests::{body_text, header_values};
use tokio::sync::Notify;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const BASE: &str = "/api/eazybusiness";

fn app() -> AppRegistrationRequest {
    AppRegistrationRequest::new()
        .with_app_id("myApp/v1")
        .with_display_name("My App")
        .with_description("Inventory")
        .with_version("1.0.0")
        .with_provider_name("Me")
        .with_provider_website("https://example.com")
        .with_mandatory_api_scopes(["stock.read", "items.write"].map(String::from))
        .with_optional_api_scopes(["return.read".to_owned()])
        .with_app_icon(vec![1, 2, 3])
}

/// POST answers `post`; GET answers `gets` in order, the last one from then on.
async fn scripted(post: ResponseTemplate, gets: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    // 1.0 at the root, 2.0 under `/v2`: one server answers both, each flow calls one.
    for generation in ["", "/v2"] {
        Mock::given(method("POST"))
            .and(path(format!("{BASE}{generation}/authentication")))
            .respond_with(post.clone())
            .mount(&server)
            .await;
        let last = gets.len() - 1;
        for (i, answer) in gets.iter().cloned().enumerate() {
            let mock = Mock::given(method("GET"))
                .and(path(format!("{BASE}{generation}/authentication/reg-1")))
                .respond_with(answer);
            let mock = if i == last {
                mock.with_priority(10)
            } else {
                mock.up_to_n_times(1).with_priority(1)
            };
            mock.mount(&server).await;
        }
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

#[jtl_erp_tests::test]
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

#[jtl_erp_tests::test]
async fn erp_2_0_flow_sends_pascal_case_and_reads_camel_case_answers() {
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
    assert!(body_text(&requests[0]).starts_with(r#"{"AppId":"myApp/v1","DisplayName":"My App""#));
    assert_eq!(
        requests[0].url.path(),
        "/api/eazybusiness/v2/authentication"
    );
    for request in &requests {
        // The 2.0 document's paths carry the generation; no api-version header is declared.
        assert!(header_values(request, "api-version").is_empty());
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

#[jtl_erp_tests::test]
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

    let accepted_without_key =
        r#"{"RequestStatusInfo":{"AppId":"a","RegistrationRequestId":"reg-1","Status":2}}"#;
    let error = flow_error(created(), vec![json(200, accepted_without_key)]).await;
    assert!(
        matches!(&error, RegistrationError::AcceptedWithoutKey { registration_id } if registration_id == "reg-1"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "registration reg-1 was accepted without an API key"
    );

    // 400 on a multi-instance request: the operation is not allowed in this context.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/authentication/reg-1")))
        .respond_with(json(400, r#"{"ErrorCode":"NotMultiInstance"}"#))
        .mount(&server)
        .await;
    let error = flow_v1(&server)
        .register_instance("reg-1", RequestedScopes::default())
        .await
        .expect_err("not allowed");
    assert!(
        matches!(&error, RegistrationError::NotAllowed { error_code: Some(c) } if c == "NotMultiInstance"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the operation is not allowed in this context (NotMultiInstance)"
    );

    // A 400 on registering that names no scope stays the server's answer, undecoded in meaning.
    let error = flow_error(
        json(
            400,
            r#"{"ErrorCode":"InvalidAppId","ErrorMessage":"AppId is malformed"}"#,
        ),
        vec![json(200, V1_PENDING)],
    )
    .await;
    let RegistrationError::Api(api) = &error else {
        panic!("{error:?}")
    };
    let Some(api) = api.as_ref().api() else {
        panic!("{error:?}")
    };
    assert_eq!(api.status, 400);
    assert_eq!(
        api.body.as_ref().and_then(|b| b.error_code.as_deref()),
        Some("InvalidAppId")
    );
}

/// The scope strings of real integrations, the vendor's guide and its demo manifest.
const MANDATORY: [&str; 5] = [
    "all.read",
    "customer.createcustomer",
    "salesorder.createsalesorder",
    "item.updateitem",
    "Application.RunAs",
];
const OPTIONAL: [&str; 4] = [
    "cusomters.read",
    "productRead",
    "productDelete",
    "invoices.print",
];

fn real_app() -> AppRegistrationRequest {
    app()
        .with_mandatory_api_scopes(MANDATORY.map(String::from))
        .with_optional_api_scopes(OPTIONAL.map(String::from))
}

#[jtl_erp_tests::test]
async fn real_scope_strings_are_sent_exactly_and_the_grant_is_read_as_written() {
    let grant = r#"["all.read","customer.createcustomer","salesorder.createsalesorder","item.updateitem","Application.RunAs","invoices.print","cusomters.read"]"#;
    let v1 = scripted(
        json(201, V1_CREATED),
        vec![json(
            200,
            &format!(
                r#"{{"RequestStatusInfo":{{"AppId":"myApp/v1","RegistrationRequestId":"reg-1","Status":2}},"Token":{{"ApiKey":"k1"}},"GrantedScopes":{grant}}}"#
            ),
        )],
    )
    .await;
    let v2 = scripted(
        json(201, r#"{"appId":"myApp/v1","registrationRequestId":"reg-1","status":0}"#),
        vec![json(
            200,
            &format!(
                r#"{{"requestStatusInfo":{{"appId":"myApp/v1","registrationRequestId":"reg-1","status":2}},"token":{{"apiKey":"k2"}},"grantedScopes":{grant}}}"#
            ),
        )],
    )
    .await;
    let lists = r#"ApiScopes":["all.read","customer.createcustomer","salesorder.createsalesorder","item.updateitem","Application.RunAs"],"#;
    let optional =
        r#"ApiScopes":["cusomters.read","productRead","productDelete","invoices.print"],"#;
    for (flow, server, mandatory_key, optional_key) in [
        (flow_v1(&v1), &v1, "\"Mandatory", "\"Optional"),
        (flow_v2(&v2), &v2, "\"Mandatory", "\"Optional"),
    ] {
        let accepted = flow.run(&real_app()).await.expect("accepted");
        let body = body_text(&server.received_requests().await.expect("recorded")[0]);
        assert!(
            body.contains(&format!("{mandatory_key}{lists}{optional_key}{optional}")),
            "{body}"
        );
        let missing: Vec<&str> = accepted
            .scopes
            .missing_optional
            .iter()
            .map(Scope::as_str)
            .collect();
        assert_eq!(missing, ["productDelete", "productRead"]);
        assert!(accepted.scopes.allows_run_as());
        assert_eq!(accepted.scopes.iter().count(), 7);
    }
}

#[jtl_erp_tests::test]
async fn a_refusal_of_scopes_is_typed_with_the_servers_message_and_the_scopes_it_names() {
    // 1.0: PascalCase body, validation errors keyed by indexes of the lists sent.
    let refusal = r#"{"ErrorCode":"UnknownScope","ErrorMessage":"Unknown scopes: cusomters.read, productDelete.",
        "ValidationErrors":{"MandatoryApiScopes[3]":"Unknown scope","OptionalApiScopes[2]":"Unknown scope"}}"#;
    let server = scripted(json(400, refusal), vec![json(200, V1_PENDING)]).await;
    let error = flow_v1(&server)
        .register(&real_app())
        .await
        .expect_err("refused");
    let RegistrationError::ScopesRefused {
        scopes,
        message,
        error_code,
        validation_errors,
        errors,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(
        scopes,
        &["item.updateitem", "cusomters.read", "productDelete"],
        "by index and by name, in request order"
    );
    assert_eq!(
        message.as_deref(),
        Some("Unknown scopes: cusomters.read, productDelete.")
    );
    assert_eq!(error_code.as_deref(), Some("UnknownScope"));
    let keys: Vec<&str> = validation_errors.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["MandatoryApiScopes[3]", "OptionalApiScopes[2]"],
        "keys as the server wrote them"
    );
    assert!(errors.is_empty(), "this server sent no `Errors`");
    assert_eq!(
        error.to_string(),
        "the server refused the requested scopes `item.updateitem`, `cusomters.read`, `productDelete` (UnknownScope)"
    );

    // 2.x: camelCase keys with a JSON path prefix; a longer name does not count as naming one.
    let refusal = r#"{"errorCode":"UnknownScope","errorMessage":"productReadAll is unknown",
        "validationErrors":{"$.optionalApiScopes[1]":"'productRead' does not exist"}}"#;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/v2/authentication")))
        .respond_with(json(400, refusal))
        .mount(&server)
        .await;
    let error = flow_v2(&server)
        .register(&real_app())
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, RegistrationError::ScopesRefused { scopes, .. } if scopes == &["productRead"]),
        "{error:?}"
    );

    // The vendor's `Errors` (what replaces `ValidationErrors`) names scopes the same way.
    let refusal = r#"{"ErrorCode":"UnknownScope","Errors":{"$.MandatoryApiScopes[3]":["'item.updateitem' does not exist"]}}"#;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/v2/authentication")))
        .respond_with(json(400, refusal))
        .mount(&server)
        .await;
    let error = flow_v2(&server)
        .register(&real_app())
        .await
        .expect_err("refused");
    let RegistrationError::ScopesRefused { scopes, errors, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(scopes, &["item.updateitem"]);
    assert_eq!(
        errors.keys().map(String::as_str).collect::<Vec<_>>(),
        ["$.MandatoryApiScopes[3]"]
    );

    // A validation error on a whole list is a refusal of scopes even when no scope is named.
    let refusal = r#"{"ValidationErrors":{"MandatoryApiScopes":"The field is invalid"}}"#;
    let server = scripted(json(400, refusal), vec![json(200, V1_PENDING)]).await;
    let error = flow_v1(&server)
        .register(&real_app())
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, RegistrationError::ScopesRefused { scopes, message: None, error_code: None, .. } if scopes.is_empty()),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "the server refused the requested scopes");
}

/// [`flow_v1`] with its waits on `clock`, and `hook` on its client.
fn flow_v1_on(
    server: &MockServer,
    clock: &ManualTimeSource,
    hook: Option<ParkNthGet>,
) -> RegistrationFlow {
    let mut client = erp_v1::Client::builder()
        .base_url(format!("{}{BASE}", server.uri()))
        .context(Context::new().challenge_code("Challenge-42"))
        .http_settings(&HttpSettings::new().time_source(clock.clone()));
    if let Some(hook) = hook {
        client = client.hook(hook);
    }
    RegistrationFlow::erp_v1(client.build().expect("client"))
        .polling(Duration::from_millis(10), Duration::from_millis(40))
        .deadline(Duration::from_secs(5))
}

fn millis(values: &[u64]) -> Vec<Duration> {
    values.iter().copied().map(Duration::from_millis).collect()
}

#[jtl_erp_tests::test]
async fn the_deadline_ends_polling_before_a_wait_that_would_pass_it() {
    let server = scripted(json(201, V1_CREATED), vec![json(200, V1_PENDING)]).await;
    let clock = ManualTimeSource::new();
    let flow = flow_v1_on(&server, &clock, None).deadline(Duration::from_millis(100));
    let pending = flow.register(&app()).await.expect("registered");

    let error = flow.wait(&pending).await.expect_err("still pending");

    // Polls after 0, 10, 30 and 70 ms; the next wait (40 ms) would end at 110 ms.
    assert!(
        matches!(&error, RegistrationError::DeadlineReached { registration_id, waited } if registration_id == "reg-1" && *waited == Duration::from_millis(70)),
        "{error:?}"
    );
    assert_eq!(clock.sleeps(), millis(&[10, 20, 40]));
    let requests = server.received_requests().await.expect("recorded");
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["POST", "GET", "GET", "GET", "GET"]);
}

/// Holds back the client's `n`-th GET before it is sent, forever: the test learns that it is
/// held (`parked`) and whether the held request was dropped (`cancelled`).
#[derive(Debug)]
struct ParkNthGet(Arc<Parking>);

#[derive(Debug)]
struct Parking {
    n: usize,
    gets: AtomicUsize,
    parked: Notify,
    cancelled: AtomicBool,
}

/// Sets `cancelled` when the held request's future is dropped.
struct OnDrop(Arc<Parking>);

impl Drop for OnDrop {
    fn drop(&mut self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
    }
}

impl Hook for ParkNthGet {
    fn before_send<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _: &'a Operation,
    ) -> BoxFuture<'a, Result<(), HookError>> {
        let is_get = request.method() == reqwest::Method::GET;
        let parking = self.0.clone();
        Box::pin(async move {
            if is_get && parking.gets.fetch_add(1, Ordering::SeqCst) + 1 == parking.n {
                let _held = OnDrop(parking.clone());
                parking.parked.notify_one();
                std::future::pending::<()>().await;
            }
            Ok(())
        })
    }
}

#[jtl_erp_tests::test]
async fn a_dropped_wait_sends_nothing_more_and_the_next_wait_polls_the_same_registration_afresh() {
    // Four pendings, then the merchant accepts: two for the wait that is dropped, two for the
    // next one. A request of the dropped wait that went out anyway would take one of them.
    let server = scripted(
        json(201, V1_CREATED),
        vec![
            json(200, V1_PENDING),
            json(200, V1_PENDING),
            json(200, V1_PENDING),
            json(200, V1_PENDING),
            json(200, V1_ACCEPTED),
        ],
    )
    .await;
    let clock = ManualTimeSource::new();
    let parking = Arc::new(Parking {
        n: 3,
        gets: AtomicUsize::new(0),
        parked: Notify::new(),
        cancelled: AtomicBool::new(false),
    });
    let flow = flow_v1_on(&server, &clock, Some(ParkNthGet(parking.clone())));
    let pending = flow.register(&app()).await.expect("registered");

    // Two polls and two waits, then the third poll is held before it is sent; the wait is
    // dropped there, mid-request.
    tokio::select! {
        biased;
        () = parking.parked.notified() => {}
        result = flow.wait(&pending) => panic!("the wait ended before its third poll: {result:?}"),
    }
    assert!(
        parking.cancelled.load(Ordering::SeqCst),
        "the held request was dropped with the wait, not left running"
    );
    let gets = |requests: &[wiremock::Request]| {
        requests
            .iter()
            .filter(|r| r.method.as_str() == "GET")
            .count()
    };
    assert_eq!(
        gets(&server.received_requests().await.expect("recorded")),
        2
    );
    assert_eq!(clock.sleeps(), millis(&[10, 20]));

    let accepted = flow.wait(&pending).await.expect("accepted");
    assert_eq!(accepted.registration_id, "reg-1");
    assert_eq!(accepted.api_key.expose(), "the-api-key");
    // The next wait starts at the first step again (10 ms, not the dropped wait's 40 ms) and
    // polls pending, pending, accepted: the dropped wait's request never landed.
    assert_eq!(clock.sleeps(), millis(&[10, 20, 10, 20]));
    let requests = server.received_requests().await.expect("recorded");
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(
        methods,
        ["POST", "GET", "GET", "GET", "GET", "GET"],
        "one registration, five polls"
    );
    for request in &requests[1..] {
        assert_eq!(request.url.path(), format!("{BASE}/authentication/reg-1"));
    }
}

#[jtl_erp_tests::test]
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

    // 2.0 has it too, under `/v2`.
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/v2/authentication/reg-1")))
        .respond_with(json(
            200,
            r#"{"appId":"myApp/v1","registrationRequestId":"reg-3","status":0}"#,
        ))
        .mount(&server)
        .await;
    let pending = flow_v2(&server)
        .register_instance("reg-1", requested)
        .await
        .expect("2.0 instance");
    assert_eq!(pending.registration_id, "reg-3");

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
    let unsendable = app()
        .with_mandatory_api_scopes(["all.read", "items .read"].map(String::from))
        .with_optional_api_scopes([String::new()]);
    let error = flow_v1(&server)
        .run(&unsendable)
        .await
        .expect_err("unsendable scopes");
    assert_eq!(
        error.to_string(),
        r#"invalid registration: mandatory_api_scopes[1]: "items .read" cannot be a scope: it contains whitespace (U+0020) at character 5; optional_api_scopes[0]: "" cannot be a scope: it is empty"#
    );
    assert_eq!(
        server.received_requests().await.expect("recorded").len(),
        2,
        "nothing sent for the refused calls (one instance request per generation went out)"
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

/// An operation of a generated client, written out: what a request builder is to the runtime.
struct ListItems(jtl_erp_client::runtime::Transport);

impl jtl_erp_client::runtime::codegen::Request for ListItems {
    type Output = ();
    type Error = ();
    const OPERATION: &'static jtl_erp_client::runtime::Operation =
        &jtl_erp_client::runtime::Operation::new(
            "ListItems",
            "erp_v2",
            jtl_erp_client::runtime::http::Method::GET,
            "/v2/items",
        )
        .api_version("2.0")
        .auth(jtl_erp_client::runtime::AuthNeed::Required)
        .scope("items.read");
    const DECODE: jtl_erp_client::runtime::codegen::Decoder<Self> =
        jtl_erp_client::runtime::codegen::empty;
    fn prepare(self) -> jtl_erp_client::runtime::codegen::Prepare<Self> {
        Ok(jtl_erp_client::runtime::codegen::Prepared::new(
            self.0,
            "/v2/items".to_owned(),
            Vec::new(),
            None,
        ))
    }
}

#[jtl_erp_tests::test]
async fn a_403_names_the_scope_the_operation_needs() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/items"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;
    let client = jtl_erp_client::runtime::Transport::builder(server.uri())
        .auth(jtl_erp_client::runtime::auth::WawiKey::new("k"))
        .build()
        .expect("client");
    let error = jtl_erp_client::runtime::codegen::send(ListItems(client))
        .await
        .expect_err("refused");
    assert_eq!(
        error.to_string(),
        "ListItems answered 403 Forbidden (the credentials probably lack scope `items.read`)"
    );
}
