//! Rust types of the IR, as generated code names them.

use proc_macro2::TokenStream;
use quote::{ToTokens as _, quote};

use super::code::ident;
use super::runtime::{self as rt, RuntimeItem};

use crate::ir::{Api, Casing, Ty};

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
    match ty {
        Ty::String => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::F64 => quote!(f64),
        Ty::Bytes => rt::BASE64_BYTES.to_token_stream(),
        Ty::Binary => rt::BINARY.to_token_stream(),
        Ty::DateTime => {
            let (date_time, offset) = (rt::DATE_TIME, rt::FIXED_OFFSET);
            quote!(#date_time<#offset>)
        }
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
        Ty::Union(index) => {
            let union = &api.unions[*index];
            let name = ident(&union.name);
            if union.nullable {
                quote!(Option<crate::models::#name>)
            } else {
                quote!(crate::models::#name)
            }
        }
    }
}

/// The error body type of an operation's `Error<E>`: the documented errors' common body, else `()`.
pub fn error_body(api: &Api, op: &crate::ir::Operation) -> TokenStream {
    op.error_ty
        .as_ref()
        .map_or_else(|| quote!(()), |t| rust_type(api, t))
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
        Ty::Union(i) if depth < 8 => api.unions[*i]
            .variants
            .iter()
            .all(|v| is_eq(api, &v.ty, depth + 1)),
        Ty::Union(_) => false,
        _ => true,
    }
}
