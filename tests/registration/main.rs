//! The registration flow, scopes, the Cloud App manifest, signature, and the fake JTL.

mod fake;
mod flow;
mod manifest;
mod scopes;
