//! The ERP 2.0 operations beyond registration against the fake JTL: a Wawi user's session
//! (login, `X-SessionId` on the calls made through it, logout), foreign apps removed and updated
//! by app id and by registration id, features, `HEAD /v2/info`, the licence's 402, and the
//! challenge code checked first.

use jtl_erp_client::erp_v2;
use jtl_erp_client::fake::FakeJtl;
use jtl_erp_client::models::{AppRegistrationRequest, FeatureInfo};
use jtl_erp_client::runtime::auth::WawiKey;
use jtl_erp_client::runtime::hooks::WithoutV2Prefix;
use jtl_erp_client::runtime::{Context, Secret, reqwest};
use jtl_erp_client::wawi_session::{WawiSession, WawiSessionError};
use jtl_erp_tests::fixtures::minimal_registration_request;

const PASSWORD: &str = "pa55-W0RD-secret";

fn context() -> Context {
    Context::new()
        .challenge_code("fake-challenge")
        .app_id("MyApp/1.0.0")
        .app_version("1.0.0")
}

/// A client of the fake's Cloud prefix with an API key the fake accepts, and a user `admin`.
async fn fake_and_client() -> (FakeJtl, erp_v2::Client) {
    let fake = FakeJtl::start().await.expect("fake");
    fake.erp().add_user("admin", PASSWORD);
    let key = fake.registration().issue_api_key(&["foreignapps.manage"]);
    let client = erp_v2::Client::builder()
        .base_url(fake.cloud_url())
        .auth(WawiKey::new(key))
        .context(context())
        .build()
        .expect("client");
    (fake, client)
}

#[jtl_erp_tests::test]
#[allow(deprecated)]
async fn a_session_carries_its_id_to_the_foreign_app_calls_and_logout_ends_it() {
    let (fake, client) = fake_and_client().await;

    let session = WawiSession::login(&client, "admin", Secret::new(PASSWORD))
        .await
        .expect("logged in");
    assert_eq!(fake.erp().open_sessions(), 1);
    let debug = format!("{session:?}");
    let id = session.session_id().expose().to_owned();
    assert!(
        !debug.contains(&id) && debug.contains("[REDACTED]"),
        "{debug}"
    );

    let created = session
        .client()
        .register_foreign_app(minimal_registration_request("other/app"))
        .await
        .expect("registered");
    assert_eq!(created.status(), 201);
    session
        .client()
        .remove_foreign_app("other/app")
        .await
        .expect("removed");
    assert!(fake.erp().foreign_apps().is_empty());

    let requests = fake.requests();
    let login = &requests[0];
    assert_eq!(login.path, "/erp/v2/authentication/login");
    assert_eq!(login.body, r#"{"UserName":"admin","Password":"***"}"#);
    assert!(login.header("x-sessionid").is_none());
    let (register, remove) = (&requests[1], &requests[2]);
    assert_eq!(register.header("x-sessionid"), Some("***"));
    assert_eq!(
        (remove.method.as_str(), remove.path.as_str()),
        ("DELETE", "/erp/v2/authentication/foreign/other%2Fapp/app")
    );
    assert_eq!(remove.header("x-sessionid"), Some("***"));
    // Calls of the client the session was made from carry no session.
    client
        .register_foreign_app(minimal_registration_request("third/app"))
        .await
        .expect("registered without a session");
    assert!(
        fake.requests()
            .last()
            .expect("recorded")
            .header("x-sessionid")
            .is_none()
    );

    let stale = session.client().clone();
    session.logout().await.expect("logged out");
    assert_eq!(fake.erp().open_sessions(), 0);
    let logout = fake.requests().last().expect("recorded").clone();
    assert_eq!(logout.path, "/erp/v2/authentication/logout");
    assert_eq!(logout.header("x-sessionid"), Some("***"));
    // The ended session is refused.
    let error = stale
        .remove_foreign_app("third/app")
        .await
        .expect_err("session ended");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error:?}");
}

#[jtl_erp_tests::test]
async fn a_wrong_password_is_the_vendors_400_with_errors_and_no_secret_anywhere() {
    let (fake, client) = fake_and_client().await;
    let wrong = "wrong-S3CRET-guess";

    let error = WawiSession::login(&client, "admin", Secret::new(wrong))
        .await
        .expect_err("refused");

    let Some(api) = (match &error {
        WawiSessionError::Login(login) => login.api(),
        _ => None,
    }) else {
        panic!("{error:?}")
    };
    assert_eq!(api.status, 400);
    assert_eq!(
        api.description,
        Some("The data sent is invalid (unknown user or wrong password)")
    );
    let body = api.body.as_ref().expect("ErrorResponse");
    assert_eq!(body.error_code.as_deref(), Some("InvalidCredentials"));
    let errors = body.errors.as_ref().expect("Errors");
    assert_eq!(
        errors.get("Password").map(Vec::as_slice),
        Some(&["Unknown user or wrong password".to_owned()][..])
    );
    let printed = format!("{error} {error:?}");
    assert!(!printed.contains(wrong), "{printed}");
    assert!(!error.is_no_licence());
    assert_eq!(fake.erp().open_sessions(), 0);
    assert!(
        fake.requests()
            .iter()
            .all(|r| !r.body.contains(wrong) && !r.body.contains(PASSWORD))
    );
}

#[jtl_erp_tests::test]
async fn the_password_goes_out_over_https_or_to_loopback_only() {
    let remote = erp_v2::Client::builder()
        .base_url("http://wawi.example.invalid:5883/api/eazybusiness")
        .allow_plain_http()
        .context(context())
        .build()
        .expect("client");
    let error = WawiSession::login(&remote, "admin", Secret::new(PASSWORD))
        .await
        .expect_err("plain http to another host");
    assert!(
        matches!(error, WawiSessionError::InsecureTransport { ref base_url } if base_url.starts_with("http://wawi.example.invalid")),
        "{error:?}"
    );
    assert!(!format!("{error} {error:?}").contains(PASSWORD));

    // Loopback, by address or by name, is the OnPremise server on this machine.
    let (fake, _) = fake_and_client().await;
    for host in ["127.0.0.1", "localhost"] {
        let url = fake.onpremise_url().replace("127.0.0.1", host);
        let local = erp_v2::Client::builder()
            .base_url(url)
            .context(context())
            .build()
            .expect("client");
        let session = WawiSession::login(&local, "admin", Secret::new(PASSWORD))
            .await
            .expect("loopback is fine");
        session.logout().await.expect("logged out");
    }
}

#[jtl_erp_tests::test]
#[allow(deprecated)]
async fn foreign_apps_are_updated_and_removed_by_registration_id_with_404_once_gone() {
    let (fake, client) = fake_and_client().await;
    let created = client
        .register_foreign_app(minimal_registration_request("other/app"))
        .await
        .expect("registered")
        .into_inner();
    let id: jtl_erp_client::runtime::uuid::Uuid = created
        .request_status_info
        .registration_request_id
        .parse()
        .expect("a uuid");

    let update = AppRegistrationRequest::new().with_display_name("Renamed");
    let updated = client
        .update_foreign_app_by_registration_id(id, update.clone())
        .await
        .expect("updated");
    assert_eq!(updated.status(), 200);
    assert_eq!(updated.request_status_info.app_id, "other/app");
    assert_eq!(
        fake.erp().foreign_apps()[0].display_name.as_deref(),
        Some("Renamed")
    );
    let by_app_id = client
        .update_foreign_app("other/app", update.clone())
        .await
        .expect("updated by app id");
    assert_eq!(
        by_app_id.request_status_info.registration_request_id,
        id.to_string()
    );

    let removed = client
        .remove_foreign_app_by_registration_id(id)
        .await
        .expect("removed");
    assert_eq!(removed.status(), 204);
    let again = client
        .remove_foreign_app_by_registration_id(id)
        .await
        .expect_err("gone");
    let Some(api) = again.api() else {
        panic!("{again:?}")
    };
    assert_eq!(api.status, 404);
    assert_eq!(
        api.description,
        Some("No app is registered under this registration id")
    );
    let missing = client
        .update_foreign_app("other/app", update)
        .await
        .expect_err("gone");
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));

    // A second registration of one app id is the vendor's 409 with an ErrorResponse.
    client
        .register_foreign_app(minimal_registration_request("dup/app"))
        .await
        .expect("first");
    let conflict = client
        .register_foreign_app(minimal_registration_request("dup/app"))
        .await
        .expect_err("second");
    let Some(api) = conflict.api() else {
        panic!("{conflict:?}")
    };
    assert_eq!(api.status, 409);
    assert_eq!(
        api.body.as_ref().and_then(|b| b.error_code.as_deref()),
        Some("AppAlreadyRegistered")
    );
}

#[jtl_erp_tests::test]
#[allow(deprecated)]
async fn no_licence_is_a_402_that_is_easy_to_tell_apart() {
    let (fake, client) = fake_and_client().await;
    fake.erp().set_licensed(false);

    let login = WawiSession::login(&client, "admin", Secret::new(PASSWORD))
        .await
        .expect_err("no licence");
    assert!(login.is_no_licence(), "{login:?}");
    let foreign = client
        .register_foreign_app(minimal_registration_request("other/app"))
        .await
        .expect_err("no licence");
    assert!(foreign.is_no_licence(), "{foreign:?}");
    assert!(
        foreign
            .to_string()
            .contains("No licence is available, or JTL has not authorised the app"),
        "{foreign}"
    );
    let remove = client
        .remove_foreign_app("other/app")
        .await
        .expect_err("no licence");
    assert!(remove.is_no_licence());
    // A 404 is not a 402.
    fake.erp().set_licensed(true);
    let gone = client
        .remove_foreign_app("other/app")
        .await
        .expect_err("no such app");
    assert!(!gone.is_no_licence());
}

#[jtl_erp_tests::test]
async fn features_and_head_info_answer_in_either_casing() {
    let (fake, client) = fake_and_client().await;
    let features = vec![FeatureInfo::new("AccountingData", 2, "stable", true)];
    fake.erp().set_features(features.clone());

    let pascal = client.get_features().await.expect("features").into_inner();
    assert_eq!(pascal, features);
    // What the fake sent, read raw: the request the client made, replayed with a key of its own
    // (the recorded credentials are masked).
    let sent = fake.requests().last().expect("recorded").clone();
    let key = fake.registration().issue_api_key(&["foreignapps.manage"]);
    let raw = || async {
        let mut request =
            reqwest::Client::new().get(format!("http://{}{}", fake.addr(), sent.path));
        for (name, value) in &sent.headers {
            if name != "authorization" && name != "host" {
                request = request.header(name.as_str(), value.as_str());
            }
        }
        let answer = request
            .header("authorization", format!("Wawi {key}"))
            .send()
            .await
            .expect("answered");
        assert_eq!(answer.status(), 200);
        answer.text().await.expect("body")
    };
    let declared = raw().await;
    fake.answer_in_other_casing(true);
    let other = raw().await;
    let camel = client.get_features().await.expect("features").into_inner();
    assert_eq!(camel, features);
    fake.answer_in_other_casing(false);
    // The switch changed the keys' casing and nothing else.
    assert_ne!(declared, other, "the casing switch changed nothing");
    assert_eq!(declared.to_lowercase(), other.to_lowercase());

    let head = client.head_status().await.expect("up");
    assert_eq!(head.status(), 200);
    let head_request = fake.requests().last().expect("recorded").clone();
    assert_eq!(
        (head_request.method.as_str(), head_request.path.as_str()),
        ("HEAD", "/erp/v2/info")
    );
    let anonymous = erp_v2::Client::builder()
        .base_url(fake.cloud_url())
        .build()
        .expect("client");
    let refused = anonymous.head_status().await.expect_err("no credentials");
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(401));
}

#[jtl_erp_tests::test]
async fn the_challenge_code_is_checked_before_credentials_or_the_password() {
    let (fake, _) = fake_and_client().await;
    let http = reqwest::Client::new();
    for (path, body) in [
        (
            "/erp/v2/authentication/login",
            r#"{"UserName":"admin","Password":"wrong"}"#,
        ),
        ("/erp/v2/authentication/foreign", "{}"),
        ("/erp/v2/authentication/logout", ""),
    ] {
        let answer = http
            .post(format!("http://{}{path}", fake.addr()))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("answered");
        assert_eq!(answer.status(), 400, "{path}");
        let text = answer.text().await.expect("body");
        assert!(
            text.contains(r#""ErrorCode":"ChallengeCodeMissing""#),
            "{path}: {text}"
        );
    }
    assert_eq!(fake.erp().open_sessions(), 0);
}

#[jtl_erp_tests::test]
async fn dropping_a_session_does_not_log_out_as_documented() {
    let (fake, client) = fake_and_client().await;
    let session = WawiSession::login(&client, "admin", Secret::new(PASSWORD))
        .await
        .expect("logged in");
    drop(session);
    assert_eq!(
        fake.erp().open_sessions(),
        1,
        "the server still holds the session"
    );
    assert!(
        fake.requests().iter().all(|r| !r.path.ends_with("/logout")),
        "no logout was sent"
    );
}

/// Seed 002's OnPremise registration (`/authentication` with `api-version: 2.0`, camelCase
/// answers) and seed 001's foreign-app path without `/v2`, end to end against the fake.
#[jtl_erp_tests::test]
#[allow(deprecated)]
async fn the_documentation_pages_variants_work_against_the_fake_through_the_hook() {
    let fake = FakeJtl::start().await.expect("fake");
    fake.registration().auto_approve(true);
    let onpremise = erp_v2::Client::builder()
        .base_url(fake.onpremise_url())
        .context(context())
        .hook(WithoutV2Prefix::new().api_version("2.0"))
        .build()
        .expect("client");
    let flow = jtl_erp_client::registration::RegistrationFlow::erp_v2(onpremise).polling(
        std::time::Duration::from_millis(5),
        std::time::Duration::from_millis(20),
    );
    let accepted = flow
        .run(&minimal_registration_request("seed/002"))
        .await
        .expect("accepted");
    assert!(!accepted.api_key.expose().is_empty());
    let requests = fake.requests();
    assert_eq!(requests[0].path, "/api/eazybusiness/authentication");
    assert_eq!(requests[0].header("api-version"), Some("2.0"));
    assert_eq!(fake.registration().list()[0].api_version, "2.0");

    let key = fake.registration().issue_api_key(&["foreignapps.manage"]);
    let cloud = erp_v2::Client::builder()
        .base_url(fake.cloud_url())
        .auth(WawiKey::new(key))
        .context(context())
        .hook(WithoutV2Prefix::new())
        .build()
        .expect("client");
    cloud
        .register_foreign_app(minimal_registration_request("seed/001"))
        .await
        .expect("registered");
    let updated = cloud
        .update_foreign_app("seed/001", minimal_registration_request("seed/001"))
        .await
        .expect("updated at seed 001's path");
    assert_eq!(updated.request_status_info.app_id, "seed/001");
    assert_eq!(
        fake.requests().last().expect("recorded").path,
        "/erp/authentication/foreign/seed%2F001/app"
    );
}

#[jtl_erp_tests::test]
async fn a_further_instance_registers_under_v2_with_the_same_challenge_code() {
    let fake = FakeJtl::start().await.expect("fake");
    let client = erp_v2::Client::builder()
        .base_url(fake.onpremise_url())
        .context(context())
        .build()
        .expect("client");
    let flow = jtl_erp_client::registration::RegistrationFlow::erp_v2(client);
    let multi = minimal_registration_request("multi/app")
        .with_registration_type(jtl_erp_client::models::RegistrationType::MultiInstance);
    let first = flow.register(&multi).await.expect("registered");
    let second = flow
        .register_instance(
            &first.registration_id,
            jtl_erp_client::runtime::scopes::RequestedScopes::default(),
        )
        .await
        .expect("a further instance");
    assert_ne!(second.registration_id, first.registration_id);
    let request = fake.requests().last().expect("recorded").clone();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        (
            "POST",
            format!(
                "/api/eazybusiness/v2/authentication/{}",
                first.registration_id
            )
            .as_str()
        )
    );
    let registrations = fake.registration().list();
    assert_eq!(registrations.len(), 2);
    assert!(registrations.iter().all(|r| r.api_version == "2.0"));

    // A one-instance app gets the vendor's 400 for this request.
    let single = flow
        .register(&minimal_registration_request("single/app"))
        .await
        .expect("registered");
    let refused = flow
        .register_instance(
            &single.registration_id,
            jtl_erp_client::runtime::scopes::RequestedScopes::default(),
        )
        .await
        .expect_err("not a multi-instance app");
    assert!(
        refused.to_string().contains("NotAMultiInstanceApp"),
        "{refused}"
    );
}

#[path = "../examples/wawi_session.rs"]
mod example;

/// `cargo run --example wawi_session` against the fake: it logs in, removes a foreign app in the
/// session and logs out (its own runtime, so the test is not async).
#[jtl_erp_tests::test]
fn the_wawi_session_example_runs_against_the_fake() {
    // The example uses a real server only when JTL_WAWI_URL is set.
    assert!(std::env::var_os("JTL_WAWI_URL").is_none());
    example::main().expect("the example runs");
}
