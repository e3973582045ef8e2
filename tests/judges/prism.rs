//! Contract tests with an independent judge: every generated operation, through the real client
//! and its auth middleware, against Prism serving our documents. A request Prism finds invalid
//! comes back 422; a response that breaks the document shows up in `sl-violations`. Also: every
//! document in spec/ passes Redocly's lint with only the accepted warnings.

use std::process::Command;

use jtl_erp_client::models::{
    AppRegistrationRequest, AuthRequest, GrantType, RegistrationStatus, RegistrationType,
    TokenRequest, Translation,
};
use jtl_erp_client::runtime::auth::{
    AllOf, AuthProvider, BasicAuth, ClientCredentials, ScxRefreshToken, WawiKey, WawiPlacement,
};
use jtl_erp_client::runtime::{Context, serde_json};
use jtl_erp_client::{erp_v1, erp_v2, identity, scx};
use jtl_erp_conformance::prism::{Prism, Starting};
use jtl_erp_conformance::{Observed, ViolationRecorder};
use jtl_erp_tests::{node_tool, repo_root};

/// `prism mock` of a document of the repository, on a port of its own (the judge the
/// conformance tool uses, started the same way).
fn mock(spec: &str) -> Starting {
    Prism::mock(&node_tool("prism"), &repo_root().join(spec)).unwrap_or_else(|e| panic!("{e}"))
}

/// `prism proxy` of a document of the repository in front of `upstream`.
fn proxy(spec: &str, upstream: &str) -> Starting {
    Prism::proxy(&node_tool("prism"), &repo_root().join(spec), upstream)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Waits until Prism has read its document and answers (at most two minutes).
async fn ready(prism: Starting) -> Prism {
    tokio::task::spawn_blocking(move || prism.ready(std::time::Duration::from_secs(120)))
        .await
        .expect("the wait does not panic")
        .unwrap_or_else(|e| panic!("{e}"))
}

const TENANT: &str = "6f1c2b3a-1111-4222-8333-944455556666";

fn context() -> Context {
    Context::new()
        .tenant_id(TENANT.parse().expect("uuid"))
        .challenge_code("contract-test")
        .app_id("ContractTest/1.0.0")
        .app_version("1.0.0")
        .session_id(
            "0b6c5d2e-0000-4000-8000-000000000001"
                .parse()
                .expect("uuid"),
        )
        .run_as("7")
        .company_id("1")
}

fn registration() -> AppRegistrationRequest {
    AppRegistrationRequest::new()
        .with_app_id("contract/v1")
        .with_display_name("Contract")
        .with_description("Contract test")
        .with_localized_display_names(vec![Translation::new("DE", "Vertrag")])
        .with_localized_descriptions(vec![Translation::new("DE", "Test")])
        .with_version("1.0.0")
        .with_provider_name("Team")
        .with_provider_website("https://example.com")
        .with_mandatory_api_scopes(vec!["items.read".to_owned()])
        .with_optional_api_scopes(vec!["stock.read".to_owned()])
        .with_app_icon(b"\x89PNG".to_vec())
        .with_registration_type(RegistrationType::MultiInstance)
        .with_signature(b"sig".to_vec())
        .with_signature_data(
            jtl_erp_client::runtime::chrono::DateTime::parse_from_rfc3339("2025-08-03T08:48:00Z")
                .expect("date-time"),
        )
}

/// The vendor's document wants a bearer token and the Wawi key on one request.
fn cloud_auth(token_url: &str, key: &str) -> AllOf {
    let bearer: Box<dyn AuthProvider> = Box::new(
        ClientCredentials::builder("client", "secret")
            .token_url(token_url)
            .build()
            .expect("provider"),
    );
    let wawi: Box<dyn AuthProvider> = Box::new(WawiKey::new(key).placement(WawiPlacement::XApiKey));
    AllOf::new(vec![bearer, wawi])
}

fn assert_clean(recorder: &ViolationRecorder, expected_calls: usize) {
    let seen = recorder.observed();
    assert_eq!(seen.len(), expected_calls, "{seen:?}");
    for Observed {
        operation,
        status,
        violations,
        ..
    } in seen
    {
        assert!(
            (200..300).contains(&status),
            "{operation}: Prism answered {status}"
        );
        assert_eq!(violations, None, "{operation}: Prism reports violations");
    }
}

#[jtl_erp_tests::test(flavor = "multi_thread", worker_threads = 2, deadline = 600)]
async fn every_operation_passes_prism_in_its_own_casing() {
    let (v1, v2, idp, channel) = (
        mock("spec/erp-1.0.yaml"),
        mock("spec/erp-2.0.yaml"),
        mock("spec/jtl-identity.yaml"),
        mock("spec/scx-channel-1.0.yaml"),
    );
    let (v1, v2, idp, channel) = (
        ready(v1).await,
        ready(v2).await,
        ready(idp).await,
        ready(channel).await,
    );
    let recorder = ViolationRecorder::new();
    let token_url = format!("{}/oauth2/token", idp.url);

    let identity = identity::Client::builder()
        .base_url(&idp.url)
        .auth(BasicAuth::new("client", "secret"))
        .hook(recorder.clone())
        .build()
        .expect("client");
    let token = identity
        .request_token(TokenRequest::new(GrantType::ClientCredentials).with_scope("erp"))
        .await
        .expect("token");
    assert_eq!(token.token_type, "Bearer");

    let erp1 = erp_v1::Client::builder()
        .base_url(&v1.url)
        .auth(cloud_auth(&token_url, "key"))
        .context(context())
        .hook(recorder.clone())
        .build()
        .expect("client");
    let created = erp1
        .register_app(registration())
        .await
        .expect("RegisterApp 1.0");
    assert_eq!(created.status, RegistrationStatus::Pending);
    let info = erp1
        .fetch_registration_status("295C196B")
        .await
        .expect("FetchRegistrationStatus 1.0");
    assert!(!info.request_status_info.registration_request_id.is_empty());
    erp1.register_multi_instance_app("295C196B")
        .await
        .expect("RegisterMultiInstanceApp 1.0");
    assert_eq!(
        erp1.get_status().await.expect("GetStatus 1.0").r#type,
        "WAWI-Api"
    );

    let erp2 = erp_v2::Client::builder()
        .base_url(&v2.url)
        .auth(cloud_auth(&token_url, "key"))
        .context(context())
        .hook(recorder.clone())
        .build()
        .expect("client");
    #[allow(deprecated)]
    {
        erp2.register_foreign_app(registration())
            .await
            .expect("RegisterForeignApp");
        erp2.update_foreign_app("contract/v1", registration())
            .await
            .expect("UpdateForeignApp");
    }
    let registration_id = "0f0e1000-0000-4000-8000-000000000002"
        .parse()
        .expect("uuid");
    erp2.update_foreign_app_by_registration_id(registration_id, registration())
        .await
        .expect("UpdateForeignAppByRegistrationId");
    erp2.remove_foreign_app("contract/v1")
        .await
        .expect("RemoveForeignApp");
    erp2.remove_foreign_app_by_registration_id(registration_id)
        .await
        .expect("RemoveForeignAppByRegistrationId");
    erp2.register_multi_instance_app("abc-123")
        .await
        .expect("RegisterMultiInstanceApp 2.0");
    let login = erp2
        .login(jtl_erp_client::models::CreateLogin::new("admin", "pw"))
        .await
        .expect("Login");
    let _ = login.session_id;
    erp2.logout().await.expect("Logout");
    erp2.get_features().await.expect("GetFeatures");
    erp2.head_status().await.expect("HeadStatus");
    erp2.register_app(registration())
        .await
        .expect("RegisterApp 2.0");
    erp2.fetch_registration_status("abc-123")
        .await
        .expect("FetchRegistrationStatus 2.0");
    erp2.get_status().await.expect("GetStatus 2.0");
    let page = erp2
        .query_accounting_data()
        .from(
            jtl_erp_client::runtime::chrono::DateTime::parse_from_rfc3339(
                "2025-01-01T00:00:00+01:00",
            )
            .expect("date"),
        )
        .company_id(registration_id)
        .r#type(jtl_erp_client::models::DocumentType::SalesCredit)
        .export_currency_in_departure_country(true)
        .page_number(2)
        .page_size(100)
        .await
        .expect("QueryAccountingData");
    let _ = page.items;

    let channel_client = scx::Client::builder()
        .base_url(&channel.url)
        .hook(recorder.clone())
        .build()
        .expect("client");
    let scx_token = channel_client
        .request_access_token(AuthRequest::new("refresh"))
        .await
        .expect("RequestAccessToken");
    assert_eq!(scx_token.scope.as_deref(), Some("CHANNEL"));
    ScxRefreshToken::builder("refresh")
        .base_url(&channel.url)
        .build()
        .expect("provider")
        .token()
        .await
        .expect("the provider's exchange passes too");

    assert_clean(&recorder, 20);
}

/// The judge can say no: the same registration in the other casing is refused.
#[jtl_erp_tests::test(deadline = 600)]
async fn prism_refuses_a_body_in_the_wrong_casing() {
    let v1 = ready(mock("spec/erp-1.0.yaml")).await;
    // The PascalCase form with each property name's first letter lowered.
    let pascal = serde_json::to_value(jtl_erp_client::runtime::wire::Wire::<
        _,
        jtl_erp_client::runtime::wire::Pascal,
    >::new(&registration()))
    .expect("json");
    let camel: serde_json::Map<String, serde_json::Value> = pascal
        .as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| (k[..1].to_lowercase() + &k[1..], v.clone()))
        .collect();
    let camel = serde_json::to_vec(&camel).expect("json");
    let response = jtl_erp_client::runtime::reqwest::Client::new()
        .post(format!("{}/authentication", v1.url))
        .header("content-type", "application/json")
        .header("tenant-id", TENANT)
        .header("x-challengecode", "contract-test")
        .body(camel)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 422);
}

/// The gateway's view of an OnPremise key: a bearer token and `x-api-key` together.
fn gateway_auth(key: String) -> AllOf {
    let bearer: Box<dyn AuthProvider> = Box::new(jtl_erp_client::runtime::auth::BearerToken::new(
        "gateway-token",
    ));
    let wawi: Box<dyn AuthProvider> = Box::new(WawiKey::new(key).placement(WawiPlacement::XApiKey));
    AllOf::new(vec![bearer, wawi])
}

/// The API client of `builder` through `proxy`, recording what Prism says of every answer.
fn through<C: jtl_erp_client::runtime::codegen::ApiClient>(
    builder: jtl_erp_client::runtime::ClientBuilder<C>,
    proxy: &Prism,
    recorder: &ViolationRecorder,
    auth: Option<AllOf>,
) -> C {
    let builder = builder
        .base_url(&proxy.url)
        .context(context())
        .hook(recorder.clone());
    let builder = match auth {
        Some(auth) => builder.auth(auth),
        None => builder,
    };
    builder.build().expect("client")
}

#[jtl_erp_tests::test(flavor = "multi_thread", worker_threads = 2, deadline = 600)]
async fn the_registration_flow_through_prism_proxy_has_no_violations() {
    use jtl_erp_client::registration::RegistrationFlow;
    let fake = jtl_erp_client::fake::FakeJtl::start().await.expect("fake");
    for (spec, generation, optional) in [
        ("spec/erp-1.0.yaml", 1, &["stock.read"][..]),
        ("spec/erp-2.0.yaml", 2, &[][..]),
    ] {
        let proxy = ready(proxy(spec, &fake.onpremise_url())).await;
        let recorder = ViolationRecorder::new();
        let app = registration().with_app_id(format!("proxy/v{generation}"));
        let flow = if generation == 1 {
            RegistrationFlow::erp_v1(through(erp_v1::Client::builder(), &proxy, &recorder, None))
        } else {
            RegistrationFlow::erp_v2(through(erp_v2::Client::builder(), &proxy, &recorder, None))
        };
        let flow = flow.polling(
            std::time::Duration::from_millis(50),
            std::time::Duration::from_millis(100),
        );
        let pending = flow.register(&app).await.expect("registered");
        fake.registration()
            .approve(&pending.registration_id, optional)
            .expect("approved");
        let accepted = flow.wait(&pending).await.expect("accepted");

        let auth = Some(gateway_auth(accepted.api_key.expose().to_owned()));
        if generation == 1 {
            through(erp_v1::Client::builder(), &proxy, &recorder, auth)
                .get_status()
                .await
                .expect("status");
        } else {
            through(erp_v2::Client::builder(), &proxy, &recorder, auth)
                .get_status()
                .await
                .expect("status");
        }
        assert_clean(&recorder, 3);
    }
    // The judge can say no here too: answers in the other casing break the required sets.
    let proxy = ready(proxy("spec/erp-1.0.yaml", &fake.onpremise_url())).await;
    let recorder = ViolationRecorder::new();
    let client = through(
        erp_v1::Client::builder(),
        &proxy,
        &recorder,
        Some(gateway_auth(fake.registration().issue_api_key(&[]))),
    );
    fake.answer_in_other_casing(true);
    client
        .get_status()
        .await
        .expect("the client reads either casing");
    let seen = recorder.observed();
    assert!(
        seen[0]
            .violations
            .as_deref()
            .is_some_and(|v| v.contains("Version")),
        "{seen:?}"
    );
}

/// Warnings we accept, with the reason (also listed in spec/README.md).
const ACCEPTED_WARNINGS: &[(&str, &str, &str)] = &[
    (
        "info-license",
        "*",
        "the documents describe the vendor's API, whose licence the vendor does not state",
    ),
    (
        "operation-4xx-response",
        "spec/erp-2.0.yaml",
        "the vendor documents no error answers for the foreign-app endpoints and GET /v2/info",
    ),
];

#[jtl_erp_tests::test(deadline = 600)]
fn redocly_finds_no_errors_and_only_accepted_warnings() {
    let redocly = node_tool("redocly");
    let specs = jtl_erp_regen::default_specs(&repo_root()).expect("spec/");
    for spec in specs {
        let shown = spec
            .strip_prefix(repo_root())
            .expect("inside")
            .to_string_lossy()
            .into_owned();
        let output = Command::new(&redocly)
            .args(["lint", &shown, "--format=json"])
            .current_dir(repo_root())
            .output()
            .expect("redocly runs");
        let report: serde_json::Value =
            serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
                panic!("{shown}: {e}: {}", String::from_utf8_lossy(&output.stderr))
            });
        assert_eq!(report["totals"]["errors"], 0, "{shown}: {report:#}");
        for problem in report["problems"].as_array().expect("problems") {
            let rule = problem["ruleId"].as_str().unwrap_or_default();
            let accepted = ACCEPTED_WARNINGS
                .iter()
                .any(|(r, file, _)| *r == rule && (*file == "*" || *file == shown));
            assert!(
                accepted,
                "{shown}: warning `{rule}` is not accepted: {}",
                problem["message"]
            );
        }
    }
}
