//! A read-only view of what [`generate`](crate::generate) builds, for tools that drive a
//! generated client (the conformance tool renders a program that calls every method). It is
//! read off the operations' signatures as normalize settled them, the same the emitters write:
//! names, how each input is passed, and its type as the emitters spell it (one spelling, so
//! that a tool cannot name a type other than the crate it drives).

use proc_macro2::{Group, Ident, Span, TokenStream, TokenTree};
use quote::quote;
use serde_json::Value;

use crate::ContextKey;
use crate::ir::{self, Api, Ty};

/// What [`analyze`](crate::analyze) found: one [`ModuleView`] per document, in the order the
/// documents were given (as [`generate`](crate::generate) makes one module of each).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Analysis {
    /// The modules of the generated crate.
    pub modules: Vec<ModuleView>,
}

/// One module of the generated crate (`client::<name>::Client`) and the document it comes from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ModuleView {
    /// The module's Rust name (`erp_v1`).
    pub name: String,
    /// The document's file, as diagnostics name it ([`Diagnostic::file`](crate::Diagnostic)).
    pub file: String,
    /// The document as loaded, its known quirks repaired (an OpenAPI 3.1 document read into the
    /// 3.0 shape, its path items inlined): the tree the operations'
    /// [`pointer`](OperationView::pointer)s point into.
    pub document: Value,
    /// The operations the module's client has a method for, in document order (after the
    /// selection of the [`Settings`](crate::Settings)).
    pub operations: Vec<OperationView>,
}

/// One operation: the method of the generated client that calls it, and how to call it.
///
/// `client.<method_name>(<arguments>)` returns the operation's request builder (`<builder>`);
/// the arguments are the required [`parameters`](Self::parameters) in their order, then the
/// body when it is required; every optional input is set on the builder with its
/// [`Setters`]; `.await` on the builder sends it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OperationView {
    /// The operation id (synthesized or numbered by the generator when the document's is
    /// missing or repeated).
    pub id: String,
    /// The client method's name.
    pub method_name: String,
    /// The request builder's type name, in the module (`QueryItems`).
    pub builder: String,
    /// The HTTP method, upper case (`GET`).
    pub http_method: String,
    /// The path template (`/items/{id}`).
    pub path: String,
    /// Where the operation is in [`ModuleView::document`] (`/paths/~1items~1{id}/get`).
    pub pointer: String,
    /// The path, query and header parameters (context and credential headers are not), in
    /// this order, each in document order. The required ones are the method's arguments, in
    /// this order; the optional ones are set on the builder.
    pub parameters: Vec<ParameterView>,
    /// The request body: the method's last argument when required, else set on the builder.
    pub body: Option<BodyView>,
    /// The request-context headers the operation declares, filled from the client's `Context`.
    pub context: Vec<ContextHeader>,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParameterPlace {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
}

impl ParameterPlace {
    /// The name OpenAPI gives the place (`in: path`).
    pub fn name(self) -> &'static str {
        match self {
            ParameterPlace::Path => "path",
            ParameterPlace::Query => "query",
            ParameterPlace::Header => "header",
        }
    }
}

/// A parameter of an operation: an argument of the method, or an optional input of its builder.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ParameterView {
    /// The name in the document.
    pub name: String,
    /// Where it travels.
    pub place: ParameterPlace,
    /// Its Rust name (the method's argument).
    pub rust_name: String,
    /// Required (path parameters always are): then an argument of the method, else set on the
    /// builder with [`setters`](Self::setters).
    pub required: bool,
    /// Its owned type.
    pub ty: TypeView,
    /// How the method or setter takes it.
    pub take: Take,
    /// The builder's setters of an optional parameter.
    pub setters: Option<Setters>,
}

/// How a request body is sent: the IR's own kind, which says nothing the view would hide.
pub use crate::ir::BodyKind;

/// The request body of an operation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BodyView {
    /// How it is sent.
    pub kind: BodyKind,
    /// The media type the generator chose of those the document lists.
    pub content_type: String,
    /// `requestBody.required`: then the method's last argument, else set on the builder with
    /// [`setters`](Self::setters).
    pub required: bool,
    /// Its owned type: `String` for text, `Vec<u8>` for binary bodies.
    pub ty: TypeView,
    /// How the method or setter takes it.
    pub take: Take,
    /// The builder's setters of an optional body.
    pub setters: Option<Setters>,
}

/// The two setters of an optional input on the request builder.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Setters {
    /// The one taking the value (`impl Into<T>`): `page_size`.
    pub value: String,
    /// The one taking an `Option<T>`: `set_page_size`.
    pub option: String,
}

/// How a generated method or setter takes a value of its [`TypeView`] `T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Take {
    /// `impl Into<T>`: strings, lists, bytes (an owned `T` always fits), and every setter.
    Into,
    /// `T` itself: models, enums, numbers, uuids, dates.
    Value,
}

/// A request-context header an operation declares.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ContextHeader {
    /// Which value of the client's `Context` it carries.
    pub key: ContextKey,
    /// The header's name as the document writes it.
    pub header: String,
}

/// An owned Rust type of the generated crate, spelled as its code spells it (`emit/types.rs`).
#[derive(Debug, Clone)]
pub struct TypeView {
    tokens: TokenStream,
    list: bool,
}

impl TypeView {
    fn of(api: &Api, ty: &Ty) -> Self {
        Self {
            tokens: crate::emit::types::rust_type(api, ty),
            list: matches!(ty, Ty::List(_)),
        }
    }

    /// The type as code outside the generated crate writes it, the crate being imported as
    /// `krate` and the runtime as `rt` (as generated code imports it):
    /// `Vec<client::models::Item>`, `rt::Secret`.
    pub fn rust_outside(&self, krate: &str) -> String {
        let krate = Ident::new(krate, Span::call_site());
        let text = renamed_crate(self.tokens.clone(), &krate).to_string();
        // `to_string` puts a space between every two tokens: keep only those between words.
        let chars: Vec<char> = text.chars().collect();
        let word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
        (0..chars.len())
            .filter(|&i| {
                chars[i] != ' ' || (word(chars.get(i.wrapping_sub(1))) && word(chars.get(i + 1)))
            })
            .map(|i| chars[i])
            .collect()
    }

    fn plain(tokens: TokenStream) -> Self {
        Self {
            tokens,
            list: false,
        }
    }

    /// Whether it is a list (`Vec<T>`): one value where a list is wanted is a list of one.
    pub fn is_list(&self) -> bool {
        self.list
    }
}

/// `tokens` with every `crate` path root replaced by `krate`.
fn renamed_crate(tokens: TokenStream, krate: &Ident) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Ident(ident) if ident == "crate" => TokenTree::Ident(krate.clone()),
            TokenTree::Group(group) => {
                let stream = renamed_crate(group.stream(), krate);
                TokenTree::Group(Group::new(group.delimiter(), stream))
            }
            other => other,
        })
        .collect()
}

impl Analysis {
    pub(crate) fn new(api: &Api, documents: Vec<Value>) -> Self {
        let modules = api
            .modules
            .iter()
            .zip(documents)
            .map(|(module, document)| ModuleView {
                name: module.name.clone(),
                file: module.file.clone(),
                document,
                operations: module
                    .operations
                    .iter()
                    .map(|op| operation(api, op))
                    .collect(),
            })
            .collect();
        Self { modules }
    }
}

fn operation(api: &Api, op: &ir::Operation) -> OperationView {
    let signature = &op.signature;
    let input = |place: ir::Place| {
        signature
            .required
            .iter()
            .chain(&signature.optional)
            .find(|i| i.place == place)
    };
    let take = |input: Option<&ir::Input>| match input.map(|i| i.take) {
        Some(ir::Take::Value) | None => Take::Value,
        Some(_) => Take::Into,
    };
    let setters = |input: Option<&ir::Input>| {
        input.and_then(|i| i.setters.as_ref()).map(|s| Setters {
            value: s.value.clone(),
            option: s.option.clone(),
        })
    };
    let places = [
        (ParameterPlace::Path, &op.path_params),
        (ParameterPlace::Query, &op.query_params),
        (ParameterPlace::Header, &op.header_params),
    ];
    let parameters = places
        .into_iter()
        .flat_map(|(place, params)| {
            params.iter().enumerate().map(move |(i, p)| {
                let at = match place {
                    ParameterPlace::Path => ir::Place::Path(i),
                    ParameterPlace::Query => ir::Place::Query(i),
                    ParameterPlace::Header => ir::Place::Header(i),
                };
                let input = input(at);
                ParameterView {
                    name: p.name.clone(),
                    place,
                    rust_name: input.map_or_else(|| p.rust_name.clone(), |i| i.name.clone()),
                    required: p.required,
                    ty: TypeView::of(api, &p.ty),
                    take: take(input),
                    setters: setters(input),
                }
            })
        })
        .collect();
    let body = op.body.as_ref().map(|b| {
        let (kind, ty) = match b.kind {
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart => {
                (b.kind, TypeView::of(api, &b.ty))
            }
            BodyKind::Text => (b.kind, TypeView::plain(quote!(String))),
            BodyKind::Binary => (b.kind, TypeView::plain(quote!(Vec<u8>))),
        };
        let input = input(ir::Place::Body);
        BodyView {
            kind,
            content_type: b.content_type.clone(),
            required: b.required,
            ty,
            take: take(input),
            setters: setters(input),
        }
    });
    OperationView {
        id: op.id.clone(),
        method_name: signature.method.clone(),
        builder: signature.builder.clone(),
        http_method: op.http_method.clone(),
        path: op.path.clone(),
        pointer: op.pointer.clone(),
        parameters,
        body,
        context: op
            .context
            .iter()
            .map(|c| ContextHeader {
                key: c.key,
                header: c.header.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Settings, SourceDocument, analyze};

    const DOC: &str = "openapi: 3.0.3
info: {title: t, version: '1', x-jtl-module: shop}
paths:
  /items/{id}:
    post:
      operationId: UpdateItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: tags, in: query, required: true, schema: {type: array, items: {type: string}}}
        - {name: a, in: query, schema: {type: string}}
        - {name: b, in: query, schema: {type: integer}}
        - {name: c, in: query, schema: {type: boolean}}
        - {name: X-Trace, in: header, schema: {type: string}}
        - {name: x-tenant-id, in: header, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {name: {type: string}}}
      responses: {'204': {description: done}}
  /notes:
    put:
      operationId: PutNote
      requestBody:
        content: {text/plain: {schema: {type: string}}}
      responses: {'204': {description: done}}
  /files:
    put:
      operationId: PutFile
      requestBody:
        required: true
        content: {application/octet-stream: {schema: {type: string, format: binary}}}
      responses: {'204': {description: done}}
";

    fn analysis(selection: crate::Selection) -> Analysis {
        let source = SourceDocument {
            path: "shop.yaml".to_owned(),
            text: DOC.to_owned(),
        };
        let settings = Settings {
            selection,
            ..Settings::default()
        };
        analyze(&[source], &settings).unwrap_or_else(|r| panic!("{r}"))
    }

    #[test]
    fn the_view_names_methods_arguments_setters_and_types_as_the_client_has_them() {
        let api = analysis(crate::Selection::default());
        let module = &api.modules[0];
        assert_eq!(
            (module.name.as_str(), module.file.as_str()),
            ("shop", "shop.yaml")
        );
        assert_eq!(module.document["info"]["title"], "t");
        let update = &module.operations[0];
        assert_eq!(update.id, "UpdateItem");
        assert_eq!(
            (update.method_name.as_str(), update.builder.as_str()),
            ("update_item", "UpdateItem")
        );
        assert_eq!(update.http_method, "POST");
        assert_eq!(update.pointer, "/paths/~1items~1{id}/post");
        assert!(module.document.pointer(&update.pointer).is_some());
        type Row<'a> = (&'a str, ParameterPlace, bool, String, Take, Option<&'a str>);
        let places: Vec<Row<'_>> = update
            .parameters
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.place,
                    p.required,
                    p.ty.rust_outside("client"),
                    p.take,
                    p.setters.as_ref().map(|s| s.value.as_str()),
                )
            })
            .collect();
        let text = || "String".to_owned();
        assert_eq!(
            places,
            [
                (
                    "id",
                    ParameterPlace::Path,
                    true,
                    "rt::uuid::Uuid".to_owned(),
                    Take::Value,
                    None
                ),
                (
                    "tags",
                    ParameterPlace::Query,
                    true,
                    "Vec<String>".to_owned(),
                    Take::Into,
                    None
                ),
                (
                    "a",
                    ParameterPlace::Query,
                    false,
                    text(),
                    Take::Into,
                    Some("a")
                ),
                (
                    "b",
                    ParameterPlace::Query,
                    false,
                    "i64".to_owned(),
                    Take::Value,
                    Some("b")
                ),
                (
                    "c",
                    ParameterPlace::Query,
                    false,
                    "bool".to_owned(),
                    Take::Value,
                    Some("c")
                ),
                (
                    "X-Trace",
                    ParameterPlace::Header,
                    false,
                    text(),
                    Take::Into,
                    Some("x_trace")
                ),
            ]
        );
        assert!(update.parameters[1].ty.is_list() && !update.parameters[0].ty.is_list());
        assert_eq!(
            update.parameters[5]
                .setters
                .as_ref()
                .map(|s| s.option.as_str()),
            Some("set_x_trace")
        );
        // The tenant header is context, not an argument.
        assert_eq!(update.context.len(), 1);
        assert_eq!(update.context[0].key, ContextKey::Tenant);
        let body = update.body.as_ref().expect("a body");
        assert_eq!((body.kind, body.required), (BodyKind::Json, true));
        assert_eq!(
            body.ty.rust_outside("client"),
            "client::models::UpdateItemRequest"
        );
        assert_eq!((body.take, body.setters.as_ref()), (Take::Value, None));

        let note = &module.operations[1];
        let text = note.body.as_ref().expect("a body");
        assert_eq!((text.kind, text.required), (BodyKind::Text, false));
        assert_eq!(
            (text.ty.rust_outside("c").as_str(), text.take),
            ("String", Take::Into)
        );
        assert_eq!(
            text.setters
                .as_ref()
                .map(|s| (s.value.as_str(), s.option.as_str())),
            Some(("body", "set_body"))
        );
        let file = module.operations[2].body.as_ref().expect("a body");
        assert_eq!(file.kind, BodyKind::Binary);
        assert_eq!(file.content_type, "application/octet-stream");
        assert_eq!(
            (file.ty.rust_outside("c").as_str(), file.take),
            ("Vec<u8>", Take::Into)
        );
    }

    #[test]
    fn the_view_follows_the_selection_and_refuses_what_generate_refuses() {
        let api = analysis(crate::Selection {
            operations: vec!["PutNote".to_owned()],
            tags: Vec::new(),
        });
        let ids: Vec<&str> = api.modules[0]
            .operations
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(ids, ["PutNote"]);
        let swagger = SourceDocument {
            path: "old.yaml".to_owned(),
            text: "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n".to_owned(),
        };
        let report = analyze(&[swagger], &Settings::default()).expect_err("refused");
        assert!(
            report.diagnostics.iter().all(|d| d.file == "old.yaml"),
            "{report}"
        );
    }
}
