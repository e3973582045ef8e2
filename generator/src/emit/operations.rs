//! One module per document: its constants, its `Client`, one async method per operation.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens as _, quote};

use super::code::{docs, ident, inner_docs, lit};
use super::doc;
use super::runtime as rt;
use super::types::{marker, rust_type};
use crate::ir::{Api, AuthNeed, BodyKind, Media, Module, Operation, SchemaKey, Ty};

/// The head of a module's file: its docs, the runtime import, the constants, the `Client`
/// struct, its `impl` with the handles but without the operations (`emit::emit` splices those
/// in, printed in parts by [`module_operations`]), and `From<rt::Client>`.
pub fn module_head(api: &Api, module: &Module) -> TokenStream {
    let mut header = format!("{}\n", doc::line(&module.title));
    if let Some(description) = &module.description {
        header.push_str(&format!("\n{}\n", doc::document(description.trim())));
    }
    header.push_str(&super::webhooks::section(api, module));
    // The file name only: a path would tie the crate to the machine it was generated on.
    let file = module
        .file
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(&module.file);
    header.push_str(&format!("\nGenerated from {}.", doc::code_span(file)));
    let header = inner_docs(&header);
    let import = rt::import();
    let base_url = lit(&module.default_base_url);
    let api_version = lit(module.api_version.as_deref().unwrap_or_default());
    let client = client(module);
    quote! {
        #header
        #import
        /// The document's first server.
        pub const DEFAULT_BASE_URL: &str = #base_url;
        /// The `api-version` this document speaks (sent by operations that declare the header).
        pub const API_VERSION: &str = #api_version;
        #client
    }
}

/// `impl Client` with the methods of the module's operations in `range` (a part of the file's
/// one `impl Client`: `emit::emit` keeps what is inside the braces).
pub fn module_operations(
    api: &Api,
    module: &Module,
    range: std::ops::Range<usize>,
    checked: &BTreeSet<SchemaKey>,
) -> TokenStream {
    let operations = module.operations[range].iter().map(|op| {
        let method = emit_operation(api, module, op, checked);
        let paged = super::paging::paged_methods(api, op);
        quote!(#method #paged)
    });
    quote! {
        impl Client {
            #(#operations)*
        }
    }
}

/// The end of a module's file: the parameter structs and the response enums.
pub fn module_tail(api: &Api, module: &Module) -> TokenStream {
    let params_structs = module
        .operations
        .iter()
        .filter(|op| uses_params_struct(op))
        .map(|op| params_struct(api, op));
    let response_enums = module
        .operations
        .iter()
        .filter(|op| !op.success_variants.is_empty())
        .map(|op| response_enum(api, op));
    quote! {
        #(#params_structs)*
        #(#response_enums)*
    }
}

/// The `Client` struct, its handles (the operations' methods join its `impl`, see
/// [`module_operations`]) and `From<rt::Client>`.
fn client(module: &Module) -> TokenStream {
    let (client, builder) = (rt::CLIENT, rt::CLIENT_BUILDER);
    let (uuid, context, build_error) = (rt::UUID, rt::CONTEXT, rt::BUILD_ERROR);
    let doc = docs(Some(&format!(
        "Client of the {}. Cheap to clone.\n\n\
         Authentication and request-context headers are configured once on the builder and\n\
         injected into each operation that needs them.",
        doc::line(&module.title)
    )));
    quote! {
        #doc
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: #client,
        }
        impl Client {
            /// A builder preset with [`DEFAULT_BASE_URL`].
            pub fn builder() -> #builder<Self> {
                #builder::new(DEFAULT_BASE_URL)
            }
            /// The transport, e.g. to share it with the client of another document.
            pub fn runtime(&self) -> &#client {
                &self.inner
            }
            /// A handle for `tenant`'s calls (`tenant-id` / `x-tenant-id`), sharing this client's
            /// connections, auth provider and token cache, hooks and policies: one client
            /// serves every merchant.
            pub fn for_tenant(&self, tenant: #uuid) -> Self {
                Self { inner: self.inner.for_tenant(tenant) }
            }
            /// A handle that sends `context`'s values over this client's, key by key, sharing
            /// everything else.
            pub fn with_context(&self, context: &#context) -> Result<Self, #build_error> {
                Ok(Self { inner: self.inner.with_context(context)? })
            }
        }
        impl ::std::convert::From<#client> for Client {
            fn from(inner: #client) -> Self {
                Self { inner }
            }
        }
    }
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
fn response_enum(api: &Api, op: &Operation) -> TokenStream {
    let doc = docs(Some(&format!(
        "The success answers of [`Client::{}`], one variant per documented status.",
        op.method_name.trim_start_matches("r#")
    )));
    let name = ident(&response_enum_name(op));
    let variants = op.success_variants.iter().map(|r| {
        let label = r.range.clone().unwrap_or_else(|| r.status.to_string());
        let doc = docs(Some(&format!(
            "{}: {}",
            doc::code_span(&label),
            doc::line(&r.description)
        )));
        let variant = ident(&variant_name(r));
        match &r.ty {
            Some(ty) => {
                let ty = rust_type(api, ty);
                quote!(#doc #variant(#ty),)
            }
            None => quote!(#doc #variant,),
        }
    });
    let other = (!op.success_variants.iter().any(|r| r.range.is_some())).then(|| {
        let json = rt::JSON_VALUE;
        quote! {
            /// A success status the document does not list; its body as JSON, if any.
            Other(Option<#json>),
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone)]
        pub enum #name {
            #(#variants)*
            #other
        }
    }
}

/// Decoding by status into the operation's response enum.
fn variant_decode(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&response_enum_name(op));
    let decode = |r: &crate::ir::Response| {
        let variant = ident(&variant_name(r));
        match &r.ty {
            Some(ty) => {
                let (json, ty) = (rt::DECODE_JSON, rust_type(api, ty));
                quote!(#json::<#ty, _>(response, OPERATION).map(|v| v.map(#name::#variant)))
            }
            None => {
                let empty = rt::DECODE_EMPTY;
                quote!(#empty(response, OPERATION).map(|v| v.map(|()| #name::#variant)))
            }
        }
    };
    let arms = op
        .success_variants
        .iter()
        .filter(|r| r.range.is_none())
        .map(|r| {
            let status = Literal::u16_unsuffixed(r.status);
            let decode = decode(r);
            quote!(#status => #decode,)
        });
    let fallback = match op.success_variants.iter().find(|r| r.range.is_some()) {
        Some(range) => decode(range),
        None => {
            let json_or_empty = rt::DECODE_JSON_OR_EMPTY;
            quote!(#json_or_empty(response, OPERATION).map(|v| v.map(#name::Other)))
        }
    };
    quote! {
        match response.status().as_u16() {
            #(#arms)*
            _ => #fallback,
        }
    }
}

fn emit_operation(
    api: &Api,
    module: &Module,
    op: &Operation,
    checked: &BTreeSet<SchemaKey>,
) -> TokenStream {
    let doc = docs(Some(&operation_doc(op)));
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated = "deprecated by the vendor"]));
    let success = if op.success_variants.is_empty() {
        success_type(api, op).0
    } else {
        ident(&response_enum_name(op)).into_token_stream()
    };
    let error_body = error_body(api, op);
    let (response_value, error, execute, api_error) =
        (rt::RESPONSE_VALUE, rt::ERROR, rt::EXECUTE, rt::API_ERROR);
    let params = arguments(api, op).into_iter().map(|a| {
        let (name, ty) = (ident(&a.name), a.ty);
        quote!(#name: #ty)
    });
    let method = ident(&op.method_name);
    let info = operation_info(module, op);
    let (body, body_value) = body_code(api, op, checked);
    let query = query_code(op);
    let path = path_expression(op);
    let path_arg = if op.path_params.is_empty() && op.query_params.is_empty() {
        quote!(path)
    } else {
        quote!(&path)
    };
    let response = if op.header_params.is_empty() {
        quote! {
            let response = #execute(&self.inner, OPERATION, #path_arg, &[], #body_value).await?;
        }
    } else {
        let headers = header_code(op);
        quote! {
            let response = {
                #headers
                #execute(&self.inner, OPERATION, #path_arg, &headers, #body_value).await?
            };
        }
    };
    // One success type: its decoder takes the answer whole (a non-success one is the error).
    // Several: a match on the status, after the success check.
    let decode = if op.success_variants.is_empty() {
        success_type(api, op).1
    } else {
        let variants = variant_decode(api, op);
        quote! {
            if response.status().is_success() {
                #variants
            } else {
                Err(#api_error(response, OPERATION))
            }
        }
    };
    quote! {
        #doc
        #deprecated
        pub async fn #method(&self, #(#params),*) -> Result<#response_value<#success>, #error<#error_body>> {
            #info
            #body
            #query
            let path = #path;
            #response
            #decode
        }
    }
}

/// The error body type of an operation's `Error<E>`.
pub(super) fn error_body(api: &Api, op: &Operation) -> TokenStream {
    op.error_ty
        .as_ref()
        .map_or_else(|| quote!(()), |t| rust_type(api, t))
}

/// How a method takes an argument, which says how an owned copy of it is made and lent again
/// (see `paging.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pass {
    /// By value (`i32`, `Uuid`).
    Value,
    /// `&str`.
    Str,
    /// `&[T]`.
    Slice,
    /// `&T`.
    Ref,
}

/// An argument of an operation's method.
pub(super) struct Argument {
    /// Its name (a field name: `r#type` for a keyword).
    pub name: String,
    /// Its type, `Option<…>` included.
    pub ty: TokenStream,
    /// How the value is taken.
    pub pass: Pass,
    /// Whether the type is an `Option`.
    pub optional: bool,
}

/// The method's arguments after `&self`, in signature order.
pub(super) fn arguments(api: &Api, op: &Operation) -> Vec<Argument> {
    let mut params = Vec::new();
    let mut push = |name: &str, (ty, pass): (TokenStream, Pass), optional: bool| {
        let ty = if optional { quote!(Option<#ty>) } else { ty };
        params.push(Argument {
            name: name.to_owned(),
            ty,
            pass,
            optional,
        });
    };
    for p in &op.path_params {
        let ty = match p.ty {
            Ty::String => (quote!(&str), Pass::Str),
            _ => (rust_type(api, &p.ty), Pass::Value),
        };
        push(&p.rust_name, ty, false);
    }
    let grouped = uses_params_struct(op);
    for p in op
        .query_params
        .iter()
        .chain(&op.header_params)
        .filter(|p| p.required || !grouped)
    {
        push(&p.rust_name, borrowed_type(api, &p.ty), !p.required);
    }
    if grouped {
        let name = ident(&params_struct_name(op));
        push("params", (quote!(&#name), Pass::Ref), false);
    }
    if let Some(b) = &op.body {
        let ty = match b.kind {
            BodyKind::Text => (quote!(&str), Pass::Str),
            BodyKind::Binary => (quote!(&[u8]), Pass::Slice),
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart => borrowed_type(api, &b.ty),
        };
        push("body", ty, !b.required);
    }
    params
}

/// The value type of the success body and the call that reads it.
fn success_type(api: &Api, op: &Operation) -> (TokenStream, TokenStream) {
    match (&op.success.ty, op.success.media) {
        (Some(ty), _) if op.success.optional => {
            let (ty, decode) = (rust_type(api, ty), rt::DECODE_JSON_OR_EMPTY);
            (quote!(Option<#ty>), quote!(#decode(response, OPERATION)))
        }
        (Some(ty), _) => {
            let decode = rt::DECODE_JSON;
            (rust_type(api, ty), quote!(#decode(response, OPERATION)))
        }
        (None, Some(Media::Binary)) => {
            let (bytes, decode) = (rt::BYTES, rt::DECODE_BYTES);
            (quote!(#bytes), quote!(#decode(response, OPERATION)))
        }
        (None, Some(Media::Text)) => {
            let decode = rt::DECODE_TEXT;
            (quote!(String), quote!(#decode(response, OPERATION)))
        }
        (None, _) => {
            let decode = rt::DECODE_EMPTY;
            (quote!(()), quote!(#decode(response, OPERATION)))
        }
    }
}

/// How a query or header parameter is taken: `&str`, `&[T]`, `&T`.
fn borrowed_type(api: &Api, ty: &Ty) -> (TokenStream, Pass) {
    match ty {
        Ty::String => (quote!(&str), Pass::Str),
        Ty::List(inner) => {
            let inner = rust_type(api, inner);
            (quote!(&[#inner]), Pass::Slice)
        }
        other => {
            let ty = rust_type(api, other);
            (quote!(&#ty), Pass::Ref)
        }
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
fn optional_source(op: &Operation, p: &crate::ir::Parameter) -> TokenStream {
    let name = ident(&p.rust_name);
    if uses_params_struct(op) {
        quote!(&params.#name)
    } else {
        quote!(#name)
    }
}

/// The parameters struct of an operation with many optional parameters.
fn params_struct(api: &Api, op: &Operation) -> TokenStream {
    let doc = docs(Some(&format!(
        "The optional parameters of [`Client::{}`]; `Default` sets none.",
        op.method_name.trim_start_matches("r#")
    )));
    let name = ident(&params_struct_name(op));
    let fields = op
        .query_params
        .iter()
        .chain(&op.header_params)
        .filter(|p| !p.required)
        .map(|p| {
            let text = p
                .description
                .as_deref()
                .map_or_else(|| doc::code_span(&p.name), doc::document);
            let doc = docs(Some(&text));
            let (field, ty) = (ident(&p.rust_name), rust_type(api, &p.ty));
            quote!(#doc pub #field: Option<#ty>,)
        });
    quote! {
        #doc
        #[derive(Debug, Clone, Default)]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// `let query = …` with every query parameter (`form` casing, arrays exploded).
fn query_code(op: &Operation) -> TokenStream {
    if op.query_params.is_empty() {
        return TokenStream::new();
    }
    let query = rt::QUERY;
    let pushes = op.query_params.iter().map(|p| {
        let push = if matches!(p.ty, Ty::List(_)) {
            quote!(push_all)
        } else {
            quote!(push)
        };
        let key = lit(&p.name);
        let name = ident(&p.rust_name);
        if p.required {
            quote!(query.#push(#key, #name);)
        } else if uses_params_struct(op) {
            // The struct owns the value: borrowed as `Option<&T>`, a list as `Option<&[T]>`.
            let (push, borrow) = if matches!(p.ty, Ty::List(_)) {
                (quote!(push_all_optional), quote!(as_deref))
            } else {
                (quote!(push_optional), quote!(as_ref))
            };
            quote!(query.#push(#key, params.#name.#borrow());)
        } else {
            let push = if matches!(p.ty, Ty::List(_)) {
                quote!(push_all_optional)
            } else {
                quote!(push_optional)
            };
            quote!(query.#push(#key, #name);)
        }
    });
    quote! {
        let mut query = #query::new();
        #(#pushes)*
    }
}

/// `let headers = …` with every header parameter (lists comma-separated, `simple` casing).
fn header_code(op: &Operation) -> TokenStream {
    let query_value = rt::QUERY_VALUE;
    let pushes = op.header_params.iter().map(|p| {
        let key = lit(&p.name);
        let text = if matches!(p.ty, Ty::List(_)) {
            quote!(value.iter().map(#query_value::query_text).collect::<Vec<_>>().join(","))
        } else {
            quote!(#query_value::query_text(&value))
        };
        if p.required {
            let name = ident(&p.rust_name);
            quote! {
                {
                    let value = #name;
                    headers.push((#key, #text));
                }
            }
        } else {
            let source = optional_source(op, p);
            quote! {
                if let Some(value) = #source {
                    headers.push((#key, #text));
                }
            }
        }
    });
    quote! {
        let mut headers: Vec<(&'static str, String)> = Vec::new();
        #(#pushes)*
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
        text.push_str(
            "\n\n# Errors\n\nDocumented answers, as [`crate::runtime::ErrorKind::Api`]:\n",
        );
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

fn operation_info(module: &Module, op: &Operation) -> TokenStream {
    let (operation, http_method) = (rt::OPERATION, rt::HTTP_METHOD);
    let (context_header, auth_need, documented) =
        (rt::CONTEXT_HEADER, rt::AUTH_NEED, rt::DOCUMENTED_STATUS);
    let id = lit(&op.id);
    let api = lit(&module.name);
    let method = ident(&op.http_method);
    let path = lit(&op.path);
    // What the document does not declare is left to `Operation::new`'s defaults.
    let mut settings = Vec::new();
    if let (Some(v), true) = (&module.api_version, op.sends_api_version) {
        let v = lit(v);
        settings.push(quote!(.api_version(#v)));
    }
    if !op.context.is_empty() {
        let context = op.context.iter().map(|c| {
            let key = rt::context_key(c.key);
            let name = lit(&c.header);
            let required = c.required;
            quote!(#context_header { key: #key, name: #name, required: #required })
        });
        settings.push(quote!(.context(&[#(#context),*])));
    }
    let auth = match op.auth {
        AuthNeed::None => None,
        AuthNeed::Optional => Some("Optional"),
        AuthNeed::Required => Some("Required"),
    };
    if let Some(auth) = auth {
        let auth = ident(auth);
        settings.push(quote!(.auth(#auth_need::#auth)));
    }
    if !op.errors.is_empty() {
        let errors = op.errors.iter().map(|e| {
            let status = match e.range.as_deref() {
                None => {
                    let code = Literal::u16_unsuffixed(e.status);
                    quote!(Code(#code))
                }
                Some("default") => quote!(Default),
                Some(range) => {
                    let class = Literal::u16_unsuffixed(
                        range.trim_end_matches("XX").parse().unwrap_or_default(),
                    );
                    quote!(Range(#class))
                }
            };
            let description = lit(e.description.trim());
            quote!((#documented::#status, #description))
        });
        settings.push(quote!(.errors(&[#(#errors),*])));
    }
    if let Some(scope) = &op.scope {
        let scope = lit(scope);
        settings.push(quote!(.scope(#scope)));
    }
    quote! {
        static OPERATION: &#operation =
            &#operation::new(#id, #api, #http_method::#method, #path) #(#settings)*;
    }
}

/// The path with its parameters percent-encoded.
fn path_expression(op: &Operation) -> TokenStream {
    let with_query = !op.query_params.is_empty();
    if op.path_params.is_empty() && !with_query {
        return lit(&op.path).into_token_stream();
    }
    let (encode, query_value) = (rt::ENCODE_PATH_SEGMENT, rt::QUERY_VALUE);
    let mut template = op.path.replace('{', "{{").replace('}', "}}");
    let mut args = Vec::new();
    for p in &op.path_params {
        template = template.replace(&format!("{{{{{}}}}}", p.name), "{}");
        let name = ident(&p.rust_name);
        args.push(match p.ty {
            Ty::String => quote!(#encode(#name)),
            _ => quote!(#encode(&#query_value::query_text(&#name))),
        });
    }
    if with_query {
        template.push_str("{}");
        args.push(quote!(query.finish()));
    }
    let template = lit(&template);
    quote!(format!(#template, #(#args),*))
}

/// The checks of properties this operation's schema requires and the encoding of the body
/// (`let body = …`), and the encoded body as an `Option<RequestBody>` expression.
fn body_code(
    api: &Api,
    op: &Operation,
    checked: &BTreeSet<SchemaKey>,
) -> (TokenStream, TokenStream) {
    let Some(body) = &op.body else {
        return (TokenStream::new(), quote!(None));
    };
    let checks = body_checks(api, body, checked);
    let (fields, value) = body_value(api, body);
    if body.required {
        let code = quote! {
            #checks
            #fields
            let body = #value;
        };
        (code, quote!(Some(body)))
    } else {
        // An optional body: checked and encoded when there is one.
        let code = quote! {
            let body = match body {
                Some(body) => {
                    #checks
                    #fields
                    Some(#value)
                }
                None => None,
            };
        };
        (code, quote!(body))
    }
}

/// The check that the properties the body's schema requires are there.
fn body_checks(api: &Api, body: &crate::ir::Body, checked: &BTreeSet<SchemaKey>) -> TokenStream {
    if let Ty::Concept(key) = &body.ty
        && checked.contains(key)
    {
        let check = ident(&super::required::check_name(api, key));
        let missing = rt::MISSING_PROPERTY;
        quote! {
            if let Some(missing) = body.#check() {
                return Err(#missing(OPERATION, &missing));
            }
        }
    } else {
        TokenStream::new()
    }
}

/// The statements that collect form fields (none for other bodies) and the `RequestBody`
/// expression for a present `body`.
fn body_value(api: &Api, body: &crate::ir::Body) -> (TokenStream, TokenStream) {
    let request_body = rt::REQUEST_BODY;
    let content_type = lit(&body.content_type);
    let value = match body.kind {
        BodyKind::Text => quote!(#request_body::raw(#content_type, body.to_owned())),
        BodyKind::Binary => quote!(#request_body::raw(#content_type, body.to_vec())),
        BodyKind::Json => match body.ty.model() {
            // Concepts inside are written in their member schema's casing; anything else with
            // its serde implementation. Sent under the media type as declared
            // (`application/json; charset=utf-8` too).
            Some(key) => {
                let (json_body, casing) = (rt::JSON_BODY, marker(api.concept_of[key].1));
                quote!(#json_body::<_, #casing, _>(OPERATION, #content_type, body)?)
            }
            None => {
                let serde_json_body = rt::SERDE_JSON_BODY;
                quote!(#serde_json_body(OPERATION, #content_type, body)?)
            }
        },
        BodyKind::Form | BodyKind::Multipart => {
            let Ty::Concept(key) = &body.ty else {
                // normalize sends other form bodies as bytes.
                let value = quote!(#request_body::raw(#content_type, ::std::vec::Vec::new()));
                return (TokenStream::new(), value);
            };
            let (model_index, casing) = api.concept_of[key];
            let model = &api.concepts[model_index];
            let Some(dialect) = model.casings.iter().find(|d| d.casing == casing) else {
                return (
                    TokenStream::new(),
                    quote!(#request_body::form(::std::iter::empty())),
                );
            };
            let pushes = dialect.keys.iter().map(|k| {
                let f = &model.fields[k.field];
                let (key, text) = (lit(&k.wire), form_text(api, &f.ty));
                let field = ident(&f.rust_name);
                if f.required {
                    quote! {
                        {
                            let value = &body.#field;
                            fields.push((#key, #text));
                        }
                    }
                } else {
                    quote! {
                        if let Some(value) = &body.#field {
                            fields.push((#key, #text));
                        }
                    }
                }
            });
            let encode = if body.kind == BodyKind::Form {
                quote!(form)
            } else {
                quote!(multipart)
            };
            let fields = quote! {
                let mut fields: Vec<(&str, String)> = Vec::new();
                #(#pushes)*
            };
            let value =
                quote!(#request_body::#encode(fields.iter().map(|(k, v)| (*k, v.as_str()))));
            return (fields, value);
        }
    };
    (TokenStream::new(), value)
}

/// A form field's text; secrets are exposed here, on their way to the wire, and nowhere else.
fn form_text(api: &Api, ty: &Ty) -> TokenStream {
    match ty {
        Ty::Secret => quote!(value.expose().to_owned()),
        Ty::Enum(i) if matches!(api.enums[*i].kind, crate::ir::EnumKind::Str(_)) => {
            quote!(value.as_str().to_owned())
        }
        Ty::Enum(_) => quote!(value.value().to_string()),
        Ty::DateTime => quote!(value.to_rfc3339()),
        _ => quote!(value.to_string()),
    }
}
