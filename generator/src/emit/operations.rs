//! One module per document: its constants, its `Client`, one async method per operation.

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens as _, quote};

use super::runtime as rt;

use super::types::{docs, ident, inner_docs, marker, rust_type};
use std::collections::BTreeSet;

use crate::ir::{Api, AuthNeed, BodyKind, Media, Module, Operation, SchemaKey, Ty};

/// The module's file.
pub fn emit_module(api: &Api, module: &Module, checked: &BTreeSet<SchemaKey>) -> TokenStream {
    let (client, client_builder, context, build_error, uuid) = (
        rt::CLIENT,
        rt::CLIENT_BUILDER,
        rt::CONTEXT,
        rt::BUILD_ERROR,
        rt::UUID,
    );
    let mut header = format!("{}\n", module.title);
    if let Some(description) = &module.description {
        header.push_str(&format!("\n{}\n", description.trim()));
    }
    // The file name only: a path would tie the crate to the machine it was generated on.
    let file = module
        .file
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(&module.file);
    header.push_str(&format!("\nGenerated from `{file}`."));
    let header = inner_docs(&header);
    let base_url = &module.default_base_url;
    let version = module.api_version.as_deref().unwrap_or_default();
    let client_doc = format!(" Client of the {}. Cheap to clone.", module.title);
    let methods = module
        .operations
        .iter()
        .map(|op| emit_operation(api, module, op, checked));
    let response_enums = module
        .operations
        .iter()
        .filter(|op| !op.success_variants.is_empty())
        .map(|op| response_enum(api, op));
    let params_structs = module
        .operations
        .iter()
        .filter(|op| uses_params_struct(op))
        .map(|op| params_struct(api, op));
    quote! {
        #header

        /// The document's first server.
        pub const DEFAULT_BASE_URL: &str = #base_url;

        /// The `api-version` this document speaks (sent by operations that declare the header).
        pub const API_VERSION: &str = #version;

        #[doc = #client_doc]
        ///
        /// Authentication and request-context headers are configured once on the builder and
        /// injected into each operation that needs them.
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: #client,
        }

        impl Client {
            /// A builder preset with [`DEFAULT_BASE_URL`].
            pub fn builder() -> #client_builder<Self> {
                #client_builder::new(DEFAULT_BASE_URL)
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
                Result::Ok(Self { inner: self.inner.with_context(context)? })
            }

            #(#methods)*
        }

        impl ::std::convert::From<#client> for Client {
            fn from(inner: #client) -> Self {
                Self { inner }
            }
        }

        #(#params_structs)*
        #(#response_enums)*
    }
}

/// The name of an operation's response enum: `StartJobResponse`.
fn response_enum_name(op: &Operation) -> proc_macro2::Ident {
    ident(&format!(
        "{}Response",
        crate::normalize::type_name(&op.method_name)
    ))
}

/// The variant of one success answer: `Status200`, `Success2XX`.
fn variant_name(response: &crate::ir::Response) -> proc_macro2::Ident {
    match &response.range {
        Some(range) => ident(&format!("Success{range}")),
        None => ident(&format!("Status{}", response.status)),
    }
}

/// The enum of an operation whose success answers have different bodies: a variant per
/// documented 2xx status, and `Other` for an undocumented one (its body, if any, as JSON).
fn response_enum(api: &Api, op: &Operation) -> TokenStream {
    let name = response_enum_name(op);
    let json_value = rt::JSON_VALUE;
    let doc = format!(
        " The success answers of [`Client::{}`], one variant per documented status.",
        op.method_name.trim_start_matches("r#")
    );
    let variants = op.success_variants.iter().map(|r| {
        let variant = variant_name(r);
        let label = r.range.clone().unwrap_or_else(|| r.status.to_string());
        let vdoc = format!(" `{label}`: {}", r.description.trim().replace('\n', " "));
        match &r.ty {
            Some(ty) => {
                let ty = rust_type(api, ty);
                quote!(#[doc = #vdoc] #variant(#ty),)
            }
            None => quote!(#[doc = #vdoc] #variant,),
        }
    });
    let other = (!op.success_variants.iter().any(|r| r.range.is_some())).then(|| {
        quote! {
            /// A success status the document does not list; its body as JSON, if any.
            Other(Option<#json_value>),
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub enum #name {
            #(#variants)*
            #other
        }
    }
}

/// Decoding by status into the operation's response enum.
fn variant_decode(api: &Api, op: &Operation) -> TokenStream {
    let name = response_enum_name(op);
    let (json, json_or_empty, empty) =
        (rt::DECODE_JSON, rt::DECODE_JSON_OR_EMPTY, rt::DECODE_EMPTY);
    let decode = |r: &crate::ir::Response| {
        let variant = variant_name(r);
        match &r.ty {
            Some(ty) => {
                let ty = rust_type(api, ty);
                quote!(#json::<#ty, _>(response, OPERATION).map(|v| v.map(#name::#variant)))
            }
            None => quote!(#empty(response).map(|v| v.map(|()| #name::#variant))),
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
        None => quote!(#json_or_empty(response, OPERATION).map(|v| v.map(#name::Other))),
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
    let method = ident(&op.method_name);
    let doc = docs(Some(&operation_doc(op)));
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated = "deprecated by the vendor"]));
    let (response_value, error, execute, api_error) =
        (rt::RESPONSE_VALUE, rt::ERROR, rt::EXECUTE, rt::API_ERROR);
    let (success, decode) = if op.success_variants.is_empty() {
        success_type(api, op)
    } else {
        let name = response_enum_name(op);
        (quote!(#name), variant_decode(api, op))
    };
    let error_body = op
        .error_ty
        .as_ref()
        .map_or_else(|| quote!(()), |t| rust_type(api, t));
    let static_info = operation_info(module, op);
    let path_params = op.path_params.iter().map(|p| {
        let name = ident(&p.rust_name);
        let ty = match p.ty {
            Ty::String => quote!(&str),
            _ => rust_type(api, &p.ty),
        };
        quote!(#name: #ty,)
    });
    let grouped = uses_params_struct(op);
    let other_params = op
        .query_params
        .iter()
        .chain(&op.header_params)
        .filter(|p| p.required || !grouped)
        .map(|p| {
            let name = ident(&p.rust_name);
            let ty = borrowed_type(api, &p.ty);
            if p.required {
                quote!(#name: #ty,)
            } else {
                quote!(#name: Option<#ty>,)
            }
        });
    let params_struct = grouped.then(|| {
        let name = params_struct_name(op);
        quote!(params: &#name,)
    });
    let body_param = op.body.as_ref().map(|b| {
        let ty = match b.kind {
            BodyKind::Text => quote!(&str),
            BodyKind::Binary => quote!(&[u8]),
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart => borrowed_type(api, &b.ty),
        };
        if b.required {
            quote!(body: #ty,)
        } else {
            quote!(body: Option<#ty>,)
        }
    });
    let query = query_code(op);
    let path = path_expression(op);
    let path_arg = if op.path_params.is_empty() && op.query_params.is_empty() {
        quote!(path)
    } else {
        quote!(&path)
    };
    let (body_checks, body_value) = body_code(api, op, checked);
    let send = if op.header_params.is_empty() {
        quote!(#execute(&self.inner, OPERATION, #path_arg, &[], #body_value).await?)
    } else {
        let headers = header_code(op);
        quote! {{
            #headers
            #execute(&self.inner, OPERATION, #path_arg, &headers, #body_value).await?
        }}
    };
    quote! {
        #doc
        #deprecated
        pub async fn #method(&self, #(#path_params)* #(#other_params)* #params_struct #body_param) -> Result<#response_value<#success>, #error<#error_body>> {
            #static_info
            #body_checks
            #query
            let path = #path;
            let response = #send;
            if response.status().is_success() {
                #decode
            } else {
                Result::Err(#api_error(response, OPERATION))
            }
        }
    }
}

/// The value type of the success body and the call that reads it.
fn success_type(api: &Api, op: &Operation) -> (TokenStream, TokenStream) {
    let (json, json_or_empty, bytes, text, empty) = (
        rt::DECODE_JSON,
        rt::DECODE_JSON_OR_EMPTY,
        rt::DECODE_BYTES,
        rt::DECODE_TEXT,
        rt::DECODE_EMPTY,
    );
    match (&op.success.ty, op.success.media) {
        (Some(ty), _) if op.success.optional => {
            let ty = rust_type(api, ty);
            (
                quote!(Option<#ty>),
                quote!(#json_or_empty(response, OPERATION)),
            )
        }
        (Some(ty), _) => (rust_type(api, ty), quote!(#json(response, OPERATION))),
        (None, Some(Media::Binary)) => (rt::BYTES.to_token_stream(), quote!(#bytes(response))),
        (None, Some(Media::Text)) => (quote!(String), quote!(#text(response, OPERATION))),
        (None, _) => (quote!(()), quote!(#empty(response))),
    }
}

/// How a query or header parameter is taken: `&str`, `&[T]`, `&T`.
fn borrowed_type(api: &Api, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(&str),
        Ty::List(inner) => {
            let inner = rust_type(api, inner);
            quote!(&[#inner])
        }
        other => {
            let ty = rust_type(api, other);
            quote!(&#ty)
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
    uses_params_struct(op).then(|| params_struct_name(op).to_string())
}

fn uses_params_struct(op: &Operation) -> bool {
    op.query_params
        .iter()
        .chain(&op.header_params)
        .filter(|p| !p.required)
        .count()
        > MAX_POSITIONAL_OPTIONAL
}

/// `QueryItemsParams` for `query_items`.
fn params_struct_name(op: &Operation) -> proc_macro2::Ident {
    ident(&format!(
        "{}Params",
        crate::normalize::type_name(&op.method_name)
    ))
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
    let name = params_struct_name(op);
    let doc = format!(
        " The optional parameters of [`Client::{}`]; `Default` sets none.",
        op.method_name.trim_start_matches("r#")
    );
    let fields = op
        .query_params
        .iter()
        .chain(&op.header_params)
        .filter(|p| !p.required)
        .map(|p| {
            let field = ident(&p.rust_name);
            let ty = rust_type(api, &p.ty);
            let text = p
                .description
                .as_deref()
                .map_or_else(|| format!("`{}`", p.name), |d| d.trim().to_owned());
            let field_doc = docs(Some(&text));
            quote!(#field_doc pub #field: Option<#ty>,)
        });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Default)]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// `let query = …` with every query parameter (`form` casing, arrays exploded).
fn query_code(op: &Operation) -> TokenStream {
    let query = rt::QUERY;
    if op.query_params.is_empty() {
        return TokenStream::new();
    }
    let pushes = op.query_params.iter().map(|p| {
        let (name, key) = (ident(&p.rust_name), &p.name);
        let push = if matches!(p.ty, Ty::List(_)) {
            quote!(push_all)
        } else {
            quote!(push)
        };
        if p.required {
            quote!(query.#push(#key, #name);)
        } else {
            let source = optional_source(op, p);
            quote!(if let Option::Some(value) = #source { query.#push(#key, value); })
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
        let (name, key) = (ident(&p.rust_name), &p.name);
        let text = if matches!(p.ty, Ty::List(_)) {
            quote!(
                value
                    .iter()
                    .map(#query_value::query_text)
                    .collect::<Vec<_>>()
                    .join(",")
            )
        } else {
            quote!(#query_value::query_text(&value))
        };
        if p.required {
            quote!({ let value = #name; headers.push((#key, #text)); })
        } else {
            let source = optional_source(op, p);
            quote!(if let Option::Some(value) = #source { headers.push((#key, #text)); })
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
                .map_or_else(|| format!("`{}`", p.name), |d| d.trim().replace('\n', " "));
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
        lines.push(format!("- `body`: {}", description.replace('\n', " ")));
    }
    if lines.is_empty() {
        String::new()
    } else {
        format!("\n\n# Arguments\n\n{}", lines.join("\n"))
    }
}

fn operation_doc(op: &Operation) -> String {
    let mut text = op.summary.clone().unwrap_or_else(|| op.id.clone());
    if let Some(description) = &op.description {
        text.push_str(&format!("\n\n{}", description.trim()));
    }
    text.push_str(&format!(
        "\n\n`{} {}` (operation `{}`).",
        op.http_method, op.path, op.id
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
                        .map(|s| format!("`{s}`"))
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
            text.push_str(&format!("\n- `{status}`: {}", e.description.trim()));
        }
    }
    text
}

fn operation_info(module: &Module, op: &Operation) -> TokenStream {
    let (operation, context_header, auth_need, http_method) = (
        rt::OPERATION,
        rt::CONTEXT_HEADER,
        rt::AUTH_NEED,
        rt::HTTP_METHOD,
    );
    let id = &op.id;
    let api = &module.name;
    let method = ident(&op.http_method);
    let path = &op.path;
    let version = match (&module.api_version, op.sends_api_version) {
        (Some(v), true) => quote!(Option::Some(#v)),
        _ => quote!(Option::None),
    };
    let context = op.context.iter().map(|c| {
        let key = rt::context_key(c.key);
        let (name, required) = (&c.header, c.required);
        quote!(#context_header { key: #key, name: #name, required: #required })
    });
    let auth = match op.auth {
        AuthNeed::None => quote!(None),
        AuthNeed::Optional => quote!(Optional),
        AuthNeed::Required => quote!(Required),
    };
    // Ranges and `default` have no single status to look up.
    let errors = op.errors.iter().filter(|e| e.range.is_none()).map(|e| {
        let status = Literal::u16_unsuffixed(e.status);
        let description = e.description.trim();
        quote!((#status, #description))
    });
    let scope = match &op.scope {
        Some(scope) => quote!(Option::Some(#scope)),
        None => quote!(Option::None),
    };
    quote! {
        static OPERATION: &#operation = &#operation {
            id: #id,
            api: #api,
            method: #http_method::#method,
            path: #path,
            api_version: #version,
            context: &[#(#context),*],
            auth: #auth_need::#auth,
            errors: &[#(#errors),*],
            scope: #scope,
        };
    }
}

/// The path with its parameters percent-encoded.
fn path_expression(op: &Operation) -> TokenStream {
    let (encode_path_segment, query_value) = (rt::ENCODE_PATH_SEGMENT, rt::QUERY_VALUE);
    let with_query = !op.query_params.is_empty();
    if op.path_params.is_empty() && !with_query {
        let path = &op.path;
        return quote!(#path);
    }
    let mut template = op.path.clone();
    let mut args = Vec::new();
    for p in &op.path_params {
        template = template.replace(&format!("{{{}}}", p.name), "{}");
        let name = ident(&p.rust_name);
        args.push(match p.ty {
            Ty::String => quote!(#encode_path_segment(#name)),
            _ => quote!(#encode_path_segment(&#query_value::query_text(&#name))),
        });
    }
    if with_query {
        template.push_str("{}");
        args.push(quote!(query.finish()));
    }
    quote!(format!(#template, #(#args),*))
}

/// Checks of properties this operation's schema requires, and the encoded body (an
/// `Option<RequestBody>` expression).
fn body_code(
    api: &Api,
    op: &Operation,
    checked: &BTreeSet<SchemaKey>,
) -> (TokenStream, TokenStream) {
    let Some(body) = &op.body else {
        return (TokenStream::new(), quote!(Option::None));
    };
    let (checks, value) = body_value(api, body, checked);
    if body.required {
        (checks, quote!(Option::Some(#value)))
    } else {
        // An optional body: checked and encoded when there is one.
        (
            TokenStream::new(),
            quote!(match body {
                Option::Some(body) => {
                    #checks
                    Option::Some(#value)
                }
                Option::None => Option::None,
            }),
        )
    }
}

/// The checks before sending and the `RequestBody` expression for a present `body`.
fn body_value(
    api: &Api,
    body: &crate::ir::Body,
    checked: &BTreeSet<SchemaKey>,
) -> (TokenStream, TokenStream) {
    let (missing_property, json_body, request_body, serde_json, wire, error) = (
        rt::MISSING_PROPERTY,
        rt::JSON_BODY,
        rt::REQUEST_BODY,
        rt::SERDE_JSON,
        rt::WIRE,
        rt::ERROR,
    );
    let content_type = &body.content_type;
    let checks = match &body.ty {
        Ty::Concept(key) if checked.contains(key) => {
            let check = super::required::check_name(api, key);
            quote! {
                if let Option::Some(missing) = body.#check() {
                    return Result::Err(#missing_property(OPERATION, &missing));
                }
            }
        }
        _ => TokenStream::new(),
    };
    let invalid =
        quote!(|e| #error::InvalidRequest { operation: OPERATION.id, reason: e.to_string() });
    let value = match body.kind {
        BodyKind::Text => quote!(#request_body::raw(#content_type, body.to_owned())),
        BodyKind::Binary => quote!(#request_body::raw(#content_type, body.to_vec())),
        BodyKind::Json => {
            // Concepts inside are written in their member schema's casing; anything else with
            // its serde implementation.
            let casing = body.ty.model().map(|key| api.concept_of[key].1);
            // Sent under the media type as declared (`application/json; charset=utf-8` too).
            let plain_media = content_type == "application/json";
            match casing {
                Some(casing) if plain_media => {
                    let marker = marker(casing);
                    quote!(#json_body::<_, #marker, _>(OPERATION, body)?)
                }
                Some(casing) => {
                    let marker = marker(casing);
                    quote!(#request_body::raw(#content_type, #serde_json::to_vec(&#wire::<_, #marker>::new(body)).map_err(#invalid)?))
                }
                None if plain_media => {
                    quote!(#request_body::json(#serde_json::to_vec(body).map_err(#invalid)?))
                }
                None => {
                    quote!(#request_body::raw(#content_type, #serde_json::to_vec(body).map_err(#invalid)?))
                }
            }
        }
        BodyKind::Form | BodyKind::Multipart => {
            let Ty::Concept(key) = &body.ty else {
                // normalize sends other form bodies as bytes.
                return (
                    checks,
                    quote!(#request_body::raw(#content_type, ::std::vec::Vec::new())),
                );
            };
            let (model_index, casing) = api.concept_of[key];
            let model = &api.concepts[model_index];
            let Some(dialect) = model.casings.iter().find(|d| d.casing == casing) else {
                return (checks, quote!(#request_body::form(::std::iter::empty())));
            };
            let pushes = dialect.keys.iter().map(|k| {
                let f = &model.fields[k.field];
                let field = ident(&f.rust_name);
                let key = &k.wire;
                let text = form_text(api, &f.ty);
                if f.required {
                    quote!({ let value = &body.#field; fields.push((#key, #text)); })
                } else {
                    quote!(if let Option::Some(value) = &body.#field { fields.push((#key, #text)); })
                }
            });
            let encode = if body.kind == BodyKind::Form {
                quote!(form)
            } else {
                quote!(multipart)
            };
            quote! {{
                let mut fields: Vec<(&str, String)> = Vec::new();
                #(#pushes)*
                #request_body::#encode(fields.iter().map(|(k, v)| (*k, v.as_str())))
            }}
        }
    };
    (checks, value)
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
