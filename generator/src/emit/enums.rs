//! Enums: named variants plus `Unknown`, so that a value from a newer server is kept, not refused,
//! as smithy-rs does it: the enum is `#[non_exhaustive]`, `Unknown` holds an [`UnknownValue`]
//! that only the crate's own decoding makes (so it never holds a value the enum names, and
//! equality derived field by field agrees with `match`), and it is deprecated to match on.
//! The wire value lives in inherent methods; `Serialize`, `Deserialize` and the query text around
//! them are one line, a runtime macro (`codegen::str_enum!`, `codegen::int_enum!`).
//!
//! [`UnknownValue`]: unknown_value

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
    let mut text = doc::description(def.description.as_deref());
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
        #[derive(Debug, Clone, PartialEq, Eq, Hash #derive)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #unknown_doc
            #[deprecated(note = #UNKNOWN_NOTE)]
            Unknown(UnknownValue<#unknown>),
        }
    }
}

/// Why `Unknown` is deprecated (smithy-rs's wording, adapted): a `match` arm for it would change
/// behaviour when a newer client learns the value.
const UNKNOWN_NOTE: &str = "Don't match on `Unknown`: a value a newer client knows is no longer \
                            `Unknown`. Match with `_` and read `as_str()` or `value()`.";

/// `UnknownValue`, once per crate (in `models`, next to the enums that hold it): its field is
/// private to `models`, so only the enums' own decoding (`from_wire`, `from_value`) makes one,
/// and only of a value the enum does not name.
pub fn unknown_value() -> TokenStream {
    quote! {
        /// A value of an enum that this client does not know (a newer server may send one), as
        /// the enum's `Unknown` variant holds it.
        ///
        /// Only the enums' decoding makes one, and only of a value the enum does not name: an
        /// unknown value never equals a known one. Read it with [`Self::get`] (or the enum's
        /// `as_str()` / `value()`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct UnknownValue<T>(T);
        impl<T> UnknownValue<T> {
            /// The value as it came over the wire.
            pub fn get(&self) -> &T {
                &self.0
            }
            /// The value as it came over the wire, owned.
            pub fn into_inner(self) -> T {
                self.0
            }
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
        "Written as an integer. A value this client does not know is kept as `Unknown`, which\n\
         never equals a named variant; `#[non_exhaustive]`: match with a `_` arm and read\n\
         [`Self::value`] there, so that your code does not change behaviour when a newer client\n\
         names the value.",
        quote!(, Copy),
        &shown,
        "A value this client does not know (a newer server may send one); see [`Self::value`].",
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
        #[allow(deprecated)]
        impl #name {
            /// The integer on the wire.
            pub const fn value(self) -> i64 {
                match self {
                    #(Self::#variants => #numbers,)*
                    Self::Unknown(value) => value.0,
                }
            }
            /// The variant for an integer; unknown integers are kept.
            pub const fn from_value(value: i64) -> Self {
                match value {
                    #(#numbers => Self::#variants,)*
                    other => Self::Unknown(UnknownValue(other)),
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
        "A value this client does not know is kept as `Unknown`, which never equals a named\n\
         variant; `#[non_exhaustive]`: match with a `_` arm and read [`Self::as_str`] there, so\n\
         that your code does not change behaviour when a newer client names the value.",
        TokenStream::new(),
        &shown,
        "A value this client does not know; see [`Self::as_str`].",
        quote!(String),
    );
    let variants: Vec<Ident> = values.iter().map(|(_, v)| ident(v)).collect();
    let wires: Vec<Literal> = values.iter().map(|(w, _)| lit(w)).collect();
    let str_enum = rt::STR_ENUM;
    quote! {
        #definition
        #[allow(deprecated)]
        impl #name {
            /// The string on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::Unknown(value) => &value.0,
                }
            }
            /// The variant for a wire string; unknown strings are kept.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    #(#wires => Self::#variants,)*
                    other => Self::Unknown(UnknownValue(other.to_owned())),
                }
            }
        }
        #str_enum!(#name);
    }
}
