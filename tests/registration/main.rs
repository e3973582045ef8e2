//! The registration flow, scopes, the Cloud App manifest, signature, the fake JTL, and Cloud App
//! backends (session tokens, the example backend).

mod accounting;
mod app_backend;
mod app_token;
mod backend;
mod fake;
mod fake_identity;
mod flow;
mod manifest;
mod scopes;
mod session;
mod wawi;
