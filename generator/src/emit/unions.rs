//! Unions: one Rust enum per `oneOf`/`anyOf` (see `normalize/unions.rs`), built as tokens.
//!
//! Each variant holds its alternative's type. Serializing forwards to the variant: a model in
//! its member schema's casing (`WireSerialize`), anything else by its serde implementation.
//! Deserializing buffers the value (`serde_json::Value`), then reads it with the chosen
//! variant's all-casings `Deserialize`: tagged unions choose by the tag's value, untagged ones
//! take the first variant, in the documented order, that reads it.

use proc_macro2::TokenStream;
use quote::quote;

use super::code::{docs, ident};
use super::doc;
use super::runtime as rt;
use super::types::{is_eq, marker, rust_type};
use crate::ir::{Api, Ty, UnionDef};

/// The enum and its serde implementations.
pub fn emit_union(api: &Api, index: usize) -> TokenStream {
    union_tokens(api, index)
}

/// `text` with its paragraphs broken at spaces into lines of at most `width` characters (a
/// longer word stays whole).
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for (i, paragraph) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut line = 0;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            if line > 0 && line + 1 + word.chars().count() > width {
                out.push('\n');
                line = 0;
            } else if line > 0 {
                out.push(' ');
                line += 1;
            }
            out.push_str(word);
            line += word.chars().count();
        }
    }
    out
}

fn union_tokens(api: &Api, index: usize) -> TokenStream {
    let def = &api.unions[index];
    let name = ident(&def.name);
    let serde = rt::SERDE;
    let json_crate = rt::SERDE_JSON;
    let json = quote!(#json_crate);
    let doc = docs(Some(&wrap(&about(api, def), 92)));
    let eq = def
        .variants
        .iter()
        .all(|v| is_eq(api, &v.ty, 1))
        .then(|| quote!(, Eq));
    let mut variants = Vec::new();
    let mut serialize_arms = Vec::new();
    for (position, v) in def.variants.iter().enumerate() {
        let variant = ident(&v.name);
        let mut ty = rust_type(api, &v.ty);
        if leads_to(api, &v.ty, index) {
            ty = quote!(Box<#ty>);
        }
        let text = match &def.tag {
            Some(tag) => {
                let values: Vec<String> = v.tags.iter().map(|t| format!("`{t:?}`")).collect();
                format!("`{tag}` = {}.", values.join(" or "))
            }
            None => format!(
                "Tried {} (the document's alternative {}).",
                ordinal(position + 1),
                v.declared
            ),
        };
        let doc = docs(Some(&text));
        variants.push(quote!(#doc #variant(#ty)));
        let write = match v.ty.model() {
            Some(key) => {
                let casing = marker(api.concept_of[key].1);
                let wire = rt::WIRE;
                quote!(#serde::Serialize::serialize(&#wire::<_, #casing>::new(value), serializer))
            }
            None => quote!(#serde::Serialize::serialize(value, serializer)),
        };
        serialize_arms.push(quote!(Self::#variant(value) => #write,));
    }
    // A union of scalars stands in paths, queries and headers as its variant's text.
    let query_value = (!def.nullable
        && def
            .variants
            .iter()
            .all(|v| crate::normalize::is_scalar(&v.ty)))
    .then(|| {
        let trait_path = rt::QUERY_VALUE;
        let arms = def.variants.iter().map(|v| {
            let variant = ident(&v.name);
            quote!(Self::#variant(value) => #trait_path::query_text(value),)
        });
        quote! {
            impl #trait_path for #name {
                fn query_text(&self) -> String {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    });
    let body = match &def.tag {
        Some(tag) => tagged_body(def, tag, &json),
        None => untagged_body(def, &json, "the value fits none of its variants"),
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq #eq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants,)*
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                }
            }
        }

        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use #serde::de::Error as _;
                let value = <#json::Value as #serde::Deserialize>::deserialize(deserializer)?;
                #body
            }
        }

        #query_value
    }
}

/// Selects by the tag's value, then reads the whole object (tag included) as that variant; a
/// tag that is missing or names no variant: the variants are tried in order instead.
fn tagged_body(def: &UnionDef, tag: &str, json: &TokenStream) -> TokenStream {
    let arms = def.variants.iter().enumerate().map(|(i, v)| {
        let values = &v.tags;
        quote!(#(Some(#values))|* => Some(#i),)
    });
    let reads = def.variants.iter().enumerate().map(|(i, v)| {
        let variant = ident(&v.name);
        let context = format!("{}::{}: ", def.name, v.name);
        quote! {
            Some(#i) => #json::from_value(value)
                .map(Self::#variant)
                .map_err(|e| D::Error::custom(format_args!("{}{}", #context, e))),
        }
    });
    let fallback = untagged_body(
        def,
        json,
        &format!("property {tag} names no variant and the value fits none of them"),
    );
    quote! {
        let selected: Option<usize> = match value.get(#tag).and_then(#json::Value::as_str) {
            #(#arms)*
            _ => None,
        };
        match selected {
            #(#reads)*
            _ => {
                #fallback
            }
        }
    }
}

/// Tries each variant in order on the buffered value; `failure` says why none was taken.
fn untagged_body(def: &UnionDef, json: &TokenStream, failure: &str) -> TokenStream {
    let tries = def.variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote! {
            if let Ok(v) = #json::from_value(value.clone()) {
                return Ok(Self::#variant(v));
            }
        }
    });
    let names: Vec<&str> = def.variants.iter().map(|v| v.name.as_str()).collect();
    let none = format!("{}: {failure} (tried {})", def.name, names.join(", "));
    quote! {
        #(#tries)*
        Err(D::Error::custom(#none))
    }
}

/// The enum's documentation: the document's description, then how the value is read.
fn about(api: &Api, def: &UnionDef) -> String {
    let mut text = doc::description(def.description.as_deref());
    let keyword = if def.any_of { "anyOf" } else { "oneOf" };
    text.push_str(&format!(
        "The `{keyword}` at `{}` in `{}`.",
        def.pointer, api.modules[def.doc].file
    ));
    match &def.tag {
        Some(tag) => text.push_str(&format!(
            " Internally tagged: the value of the property `{tag}` selects the variant, and the \
             variant's model keeps the property (set it to the variant's value). A value whose \
             tag is missing or names no variant is read as the first variant, in the order \
             below, that reads it."
        )),
        None => text.push_str(
            " Untagged: a value is read as the first variant, in the order below, that reads it. \
             The order is the document's, except that variants accepting almost any value go \
             last (first models without required properties and maps, then strings and string \
             enums); a tie keeps the document's order.",
        ),
    }
    if def.nullable {
        text.push_str(" The schema is nullable: fields hold an `Option` of it.");
    }
    text
}

fn ordinal(n: usize) -> String {
    match n {
        1 => "first".to_owned(),
        2 => "second".to_owned(),
        3 => "third".to_owned(),
        n => format!("{n}th"),
    }
}

/// Whether a variant of type `ty` contains union `target` without indirection (then it is
/// boxed, or the enum would contain itself).
fn leads_to(api: &Api, ty: &Ty, target: usize) -> bool {
    let mut concepts = vec![false; api.concepts.len()];
    let mut unions = vec![false; api.unions.len()];
    reaches(api, ty, target, &mut concepts, &mut unions)
}

fn reaches(api: &Api, ty: &Ty, target: usize, concepts: &mut [bool], unions: &mut [bool]) -> bool {
    match ty {
        Ty::Union(i) if *i == target => true,
        Ty::Union(i) => {
            !std::mem::replace(&mut unions[*i], true)
                && api.unions[*i]
                    .variants
                    .iter()
                    .any(|v| reaches(api, &v.ty, target, concepts, unions))
        }
        Ty::Concept(key) => {
            let c = api.concept_of[key].0;
            !std::mem::replace(&mut concepts[c], true)
                && api.concepts[c]
                    .fields
                    .iter()
                    .any(|f| reaches(api, &f.ty, target, concepts, unions))
        }
        _ => false,
    }
}
