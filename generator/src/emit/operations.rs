//! One module per document: its constants, its `Client` with one method per operation, and one
//! request builder per operation (the AWS SDK's fluent builders). Everything the methods and
//! builders are called and take comes from the operation's [`Signature`](crate::ir::Signature),
//! settled in normalize; this file only writes it.
//!
//! `Client::<method>(&self, <required inputs>)` returns the builder, which owns a clone of the
//! client (an `Arc` inside) and owned copies of its inputs; its optional inputs are setters, and
//! `send` (or `.await`, through `IntoFuture`) checks, encodes, sends and decodes.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens as _, quote};

use super::code::{docs, ident, inner_docs, lit};
use super::doc;
use super::runtime as rt;
use super::types::{error_body, marker, rust_type};
use crate::ir::{
    Api, AuthNeed, BodyKind, Input, Module, Operation, Output, PathStyle, Place, Returns,
    SchemaKey, Take, Ty,
};
use crate::normalize::FieldRule;

/// A module's file: its docs, the runtime import, the constants, the `Client` struct with a
/// method per operation, then the request builders and the response enums.
pub fn module(api: &Api, module: &Module, checked: &BTreeSet<SchemaKey>) -> TokenStream {
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
    header.push_str(&format!(
        "\nGenerated from {}. Each operation is a method of [`Client`] that takes what the\n\
         operation requires and returns its request builder: set its optional inputs, then\n\
         `.await` it.",
        doc::code_span(file)
    ));
    let header = inner_docs(&header);
    let import = rt::import();
    let base_url = lit(&module.default_base_url);
    let api_version = lit(module.api_version.as_deref().unwrap_or_default());
    let client = client(api, module);
    let builders = module
        .operations
        .iter()
        .map(|op| builder(api, module, op, checked));
    let responses = module.operations.iter().map(|op| response_enum(api, op));
    quote! {
        #header
        #import
        /// The document's first server.
        pub const DEFAULT_BASE_URL: &str = #base_url;
        /// The `api-version` this document speaks (sent by operations that declare the header).
        pub const API_VERSION: &str = #api_version;
        #client
        #(#builders)*
        #(#responses)*
    }
}

/// The `Client` struct, its `impl` (the handles, then a method per operation) and the hidden
/// `ApiClient` impl through which its builder wraps the transport it built (no `From`: a
/// transport never becomes another document's client).
fn client(api: &Api, module: &Module) -> TokenStream {
    let methods = module.operations.iter().map(|op| client_method(api, op));
    let (transport, builder) = (rt::TRANSPORT, rt::CLIENT_BUILDER);
    let (uuid, context, build_error) = (rt::UUID, rt::CONTEXT, rt::BUILD_ERROR);
    let (retry_policy, api_client) = (rt::RETRY_POLICY, rt::API_CLIENT);
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
            inner: #transport,
        }
        impl Client {
            /// A builder preset with [`DEFAULT_BASE_URL`].
            pub fn builder() -> #builder<Self> {
                #builder::new(DEFAULT_BASE_URL)
            }
            /// The transport underneath (base URL, context, clock, auth, policies).
            pub fn transport(&self) -> &#transport {
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
            /// A handle sharing this client (connections, credentials, rate-limit window) whose
            /// calls use `policy` instead of the client's retry policy.
            pub fn with_retry(&self, policy: #retry_policy) -> Self {
                Self { inner: self.inner.with_retry(policy) }
            }
            /// A handle sharing this client whose calls time out after `timeout` (each attempt,
            /// body included) instead of the client's timeout.
            pub fn with_timeout(&self, timeout: ::std::time::Duration) -> Self {
                Self { inner: self.inner.with_timeout(timeout) }
            }
            #(#methods)*
        }
        #[doc(hidden)]
        impl #api_client for Client {
            fn from_built(inner: #transport) -> Self {
                Self { inner }
            }
        }
    }
}

/// The owned type of an input's value (in the builder, inside its `Option` when optional).
fn owned_type(api: &Api, input: &Input) -> TokenStream {
    match input.take {
        Take::IntoString => quote!(String),
        Take::IntoBytes => quote!(Vec<u8>),
        Take::IntoVec | Take::Value => rust_type(api, &input.ty),
    }
}

/// The argument type of a required input in the client method.
fn argument_type(api: &Api, input: &Input) -> TokenStream {
    match input.take {
        Take::Value => rust_type(api, &input.ty),
        _ => {
            let owned = owned_type(api, input);
            quote!(impl Into<#owned>)
        }
    }
}

/// `Result<ResponseValue<T>, Error<E>>` of the operation.
fn result_type(api: &Api, op: &Operation) -> TokenStream {
    let (response_value, error) = (rt::RESPONSE_VALUE, rt::ERROR);
    let success = success_type(api, op);
    let error_body = error_body(api, op);
    quote!(Result<#response_value<#success>, #error<#error_body>>)
}

/// The value type of a success.
fn success_type(api: &Api, op: &Operation) -> TokenStream {
    match &op.signature.returns {
        Returns::Enum { name, .. } => ident(name).into_token_stream(),
        Returns::One(output) => match output {
            Output::Json(ty) => rust_type(api, ty),
            Output::JsonOrEmpty(ty) => {
                let ty = rust_type(api, ty);
                quote!(Option<#ty>)
            }
            Output::Bytes => rt::BYTES.to_token_stream(),
            Output::Text => quote!(String),
            Output::Empty => quote!(()),
        },
    }
}

/// `Client::<method>(&self, <required inputs>) -> <Builder>`.
fn client_method(api: &Api, op: &Operation) -> TokenStream {
    let signature = &op.signature;
    let doc = docs(Some(&operation_doc(api, op)));
    let deprecated = op
        .deprecated
        .then(|| quote!(#[deprecated = "deprecated by the vendor"]));
    let method = ident(&signature.method);
    let builder = ident(&signature.builder);
    let arguments = signature.required.iter().map(|input| {
        let (name, ty) = (ident(&input.name), argument_type(api, input));
        quote!(#name: #ty)
    });
    let fields = signature.required.iter().map(|input| {
        let name = ident(&input.name);
        match input.take {
            Take::Value => quote!(#name),
            _ => quote!(#name: #name.into()),
        }
    });
    let unset = signature.optional.iter().map(|input| {
        let name = ident(&input.name);
        quote!(#name: None)
    });
    // `#[inline]`, as every method of a builder: compiled where it is used (a non-generic public
    // function is compiled where it is defined, for every operation of a large client).
    quote! {
        #doc
        #deprecated
        #[inline]
        pub fn #method(&self, #(#arguments),*) -> #builder {
            #builder {
                client: self.clone(),
                #(#fields,)*
                #(#unset,)*
            }
        }
    }
}

/// The request builder of `op`: its struct, its setters, `send`, the paging streams of a paged
/// operation, and `IntoFuture`.
fn builder(
    api: &Api,
    module: &Module,
    op: &Operation,
    checked: &BTreeSet<SchemaKey>,
) -> TokenStream {
    let signature = &op.signature;
    let name = ident(&signature.builder);
    let method = signature.method.trim_start_matches("r#");
    let mut text = format!(
        "The request of [`Client::{method}`], {}.\n\n",
        doc::code_span(&format!("{} {}", op.http_method, op.path))
    );
    if signature.optional.is_empty() {
        text.push_str("`.await` it to send it (or call [`Self::send`]).");
    } else {
        text.push_str(
            "Set its optional inputs, then `.await` it to send it (or call [`Self::send`]).",
        );
    }
    if op.paging.is_some() {
        text.push_str(
            "\n\nA paged list: [`Self::into_pages`] and [`Self::into_items`] walk it as streams.",
        );
    }
    let doc = docs(Some(&text));
    let fields = signature.required.iter().map(|input| {
        let (field, ty) = (ident(&input.name), owned_type(api, input));
        quote!(#field: #ty,)
    });
    let optional_fields = signature.optional.iter().map(|input| {
        let (field, ty) = (ident(&input.name), owned_type(api, input));
        quote!(#field: Option<#ty>,)
    });
    let setters = signature
        .optional
        .iter()
        .map(|input| setters(api, op, input));
    let send = send(api, op);
    let paged = super::paging::paged_methods(api, op);
    let request_impl = request_impl(api, module, op, checked);
    let request = rt::REQUEST_MACRO;
    let names = signature
        .required
        .iter()
        .chain(&signature.optional)
        .map(|input| ident(&input.name));
    // `Clone`, `Debug` and `IntoFuture` are the runtime's macro: each method `#[inline]`, so
    // that it is compiled where it is used, not for every operation here.
    quote! {
        #doc
        #[must_use = "a request does nothing until it is sent: `.await` it or call `send`"]
        pub struct #name {
            client: Client,
            #(#fields)*
            #(#optional_fields)*
        }
        impl #name {
            #(#setters)*
            #send
            #paged
        }
        #request_impl
        #request!(#name; client, #(#names),*);
    }
}

/// What an input is, for its setter's docs: the parameter's description, else its name and place.
fn input_description(op: &Operation, input: &Input) -> String {
    let parameter = |p: &crate::ir::Parameter, place: &str| {
        p.description.as_deref().map_or_else(
            || format!("The {place} parameter {}.", doc::code_span(&p.name)),
            doc::document,
        )
    };
    match input.place {
        Place::Path(i) => parameter(&op.path_params[i], "path"),
        Place::Query(i) => parameter(&op.query_params[i], "query"),
        Place::Header(i) => parameter(&op.header_params[i], "header"),
        Place::Body => op
            .body
            .as_ref()
            .and_then(|b| b.description.as_deref())
            .map_or_else(|| "The request body.".to_owned(), doc::document),
    }
}

/// What an input is, in one line (the lists of the method's docs).
fn input_line(op: &Operation, input: &Input) -> String {
    let parameter = |p: &crate::ir::Parameter| {
        p.description
            .as_deref()
            .map_or_else(|| doc::code_span(&p.name), doc::line)
    };
    match input.place {
        Place::Path(i) => parameter(&op.path_params[i]),
        Place::Query(i) => parameter(&op.query_params[i]),
        Place::Header(i) => parameter(&op.header_params[i]),
        Place::Body => op
            .body
            .as_ref()
            .and_then(|b| b.description.as_deref())
            .map_or_else(|| "the request body".to_owned(), doc::line),
    }
}

/// The two setters of an optional input: one taking the value, one an `Option` of it.
fn setters(api: &Api, op: &Operation, input: &Input) -> TokenStream {
    let Some(names) = &input.setters else {
        return TokenStream::new();
    };
    let (field, value, option) = (
        ident(&input.name),
        ident(&names.value),
        ident(&names.option),
    );
    let ty = owned_type(api, input);
    let doc = docs(Some(&input_description(op, input)));
    // rustdoc resolves `Self::type`, not `Self::r#type`.
    let option_doc = docs(Some(&format!(
        "Sets [`{}`](Self::{}) to `Some` value, or leaves it unset with `None` (to forward an\n\
         `Option`).",
        names.value,
        names.value.trim_start_matches("r#")
    )));
    quote! {
        #doc
        pub fn #value(mut self, value: impl Into<#ty>) -> Self {
            self.#field = Some(value.into());
            self
        }
        #option_doc
        #[inline]
        pub fn #option(mut self, value: Option<#ty>) -> Self {
            self.#field = value;
            self
        }
    }
}

/// `send`: the runtime's `send` of the builder's `Request` implementation, named for the docs.
fn send(api: &Api, op: &Operation) -> TokenStream {
    let result = result_type(api, op);
    let send = rt::SEND;
    quote! {
        /// Sends the request: what the operation's schema requires of the body is checked
        /// first (nothing is sent without it), then the request is encoded, sent (with the
        /// client's auth, context, hooks, retries and rate-limit window) and its answer decoded.
        /// `.await` on the request does the same.
        #[inline]
        pub fn send(self) -> impl ::core::future::Future<Output = #result> + ::core::marker::Send + 'static {
            #send(self)
        }
    }
}

/// The builder's `Request` implementation: its operation, its decoder, and `prepare` (the
/// checks of required body properties, the encoding of body, query, headers and path). The
/// runtime's `send` does the asynchronous rest, once for every operation.
fn request_impl(
    api: &Api,
    module: &Module,
    op: &Operation,
    checked: &BTreeSet<SchemaKey>,
) -> TokenStream {
    let name = ident(&op.signature.builder);
    let (request, prepare, prepared, decoder) =
        (rt::REQUEST, rt::PREPARE, rt::PREPARED, rt::DECODER);
    let (success, error) = (success_type(api, op), error_body(api, op));
    let info = operation_info(module, op);
    let (body, body_value) = body_code(api, op, checked);
    let query = query_code(api, op);
    let path = path_expression(op);
    let headers = if op.header_params.is_empty() {
        quote!(Vec::new())
    } else {
        quote!(headers)
    };
    let header_code = (!op.header_params.is_empty()).then(|| header_code(op));
    let decode = decode(api, op);
    quote! {
        impl #request for #name {
            type Output = #success;
            type Error = #error;
            #info
            const DECODE: #decoder<Self> = #decode;
            #[inline]
            fn prepare(self) -> #prepare<Self> {
                #body
                #query
                #header_code
                let path = #path;
                Ok(#prepared::new(self.client.inner, path, #headers, #body_value))
            }
        }
    }
}

/// How the answer is read: one success type's decoder takes the answer whole (a non-success
/// one is the error); several are a match on the status, after the success check.
fn decode(api: &Api, op: &Operation) -> TokenStream {
    match &op.signature.returns {
        Returns::One(output) => {
            let decoder = match output {
                Output::Json(_) => rt::DECODE_JSON,
                Output::JsonOrEmpty(_) => rt::DECODE_JSON_OR_EMPTY,
                Output::Bytes => rt::DECODE_BYTES,
                Output::Text => rt::DECODE_TEXT,
                Output::Empty => rt::DECODE_EMPTY,
            };
            quote!(#decoder)
        }
        Returns::Enum {
            name,
            variants,
            other,
        } => {
            let name = ident(name);
            let decode = |variant: &crate::ir::Variant| {
                let label = ident(&variant.name);
                match &variant.ty {
                    Some(ty) => {
                        let (json, ty) = (rt::DECODE_JSON, rust_type(api, ty));
                        quote!(#json::<#ty, _>(response, operation).map(|v| v.map(#name::#label)))
                    }
                    None => {
                        let empty = rt::DECODE_EMPTY;
                        quote!(#empty(response, operation).map(|v| v.map(|()| #name::#label)))
                    }
                }
            };
            let arms = variants.iter().filter_map(|v| {
                let status = Literal::u16_unsuffixed(v.status?);
                let decode = decode(v);
                Some(quote!(#status => #decode,))
            });
            let fallback = match variants.iter().find(|v| v.status.is_none()) {
                Some(range) if !other => decode(range),
                _ => {
                    let json_or_empty = rt::DECODE_JSON_OR_EMPTY;
                    quote!(#json_or_empty(response, operation).map(|v| v.map(#name::Other)))
                }
            };
            let api_error = rt::API_ERROR;
            quote! {
                |response, operation| {
                    if response.status().is_success() {
                        match response.status().as_u16() {
                            #(#arms)*
                            _ => #fallback,
                        }
                    } else {
                        Err(#api_error(response, operation))
                    }
                }
            }
        }
    }
}

/// The enum of an operation whose success answers have different bodies: a variant per
/// documented 2xx status, and `Other` for an undocumented one (its body, if any, as JSON).
fn response_enum(api: &Api, op: &Operation) -> TokenStream {
    let Returns::Enum {
        name,
        variants,
        other,
    } = &op.signature.returns
    else {
        return TokenStream::new();
    };
    let doc = docs(Some(&format!(
        "The success answers of [`Client::{}`], one variant per documented status.",
        op.signature.method.trim_start_matches("r#")
    )));
    let name = ident(name);
    let variants = variants.iter().map(|v| {
        let doc = docs(Some(&format!(
            "{}: {}",
            doc::code_span(&v.label),
            doc::line(&v.description)
        )));
        let variant = ident(&v.name);
        match &v.ty {
            Some(ty) => {
                let ty = rust_type(api, ty);
                quote!(#doc #variant(#ty),)
            }
            None => quote!(#doc #variant,),
        }
    });
    let other = other.then(|| {
        let json = rt::JSON_VALUE;
        quote! {
            /// A success status the document does not list; its body as JSON, if any.
            Other(Option<#json>),
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #other
        }
    }
}

/// `let query = …` with every query parameter in document order, each written as a form field
/// of its style (`normalize::query_rule`): scalars and exploded lists by the runtime's `Query`,
/// other styles, objects and maps pair by pair.
fn query_code(api: &Api, op: &Operation) -> TokenStream {
    if op.query_params.is_empty() {
        return TokenStream::new();
    }
    let query = rt::QUERY;
    let pushes = op.query_params.iter().enumerate().map(|(i, p)| {
        let (key, field) = (lit(&p.name), field_at(op, Place::Query(i)));
        let (rule, _) = crate::normalize::query_rule(api, p);
        match (&rule, p.required) {
            (FieldRule::Text(_), true) => quote!(query.push(#key, &self.#field);),
            (FieldRule::Each(_), true) => quote!(query.push_all(#key, &self.#field);),
            (FieldRule::Text(_), false) => quote!(query.push_optional(#key, self.#field.as_ref());),
            (FieldRule::Each(_), false) => {
                quote!(query.push_all_optional(#key, self.#field.as_deref());)
            }
            _ => {
                let push = field_push(
                    api,
                    FormField {
                        rule: &rule,
                        key: &p.name,
                        ty: &p.ty,
                        nested: None,
                    },
                    |key, text| quote!(query.push(&#key, &#text);),
                );
                if p.required {
                    quote! {
                        {
                            let value = &self.#field;
                            #push
                        }
                    }
                } else {
                    quote! {
                        if let Some(value) = &self.#field {
                            #push
                        }
                    }
                }
            }
        }
    });
    quote! {
        let mut query = #query::new();
        #(#pushes)*
    }
}

/// `let headers = …` with every header parameter in document order (lists comma-separated,
/// `simple` casing).
fn header_code(op: &Operation) -> TokenStream {
    let query_value = rt::QUERY_VALUE;
    let pushes = op.header_params.iter().enumerate().map(|(i, p)| {
        let (key, field) = (lit(&p.name), field_at(op, Place::Header(i)));
        let text = if matches!(p.ty, Ty::List(_)) {
            quote!(value.iter().map(#query_value::query_text).collect::<Vec<_>>().join(","))
        } else {
            quote!(#query_value::query_text(value))
        };
        if p.required {
            quote! {
                {
                    let value = &self.#field;
                    headers.push((#key, #text));
                }
            }
        } else {
            quote! {
                if let Some(value) = &self.#field {
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

/// The method's documentation: what the operation is, its arguments and optional inputs, what
/// it requires (scopes, body properties), its security and its documented errors.
fn operation_doc(api: &Api, op: &Operation) -> String {
    let signature = &op.signature;
    let mut text = doc::document(op.summary.as_deref().unwrap_or(&op.id));
    if let Some(description) = &op.description {
        text.push_str(&format!("\n\n{}", doc::document(description.trim())));
    }
    let returns = if signature.optional.is_empty() {
        "Returns the request: `.await` it to send it."
    } else {
        "Returns the request: set its optional inputs (below), then `.await` it."
    };
    text.push_str(&format!(
        "\n\n{} (operation {}).\n{returns}",
        doc::code_span(&format!("{} {}", op.http_method, op.path)),
        doc::code_span(&op.id)
    ));
    let line = |input: &Input| input_line(op, input);
    if !signature.required.is_empty() {
        text.push_str("\n\n# Arguments\n");
        for input in &signature.required {
            text.push_str(&format!(
                "\n- {}: {}",
                doc::code_span(input.name.trim_start_matches("r#")),
                line(input)
            ));
        }
    }
    if !signature.optional.is_empty() {
        text.push_str(&format!(
            "\n\n# Optional inputs\n\nSetters of [`{}`] (each also as `set_…` taking an `Option`):\n",
            signature.builder
        ));
        for input in &signature.optional {
            let setter = input
                .setters
                .as_ref()
                .map_or(input.name.as_str(), |s| s.value.as_str());
            text.push_str(&format!(
                "\n- {}: {}",
                doc::code_span(&format!("{setter}(…)")),
                line(input)
            ));
        }
    }
    let requires = requirements(api, op);
    if !requires.is_empty() {
        text.push_str("\n\n# Requires\n");
        for line in requires {
            text.push_str(&format!("\n- {line}"));
        }
    }
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

/// What an operation requires beyond its arguments, a line each: its scope (`x-jtl-scope`), the
/// scopes its security requirements list, and the properties its body's schema requires (by
/// wire name; checked before sending).
fn requirements(api: &Api, op: &Operation) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(scope) = &op.scope {
        lines.push(format!(
            "the scope {} (the document's `x-jtl-scope`): a token or key without it is refused \
             with 403",
            doc::code_span(scope)
        ));
    }
    let mut listed: Vec<&str> = Vec::new();
    for (_, scopes) in op.security.iter().flatten() {
        for scope in scopes {
            if !listed.contains(&scope.as_str()) && op.scope.as_deref() != Some(scope.as_str()) {
                listed.push(scope);
            }
        }
    }
    if !listed.is_empty() {
        let scopes: Vec<String> = listed.iter().map(|s| doc::code_span(s)).collect();
        let noun = if scopes.len() == 1 { "scope" } else { "scopes" };
        lines.push(format!(
            "the {noun} {} (its security requirements; see below)",
            scopes.join(", ")
        ));
    }
    if let Some(body) = &op.body
        && let Some(key) = body.ty.model()
        && let Some(props) = api.member_props.get(key)
    {
        let required: Vec<String> = props
            .iter()
            .filter(|p| p.required)
            .map(|p| doc::code_span(&p.wire))
            .collect();
        if !required.is_empty() {
            let noun = if required.len() == 1 {
                "property"
            } else {
                "properties"
            };
            lines.push(format!(
                "in the body, the {noun} {} (required by the schema {}; a missing one is an \
                 error before anything is sent)",
                required.join(", "),
                doc::code_span(&key.name)
            ));
        }
    }
    lines
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
        const OPERATION: &'static #operation =
            &#operation::new(#id, #api, #http_method::#method, #path) #(#settings)*;
    }
}

/// The builder's field of the input at `place`.
fn field_at(op: &Operation, place: Place) -> proc_macro2::Ident {
    let input = op
        .signature
        .required
        .iter()
        .chain(&op.signature.optional)
        .find(|i| i.place == place);
    ident(input.map_or("missing_input", |i| i.name.as_str()))
}

/// `text` percent-encoded as the runtime encodes a path segment (`encode_path_segment`).
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The path with its parameters percent-encoded, in their styles.
fn path_expression(op: &Operation) -> TokenStream {
    let with_query = !op.query_params.is_empty();
    if op.path_params.is_empty() && !with_query {
        let path = lit(&op.path);
        return quote!(#path.to_owned());
    }
    let (encode, encode_list, query_value) = (
        rt::ENCODE_PATH_SEGMENT,
        rt::ENCODE_PATH_LIST,
        rt::QUERY_VALUE,
    );
    let mut template = op.path.replace('{', "{{").replace('}', "}}");
    let mut args = Vec::new();
    for (i, p) in op.path_params.iter().enumerate() {
        // The style's prefix (`.`, `;name=`) is text of the template; the name is encoded as
        // the values are, so it holds no brace.
        let named = format!(";{}=", percent_encode(&p.name));
        let (prefix, separator) = match p.path_style {
            PathStyle::Simple => (String::new(), ",".to_owned()),
            PathStyle::Label { explode } => {
                (".".to_owned(), if explode { "." } else { "," }.to_owned())
            }
            PathStyle::Matrix { explode } => {
                let separator = if explode {
                    named.clone()
                } else {
                    ",".to_owned()
                };
                (named, separator)
            }
        };
        // By index, so that a template naming a parameter twice uses its one argument twice.
        let at = args.len();
        template = template.replace(&format!("{{{{{}}}}}", p.name), &format!("{prefix}{{{at}}}"));
        let field = field_at(op, Place::Path(i));
        args.push(match &p.ty {
            Ty::String => quote!(#encode(self.#field.as_str())),
            Ty::List(_) => {
                let separator = lit(&separator);
                quote!(#encode_list(&self.#field, #separator))
            }
            _ => quote!(#encode(&#query_value::query_text(&self.#field))),
        });
    }
    if with_query {
        template.push_str(&format!("{{{}}}", args.len()));
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
    let field = field_at(op, Place::Body);
    let checks = body_checks(api, body, checked);
    let (fields, value) = body_value(api, body);
    if body.required {
        let code = quote! {
            let body = self.#field;
            #checks
            #fields
            let body = #value;
        };
        (code, quote!(Some(body)))
    } else {
        // An optional body: checked and encoded when there is one.
        let code = quote! {
            let body = match self.#field {
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
                return Err(#missing(Self::OPERATION, &missing));
            }
        }
    } else {
        TokenStream::new()
    }
}

/// The statements that collect form fields (none for other bodies) and the `RequestBody`
/// expression for a present, owned `body`.
fn body_value(api: &Api, body: &crate::ir::Body) -> (TokenStream, TokenStream) {
    let request_body = rt::REQUEST_BODY;
    let content_type = lit(&body.content_type);
    let value = match body.kind {
        BodyKind::Text | BodyKind::Binary => quote!(#request_body::raw(#content_type, body)),
        BodyKind::Json => match body.ty.model() {
            // Concepts inside are written in their member schema's casing; anything else with
            // its serde implementation. Sent under the media type as declared
            // (`application/json; charset=utf-8` too).
            Some(key) => {
                let (json_body, casing) = (rt::JSON_BODY, marker(api.concept_of[key].1));
                quote!(#json_body::<_, #casing, _>(Self::OPERATION, #content_type, &body)?)
            }
            None => {
                let serde_json_body = rt::SERDE_JSON_BODY;
                quote!(#serde_json_body(Self::OPERATION, #content_type, &body)?)
            }
        },
        BodyKind::Form | BodyKind::Multipart => return form_value(api, body),
    };
    (TokenStream::new(), value)
}

/// The wire keys of `model` in `casing` (none when the model has no such dialect).
fn dialect_keys(model: &crate::ir::Concept, casing: crate::ir::Casing) -> &[crate::ir::WireKey] {
    model
        .casings
        .iter()
        .find(|d| d.casing == casing)
        .map_or(&[][..], |d| &d.keys[..])
}

/// `push` run with `value: &T` bound to the field `owner.field`: always for a required field,
/// only when present for an optional one.
fn for_present_field(owner: TokenStream, f: &crate::ir::Field, push: TokenStream) -> TokenStream {
    let field = ident(&f.rust_name);
    if f.required {
        quote! {
            {
                let value = &#owner.#field;
                #push
            }
        }
    } else {
        quote! {
            if let Some(value) = &#owner.#field {
                #push
            }
        }
    }
}

/// The statements that collect the fields (`fields`) or parts (`parts`) of a form or
/// multipart body, and the `RequestBody` made of them; each property as
/// `normalize::field_rule` decides.
fn form_value(api: &Api, body: &crate::ir::Body) -> (TokenStream, TokenStream) {
    let request_body = rt::REQUEST_BODY;
    let content_type = lit(&body.content_type);
    let multipart = body.kind == BodyKind::Multipart;
    let (Ty::Concept(key), Some(form)) = (&body.ty, &body.form) else {
        // normalize sends other form bodies as bytes.
        let value = quote!(#request_body::raw(#content_type, ::std::vec::Vec::new()));
        return (TokenStream::new(), value);
    };
    let (model_index, casing) = api.concept_of[key];
    let model = &api.concepts[model_index];
    let pushes = dialect_keys(model, casing).iter().map(|k| {
        let f = &model.fields[k.field];
        let (rule, _) = crate::normalize::field_rule(api, body.kind, form, &k.wire, &f.ty);
        let field = FormField {
            rule: &rule,
            key: &k.wire,
            ty: &f.ty,
            nested: k.nested,
        };
        let push = if multipart {
            part_push(api, field)
        } else {
            field_push(api, field, |key, text| quote!(fields.push((#key, #text));))
        };
        for_present_field(quote!(body), f, push)
    });
    if multipart {
        let form_part = rt::FORM_PART;
        let fields = quote! {
            let mut parts: Vec<#form_part> = Vec::new();
            #(#pushes)*
        };
        (fields, quote!(#request_body::multipart_parts(parts)))
    } else {
        let fields = quote! {
            let mut fields: Vec<(String, String)> = Vec::new();
            #(#pushes)*
        };
        let value =
            quote!(#request_body::form(fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
        (fields, value)
    }
}

/// A property of a form or multipart body: how it is encoded, its key, its type and the casing
/// of a model inside it.
#[derive(Clone, Copy)]
struct FormField<'a> {
    rule: &'a FieldRule,
    key: &'a str,
    ty: &'a Ty,
    nested: Option<crate::ir::Casing>,
}

/// Writes the pairs of a form field or query parameter (its `value: &T` in scope): `pair`
/// makes the statement that writes one, from the key (a `String` expression) and the text.
fn field_push(
    api: &Api,
    field: FormField<'_>,
    pair: impl Fn(TokenStream, TokenStream) -> TokenStream,
) -> TokenStream {
    let (ty, nested) = (field.ty, field.nested);
    let key = {
        let key_lit = lit(field.key);
        quote!(#key_lit.to_owned())
    };
    let item = match ty {
        Ty::List(inner) => &**inner,
        other => other,
    };
    match field.rule {
        FieldRule::Text(_) | FieldRule::File(_) => pair(key, scalar_text(ty)),
        FieldRule::Json(_) => pair(key, json_text(api, ty, nested)),
        FieldRule::Each(_) => {
            let push = pair(key, scalar_text(item));
            quote! {
                for value in value.iter() {
                    #push
                }
            }
        }
        FieldRule::Joined(delimiter) => {
            let delimiter = lit(delimiter);
            let collect = object_pairs(api, ty, nested, |name, text| {
                quote! {
                    joined.push(#name);
                    joined.push(#text);
                }
            });
            match (ty, collect) {
                (Ty::List(_), _) | (_, None) => {
                    let text = scalar_text(item);
                    pair(
                        key,
                        quote!(value.iter().map(|value| #text).collect::<Vec<String>>().join(#delimiter)),
                    )
                }
                (_, Some(collect)) => {
                    let push = pair(key, quote!(joined.join(#delimiter)));
                    quote! {
                        let mut joined: Vec<String> = Vec::new();
                        #collect
                        #push
                    }
                }
            }
        }
        FieldRule::Exploded => object_pairs(api, ty, nested, pair).unwrap_or_default(),
        FieldRule::Deep => {
            let template = lit(&format!(
                "{}[{{}}]",
                field.key.replace('{', "{{").replace('}', "}}")
            ));
            object_pairs(api, ty, nested, |name, text| {
                pair(quote!(format!(#template, #name)), text)
            })
            .unwrap_or_default()
        }
    }
}

/// For an object (`value: &Model` or a map), the statements that hand each present property's
/// name (a `String` expression) and text to `pair`; `None` for other types.
fn object_pairs(
    api: &Api,
    ty: &Ty,
    nested: Option<crate::ir::Casing>,
    pair: impl Fn(TokenStream, TokenStream) -> TokenStream,
) -> Option<TokenStream> {
    match ty {
        Ty::Map(inner) => {
            let text = scalar_text(inner);
            let push = pair(quote!(key.clone()), text);
            Some(quote! {
                for (key, value) in value.iter() {
                    #push
                }
            })
        }
        Ty::Concept(key) => {
            let (index, member_casing) = api.concept_of[key];
            let model = &api.concepts[index];
            let casing = nested.unwrap_or(member_casing);
            let pushes = dialect_keys(model, casing).iter().map(|k| {
                let f = &model.fields[k.field];
                let wire = lit(&k.wire);
                let push = pair(quote!(#wire.to_owned()), scalar_text(&f.ty));
                for_present_field(quote!(object), f, push)
            });
            Some(quote! {
                let object = value;
                #(#pushes)*
            })
        }
        _ => None,
    }
}

/// Pushes the parts of a multipart field (its `value: &T` in scope) onto `parts`.
fn part_push(api: &Api, field: FormField<'_>) -> TokenStream {
    let (ty, nested) = (field.ty, field.nested);
    let form_part = rt::FORM_PART;
    let key_lit = lit(field.key);
    match field.rule {
        FieldRule::Each(inner) => {
            let item = match ty {
                Ty::List(inner) => &**inner,
                other => other,
            };
            let push = part_push(
                api,
                FormField {
                    rule: inner,
                    ty: item,
                    ..field
                },
            );
            quote! {
                for value in value.iter() {
                    #push
                }
            }
        }
        FieldRule::Text(None) => {
            let text = scalar_text(ty);
            quote!(parts.push(#form_part::text(#key_lit, #text));)
        }
        FieldRule::Text(Some(content_type)) => {
            let (text, content_type) = (scalar_text(ty), lit(content_type));
            quote!(parts.push(#form_part::new(#key_lit, Some(#content_type), #text.into_bytes()));)
        }
        FieldRule::File(content_type) => {
            let content_type = lit(content_type);
            if *ty == Ty::Binary {
                quote! {
                    parts.push(#form_part::file(
                        #key_lit,
                        value.content_type().unwrap_or(#content_type),
                        value.file_name(),
                        value.bytes().clone(),
                    ));
                }
            } else {
                // A string marked a file by its `contentMediaType` (OpenAPI 3.1).
                quote!(parts.push(#form_part::file(#key_lit, #content_type, None, value.as_bytes().to_vec()));)
            }
        }
        FieldRule::Json(content_type) => {
            let json = json_text(api, ty, nested);
            let content_type = lit(content_type.as_deref().unwrap_or("application/json"));
            quote!(parts.push(#form_part::new(#key_lit, Some(#content_type), #json.into_bytes()));)
        }
        // Styles are a form's: a multipart body has none.
        FieldRule::Joined(_) | FieldRule::Exploded | FieldRule::Deep => TokenStream::new(),
    }
}

/// The text of a scalar `value: &T`; secrets are exposed here, on their way to the wire, and
/// nowhere else.
fn scalar_text(ty: &Ty) -> TokenStream {
    match ty {
        Ty::Secret => quote!(value.expose().to_owned()),
        Ty::Bytes => quote!(value.to_base64()),
        _ => {
            let query_value = rt::QUERY_VALUE;
            quote!(#query_value::query_text(value))
        }
    }
}

/// The JSON text of `value: &T` (a concept, or a list or map of them, in its casing).
fn json_text(api: &Api, ty: &Ty, nested: Option<crate::ir::Casing>) -> TokenStream {
    let json_text = rt::JSON_TEXT;
    let casing = ty
        .model()
        .map(|key| nested.unwrap_or(api.concept_of[key].1));
    match casing {
        Some(casing) => {
            let (wire, casing) = (rt::WIRE, marker(casing));
            quote!(#json_text(Self::OPERATION, &#wire::<_, #casing>::new(value))?)
        }
        _ => quote!(#json_text(Self::OPERATION, value)?),
    }
}
