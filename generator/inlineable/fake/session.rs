//! App Shell session tokens: the JWKS at `/account/.well-known/jwks.json`, behind the app's
//! client-credentials token, and the signing keys behind it.

use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Response, StatusCode};
use jtl_erp_runtime::serde_json;

use super::encoding::{plain, respond};
use super::request::FakeRequest;
use super::{FakeJtl, State};

pub(super) const JWKS_PATH: &str = "/account/.well-known/jwks.json";

/// The fake App Shell's signing keys: made on first use, so each fake has its own.
#[derive(Debug, Default)]
pub(super) struct SessionKeys {
    current: Option<jtl_erp_runtime::session_token::SessionTokenSigner>,
    previous: Option<jtl_erp_runtime::session_token::SessionTokenSigner>,
    fetches: usize,
}

impl SessionKeys {
    fn current(&mut self) -> &jtl_erp_runtime::session_token::SessionTokenSigner {
        self.current.get_or_insert_with(|| {
            jtl_erp_runtime::session_token::SessionTokenSigner::random()
                .expect("system random source")
        })
    }
}

impl FakeJtl {
    /// The JWKS of session tokens, as the Cloud serves it on the API host; it answers only to
    /// a Bearer token from [`FakeJtl::token_url`] (401 otherwise).
    pub fn jwks_url(&self) -> String {
        format!("http://{}{JWKS_PATH}", self.addr)
    }

    /// A session token as the App Shell hands it out: `tenantId`, `userId` when given, `iat`
    /// now, `exp` after `lifetime`, signed with the current key (EdDSA, with its `kid`).
    pub fn session_token(&self, tenant: &str, user: Option<&str>, lifetime: Duration) -> String {
        let mut state = self.state();
        let now = state.unix_now();
        let mut claims = serde_json::json!({
            "tenantId": tenant,
            "iat": now,
            "exp": now + lifetime.as_secs(),
        });
        if let Some(user) = user {
            claims["userId"] = user.into();
        }
        state.session.current().sign(&claims)
    }

    /// Signs any claims with the current key (expired, future or tenant-less tokens for tests).
    pub fn sign_session_claims(&self, claims: &serde_json::Value) -> String {
        self.state().session.current().sign(claims)
    }

    /// The key id of the current signing key.
    pub fn session_key_id(&self) -> String {
        self.state().session.current().kid().to_owned()
    }

    /// Replaces the signing key with a fresh one and returns its key id. The JWKS then lists
    /// the new key and the one before it, as during a real rotation.
    pub fn rotate_session_key(&self) -> String {
        let mut state = self.state();
        let session = &mut state.session;
        session.current();
        session.previous = session.current.take();
        session.current().kid().to_owned()
    }

    /// Drops the previous key from the JWKS: tokens signed with it no longer verify.
    pub fn retire_previous_session_key(&self) {
        self.state().session.previous = None;
    }

    /// The JWKS document as the endpoint serves it now (for tests that check keys by hand).
    pub fn session_jwks(&self) -> serde_json::Value {
        let mut state = self.state();
        let session = &mut state.session;
        session.current();
        jtl_erp_runtime::session_token::jwks_document(
            session.current.iter().chain(session.previous.iter()),
        )
    }

    /// How many times the JWKS was served (requests refused with 401 not counted).
    pub fn jwks_fetches(&self) -> usize {
        self.state().session.fetches
    }
}

pub(super) fn jwks(state: &mut State, request: &FakeRequest) -> Response<Full<Bytes>> {
    let bearer = request
        .header("authorization")
        .is_some_and(|h| h.starts_with("Bearer "));
    if !bearer || request.credentials(state).is_none() {
        return plain(StatusCode::UNAUTHORIZED, "");
    }
    state.session.fetches += 1;
    state.session.current();
    let session = &state.session;
    let document = jtl_erp_runtime::session_token::jwks_document(
        session.current.iter().chain(session.previous.iter()),
    );
    respond(
        StatusCode::OK,
        "application/json",
        document.to_string().into_bytes(),
    )
}
