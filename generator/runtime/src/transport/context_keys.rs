//! The request-context headers, declared once for the generator and the runtime.
//!
//! This file has no dependencies: the runtime compiles it as its `ContextKey`, and the generator
//! compiles the very same file (`#[path]`) to recognize the headers a document declares. Adding a
//! context header means adding a variant here and its setter on `Context`; nothing else.

/// The request-context values the JTL ERP API reads from headers. A document's header parameter
/// with one of [`ContextKey::header_names`] is moved off the operation's signature and filled
/// from the client's `Context`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContextKey {
    /// The Cloud tenant (`tenant-id` in 1.0, `x-tenant-id` in 2.x).
    Tenant,
    /// `x-appid`, e.g. `MyApp/1.0.0`.
    AppId,
    /// `x-appversion`, e.g. `1.0.0`.
    AppVersion,
    /// `x-runas`: the user the request acts for (needs scope `Application.RunAs`).
    RunAs,
    /// `X-SessionId`.
    SessionId,
    /// `x-companyid`.
    CompanyId,
    /// `x-challengecode`: the same value for every request of one app registration.
    ChallengeCode,
}

impl ContextKey {
    /// Every key, in declaration order.
    pub const ALL: [ContextKey; 7] = [
        ContextKey::Tenant,
        ContextKey::AppId,
        ContextKey::AppVersion,
        ContextKey::RunAs,
        ContextKey::SessionId,
        ContextKey::CompanyId,
        ContextKey::ChallengeCode,
    ];

    /// The header names (lowercase) under which documents declare this value.
    pub const fn header_names(self) -> &'static [&'static str] {
        match self {
            ContextKey::Tenant => &["tenant-id", "x-tenant-id"],
            ContextKey::AppId => &["x-appid"],
            ContextKey::AppVersion => &["x-appversion"],
            ContextKey::RunAs => &["x-runas"],
            ContextKey::SessionId => &["x-sessionid"],
            ContextKey::CompanyId => &["x-companyid"],
            ContextKey::ChallengeCode => &["x-challengecode"],
        }
    }

    /// The key a header parameter of a document carries, if it is a context header (header
    /// names are case-insensitive).
    pub fn for_header(name: &str) -> Option<ContextKey> {
        ContextKey::ALL.into_iter().find(|key| {
            key.header_names()
                .iter()
                .any(|header| header.eq_ignore_ascii_case(name))
        })
    }
}
