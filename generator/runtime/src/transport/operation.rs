//! What the runtime knows about one operation: a static description emitted by the generator.
//! Users meet it read-only, in hooks and credential providers ([`Operation`]'s accessors); its
//! constructor and the need/status types are the generator's plumbing (hidden from the docs).

use crate::transport::context::ContextHeader;

/// Whether an operation needs credentials, read from the document's security requirements.
#[doc(hidden)]
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

/// The status of a documented answer, as the document keys it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentedStatus {
    /// One status, `404`.
    Code(u16),
    /// A range, `4XX`, by its first digit (`4`).
    Range(u16),
    /// `default`: any status the document does not list otherwise.
    Default,
}

/// One operation of a document, as a hook ([`crate::hooks::Hook`]) or a credential provider
/// ([`crate::auth::AuthProvider`]) sees the call it runs for: read-only, through the methods
/// below. The generated crate writes one `static` per operation.
#[derive(Debug)]
pub struct Operation {
    pub(crate) id: &'static str,
    pub(crate) api: &'static str,
    pub(crate) method: http::Method,
    pub(crate) path: &'static str,
    pub(crate) api_version: Option<&'static str>,
    pub(crate) context: &'static [ContextHeader],
    pub(crate) auth: AuthNeed,
    pub(crate) errors: &'static [(DocumentedStatus, &'static str)],
    pub(crate) scope: Option<&'static str>,
}

impl Operation {
    /// The document's `operationId` (`GetStatus`).
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The module (document) it belongs to (`erp_v2`).
    pub fn api(&self) -> &'static str {
        self.api
    }

    /// Its HTTP method.
    pub fn method(&self) -> &http::Method {
        &self.method
    }

    /// Its path template as the document writes it (`/authentication/{registrationId}`).
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// The API scope it needs (`x-jtl-scope`), when the document names one.
    pub fn required_scope(&self) -> Option<&'static str> {
        self.scope
    }
}

// The generator's side: a `static` is built with `new` and the `const` setters, naming only
// what its document declares.
#[doc(hidden)]
impl Operation {
    /// An operation that sends no `api-version` and no context headers, needs no credentials,
    /// documents no error answers and names no scope; the methods below set what differs.
    /// Generated operations are built this way in their `static`, naming only what their
    /// document declares.
    pub const fn new(
        id: &'static str,
        api: &'static str,
        method: http::Method,
        path: &'static str,
    ) -> Self {
        Self {
            id,
            api,
            method,
            path,
            api_version: None,
            context: &[],
            auth: AuthNeed::None,
            errors: &[],
            scope: None,
        }
    }

    /// With the `api-version` header value `version`.
    pub const fn api_version(mut self, version: &'static str) -> Self {
        self.api_version = Some(version);
        self
    }

    /// With these request-context headers.
    pub const fn context(mut self, context: &'static [ContextHeader]) -> Self {
        self.context = context;
        self
    }

    /// With this need for credentials.
    pub const fn auth(mut self, auth: AuthNeed) -> Self {
        self.auth = auth;
        self
    }

    /// With these documented non-success answers.
    pub const fn errors(mut self, errors: &'static [(DocumentedStatus, &'static str)]) -> Self {
        self.errors = errors;
        self
    }

    /// Needing API scope `scope`.
    pub const fn scope(mut self, scope: &'static str) -> Self {
        self.scope = Some(scope);
        self
    }

    /// The documented description of a status: the status's own, else its range's (`4XX`),
    /// else `default`'s, as OpenAPI resolves them; `None` when the document has none of them.
    pub fn describe_status(&self, status: u16) -> Option<&'static str> {
        let find = |wanted: DocumentedStatus| {
            self.errors
                .iter()
                .find(|(documented, _)| *documented == wanted)
                .map(|(_, description)| *description)
        };
        find(DocumentedStatus::Code(status))
            .or_else(|| find(DocumentedStatus::Range(status / 100)))
            .or_else(|| find(DocumentedStatus::Default))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation(errors: &'static [(DocumentedStatus, &'static str)]) -> Operation {
        Operation {
            id: "Op",
            api: "api",
            method: http::Method::GET,
            path: "/",
            api_version: None,
            context: &[],
            auth: AuthNeed::None,
            errors,
            scope: None,
        }
    }

    #[test]
    fn a_status_is_described_by_its_code_then_its_range_then_default() {
        let op = operation(&[
            (DocumentedStatus::Default, "anything else"),
            (DocumentedStatus::Range(4), "refused"),
            (DocumentedStatus::Code(404), "not found"),
        ]);
        assert_eq!(op.describe_status(404), Some("not found"));
        assert_eq!(op.describe_status(409), Some("refused"));
        assert_eq!(op.describe_status(400), Some("refused"));
        assert_eq!(op.describe_status(503), Some("anything else"));
        let op = operation(&[(DocumentedStatus::Range(5), "down")]);
        assert_eq!(op.describe_status(500), Some("down"));
        assert_eq!(op.describe_status(599), Some("down"));
        assert_eq!(op.describe_status(499), None);
        assert_eq!(operation(&[]).describe_status(500), None);
    }
}
