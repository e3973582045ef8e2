//! Rust types and doc comments for the IR.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens as _, quote};

use super::runtime::{self as rt, RuntimeItem};

use crate::ir::{Api, Casing, Ty};

/// An identifier, raw where the name says so (`r#type`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = ...]` lines for a text; nothing for no text.
pub fn docs(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return TokenStream::new();
    };
    let lines = text.lines().map(|line| {
        let line = if line.trim().is_empty() {
            String::new()
        } else {
            format!(" {}", line.trim_end())
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Inner `#![doc = ...]` lines.
pub fn inner_docs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.trim().is_empty() {
            String::new()
        } else {
            format!(" {}", line.trim_end())
        };
        quote!(#![doc = #line])
    });
    quote!(#(#lines)*)
}

/// The runtime's marker type of a casing.
pub fn marker(casing: Casing) -> RuntimeItem {
    match casing {
        Casing::Camel => rt::CAMEL,
        Casing::Pascal => rt::PASCAL,
        Casing::Snake => rt::SNAKE,
        Casing::Declared => rt::DECLARED,
    }
}

/// The Rust type of `ty`.
pub fn rust_type(api: &Api, ty: &Ty) -> TokenStream {
    let (date_time, fixed_offset) = (rt::DATE_TIME, rt::FIXED_OFFSET);
    match ty {
        Ty::String => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::F64 => quote!(f64),
        Ty::Bytes => rt::BASE64_BYTES.to_token_stream(),
        Ty::DateTime => quote!(#date_time<#fixed_offset>),
        Ty::Date => rt::NAIVE_DATE.to_token_stream(),
        Ty::Uuid => rt::UUID.to_token_stream(),
        Ty::Secret => rt::SECRET.to_token_stream(),
        Ty::Json => rt::JSON_VALUE.to_token_stream(),
        Ty::List(inner) => {
            let inner = rust_type(api, inner);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = rust_type(api, inner);
            quote!(::std::collections::BTreeMap<String, #inner>)
        }
        Ty::Concept(key) => {
            let name = ident(&api.concepts[api.concept_of[key].0].name);
            quote!(crate::models::#name)
        }
        Ty::Enum(index) => {
            let name = ident(&api.enums[*index].name);
            quote!(crate::models::#name)
        }
    }
}

/// Whether values of this type may compare with `Eq` (no floats or JSON inside).
pub fn is_eq(api: &Api, ty: &Ty, depth: usize) -> bool {
    match ty {
        Ty::F64 | Ty::Json => false,
        Ty::List(inner) | Ty::Map(inner) => is_eq(api, inner, depth),
        Ty::Concept(key) if depth < 8 => api.concepts[api.concept_of[key].0]
            .fields
            .iter()
            .all(|f| is_eq(api, &f.ty, depth + 1)),
        Ty::Concept(_) => false,
        _ => true,
    }
}
