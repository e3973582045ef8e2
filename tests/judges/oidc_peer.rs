//! Against oidc-provider (npm, OpenID Certified; `oidc_provider.mjs`, started here on
//! 127.0.0.1) as a second issuer:
//! - client credentials at its discovered token endpoint with `client_secret_basic` and a
//!   secret that needs form-encoding (RFC 6749 2.3.1: it decodes the pair, and refuses the same
//!   secret sent raw), a resource indicator (RFC 8707) and a JWT access token (RFC 9068) that
//!   `AppTokenVerifier` verifies against the issuer's published keys;
//! - the PKCE login driven over plain HTTP as a browser would (GET the authorization URL, POST
//!   the development login and consent forms, follow the redirects with the cookies), with
//!   `PkceLogin`'s default `prompt=consent` so that `offline_access` yields a refresh token
//!   (OpenID Connect Core 11: without it, none), then refresh on the injected clock, rotation,
//!   and the rotated-out refresh token refused.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use base64::Engine as _;
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::app_token::AppTokenVerifier;
use jtl_erp_client::runtime::auth::{
    AuthorizeOptions, ClientCredentials, PkceLogin, TokenError, UserAccess,
};
use jtl_erp_client::runtime::reqwest;
use jtl_erp_client::runtime::time::ManualTimeSource;
use jtl_erp_tests::{ChildGuard, spawn_announcing, wait_until_answering};

/// A secret with every character RFC 6749's encoding changes.
const SECRET: &str = "s+e%c&r=e/t x";
const RESOURCE: &str = "urn:jtl:app:oidc-judge";
const TENANT: &str = "tenant-4e8f1c2d";
const REDIRECT: &str = "http://127.0.0.1:9/callback";

async fn issuer() -> (ChildGuard, String) {
    jtl_erp_tests::node_package("oidc-provider");
    let mut command = Command::new("node");
    command
        .arg(jtl_erp_tests::repo_root().join("tests/judges/oidc_provider.mjs"))
        .args([SECRET, RESOURCE, TENANT, REDIRECT]);
    let (child, issuer) = spawn_announcing(command, "oidc-provider");
    wait_until_answering(&format!("{issuer}/.well-known/openid-configuration"), 30).await;
    (child, issuer)
}

fn jwt_part(token: &str, index: usize) -> serde_json::Value {
    let part = token.split('.').nth(index).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON")
}

#[jtl_erp_tests::test(deadline = 300)]
async fn client_credentials_with_a_secret_that_needs_encoding_get_a_jwt_access_token() {
    let (_child, issuer) = issuer().await;
    let provider = ClientCredentials::builder("cc-client", SECRET)
        .issuer(&issuer)
        .scope("erp.read")
        .resource(RESOURCE)
        .build()
        .expect("provider");
    let token = provider
        .token()
        .await
        .expect("a token for the encoded credentials");
    let header = jwt_part(token.expose(), 0);
    assert_eq!(header["typ"], "at+jwt", "RFC 9068: {header}");
    assert_eq!(header["alg"], "ES256");
    let claims = jwt_part(token.expose(), 1);
    assert_eq!(claims["aud"], RESOURCE);
    assert_eq!(claims["client_id"], "cc-client");
    assert_eq!(claims["scope"], "erp.read");

    // The issuer's own token, verified with its published keys as an app token.
    let verifier = AppTokenVerifier::builder(&issuer, RESOURCE)
        .build()
        .expect("verifier");
    let verified = verifier.verify(token.expose()).await.expect("verified");
    assert_eq!(verified.tenant_id, TENANT);
    assert_eq!(verified.user_id.as_deref(), Some("cc-client"));

    // The same secret raw in the Basic pair (RFC 7617's way) is refused by the issuer.
    let raw = base64::engine::general_purpose::STANDARD.encode(format!("cc-client:{SECRET}"));
    let response = reqwest::Client::new()
        .post(format!("{issuer}/token"))
        .header("authorization", format!("Basic {raw}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&scope=erp.read")
        .send()
        .await
        .expect("answer");
    let status = response.status();
    let body: serde_json::Value =
        serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON error");
    assert!(
        status == 400 && body["error"] == "invalid_request"
            || status == 401 && body["error"] == "invalid_client",
        "{status} {body}"
    );
}

/// A browser: follows the issuer's redirects with its cookies until the redirect URI.
struct Browser {
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn new() -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http");
        Self {
            http,
            cookies: BTreeMap::new(),
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> reqwest::Response {
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        let response = request
            .header("cookie", cookie.join("; "))
            .send()
            .await
            .expect("the issuer answers");
        for set in response.headers().get_all("set-cookie") {
            let set = set.to_str().expect("ascii");
            let pair = set.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                let expired = set
                    .to_ascii_lowercase()
                    .contains("expires=thu, 01 jan 1970");
                if value.is_empty() || expired {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        response
    }

    /// Logs `user` in and consents, from the authorization URL to the redirect back.
    async fn log_in(&mut self, issuer: &str, url: &reqwest::Url, user: &str) -> reqwest::Url {
        let mut next = url.clone();
        for _ in 0..12 {
            if next.as_str().starts_with(REDIRECT) {
                return next;
            }
            let response = self.send(self.http.get(next.clone())).await;
            let status = response.status();
            if status.is_redirection() {
                let location = response.headers()["location"].to_str().expect("ascii");
                next = next.join(location).expect("location");
                continue;
            }
            assert_eq!(status, 200, "{next}");
            let page = response.text().await.expect("page");
            // The development interactions: a login form, then a consent form, each posted to
            // the interaction's URL.
            let form = if page.contains(r#"name="prompt" value="login""#) {
                format!("prompt=login&login={user}&password=any")
            } else if page.contains(r#"name="prompt" value="consent""#) {
                "prompt=consent".to_owned()
            } else {
                panic!("an interaction page: {page}");
            };
            let action = next.path().to_owned();
            let response = self
                .send(
                    self.http
                        .post(format!("{issuer}{action}"))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(form),
                )
                .await;
            assert!(response.status().is_redirection(), "{}", response.status());
            let location = response.headers()["location"].to_str().expect("ascii");
            next = next.join(location).expect("location");
        }
        panic!("no redirect back within 12 steps");
    }
}

fn login(issuer: &str, clock: &ManualTimeSource, options: AuthorizeOptions) -> PkceLogin {
    PkceLogin::builder("pkce-client")
        .endpoints(format!("{issuer}/auth"), format!("{issuer}/token"))
        .authorize_options(options)
        .http_settings(
            &HttpSettings::new()
                .time_source(clock.clone())
                // Node closes idle connections after 5 s; a fresh one per request takes that
                // race away.
                .configure_http(|http| http.pool_max_idle_per_host(0)),
        )
        .build()
        .expect("login")
}

#[jtl_erp_tests::test(deadline = 300)]
async fn a_pkce_login_with_consent_gets_a_refresh_token_that_rotates() {
    let (_child, issuer) = issuer().await;
    let clock = ManualTimeSource::new();

    // Without prompt=consent, a conforming issuer ignores offline_access: no refresh token.
    let silent = login(&issuer, &clock, AuthorizeOptions::new().prompt(&[]));
    let request = silent.authorize_url(&["erp.read"], REDIRECT).expect("url");
    let callback = Browser::new().log_in(&issuer, &request.url, "user-1").await;
    let access = silent.callback(&callback).await.expect("exchange");
    assert!(
        access.source().refresh_token().is_none(),
        "offline_access without consent"
    );

    // The default asks for consent: a refresh token.
    let login = login(&issuer, &clock, AuthorizeOptions::new());
    let request = login.authorize_url(&["erp.read"], REDIRECT).expect("url");
    assert!(
        request
            .url
            .query()
            .expect("query")
            .contains("prompt=consent")
    );
    let callback = Browser::new().log_in(&issuer, &request.url, "user-2").await;
    assert!(
        callback
            .query_pairs()
            .any(|(k, v)| k == "iss" && v == issuer.as_str()),
        "RFC 9207's iss in {callback}"
    );
    let access: UserAccess = login.callback(&callback).await.expect("exchange");
    let first = access.token().await.expect("token");
    let first_refresh = access
        .source()
        .refresh_token()
        .expect("offline_access honoured");
    let claims = jwt_part(first.expose(), 1);
    assert_eq!(claims["sub"], "user-2");
    assert_eq!(claims["aud"], RESOURCE);

    // Its tokens live 3600 s: with the 300 s margin, refreshed at 3300 s, and rotated.
    clock.advance(Duration::from_secs(3299));
    assert_eq!(
        access.token().await.expect("cached").expose(),
        first.expose()
    );
    clock.advance(Duration::from_secs(1));
    let second = access.token().await.expect("refreshed");
    assert_ne!(second.expose(), first.expose());
    let rotated = access.source().refresh_token().expect("rotated");
    assert_ne!(rotated.expose(), first_refresh.expose());

    // The rotated-out refresh token is refused (oidc-provider then revokes the grant).
    let replay = login.resume(first_refresh);
    let error = replay.token().await.expect_err("spent refresh token");
    assert!(
        matches!(&error, TokenError::Rejected { error, .. } if error == "invalid_grant"),
        "{error:?}"
    );
}
