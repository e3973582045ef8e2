//! A read-only view of what [`generate`](crate::generate) builds, for tools that drive a
//! generated client (the conformance tool renders a program that calls every method). It is
//! read off the operations' signatures as normalize settled them, the same the emitters write:
//! names, how each input is passed and its type as a tree, never printed Rust.

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
    /// Its owned type: [`TypeView::String`] for text, [`TypeView::Bytes`] for binary bodies.
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

/// An owned Rust type of the generated crate, as a tree: a tool renders it in its own terms
/// (the conformance driver writes `client::models::Name` for [`TypeView::Model`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TypeView {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `format: byte`: the runtime's `Base64Bytes`.
    Base64,
    /// The bytes of a binary body, sent as they are: `Vec<u8>`.
    Bytes,
    /// `format: date-time`: `chrono::DateTime<chrono::FixedOffset>` (the runtime re-exports
    /// `chrono`).
    DateTime,
    /// `format: date`: `chrono::NaiveDate`.
    Date,
    /// `format: uuid`: `uuid::Uuid` (re-exported by the runtime).
    Uuid,
    /// A string marked `x-jtl-secret`: the runtime's `Secret`.
    Secret,
    /// Any JSON: `serde_json::Value` (re-exported by the runtime).
    Json,
    /// `Vec<T>`.
    List(Box<TypeView>),
    /// `BTreeMap<String, T>`: keys are data.
    Map(Box<TypeView>),
    /// A model of the crate's `models` module, by its name.
    Model(String),
    /// An enum of `models`, by its name.
    Enum(String),
    /// A `oneOf`/`anyOf` union of `models`, by its name; `nullable`: an `Option` of it.
    Union {
        /// The enum's name in `models`.
        name: String,
        /// `Option<Name>`.
        nullable: bool,
    },
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
                    ty: type_view(api, &p.ty),
                    take: take(input),
                    setters: setters(input),
                }
            })
        })
        .collect();
    let body = op.body.as_ref().map(|b| {
        let (kind, ty) = match b.kind {
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart => {
                (b.kind, type_view(api, &b.ty))
            }
            BodyKind::Text => (b.kind, TypeView::String),
            BodyKind::Binary => (b.kind, TypeView::Bytes),
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

fn type_view(api: &Api, ty: &Ty) -> TypeView {
    match ty {
        Ty::String => TypeView::String,
        Ty::Bool => TypeView::Bool,
        Ty::I32 => TypeView::I32,
        Ty::I64 => TypeView::I64,
        Ty::F64 => TypeView::F64,
        Ty::Bytes => TypeView::Base64,
        Ty::DateTime => TypeView::DateTime,
        Ty::Date => TypeView::Date,
        Ty::Uuid => TypeView::Uuid,
        Ty::Secret => TypeView::Secret,
        Ty::Json => TypeView::Json,
        Ty::List(inner) => TypeView::List(Box::new(type_view(api, inner))),
        Ty::Map(inner) => TypeView::Map(Box::new(type_view(api, inner))),
        Ty::Concept(key) => TypeView::Model(api.concepts[api.concept_of[key].0].name.clone()),
        Ty::Enum(i) => TypeView::Enum(api.enums[*i].name.clone()),
        Ty::Union(i) => TypeView::Union {
            name: api.unions[*i].name.clone(),
            nullable: api.unions[*i].nullable,
        },
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
        type Row<'a> = (
            &'a str,
            ParameterPlace,
            bool,
            &'a TypeView,
            Take,
            Option<&'a str>,
        );
        let places: Vec<Row<'_>> = update
            .parameters
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.place,
                    p.required,
                    &p.ty,
                    p.take,
                    p.setters.as_ref().map(|s| s.value.as_str()),
                )
            })
            .collect();
        let list = TypeView::List(Box::new(TypeView::String));
        assert_eq!(
            places,
            [
                (
                    "id",
                    ParameterPlace::Path,
                    true,
                    &TypeView::Uuid,
                    Take::Value,
                    None
                ),
                ("tags", ParameterPlace::Query, true, &list, Take::Into, None),
                (
                    "a",
                    ParameterPlace::Query,
                    false,
                    &TypeView::String,
                    Take::Into,
                    Some("a")
                ),
                (
                    "b",
                    ParameterPlace::Query,
                    false,
                    &TypeView::I64,
                    Take::Value,
                    Some("b")
                ),
                (
                    "c",
                    ParameterPlace::Query,
                    false,
                    &TypeView::Bool,
                    Take::Value,
                    Some("c")
                ),
                (
                    "X-Trace",
                    ParameterPlace::Header,
                    false,
                    &TypeView::String,
                    Take::Into,
                    Some("x_trace")
                ),
            ]
        );
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
        assert!(
            matches!(&body.ty, TypeView::Model(name) if name == "UpdateItemRequest"),
            "{:?}",
            body.ty
        );
        assert_eq!((body.take, body.setters.as_ref()), (Take::Value, None));

        let note = &module.operations[1];
        let text = note.body.as_ref().expect("a body");
        assert_eq!((text.kind, text.required), (BodyKind::Text, false));
        assert_eq!((&text.ty, text.take), (&TypeView::String, Take::Into));
        assert_eq!(
            text.setters
                .as_ref()
                .map(|s| (s.value.as_str(), s.option.as_str())),
            Some(("body", "set_body"))
        );
        let file = module.operations[2].body.as_ref().expect("a body");
        assert_eq!(file.kind, BodyKind::Binary);
        assert_eq!(file.content_type, "application/octet-stream");
        assert_eq!((&file.ty, file.take), (&TypeView::Bytes, Take::Into));
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
