//! The intermediate representation between normalize and emit: what the client is, with every
//! vendor quirk already repaired. Emitters read only this.

/// A component schema of one document: the unit that unification groups.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemaKey {
    /// Index of the document.
    pub doc: usize,
    /// Name under `#/components/schemas`.
    pub name: String,
}

/// The casing a schema's property names follow; one dialect marker in the runtime each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Style {
    /// `appId`
    Camel,
    /// `AppId`
    Pascal,
    /// `access_token`
    Snake,
    /// Anything else: keys exactly as declared.
    Declared,
}

/// A type as the documents use it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    String,
    Bool,
    I32,
    I64,
    F64,
    /// `format: byte`: base64 on the wire.
    Bytes,
    /// `format: date-time`, offset kept.
    DateTime,
    /// `format: date`.
    Date,
    /// `format: uuid`.
    Uuid,
    /// A string marked `x-jtl-secret`.
    Secret,
    /// Anything the generator does not model: kept as JSON.
    Json,
    List(Box<Ty>),
    /// `additionalProperties`: keys are data.
    Map(Box<Ty>),
    /// An object schema of a document.
    Model(SchemaKey),
    /// An enum, by index into [`Api::enums`].
    Enum(usize),
}

impl Ty {
    /// Whether a model appears anywhere inside (then the value needs a dialect to be written).
    pub fn model(&self) -> Option<&SchemaKey> {
        match self {
            Ty::Model(key) => Some(key),
            Ty::List(inner) | Ty::Map(inner) => inner.model(),
            _ => None,
        }
    }
}

/// One property of an object schema.
#[derive(Debug, Clone)]
pub struct Prop {
    /// The key as the schema spells it.
    pub wire: String,
    pub ty: Ty,
    pub required: bool,
    pub description: Option<String>,
}

/// An object schema of one document.
#[derive(Debug, Clone)]
pub struct Variant {
    pub key: SchemaKey,
    /// JSON pointer of the schema.
    pub pointer: String,
    pub description: Option<String>,
    pub props: Vec<Prop>,
    pub style: Style,
    /// `x-jtl-model-name`, the maintainer's override of the unified name.
    pub name_override: Option<String>,
}

/// A named enum (from `x-enumNames`, or the values themselves for strings).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumDef {
    pub name: String,
    pub description: Option<String>,
    pub kind: EnumKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EnumKind {
    /// Integer values with a Rust name each.
    Int(Vec<(i64, String)>),
    /// String values with a Rust name each.
    Str(Vec<(String, String)>),
}

/// One public Rust type for schemas that differ only in the casing of their keys.
#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    /// One per casing the member schemas use.
    pub dialects: Vec<Dialect>,
    /// Member schemas, with the dialect each speaks.
    pub members: Vec<(SchemaKey, Style)>,
}

/// A field of a unified model.
#[derive(Debug, Clone)]
pub struct Field {
    /// snake_case (a raw identifier where it is a keyword).
    pub rust_name: String,
    /// The type, models named by a member key of their unified model.
    pub ty: Ty,
    /// Required by every member schema: then not an `Option`.
    pub required: bool,
    pub description: Option<String>,
    /// Every spelling of the key, first the first member's.
    pub spellings: Vec<String>,
}

/// How one casing writes a model.
#[derive(Debug, Clone)]
pub struct Dialect {
    pub style: Style,
    /// The keys in the schema's property order.
    pub keys: Vec<DialectKey>,
}

/// One key of a dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialectKey {
    /// Index into [`Model::fields`].
    pub field: usize,
    /// The key as written.
    pub wire: String,
    /// The dialect of the model inside the value, if there is one.
    pub nested: Option<Style>,
}

/// Where a body goes and how it is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
    Multipart,
}

/// The request body of an operation.
#[derive(Debug, Clone)]
pub struct Body {
    pub kind: BodyKind,
    pub schema: SchemaKey,
    pub description: Option<String>,
}

/// A path, query or header parameter that stays a method argument.
#[derive(Debug, Clone)]
pub struct PathParam {
    pub name: String,
    pub rust_name: String,
    pub ty: Ty,
    pub description: Option<String>,
    /// Path parameters are always required.
    pub required: bool,
}

/// How a success body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// JSON into the response's type.
    Json,
    /// Raw bytes (`application/octet-stream`, images, …).
    Binary,
    /// UTF-8 text (`application/xml`, `text/*`).
    Text,
}

/// A request-context header an operation declares (moved off its signature).
#[derive(Debug, Clone)]
pub struct ContextUse {
    /// The runtime's `ContextKey` variant name.
    pub key: &'static str,
    pub header: String,
    pub required: bool,
}

/// Whether an operation needs credentials (the runtime's `AuthNeed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthNeed {
    /// No security requirement.
    None,
    /// An empty alternative among others.
    Optional,
    /// Every alternative names a scheme.
    Required,
}

/// A documented response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub description: String,
    /// `None`: no body the client reads (also for a media type without schema).
    pub ty: Option<Ty>,
    /// How the body is read (JSON when `ty` is set).
    pub media: Option<Media>,
    /// Another success answer has no body: the method returns `Option` of this one.
    pub optional: bool,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    pub method_name: String,
    pub http_method: String,
    pub path: String,
    pub pointer: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub path_params: Vec<PathParam>,
    /// Query parameters, in document order.
    pub query_params: Vec<PathParam>,
    /// Header parameters that are neither context nor credentials.
    pub header_params: Vec<PathParam>,
    pub context: Vec<ContextUse>,
    pub body: Option<Body>,
    /// The 2xx response the method returns.
    pub success: Response,
    /// Documented non-2xx responses.
    pub errors: Vec<Response>,
    /// The error body type, when all error responses that have one agree.
    pub error_ty: Option<Ty>,
    pub auth: AuthNeed,
    /// The API scope it needs (`x-jtl-scope`).
    pub scope: Option<String>,
    /// Whether the operation declares `api-version` (then the module's version is sent once).
    pub sends_api_version: bool,
    /// Security requirements as written, for the docs.
    pub security: Vec<Vec<String>>,
}

/// One document: one module of the generated crate.
#[derive(Debug, Clone)]
pub struct Module {
    pub name: String,
    pub file: String,
    pub title: String,
    pub description: Option<String>,
    pub default_base_url: String,
    pub api_version: Option<String>,
    pub operations: Vec<Operation>,
}

/// Everything the emitters need.
#[derive(Debug, Clone)]
pub struct Api {
    pub modules: Vec<Module>,
    pub models: Vec<Model>,
    pub enums: Vec<EnumDef>,
    /// Member schema → (index of its model, its dialect).
    pub model_of: std::collections::BTreeMap<SchemaKey, (usize, Style)>,
    /// Member schema → its properties as declared (required sets are checked per operation
    /// before sending, nested ones included).
    pub variant_props: std::collections::BTreeMap<SchemaKey, Vec<Prop>>,
}
