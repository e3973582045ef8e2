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

/// The casing a member schema's property names follow; the runtime has one marker type per casing
/// (`wire::Camel`, …) and each concept one `WireSerialize` implementation per casing it is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Casing {
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
    /// `format: binary`: octets, a file part of a multipart body, a string elsewhere.
    Binary,
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
    Concept(SchemaKey),
    /// An enum, by index into [`Api::enums`].
    Enum(usize),
    /// A `oneOf`/`anyOf` union, by index into [`Api::unions`].
    Union(usize),
}

impl Ty {
    /// The member schema inside, directly or in a list or map (then the value is written in a casing).
    pub fn model(&self) -> Option<&SchemaKey> {
        match self {
            Ty::Concept(key) => Some(key),
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
    /// Required, and `null` is one of its values (`nullable`, `type: [T, "null"]`): the field
    /// is an `Option` (so `required` is false) whose `None` is written as `null`, never left out.
    pub null_for_none: bool,
    pub description: Option<String>,
}

/// A member schema: one object schema of one document. Unification groups member schemas into
/// [`Concept`]s.
#[derive(Debug, Clone)]
pub struct MemberSchema {
    pub key: SchemaKey,
    /// JSON pointer of the schema.
    pub pointer: String,
    pub description: Option<String>,
    pub props: Vec<Prop>,
    pub casing: Casing,
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

/// A `oneOf`/`anyOf`: one Rust enum with a variant per alternative.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnionDef {
    pub name: String,
    pub description: Option<String>,
    /// The document and JSON pointer of the schema (one union per place).
    pub doc: usize,
    pub pointer: String,
    /// The property whose value selects the variant (internally tagged), from the
    /// `discriminator` or, without one, a required property every alternative declares as a
    /// string of one distinct value (Dropshot's enums). `None`: untagged, variants tried in
    /// [`UnionDef::variants`] order.
    pub tag: Option<String>,
    /// `nullable: true` (or a `type: 'null'` alternative): the type is `Option` of the enum.
    pub nullable: bool,
    /// `anyOf` rather than `oneOf` (only the docs differ: the first variant that fits wins).
    pub any_of: bool,
    /// In the order they are tried (tagged: declaration order).
    pub variants: Vec<UnionVariant>,
}

/// One alternative of a union.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnionVariant {
    /// UpperCamelCase.
    pub name: String,
    pub ty: Ty,
    /// Tagged unions: the tag values that select this variant.
    pub tags: Vec<String>,
    /// Position among the document's alternatives.
    pub declared: usize,
}

/// A concept: the member schemas that name the same thing with the same properties (in any
/// casing). It becomes one public Rust struct.
#[derive(Debug, Clone)]
pub struct Concept {
    pub name: String,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    /// The keys each casing writes (one entry per casing the member schemas use).
    pub casings: Vec<CasingKeys>,
    /// Member schemas, with the casing each speaks.
    pub members: Vec<(SchemaKey, Casing)>,
}

/// A field of a concept's struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// snake_case (a raw identifier where it is a keyword).
    pub rust_name: String,
    /// The type; a concept is named by one of its member schemas.
    pub ty: Ty,
    /// Required by every member schema: then not an `Option`.
    pub required: bool,
    pub description: Option<String>,
    /// Every spelling of the key, first the first member's.
    pub spellings: Vec<String>,
    /// The model's chainable setter of this field (`with_app_id`), distinct from the model's
    /// other methods.
    pub setter: String,
}

/// The keys one casing of a concept writes, in the member schema's property order.
#[derive(Debug, Clone)]
pub struct CasingKeys {
    pub casing: Casing,
    /// The keys in the schema's property order.
    pub keys: Vec<WireKey>,
}

/// One key a casing writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireKey {
    /// Index into [`Concept::fields`].
    pub field: usize,
    /// The key as written.
    pub wire: String,
    /// The casing of the concept inside the value, if there is one.
    pub nested: Option<Casing>,
    /// An `Option` field written as `null` when `None` ([`Prop::null_for_none`]).
    pub null_for_none: bool,
}

/// How a request body is sent (public as `analysis::BodyKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyKind {
    /// Any schema, serialized as JSON (a concept in its member schema's casing).
    Json,
    /// The properties of a concept as form fields.
    Form,
    /// The properties of a concept as multipart parts.
    Multipart,
    /// `text/*`: a string sent as it is.
    Text,
    /// Anything else (`application/octet-stream`, images, `*/*`): bytes sent as they are.
    Binary,
}

/// The request body of an operation.
#[derive(Debug, Clone)]
pub struct Body {
    pub kind: BodyKind,
    /// The value's type (`Ty::String` for text, `Ty::Bytes` for binary bodies).
    pub ty: Ty,
    /// The `Content-Type` sent for text and binary bodies: the document's media type.
    pub content_type: String,
    /// `requestBody.required`: otherwise the method takes an `Option`.
    pub required: bool,
    pub description: Option<String>,
    /// Form and multipart bodies: how their properties are encoded.
    pub form: Option<FormEncodings>,
}

/// What a form or multipart body's document says of encoding its properties: its `encoding`
/// entries and the properties (or their items) of `format: binary`; `normalize::forms` decides
/// each property's encoding from these and its type.
#[derive(Debug, Clone, Default)]
pub struct FormEncodings {
    /// The pointer of the body's media type.
    pub pointer: String,
    /// The pointer of the body schema's `properties`.
    pub properties_at: String,
    /// The `encoding` entries by property name.
    pub entries: std::collections::BTreeMap<String, EncodingEntry>,
    /// Properties of `format: binary` (or a `contentMediaType`), or arrays of them.
    pub binary: std::collections::BTreeSet<String>,
    /// OpenAPI 3.2's reading: an object is its JSON text unless its entry gives a style.
    pub objects_as_json: bool,
}

/// One `encoding` entry as written.
#[derive(Debug, Clone, Default)]
pub struct EncodingEntry {
    /// The first media type of `contentType`.
    pub content_type: Option<String>,
    pub style: Option<String>,
    pub explode: Option<bool>,
    pub allow_reserved: bool,
    /// Per-part `headers` are declared.
    pub headers: bool,
}

/// A path, query or header parameter that stays a method argument.
#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub rust_name: String,
    pub ty: Ty,
    pub description: Option<String>,
    /// Path parameters are always required.
    pub required: bool,
    /// How a path parameter is written into its segment (`simple` for every other place).
    pub path_style: PathStyle,
    /// A query parameter's `style` and `explode` (its `content_type` is none): a query string
    /// is form-encoded, and the Encoding Object takes these from query parameters, so
    /// `normalize::query_rule` reads them as a form field's entry.
    pub query_style: EncodingEntry,
    /// Where the parameter is used, for the warnings of its encoding.
    pub pointer: String,
}

/// A path parameter's style (OpenAPI's `style` and `explode`): how its value, or its list's
/// items, each percent-encoded, stand in the path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PathStyle {
    /// `1,2,3` (either `explode`).
    #[default]
    Simple,
    /// `.1,2,3`; exploded `.1.2.3`.
    Label { explode: bool },
    /// `;ids=1,2,3`; exploded `;ids=1;ids=2;ids=3`.
    Matrix { explode: bool },
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
    /// Which context value goes into the header.
    pub key: crate::ContextKey,
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
    /// The status; for a range or `default`, a representative (`200` for `2XX`, `0` otherwise).
    pub status: u16,
    /// `2XX`, `4XX`, `default`, … when the document gives no single status.
    pub range: Option<String>,
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
    /// The generated method and request builder: names, inputs, result (settled last, by
    /// `normalize/signature.rs`; until then only [`Signature::method`] is set).
    pub signature: Signature,
    pub http_method: String,
    pub path: String,
    pub pointer: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub path_params: Vec<Parameter>,
    /// Query parameters, in document order.
    pub query_params: Vec<Parameter>,
    /// Header parameters that are neither context nor credentials.
    pub header_params: Vec<Parameter>,
    pub context: Vec<ContextUse>,
    pub body: Option<Body>,
    /// The 2xx response the method returns.
    pub success: Response,
    /// When 2xx answers have different JSON bodies: every 2xx answer, in document order; the
    /// method returns an enum with one variant each.
    pub success_variants: Vec<Response>,
    /// Documented non-2xx responses.
    pub errors: Vec<Response>,
    /// The error body type, when all error responses that have one agree.
    pub error_ty: Option<Ty>,
    pub auth: AuthNeed,
    /// The API scope it needs (`x-jtl-scope`).
    pub scope: Option<String>,
    /// Whether the operation declares `api-version` (then the module's version is sent once).
    pub sends_api_version: bool,
    /// Security requirements as written, for the docs: per alternative, each scheme with the
    /// scopes listed for it (oauth2 scopes, and an apiKey's permissions kept by the repair of
    /// that deviation, see [`crate::repair`]).
    pub security: Vec<Vec<(String, Vec<String>)>>,
    /// The scopes its security requirements ask of oauth2 (and OpenID Connect) schemes, in
    /// every alternative, sorted and without repeats (for the API surface: a scope added is a
    /// token refused).
    pub oauth2_scopes: Vec<String>,
    /// What the operation itself says about paging (`x-jtl-paging`, `x-dropshot-pagination`).
    pub paging_hint: PagingHint,
    /// How the operation walks a paged list, when it does: then the client also gets a stream
    /// of its pages and one of its items (set after unification, which the envelope needs).
    pub paging: Option<Paging>,
}

/// The signature of an operation's generated method and request builder: every name it uses
/// (distinct from every name it could clash with) and how each input is passed. What the
/// operation requires is a positional argument of `Client::<method>`; everything optional is a
/// setter of the builder, so that an optional input the vendor adds changes no arity.
#[derive(Debug, Clone, Default)]
pub struct Signature {
    /// The client method (`query_items`).
    pub method: String,
    /// The request builder's type, in the module (`QueryItems`).
    pub builder: String,
    /// The method's arguments, in order: path parameters, required query and header
    /// parameters, a required body.
    pub required: Vec<Input>,
    /// The builder's optional inputs, in the same order, each with its setters.
    pub optional: Vec<Input>,
    /// What a call returns.
    pub returns: Returns,
}

/// One input of an operation: a parameter or the body.
#[derive(Debug, Clone)]
pub struct Input {
    /// Where it goes.
    pub place: Place,
    /// The method's argument and the builder's field (distinct among the inputs, never
    /// `client`, the builder's field of the client).
    pub name: String,
    /// The value's type (`Ty::String` for a text body, `Ty::Bytes` for a binary one, whose
    /// [`Take::IntoBytes`] says it is raw bytes).
    pub ty: Ty,
    /// How the method or setter takes it.
    pub take: Take,
    /// The builder's setters, for an optional input.
    pub setters: Option<Setters>,
}

/// Where an input goes: a parameter by its index in its list of the operation, or the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Path(usize),
    Query(usize),
    Header(usize),
    Body,
}

/// How a generated method takes a value, which fixes the type its caller writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// `impl Into<String>`: `&str` and `String` alike.
    IntoString,
    /// `impl Into<Vec<T>>` of the list's items: a `Vec`, an array, a slice of `Clone` items.
    IntoVec,
    /// `impl Into<Vec<u8>>`: the bytes of a binary body, sent as they are.
    IntoBytes,
    /// The value itself: models, enums, unions, numbers, uuids, dates.
    Value,
}

/// The two setters of an optional input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setters {
    /// Takes the value (`impl Into<T>`): `page_size`.
    pub value: String,
    /// Takes an `Option<T>`, to forward one: `set_page_size`.
    pub option: String,
}

/// What a call returns.
#[derive(Debug, Clone)]
pub enum Returns {
    /// One type, read as [`Output`] says.
    One(Output),
    /// Successes with different bodies: an enum of the module, a variant per documented status.
    Enum {
        /// The enum's name (`StartJobResponse`), distinct from the module's other types.
        name: String,
        variants: Vec<Variant>,
        /// An `Other` variant for an undocumented success (when no range such as `2XX` is).
        other: bool,
    },
}

impl Default for Returns {
    fn default() -> Self {
        Returns::One(Output::Empty)
    }
}

/// How a single success is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// JSON into the type.
    Json(Ty),
    /// JSON into the type, or `None` for an answer without a body.
    JsonOrEmpty(Ty),
    /// The raw bytes.
    Bytes,
    /// UTF-8 text.
    Text,
    /// No body the client reads: `()`.
    Empty,
}

/// One variant of a response enum.
#[derive(Debug, Clone)]
pub struct Variant {
    /// `Status200`, `Success2XX`.
    pub name: String,
    /// The status it is decoded from; `None` for a range, which takes what no status does.
    pub status: Option<u16>,
    /// The status or range as the document writes it (`200`, `2XX`).
    pub label: String,
    pub description: String,
    /// Its body, if it has one.
    pub ty: Option<Ty>,
}

/// What an operation declares about paging before its answer's envelope is known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PagingHint {
    /// Nothing: detected from the vendor's envelope and `pageNumber` parameter, if they are there.
    #[default]
    Detect,
    /// `x-jtl-paging: false`: never a stream.
    Off,
    /// Dropshot's `x-dropshot-pagination`: `page_token` in, `next_page` and `items` out.
    Dropshot,
    /// `x-jtl-paging: {cursor, items, next, kind}`: the maintainer names the parts.
    Named {
        /// The query parameter that selects the page, as the document spells it.
        cursor: String,
        /// The answer's property with the page's items.
        items: String,
        /// The answer's property naming the next page (number or token), if any.
        next: Option<String>,
        /// Whether the cursor is a page number (else an opaque token).
        numbered: bool,
    },
}

/// How a paged operation walks its list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// The query parameter that selects the page: index into `query_params`.
    pub cursor: usize,
    /// The envelope's property holding the page's items.
    pub items: EnvelopeField,
    /// The type of one item.
    pub item_ty: Ty,
    pub kind: PagingKind,
    /// The builder's method returning a stream of pages (`into_pages`).
    pub pages_method: String,
    /// The builder's method returning a stream of items (`into_items`).
    pub items_method: String,
}

/// What ends a walk and where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagingKind {
    /// 1-based page numbers (the vendor's `pageNumber`), with whichever of the envelope's
    /// fields say whether and where the next page is.
    Numbered {
        has_next: Option<EnvelopeField>,
        next_number: Option<EnvelopeField>,
        total_pages: Option<EnvelopeField>,
    },
    /// An opaque token (Dropshot's `page_token`), taken from the envelope's `next` field; the
    /// first page is asked without one.
    Token { next: EnvelopeField },
}

/// A property of the envelope concept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeField {
    /// The struct field.
    pub rust_name: String,
    pub ty: Ty,
    /// Not an `Option` in the struct.
    pub required: bool,
}

/// One document: one module of the generated crate.
#[derive(Debug, Clone)]
pub struct Module {
    pub name: String,
    pub file: String,
    pub title: String,
    /// `info.summary` (OpenAPI 3.1) and `info.description`, as paragraphs.
    pub description: Option<String>,
    pub default_base_url: String,
    pub api_version: Option<String>,
    pub operations: Vec<Operation>,
    /// OpenAPI 3.1 `webhooks`: documented in the module, no method.
    pub webhooks: Vec<Webhook>,
}

/// A webhook (OpenAPI 3.1): a call the server makes to an endpoint the API's user serves.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// Its key under `webhooks`.
    pub name: String,
    /// `POST`, …
    pub method: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The body the server sends: its media type and the type it decodes into.
    pub body: Option<(String, Ty)>,
}

/// Everything the emitters need.
#[derive(Debug, Clone)]
pub struct Api {
    pub modules: Vec<Module>,
    pub concepts: Vec<Concept>,
    pub enums: Vec<EnumDef>,
    /// `oneOf`/`anyOf` unions, in the order they are met.
    pub unions: Vec<UnionDef>,
    /// Member schema → (index of its concept, its casing).
    pub concept_of: std::collections::BTreeMap<SchemaKey, (usize, Casing)>,
    /// Member schema → its properties as declared (required sets are checked per operation
    /// before sending, nested ones included).
    pub member_props: std::collections::BTreeMap<SchemaKey, Vec<Prop>>,
}
