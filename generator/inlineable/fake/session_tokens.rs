//! App Shell session tokens: the JWKS at `/account/.well-known/jwks.json`, behind the app's
//! client-credentials token, the signing keys behind it, and [`SessionTokensApi`], the handle
//! that scripts them.

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

/// Scripts the App Shell's session tokens: [`FakeJtl::session_tokens`].
#[derive(Debug, Clone, Copy)]
pub struct SessionTokensApi<'f> {
    pub(super) fake: &'f FakeJtl,
}

impl SessionTokensApi<'_> {
    /// A session token as the App Shell hands it out: `tenantId`, `userId` when given, `iat`
    /// now, `exp` after `lifetime`, signed with the current key (EdDSA, with its `kid`).
    pub fn issue(&self, tenant: &str, user: Option<&str>, lifetime: Duration) -> String {
        let mut state = self.fake.state();
        let now = state.unix_now();
        let mut claims = serde_json::json!({
            "tenantId": tenant,
            "iat": now,
            "exp": now + lifetime.as_secs(),
        });
        if let Some(user) = user {
            claims["userId"] = user.into();
        }
        state.session_tokens.current().sign(&claims)
    }

    /// Signs any claims with the current key (expired, future or tenant-less tokens for tests).
    pub fn sign_claims(&self, claims: &serde_json::Value) -> String {
        self.fake.state().session_tokens.current().sign(claims)
    }

    /// The key id of the current signing key.
    pub fn key_id(&self) -> String {
        self.fake.state().session_tokens.current().kid().to_owned()
    }

    /// Replaces the signing key with a fresh one and returns its key id. The JWKS then lists
    /// the new key and the one before it, as during a real rotation.
    pub fn rotate_key(&self) -> String {
        let mut state = self.fake.state();
        let session = &mut state.session_tokens;
        session.current();
        session.previous = session.current.take();
        session.current().kid().to_owned()
    }

    /// Drops the previous key from the JWKS: tokens signed with it no longer verify.
    pub fn retire_previous_key(&self) {
        self.fake.state().session_tokens.previous = None;
    }

    /// The JWKS document as [`FakeJtl::jwks_url`] serves it now (for tests that check keys by
    /// hand).
    pub fn jwks(&self) -> serde_json::Value {
        let mut state = self.fake.state();
        let session = &mut state.session_tokens;
        session.current();
        jtl_erp_runtime::session_token::jwks_document(
            session.current.iter().chain(session.previous.iter()),
        )
    }

    /// How many times the JWKS was served (requests refused with 401 not counted).
    pub fn jwks_fetches(&self) -> usize {
        self.fake.state().session_tokens.fetches
    }
}

pub(super) fn jwks(state: &mut State, request: &FakeRequest) -> Response<Full<Bytes>> {
    let bearer = request
        .header("authorization")
        .is_some_and(|h| h.starts_with("Bearer "));
    if !bearer || request.credentials(state).is_none() {
        return plain(StatusCode::UNAUTHORIZED, "");
    }
    state.session_tokens.fetches += 1;
    state.session_tokens.current();
    let session = &state.session_tokens;
    let document = jtl_erp_runtime::session_token::jwks_document(
        session.current.iter().chain(session.previous.iter()),
    );
    respond(
        StatusCode::OK,
        "application/json",
        document.to_string().into_bytes(),
    )
}
