//! The registration flow, scopes, signature, and the fake JTL.

mod fake;
mod flow;
mod session;
