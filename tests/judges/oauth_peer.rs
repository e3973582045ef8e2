//! Against an independent OAuth 2.0 server (npm `oauth2-mock-server`, started here on
//! 127.0.0.1): the grant works with a real implementation, its RS256 JWT is used and reused.

use std::process::{Command, Stdio};

use base64::Engine as _;
use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::auth::ClientCredentials;
use jtl_erp_tests::MockServer;
use jtl_erp_tests::{ChildGuard, free_port, header_values, node_tool, wait_until_answering};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[jtl_erp_tests::test(deadline = 600)]
async fn tokens_of_an_independent_oauth_server_are_obtained_cached_and_sent() {
    let tool = node_tool("oauth2-mock-server");
    let port = free_port();
    let _server = ChildGuard(
        Command::new(tool)
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("oauth2-mock-server starts"),
    );
    let issuer = format!("http://127.0.0.1:{port}");
    wait_until_answering(&format!("{issuer}/.well-known/openid-configuration"), 30).await;
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
    let logs = jtl_erp_tests::CapturedLogs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    client.get_status().await.expect("first call");
    client.get_status().await.expect("second call");
    client.get_status().await.expect("third call");
    drop(guard);
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
