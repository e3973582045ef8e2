//! The contract with the runtime crate: every item of `jtl-erp-runtime` that emitted code names,
//! in this one table (as smithy-rs's `RuntimeType` does). A renamed runtime item is renamed here
//! once; the contract test (`tests/generator/contract.rs`) compiles a probe that names every
//! entry of [`ALL`] and every [`ContextKey`] variant against the runtime, so a disagreement
//! fails there with the item's name, not somewhere inside `generated/`.
//!
//! Emitters write an item as tokens, under the alias every generated file imports
//! ([`import`]): `quote!(#serde::Deserialize)` with `let serde = rt::SERDE;` is
//! `rt::serde::Deserialize` (quote interpolates variables only).

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};

use crate::ContextKey;

/// The runtime crate's name in Rust paths.
pub const CRATE: &str = "jtl_erp_runtime";

/// A path inside the runtime crate, e.g. `codegen::execute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeItem(pub &'static str);

impl RuntimeItem {
    /// The full path as text, `::jtl_erp_runtime::codegen::execute`: for the crate root's
    /// re-exports and the contract probe. Emitted code elsewhere writes the item's `Display`.
    pub fn path(&self) -> String {
        if self.0.is_empty() {
            format!("::{CRATE}")
        } else {
            format!("::{CRATE}::{}", self.0)
        }
    }

    /// The full path as tokens, `::jtl_erp_runtime::codegen::execute`, for the crate root's
    /// re-exports.
    pub fn full(&self) -> TokenStream {
        let krate = Ident::new(CRATE, Span::call_site());
        let segments = self.segments();
        quote!(::#krate #(::#segments)*)
    }

    /// The path's segments as identifiers (the contract test compiles every one).
    fn segments(&self) -> impl Iterator<Item = Ident> {
        self.0
            .split("::")
            .filter(|s| !s.is_empty())
            .map(|s| Ident::new(s, Span::call_site()))
    }
}

/// The name a generated file gives the runtime crate ([`import`]): `rt::codegen::execute` reads
/// better than the full path on every line. No generated item can take the name: types are
/// UpperCamelCase and methods live inside `impl` blocks.
pub const ALIAS: &str = "rt";

/// The item that brings [`ALIAS`] into a generated file: `use ::jtl_erp_runtime as rt;`.
pub fn import() -> TokenStream {
    let (krate, alias) = (
        Ident::new(CRATE, Span::call_site()),
        Ident::new(ALIAS, Span::call_site()),
    );
    quote!(use ::#krate as #alias;)
}

/// The item under [`ALIAS`], `rt::codegen::execute`, in files that start with [`import`].
impl ToTokens for RuntimeItem {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let alias = Ident::new(ALIAS, Span::call_site());
        let segments = self.segments();
        tokens.extend(quote!(#alias #(::#segments)*));
    }
}

/// `ContextKey::Tenant` and its siblings, as generated code names them.
pub fn context_key(key: ContextKey) -> TokenStream {
    // The generator compiles the runtime's own `ContextKey` file, so `Debug` is the variant name.
    let variant = Ident::new(&format!("{key:?}"), Span::call_site());
    quote!(#CONTEXT_KEY::#variant)
}

macro_rules! runtime_items {
    ($($(#[doc = $doc:literal])* $name:ident = $path:literal;)*) => {
        $($(#[doc = $doc])* pub const $name: RuntimeItem = RuntimeItem($path);)*
        /// Every item, in the order above.
        pub const ALL: &[RuntimeItem] = &[$($name),*];
    };
}

runtime_items! {
    // The client library, as users see it.
    /// The transport a generated API client wraps.
    TRANSPORT = "Transport";
    /// The builder every generated `Client::builder()` returns.
    CLIENT_BUILDER = "ClientBuilder";
    /// The policy of a handle's `with_retry`.
    RETRY_POLICY = "RetryPolicy";
    /// `Error<E>` of every operation.
    ERROR = "Error";
    /// What went wrong in a call (`Error::kind`): re-exported at the crate root, named by the
    /// docs of paged operations.
    ERROR_KIND = "ErrorKind";
    /// `ResponseValue<T>` of every operation.
    RESPONSE_VALUE = "ResponseValue";
    /// Why a client (or a handle with another context) could not be built.
    BUILD_ERROR = "BuildError";
    /// The request-context values a client sends.
    CONTEXT = "Context";
    /// A context header an operation declares.
    CONTEXT_HEADER = "ContextHeader";
    /// Which context value a header carries.
    CONTEXT_KEY = "ContextKey";
    /// The static description of an operation.
    OPERATION = "Operation";
    /// Whether an operation needs credentials.
    AUTH_NEED = "AuthNeed";
    /// The status of a documented error answer: a code, a range or `default`.
    DOCUMENTED_STATUS = "DocumentedStatus";
    /// Strings marked `x-jtl-secret`.
    SECRET = "Secret";
    /// `format: byte`.
    BASE64_BYTES = "Base64Bytes";
    /// `format: binary`.
    BINARY = "Binary";
    // Crates the runtime re-exports, so that generated code and users name one version.
    /// serde, for the generated (de)serializers.
    SERDE = "serde";
    /// `serde_json::Value` for what the generator does not model.
    JSON_VALUE = "serde_json::Value";
    /// serde_json, for unions read through a buffered value.
    SERDE_JSON = "serde_json";
    /// `format: date-time` (with [`FIXED_OFFSET`]).
    DATE_TIME = "chrono::DateTime";
    /// The offset a `date-time` keeps.
    FIXED_OFFSET = "chrono::FixedOffset";
    /// `format: date`.
    NAIVE_DATE = "chrono::NaiveDate";
    /// `format: uuid`.
    UUID = "uuid::Uuid";
    /// Binary answers.
    BYTES = "bytes::Bytes";
    /// HTTP methods of operations.
    HTTP_METHOD = "http::Method";
    /// The runtime itself, re-exported by the generated crate as `runtime`.
    RUNTIME = "";
    // Casings: one marker per casing, one `WireSerialize` per casing a concept is written in.
    /// Writing a concept in one casing.
    WIRE_SERIALIZE = "wire::WireSerialize";
    /// A borrowed view that writes a value in a casing.
    WIRE = "wire::Wire";
    /// camelCase.
    CAMEL = "wire::Camel";
    /// PascalCase.
    PASCAL = "wire::Pascal";
    /// snake_case.
    SNAKE = "wire::Snake";
    /// Keys as declared.
    DECLARED = "wire::Declared";
    // Plumbing only generated code calls (`#[doc(hidden)]` in the runtime).
    /// What a request builder is to the runtime: its operation, decoder and encoding.
    REQUEST = "codegen::Request";
    /// How a `ClientBuilder` wraps the client it built into the API client.
    API_CLIENT = "codegen::ApiClient";
    /// Sends a request builder (its `send` and `IntoFuture`).
    SEND = "codegen::send";
    /// What `Request::prepare` gives.
    PREPARE = "codegen::Prepare";
    /// A request ready to send.
    PREPARED = "codegen::Prepared";
    /// How a request's answer is read.
    DECODER = "codegen::Decoder";
    /// Encoded request bodies (form, multipart).
    REQUEST_BODY = "codegen::RequestBody";
    /// A part of a multipart body.
    FORM_PART = "codegen::FormPart";
    /// The JSON text of a form field or part.
    JSON_TEXT = "codegen::json_text";
    /// A JSON body in a casing.
    JSON_BODY = "codegen::json_body";
    /// A JSON body of a type that is no concept, by its serde implementation.
    SERDE_JSON_BODY = "codegen::serde_json_body";
    /// The error for a required property that is `None`.
    MISSING_PROPERTY = "codegen::missing_property";
    /// Query strings.
    QUERY = "codegen::Query";
    /// Values in query strings, headers and paths.
    QUERY_VALUE = "codegen::QueryValue";
    /// Path parameters.
    ENCODE_PATH_SEGMENT = "codegen::encode_path_segment";
    /// Path parameters of lists.
    ENCODE_PATH_LIST = "codegen::encode_path_list";
    /// Decoding a JSON answer.
    DECODE_JSON = "codegen::json";
    /// Decoding a JSON answer or none (201 next to 204).
    DECODE_JSON_OR_EMPTY = "codegen::json_or_empty";
    /// A binary answer.
    DECODE_BYTES = "codegen::bytes";
    /// A text answer.
    DECODE_TEXT = "codegen::text";
    /// An answer without a body.
    DECODE_EMPTY = "codegen::empty";
    /// A non-success answer.
    API_ERROR = "codegen::api_error";
    /// `Clone`, `Debug` and `IntoFuture` of a request builder.
    REQUEST_MACRO = "codegen::request";
    /// The implementations of a concept (`Model`, `Deserialize`, a `WireSerialize` per casing).
    MODEL_MACRO = "codegen::model";
    /// The trait implementations of a string enum.
    STR_ENUM = "codegen::str_enum";
    /// The trait implementations of an integer enum.
    INT_ENUM = "codegen::int_enum";
    /// The stream of a paged operation's pages or items.
    STREAM = "paging::Stream";
    /// Walks a paged list.
    PAGES = "paging::pages";
    /// The items of a walk's pages.
    PAGE_ITEMS = "paging::items";
    /// Where a page starts.
    CURSOR = "paging::Cursor";
    /// What a page says about the walk.
    MARKS = "paging::Marks";
}

/// A Rust file that names every item of the contract (and every context key), for the contract
/// test to compile against the runtime.
pub fn probe() -> String {
    let mut text = String::from("// names every runtime item the generator emits\n");
    for item in ALL {
        text.push_str(&format!(
            "#[allow(unused_imports)]\nuse {} as _;\n",
            item.path()
        ));
    }
    for key in ContextKey::ALL {
        text.push_str(&format!(
            "#[allow(unused_imports)]\nuse {}::{key:?} as _;\n",
            CONTEXT_KEY.path()
        ));
    }
    text
}
