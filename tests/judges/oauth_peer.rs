//! Against an independent OAuth 2.0 server (npm `oauth2-mock-server`, started here on
//! 127.0.0.1): the client-credentials grant works with a real implementation, its RS256 JWT is
//! used and reused; the PKCE login (authorization code with S256, refresh) works with it too.

use std::process::Command;

use base64::Engine as _;
use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::auth::{ClientCredentials, PkceError, PkceLogin, TokenError};
use jtl_erp_client::runtime::reqwest;
use jtl_erp_client::runtime::time::ManualTimeSource;
use jtl_erp_tests::MockServer;
use jtl_erp_tests::{ChildGuard, header_values, node_tool, spawn_announcing, wait_until_answering};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[jtl_erp_tests::test(deadline = 600)]
async fn tokens_of_an_independent_oauth_server_are_obtained_cached_and_sent() {
    let (_server, issuer) = peer().await;
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/erp/v2/info"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"version":"1","timestamp":"2025-03-20T08:57:00Z","tenant":"t","type":"WAWI-Api"}"#,
            "application/json",
        ))
        .mount(&api)
        .await;
    let provider = ClientCredentials::builder("peer-client", "peer-secret")
        .token_url(format!("{issuer}/token"))
        .build()
        .expect("provider");
    let client = erp_v2::Client::builder()
        .base_url(format!("{}/erp", api.uri()))
        .auth(provider)
        .build()
        .expect("client");

    // The peer issues identical tokens within one second, so equal headers alone would not
    // show the cache: the provider's own record of its fetches does.
    let capture = jtl_erp_tests::trace_capture::capture(tracing::Level::DEBUG);
    let logs = capture.logs.clone();
    client.get_status().await.expect("first call");
    client.get_status().await.expect("second call");
    client.get_status().await.expect("third call");
    drop(capture);
    assert_eq!(
        logs.text().matches("fetching a new access token").count(),
        1,
        "one token request for three calls: {}",
        logs.text()
    );

    let calls = api.received_requests().await.expect("recorded");
    let first = header_values(&calls[0], "authorization").remove(0);
    for call in &calls[1..] {
        assert_eq!(
            header_values(call, "authorization"),
            std::slice::from_ref(&first),
            "the token is reused"
        );
    }
    let jwt = first.strip_prefix("Bearer ").expect("bearer");
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT: {jwt}");
    let header = String::from_utf8(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[0])
            .expect("base64url"),
    )
    .expect("utf-8");
    assert!(header.contains(r#""alg":"RS256""#), "{header}");
}

/// Starts oauth2-mock-server on a free port and returns it with its issuer URL.
/// oauth2-mock-server on a port it binds itself (see `spawn_announcing`).
async fn peer() -> (ChildGuard, String) {
    let mut command = Command::new(node_tool("oauth2-mock-server"));
    command.args(["-a", "127.0.0.1", "-p", "0"]);
    let (server, issuer) = spawn_announcing(command, "oauth2-mock-server");
    wait_until_answering(&format!("{issuer}/.well-known/openid-configuration"), 30).await;
    (server, issuer)
}

/// What the browser does: GET the authorization URL and take the redirect's code.
async fn code_of(url: &reqwest::Url) -> reqwest::Url {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http");
    let response = http.get(url.clone()).send().await.expect("authorize");
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().expect("ascii");
    reqwest::Url::parse(location).expect("absolute")
}

/// The PKCE login against oauth2-mock-server: it stores the S256 challenge of `/authorize`,
/// checks the verifier at `/token` and forgets the challenge once tried (a replayed code is
/// refused), and hands out a new refresh token on every answer. What it does not check, so
/// what this test cannot show against it: the redirect URI and client id of the exchange, the
/// refresh token itself (any value is accepted, a spent one too) and the scopes; the fake JTL's
/// tests (tests/client/pkce.rs) cover those.
#[jtl_erp_tests::test(deadline = 600)]
async fn a_pkce_login_works_against_an_independent_oauth_server() {
    let (_server, issuer) = peer().await;
    let clock = ManualTimeSource::new();
    // No pooled connections: after answering a refused code exchange with 400, the peer's
    // token handler runs on, fails to answer a second time, and Express destroys the socket
    // (oauth2-mock-server dist/shared/oauth2-server.js, `tokenHandler`: no `return` after the
    // 400). A pooled connection reused for the next exchange is then reset, or not, depending
    // on which side is scheduled first; a new connection per request takes the race away.
    let login = PkceLogin::builder("peer-public-client")
        .endpoints(format!("{issuer}/authorize"), format!("{issuer}/token"))
        .http_settings(
            &HttpSettings::new()
                .configure_http(|http| http.pool_max_idle_per_host(0))
                .time_source(clock.clone()),
        )
        .build()
        .expect("login");
    let redirect = "http://127.0.0.1:9/callback";

    let request = login.authorize_url(&["erp.read"], redirect).expect("url");
    let callback = code_of(&request.url).await;
    assert!(
        callback
            .query_pairs()
            .any(|(k, v)| k == "state" && v == request.state.as_str()),
        "{callback}"
    );
    let access = login.callback(&callback).await.expect("exchange");
    let first = access.token().await.expect("token");
    assert_eq!(first.expose().split('.').count(), 3, "a JWT");
    let first_refresh = access.source().refresh_token().expect("a refresh token");

    // Its tokens live 3600 s: refreshed with the margin of 300 s, the new refresh token kept.
    clock.advance(std::time::Duration::from_secs(3299));
    assert_eq!(
        access.token().await.expect("fresh").expose(),
        first.expose()
    );
    clock.advance(std::time::Duration::from_secs(1));
    access.token().await.expect("refreshed");
    let rotated = access.source().refresh_token().expect("rotated");
    assert_ne!(rotated.expose(), first_refresh.expose());

    // Login A's code with login B's state sends B's verifier: refused.
    let a = login.authorize_url(&[], redirect).expect("url");
    let b = login.authorize_url(&[], redirect).expect("url");
    let code_a = code_of(&a.url).await;
    let code_a = code_a
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("code");
    let error = login
        .exchange(&code_a, &b.state)
        .await
        .expect_err("verifier");
    assert!(
        matches!(&error, PkceError::Token(TokenError::Rejected { status, .. }) if *status == 400),
        "{error:?}"
    );
    // The challenge of A's code is gone: redeeming it again (with A's own verifier) is refused.
    let error = login.exchange(&code_a, &a.state).await.expect_err("replay");
    assert!(
        matches!(&error, PkceError::Token(TokenError::Rejected { status, .. }) if *status == 400),
        "{error:?}"
    );
}
