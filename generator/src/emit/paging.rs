//! The two stream methods of a paged operation (issue 26): `…_pages`, a stream of its pages,
//! and `…_stream`, a stream of their items. They take the operation's arguments minus the page
//! cursor, own copies of them (a stream outlives the call that made it), and call the
//! operation's own method once per page, so that retries, the rate-limit window, hooks and auth
//! apply to every page; `rt::paging` decides where a walk goes and when it ends.

use proc_macro2::TokenStream;
use quote::quote;

use super::code::{docs, ident, lit};
use super::operations::{Argument, Pass, arguments, error_body, uses_params_struct};
use super::runtime as rt;
use super::types::rust_type;
use crate::ir::{Api, EnvelopeField, Operation, Paging, PagingKind, Ty};

/// Both stream methods of `op`, if it is paged.
pub(super) fn paged_methods(api: &Api, op: &Operation) -> TokenStream {
    let Some(paging) = &op.paging else {
        return TokenStream::new();
    };
    let Some(envelope_ty) = &op.success.ty else {
        return TokenStream::new();
    };
    let envelope = rust_type(api, envelope_ty);
    let item = rust_type(api, &paging.item_ty);
    let error = {
        let (error, body) = (rt::ERROR, error_body(api, op));
        quote!(#error<#body>)
    };
    let (stream, response_value, cursor_type) = (rt::STREAM, rt::RESPONSE_VALUE, rt::CURSOR);
    let cursor = &op.query_params[paging.cursor];
    let in_params_struct = !cursor.required && uses_params_struct(op);
    let all = arguments(api, op);
    let args: Vec<&Argument> = all
        .iter()
        .filter(|a| in_params_struct || a.name != cursor.rust_name)
        .collect();
    let names: Vec<_> = args.iter().map(|a| ident(&a.name)).collect();
    let signature: Vec<TokenStream> = args
        .iter()
        .zip(&names)
        .map(|(a, name)| {
            let ty = &a.ty;
            quote!(#name: #ty)
        })
        .collect();
    let owned = args.iter().map(|a| owned(a));
    let method_name = op.method_name.trim_start_matches("r#");
    let method = ident(&op.method_name);
    let deprecated = op.deprecated.then(|| {
        quote! {
            #[deprecated = "deprecated by the vendor"]
            #[allow(deprecated)]
        }
    });
    let pages_doc = docs(Some(&format!(
        "The pages of [`Self::{method_name}`], from the first on, as a stream.\n\n\
         It sends nothing until polled and nothing more once dropped; each page is one call of \
         [`Self::{method_name}`] (retries, the rate-limit window, hooks and auth apply). It ends \
         where the server says the list ends, and with [`{}::Paging`] where the server would \
         make it loop. See [`crate::runtime::paging`].",
        rt::ERROR_KIND
            .path()
            .replace("::jtl_erp_runtime", "crate::runtime")
    )));
    let first = match paging.kind {
        PagingKind::Numbered { .. } => quote!(#cursor_type::Number(1)),
        PagingKind::Token { .. } => quote!(#cursor_type::Token(None)),
    };
    let (cursor_code, cursor_value) = cursor_value(paging, cursor, in_params_struct);
    let call_args = all.iter().map(|a| {
        if !in_params_struct && a.name == cursor.rust_name {
            cursor_value.clone()
        } else {
            borrowed(a)
        }
    });
    let marks = marks(&envelope, paging);
    let id = lit(&op.id);
    let (pages, page_items) = (rt::PAGES, rt::PAGE_ITEMS);
    let pages_method = ident(&paging.pages_method);
    let items_method = ident(&paging.items_method);
    let items_doc = docs(Some(&format!(
        "The items of [`Self::{}`], in order: every item of every page, as a stream.",
        paging.pages_method
    )));
    let items = {
        let field = ident(&paging.items.rust_name);
        if paging.items.required {
            quote!(page.#field)
        } else {
            quote!(page.#field.unwrap_or_default())
        }
    };
    quote! {
        #pages_doc
        #deprecated
        // The copies are cloned once per page whatever their type: `Copy` ones too.
        #[allow(clippy::clone_on_copy)]
        pub fn #pages_method(&self, #(#signature),*)
            -> impl #stream<Item = Result<#response_value<#envelope>, #error>> + Send + use<>
        {
            let client = self.clone();
            #(let #names = #owned;)*
            // Every page's future owns its copies: the walk calls `fetch` once per page.
            let fetch = move |cursor: #cursor_type| {
                let client = client.clone();
                #(let #names = #names.clone();)*
                async move {
                    #cursor_code
                    client.#method(#(#call_args),*).await
                }
            };
            let marks = #marks;
            #pages(#id, #first, fetch, marks)
        }
        #items_doc
        #deprecated
        pub fn #items_method(&self, #(#signature),*)
            -> impl #stream<Item = Result<#item, #error>> + Send + use<>
        {
            let pages = self.#pages_method(#(#names),*);
            #page_items(pages, |page: #envelope| #items)
        }
    }
}

/// The statements that set the cursor inside the fetch, and how the call passes it.
fn cursor_value(
    paging: &Paging,
    cursor: &crate::ir::Parameter,
    in_params_struct: bool,
) -> (TokenStream, TokenStream) {
    let field = ident(&cursor.rust_name);
    let value = match (&paging.kind, &cursor.ty) {
        (PagingKind::Token { .. }, _) => {
            if in_params_struct {
                let code = quote! {
                    let mut params = params;
                    params.#field = cursor.token().map(str::to_owned);
                };
                return (code, TokenStream::new());
            }
            return (TokenStream::new(), quote!(cursor.token()));
        }
        (_, Ty::I32) => quote!(i32::try_from(cursor.number()).unwrap_or(i32::MAX)),
        (_, Ty::String) => quote!(cursor.number().to_string()),
        _ => quote!(cursor.number()),
    };
    if in_params_struct {
        let code = quote! {
            let mut params = params;
            params.#field = Some(#value);
        };
        return (code, TokenStream::new());
    }
    let code = quote!(let page = #value;);
    if cursor.required {
        (code, quote!(&page))
    } else {
        (code, quote!(Some(&page)))
    }
}

/// The owned copy of a borrowed argument, taken before the stream starts.
fn owned(a: &Argument) -> TokenStream {
    let name = ident(&a.name);
    match (a.pass, a.optional) {
        (Pass::Str, false) => quote!(#name.to_owned()),
        (Pass::Slice, false) => quote!(#name.to_vec()),
        (Pass::Ref, false) => quote!(#name.clone()),
        (Pass::Str, true) => quote!(#name.map(str::to_owned)),
        (Pass::Slice, true) => quote!(#name.map(<[_]>::to_vec)),
        (Pass::Ref, true) => quote!(#name.cloned()),
        (Pass::Value, _) => quote!(#name),
    }
}

/// How the call borrows an owned copy made by [`owned`].
fn borrowed(a: &Argument) -> TokenStream {
    let name = ident(&a.name);
    match (a.pass, a.optional) {
        (Pass::Str | Pass::Slice | Pass::Ref, false) => quote!(&#name),
        (Pass::Str | Pass::Slice, true) => quote!(#name.as_deref()),
        (Pass::Ref, true) => quote!(#name.as_ref()),
        (Pass::Value, _) => quote!(#name.clone()),
    }
}

/// The function that reads a page's marks from the envelope.
fn marks(envelope: &TokenStream, paging: &Paging) -> TokenStream {
    let items = ident(&paging.items.rust_name);
    let empty = if paging.items.required {
        quote!(page.#items.is_empty())
    } else {
        quote!(page.#items.as_ref().is_none_or(|items| items.is_empty()))
    };
    let mut fields = vec![quote!(empty: #empty)];
    match &paging.kind {
        PagingKind::Numbered {
            has_next,
            next_number,
            total_pages,
        } => {
            if let Some(f) = has_next {
                let value = optional(f, TokenStream::new());
                fields.push(quote!(has_next: #value));
            }
            if let Some(f) = next_number {
                let value = optional(f, quote!(.map(i64::from)));
                fields.push(quote!(next_number: #value));
            }
            if let Some(f) = total_pages {
                let value = optional(f, quote!(.map(i64::from)));
                fields.push(quote!(total_pages: #value));
            }
        }
        PagingKind::Token { next } => {
            let field = ident(&next.rust_name);
            let token = if next.required {
                quote!(Some(page.#field.clone()))
            } else {
                quote!(page.#field.clone())
            };
            fields.push(quote!(next_token: #token));
        }
    }
    let marks = rt::MARKS;
    quote!(|page: &#envelope| #marks { #(#fields,)* ..::std::default::Default::default() })
}

/// A field of the envelope as an `Option` (a required one wrapped), `then` applied.
fn optional(field: &EnvelopeField, then: TokenStream) -> TokenStream {
    let name = ident(&field.rust_name);
    if field.required {
        quote!(Some(page.#name)#then)
    } else {
        quote!(page.#name #then)
    }
}
