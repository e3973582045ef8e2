//! User-bound access against the fake JTL's issuer over real HTTP on 127.0.0.1: the
//! authorization URL (state, S256 challenge, scopes), the non-interactive authorization endpoint,
//! the code exchange, the user's token on ERP calls, refresh before expiry on the injected clock
//! with the rotated refresh token kept, and the refusals: a wrong or replayed state, a wrong
//! verifier, a replayed code, a revoked refresh token. Secrets stay out of Debug and errors.

use std::sync::Arc;
use std::time::Duration;

use jtl_erp_client::erp_v2;
use jtl_erp_client::fake::FakeJtl;
use jtl_erp_client::runtime::ErrorKind;
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::auth::{
    LOGIN_TIMEOUT, PkceError, PkceLogin, TokenError, UserAccess, pkce_challenge,
};
use jtl_erp_client::runtime::reqwest;
use jtl_erp_client::runtime::time::ManualTimeSource;
use jtl_erp_tests::{MockServer, body_text, header_values};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const CLIENT: &str = "my-public-app";
const REDIRECT: &str = "http://127.0.0.1:9/callback";

struct Setup {
    fake: FakeJtl,
    login: PkceLogin,
    clock: ManualTimeSource,
}

async fn setup() -> Setup {
    let fake = FakeJtl::start().await.expect("fake");
    fake.identity().add_public_client(CLIENT);
    fake.identity().set_login("user-7", "tenant-42");
    let clock = ManualTimeSource::new();
    let login = PkceLogin::builder(CLIENT)
        .issuer(&fake.issuer())
        .http_settings(&HttpSettings::new().time_source(clock.clone()))
        .build()
        .expect("login");
    Setup { fake, login, clock }
}

/// What the browser does: GET the authorization URL, take the redirect (not followed).
async fn browser(url: &reqwest::Url) -> reqwest::Url {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http");
    let response = http.get(url.clone()).send().await.expect("authorize");
    assert_eq!(response.status(), 302, "the issuer redirects back");
    let location = response.headers()["location"].to_str().expect("ascii");
    reqwest::Url::parse(location).expect("absolute redirect")
}

fn query(url: &reqwest::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn client(fake: &FakeJtl, access: Arc<UserAccess>) -> erp_v2::Client {
    erp_v2::Client::builder()
        .base_url(fake.cloud_url())
        .auth_shared(access)
        .build()
        .expect("client")
}

/// The pairs of a form body, decoded.
fn form(body: &str) -> Vec<(String, String)> {
    let url = reqwest::Url::parse(&format!("http://form.test/?{body}")).expect("form");
    url.query_pairs().into_owned().collect()
}

fn token_requests(fake: &FakeJtl) -> Vec<String> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path == "/oauth/v2/token")
        .map(|r| r.body)
        .collect()
}

#[jtl_erp_tests::test(deadline = 120)]
async fn a_user_logs_in_calls_the_erp_and_is_refreshed_with_the_rotated_refresh_token() {
    let Setup { fake, login, clock } = setup().await;
    let request = login
        .authorize_url(&["erp.read", "openid"], REDIRECT)
        .expect("url");
    let url = &request.url;
    assert_eq!(
        url.as_str().split('?').next(),
        Some(format!("{}/oauth/v2/authorize", fake.issuer()).as_str())
    );
    assert_eq!(query(url, "response_type").as_deref(), Some("code"));
    assert_eq!(query(url, "client_id").as_deref(), Some(CLIENT));
    assert_eq!(query(url, "redirect_uri").as_deref(), Some(REDIRECT));
    assert_eq!(
        query(url, "scope").as_deref(),
        Some("openid offline_access erp.read"),
        "openid and offline_access once, then the asked-for scopes"
    );
    assert_eq!(query(url, "state").as_deref(), Some(request.state.as_str()));
    assert_eq!(query(url, "code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(query(url, "code_challenge").map(|c| c.len()), Some(43));

    let callback = browser(url).await;
    assert_eq!(query(&callback, "state"), Some(request.state.clone()));
    let code = query(&callback, "code").expect("a code");
    let access = Arc::new(login.callback(&callback).await.expect("exchange"));
    let exchange = token_requests(&fake).remove(0);
    let form = form(&exchange);
    assert_eq!(
        form.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        [
            "grant_type",
            "code",
            "redirect_uri",
            "client_id",
            "code_verifier"
        ]
    );
    assert_eq!(form[0].1, "authorization_code");
    assert_eq!(form[1].1, "***", "the fake's record masks the code");
    assert!(!code.is_empty());
    assert_eq!(form[2].1, REDIRECT);
    assert_eq!(form[3].1, CLIENT);
    assert_eq!(form[4].1, "***", "and the verifier (checked by the fake)");

    let first_refresh = access.source().refresh_token().expect("offline_access");
    let client = client(&fake, access.clone());
    client
        .get_status()
        .await
        .expect("the user's token is accepted");
    let first_token = access.token().await.expect("cached");
    let claims = decode_claims(first_token.expose());
    assert_eq!(claims["sub"], "user-7");
    assert_eq!(claims["urn:jtl:tenant_id"], "tenant-42");
    assert_eq!(fake.identity().user_tokens_issued(), 1);

    // One hour of life, refreshed once no more than the 5-minute margin remains.
    clock.advance(Duration::from_secs(3299));
    client.get_status().await.expect("still fresh");
    assert_eq!(
        fake.identity().user_tokens_issued(),
        1,
        "no refresh while fresh"
    );
    clock.advance(Duration::from_secs(1));
    client.get_status().await.expect("refreshed");
    assert_eq!(fake.identity().user_tokens_issued(), 2);
    let refresh = token_requests(&fake).remove(1);
    assert_eq!(
        refresh,
        format!("grant_type=refresh_token&refresh_token=***&client_id={CLIENT}")
    );
    let second_token = access.token().await.expect("cached");
    assert_ne!(second_token.expose(), first_token.expose());
    let second_refresh = access.source().refresh_token().expect("rotated");
    assert_ne!(
        second_refresh.expose(),
        first_refresh.expose(),
        "the rotated refresh token is kept"
    );

    // The next refresh succeeds: it used the rotated one, since the issuer spent the first.
    clock.advance(Duration::from_secs(3300));
    client.get_status().await.expect("refreshed again");
    assert_eq!(fake.identity().user_tokens_issued(), 3);
    assert_ne!(
        access.source().refresh_token().expect("rotated").expose(),
        second_refresh.expose()
    );

    // A resumed login with a spent refresh token is refused, naming no token.
    let stale = client_with(&fake, login.resume(first_refresh.expose().to_owned()));
    let error = stale.get_status().await.expect_err("spent refresh token");
    let text = format!("{error} {error:?}");
    assert!(text.contains("invalid_grant"), "{text}");
    assert!(!text.contains(first_refresh.expose()), "{text}");
}

fn client_with(fake: &FakeJtl, access: UserAccess) -> erp_v2::Client {
    client(fake, Arc::new(access))
}

fn decode_claims(jwt: &str) -> serde_json::Value {
    use base64::Engine as _;
    let part = jwt.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("claims")
}

#[jtl_erp_tests::test(deadline = 120)]
async fn a_wrong_replayed_or_expired_state_is_refused_before_any_request() {
    let Setup { fake, login, clock } = setup().await;
    let request = login.authorize_url(&[], REDIRECT).expect("url");
    let callback = browser(&request.url).await;
    let code = query(&callback, "code").expect("code");

    let error = login
        .exchange(&code, "not-the-state")
        .await
        .expect_err("wrong state");
    assert!(matches!(error, PkceError::UnknownState), "{error:?}");
    assert!(token_requests(&fake).is_empty(), "nothing sent");

    login
        .exchange(&code, &request.state)
        .await
        .expect("the right state still works");
    let error = login
        .exchange(&code, &request.state)
        .await
        .expect_err("a state works once");
    assert!(matches!(error, PkceError::UnknownState), "{error:?}");
    assert_eq!(token_requests(&fake).len(), 1);

    let late = login.authorize_url(&[], REDIRECT).expect("url");
    let callback = browser(&late.url).await;
    clock.advance(LOGIN_TIMEOUT);
    let error = login.callback(&callback).await.expect_err("too late");
    assert!(matches!(error, PkceError::UnknownState), "{error:?}");
    assert_eq!(token_requests(&fake).len(), 1);
}

#[jtl_erp_tests::test(deadline = 120)]
async fn a_wrong_verifier_and_a_replayed_code_are_refused_by_the_issuer() {
    let Setup { fake, login, .. } = setup().await;
    // The code of login A redeemed with login B's state sends B's verifier.
    let a = login.authorize_url(&[], REDIRECT).expect("url");
    let b = login.authorize_url(&[], REDIRECT).expect("url");
    let code_a = query(&browser(&a.url).await, "code").expect("code");
    let error = login
        .exchange(&code_a, &b.state)
        .await
        .expect_err("wrong verifier");
    let PkceError::Token(TokenError::Rejected { status, .. }) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(*status, 400);
    assert!(error.to_string().contains("invalid_grant"), "{error}");

    // A code works once: redeemed by login C, replayed by login D.
    let c = login.authorize_url(&[], REDIRECT).expect("url");
    let d = login.authorize_url(&[], REDIRECT).expect("url");
    let code_c = query(&browser(&c.url).await, "code").expect("code");
    login.exchange(&code_c, &c.state).await.expect("first use");
    let error = login
        .exchange(&code_c, &d.state)
        .await
        .expect_err("replayed code");
    assert!(
        matches!(&error, PkceError::Token(TokenError::Rejected { .. })),
        "{error:?}"
    );
    assert_eq!(fake.identity().user_tokens_issued(), 1);
}

#[jtl_erp_tests::test(deadline = 120)]
async fn an_issuer_refusal_and_a_revoked_refresh_token_are_typed_errors() {
    let Setup { fake, login, clock } = setup().await;
    // The issuer redirects with error=… when nobody may log in.
    let nobody = FakeJtl::start().await.expect("fake");
    nobody.identity().add_public_client(CLIENT);
    let denied = PkceLogin::builder(CLIENT)
        .issuer(&nobody.issuer())
        .build()
        .expect("login");
    let request = denied.authorize_url(&[], REDIRECT).expect("url");
    let callback = browser(&request.url).await;
    let error = denied.callback(&callback).await.expect_err("denied");
    assert!(matches!(error, PkceError::Denied { .. }), "{error:?}");
    assert!(error.to_string().contains("access_denied"), "{error}");

    let request = login.authorize_url(&[], REDIRECT).expect("url");
    let access = login
        .callback(&browser(&request.url).await)
        .await
        .expect("login");
    let client = client_with(&fake, access);
    client.get_status().await.expect("fresh");
    fake.identity().revoke_refresh_tokens();
    clock.advance(Duration::from_secs(3300));
    let error = client.get_status().await.expect_err("revoked");
    assert!(matches!(error.kind(), ErrorKind::Auth(_)), "{error:?}");
    assert!(error.to_string().contains("invalid_grant"), "{error}");
}

/// A token endpoint that records the exchange and answers with a token and a refresh token.
async fn recording_token_endpoint() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "user-access-token-value",
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": "user-refresh-token-value",
        })))
        .mount(&server)
        .await;
    server
}

#[jtl_erp_tests::test(deadline = 120)]
async fn the_exchange_sends_the_verifier_of_the_challenge_and_no_secret_shows() {
    let server = recording_token_endpoint().await;
    let login = PkceLogin::builder(CLIENT)
        .endpoints(
            format!("{}/authorize", server.uri()),
            format!("{}/token", server.uri()),
        )
        .build()
        .expect("login");
    let request = login.authorize_url(&[], REDIRECT).expect("url");
    let access = login
        .exchange("the-code", &request.state)
        .await
        .expect("exchange");

    let calls = server.received_requests().await.expect("recorded");
    assert_eq!(calls.len(), 1);
    assert_eq!(
        header_values(&calls[0], "content-type"),
        ["application/x-www-form-urlencoded"]
    );
    assert!(
        header_values(&calls[0], "authorization").is_empty(),
        "a public client"
    );
    let sent = form(&body_text(&calls[0]));
    let verifier = sent[4].1.clone();
    assert_eq!(
        sent,
        [
            ("grant_type".to_owned(), "authorization_code".to_owned()),
            ("code".to_owned(), "the-code".to_owned()),
            ("redirect_uri".to_owned(), REDIRECT.to_owned()),
            ("client_id".to_owned(), CLIENT.to_owned()),
            ("code_verifier".to_owned(), verifier.clone()),
        ]
    );
    assert_eq!(verifier.len(), 43);
    assert_eq!(
        Some(pkce_challenge(&verifier)),
        query(&request.url, "code_challenge"),
        "the verifier of the challenge"
    );

    let token = access.token().await.expect("token");
    assert_eq!(token.expose(), "user-access-token-value");
    let refresh = access.source().refresh_token().expect("refresh");
    assert_eq!(refresh.expose(), "user-refresh-token-value");
    let replay = login
        .exchange("the-code", &request.state)
        .await
        .expect_err("spent");
    let shown = format!(
        "{access:?} {login:?} {refresh:?} {:?} {replay} {replay:?} {request:?}",
        access.source(),
    );
    for secret in [token.expose(), refresh.expose(), verifier.as_str()] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(
        shown.contains(CLIENT),
        "the client id is no secret: {shown}"
    );
}

#[jtl_erp_tests::test(deadline = 120)]
async fn concurrent_calls_at_expiry_share_one_refresh_so_rotation_does_not_lock_the_user_out() {
    let Setup { fake, login, clock } = setup().await;
    let request = login.authorize_url(&[], REDIRECT).expect("url");
    let access = Arc::new(
        login
            .callback(&browser(&request.url).await)
            .await
            .expect("login"),
    );
    let client = client(&fake, access.clone());
    client.get_status().await.expect("fresh");
    clock.advance(Duration::from_secs(3300));
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_status().await.map(drop) })
        })
        .collect();
    for call in calls {
        call.await.expect("task").expect("every call succeeds");
    }
    // One refresh: a second one with the spent refresh token would have been refused.
    assert_eq!(fake.identity().user_tokens_issued(), 2);
}
