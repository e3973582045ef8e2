//! Hand-written modules of the generated client crate, edited, compiled, linted and tested here.
//!
//! The registration flow and the fake JTL are written against the generated models, so they
//! cannot live in the runtime. They are written here, as modules of this crate, which depends on
//! the generated crate and re-exports its modules at its root: `crate::models` and
//! `crate::erp_v1` mean the same here as in the generated crate, so each file compiles unchanged
//! in both places. `cargo xtask regen` copies them into `generated/src/` (as smithy-rs copies its
//! "inlineable" code), so that downstream teams depend on one crate; compiler errors and lints
//! appear here first, pointing at the file one edits.
//!
//! Which module needs which operations is listed in `generator/src/emit/inlineable.rs`; when the
//! documents lose one of them, the generator warns and leaves the module out.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use jtl_erp_client::{erp_v1, erp_v2, identity, models, scx};

#[cfg(feature = "fake")]
pub mod fake;
pub mod registration;
pub mod wawi_session;
