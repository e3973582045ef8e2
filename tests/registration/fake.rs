//! The fake JTL (feature `fake`) through the generated client: the registration lifecycle in
//! both generations, the challenge code checked before any state changes, scope strings granted
//! exactly as asked and refused by catalog, credentials and scopes, every fault switch, the
//! request record, and the stand-alone binary.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use jtl_erp_client::fake::{FakeError, FakeJtl, Fault};
use jtl_erp_client::models::{AppRegistrationRequest, RegistrationStatus, RegistrationType};
use jtl_erp_client::registration::{RegistrationError, RegistrationFlow};
use jtl_erp_client::runtime::Backoff;
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::auth::{ClientCredentials, PkceLogin, ScxRefreshToken, WawiKey};
use jtl_erp_client::runtime::scopes::Scope;
use jtl_erp_client::runtime::time::{ManualTimeSource, SharedTimeSource};
use jtl_erp_client::runtime::{Context, ErrorKind, RetryPolicy, reqwest};
use jtl_erp_client::{erp_v1, erp_v2};
use jtl_erp_tests::ChildGuard;
use proptest::prelude::*;

fn app() -> AppRegistrationRequest {
    AppRegistrationRequest::new()
        .with_app_id("myApp/v1")
        .with_display_name("My App")
        .with_description("d")
        .with_version("1.0.0")
        .with_provider_name("Me")
        .with_provider_website("https://example.com")
        .with_mandatory_api_scopes(["info.read", "stock.read"].map(String::from))
        .with_optional_api_scopes(["return.read", "items.write"].map(String::from))
        .with_app_icon(vec![1])
        .with_registration_type(RegistrationType::MultiInstance)
}

fn context() -> Context {
    Context::new()
        .challenge_code("fake-challenge")
        .app_id("MyApp/1.0.0")
        .app_version("1.0.0")
}

fn fast(flow: RegistrationFlow) -> RegistrationFlow {
    flow.polling(Duration::from_millis(5), Duration::from_millis(20))
        .deadline(Duration::from_secs(5))
}

#[jtl_erp_tests::test]
async fn the_erp_1_0_lifecycle_hands_out_the_key_once_and_requires_it_afterwards() {
    let fake = FakeJtl::start().await.expect("fake");
    let client = erp_v1::Client::builder()
        .base_url(fake.onpremise_url())
        .context(context())
        .build()
        .expect("client");
    let flow = fast(RegistrationFlow::erp_v1(client));

    let pending = flow.register(&app()).await.expect("registered");
    assert_eq!(
        fake.registration().list()[0].status,
        RegistrationStatus::Pending
    );
    assert_eq!(
        fake.registration()
            .approve(&pending.registration_id, &["shop.read"]),
        Err(FakeError::NotRequested("shop.read".into()))
    );
    fake.registration()
        .approve(&pending.registration_id, &["return.read"])
        .expect("approved");
    let accepted = flow.wait(&pending).await.expect("accepted");
    let missing: Vec<String> = accepted
        .scopes
        .missing_optional
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(missing, ["items.write"]);
    let again = flow
        .wait(&pending)
        .await
        .expect_err("the key is handed out once");
    assert!(
        matches!(again, RegistrationError::AlreadyAnswered { .. }),
        "{again:?}"
    );

    let key = accepted.api_key.into_wawi_key();
    let authorized = erp_v1::Client::builder()
        .base_url(fake.onpremise_url())
        .auth(key)
        .build()
        .expect("client");
    assert_eq!(
        authorized
            .get_status()
            .await
            .expect("status with the key")
            .tenant,
        "eazybusiness"
    );
    let wrong = erp_v1::Client::builder()
        .base_url(fake.onpremise_url())
        .auth(WawiKey::new("nope"))
        .build()
        .expect("client");
    let refused = wrong.get_status().await.expect_err("401");
    assert!(
        refused.api().is_some_and(|api| api.status == 401),
        "{refused:?}"
    );

    // The recorded requests are what was sent, credentials masked.
    let requests = fake.requests();
    let post = &requests[0];
    assert_eq!(
        (post.method.as_str(), post.path.as_str()),
        ("POST", "/api/eazybusiness/authentication")
    );
    assert_eq!(post.header("x-challengecode"), Some("fake-challenge"));
    assert_eq!(post.header("api-version"), Some("1.0"));
    assert!(
        post.body
            .starts_with(r#"{"AppId":"myApp/v1","DisplayName":"My App""#),
        "{}",
        post.body
    );
    let status_call = requests
        .iter()
        .find(|r| r.path.ends_with("/info"))
        .expect("status call");
    assert_eq!(status_call.header("authorization"), Some("Wawi ***"));
}

#[jtl_erp_tests::test]
async fn the_erp_2_0_lifecycle_speaks_pascal_case_under_v2_and_refuses_another_challenge_code() {
    let fake = FakeJtl::start().await.expect("fake");
    let client = erp_v2::Client::builder()
        .base_url(fake.onpremise_url())
        .context(context())
        .build()
        .expect("client");
    let flow = fast(RegistrationFlow::erp_v2(client));
    let pending = flow.register(&app()).await.expect("registered");
    assert!(
        fake.requests()[0]
            .body
            .starts_with(r#"{"AppId":"myApp/v1""#)
    );
    assert_eq!(
        fake.requests()[0].path,
        "/api/eazybusiness/v2/authentication"
    );
    assert_eq!(fake.registration().list()[0].api_version, "2.0");

    let impostor = erp_v2::Client::builder()
        .base_url(fake.onpremise_url())
        .context(context().challenge_code("other"))
        .build()
        .expect("client");
    // Even with auto-approval on, a poll with another code is refused before anything changes.
    fake.registration().auto_approve(true);
    let refused = fast(RegistrationFlow::erp_v2(impostor))
        .wait(&pending)
        .await
        .expect_err("other code");
    let RegistrationError::Api(boxed) = &refused else {
        panic!("{refused:?}")
    };
    let Some(api) = boxed.as_ref().api() else {
        panic!("{refused:?}")
    };
    assert_eq!(
        (boxed.operation(), api.status.as_u16()),
        ("FetchRegistrationStatus", 403)
    );
    assert_eq!(
        api.body.as_ref().and_then(|b| b.error_code.as_deref()),
        Some("ChallengeCodeMismatch")
    );
    assert_eq!(
        fake.registration().list()[0].status,
        RegistrationStatus::Pending,
        "the impostor's poll approved nothing"
    );
    fake.registration().auto_approve(false);

    fake.registration()
        .reject(&pending.registration_id)
        .expect("rejected");
    let error = flow.wait(&pending).await.expect_err("rejected");
    assert!(
        matches!(error, RegistrationError::Rejected { .. }),
        "{error:?}"
    );
    assert_eq!(
        fake.registration().reject(&pending.registration_id),
        Err(FakeError::AlreadyDecided(pending.registration_id.clone()))
    );
}

#[jtl_erp_tests::test]
async fn multi_instance_conflicts_and_scopes_behave_like_the_real_thing() {
    let fake = FakeJtl::start().await.expect("fake");
    fake.registration().auto_approve(true);
    let client = erp_v1::Client::builder()
        .base_url(fake.onpremise_url())
        .context(context())
        .build()
        .expect("client");
    let flow = fast(RegistrationFlow::erp_v1(client));
    let first = flow.run(&app()).await.expect("auto-approved");
    let second = flow.register(&app()).await.expect_err("registered already");
    assert!(
        matches!(second, RegistrationError::AlreadyRegistered { error_code: Some(ref c) } if c == "AppAlreadyRegistered"),
        "{second:?}"
    );
    let instance = flow
        .register_instance(&first.registration_id, Default::default())
        .await
        .expect("instance");
    assert_ne!(instance.registration_id, first.registration_id);

    fake.erp().require_scope_for_info(Some("items.read"));
    let key = fake.registration().issue_api_key(&["stock.read"]);
    let client = erp_v1::Client::builder()
        .base_url(fake.onpremise_url())
        .auth(WawiKey::new(key))
        .build()
        .expect("client");
    let error = client.get_status().await.expect_err("scope missing");
    let Some(api) = error.api() else {
        panic!("{error:?}")
    };
    assert_eq!(api.status, 403);
    assert_eq!(
        api.body.as_ref().and_then(|b| b.error_code.as_deref()),
        Some("MissingScope: items.read")
    );
}

fn cloud(fake: &FakeJtl, timeout: Duration) -> erp_v2::Client {
    cloud_on(fake, timeout, SharedTimeSource::default())
}

/// [`cloud`] with its retry waits on `clock` (the token's lifetime stays on the system clock,
/// which the fake's expiry runs on too).
fn cloud_on(fake: &FakeJtl, timeout: Duration, clock: SharedTimeSource) -> erp_v2::Client {
    fake.identity().add_client("client-id", "client-secret");
    let provider = ClientCredentials::builder("client-id", "client-secret")
        .token_url(fake.token_url())
        .refresh_margin(Duration::ZERO)
        .build()
        .expect("provider");
    erp_v2::Client::builder()
        .base_url(fake.cloud_url())
        .auth(provider)
        .context(
            context().tenant_id(
                "6f1c2b3a-1111-4222-8333-944455556666"
                    .parse()
                    .expect("uuid"),
            ),
        )
        .http_settings(&HttpSettings::new().timeout(timeout).time_source(clock))
        .retry(
            RetryPolicy::default()
                .max_retries(2)
                .max_wait(Duration::from_millis(1500))
                .backoff(
                    Backoff::new(Duration::from_millis(10), Duration::from_secs(10))
                        .without_jitter(),
                ),
        )
        .build()
        .expect("client")
}

fn count(fake: &FakeJtl, path: &str) -> usize {
    fake.requests().iter().filter(|r| r.path == path).count()
}

/// The fake measures its tokens' lifetimes and writes their dates on the clock it was given:
/// a token it issued is accepted until the clock reaches its expiry, and refused from then on,
/// without waiting; the session token's `iat` is the clock's wall time.
#[jtl_erp_tests::test]
async fn the_fake_measures_token_lifetimes_on_its_clock() {
    let wall = std::time::UNIX_EPOCH + Duration::from_secs(2_000_000_000);
    let clock = ManualTimeSource::starting_at(wall);
    let fake = FakeJtl::start_with_clock(clock.clone())
        .await
        .expect("fake");
    fake.identity().add_client("id", "secret");
    fake.set_token_lifetime(Duration::from_secs(60));
    let http = reqwest::Client::new();
    let token = http
        .post(fake.token_url())
        .basic_auth("id", Some("secret"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .expect("token")
        .bytes()
        .await
        .expect("body");
    let token: serde_json::Value = serde_json::from_slice(&token).expect("JSON");
    let token = token["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned();
    let info = || {
        http.get(format!("{}/v2/info", fake.cloud_url()))
            .bearer_auth(&token)
            .send()
    };
    assert_eq!(info().await.expect("info").status(), 200);
    clock.advance(Duration::from_secs(59));
    assert_eq!(info().await.expect("info").status(), 200, "not yet expired");
    clock.advance(Duration::from_secs(1));
    assert_eq!(
        info().await.expect("info").status(),
        401,
        "expired on the clock"
    );

    let session = fake
        .session_tokens()
        .issue("tenant", None, Duration::from_secs(300));
    let claims = session.split('.').nth(1).expect("claims");
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims)
            .expect("base64url"),
    )
    .expect("JSON");
    assert_eq!(claims["iat"], 2_000_000_060_u64);
    assert_eq!(claims["exp"], 2_000_000_360_u64);
}

#[jtl_erp_tests::test]
async fn every_fault_switch_is_seen_by_the_client() {
    let clock = ManualTimeSource::new();
    let fake = FakeJtl::start_with_clock(clock.clone())
        .await
        .expect("fake");
    let client = cloud_on(&fake, Duration::from_secs(2), clock.clone().into());

    // Token expiry of N seconds: a new token after it.
    fake.set_token_lifetime(Duration::from_secs(1));
    client.get_status().await.expect("first");
    client.get_status().await.expect("cached");
    assert_eq!(count(&fake, "/oauth2/token"), 1);
    clock.advance(Duration::from_millis(1100));
    client.get_status().await.expect("after expiry");
    assert_eq!(count(&fake, "/oauth2/token"), 2);

    // 401 on the next call: one refresh, one retry.
    fake.set_token_lifetime(Duration::from_secs(3600));
    fake.fail_next(1, Fault::Unauthorized);
    client.get_status().await.expect("retried after the 401");
    assert_eq!(count(&fake, "/oauth2/token"), 3);

    // 503 with Retry-After, then 500: the GET is retried through the first, not the second.
    fake.fail_next(
        1,
        Fault::RetryAfter {
            status: 503,
            seconds: 1,
        },
    );
    let before = count(&fake, "/erp/v2/info");
    client.get_status().await.expect("retried after 503");
    assert_eq!(count(&fake, "/erp/v2/info"), before + 2, "one retry");
    // The asked second, spread by up to a twentieth (RetryPolicy::wait), within the policy's
    // 1.5 s; nothing waited before it.
    let waits = clock.sleeps();
    assert!(
        matches!(waits[..], [wait] if (Duration::from_secs(1)..=Duration::from_millis(1050)).contains(&wait)),
        "{waits:?}"
    );
    fake.fail_next(1, Fault::Status(500));
    let failed = client.get_status().await.expect_err("500");
    assert!(
        failed.api().is_some_and(|api| api.status == 500),
        "{failed:?}"
    );
    assert_eq!(
        clock.sleeps(),
        waits,
        "a 500 is not retried, so not waited for"
    );

    // A body in the other casing is still read.
    fake.answer_in_other_casing(true);
    assert_eq!(
        client
            .get_status()
            .await
            .expect("PascalCase on a camelCase endpoint")
            .tenant,
        "eazybusiness"
    );
    fake.answer_in_other_casing(false);
    let raw = fake.requests();
    assert_eq!(
        raw.last().and_then(|r| r.header("x-tenant-id")),
        Some("6f1c2b3a-1111-4222-8333-944455556666")
    );
    assert_eq!(
        raw.last().and_then(|r| r.header("authorization")),
        Some("Bearer ***")
    );

    // Slow answers run into the client's timeout (the token is fetched first, while the fake
    // is fast, so that the ERP call is what times out).
    let impatient = cloud(&fake, Duration::from_millis(300));
    impatient.get_status().await.expect("fast answer");
    fake.set_delay(Duration::from_millis(800));
    let error = impatient.get_status().await.expect_err("too slow");
    assert!(
        error.operation() == "GetStatus"
            && matches!(error.kind(), ErrorKind::Transport(source) if source.is_timeout()),
        "{error:?}"
    );
}

#[jtl_erp_tests::test]
async fn the_scx_exchange_and_the_foreign_app_endpoints_work_against_the_fake() {
    let fake = FakeJtl::start().await.expect("fake");
    fake.scx().add_refresh_token("refresh-secret");
    let provider = ScxRefreshToken::builder("refresh-secret")
        .base_url(fake.scx_url())
        .build()
        .expect("provider");
    let token = provider.token().await.expect("exchanged");
    assert!(token.expose().starts_with("scx-token-"));
    let exchange = &fake.requests()[0];
    assert!(
        exchange.body.contains("***") && !exchange.body.contains("refresh-secret"),
        "{}",
        exchange.body
    );

    let client = cloud(&fake, Duration::from_secs(2));
    #[allow(deprecated)]
    let created = client
        .register_foreign_app(app())
        .await
        .expect("foreign app");
    assert_eq!(created.status(), 201);
    #[allow(deprecated)]
    let updated = client
        .update_foreign_app("myApp/v1", app())
        .await
        .expect("updated");
    assert_eq!(updated.request_status_info.app_id, "myApp/v1");
    let patch = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .expect("patch");
    assert!(
        patch.body.starts_with(r#"{"AppId":"myApp/v1""#),
        "{}",
        patch.body
    );
}

#[jtl_erp_tests::test]
fn the_binary_prints_help_and_its_base_urls() {
    // `generator/inlineable/bin/jtl-erp-fake.rs`, built by cargo for this test (tests/Cargo.toml):
    // running the program itself, not `cargo run`, which would check the whole workspace first.
    let run = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_jtl-erp-fake-under-test"));
        command.args(args);
        command
    };
    let help = run(&["--help"]).output().expect("runs");
    assert!(help.status.success());
    let help_text = String::from_utf8_lossy(&help.stdout);
    assert!(help_text.contains("USAGE:"));
    for listed in [
        "/.well-known/openid-configuration",
        "/oauth/v2/keys",
        "/oauth/v2/token",
        "scope=openid required",
        "fake.identity().app_token",
        "GET  /oauth/v2/authorize",
        "authorization_code",
        "refresh_token (rotated",
        "--public-client ID",
        "--login USER:TENANT",
    ] {
        assert!(help_text.contains(listed), "{listed}: {help_text}");
    }
    assert!(help_text.contains("GET /v2/accountingData"), "{help_text}");

    let mut child = ChildGuard(
        run(&[
            "--client",
            "id:secret",
            "--auto-approve",
            "--known-scope",
            "all.read",
            "--known-scope",
            "Application.RunAs",
            "--user",
            "admin:pw:with:colons",
            "--accounting-data",
            "3",
            "--public-client",
            "bin-public-app",
            "--login",
            "bin-user:bin-tenant",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .take_while(|l| l != "ready")
        .collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(
        lines[0].starts_with("ERP OnPremise  http://127.0.0.1:")
            && lines[0].ends_with("/api/eazybusiness"),
        "{lines:?}"
    );
    assert!(lines[2].ends_with("/oauth2/token"), "{lines:?}");
    assert!(
        lines[3].starts_with("OIDC issuer    http://127.0.0.1:"),
        "{lines:?}"
    );
    let issuer = lines[3].split_whitespace().last().expect("URL").to_owned();

    // The scope catalog given on the command line is the fake's.
    let url = format!(
        "{}/authentication",
        lines[0].split_whitespace().last().expect("URL")
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let unknown = r#"{"AppId":"bin/v1","MandatoryApiScopes":["all.read","productRead"]}"#;
        let (status, text) = raw(reqwest::Method::POST, url.clone(), Some("code"), unknown).await;
        assert_eq!(status, 400, "{text}");
        assert!(
            text.contains(r#""MandatoryApiScopes[1]":"Unknown scope 'productRead'""#),
            "{text}"
        );
        let known = r#"{"AppId":"bin/v1","MandatoryApiScopes":["all.read","Application.RunAs"]}"#;
        let (status, text) = raw(reqwest::Method::POST, url.clone(), Some("code"), known).await;
        assert_eq!(status, 201, "{text}");
        // The user given on the command line logs in (the password keeps its colons).
        let login = url.replace("/authentication", "/v2/authentication/login");
        let right = r#"{"UserName":"admin","Password":"pw:with:colons"}"#;
        let (status, text) = raw(reqwest::Method::POST, login.clone(), Some("code"), right).await;
        assert_eq!(status, 200, "{text}");
        assert!(text.starts_with(r#"{"SessionId":""#), "{text}");
        let wrong = r#"{"UserName":"admin","Password":"pw"}"#;
        let (status, text) = raw(reqwest::Method::POST, login, Some("code"), wrong).await;
        assert_eq!(status, 400, "{text}");
        // The issuer's discovery names itself.
        let discovery = reqwest::get(format!("{issuer}/.well-known/openid-configuration"))
            .await
            .expect("discovery")
            .text()
            .await
            .expect("body");
        let discovery: serde_json::Value = serde_json::from_str(&discovery).expect("JSON");
        assert_eq!(discovery["issuer"], issuer.as_str());
        // The public client and login given on the command line log a user in with PKCE.
        let login = PkceLogin::builder("bin-public-app")
            .issuer(&issuer)
            .build()
            .expect("login");
        let request = login
            .authorize_url(&[], "http://127.0.0.1:9/cb")
            .expect("url");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http");
        let answer = http.get(request.url).send().await.expect("authorize");
        assert_eq!(answer.status(), 302);
        let location = answer.headers()["location"].to_str().expect("ascii");
        let callback = reqwest::Url::parse(location).expect("redirect");
        let access = login.callback(&callback).await.expect("exchange");
        let token = access.token().await.expect("the user's token");
        let claims = token.expose().split('.').nth(1).expect("a JWT").to_owned();
        let claims =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims)
                .expect("base64url");
        let claims: serde_json::Value = serde_json::from_slice(&claims).expect("claims");
        assert_eq!(
            (&claims["sub"], &claims["urn:jtl:tenant_id"]),
            (
                &serde_json::json!("bin-user"),
                &serde_json::json!("bin-tenant")
            )
        );
        // The documents given on the command line are listed, page by page.
        let provider = ClientCredentials::builder("id", "secret")
            .token_url(lines[2].split_whitespace().last().expect("URL"))
            .build()
            .expect("provider");
        let client = erp_v2::Client::builder()
            .base_url(lines[1].split_whitespace().last().expect("URL"))
            .auth(provider)
            .context(context())
            .build()
            .expect("client");
        let page = client
            .query_accounting_data()
            .page_size(2)
            .await
            .expect("the list");
        assert_eq!(
            (page.total_items, page.items.len(), page.has_next_page),
            (3, 2, Some(true))
        );
    });
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

/// A flow of either generation against the fake.
fn flow(fake: &FakeJtl, v2: bool, code: &str) -> RegistrationFlow {
    let context = context().challenge_code(code);
    fast(if v2 {
        RegistrationFlow::erp_v2(
            erp_v2::Client::builder()
                .base_url(fake.onpremise_url())
                .context(context)
                .build()
                .expect("client"),
        )
    } else {
        RegistrationFlow::erp_v1(
            erp_v1::Client::builder()
                .base_url(fake.onpremise_url())
                .context(context)
                .build()
                .expect("client"),
        )
    })
}

#[jtl_erp_tests::test]
async fn real_scope_strings_register_in_both_generations_and_the_catalog_refuses_unknown_ones() {
    for v2 in [false, true] {
        let fake = FakeJtl::start().await.expect("fake");
        let flow = flow(&fake, v2, "fake-challenge");

        let pending = flow.register(&real_app()).await.expect("any name is known");
        fake.registration()
            .approve(
                &pending.registration_id,
                &["cusomters.read", "invoices.print"],
            )
            .expect("approved");
        let accepted = flow.wait(&pending).await.expect("accepted");
        let granted: Vec<&str> = accepted.scopes.iter().collect();
        assert_eq!(
            granted,
            [&MANDATORY[..], &["cusomters.read", "invoices.print"]].concat(),
            "granted exactly as asked, v2 = {v2}"
        );
        let missing: Vec<&str> = accepted
            .scopes
            .missing_optional
            .iter()
            .map(Scope::as_str)
            .collect();
        assert_eq!(missing, ["productDelete", "productRead"]);
        assert!(accepted.scopes.allows_run_as());

        // The platform's catalog: the typo and one undotted name are unknown to it.
        let known: Vec<&str> = MANDATORY
            .iter()
            .chain(&OPTIONAL)
            .copied()
            .filter(|s| *s != "cusomters.read" && *s != "productDelete")
            .collect();
        fake.registration().set_scope_catalog(Some(&known));
        let other = real_app().with_app_id("other/v1");
        let before = fake.registration().list().len();
        let error = flow.register(&other).await.expect_err("unknown scopes");
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
        assert_eq!(scopes, &["cusomters.read", "productDelete"]);
        assert_eq!(
            message.as_deref(),
            Some("Unknown scopes: cusomters.read, productDelete")
        );
        assert_eq!(error_code.as_deref(), Some("UnknownScope"));
        let keys: Vec<&str> = validation_errors.keys().map(String::as_str).collect();
        // Both documents declare PascalCase, so the fake names the properties so in both.
        assert_eq!(
            keys,
            ["OptionalApiScopes[0]", "OptionalApiScopes[2]"],
            "keys in the endpoint's casing, kept as sent"
        );
        assert_eq!(
            errors.keys().map(String::as_str).collect::<Vec<_>>(),
            ["OptionalApiScopes[0]", "OptionalApiScopes[2]"],
            "the fake writes `Errors` next to the deprecated `ValidationErrors`"
        );
        assert_eq!(
            fake.registration().list().len(),
            before,
            "nothing registered"
        );
        let body = fake.requests().last().expect("recorded").body.clone();
        assert!(
            body.contains("cusomters.read"),
            "the client sent it: {body}"
        );

        fake.registration().set_scope_catalog(None);
        flow.register(&other)
            .await
            .expect("every name is known again");
    }
}

/// Sends a registration call without the generated client, to reach what it never sends.
async fn raw(
    method: reqwest::Method,
    url: String,
    code: Option<&str>,
    body: &'static str,
) -> (u16, String) {
    let mut request = reqwest::Client::new()
        .request(method, url)
        .header("api-version", "1.0")
        .header("content-type", "application/json")
        .body(body);
    if let Some(code) = code {
        request = request.header("x-challengecode", code);
    }
    let response = request.send().await.expect("answered");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[jtl_erp_tests::test]
async fn every_registration_request_is_checked_for_the_challenge_code_before_anything_changes() {
    let fake = FakeJtl::start().await.expect("fake");
    let url = format!("{}/authentication", fake.onpremise_url());
    let body = r#"{"AppId":"raw/v1","MandatoryApiScopes":["all.read"]}"#;
    for (code, answer) in [
        (
            None,
            r#"{"ErrorCode":"ChallengeCodeMissing","ErrorMessage":"ChallengeCodeMissing"}"#,
        ),
        (
            Some(String::new()),
            r#"{"ErrorCode":"ChallengeCodeMissing","ErrorMessage":"ChallengeCodeMissing"}"#,
        ),
        (
            Some("x".repeat(31)),
            r#"{"ErrorCode":"ChallengeCodeTooLong","ErrorMessage":"ChallengeCodeTooLong"}"#,
        ),
    ] {
        let (status, text) = raw(reqwest::Method::POST, url.clone(), code.as_deref(), body).await;
        assert_eq!((status, text.as_str()), (400, answer), "{code:?}");
    }
    // A bad code wins over a bad body and over a catalog refusal: the code is looked at first.
    fake.registration().set_scope_catalog(Some(&[]));
    let (status, text) = raw(reqwest::Method::POST, url.clone(), None, "not json").await;
    assert_eq!(
        (status, text.contains("ChallengeCodeMissing")),
        (400, true),
        "{text}"
    );
    fake.registration().set_scope_catalog(None);
    assert_eq!(fake.registration().list(), [], "nothing registered");

    let (status, _) = raw(
        reqwest::Method::POST,
        url.clone(),
        Some("x".repeat(30).as_str()),
        body,
    )
    .await;
    assert_eq!(status, 201, "30 characters are allowed");
    let id = fake.registration().list()[0].id.clone();

    // Status polls and multi-instance requests with another code change nothing, even with
    // auto-approval on and for an app that is not multi-instance (the code is checked first).
    fake.registration().auto_approve(true);
    let instance = format!("{url}/{id}");
    for (method, code) in [
        (reqwest::Method::GET, None),
        (reqwest::Method::GET, Some("other")),
        (reqwest::Method::POST, Some("other")),
    ] {
        let (status, text) = raw(method.clone(), instance.clone(), code, "").await;
        assert_eq!(
            (status, text.as_str()),
            (
                403,
                r#"{"ErrorCode":"ChallengeCodeMismatch","ErrorMessage":"ChallengeCodeMismatch"}"#
            ),
            "{method} {code:?}"
        );
    }
    assert_eq!(fake.registration().list().len(), 1, "no instance was made");
    assert_eq!(
        fake.registration().list()[0].status,
        RegistrationStatus::Pending
    );
    let (status, _) = raw(
        reqwest::Method::GET,
        instance,
        Some("x".repeat(30).as_str()),
        "",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        fake.registration().list()[0].status,
        RegistrationStatus::Accepted
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any scope the client can send (non-empty, no whitespace, no control character) goes out
    /// in the request, is granted by the fake and comes back in `GrantedScopes` unchanged, in
    /// either generation.
    #[test]
    fn any_sendable_scope_survives_request_fake_grant_unchanged(
        mandatory in prop::collection::vec("[^\\s\\p{Cc}]{1,24}", 1..4),
        optional in prop::collection::vec("[^\\s\\p{Cc}]{1,24}", 0..3),
        v2 in any::<bool>(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let granted = runtime.block_on(async {
            let fake = FakeJtl::start().await.expect("fake");
            let flow = flow(&fake, v2, "fake-challenge");
            let app = app()
                .with_mandatory_api_scopes(mandatory.clone())
                .with_optional_api_scopes(optional.clone());
            let pending = flow.register(&app).await.expect("registered");
            let optional: Vec<&str> = optional.iter().map(String::as_str).collect();
            fake.registration().approve(&pending.registration_id, &optional).expect("approved");
            let accepted = flow.wait(&pending).await.expect("accepted");
            prop_assert!(accepted.scopes.missing_optional.is_empty());
            Ok(accepted.scopes.iter().map(str::to_owned).collect::<Vec<_>>())
        })?;
        prop_assert_eq!(granted, [mandatory, optional].concat());
    }
}
