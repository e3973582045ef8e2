//! Hand-written runtime of the generated JTL ERP client.
//!
//! The crate `jtl-erp-client` is generated from `spec/` by `cargo xtask regen`; everything it
//! needs at run time that does not depend on the documents lives here, written by hand: the
//! transport ([`Transport`]), authentication ([`auth`]), request-context headers ([`Context`]),
//! interceptors ([`hooks`]), errors ([`Error`]) and the wire dialects that let one Rust type
//! speak camelCase and PascalCase ([`wire`]).
//!
//! What only generated code calls (the send path, body and query encoding, decoding) lives in the
//! hidden module `codegen`; the items documented here are the client library.

#![warn(missing_docs)]

// The runtime by job: the transport every call goes through, authentication, the fleet's
// shared state, and the Cloud App side; around them what generated code names (`codegen`,
// `wire`, `types`) and the clock all of them read (`time`).
pub mod auth;
mod cloud_app;
#[doc(hidden)]
pub mod codegen;
pub mod fleet;
/// RFC 6901 pointers: the one helper, shared with the generator (`#[path]`).
mod json_pointer;
pub mod time;
mod transport;
mod types;
pub mod wire;

pub use cloud_app::{app_token, environment, manifest, scopes, session_token, signature};
pub use transport::{hooks, paging};

pub use transport::backoff::Backoff;
pub use transport::client::{
    ClientBuilder, DEFAULT_MAX_BODY_BYTES, RateLimitPolicy, RetryPolicy, Transport,
};
pub use transport::context::{Context, ContextKey};
// Generator plumbing: named by generated code, not by users.
#[doc(hidden)]
pub use transport::context::ContextHeader;
pub use transport::error::{ApiError, BuildError, Error, ErrorKind};
pub use transport::excerpt::ServerText;
pub use transport::operation::Operation;
#[doc(hidden)]
pub use transport::operation::{AuthNeed, DocumentedStatus};
pub use transport::ratelimit::RateLimit;
pub use transport::response::{RawResponse, ResponseValue};
pub use transport::settings::HttpSettings;
pub use types::{Base64Bytes, Binary, Secret};

// Re-exported because generated code names them (`rt::serde`, `rt::chrono`, …) or a public
// signature of this crate does (`http::HeaderMap` of errors, `bytes::Bytes` of binary answers,
// `reqwest::ClientBuilder` of `configure_http`), so users name the same versions. Not the async
// runtime: callers bring their own tokio.
#[doc(no_inline)]
pub use {bytes, chrono, http, reqwest, serde, serde_json, tracing, uuid};
