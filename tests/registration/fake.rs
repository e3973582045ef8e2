//! The fake JTL (feature `fake`) through the generated client: the registration lifecycle in
//! both generations, credentials and scopes, every fault switch, the request record, and the
//! stand-alone binary.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use jtl_erp_client::fake::{FakeError, FakeJtl, Fault};
use jtl_erp_client::models::{AppRegistrationRequest, RegistrationStatus, RegistrationType};
use jtl_erp_client::registration::{RegistrationError, RegistrationFlow};
use jtl_erp_client::runtime::Backoff;
use jtl_erp_client::runtime::auth::{ClientCredentials, ScxRefreshToken, WawiKey};
use jtl_erp_client::runtime::{Context, Error, RetryPolicy};
use jtl_erp_client::{erp_v1, erp_v2};
use jtl_erp_tests::ChildGuard;

fn app() -> AppRegistrationRequest {
    AppRegistrationRequest {
        app_id: Some("myApp/v1".into()),
        display_name: Some("My App".into()),
        description: Some("d".into()),
        version: Some("1.0.0".into()),
        provider_name: Some("Me".into()),
        provider_website: Some("https://example.com".into()),
        mandatory_api_scopes: Some(vec!["info.read".into(), "stock.read".into()]),
        optional_api_scopes: Some(vec!["return.read".into(), "items.write".into()]),
        app_icon: Some(vec![1].into()),
        registration_type: Some(RegistrationType::MultiInstance),
        ..Default::default()
    }
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

#[tokio::test]
async fn the_erp_1_0_lifecycle_hands_out_the_key_once_and_requires_it_afterwards() {
    let fake = FakeJtl::start().await.expect("fake");
    let client = erp_v1::Client::builder()
        .base_url(fake.onpremise_url())
        .context(context())
        .build()
        .expect("client");
    let flow = fast(RegistrationFlow::erp_v1(client));

    let pending = flow.register(&app()).await.expect("registered");
    assert_eq!(fake.registrations()[0].status, RegistrationStatus::Pending);
    assert_eq!(
        fake.approve(&pending.registration_id, &["shop.read"]),
        Err(FakeError::NotRequested("shop.read".into()))
    );
    fake.approve(&pending.registration_id, &["return.read"])
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
    assert!(matches!(wrong.get_status().await, Err(Error::Api(api)) if api.status == 401));

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

#[tokio::test]
async fn the_erp_2_0_lifecycle_speaks_camel_case_and_refuses_another_challenge_code() {
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
            .starts_with(r#"{"appId":"myApp/v1""#)
    );
    assert_eq!(fake.registrations()[0].api_version, "2.0");

    let impostor = erp_v2::Client::builder()
        .base_url(fake.onpremise_url())
        .context(context().challenge_code("other"))
        .build()
        .expect("client");
    let refused = fast(RegistrationFlow::erp_v2(impostor))
        .wait(&pending)
        .await
        .expect_err("other code");
    assert!(matches!(refused, RegistrationError::Api(_)), "{refused:?}");

    fake.reject(&pending.registration_id).expect("rejected");
    let error = flow.wait(&pending).await.expect_err("rejected");
    assert!(
        matches!(error, RegistrationError::Rejected { .. }),
        "{error:?}"
    );
    assert_eq!(
        fake.reject(&pending.registration_id),
        Err(FakeError::AlreadyDecided(pending.registration_id.clone()))
    );
}

#[tokio::test]
async fn multi_instance_conflicts_and_scopes_behave_like_the_real_thing() {
    let fake = FakeJtl::start().await.expect("fake");
    fake.auto_approve(true);
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

    fake.require_scope_for_info(Some("items.read"));
    let key = fake.issue_api_key(&["stock.read"]);
    let client = erp_v1::Client::builder()
        .base_url(fake.onpremise_url())
        .auth(WawiKey::new(key))
        .build()
        .expect("client");
    let error = client.get_status().await.expect_err("scope missing");
    let Error::Api(api) = error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status, 403);
    assert_eq!(
        api.body.and_then(|b| b.error_code).as_deref(),
        Some("MissingScope: items.read")
    );
}

fn cloud(fake: &FakeJtl, timeout: Duration) -> erp_v2::Client {
    fake.add_client("client-id", "client-secret");
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
        .timeout(timeout)
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

#[tokio::test]
async fn every_fault_switch_is_seen_by_the_client() {
    let fake = FakeJtl::start().await.expect("fake");
    let client = cloud(&fake, Duration::from_secs(2));

    // Token expiry of N seconds: a new token after it.
    fake.set_token_lifetime(Duration::from_secs(1));
    client.get_status().await.expect("first");
    client.get_status().await.expect("cached");
    assert_eq!(count(&fake, "/oauth2/token"), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
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
    client.get_status().await.expect("retried after 503");
    fake.fail_next(1, Fault::Status(500));
    assert!(matches!(client.get_status().await, Err(Error::Api(api)) if api.status == 500));

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

    // Slow answers run into the client's timeout.
    let impatient = cloud(&fake, Duration::from_millis(300));
    fake.set_delay(Duration::from_millis(800));
    assert!(matches!(
        impatient.get_status().await,
        Err(Error::Auth { .. } | Error::Transport { .. })
    ));
}

#[tokio::test]
async fn the_scx_exchange_and_the_foreign_app_endpoints_work_against_the_fake() {
    let fake = FakeJtl::start().await.expect("fake");
    fake.add_refresh_token("refresh-secret");
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
        .register_foreign_app(&app())
        .await
        .expect("foreign app");
    assert_eq!(created.status(), 201);
    #[allow(deprecated)]
    let updated = client
        .update_foreign_app("myApp/v1", &app())
        .await
        .expect("updated");
    assert_eq!(
        updated
            .request_status_info
            .as_ref()
            .and_then(|s| s.app_id.as_deref()),
        Some("myApp/v1")
    );
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

#[test]
fn the_binary_prints_help_and_its_base_urls() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let run = |args: &[&str]| {
        let mut command = Command::new(&cargo);
        command
            .args([
                "run",
                "--quiet",
                "-p",
                "jtl-erp-client",
                "--features",
                "fake",
                "--bin",
                "jtl-erp-fake",
                "--",
            ])
            .args(args)
            .current_dir(jtl_erp_tests::repo_root());
        command
    };
    let help = run(&["--help"]).output().expect("runs");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("USAGE:"));

    let mut child = ChildGuard(
        run(&["--client", "id:secret", "--auto-approve"])
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
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(
        lines[0].starts_with("ERP OnPremise  http://127.0.0.1:")
            && lines[0].ends_with("/api/eazybusiness"),
        "{lines:?}"
    );
    assert!(lines[2].ends_with("/oauth2/token"), "{lines:?}");
}
