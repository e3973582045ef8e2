//! The two streams of a paged operation's request builder (issue 26): `into_pages`, a stream of
//! its pages, and `into_items`, a stream of their items. A walk starts at the page the request
//! names (the first when its cursor is unset) and sends each page as a clone of the request
//! with the cursor set, so that retries, the rate-limit window, hooks and auth apply to every
//! page; `rt::paging` decides where a walk goes and when it ends.

use proc_macro2::TokenStream;
use quote::quote;

use super::code::{docs, ident, lit};
use super::runtime as rt;
use super::types::{error_body, rust_type};
use crate::ir::{Api, EnvelopeField, Operation, Paging, PagingKind, Place, Ty};

/// Both stream methods of `op`'s builder, if it is paged.
pub(super) fn paged_methods(api: &Api, op: &Operation) -> TokenStream {
    let Some(paging) = &op.paging else {
        return TokenStream::new();
    };
    let Some(envelope_ty) = &op.success.ty else {
        return TokenStream::new();
    };
    let Some(cursor) = op
        .signature
        .required
        .iter()
        .chain(&op.signature.optional)
        .find(|i| i.place == Place::Query(paging.cursor))
    else {
        return TokenStream::new();
    };
    let parameter = &op.query_params[paging.cursor];
    let envelope = rust_type(api, envelope_ty);
    let item = rust_type(api, &paging.item_ty);
    let error = {
        let (error, body) = (rt::ERROR, error_body(api, op));
        quote!(#error<#body>)
    };
    let (stream, response_value, cursor_type) = (rt::STREAM, rt::RESPONSE_VALUE, rt::CURSOR);
    let pages_doc = docs(Some(&format!(
        "The pages of this request as a stream, from the page it names on (the first when \
         its cursor is unset).\n\n\
         It sends nothing until polled and nothing more once dropped; each page is this request \
         sent with the cursor set (retries, the rate-limit window, hooks and auth apply). It ends \
         where the server says the list ends, and with [`{}::Paging`] where the server would \
         make it loop. See [`crate::runtime::paging`].",
        rt::ERROR_KIND
            .path()
            .replace("::jtl_erp_runtime", "crate::runtime")
    )));
    let field = ident(&cursor.name);
    let optional = !parameter.required;
    let first = first_cursor(paging, &parameter.ty, optional, &field);
    let value = cursor_value(paging, &parameter.ty);
    // A token is an `Option` already (and its cursor optional: normalize).
    let set = if optional && !matches!(paging.kind, PagingKind::Token { .. }) {
        quote!(page.#field = Some(#value);)
    } else {
        quote!(page.#field = #value;)
    };
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
        #[inline]
        pub fn #pages_method(self)
            -> impl #stream<Item = Result<#response_value<#envelope>, #error>> + ::core::marker::Send + use<>
        {
            let first = #first;
            let fetch = move |cursor: #cursor_type| {
                let mut page = self.clone();
                #set
                page.send()
            };
            #pages(#id, first, fetch, #marks)
        }
        #items_doc
        #[inline]
        pub fn #items_method(self)
            -> impl #stream<Item = Result<#item, #error>> + ::core::marker::Send + use<>
        {
            #page_items(self.#pages_method(), |page: #envelope| #items)
        }
    }
}

/// Where a walk starts: the page the request names, else the first.
fn first_cursor(
    paging: &Paging,
    ty: &Ty,
    optional: bool,
    field: &proc_macro2::Ident,
) -> TokenStream {
    let cursor_type = rt::CURSOR;
    match (&paging.kind, ty, optional) {
        (PagingKind::Token { .. }, _, true) => quote!(#cursor_type::Token(self.#field.clone())),
        (PagingKind::Token { .. }, _, false) => {
            quote!(#cursor_type::Token(Some(self.#field.clone())))
        }
        (_, Ty::String, true) => quote! {
            #cursor_type::Number(self.#field.as_deref().and_then(|n| n.parse().ok()).unwrap_or(1))
        },
        (_, Ty::String, false) => {
            quote!(#cursor_type::Number(self.#field.parse().unwrap_or(1)))
        }
        (_, _, true) => quote!(#cursor_type::Number(self.#field.map_or(1, i64::from))),
        (_, _, false) => quote!(#cursor_type::Number(i64::from(self.#field))),
    }
}

/// The cursor's value for the page a walk asks for next: a page number of the parameter's type,
/// or the token (`None` for the first page).
fn cursor_value(paging: &Paging, ty: &Ty) -> TokenStream {
    if let PagingKind::Token { .. } = paging.kind {
        return quote!(cursor.token().map(str::to_owned));
    }
    match ty {
        Ty::I32 => quote!(i32::try_from(cursor.number()).unwrap_or(i32::MAX)),
        Ty::String => quote!(cursor.number().to_string()),
        _ => quote!(cursor.number()),
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
