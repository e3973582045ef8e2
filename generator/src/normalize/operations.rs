//! Lowering operations: parameters sorted into path arguments and request-context headers,
//! bodies and responses typed, and the vendor's quirks repaired (schema-less media types,
//! mixed error bodies, the `api-version` parameter, auth headers declared as parameters).

use openapiv3::{
    MediaType, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, StatusCode,
};

use super::naming::field_name;
use super::schemas::Schemas;
use crate::ContextKey;
use crate::diagnostics::{Diagnostic, Sink, escape_token};
use crate::ir::{self, AuthNeed, Body, BodyKind, ContextUse, Media, Operation, Response, Ty};
use crate::load::Loaded;

/// Headers the auth providers own.
const AUTH_HEADERS: &[&str] = &["authorization", "x-api-key"];

/// Lowers the operations of document `doc`, in document order.
pub fn lower_operations(
    doc: usize,
    docs: &[Loaded],
    schemas: &mut Schemas<'_>,
    sink: &mut Sink,
) -> Vec<Operation> {
    let loaded = &docs[doc];
    let mut operations: Vec<Operation> = Vec::new();
    for (path, item) in &loaded.api.paths.paths {
        let ReferenceOr::Item(item) = item else {
            sink.push(Diagnostic::error(
                &loaded.file,
                format!("/paths/{}", escape_token(path)),
                "unsupported",
                "path items given by `$ref` are not supported",
            ));
            continue;
        };
        for (method, op) in item.iter() {
            let pointer = format!("/paths/{}/{method}", escape_token(path));
            let lowered = OperationLowering {
                doc,
                loaded,
                path,
                method,
                pointer,
                id: String::new(),
                schemas: &mut *schemas,
            }
            .lower(item, op, sink);
            operations.push(lowered);
        }
    }
    dedupe_ids(&mut operations, loaded, sink);
    operations
}

struct OperationLowering<'a, 's, 'd> {
    doc: usize,
    loaded: &'a Loaded,
    path: &'a str,
    method: &'a str,
    pointer: String,
    /// The operation id in PascalCase, to name inline schemas.
    id: String,
    schemas: &'s mut Schemas<'d>,
}

impl OperationLowering<'_, '_, '_> {
    fn lower(mut self, item: &PathItem, op: &openapiv3::Operation, sink: &mut Sink) -> Operation {
        let id = op.operation_id.clone().unwrap_or_else(|| {
            let id = field_name(&format!(
                "{}_{}",
                self.method,
                self.path.replace(['{', '}'], "")
            ));
            sink.push(Diagnostic::warning(
                &self.loaded.file,
                self.pointer.clone(),
                "operation-id-synthesized",
                format!("no operationId; named `{id}`"),
            ));
            id
        });
        self.id = super::naming::type_name(&id);
        let parameters = self.parameters(item, op, sink);
        let body = op.request_body.as_ref().and_then(|b| self.body(b, sink));
        let (success, errors) = self.responses(op, sink);
        let error_ty = error_type(&errors);
        let security = op.security.as_ref().or(self.loaded.api.security.as_ref());
        let security: Vec<Vec<String>> = security
            .map(|alternatives| {
                alternatives
                    .iter()
                    .map(|req| req.keys().cloned().collect())
                    .collect()
            })
            .unwrap_or_default();
        Operation {
            method_name: field_name(&id),
            id,
            http_method: self.method.to_ascii_uppercase(),
            path: self.path.to_owned(),
            pointer: self.pointer,
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            path_params: parameters.path,
            query_params: parameters.query,
            header_params: parameters.headers,
            context: parameters.context,
            body,
            success,
            errors,
            error_ty,
            auth: auth_need(&security),
            security,
            sends_api_version: parameters.api_version,
            scope: op
                .extensions
                .get("x-jtl-scope")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
        }
    }

    /// Path parameters become arguments; context, auth and `api-version` headers leave the signature.
    fn parameters(
        &mut self,
        item: &PathItem,
        op: &openapiv3::Operation,
        sink: &mut Sink,
    ) -> Parameters {
        let mut resolved: Vec<(String, Parameter)> = Vec::new();
        let all = item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    format!("/paths/{}/parameters/{i}", escape_token(self.path)),
                    p,
                )
            })
            .chain(
                op.parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (format!("{}/parameters/{i}", self.pointer), p)),
            );
        for (pointer, parameter) in all {
            let Some(parameter) = self.resolve_parameter(parameter) else {
                continue;
            };
            // Operation-level parameters override path-level ones of the same name and place.
            resolved.retain(|(_, p)| {
                !(p.parameter_data_ref().name == parameter.parameter_data_ref().name
                    && same_place(p, &parameter))
            });
            resolved.push((pointer, parameter));
        }
        let mut found = Parameters::default();
        for (pointer, parameter) in resolved {
            self.sort_parameter(&pointer, &parameter, &mut found, sink);
        }
        for name in template_names(self.path) {
            if !found.path.iter().any(|p| p.name == name) {
                sink.push(Diagnostic::error(
                    &self.loaded.file,
                    self.pointer.clone(),
                    "path-parameter",
                    format!("path template names `{{{name}}}` but no path parameter declares it"),
                ));
            }
        }
        found
    }

    /// Path, query and header parameters stay arguments; context, credential and
    /// `api-version` headers leave the signature.
    fn sort_parameter(
        &mut self,
        pointer: &str,
        parameter: &Parameter,
        found: &mut Parameters,
        sink: &mut Sink,
    ) {
        let data = parameter.parameter_data_ref();
        let lower = data.name.to_ascii_lowercase();
        let argument = |schemas: &mut Schemas<'_>, sink: &mut Sink| {
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => schemas.ty_named(
                    self.doc,
                    schema,
                    format!("{pointer}/schema"),
                    &format!("{}Param", data.name),
                    sink,
                ),
                ParameterSchemaOrContent::Content(_) => Ty::String,
            };
            let required = data.required || matches!(parameter, Parameter::Path { .. });
            ir::Parameter {
                rust_name: field_name(&data.name),
                name: data.name.clone(),
                ty,
                description: data.description.clone(),
                required,
            }
        };
        let is_header = matches!(parameter, Parameter::Header { .. });
        let context_key = ContextKey::for_header(&lower).filter(|_| is_header);
        match parameter {
            Parameter::Header { .. } if lower == "api-version" => found.api_version = true,
            Parameter::Header { .. } if AUTH_HEADERS.contains(&lower.as_str()) => {}
            Parameter::Header { .. } if context_key.is_some() => {
                found.context.extend(context_key.map(|key| ContextUse {
                    key,
                    header: data.name.clone(),
                    required: data.required,
                }))
            }
            Parameter::Path { .. } => {
                let param = argument(self.schemas, sink);
                found.path.push(param);
            }
            Parameter::Query { .. } | Parameter::Header { .. } => {
                let param = argument(self.schemas, sink);
                if !is_simple(&param.ty) {
                    sink.push(Diagnostic::error(&self.loaded.file, pointer.to_owned(), "unsupported", format!(
                        "operation `{}`: {} parameter `{}` has a type that is not a scalar, an enum or a list of those",
                        self.pointer, place(parameter), data.name)));
                } else if matches!(parameter, Parameter::Query { .. }) {
                    found.query.push(param);
                } else {
                    found.headers.push(param);
                }
            }
            Parameter::Cookie { .. } => sink.push(Diagnostic::error(
                &self.loaded.file,
                pointer.to_owned(),
                "unsupported",
                format!(
                    "operation `{}`: cookie parameter `{}` is not supported",
                    self.pointer, data.name
                ),
            )),
        }
    }

    fn resolve_parameter(&self, parameter: &ReferenceOr<Parameter>) -> Option<Parameter> {
        match parameter {
            ReferenceOr::Item(p) => Some(p.clone()),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/")?;
                match self.loaded.api.components.as_ref()?.parameters.get(name)? {
                    ReferenceOr::Item(p) => Some(p.clone()),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        }
    }

    fn body(&mut self, body: &ReferenceOr<RequestBody>, sink: &mut Sink) -> Option<Body> {
        let body = match body {
            ReferenceOr::Item(b) => b.clone(),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/requestBodies/")?;
                match self
                    .loaded
                    .api
                    .components
                    .as_ref()?
                    .request_bodies
                    .get(name)?
                {
                    ReferenceOr::Item(b) => b.clone(),
                    ReferenceOr::Reference { .. } => return None,
                }
            }
        };
        let pick = |kind: BodyKind, wanted: fn(&str) -> bool| {
            body.content
                .iter()
                .find(|(m, _)| wanted(m))
                .map(|(m, t)| (kind, m.clone(), t.clone()))
        };
        let Some((kind, media, content)) = pick(BodyKind::Json, is_json)
            .or_else(|| pick(BodyKind::Form, |m| m == "application/x-www-form-urlencoded"))
            .or_else(|| pick(BodyKind::Multipart, |m| m == "multipart/form-data"))
        else {
            let media: Vec<&String> = body.content.keys().collect();
            sink.push(Diagnostic::error(&self.loaded.file, format!("{}/requestBody", self.pointer), "unsupported", format!("request body media types {media:?} are not supported yet (JSON, form, multipart)")));
            return None;
        };
        let pointer = format!(
            "{}/requestBody/content/{}/schema",
            self.pointer,
            escape_token(&media)
        );
        let ty = content.schema.as_ref().map(|s| {
            self.schemas.ty_named(
                self.doc,
                s,
                pointer.clone(),
                &format!("{}Request", self.id),
                sink,
            )
        });
        match ty {
            Some(Ty::Concept(schema)) => Some(Body {
                kind,
                schema,
                description: body.description.clone(),
            }),
            _ => {
                sink.push(Diagnostic::error(&self.loaded.file, pointer, "unsupported", "a request body must be a named object schema (`$ref: #/components/schemas/...`)"));
                None
            }
        }
    }

    /// The 2xx answer the method returns and the documented failures.
    fn responses(
        &mut self,
        op: &openapiv3::Operation,
        sink: &mut Sink,
    ) -> (Response, Vec<Response>) {
        let mut success: Option<Response> = None;
        let mut errors = Vec::new();
        for (code, response) in &op.responses.responses {
            let StatusCode::Code(status) = *code else {
                sink.push(Diagnostic::warning(
                    &self.loaded.file,
                    format!("{}/responses/{code}", self.pointer),
                    "status-range-ignored",
                    "status ranges are not modelled; such answers are unexpected responses",
                ));
                continue;
            };
            let pointer = format!("{}/responses/{status}", self.pointer);
            let Some(response) = self.resolve_response(response) else {
                continue;
            };
            let (ty, media) = self.response_type(&response.content, status, &pointer, sink);
            let lowered = Response {
                status,
                description: response.description.clone(),
                ty,
                media,
                optional: false,
            };
            if (200..300).contains(&status) {
                match &mut success {
                    None => success = Some(lowered),
                    // One answer with a body, one without (201 and 204): the method returns
                    // `Option` of the body.
                    Some(first) if first.ty.is_none() && first.media.is_none() => {
                        *first = Response { optional: true, ..lowered };
                    }
                    Some(first) if lowered.ty.is_none() && lowered.media.is_none() => first.optional = true,
                    Some(first) if first.ty != lowered.ty || first.media != lowered.media => sink.push(Diagnostic::error(&self.loaded.file, pointer, "unsupported", format!("success responses {} and {status} have different bodies; one method returns one type", first.status))),
                    Some(_) => {}
                }
            } else {
                errors.push(lowered);
            }
        }
        let success = success.unwrap_or(Response {
            status: 200,
            description: "success".to_owned(),
            ty: None,
            media: None,
            optional: false,
        });
        (success, errors)
    }

    fn resolve_response(
        &self,
        response: &ReferenceOr<openapiv3::Response>,
    ) -> Option<openapiv3::Response> {
        match response {
            ReferenceOr::Item(r) => Some(r.clone()),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/responses/")?;
                match self.loaded.api.components.as_ref()?.responses.get(name)? {
                    ReferenceOr::Item(r) => Some(r.clone()),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        }
    }

    /// JSON with a schema is read into its type; binary and text media types are handed over
    /// as bytes or text; a media type without schema (a vendor quirk) means no body is read.
    fn response_type(
        &mut self,
        content: &indexmap::IndexMap<String, MediaType>,
        status: u16,
        pointer: &str,
        sink: &mut Sink,
    ) -> (Option<Ty>, Option<Media>) {
        let Some((media, body)) = content
            .iter()
            .find(|(m, _)| is_json(m))
            .or_else(|| content.first())
        else {
            return (None, None);
        };
        let media_pointer = format!("{pointer}/content/{}", escape_token(media));
        if !is_json(media) {
            let kind = if is_text(media) {
                Media::Text
            } else {
                Media::Binary
            };
            return (None, (200..300).contains(&status).then_some(kind));
        }
        match &body.schema {
            Some(schema) => {
                let name = format!("{}Response{status}", self.id);
                let ty = self.schemas.ty_named(
                    self.doc,
                    schema,
                    format!("{media_pointer}/schema"),
                    &name,
                    sink,
                );
                (Some(ty), Some(Media::Json))
            }
            None => {
                sink.push(Diagnostic::warning(
                    &self.loaded.file,
                    media_pointer,
                    "schema-less-media-type",
                    "media type without schema; the body is not read",
                ));
                (None, None)
            }
        }
    }
}

/// No requirement, an empty alternative among others, or a scheme in every alternative.
fn auth_need(security: &[Vec<String>]) -> AuthNeed {
    if security.is_empty() || security.iter().all(Vec::is_empty) {
        AuthNeed::None
    } else if security.iter().any(Vec::is_empty) {
        AuthNeed::Optional
    } else {
        AuthNeed::Required
    }
}

/// The parameters of an operation, sorted by where they go.
#[derive(Default)]
struct Parameters {
    path: Vec<ir::Parameter>,
    query: Vec<ir::Parameter>,
    headers: Vec<ir::Parameter>,
    context: Vec<ContextUse>,
    api_version: bool,
}

/// Scalars, enums and lists of those fit into a query string or a header.
fn is_simple(ty: &Ty) -> bool {
    match ty {
        Ty::List(inner) => is_simple(inner) && !matches!(**inner, Ty::List(_)),
        Ty::Concept(_) | Ty::Map(_) | Ty::Json | Ty::Bytes | Ty::Secret => false,
        _ => true,
    }
}

fn same_place(a: &Parameter, b: &Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn place(p: &Parameter) -> &'static str {
    match p {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json") || media == "text/json"
}

fn is_text(media: &str) -> bool {
    media.starts_with("text/") || media.ends_with("/xml") || media.ends_with("+xml")
}

fn template_names(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
}

/// One error body type when all documented ones agree; JSON when they differ.
fn error_type(errors: &[Response]) -> Option<Ty> {
    let mut types = errors.iter().filter_map(|e| e.ty.clone());
    let first = types.next()?;
    Some(if types.all(|t| t == first) {
        first
    } else {
        Ty::Json
    })
}

/// Missing or repeated operation ids are made unique, deterministically, with a warning.
fn dedupe_ids(operations: &mut [Operation], loaded: &Loaded, sink: &mut Sink) {
    for i in 0..operations.len() {
        let mut n = 2;
        while operations[..i]
            .iter()
            .any(|o| o.method_name == operations[i].method_name)
        {
            let renamed = format!("{}_{n}", field_name(&operations[i].id));
            sink.push(Diagnostic::warning(
                &loaded.file,
                operations[i].pointer.clone(),
                "operation-id-duplicate",
                format!(
                    "operation `{}` is named already; the method becomes `{renamed}`",
                    operations[i].id
                ),
            ));
            operations[i].method_name = renamed;
            n += 1;
        }
    }
}
