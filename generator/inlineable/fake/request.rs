//! A request as every route sees it, the generation it speaks, its challenge code and the
//! credentials it carries (a Wawi API key, or a Bearer token the fake issued and its clock has
//! not expired): what each API's routes read, below all of them.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Method, Response, StatusCode};

use super::encoding::error;
use super::{Casing, State};

/// The vendor takes challenge codes of up to 30 characters.
const MAX_CHALLENGE_CODE_CHARS: usize = 30;

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

    /// The refusal of a request without the challenge code an operation declares as required
    /// (400 `ChallengeCodeMissing`, or `ChallengeCodeTooLong` beyond 30 characters): checked
    /// first, before anything else is read or changes.
    pub(super) fn challenge_code_refusal(
        &self,
        state: &State,
        casing: Casing,
    ) -> Option<Response<Full<Bytes>>> {
        match self.header("x-challengecode") {
            None | Some("") => Some(error(
                state,
                StatusCode::BAD_REQUEST,
                "ChallengeCodeMissing",
                casing,
            )),
            Some(code) if code.chars().count() > MAX_CHALLENGE_CODE_CHARS => Some(error(
                state,
                StatusCode::BAD_REQUEST,
                "ChallengeCodeTooLong",
                casing,
            )),
            Some(_) => None,
        }
    }
}

/// Which generation an ERP request speaks, by its path and `api-version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Generation {
    V1,
    V2,
    V2Unversioned,
}

impl Generation {
    pub(super) fn casing(self) -> Casing {
        match self {
            Generation::V1 | Generation::V2 => Casing::Pascal,
            Generation::V2Unversioned => Casing::Camel,
        }
    }

    pub(super) fn api_version(self) -> &'static str {
        match self {
            Generation::V1 => "1.0",
            Generation::V2 | Generation::V2Unversioned => "2.0",
        }
    }
}
