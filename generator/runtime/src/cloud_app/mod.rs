//! The Cloud App side: what a Cloud App's backend needs besides calling the ERP, and generated
//! code never calls. Verifying the App Shell's tokens (`app_token.rs` for the identity platform's
//! app tokens, `session.rs` for the older session tokens, both on the JOSE core of `jose.rs`),
//! the environments and their configuration (`environment.rs`), scopes (`scopes.rs`), the app
//! manifest (`manifest.rs`) and the registration signature (`signature.rs`).

pub mod app_token;
pub mod environment;
pub(crate) mod jose;
mod keys;
pub mod manifest;
pub mod scopes;
pub mod session;
pub mod signature;
