//! The registration flow, scopes, signature, the fake JTL, and Cloud App backends (session
//! tokens, the example backend).

mod backend;
mod fake;
mod flow;
mod session;
