//! The SCX Channel API's token exchange: `POST /v1/auth` with a multipart `refreshToken`, and
//! [`ScxApi`], the handle that scripts it.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Response, StatusCode};
use jtl_erp_runtime::serde::Serialize as _;
use jtl_erp_runtime::serde_json;
use jtl_erp_runtime::wire::{Camel, Wire};

use super::encoding::{multipart_field, plain, respond};
use super::request::FakeRequest;
use super::{FakeJtl, State};
use crate::models::AuthToken;

/// The refresh tokens the exchange accepts.
#[derive(Debug, Default)]
pub(super) struct Scx {
    refresh_tokens: Vec<String>,
}

/// Scripts the SCX Channel API: [`FakeJtl::scx`].
#[derive(Debug, Clone, Copy)]
pub struct ScxApi<'f> {
    pub(super) fake: &'f FakeJtl,
}

impl ScxApi<'_> {
    /// Accepts this refresh token at `POST /v1/auth`.
    pub fn add_refresh_token(&self, refresh_token: &str) {
        self.fake
            .state()
            .scx
            .refresh_tokens
            .push(refresh_token.to_owned());
    }
}

pub(super) fn token(state: &mut State, request: &FakeRequest) -> Response<Full<Bytes>> {
    let known = multipart_field(&request.body, "refreshToken")
        .is_some_and(|t| state.scx.refresh_tokens.contains(&t));
    if !known {
        return plain(StatusCode::UNAUTHORIZED, "");
    }
    let lifetime = state.token_lifetime();
    let token = state.next("scx-token");
    let expires = state.expiry(lifetime);
    state.tokens.insert(token.clone(), expires);
    let now: jtl_erp_runtime::chrono::DateTime<jtl_erp_runtime::chrono::Utc> =
        state.clock.wall_clock().into();
    let expires_at = now.fixed_offset() + lifetime;
    let body = AuthToken::new(token, lifetime.as_secs() as i64)
        .with_scope("CHANNEL")
        .with_token_expire_at(expires_at);
    let mut bytes = Vec::new();
    let _ = Wire::<_, Camel>::new(&body).serialize(&mut serde_json::Serializer::new(&mut bytes));
    respond(StatusCode::OK, "application/json", bytes)
}
