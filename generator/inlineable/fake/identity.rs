//! Both identity generations, and [`IdentityApi`], the handle that scripts them: the legacy token
//! endpoint (client credentials), and the OIDC issuer, the identity platform's current
//! generation: the discovery document, a key set with an RSA and an Ed25519
//! key (rotated on demand), a token endpoint as strict as the real one about client credentials
//! (`scope=openid` required, credentials only as HTTP Basic), app tokens minted for tests, and
//! user logins: a non-interactive authorization endpoint and the authorization-code (PKCE, S256)
//! and refresh-token grants of public clients, with one-time codes and rotated refresh tokens.
//!
//! The issuer is the fake's own origin (`http://127.0.0.1:PORT`), so that `iss`, discovery and
//! keys agree as they do at `https://id.jtl-cloud.com`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Method, Response, StatusCode};
use jtl_erp_runtime::app_token::{AppTokenSigner, jwks_document};
use jtl_erp_runtime::serde::Serialize as _;
use jtl_erp_runtime::serde_json::{self, Value, json};
use jtl_erp_runtime::wire::Wire;

use crate::models::{OAuthError, TokenResponse};

use super::encoding::{decode_basic, plain, respond, url_form};
use super::request::FakeRequest;
use super::{FakeJtl, State};

/// The issuer's paths (as Zitadel serves them).
const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
const KEYS_PATH: &str = "/oauth/v2/keys";
const TOKEN_PATH: &str = "/oauth/v2/token";
const AUTHORIZE_PATH: &str = "/oauth/v2/authorize";

/// Two RSA keys (PKCS#8, base64) for the fake issuer, used in turn on each rotation: fixed, so
/// that a fake starts without generating RSA keys; they sign test tokens of a fake only.
const RSA_KEYS: [&str; 2] = [
    "\
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCgS4CBgwD2k42CqCqmjCfFNnggrkW+j8bQaXGPkYGSDgfB\
    TlXenzXNgDuPDpFEe5cMWtPdI80zXUbU53CeG5gAKL05r1J2594lwfz41mm0Art+6NYBXiNKufWiqsFcogqnJcbwezb6JdvA\
    SPTfsqU8rms9Z8ozYI6Zp+fqRPp744URIbEzM9gshgWmCm0VtDIDobxziHkGvmV9JYxC5HRLx1HRmaNEVVHum0RM+xLa6AiJ\
    ceKt+idziDR6Au2Y+RxTR/9jU3ycLUTx4RuV8GJJ82m+9uvYc0xl+Phw+gsWaSxrTH5YBF91ULUBH7jrLFH884+aUOY7K/sW\
    /wnBARt/AgMBAAECggEACu8rjGoZyjgleoirJCJCYj8FccFBi662EqhmsTLtQj/HwqVr0RxOKL77ERaezSubEaIuepLDICJY\
    PxSsh3R9aWFeCw3NE8RcUHoLnhPOMRPQo2cRlhVMVgAaY+a++ukozd8TU3ssNGMZuuOfJJVElT+WnCE0101aXNvpw37CEWpH\
    ftEDUHiXMk4KO4eBjsh5qgaHFU7l5gpmQFSNI0scgPjZO0Z2BlQt0AWXgoxW02qG2ZECp7gKZeidjQSf77iAeScXFml8Yi+G\
    Bi9NgACprnLH4SEBHZxcWp+LPEPArdmaLt5sLOp7P/UHgLBucSYHc7XXqE53lIjaZZ10sjr1jQKBgQDdHH4qKNUU19IwoKoR\
    RkHhFjZ93QwuGkzUgJQ/0bO8/EGs51OLkx8TGSojTloWlL4YNXYF/mRJlu8+lCo5JUKrBrWzLpbBTcwLKtT2NntTxoPPkUDb\
    Qe2vI2YzU/azu5O3oMUxeIWa4BdBLq9hXUusALDOvGWODqm4W4kzj/xqWwKBgQC5lmjwSw49ZUuqjjlxS+iZOTnRtY1udakR\
    PtVqknJS6+tVe4N9xyHolQ2+sUX/7KO5hVM0vsciyD1BDLC1WTPtGHxoseJWXjf7v5WZLCOdyEUQk+CZIMm0HAL8yQHMXlbm\
    dl9icTlL/OKrsw/QxzNjt4bZI25XzTI83U/aRnR0rQKBgBY6EwSx7hmWSG7S98WcxmqWDQxB+EN6KVcDRePUdLj+sqtq5Z8W\
    Pv1wfifmbG/wq9tLJH4dwH8VSR+FTWlJMZZ3qjRE7qqn42cL+zR07ZjST9XByD9CNV5xtIhcXGRc6tB+vNPoRaX3+N54jvC+\
    rCiyORPPJHZPSwhZS0V/p+QZAoGAV0jVbAZw2RFWKA4iGBYSfFX8ypOvw/7UmEbMCwZ7fGJ22UpxCmvol8HaqBAqEvbR/gQl\
    oQ4FDGfO31Q/m9srX9x/TqIzCFnhzKZLjrHCwoeZa/WQ0ZQpKWtvQEKtdNf92QBdVihYQVPbq9NYoeG+WqzLYD6Yu/THJvcT\
    gl5WkTUCgYEAmSZjjkckLDlNH6IS8sZijivnn4NbIFt5u0oqpD/ENbdMbPh/LqTeq1mQK/Sp3LFMg3qWneZy5df3soX0vh6/\
    2zLyiwp0QryYERLRzmb+RoX7vyQbe3rJrCa0oPim3JPZgpmDMqRTFiWxG84PAC4bO4FBxCiFx7aMPrZ013uYB1U=\
    ",
    "\
    MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDaCivV95ZRk2JD1FJB60zxu/2AEQMzKbqt6D5OKBEN9I5W\
    0RbULip+i4doyi7hNKMe+l0Pm8KMgKBn0LoU8hfqlwuR3mqHPXZfa4LgeejZ3xEn2IHIolpw19YyaOpArcBV+UuRv10UUEvX\
    gS3QIl+zM6aNVUNXhD4t7n9V+24ZLFsCZyLb2O9YuwcpoWAAkZdAY57d92Us0Nuw88yRoptHIHX64xD+If572wKaIpBD3Zi1\
    zyGzTQTLpV9u0EjI+0UZsIOowBS5mY81TcNXYLPJLTcJDqmzvHPQnw7WJAdfXngCR76Lpg4lIz7gpNeRLPvqtHTkUgatJ/7d\
    Kj7KhcG5AgMBAAECggEAC9ZdhuJIMOmVfiU6ygViSgVwv9EsoUx0rBhduZSHSICscZ4sZRyUhgZBNbk0TlmzOW1SPBSyvToG\
    e1xjndt+3OeSYzr2AZ2enZOSqWk08Q8hOU6RzTizPEkbgeUcQqKsPH6qUaFYBlBNrcd/mzsigvIc6rNkUo4Faiz2kM5zrb4X\
    BJ27CgP7J1rHOL0anOzIVkt0uj6elG8WnPm0LdHrQM8oXeYsH2BVi5qS1f1RXNNLRLxIqlPdTHVb9Qhb8Fa0swSLJ8WVU/9W\
    sXC7qf5JpOUgtY9IhFtxSazgmt9+XvrXo6/c7xA6zzcPka8PREFbDFXIk6h95YWe+vUxaOk74QKBgQD8vC6Q34fg79CsyRX9\
    3Gvby6IHAwYSZze06SHTE2D8wu6MvqxexbjbuP0fiN7iUf8n23+s1Mu9oDbgRDxdnzq/GOLFg1Rjhoj3svb16tGTdwiFGXkk\
    aE7dBJsYqLyfAeY4F/l30gG+6qMVLUfnXW3qnQ0wqiWkfjW3NkmZHdw1vQKBgQDc2z+lbjZ+jnqAHSzjExEQR7rmcl+i2VYp\
    gpS7yzyBZV7eFCudPkcb28DJjnJ+cnge07kffejFD1LWfG9MPwDFxW1RC+WkInfc9RHLW3A2rzEZWe1wT5qn1zpWCI7kFgHr\
    HpPhNVAi8mpgngU78YHQ25+30emAZtCSJqYyZvfFrQKBgFTj7Iwy2NQgGSqAXIepiv0H2AOc62QxEVAN4pOgdbpQy4mw3frz\
    VNVQvIzkD2Fbg2Xi326xB0JJV0VbBh+4RSY8+Ka5JxZK8SSqEzOkzQJIQC9c0Aj/lEW+r03IF5sdKzP6MYwimP2EmISbcgRv\
    qGTenbiT3hLzZZ2FeZEZq4bNAoGBAIoS1/uIp7D/Sj6F/uYHqYdQENy5bGjXDzLsXCf7q1wKEAEvAwVPRg14mVJpJ9M9pTNA\
    kl/Jy5hHODa3nK1CRi1efDVLBspScjVFUVadV84YQM3klri8S6faurHGr+6Qg6qGd1U4i10NyMuWfxc2qT310CiPpzeLD6IP\
    X5/rF8QRAoGBAMEuXmrpuyhjw1kiWEls7XAQ64j802PK+E4kdMHKVspgT8S0TZX0Vc+W0QhLMd9CioPo81F8b4wix6VtwV9P\
    WmyD3P9GBwO2C67SAoEoxoq6mwV14zZqcghQekEXX9DIhl8mUlxpL3fgkQor3Fkt0ieG+4pcpHM3K8dBv3RkwSF7\
    ",
];

/// The clients both token endpoints know, and the issuer's signing keys, logins and counters.
#[derive(Debug, Default)]
pub(super) struct Identity {
    /// Confidential clients: id → secret.
    clients: BTreeMap<String, String>,
    current: Option<(AppTokenSigner, AppTokenSigner)>,
    previous: Option<(AppTokenSigner, AppTokenSigner)>,
    rotations: usize,
    key_fetches: usize,
    discovery_fetches: usize,
    /// Public clients (PKCE) the authorization endpoint knows.
    public_clients: BTreeSet<String>,
    /// Who logs in at the authorization endpoint: user and tenant.
    login: Option<(String, String)>,
    /// Codes not redeemed yet.
    codes: BTreeMap<String, CodeGrant>,
    /// Refresh tokens not used yet (each is spent by its use: rotation).
    refresh_tokens: BTreeMap<String, Grant>,
    /// Authorization-code and refresh grants answered with a token.
    user_tokens_issued: usize,
}

/// What a login granted: to which client, for whom, which scopes.
#[derive(Debug, Clone)]
struct Grant {
    client: String,
    user: String,
    tenant: String,
    scope: String,
}

/// A code and what redeeming it needs.
#[derive(Debug)]
struct CodeGrant {
    grant: Grant,
    redirect_uri: String,
    challenge: String,
}

impl Identity {
    /// The current RSA and Ed25519 signers, made on first use.
    fn current(&mut self) -> &(AppTokenSigner, AppTokenSigner) {
        let n = self.rotations;
        self.current.get_or_insert_with(|| keys(n))
    }

    fn jwks(&mut self) -> Value {
        self.current();
        let signers = self
            .current
            .iter()
            .chain(self.previous.iter())
            .flat_map(|(rsa, ed)| [rsa, ed]);
        jwks_document(signers)
    }
}

/// The signers of rotation `n`: an RSA key of [`RSA_KEYS`] in turn, a fresh Ed25519 key, and
/// key ids naming the rotation.
fn keys(n: usize) -> (AppTokenSigner, AppTokenSigner) {
    use base64::Engine as _;
    let der = base64::engine::general_purpose::STANDARD
        .decode(RSA_KEYS[n % RSA_KEYS.len()])
        .expect("embedded key is base64");
    let rsa = AppTokenSigner::rsa_pkcs8(&der, format!("fake-rsa-{n}")).expect("embedded RSA key");
    let ed = AppTokenSigner::ed25519(format!("fake-ed25519-{n}")).expect("system random source");
    (rsa, ed)
}

/// The fields of a token request that are credentials.
const SECRET_FIELDS: [&str; 4] = ["code", "code_verifier", "refresh_token", "client_secret"];

/// A token request's form body with its credentials (code, verifier, refresh token, secret)
/// as `***`, for the request record; `None` for other requests.
pub(super) fn mask_form(request: &FakeRequest) -> Option<String> {
    let path = request.path.split('?').next().unwrap_or_default();
    if path != TOKEN_PATH && path != "/oauth2/token" {
        return None;
    }
    let mut masked = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in url_form(&request.body) {
        let value = if SECRET_FIELDS.contains(&key.as_str()) {
            "***".to_owned()
        } else {
            value
        };
        masked.append_pair(&key, &value);
    }
    Some(masked.finish())
}

/// Whether `path` is one of the issuer's.
pub(super) fn serves(path: &str) -> bool {
    [DISCOVERY_PATH, KEYS_PATH, TOKEN_PATH, AUTHORIZE_PATH].contains(&path)
}

/// The issuer's routes.
pub(super) fn route(
    state: &mut State,
    request: &FakeRequest,
    path: &str,
    origin: &str,
) -> Response<Full<Bytes>> {
    match (&request.method, path) {
        (&Method::GET, DISCOVERY_PATH) => {
            state.identity.discovery_fetches += 1;
            let document = json!({
                "issuer": origin,
                "token_endpoint": format!("{origin}{TOKEN_PATH}"),
                "jwks_uri": format!("{origin}{KEYS_PATH}"),
                "authorization_endpoint": format!("{origin}{AUTHORIZE_PATH}"),
                "code_challenge_methods_supported": ["S256"],
                "grant_types_supported": ["client_credentials", "authorization_code", "refresh_token"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                "id_token_signing_alg_values_supported": ["RS256", "EdDSA"],
                "scopes_supported": ["openid", "offline_access"],
            });
            json_response(StatusCode::OK, &document)
        }
        (&Method::GET, KEYS_PATH) => {
            state.identity.key_fetches += 1;
            let document = state.identity.jwks();
            json_response(StatusCode::OK, &document)
        }
        (&Method::POST, TOKEN_PATH) => token(state, request, origin),
        (&Method::GET, AUTHORIZE_PATH) => authorize(state, request),
        _ => plain(StatusCode::METHOD_NOT_ALLOWED, ""),
    }
}

fn json_response(status: StatusCode, value: &Value) -> Response<Full<Bytes>> {
    respond(status, "application/json", value.to_string().into_bytes())
}

/// The client-credentials grant as the current platform takes it.
fn token(state: &mut State, request: &FakeRequest, origin: &str) -> Response<Full<Bytes>> {
    let refuse = |status, code: &str, description: &str| {
        json_response(
            status,
            &json!({"error": code, "error_description": description}),
        )
    };
    let form = url_form(&request.body);
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    match field("grant_type") {
        Some("client_credentials") => {}
        Some("authorization_code") => return redeem_code(state, &form, origin),
        Some("refresh_token") => return refresh(state, &form, origin),
        _ => return refuse(StatusCode::BAD_REQUEST, "unsupported_grant_type", ""),
    }
    if field("client_id").is_some() || field("client_secret").is_some() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client credentials are accepted as HTTP Basic only",
        );
    }
    if !field("scope").is_some_and(|s| s.split(' ').any(|s| s == "openid")) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "scope openid is required",
        );
    }
    let basic = request
        .header("authorization")
        .and_then(|h| h.strip_prefix("Basic "))
        .and_then(decode_basic);
    let Some((client, _)) =
        basic.filter(|(id, secret)| state.identity.clients.get(id) == Some(secret))
    else {
        return refuse(StatusCode::UNAUTHORIZED, "invalid_client", "");
    };
    let lifetime = state.token_lifetime();
    let serial = state.next("oidc-token");
    let now = state.unix_now();
    let claims = json!({
        "iss": origin, "sub": client, "aud": [client], "client_id": client,
        "iat": now, "exp": now + lifetime.as_secs(), "jti": serial,
    });
    let token = state.identity.current().0.sign(&claims);
    let expires = state.expiry(lifetime);
    state.tokens.insert(token.clone(), expires);
    json_response(
        StatusCode::OK,
        &json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": lifetime.as_secs(),
        }),
    )
}

/// The authorization endpoint, non-interactive: the configured user (of the configured tenant)
/// has logged in and consented, so it redirects (302) to `redirect_uri` with a one-time `code`
/// and the `state`. A public client must be known and send an S256 challenge; errors the
/// client can be told of go back to `redirect_uri` as `error=…`, an unknown client or a
/// missing redirect URI get a 400 here.
fn authorize(state: &mut State, request: &FakeRequest) -> Response<Full<Bytes>> {
    let query = request
        .path
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default();
    let query = url_form(query.as_bytes());
    let field = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let refuse = |code: &str| json_response(StatusCode::BAD_REQUEST, &json!({"error": code}));
    let Some(client) = field("client_id").filter(|c| state.identity.public_clients.contains(c))
    else {
        return refuse("invalid_client");
    };
    let Some(mut redirect) = field("redirect_uri").and_then(|r| url::Url::parse(&r).ok()) else {
        return refuse("invalid_request");
    };
    let redirect_uri = redirect.to_string();
    let client_state = field("state");
    let error = if field("response_type").as_deref() != Some("code") {
        Some("unsupported_response_type")
    } else if field("code_challenge_method").as_deref() != Some("S256")
        || field("code_challenge").is_none_or(|c| c.len() != 43)
    {
        Some("invalid_request")
    } else if state.identity.login.is_none() {
        Some("access_denied")
    } else {
        None
    };
    {
        let mut pairs = redirect.query_pairs_mut();
        match error {
            Some(error) => {
                pairs.append_pair("error", error);
            }
            None => {
                let (user, tenant) = state.identity.login.clone().unwrap_or_default();
                let code = state.next("fake-code");
                let grant = Grant {
                    client,
                    user,
                    tenant,
                    scope: field("scope").unwrap_or_default(),
                };
                let challenge = field("code_challenge").unwrap_or_default();
                state.identity.codes.insert(
                    code.clone(),
                    CodeGrant {
                        grant,
                        redirect_uri,
                        challenge,
                    },
                );
                pairs.append_pair("code", &code);
            }
        }
        if let Some(client_state) = &client_state {
            pairs.append_pair("state", client_state);
        }
    }
    let mut response = plain(StatusCode::FOUND, "");
    if let Ok(location) = redirect.as_str().parse() {
        response.headers_mut().insert("location", location);
    }
    response
}

fn form_field<'f>(form: &'f [(String, String)], name: &str) -> Option<&'f str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn invalid_grant(description: &str) -> Response<Full<Bytes>> {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({"error": "invalid_grant", "error_description": description}),
    )
}

/// The authorization-code grant of a public client: the code once (a replayed code is refused),
/// for the client and redirect URI it was issued to, with the verifier of its challenge.
fn redeem_code(
    state: &mut State,
    form: &[(String, String)],
    origin: &str,
) -> Response<Full<Bytes>> {
    let code = form_field(form, "code").unwrap_or_default();
    // Spent by any attempt, as RFC 6749 asks of a code that was tried.
    let Some(issued) = state.identity.codes.remove(code) else {
        return invalid_grant("unknown or used code");
    };
    if form_field(form, "client_id") != Some(issued.grant.client.as_str()) {
        return invalid_grant("code of another client");
    }
    if form_field(form, "redirect_uri") != Some(issued.redirect_uri.as_str()) {
        return invalid_grant("redirect_uri differs");
    }
    let verifier = form_field(form, "code_verifier").unwrap_or_default();
    if jtl_erp_runtime::auth::pkce_challenge(verifier) != issued.challenge {
        return invalid_grant("code_verifier does not match the challenge");
    }
    user_token(state, issued.grant, origin)
}

/// The refresh-token grant: a refresh token once (rotation: the answer carries the next), for
/// the client it was issued to.
fn refresh(state: &mut State, form: &[(String, String)], origin: &str) -> Response<Full<Bytes>> {
    let token = form_field(form, "refresh_token").unwrap_or_default();
    let Some(grant) = state.identity.refresh_tokens.remove(token) else {
        return invalid_grant("unknown or used refresh token");
    };
    if form_field(form, "client_id") != Some(grant.client.as_str()) {
        return invalid_grant("refresh token of another client");
    }
    user_token(state, grant, origin)
}

/// An access token for the user of `grant` (RS256, `sub` the user, `urn:jtl:tenant_id`), and a
/// new refresh token when the grant has `offline_access`.
fn user_token(state: &mut State, grant: Grant, origin: &str) -> Response<Full<Bytes>> {
    let lifetime = state.token_lifetime();
    let serial = state.next("user-token");
    let now = state.unix_now();
    let claims = json!({
        "iss": origin, "sub": grant.user, "aud": [grant.client], "client_id": grant.client,
        "urn:jtl:app_id": grant.client, "urn:jtl:tenant_id": grant.tenant, "scope": grant.scope,
        "iat": now, "exp": now + lifetime.as_secs(), "jti": serial,
    });
    let token = state.identity.current().0.sign(&claims);
    let expires = state.expiry(lifetime);
    state.tokens.insert(token.clone(), expires);
    state.identity.user_tokens_issued += 1;
    let mut answer = json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
        "scope": grant.scope,
    });
    if grant.scope.split(' ').any(|s| s == "offline_access") {
        let refresh = state.next("fake-refresh");
        state.identity.refresh_tokens.insert(refresh.clone(), grant);
        answer["refresh_token"] = json!(refresh);
    }
    json_response(StatusCode::OK, &answer)
}

/// Which of the issuer's current keys signs an app token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppTokenAlg {
    /// RS256 with the current RSA key, as the issuer signs by default.
    Rs256,
    /// EdDSA with the current Ed25519 key.
    EdDsa,
}

/// Scripts both identity generations: [`FakeJtl::identity`].
#[derive(Debug, Clone, Copy)]
pub struct IdentityApi<'f> {
    pub(super) fake: &'f FakeJtl,
}

impl IdentityApi<'_> {
    /// Accepts these client credentials at both token endpoints ([`FakeJtl::token_url`] and
    /// the issuer's `/oauth/v2/token`).
    pub fn add_client(&self, client_id: &str, client_secret: &str) {
        self.fake
            .state()
            .identity
            .clients
            .insert(client_id.to_owned(), client_secret.to_owned());
    }

    /// An app token as the issuer mints it for the App Shell: `iss`, `aud: [app]`,
    /// `urn:jtl:app_id`, `urn:jtl:tenant_id`, `sub` (the user, when given), `iat` now (on the
    /// fake's clock) and `exp` after `lifetime`, signed with the current key of `alg` and its
    /// `kid`.
    pub fn app_token(
        &self,
        alg: AppTokenAlg,
        app: &str,
        tenant: &str,
        user: Option<&str>,
        lifetime: Duration,
    ) -> String {
        let issuer = self.fake.issuer();
        let mut state = self.fake.state();
        let now = state.clock.wall_clock();
        let (rsa, ed) = state.identity.current();
        let signer = match alg {
            AppTokenAlg::Rs256 => rsa,
            AppTokenAlg::EdDsa => ed,
        };
        signer.app_token(&issuer, app, tenant, user, lifetime, now)
    }

    /// Signs any claims with the current RSA key (expired, foreign or tenant-less app tokens).
    pub fn sign_claims(&self, claims: &Value) -> String {
        self.fake.state().identity.current().0.sign(claims)
    }

    /// Signs any claims under any header with the current RSA key (`alg` confusion tests).
    pub fn sign_claims_with_header(&self, header: &Value, claims: &Value) -> String {
        self.fake
            .state()
            .identity
            .current()
            .0
            .sign_with_header(header, claims)
    }

    /// Replaces both signing keys and returns their key ids (RSA, Ed25519). The key set then
    /// lists the new keys and the ones before them, as during a real rotation.
    pub fn rotate_keys(&self) -> (String, String) {
        let mut state = self.fake.state();
        let identity = &mut state.identity;
        identity.current();
        identity.previous = identity.current.take();
        identity.rotations += 1;
        let (rsa, ed) = identity.current();
        let kid = |s: &AppTokenSigner| s.kid().unwrap_or_default().to_owned();
        (kid(rsa), kid(ed))
    }

    /// Drops the previous keys from the key set: tokens signed with them no longer verify.
    pub fn retire_previous_keys(&self) {
        self.fake.state().identity.previous = None;
    }

    /// The issuer's key set as served now.
    pub fn jwks(&self) -> Value {
        self.fake.state().identity.jwks()
    }

    /// How many times the issuer's key set was served.
    pub fn jwks_fetches(&self) -> usize {
        self.fake.state().identity.key_fetches
    }

    /// How many times the discovery document was served.
    pub fn discovery_fetches(&self) -> usize {
        self.fake.state().identity.discovery_fetches
    }

    /// Accepts this public client (no secret) at the authorization endpoint
    /// (`{issuer}/oauth/v2/authorize`) and in the authorization-code and refresh grants.
    pub fn add_public_client(&self, client_id: &str) {
        self.fake
            .state()
            .identity
            .public_clients
            .insert(client_id.to_owned());
    }

    /// Who has logged in at the authorization endpoint: it redirects with a code for this user
    /// of this tenant (without one, it redirects with `error=access_denied`).
    pub fn set_login(&self, user: &str, tenant: &str) {
        self.fake.state().identity.login = Some((user.to_owned(), tenant.to_owned()));
    }

    /// Forgets every refresh token (as when the user revokes the app's access).
    pub fn revoke_refresh_tokens(&self) {
        self.fake.state().identity.refresh_tokens.clear();
    }

    /// How many user tokens the authorization-code and refresh grants issued.
    pub fn user_tokens_issued(&self) -> usize {
        self.fake.state().identity.user_tokens_issued
    }
}

/// The legacy token endpoint (`auth.jtl-cloud.com/oauth2/token`): client credentials as HTTP
/// Basic or in the form body, no `scope` required.
pub(super) fn legacy_token(state: &mut State, request: &FakeRequest) -> Response<Full<Bytes>> {
    let refuse = |status, code: &str| {
        let body = OAuthError::new(code);
        let mut bytes = Vec::new();
        let _ = Wire::<_, jtl_erp_runtime::wire::Snake>::new(&body)
            .serialize(&mut serde_json::Serializer::new(&mut bytes));
        respond(status, "application/json", bytes)
    };
    let form: Vec<(String, String)> = url_form(&request.body);
    if !form
        .iter()
        .any(|(k, v)| k == "grant_type" && v == "client_credentials")
    {
        return refuse(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let basic = request
        .header("authorization")
        .and_then(|h| h.strip_prefix("Basic "))
        .and_then(decode_basic);
    let known = basic.is_some_and(|(id, secret)| state.identity.clients.get(&id) == Some(&secret));
    if !known {
        return refuse(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let lifetime = state.token_lifetime();
    let token = state.next("access-token");
    let expires = state.expiry(lifetime);
    state.tokens.insert(token.clone(), expires);
    let body = TokenResponse::new(token, "Bearer", lifetime.as_secs() as i64);
    let mut bytes = Vec::new();
    let _ = Wire::<_, jtl_erp_runtime::wire::Snake>::new(&body)
        .serialize(&mut serde_json::Serializer::new(&mut bytes));
    respond(StatusCode::OK, "application/json", bytes)
}
