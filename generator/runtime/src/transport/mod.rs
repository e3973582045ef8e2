//! The transport: what every generated call goes through. The client and its builder
//! (`client.rs`), the settings shared by everything that talks HTTP (`settings.rs`), the
//! request context (`context.rs`, `context_keys.rs`), bodies and queries (`body.rs`,
//! `query.rs`), answers and errors (`response.rs`, `error.rs`, `excerpt.rs`), retries and the
//! rate-limit window (`backoff.rs`, `ratelimit.rs`), the https and redirect rules
//! (`security.rs`), the user's hooks (`hooks.rs`), the operations' metadata (`operation.rs`) and
//! paged lists (`paging.rs`).

pub(crate) mod backoff;
pub(crate) mod body;
pub(crate) mod client;
pub(crate) mod context;
pub(crate) mod context_keys;
pub(crate) mod error;
pub(crate) mod excerpt;
pub mod hooks;
pub(crate) mod operation;
pub mod paging;
pub(crate) mod query;
pub(crate) mod ratelimit;
pub(crate) mod response;
pub(crate) mod security;
pub(crate) mod settings;
