//! Enums: named variants plus `Unknown`, so that a value from a newer server is kept, not refused.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::runtime as rt;

use super::types::{docs, ident};
use crate::ir::{EnumDef, EnumKind};

/// The enum and its serde implementations.
pub fn emit_enum(def: &EnumDef) -> TokenStream {
    match &def.kind {
        EnumKind::Int(values) => int_enum(def, values),
        EnumKind::Str(values) => str_enum(def, values),
    }
}

fn int_enum(def: &EnumDef, values: &[(i64, String)]) -> TokenStream {
    let (serde, query_value) = (rt::SERDE, rt::QUERY_VALUE);
    let name = ident(&def.name);
    let doc = docs(def.description.as_deref());
    let expecting = format!("an integer (or the name) of {}", def.name);
    let variants = values.iter().map(|(value, variant)| {
        let variant = ident(variant);
        let doc = format!(" `{value}`");
        quote!(#[doc = #doc] #variant,)
    });
    let to_value = values.iter().map(|(value, variant)| {
        let (variant, value) = (ident(variant), Literal::i64_unsuffixed(*value));
        quote!(Self::#variant => #value,)
    });
    let from_value = values.iter().map(|(value, variant)| {
        let (variant, value) = (ident(variant), Literal::i64_unsuffixed(*value));
        quote!(#value => Self::#variant,)
    });
    let names = values.iter().map(|(_, variant)| {
        let v = ident(variant);
        quote!(Self::#v => Option::Some(#variant),)
    });
    let from_name = values.iter().map(|(_, variant)| {
        let v = ident(variant);
        quote!(if name.eq_ignore_ascii_case(#variant) { return Option::Some(Self::#v); })
    });
    quote! {
        #doc
        ///
        /// Written as an integer. A value this client does not know is kept as [`Self::Unknown`].
        /// Equality and hashing go by the integer, so `Unknown(n)` equals the named variant of `n`.
        #[derive(Debug, Clone, Copy)]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know (a newer server may send one).
            Unknown(i64),
        }

        impl #name {
            /// The integer on the wire.
            pub const fn value(self) -> i64 {
                match self { #(#to_value)* Self::Unknown(value) => value }
            }
            /// The variant for an integer; unknown integers are kept.
            pub const fn from_value(value: i64) -> Self {
                match value { #(#from_value)* other => Self::Unknown(other) }
            }
            /// The name from the document (`x-enumNames`), if the value has one.
            pub const fn name(self) -> Option<&'static str> {
                match self { #(#names)* Self::Unknown(_) => Option::None }
            }
            /// The variant for a name, ignoring ASCII case.
            pub fn from_name(name: &str) -> Option<Self> {
                #(#from_name)*
                Option::None
            }
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl #query_value for #name {
            fn query_text(&self) -> String {
                self.value().to_string()
            }
        }

        impl PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                self.value() == other.value()
            }
        }

        impl Eq for #name {}

        impl ::std::hash::Hash for #name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                self.value().hash(state);
            }
        }

        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl #serde::de::Visitor<'_> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_i64<E: #serde::de::Error>(self, v: i64) -> Result<#name, E> {
                        Result::Ok(#name::from_value(v))
                    }
                    fn visit_u64<E: #serde::de::Error>(self, v: u64) -> Result<#name, E> {
                        i64::try_from(v).map(#name::from_value).map_err(|_| E::invalid_value(#serde::de::Unexpected::Unsigned(v), &self))
                    }
                    /// Some servers and mocks send the name instead of the integer.
                    fn visit_str<E: #serde::de::Error>(self, v: &str) -> Result<#name, E> {
                        #name::from_name(v).ok_or_else(|| E::invalid_value(#serde::de::Unexpected::Str(v), &self))
                    }
                }
                deserializer.deserialize_any(Visitor)
            }
        }
    }
}

fn str_enum(def: &EnumDef, values: &[(String, String)]) -> TokenStream {
    let (serde, query_value) = (rt::SERDE, rt::QUERY_VALUE);
    let name = ident(&def.name);
    let doc = docs(def.description.as_deref());
    let variants = values.iter().map(|(value, variant)| {
        let variant = ident(variant);
        let doc = format!(" `{value}`");
        quote!(#[doc = #doc] #variant,)
    });
    let as_str = values.iter().map(|(value, variant)| {
        let variant = ident(variant);
        quote!(Self::#variant => #value,)
    });
    let from_str = values.iter().map(|(value, variant)| {
        let variant = ident(variant);
        quote!(#value => Self::#variant,)
    });
    quote! {
        #doc
        ///
        /// A value this client does not know is kept as [`Self::Unknown`]. Equality and hashing
        /// go by the wire string.
        #[derive(Debug, Clone)]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know.
            Unknown(String),
        }

        impl #name {
            /// The string on the wire.
            pub fn as_str(&self) -> &str {
                match self { #(#as_str)* Self::Unknown(value) => value }
            }
            /// The variant for a wire string; unknown strings are kept.
            pub fn from_wire(value: &str) -> Self {
                match value { #(#from_str)* other => Self::Unknown(other.to_owned()) }
            }
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl #query_value for #name {
            fn query_text(&self) -> String {
                self.as_str().to_owned()
            }
        }

        impl PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for #name {}

        impl ::std::hash::Hash for #name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }

        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as #serde::Deserialize>::deserialize(deserializer)?;
                Result::Ok(Self::from_wire(&value))
            }
        }
    }
}
