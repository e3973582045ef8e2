//! A read-only view of what [`generate`](crate::generate) builds, for tools that drive a
//! generated client (the conformance tool renders a program that calls every method).

use serde_json::Value;

use crate::ContextKey;
use crate::emit::{params_struct_of, rust_type};
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
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OperationView {
    /// The operation id (synthesized or numbered by the generator when the document's is
    /// missing or repeated).
    pub id: String,
    /// The client method's name.
    pub method_name: String,
    /// The HTTP method, upper case (`GET`).
    pub http_method: String,
    /// The path template (`/items/{id}`).
    pub path: String,
    /// Where the operation is in [`ModuleView::document`] (`/paths/~1items~1{id}/get`).
    pub pointer: String,
    /// The parameters that are method arguments, in the method's order: path parameters, then
    /// query, then header parameters (context and credential headers are not arguments). When
    /// [`params_struct`](Self::params_struct) is set, the optional query and header parameters
    /// are fields of that struct instead, which comes after the required ones.
    pub parameters: Vec<ParameterView>,
    /// The parameters struct the method takes for its optional parameters
    /// (`<module>::<name>`), if it takes one.
    pub params_struct: Option<String>,
    /// The request body, the method's last argument.
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

/// A parameter that is a method argument (or a field of the parameters struct).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ParameterView {
    /// The name in the document.
    pub name: String,
    /// Where it travels.
    pub place: ParameterPlace,
    /// Its Rust name (the field's name in the parameters struct).
    pub rust_name: String,
    /// Required (path parameters always are): otherwise the method or struct takes an `Option`.
    pub required: bool,
    /// Its type.
    pub ty: TypeView,
}

/// How a request body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyKind {
    /// A value serialized as JSON.
    Json,
    /// A model's properties as form fields.
    Form,
    /// A model's properties as multipart text fields.
    Multipart,
    /// `text/*`: a string sent as it is.
    Text,
    /// Any other media type: bytes sent as they are.
    Binary,
}

/// The request body of an operation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BodyView {
    /// How it is sent.
    pub kind: BodyKind,
    /// The media type the generator chose of those the document lists.
    pub content_type: String,
    /// `requestBody.required`: otherwise the method takes an `Option`.
    pub required: bool,
    /// The owned type of the value the method borrows: `String` for text, `Vec<u8>` for
    /// binary bodies.
    pub ty: TypeView,
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

/// A Rust type of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TypeView {
    /// The owned type as the generated crate writes it, as `proc_macro2` prints tokens
    /// (`Vec < rt :: uuid :: Uuid >`): models as `crate :: models :: Name`, runtime types under
    /// `rt :: …` (the generated crate's name for the runtime crate).
    pub rust: String,
    /// How a method takes it.
    pub shape: Shape,
}

/// How a generated method takes an argument of a type: `String`s as `&str`, lists as slices,
/// the rest by reference (an optional one as `Option<&…>` of these), except that path
/// parameters other than strings are taken by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shape {
    /// `String`, taken as `&str`.
    String,
    /// `Vec<T>`, taken as `&[T]`; a single value where a list is declared is a list of one.
    List,
    /// Anything else, taken as `&T` (by value as a path parameter).
    Other,
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
    let places = [
        (ParameterPlace::Path, &op.path_params),
        (ParameterPlace::Query, &op.query_params),
        (ParameterPlace::Header, &op.header_params),
    ];
    let parameters = places
        .into_iter()
        .flat_map(|(place, params)| {
            params.iter().map(move |p| ParameterView {
                name: p.name.clone(),
                place,
                rust_name: p.rust_name.clone(),
                required: p.required,
                ty: type_view(api, &p.ty),
            })
        })
        .collect();
    let body = op.body.as_ref().map(|b| {
        let (kind, ty) = match b.kind {
            ir::BodyKind::Json => (BodyKind::Json, type_view(api, &b.ty)),
            ir::BodyKind::Form => (BodyKind::Form, type_view(api, &b.ty)),
            ir::BodyKind::Multipart => (BodyKind::Multipart, type_view(api, &b.ty)),
            ir::BodyKind::Text => (BodyKind::Text, type_view(api, &Ty::String)),
            ir::BodyKind::Binary => (
                BodyKind::Binary,
                TypeView {
                    rust: "Vec < u8 >".to_owned(),
                    shape: Shape::List,
                },
            ),
        };
        BodyView {
            kind,
            content_type: b.content_type.clone(),
            required: b.required,
            ty,
        }
    });
    OperationView {
        id: op.id.clone(),
        method_name: op.method_name.clone(),
        http_method: op.http_method.clone(),
        path: op.path.clone(),
        pointer: op.pointer.clone(),
        parameters,
        params_struct: params_struct_of(op),
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
    TypeView {
        rust: rust_type(api, ty).to_string(),
        shape: match ty {
            Ty::String => Shape::String,
            Ty::List(_) => Shape::List,
            _ => Shape::Other,
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
    fn the_view_names_methods_arguments_and_types_as_the_client_has_them() {
        let api = analysis(crate::Selection::default());
        let module = &api.modules[0];
        assert_eq!(
            (module.name.as_str(), module.file.as_str()),
            ("shop", "shop.yaml")
        );
        assert_eq!(module.document["info"]["title"], "t");
        let update = &module.operations[0];
        assert_eq!(update.id, "UpdateItem");
        assert_eq!(update.http_method, "POST");
        assert_eq!(update.pointer, "/paths/~1items~1{id}/post");
        assert!(module.document.pointer(&update.pointer).is_some());
        let places: Vec<(&str, ParameterPlace, bool, Shape)> = update
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.place, p.required, p.ty.shape))
            .collect();
        assert_eq!(
            places,
            [
                ("id", ParameterPlace::Path, true, Shape::Other),
                ("tags", ParameterPlace::Query, true, Shape::List),
                ("a", ParameterPlace::Query, false, Shape::String),
                ("b", ParameterPlace::Query, false, Shape::Other),
                ("c", ParameterPlace::Query, false, Shape::Other),
                ("X-Trace", ParameterPlace::Header, false, Shape::String),
            ]
        );
        assert_eq!(update.parameters[0].ty.rust, "rt :: uuid :: Uuid");
        // Four optional parameters: they go into the method's parameters struct.
        assert_eq!(update.params_struct.as_deref(), Some("UpdateItemParams"));
        // The tenant header is context, not an argument.
        assert_eq!(update.context.len(), 1);
        assert_eq!(update.context[0].key, ContextKey::Tenant);
        let body = update.body.as_ref().expect("a body");
        assert_eq!((body.kind, body.required), (BodyKind::Json, true));
        assert!(
            body.ty.rust.starts_with("crate :: models ::"),
            "{}",
            body.ty.rust
        );

        let note = &module.operations[1];
        assert_eq!(note.params_struct, None);
        let text = note.body.as_ref().expect("a body");
        assert_eq!((text.kind, text.required), (BodyKind::Text, false));
        assert_eq!(
            (text.ty.rust.as_str(), text.ty.shape),
            ("String", Shape::String)
        );
        let file = module.operations[2].body.as_ref().expect("a body");
        assert_eq!(file.kind, BodyKind::Binary);
        assert_eq!(file.content_type, "application/octet-stream");
        assert_eq!(
            (file.ty.rust.as_str(), file.ty.shape),
            ("Vec < u8 >", Shape::List)
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
