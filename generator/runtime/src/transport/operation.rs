//! What the runtime knows about one operation: a static description emitted by the generator.

use crate::transport::context::ContextHeader;

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

/// The status of a documented answer, as the document keys it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentedStatus {
    /// One status, `404`.
    Code(u16),
    /// A range, `4XX`, by its first digit (`4`).
    Range(u16),
    /// `default`: any status the document does not list otherwise.
    Default,
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
    /// Documented non-success answers and their descriptions.
    pub errors: &'static [(DocumentedStatus, &'static str)],
    /// The API scope the operation needs (`x-jtl-scope`), named in a 403.
    pub scope: Option<&'static str>,
}

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
