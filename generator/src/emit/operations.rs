//! One module per document: its constants, its `Client`, one async method per operation.

use std::collections::BTreeSet;

use super::code::{Code, lit};
use super::doc;
use super::runtime as rt;
use super::types::{marker, rust_type};
use crate::ir::{Api, AuthNeed, BodyKind, Media, Module, Operation, SchemaKey, Ty};

/// The module's file.
pub fn emit_module(api: &Api, module: &Module, checked: &BTreeSet<SchemaKey>) -> String {
    let mut code = Code::new();
    let mut header = format!("{}\n", doc::line(&module.title));
    if let Some(description) = &module.description {
        header.push_str(&format!("\n{}\n", doc::document(description.trim())));
    }
    // The file name only: a path would tie the crate to the machine it was generated on.
    let file = module
        .file
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(&module.file);
    header.push_str(&format!("\nGenerated from {}.", doc::code_span(file)));
    code.inner_docs(&header);
    code.blank();
    code.line(rt::IMPORT);
    code.blank();
    code.line("/// The document's first server.");
    code.line(format_args!(
        "pub const DEFAULT_BASE_URL: &str = {};",
        lit(&module.default_base_url)
    ));
    code.blank();
    code.line(
        "/// The `api-version` this document speaks (sent by operations that declare the header).",
    );
    code.line(format_args!(
        "pub const API_VERSION: &str = {};",
        lit(module.api_version.as_deref().unwrap_or_default())
    ));
    code.blank();
    client(&mut code, api, module, checked);
    for op in module.operations.iter().filter(|op| uses_params_struct(op)) {
        code.blank();
        params_struct(&mut code, api, op);
    }
    for op in module
        .operations
        .iter()
        .filter(|op| !op.success_variants.is_empty())
    {
        code.blank();
        response_enum(&mut code, api, op);
    }
    code.finish()
}

/// The `Client` struct, its handles and its methods.
fn client(code: &mut Code, api: &Api, module: &Module, checked: &BTreeSet<SchemaKey>) {
    let (client, builder) = (rt::CLIENT, rt::CLIENT_BUILDER);
    code.docs(Some(&format!(
        "Client of the {}. Cheap to clone.",
        doc::line(&module.title)
    )));
    code.line("///");
    code.line(
        "/// Authentication and request-context headers are configured once on the builder and",
    );
    code.line("/// injected into each operation that needs them.");
    code.line("#[derive(Debug, Clone)]");
    code.open("pub struct Client");
    code.line(format_args!("inner: {client},"));
    code.close();
    code.blank();
    code.open("impl Client");
    code.line("/// A builder preset with [`DEFAULT_BASE_URL`].");
    code.open(format_args!("pub fn builder() -> {builder}<Self>"));
    code.line(format_args!("{builder}::new(DEFAULT_BASE_URL)"));
    code.close();
    code.blank();
    code.line("/// The transport, e.g. to share it with the client of another document.");
    code.open(format_args!("pub fn runtime(&self) -> &{client}"));
    code.line("&self.inner");
    code.close();
    code.blank();
    code.line(
        "/// A handle for `tenant`'s calls (`tenant-id` / `x-tenant-id`), sharing this client's",
    );
    code.line("/// connections, auth provider and token cache, hooks and policies: one client");
    code.line("/// serves every merchant.");
    code.open(format_args!(
        "pub fn for_tenant(&self, tenant: {}) -> Self",
        rt::UUID
    ));
    code.line("Self { inner: self.inner.for_tenant(tenant) }");
    code.close();
    code.blank();
    code.line("/// A handle that sends `context`'s values over this client's, key by key, sharing");
    code.line("/// everything else.");
    code.signature(
        "pub fn with_context",
        &["&self".to_owned(), format!("context: &{}", rt::CONTEXT)],
        Some(&format!("Result<Self, {}>", rt::BUILD_ERROR)),
    );
    code.line("Result::Ok(Self { inner: self.inner.with_context(context)? })");
    code.close();
    for op in &module.operations {
        code.blank();
        emit_operation(code, api, module, op, checked);
        super::paging::emit_paged_methods(code, api, op);
    }
    code.close();
    code.blank();
    code.open(format_args!(
        "impl ::std::convert::From<{client}> for Client"
    ));
    code.open(format_args!("fn from(inner: {client}) -> Self"));
    code.line("Self { inner }");
    code.close();
    code.close();
}

/// The name of an operation's response enum: `StartJobResponse`.
fn response_enum_name(op: &Operation) -> String {
    format!("{}Response", crate::normalize::type_name(&op.method_name))
}

/// The variant of one success answer: `Status200`, `Success2XX`.
fn variant_name(response: &crate::ir::Response) -> String {
    match &response.range {
        Some(range) => format!("Success{range}"),
        None => format!("Status{}", response.status),
    }
}

/// The enum of an operation whose success answers have different bodies: a variant per
/// documented 2xx status, and `Other` for an undocumented one (its body, if any, as JSON).
fn response_enum(code: &mut Code, api: &Api, op: &Operation) {
    code.line(format_args!(
        "/// The success answers of [`Client::{}`], one variant per documented status.",
        op.method_name.trim_start_matches("r#")
    ));
    code.line("#[derive(Debug, Clone)]");
    code.open(format_args!("pub enum {}", response_enum_name(op)));
    for r in &op.success_variants {
        let label = r.range.clone().unwrap_or_else(|| r.status.to_string());
        code.docs(Some(&format!(
            "{}: {}",
            doc::code_span(&label),
            doc::line(&r.description)
        )));
        match &r.ty {
            Some(ty) => code.line(format_args!("{}({}),", variant_name(r), rust_type(api, ty))),
            None => code.line(format_args!("{},", variant_name(r))),
        }
    }
    if !op.success_variants.iter().any(|r| r.range.is_some()) {
        code.line("/// A success status the document does not list; its body as JSON, if any.");
        code.line(format_args!("Other(Option<{}>),", rt::JSON_VALUE));
    }
    code.close();
}

/// Decoding by status into the operation's response enum.
fn variant_decode(code: &mut Code, api: &Api, op: &Operation) {
    let name = response_enum_name(op);
    let decode = |r: &crate::ir::Response| {
        let variant = variant_name(r);
        match &r.ty {
            Some(ty) => format!(
                "{}::<{}, _>(response, OPERATION).map(|v| v.map({name}::{variant}))",
                rt::DECODE_JSON,
                rust_type(api, ty)
            ),
            None => format!(
                "{}(response).map(|v| v.map(|()| {name}::{variant}))",
                rt::DECODE_EMPTY
            ),
        }
    };
    code.open("match response.status().as_u16()");
    for r in op.success_variants.iter().filter(|r| r.range.is_none()) {
        code.line(format_args!("{} => {},", r.status, decode(r)));
    }
    let fallback = match op.success_variants.iter().find(|r| r.range.is_some()) {
        Some(range) => decode(range),
        None => format!(
            "{}(response, OPERATION).map(|v| v.map({name}::Other))",
            rt::DECODE_JSON_OR_EMPTY
        ),
    };
    code.line(format_args!("_ => {fallback},"));
    code.close();
}

fn emit_operation(
    code: &mut Code,
    api: &Api,
    module: &Module,
    op: &Operation,
    checked: &BTreeSet<SchemaKey>,
) {
    code.docs(Some(&operation_doc(op)));
    if op.deprecated {
        code.line("#[deprecated = \"deprecated by the vendor\"]");
    }
    let success = if op.success_variants.is_empty() {
        success_type(api, op).0
    } else {
        response_enum_name(op)
    };
    let error_body = error_body(api, op);
    let mut params = vec!["&self".to_owned()];
    params.extend(
        arguments(api, op)
            .into_iter()
            .map(|(name, ty)| format!("{name}: {ty}")),
    );
    code.signature(
        &format!("pub async fn {}", op.method_name),
        &params,
        Some(&format!(
            "Result<{}<{success}>, {}<{error_body}>>",
            rt::RESPONSE_VALUE,
            rt::ERROR
        )),
    );
    operation_info(code, module, op);
    let body_value = body_code(code, api, op, checked);
    query_code(code, op);
    code.statement("let path", &path_expression(op));
    let path_arg = if op.path_params.is_empty() && op.query_params.is_empty() {
        "path"
    } else {
        "&path"
    };
    if op.header_params.is_empty() {
        code.statement(
            "let response",
            &format!(
                "{}(&self.inner, OPERATION, {path_arg}, &[], {body_value}).await?",
                rt::EXECUTE
            ),
        );
    } else {
        code.open("let response =");
        header_code(code, op);
        code.line(format_args!(
            "{}(&self.inner, OPERATION, {path_arg}, &headers, {body_value}).await?",
            rt::EXECUTE
        ));
        code.close_with("};");
    }
    code.open("if response.status().is_success()");
    if op.success_variants.is_empty() {
        code.line(success_type(api, op).1);
    } else {
        variant_decode(code, api, op);
    }
    code.reopen("else");
    code.line(format_args!(
        "Result::Err({}(response, OPERATION))",
        rt::API_ERROR
    ));
    code.close();
    code.close();
}

/// The error body type of an operation's `Error<E>`.
pub(super) fn error_body(api: &Api, op: &Operation) -> String {
    op.error_ty
        .as_ref()
        .map_or_else(|| "()".to_owned(), |t| rust_type(api, t))
}

/// The method's arguments after `&self`, as (name, type), in signature order.
pub(super) fn arguments(api: &Api, op: &Operation) -> Vec<(String, String)> {
    let mut params = Vec::new();
    for p in &op.path_params {
        let ty = match p.ty {
            Ty::String => "&str".to_owned(),
            _ => rust_type(api, &p.ty),
        };
        params.push((p.rust_name.clone(), ty));
    }
    let grouped = uses_params_struct(op);
    for p in op
        .query_params
        .iter()
        .chain(&op.header_params)
        .filter(|p| p.required || !grouped)
    {
        let ty = borrowed_type(api, &p.ty);
        if p.required {
            params.push((p.rust_name.clone(), ty));
        } else {
            params.push((p.rust_name.clone(), format!("Option<{ty}>")));
        }
    }
    if grouped {
        params.push(("params".to_owned(), format!("&{}", params_struct_name(op))));
    }
    if let Some(b) = &op.body {
        let ty = match b.kind {
            BodyKind::Text => "&str".to_owned(),
            BodyKind::Binary => "&[u8]".to_owned(),
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart => borrowed_type(api, &b.ty),
        };
        if b.required {
            params.push(("body".to_owned(), ty));
        } else {
            params.push(("body".to_owned(), format!("Option<{ty}>")));
        }
    }
    params
}

/// The value type of the success body and the call that reads it.
fn success_type(api: &Api, op: &Operation) -> (String, String) {
    match (&op.success.ty, op.success.media) {
        (Some(ty), _) if op.success.optional => (
            format!("Option<{}>", rust_type(api, ty)),
            format!("{}(response, OPERATION)", rt::DECODE_JSON_OR_EMPTY),
        ),
        (Some(ty), _) => (
            rust_type(api, ty),
            format!("{}(response, OPERATION)", rt::DECODE_JSON),
        ),
        (None, Some(Media::Binary)) => (
            rt::BYTES.to_string(),
            format!("{}(response)", rt::DECODE_BYTES),
        ),
        (None, Some(Media::Text)) => (
            "String".to_owned(),
            format!("{}(response, OPERATION)", rt::DECODE_TEXT),
        ),
        (None, _) => ("()".to_owned(), format!("{}(response)", rt::DECODE_EMPTY)),
    }
}

/// How a query or header parameter is taken: `&str`, `&[T]`, `&T`.
fn borrowed_type(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::String => "&str".to_owned(),
        Ty::List(inner) => format!("&[{}]", rust_type(api, inner)),
        other => format!("&{}", rust_type(api, other)),
    }
}

/// More optional query and header parameters than this: they go into a parameters struct
/// (`QueryItemsParams`, `Default` for none set) instead of one positional `Option` each.
/// Required ones stay positional, so none can be left out by accident.
const MAX_POSITIONAL_OPTIONAL: usize = 3;

/// The name of the parameters struct `op`'s method takes, if it takes one (for code that calls
/// generated methods, such as the conformance driver).
pub fn params_struct_of(op: &Operation) -> Option<String> {
    uses_params_struct(op).then(|| params_struct_name(op))
}

pub(super) fn uses_params_struct(op: &Operation) -> bool {
    op.query_params
        .iter()
        .chain(&op.header_params)
        .filter(|p| !p.required)
        .count()
        > MAX_POSITIONAL_OPTIONAL
}

/// `QueryItemsParams` for `query_items`.
fn params_struct_name(op: &Operation) -> String {
    format!("{}Params", crate::normalize::type_name(&op.method_name))
}

/// Where an optional parameter's value comes from: its argument, or the parameters struct.
fn optional_source(op: &Operation, p: &crate::ir::Parameter) -> String {
    if uses_params_struct(op) {
        format!("&params.{}", p.rust_name)
    } else {
        p.rust_name.clone()
    }
}

/// The parameters struct of an operation with many optional parameters.
fn params_struct(code: &mut Code, api: &Api, op: &Operation) {
    code.line(format_args!(
        "/// The optional parameters of [`Client::{}`]; `Default` sets none.",
        op.method_name.trim_start_matches("r#")
    ));
    code.line("#[derive(Debug, Clone, Default)]");
    code.open(format_args!("pub struct {}", params_struct_name(op)));
    for p in op
        .query_params
        .iter()
        .chain(&op.header_params)
        .filter(|p| !p.required)
    {
        let text = p
            .description
            .as_deref()
            .map_or_else(|| doc::code_span(&p.name), doc::document);
        code.docs(Some(&text));
        code.line(format_args!(
            "pub {}: Option<{}>,",
            p.rust_name,
            rust_type(api, &p.ty)
        ));
    }
    code.close();
}

/// `let query = …` with every query parameter (`form` casing, arrays exploded).
fn query_code(code: &mut Code, op: &Operation) {
    if op.query_params.is_empty() {
        return;
    }
    code.line(format_args!("let mut query = {}::new();", rt::QUERY));
    for p in &op.query_params {
        let push = if matches!(p.ty, Ty::List(_)) {
            "push_all"
        } else {
            "push"
        };
        let key = lit(&p.name);
        if p.required {
            code.line(format_args!("query.{push}({key}, {});", p.rust_name));
        } else {
            code.open(format_args!(
                "if let Option::Some(value) = {}",
                optional_source(op, p)
            ));
            code.line(format_args!("query.{push}({key}, value);"));
            code.close();
        }
    }
}

/// `let headers = …` with every header parameter (lists comma-separated, `simple` casing).
fn header_code(code: &mut Code, op: &Operation) {
    let query_value = rt::QUERY_VALUE;
    code.line("let mut headers: Vec<(&'static str, String)> = Vec::new();");
    for p in &op.header_params {
        let key = lit(&p.name);
        let text = if matches!(p.ty, Ty::List(_)) {
            format!("value.iter().map({query_value}::query_text).collect::<Vec<_>>().join(\",\")")
        } else {
            format!("{query_value}::query_text(&value)")
        };
        if p.required {
            code.open("");
            code.line(format_args!("let value = {};", p.rust_name));
        } else {
            code.open(format_args!(
                "if let Option::Some(value) = {}",
                optional_source(op, p)
            ));
        }
        code.line(format_args!("headers.push(({key}, {text}));"));
        code.close();
    }
}

/// `# Arguments` from the parameters' and the body's descriptions.
fn arguments_doc(op: &Operation) -> String {
    let params = op
        .path_params
        .iter()
        .chain(&op.query_params)
        .chain(&op.header_params);
    let mut lines: Vec<String> = params
        .map(|p| {
            let description = p
                .description
                .as_deref()
                .map_or_else(|| doc::code_span(&p.name), doc::line);
            let place = if !p.required && uses_params_struct(op) {
                "params."
            } else {
                ""
            };
            format!(
                "- `{place}{}`: {description}",
                p.rust_name.trim_start_matches("r#")
            )
        })
        .collect();
    if let Some(body) = &op.body {
        let description = body
            .description
            .as_deref()
            .map_or("the request body", str::trim);
        lines.push(format!("- `body`: {}", doc::line(description)));
    }
    if lines.is_empty() {
        String::new()
    } else {
        format!("\n\n# Arguments\n\n{}", lines.join("\n"))
    }
}

fn operation_doc(op: &Operation) -> String {
    let mut text = doc::document(op.summary.as_deref().unwrap_or(&op.id));
    if let Some(description) = &op.description {
        text.push_str(&format!("\n\n{}", doc::document(description.trim())));
    }
    text.push_str(&format!(
        "\n\n{} (operation {}).",
        doc::code_span(&format!("{} {}", op.http_method, op.path)),
        doc::code_span(&op.id)
    ));
    text.push_str(&arguments_doc(op));
    if !op.security.is_empty() {
        let alternatives: Vec<String> = op
            .security
            .iter()
            .map(|schemes| {
                if schemes.is_empty() {
                    "none".to_owned()
                } else {
                    schemes
                        .iter()
                        .map(|(scheme, scopes)| {
                            if scopes.is_empty() {
                                doc::code_span(scheme)
                            } else {
                                let scopes: Vec<String> =
                                    scopes.iter().map(|s| doc::code_span(s)).collect();
                                format!("{} (scopes {})", doc::code_span(scheme), scopes.join(", "))
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" and ")
                }
            })
            .collect();
        text.push_str(&format!(
            "\n\nSecurity in the document: {}; the client's auth provider supplies it.",
            alternatives.join(", or ")
        ));
    }
    if !op.errors.is_empty() {
        text.push_str("\n\n# Errors\n\nDocumented answers, as [`crate::runtime::Error::Api`]:\n");
        for e in &op.errors {
            let status = e.range.clone().unwrap_or_else(|| e.status.to_string());
            text.push_str(&format!(
                "\n- {}: {}",
                doc::code_span(&status),
                doc::line(&e.description)
            ));
        }
    }
    text
}

fn operation_info(code: &mut Code, module: &Module, op: &Operation) {
    let operation = rt::OPERATION;
    code.open(format_args!(
        "static OPERATION: &{operation} = &{operation}"
    ));
    code.line(format_args!("id: {},", lit(&op.id)));
    code.line(format_args!("api: {},", lit(&module.name)));
    code.line(format_args!(
        "method: {}::{},",
        rt::HTTP_METHOD,
        op.http_method
    ));
    code.line(format_args!("path: {},", lit(&op.path)));
    match (&module.api_version, op.sends_api_version) {
        (Some(v), true) => code.line(format_args!("api_version: Option::Some({}),", lit(v))),
        _ => code.line("api_version: Option::None,"),
    }
    if op.context.is_empty() {
        code.line("context: &[],");
    } else {
        code.line("context: &[");
        for c in &op.context {
            code.open(format_args!("    {}", rt::CONTEXT_HEADER));
            code.line(format_args!("    key: {},", rt::context_key(c.key)));
            code.line(format_args!("    name: {},", lit(&c.header)));
            code.line(format_args!("    required: {},", c.required));
            code.close_with("    },");
        }
        code.line("],");
    }
    let auth = match op.auth {
        AuthNeed::None => "None",
        AuthNeed::Optional => "Optional",
        AuthNeed::Required => "Required",
    };
    code.line(format_args!("auth: {}::{auth},", rt::AUTH_NEED));
    let errors: Vec<String> = op
        .errors
        .iter()
        .map(|e| {
            let status = match e.range.as_deref() {
                None => format!("Code({})", e.status),
                Some("default") => "Default".to_owned(),
                Some(range) => format!("Range({})", range.trim_end_matches("XX")),
            };
            format!(
                "({}::{status}, {})",
                rt::DOCUMENTED_STATUS,
                lit(e.description.trim())
            )
        })
        .collect();
    code.list("errors: &", &errors, ",");
    match &op.scope {
        Some(scope) => code.line(format_args!("scope: Option::Some({}),", lit(scope))),
        None => code.line("scope: Option::None,"),
    }
    code.close_with("};");
}

/// The path with its parameters percent-encoded.
fn path_expression(op: &Operation) -> String {
    let with_query = !op.query_params.is_empty();
    if op.path_params.is_empty() && !with_query {
        return lit(&op.path);
    }
    let mut template = op.path.replace('{', "{{").replace('}', "}}");
    let mut args = Vec::new();
    for p in &op.path_params {
        template = template.replace(&format!("{{{{{}}}}}", p.name), "{}");
        args.push(match p.ty {
            Ty::String => format!("{}({})", rt::ENCODE_PATH_SEGMENT, p.rust_name),
            _ => format!(
                "{}(&{}::query_text(&{}))",
                rt::ENCODE_PATH_SEGMENT,
                rt::QUERY_VALUE,
                p.rust_name
            ),
        });
    }
    if with_query {
        template.push_str("{}");
        args.push("query.finish()".to_owned());
    }
    format!("format!({}, {})", lit(&template), args.join(", "))
}

/// Writes the checks of properties this operation's schema requires; returns the encoded body
/// (an `Option<RequestBody>` expression).
fn body_code(code: &mut Code, api: &Api, op: &Operation, checked: &BTreeSet<SchemaKey>) -> String {
    let Some(body) = &op.body else {
        return "Option::None".to_owned();
    };
    if body.required {
        body_checks(code, api, body, checked);
        let value = body_value(code, api, body);
        code.statement("let body", &value);
        return "Option::Some(body)".to_owned();
    } else {
        // An optional body: checked and encoded when there is one.
        code.open("let body = match body");
        code.open("Option::Some(body) =>");
        body_checks(code, api, body, checked);
        let value = body_value(code, api, body);
        code.line(format_args!("Option::Some({value})"));
        code.close();
        code.line("Option::None => Option::None,");
        code.close_with("};");
    }
    "body".to_owned()
}

/// The check that the properties the body's schema requires are there.
fn body_checks(code: &mut Code, api: &Api, body: &crate::ir::Body, checked: &BTreeSet<SchemaKey>) {
    if let Ty::Concept(key) = &body.ty
        && checked.contains(key)
    {
        code.open(format_args!(
            "if let Option::Some(missing) = body.{}()",
            super::required::check_name(api, key)
        ));
        code.line(format_args!(
            "return Result::Err({}(OPERATION, &missing));",
            rt::MISSING_PROPERTY
        ));
        code.close();
    }
}

/// The `RequestBody` expression for a present `body` (form fields are collected first).
fn body_value(code: &mut Code, api: &Api, body: &crate::ir::Body) -> String {
    let request_body = rt::REQUEST_BODY;
    let content_type = lit(&body.content_type);
    match body.kind {
        BodyKind::Text => format!("{request_body}::raw({content_type}, body.to_owned())"),
        BodyKind::Binary => format!("{request_body}::raw({content_type}, body.to_vec())"),
        BodyKind::Json => match body.ty.model() {
            // Concepts inside are written in their member schema's casing; anything else with
            // its serde implementation. Sent under the media type as declared
            // (`application/json; charset=utf-8` too).
            Some(key) => format!(
                "{}::<_, {}, _>(OPERATION, {content_type}, body)?",
                rt::JSON_BODY,
                marker(api.concept_of[key].1)
            ),
            None => format!("{}(OPERATION, {content_type}, body)?", rt::SERDE_JSON_BODY),
        },
        BodyKind::Form | BodyKind::Multipart => {
            let Ty::Concept(key) = &body.ty else {
                // normalize sends other form bodies as bytes.
                return format!("{request_body}::raw({content_type}, ::std::vec::Vec::new())");
            };
            let (model_index, casing) = api.concept_of[key];
            let model = &api.concepts[model_index];
            let Some(dialect) = model.casings.iter().find(|d| d.casing == casing) else {
                return format!("{request_body}::form(::std::iter::empty())");
            };
            code.line("let mut fields: Vec<(&str, String)> = Vec::new();");
            for k in &dialect.keys {
                let f = &model.fields[k.field];
                let push = format!(
                    "fields.push(({}, {}));",
                    lit(&k.wire),
                    form_text(api, &f.ty)
                );
                if f.required {
                    code.open("");
                    code.line(format_args!("let value = &body.{};", f.rust_name));
                } else {
                    code.open(format_args!(
                        "if let Option::Some(value) = &body.{}",
                        f.rust_name
                    ));
                }
                code.line(push);
                code.close();
            }
            let encode = if body.kind == BodyKind::Form {
                "form"
            } else {
                "multipart"
            };
            format!("{request_body}::{encode}(fields.iter().map(|(k, v)| (*k, v.as_str())))")
        }
    }
}

/// A form field's text; secrets are exposed here, on their way to the wire, and nowhere else.
fn form_text(api: &Api, ty: &Ty) -> &'static str {
    match ty {
        Ty::Secret => "value.expose().to_owned()",
        Ty::Enum(i) if matches!(api.enums[*i].kind, crate::ir::EnumKind::Str(_)) => {
            "value.as_str().to_owned()"
        }
        Ty::Enum(_) => "value.value().to_string()",
        Ty::DateTime => "value.to_rfc3339()",
        _ => "value.to_string()",
    }
}
