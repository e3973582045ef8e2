//! A request as every route sees it, and the credentials it carries (a Wawi API key, or a
//! Bearer token the fake issued and its clock has not expired): what each API's routes read,
//! below all of them.

use hyper::Method;
use hyper::body::Bytes;

use super::State;

/// A request as the routes see it.
pub(super) struct FakeRequest {
    pub(super) method: Method,
    pub(super) path: String,
    pub(super) headers: hyper::HeaderMap,
    pub(super) body: Bytes,
}

impl FakeRequest {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Which scopes the request's credentials carry: `None` without valid credentials.
    pub(super) fn credentials(&self, state: &State) -> Option<Vec<String>> {
        let authorization = self.header("authorization").unwrap_or_default();
        if let Some(key) = authorization
            .strip_prefix("Wawi ")
            .or_else(|| self.header("x-api-key"))
        {
            return state.api_keys.get(key).cloned();
        }
        let token = authorization.strip_prefix("Bearer ")?;
        let expires = state.tokens.get(token)?;
        (state.clock.now() < *expires).then(|| vec!["*".to_owned()])
    }
}
