//! The shapes of the serde implementations models and enums share: `Deserialize` with its
//! visitor, and `Serialize`-like methods.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::code::{ident, lit};
use super::runtime as rt;

/// `impl Deserialize for {name}` with `body` as its `fn deserialize`.
pub fn deserialize_impl(name: &Ident, body: TokenStream) -> TokenStream {
    let serde = rt::SERDE;
    quote! {
        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #body
            }
        }
    }
}

/// `struct Visitor;` and its `impl Visitor` with `Value`, `expecting` and `methods`. The
/// visitor borrows from the input (`'de`) when `borrows`, else its lifetime is `'_`.
pub fn visitor(name: &Ident, borrows: bool, expecting: &str, methods: TokenStream) -> TokenStream {
    let serde = rt::SERDE;
    let expecting = lit(expecting);
    let head = if borrows {
        quote!(impl<'de> #serde::de::Visitor<'de> for Visitor)
    } else {
        quote!(impl #serde::de::Visitor<'_> for Visitor)
    };
    quote! {
        struct Visitor;
        #head {
            type Value = #name;
            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#expecting)
            }
            #methods
        }
    }
}

/// `fn {method}<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>` with `body`.
pub fn serialize_fn(method: &str, body: TokenStream) -> TokenStream {
    let serde = rt::SERDE;
    let method = ident(method);
    quote! {
        fn #method<S: #serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            #body
        }
    }
}
