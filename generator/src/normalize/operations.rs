//! Lowering operations: parameters sorted into path arguments and request-context headers,
//! bodies and responses typed, and the vendor's quirks repaired (schema-less media types,
//! mixed error bodies, the `api-version` parameter, auth headers declared as parameters).
//! A legal construct the client cannot type degrades (text, JSON, bytes, an ignored
//! parameter) with a warning saying what was lost; it never stops generation.

use openapiv3::{
    MediaType, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, StatusCode,
};

use super::naming::{field_name, first_free};
use super::schemas::Schemas;
use crate::ContextKey;
use crate::diagnostics::{Diagnostic, Kind, Sink, escape_token};
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
            sink.push(Diagnostic::warning(
                &loaded.file,
                format!("/paths/{}", escape_token(path)),
                Kind::PathItemSkipped,
                "a path item given by `$ref` is not followed; its operations are not generated",
            ));
            continue;
        };
        // OpenAPI 3.2's `query`, which openapiv3's path item has no field for, comes last.
        let query = loaded
            .openapi32
            .then(|| loaded.raw.get("paths")?.get(path))
            .flatten()
            .and_then(crate::openapi32::query_operation);
        for (method, op) in item.iter().chain(query.as_ref().map(|op| ("query", op))) {
            let pointer = format!("/paths/{}/{method}", escape_token(path));
            let lowered = OperationLowering {
                doc,
                loaded,
                path,
                method,
                pointer,
                id: String::new(),
                secured: false,
                schemas: &mut *schemas,
            }
            .lower(item, op, sink);
            operations.push(lowered);
        }
    }
    shorten_method_names(&mut operations);
    dedupe_ids(&mut operations, loaded, sink);
    for op in &mut operations {
        assign_argument_names(op);
    }
    operations
}

/// Method names from vendor-style ids (documented in the README): the action after the
/// controller prefix, without `Async` (`CustomerHeader_QueryCustomersAsync` → `query_customers`)
/// when no other operation of the module gets that name; else the whole id without `Async`
/// (`Item_AddItemsAsync` → `item_add_items` when `Customer_AddItemsAsync` exists too).
/// Deterministic: it depends only on the module's ids.
fn shorten_method_names(operations: &mut [Operation]) {
    let shorts: Vec<Option<String>> = operations
        .iter()
        .map(|o| super::naming::short_method_name(&o.id))
        .collect();
    let fulls: Vec<String> = operations
        .iter()
        .map(|o| super::naming::full_method_name(&o.id))
        .collect();
    for (i, op) in operations.iter_mut().enumerate() {
        let unambiguous = |name: &String| {
            shorts
                .iter()
                .enumerate()
                .all(|(j, other)| j == i || other.as_ref() != Some(name))
                && fulls
                    .iter()
                    .enumerate()
                    .all(|(j, other)| j == i || other != name)
        };
        op.signature.method = match &shorts[i] {
            Some(short) if unambiguous(short) => short.clone(),
            _ => fulls[i].clone(),
        };
    }
}

/// Names a parameter may not take: the request builder's field of the client, and the body's
/// name (taken whether or not the operation has a body, so that a body the vendor adds later
/// renames no parameter).
const RESERVED_INPUTS: &[&str] = &[super::signature::CLIENT_FIELD, super::signature::BODY];

/// Every parameter a distinct Rust name (the method's argument, the builder's field): `body` →
/// `body_param`; names equal after case conversion (`id`, `Id`) → `id`, `id_2`.
fn assign_argument_names(op: &mut Operation) {
    let mut taken: Vec<String> = Vec::new();
    let params = op
        .path_params
        .iter_mut()
        .chain(op.query_params.iter_mut())
        .chain(op.header_params.iter_mut());
    for p in params {
        let mut base = p.rust_name.clone();
        if RESERVED_INPUTS.contains(&base.as_str()) {
            base = format!("{base}_param");
        }
        let plain = base
            .trim_start_matches("r#")
            .trim_end_matches('_')
            .to_owned();
        let name = first_free([base], &plain, "_", |n| taken.iter().any(|t| t == n));
        taken.push(name.clone());
        p.rust_name = name;
    }
}

struct OperationLowering<'a, 's, 'd> {
    doc: usize,
    loaded: &'a Loaded,
    path: &'a str,
    method: &'a str,
    pointer: String,
    /// The operation id in PascalCase, to name inline schemas.
    id: String,
    /// Whether a security requirement names a scheme: then the auth provider owns the
    /// credential headers; without one, an `Authorization` parameter is the caller's to send.
    secured: bool,
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
                Kind::OperationIdSynthesized,
                format!("no operationId; named `{id}`"),
            ));
            id
        });
        self.id = super::naming::type_name(&id);
        self.secured = op
            .security
            .as_ref()
            .or(self.loaded.api.security.as_ref())
            .is_some_and(|alternatives| alternatives.iter().any(|r| !r.is_empty()));
        let parameters = self.parameters(item, op, sink);
        let body = op.request_body.as_ref().and_then(|b| self.body(b, sink));
        let (success, errors, success_variants) = self.responses(op, sink);
        let error_ty = error_type(&errors);
        let security = op.security.as_ref().or(self.loaded.api.security.as_ref());
        let mut oauth2_scopes: Vec<String> = security
            .into_iter()
            .flatten()
            .flatten()
            .filter(|(scheme, _)| {
                crate::repair::scopes_are_a_deviation(&self.loaded.raw, scheme).is_none()
            })
            .flat_map(|(_, scopes)| scopes.iter().cloned())
            .collect();
        oauth2_scopes.sort();
        oauth2_scopes.dedup();
        let security: Vec<Vec<(String, Vec<String>)>> = security
            .map(|alternatives| {
                alternatives
                    .iter()
                    .map(|req| {
                        req.iter()
                            .map(|(scheme, scopes)| {
                                // Documented: an oauth2 requirement's scopes, and those the
                                // repair kept for an apiKey (its permissions).
                                (scheme.clone(), scopes.clone())
                            })
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let paging_hint =
            super::paging::hint(&op.extensions, &self.loaded.file, &self.pointer, sink);
        Operation {
            signature: ir::Signature {
                method: field_name(&id),
                ..ir::Signature::default()
            },
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
            success_variants,
            errors,
            error_ty,
            auth: auth_need(&security),
            security,
            oauth2_scopes,
            sends_api_version: parameters.api_version,
            scope: op
                .extensions
                .get("x-jtl-scope")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            paging_hint,
            paging: None,
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
            let name = &parameter.parameter_data_ref().name;
            if matches!(parameter, Parameter::Path { .. })
                && !template_names(self.path).any(|n| n == name)
            {
                // A format argument the template has no place for would not compile.
                sink.push(Diagnostic::warning(
                    &self.loaded.file,
                    pointer,
                    Kind::PathParameterUnused,
                    format!(
                        "path parameter `{name}` is not named by the path template `{}`; it is not sent (the server cannot receive it)",
                        self.path
                    ),
                ));
                continue;
            }
            self.sort_parameter(&pointer, &parameter, &mut found, sink);
        }
        for name in template_names(self.path) {
            if !found.path.iter().any(|p| p.name == name) {
                sink.push(Diagnostic::warning(
                    &self.loaded.file,
                    self.pointer.clone(),
                    Kind::PathParameterUndeclared,
                    format!("path template names `{{{name}}}` but no path parameter declares it; it is taken as text"),
                ));
                found.path.push(ir::Parameter {
                    name: name.to_owned(),
                    rust_name: field_name(name),
                    ty: Ty::String,
                    description: None,
                    required: true,
                    path_style: ir::PathStyle::Simple,
                    query_style: ir::EncodingEntry::default(),
                    pointer: self.pointer.clone(),
                });
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
        let file = &self.loaded.file;
        let argument = |schemas: &mut Schemas<'_>, sink: &mut Sink| {
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => schemas.parameter_ty(
                    self.doc,
                    schema,
                    format!("{pointer}/schema"),
                    &format!("{}Param", data.name),
                    data.extensions.get("x-enumNames"),
                    sink,
                ),
                ParameterSchemaOrContent::Content(_) => Ty::String,
            };
            // What fits no path segment, query string or header is sent as the caller's text.
            // A query string also holds objects and maps, by their style (`query_rule` decides
            // once every type is known, and warns where it cannot follow it).
            let scalar_union = matches!(ty, Ty::Union(i) if schemas.is_scalar_union(i));
            let query_object = matches!(parameter, Parameter::Query { .. })
                && matches!(ty, Ty::Concept(_) | Ty::Map(_));
            let ty = if is_simple(&ty) || scalar_union || query_object {
                ty
            } else {
                sink.push(Diagnostic::warning(
                    file,
                    pointer.to_owned(),
                    Kind::ParameterAsText,
                    format!(
                        "{} parameter `{}` is not a scalar, an enum or a list of those; it is taken as text",
                        place(parameter),
                        data.name
                    ),
                ));
                Ty::String
            };
            let required = data.required || matches!(parameter, Parameter::Path { .. });
            let explode = data.explode.unwrap_or(false);
            let path_style = match parameter {
                Parameter::Path {
                    style: openapiv3::PathStyle::Label,
                    ..
                } => ir::PathStyle::Label { explode },
                Parameter::Path {
                    style: openapiv3::PathStyle::Matrix,
                    ..
                } => ir::PathStyle::Matrix { explode },
                _ => ir::PathStyle::Simple,
            };
            let query_style = match parameter {
                Parameter::Query {
                    style,
                    allow_reserved,
                    ..
                } => ir::EncodingEntry {
                    content_type: None,
                    style: Some(
                        match style {
                            openapiv3::QueryStyle::Form => "form",
                            openapiv3::QueryStyle::SpaceDelimited => "spaceDelimited",
                            openapiv3::QueryStyle::PipeDelimited => "pipeDelimited",
                            openapiv3::QueryStyle::DeepObject => "deepObject",
                        }
                        .to_owned(),
                    ),
                    explode: data.explode,
                    allow_reserved: *allow_reserved,
                    headers: false,
                },
                _ => ir::EncodingEntry::default(),
            };
            ir::Parameter {
                rust_name: field_name(&data.name),
                name: data.name.clone(),
                ty,
                description: data.description.clone(),
                required,
                path_style,
                query_style,
                pointer: pointer.to_owned(),
            }
        };
        let is_header = matches!(parameter, Parameter::Header { .. });
        let context_key = ContextKey::for_header(&lower).filter(|_| is_header);
        match parameter {
            Parameter::Header { .. } if lower == "api-version" => found.api_version = true,
            Parameter::Header { .. } if self.secured && AUTH_HEADERS.contains(&lower.as_str()) => {}
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
            Parameter::Query { .. } => {
                let param = argument(self.schemas, sink);
                found.query.push(param);
            }
            Parameter::Header { .. } => {
                let param = argument(self.schemas, sink);
                found.headers.push(param);
            }
            Parameter::Cookie { .. } => sink.push(Diagnostic::warning(
                &self.loaded.file,
                pointer.to_owned(),
                Kind::CookieParameterIgnored,
                format!(
                    "cookie parameter `{}` is not sent (the client sends no cookies)",
                    data.name
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
        let raw_at = match body {
            ReferenceOr::Item(_) => format!("{}/requestBody", self.pointer),
            ReferenceOr::Reference { reference } => reference.trim_start_matches('#').to_owned(),
        };
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
        // JSON first, then form, multipart, text, and bytes for anything else.
        let pick = |kind: BodyKind, wanted: fn(&str) -> bool| {
            body.content
                .iter()
                .find(|(m, _)| wanted(&essence(m)))
                .map(|(m, t)| (kind, m.clone(), t.clone()))
        };
        let (kind, media, content) = pick(BodyKind::Json, is_json)
            .or_else(|| pick(BodyKind::Form, |m| m == "application/x-www-form-urlencoded"))
            .or_else(|| pick(BodyKind::Multipart, |m| m == "multipart/form-data"))
            .or_else(|| pick(BodyKind::Text, is_text))
            .or_else(|| pick(BodyKind::Binary, |_| true))?;
        let body_pointer = format!(
            "{}/requestBody/content/{}",
            self.pointer,
            escape_token(&media)
        );
        let pointer = format!("{body_pointer}/schema");
        let ty = content.schema.as_ref().map(|s| {
            self.schemas.ty_named(
                self.doc,
                s,
                pointer.clone(),
                &format!("{}Request", self.id),
                sink,
            )
        });
        let warn = |sink: &mut Sink, kind: Kind, message: String| {
            sink.push(Diagnostic::warning(
                &self.loaded.file,
                body_pointer.clone(),
                kind,
                message,
            ));
        };
        let (kind, ty) = match (kind, ty) {
            (BodyKind::Text, _) => (BodyKind::Text, Ty::String),
            (BodyKind::Binary, _) => (BodyKind::Binary, Ty::Bytes),
            (BodyKind::Json, Some(ty)) => (BodyKind::Json, ty),
            (BodyKind::Json, None) => {
                warn(
                    sink,
                    Kind::SchemaLessMediaType,
                    "request body without schema; any JSON value is sent".to_owned(),
                );
                (BodyKind::Json, Ty::Json)
            }
            (BodyKind::Form | BodyKind::Multipart, Some(ty @ Ty::Concept(_))) => (kind, ty),
            (BodyKind::Form | BodyKind::Multipart, _) => {
                warn(
                    sink,
                    Kind::BodyAsBytes,
                    format!(
                        "a `{media}` body that is not an object schema is sent as bytes the caller encodes"
                    ),
                );
                (BodyKind::Binary, Ty::Bytes)
            }
        };
        let form = matches!(kind, BodyKind::Form | BodyKind::Multipart).then(|| {
            let media_at = format!("{raw_at}/content/{}", escape_token(&media));
            super::forms::read(&self.loaded.raw, &media_at, self.loaded.openapi32)
        });
        Some(Body {
            kind,
            ty,
            content_type: media,
            required: body.required,
            description: body.description.clone(),
            form,
        })
    }

    /// The 2xx answer the method returns and the documented failures.
    fn responses(
        &mut self,
        op: &openapiv3::Operation,
        sink: &mut Sink,
    ) -> (Response, Vec<Response>, Vec<Response>) {
        let mut success: Option<Response> = None;
        let mut all_success: Vec<Response> = Vec::new();
        let mut differ: Vec<(String, Response)> = Vec::new();
        let mut errors = Vec::new();
        for (code, response) in &op.responses.responses {
            let (status, range) = match *code {
                StatusCode::Code(status) => (status, None),
                StatusCode::Range(r) => (if r == 2 { 200 } else { 0 }, Some(format!("{r}XX"))),
            };
            let pointer = format!("{}/responses/{code}", self.pointer);
            let Some(response) = self.resolve_response(response) else {
                continue;
            };
            let (ty, media) = self.response_type(&response.content, status, &pointer, sink);
            let lowered = Response {
                status,
                range,
                description: response.description.clone(),
                ty,
                media,
                optional: false,
            };
            if (200..300).contains(&status) {
                all_success.push(lowered.clone());
                if let Some(other) = add_success(&mut success, lowered) {
                    differ.push((pointer, other));
                }
            } else {
                errors.push(lowered);
            }
        }
        if let Some(default) = &op.responses.default
            && let Some(response) = self.resolve_response(default)
        {
            let pointer = format!("{}/responses/default", self.pointer);
            // Read like a success when it is the only answer documented.
            let status = if success.is_none() { 200 } else { 0 };
            let (ty, media) = self.response_type(&response.content, status, &pointer, sink);
            let lowered = Response {
                status: 0,
                range: Some("default".to_owned()),
                description: response.description.clone(),
                ty,
                media,
                optional: false,
            };
            match &success {
                // Only `default` documented: it is what the operation answers.
                None => {
                    success = Some(Response {
                        status: 200,
                        ..lowered
                    })
                }
                Some(_) => errors.push(lowered),
            }
        }
        let mut success = success.unwrap_or(Response {
            status: 200,
            range: None,
            description: "success".to_owned(),
            ty: None,
            media: None,
            optional: false,
        });
        // Several JSON success bodies (200 and 202): one enum per operation, a variant per
        // status. Text or bytes among them: the raw bytes are what all have in common.
        let all_json = all_success
            .iter()
            .all(|r| r.media.is_none() || r.media == Some(Media::Json));
        let variants = if differ.is_empty() {
            Vec::new()
        } else if all_json {
            all_success
        } else {
            for (pointer, other) in differ {
                sink.push(Diagnostic::warning(
                    &self.loaded.file,
                    pointer,
                    Kind::SuccessBodiesDiffer,
                    format!(
                        "success answer {} has another body than {}, and not both are JSON; the method returns the bytes",
                        other.range.clone().unwrap_or_else(|| other.status.to_string()),
                        success.status
                    ),
                ));
            }
            success.ty = None;
            success.media = Some(Media::Binary);
            success.optional = false;
            Vec::new()
        };
        (success, errors, variants)
    }

    /// A schema of raw bytes (`type: string, format: binary`), directly or through
    /// `#/components/schemas` references.
    fn is_file(&self, schema: &ReferenceOr<openapiv3::Schema>) -> bool {
        use openapiv3::{SchemaKind, StringFormat, StringType, Type, VariantOrUnknownOrEmpty};
        let schemas = self.loaded.api.components.as_ref().map(|c| &c.schemas);
        let mut schema = schema;
        // A chain of aliases is at most as long as there are schemas (a cycle is an error
        // of its own, reported where schemas are read).
        for _ in 0..=schemas.map_or(0, |s| s.len()) {
            match schema {
                ReferenceOr::Item(item) => {
                    return matches!(
                        &item.schema_kind,
                        SchemaKind::Type(Type::String(StringType {
                            format: VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
                            ..
                        }))
                    );
                }
                ReferenceOr::Reference { reference } => {
                    let next = reference
                        .strip_prefix("#/components/schemas/")
                        .and_then(|name| schemas?.get(name));
                    match next {
                        Some(next) => schema = next,
                        None => return false,
                    }
                }
            }
        }
        false
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
            .find(|(m, _)| is_json(&essence(m)))
            .or_else(|| content.first())
        else {
            return (None, None);
        };
        let media_pointer = format!("{pointer}/content/{}", escape_token(media));
        let media = essence(media);
        if !is_json(&media) {
            let kind = if is_text(&media) {
                Media::Text
            } else {
                Media::Binary
            };
            return (None, (200..300).contains(&status).then_some(kind));
        }
        match &body.schema {
            // ASP.NET documents a file result (`FileResult`, `Stream`) under the JSON media
            // types it declares for every action, with the schema of bytes: the answer is the
            // file (the vendor's PDF outputs), which no JSON reader takes.
            Some(schema) if self.is_file(schema) => {
                let success = (200..300).contains(&status);
                if success {
                    sink.push(Diagnostic::warning(
                        &self.loaded.file,
                        format!("{media_pointer}/schema"),
                        Kind::FileUnderJson,
                        format!(
                            "a `format: binary` string under `{media}` is a file, not JSON text: the answer is read as bytes"
                        ),
                    ));
                }
                (None, success.then_some(Media::Binary))
            }
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
                    Kind::SchemaLessMediaType,
                    "media type without schema; the body is not read",
                ));
                (None, None)
            }
        }
    }
}

/// Folds one more 2xx answer into the method's result: one with a body and one without
/// (201 and 204) give `Option`. An answer whose body differs from the first is returned.
fn add_success(success: &mut Option<Response>, lowered: Response) -> Option<Response> {
    match success {
        None => *success = Some(lowered),
        Some(first) if first.ty.is_none() && first.media.is_none() => {
            *first = Response {
                optional: true,
                ..lowered
            };
        }
        Some(first) if lowered.ty.is_none() && lowered.media.is_none() => first.optional = true,
        Some(first) if first.ty != lowered.ty || first.media != lowered.media => {
            return Some(lowered);
        }
        Some(_) => {}
    }
    None
}

/// No requirement, an empty alternative among others, or a scheme in every alternative.
fn auth_need<T>(security: &[Vec<T>]) -> AuthNeed {
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
        Ty::Concept(_)
        | Ty::Map(_)
        | Ty::Json
        | Ty::Bytes
        | Ty::Binary
        | Ty::Secret
        | Ty::Union(_) => false,
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

/// The media type without parameters, lowercased: `application/json; charset=utf-8` →
/// `application/json`.
fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
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
        let taken = |name: &str| operations[..i].iter().any(|o| o.signature.method == name);
        if !taken(&operations[i].signature.method) {
            continue;
        }
        let renamed = first_free([], &field_name(&operations[i].id), "_", taken);
        sink.push(Diagnostic::warning(
            &loaded.file,
            operations[i].pointer.clone(),
            Kind::OperationIdDuplicate,
            format!(
                "operation `{}` is named already; the method becomes `{renamed}`",
                operations[i].id
            ),
        ));
        operations[i].signature.method = renamed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::{doc, normalize_yaml};

    #[test]
    fn media_types_are_compared_without_parameters() {
        assert_eq!(
            essence("Application/JSON; charset=utf-8"),
            "application/json"
        );
        assert!(is_json(&essence("application/merge-patch+json")));
        assert!(is_text("text/plain"));
        assert!(is_text("application/xml"));
        assert!(is_text("application/atom+xml"));
        assert!(!is_text("application/octet-stream"));
        assert!(!is_json("application/octet-stream"));
    }

    fn operation(paths: &str) -> (Operation, Vec<Kind>) {
        let (api, diagnostics) = normalize_yaml(&doc(paths, "    {}\n"));
        (
            api.modules[0].operations[0].clone(),
            diagnostics.iter().map(|d| d.kind).collect(),
        )
    }

    #[test]
    fn bodies_of_any_media_type_are_typed_not_refused() {
        for (media, schema, kind, ty) in [
            (
                "application/json; charset=utf-8",
                "{type: array, items: {type: integer}}",
                BodyKind::Json,
                Ty::List(Box::new(Ty::I64)),
            ),
            ("text/plain", "{type: string}", BodyKind::Text, Ty::String),
            (
                "application/octet-stream",
                "{type: string, format: binary}",
                BodyKind::Binary,
                Ty::Bytes,
            ),
        ] {
            let (op, kinds) = operation(&format!(
                "  /x:\n    post:\n      operationId: X\n      requestBody:\n        content:\n          '{media}':\n            schema: {schema}\n      responses:\n        '204': {{description: ok}}\n"
            ));
            let body = op.body.expect("a body");
            assert_eq!(
                (body.kind, body.ty, body.required),
                (kind, ty, false),
                "{media}"
            );
            assert_eq!(body.content_type, media);
            assert!(kinds.is_empty(), "{kinds:?}");
        }
    }

    #[test]
    fn argument_names_never_clash_with_the_builders_fields_or_each_other() {
        let (op, _) = operation(
            "  /x:\n    get:\n      operationId: X\n      parameters:\n        - {name: query, in: query, schema: {type: string}}\n        - {name: client, in: query, schema: {type: string}}\n        - {name: body, in: query, schema: {type: string}}\n        - {name: id, in: query, schema: {type: string}}\n        - {name: Id, in: query, schema: {type: string}}\n        - {name: self, in: header, schema: {type: string}}\n      responses:\n        '204': {description: ok}\n",
        );
        let names: Vec<&str> = op
            .query_params
            .iter()
            .chain(&op.header_params)
            .map(|p| p.rust_name.as_str())
            .collect();
        assert_eq!(
            names,
            ["query", "client_param", "body_param", "id", "id_2", "self_"]
        );
    }

    #[test]
    fn controller_prefixes_are_dropped_only_where_unambiguous() {
        let (api, _) = normalize_yaml(&doc(
            "  /a:\n    get: {operationId: CustomerHeader_QueryCustomersAsync, responses: {'204': {description: ok}}}\n    post: {operationId: Customer_AddItemsAsync, responses: {'204': {description: ok}}}\n  /b:\n    post: {operationId: Item_AddItemsAsync, responses: {'204': {description: ok}}}\n",
            "    {}\n",
        ));
        let names: Vec<&str> = api.modules[0]
            .operations
            .iter()
            .map(|o| o.signature.method.as_str())
            .collect();
        assert_eq!(
            names,
            ["query_customers", "customer_add_items", "item_add_items"]
        );
    }

    #[test]
    fn different_json_success_bodies_become_variants() {
        let (op, kinds) = operation(
            "  /x:\n    post:\n      operationId: X\n      responses:\n        '200': {description: a, content: {application/json: {schema: {type: string}}}}\n        '202': {description: b, content: {application/json: {schema: {type: integer}}}}\n        '4XX': {description: c}\n",
        );
        let statuses: Vec<u16> = op.success_variants.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [200, 202]);
        assert_eq!(op.errors[0].range.as_deref(), Some("4XX"));
        assert!(kinds.is_empty(), "{kinds:?}");
    }
}
