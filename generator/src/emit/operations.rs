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
    header.push_str(&format!("\nGenerated from `{}`.", module.file));
    let header = inner_docs(&header);
    let base_url = &module.default_base_url;
    let version = module.api_version.as_deref().unwrap_or_default();
    let client_doc = format!(" Client of the {}. Cheap to clone.", module.title);
    let methods = module
        .operations
        .iter()
        .map(|op| emit_operation(api, module, op, checked));
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
    let (success, decode) = success_type(api, op);
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
    let other_params = op.query_params.iter().chain(&op.header_params).map(|p| {
        let name = ident(&p.rust_name);
        let ty = borrowed_type(api, &p.ty);
        if p.required {
            quote!(#name: #ty,)
        } else {
            quote!(#name: Option<#ty>,)
        }
    });
    let body_param = op.body.as_ref().map(|b| {
        let ty = rust_type(api, &Ty::Concept(b.schema.clone()));
        quote!(body: &#ty,)
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
        pub async fn #method(&self, #(#path_params)* #(#other_params)* #body_param) -> Result<#response_value<#success>, #error<#error_body>> {
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
            quote!(if let Option::Some(value) = #name { query.#push(#key, value); })
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
            quote!(if let Option::Some(value) = #name { headers.push((#key, #text)); })
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
            format!(
                "- `{}`: {description}",
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
            text.push_str(&format!("\n- `{}`: {}", e.status, e.description.trim()));
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
    let errors = op.errors.iter().map(|e| {
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

/// Checks of properties this operation's schema requires, and the encoded body.
fn body_code(
    api: &Api,
    op: &Operation,
    checked: &BTreeSet<SchemaKey>,
) -> (TokenStream, TokenStream) {
    let Some(body) = &op.body else {
        return (TokenStream::new(), quote!(Option::None));
    };
    let (missing_property, json_body, request_body) =
        (rt::MISSING_PROPERTY, rt::JSON_BODY, rt::REQUEST_BODY);
    let (model_index, casing) = api.concept_of[&body.schema];
    let model = &api.concepts[model_index];
    let dialect = model
        .casings
        .iter()
        .find(|d| d.casing == casing)
        .expect("every member has its dialect");
    let checks = if checked.contains(&body.schema) {
        let check = super::required::check_name(api, &body.schema);
        quote! {
            if let Option::Some(missing) = body.#check() {
                return Result::Err(#missing_property(OPERATION, &missing));
            }
        }
    } else {
        TokenStream::new()
    };
    let value = match body.kind {
        BodyKind::Json => {
            let marker = marker(casing);
            quote! {
                Option::Some(#json_body::<_, #marker, _>(OPERATION, body)?)
            }
        }
        BodyKind::Form | BodyKind::Multipart => {
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
                Option::Some(#request_body::#encode(fields.iter().map(|(k, v)| (*k, v.as_str()))))
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
