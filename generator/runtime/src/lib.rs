//! Hand-written runtime of the generated JTL ERP client.
//!
//! The crate `jtl-erp-client` is generated from `spec/` by `cargo xtask regen`; everything it
//! needs at run time that does not depend on the documents lives here, written by hand: the
//! transport ([`Client`]), authentication ([`auth`]), request-context headers ([`Context`]),
//! interceptors ([`hooks`]), errors ([`Error`]) and the wire dialects that let one Rust type
//! speak camelCase and PascalCase ([`wire`]).
//!
//! What only generated code calls (the send path, body and query encoding, decoding) lives in the
//! hidden module `codegen`; the items documented here are the client library.

#![warn(missing_docs)]

pub mod app_token;
pub mod auth;
mod backoff;
mod body;
mod client;
#[doc(hidden)]
pub mod codegen;
mod context;
mod context_keys;
pub mod environment;
mod error;
mod excerpt;
pub mod hooks;
mod jose;
pub mod manifest;
mod operation;
pub mod paging;
mod query;
mod ratelimit;
mod response;
pub mod scopes;
mod security;
pub mod session;
pub mod shared;
pub mod signature;
pub mod time;
mod transport;
mod types;
pub mod wire;

pub use backoff::Backoff;
pub use client::{Client, ClientBuilder, DEFAULT_MAX_BODY_BYTES, RateLimitPolicy, RetryPolicy};
pub use context::{Context, ContextHeader, ContextKey};
pub use error::{ApiError, BuildError, Error, ErrorKind};
pub use excerpt::ServerText;
pub use operation::{AuthNeed, DocumentedStatus, Operation};
pub use ratelimit::RateLimit;
pub use response::{RawResponse, ResponseValue};
pub use transport::Transport;
pub use types::{Base64Bytes, Secret};

// Re-exported because generated code names them (`rt::serde`, `rt::chrono`, …) or a public
// signature of this crate does (`http::HeaderMap` of errors, `bytes::Bytes` of binary answers,
// `reqwest::ClientBuilder` of `configure_http`), so users name the same versions. Not the async
// runtime: callers bring their own tokio.
#[doc(no_inline)]
pub use {bytes, chrono, http, reqwest, serde, serde_json, tracing, uuid};
