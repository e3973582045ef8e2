//! What the runtime knows about one operation: a static description emitted by the generator.

use crate::context::ContextHeader;

/// Whether an operation needs credentials, read from the document's security requirements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthNeed {
    /// `security: []`: the request goes out without credentials (e.g. the SCX token exchange).
    None,
    /// An empty alternative among the requirements (`- {}`): credentials are sent when the
    /// client has a provider, and the request goes out without them otherwise (the OnPremise
    /// registration, made before the app has a key).
    Optional,
    /// Some scheme is required; the configured [`crate::auth::AuthProvider`] supplies it.
    Required,
}

/// One operation of a document, as the generated method hands it to the client's send path
/// (`codegen::execute`).
#[derive(Debug)]
pub struct Operation {
    /// The document's operationId.
    pub id: &'static str,
    /// The module (document) the operation belongs to.
    pub api: &'static str,
    /// HTTP method.
    pub method: http::Method,
    /// Path template as written in the document, e.g. `/authentication/{registrationId}`.
    pub path: &'static str,
    /// `api-version` header value this document speaks, sent exactly once.
    pub api_version: Option<&'static str>,
    /// Request-context headers the document declares for this operation.
    pub context: &'static [ContextHeader],
    /// Whether credentials are required.
    pub auth: AuthNeed,
    /// Documented non-success statuses and their descriptions.
    pub errors: &'static [(u16, &'static str)],
    /// The API scope the operation needs (`x-jtl-scope`), named in a 403.
    pub scope: Option<&'static str>,
}

impl Operation {
    /// The documented description of a status, if the document lists it.
    pub fn describe_status(&self, status: u16) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|(s, _)| *s == status)
            .map(|(_, d)| *d)
    }
}
