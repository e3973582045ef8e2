//! Hand-written runtime of the generated JTL ERP client.
//!
//! The crate `jtl-erp-client` is generated from `spec/` by `cargo xtask regen`; everything it
//! needs at run time that does not depend on the documents lives here, written by hand: the
//! transport ([`Client`]), authentication ([`auth`]), request-context headers ([`Context`]),
//! interceptors ([`hooks`]), errors ([`Error`]) and the wire dialects that let one Rust type
//! speak camelCase and PascalCase ([`wire`]).

#![warn(missing_docs)]

pub mod auth;
mod client;
mod context;
mod error;
pub mod hooks;
mod operation;
mod query;
mod response;
pub mod scopes;
mod security;
pub mod signature;
mod types;
pub mod wire;

pub use client::{Client, ClientBuilder, DEFAULT_MAX_BODY_BYTES, RequestBody, RetryPolicy};
pub use context::{Context, ContextHeader, ContextKey};
pub use error::{ApiError, BuildError, Error};
pub use operation::{AuthNeed, Operation};
pub use query::{Query, QueryValue};
pub use response::{RawResponse, ResponseValue};
pub use security::{is_loopback, redirect_allowed, same_origin_redirects};
pub use types::{Base64Bytes, Secret};

/// Re-exported so generated code and users name the same versions.
pub use {bytes, chrono, http, reqwest, serde, serde_json, tokio, tracing, uuid};

/// Characters a path segment keeps; everything else is percent-encoded.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a path parameter so that it stays one segment (`/` and `?` included).
pub fn encode_path_segment(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// At most this many characters of a body go into an error.
pub const EXCERPT_CHARS: usize = 120;

/// A short, safe excerpt of a body for error messages: JSON with every string value replaced
/// by `"…"` (values may be keys or tokens; the structure is what helps), anything else as text
/// with control characters escaped; at most [`EXCERPT_CHARS`] characters.
pub fn excerpt(body: &[u8]) -> String {
    fn mask(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(s) => *s = "…".to_owned(),
            serde_json::Value::Array(items) => items.iter_mut().for_each(mask),
            serde_json::Value::Object(map) => map.values_mut().for_each(mask),
            _ => {}
        }
    }
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            mask(&mut value);
            value.to_string()
        }
        Err(_) => String::from_utf8_lossy(&body[..body.len().min(EXCERPT_CHARS * 4)])
            .escape_debug()
            .to_string(),
    };
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
