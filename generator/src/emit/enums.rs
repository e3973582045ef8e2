//! Enums: named variants plus `Unknown`, so that a value from a newer server is kept, not refused.
//! The wire value lives in inherent methods; the trait implementations around them are one
//! line, a runtime macro (`codegen::str_enum!`, `codegen::int_enum!`).

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::code::{docs, ident, lit};
use super::doc;
use super::runtime as rt;
use crate::ir::{EnumDef, EnumKind};

/// The enum and its serde implementations.
pub fn emit_enum(def: &EnumDef) -> TokenStream {
    match &def.kind {
        EnumKind::Int(values) => int_enum(def, values),
        EnumKind::Str(values) => str_enum(def, values),
    }
}

/// The enum: the document's description, then `about`; a variant per value (documented with
/// the value), then `Unknown` (documented with `unknown_doc`, holding `unknown`).
fn definition(
    def: &EnumDef,
    about: &str,
    derive: TokenStream,
    values: &[(String, &str)],
    unknown_doc: &str,
    unknown: TokenStream,
) -> TokenStream {
    let mut text = def
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| format!("{}\n\n", doc::document(d)))
        .unwrap_or_default();
    text.push_str(about);
    let doc = docs(Some(&text));
    let name = ident(&def.name);
    let variants = values.iter().map(|(value, variant)| {
        let doc = docs(Some(&doc::code_span(value)));
        let variant = ident(variant);
        quote!(#doc #variant,)
    });
    let unknown_doc = docs(Some(unknown_doc));
    quote! {
        #doc
        #[derive(Debug, Clone #derive)]
        pub enum #name {
            #(#variants)*
            #unknown_doc
            Unknown(#unknown),
        }
    }
}

fn int_enum(def: &EnumDef, values: &[(i64, String)]) -> TokenStream {
    let name = ident(&def.name);
    let shown: Vec<(String, &str)> = values
        .iter()
        .map(|(value, variant)| (value.to_string(), variant.as_str()))
        .collect();
    let definition = definition(
        def,
        "Written as an integer. A value this client does not know is kept as [`Self::Unknown`].\n\
         Equality and hashing go by the integer, so `Unknown(n)` equals the named variant of `n`.",
        quote!(, Copy),
        &shown,
        "A value this client does not know (a newer server may send one).",
        quote!(i64),
    );
    let variants: Vec<Ident> = values.iter().map(|(_, v)| ident(v)).collect();
    let numbers: Vec<TokenStream> = values.iter().map(|(n, _)| int(*n)).collect();
    let names: Vec<Literal> = values
        .iter()
        .map(|(_, v)| lit(v.trim_start_matches("r#")))
        .collect();
    let int_enum = rt::INT_ENUM;
    quote! {
        #definition
        impl #name {
            /// The integer on the wire.
            pub const fn value(self) -> i64 {
                match self {
                    #(Self::#variants => #numbers,)*
                    Self::Unknown(value) => value,
                }
            }
            /// The variant for an integer; unknown integers are kept.
            pub const fn from_value(value: i64) -> Self {
                match value {
                    #(#numbers => Self::#variants,)*
                    other => Self::Unknown(other),
                }
            }
            /// The name from the document (`x-enumNames`), if the value has one.
            pub const fn name(self) -> Option<&'static str> {
                match self {
                    #(Self::#variants => Some(#names),)*
                    Self::Unknown(_) => None,
                }
            }
            /// The variant for a name, ignoring ASCII case.
            pub fn from_name(name: &str) -> Option<Self> {
                #(if name.eq_ignore_ascii_case(#names) {
                    return Some(Self::#variants);
                })*
                None
            }
        }
        #int_enum!(#name);
    }
}

/// An integer as tokens: a negative one as `-` and its magnitude, as Rust writes it.
fn int(n: i64) -> TokenStream {
    let magnitude = Literal::u64_unsuffixed(n.unsigned_abs());
    if n < 0 {
        quote!(-#magnitude)
    } else {
        quote!(#magnitude)
    }
}

fn str_enum(def: &EnumDef, values: &[(String, String)]) -> TokenStream {
    let name = ident(&def.name);
    let shown: Vec<(String, &str)> = values
        .iter()
        .map(|(value, variant)| (value.clone(), variant.as_str()))
        .collect();
    let definition = definition(
        def,
        "A value this client does not know is kept as [`Self::Unknown`]. Equality and hashing\n\
         go by the wire string.",
        TokenStream::new(),
        &shown,
        "A value this client does not know.",
        quote!(String),
    );
    let variants: Vec<Ident> = values.iter().map(|(_, v)| ident(v)).collect();
    let wires: Vec<Literal> = values.iter().map(|(w, _)| lit(w)).collect();
    let str_enum = rt::STR_ENUM;
    quote! {
        #definition
        impl #name {
            /// The string on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::Unknown(value) => value,
                }
            }
            /// The variant for a wire string; unknown strings are kept.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    #(#wires => Self::#variants,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
        #str_enum!(#name);
    }
}
