//! Models: one public struct per concept, one `Deserialize` that reads every casing, and one
//! `WireSerialize` per casing that writes the schema's keys in the schema's order.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::code::{docs, ident, lit};
use super::doc;
use super::runtime as rt;
use super::serde_impls::{deserialize_impl, serialize_fn, visitor};
use super::types::{is_eq, marker, rust_type};
use crate::ir::{Api, CasingKeys, Concept};

/// The struct and its implementations.
pub fn emit_model(api: &Api, index: usize) -> TokenStream {
    let model = &api.concepts[index];
    let definition = definition(api, index);
    let key_table = key_table(model);
    let deserialize = deserialize(api, index);
    let serializers = model.casings.iter().map(|c| serialize(model, c));
    quote! {
        #definition
        #key_table
        #deserialize
        #(#serializers)*
    }
}

/// The type of a field: boxed where the model would otherwise contain itself, `Option` where
/// some member schema does not require it.
fn field_type(api: &Api, owner: usize, field: &crate::ir::Field) -> TokenStream {
    let ty = rust_type(api, &field.ty);
    let ty = if needs_box(api, owner, &field.ty) {
        quote!(Box<#ty>)
    } else {
        ty
    };
    if field.required {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

/// A field holding a model (directly, not in a list or map) that leads back to `owner`.
fn needs_box(api: &Api, owner: usize, ty: &crate::ir::Ty) -> bool {
    let crate::ir::Ty::Concept(key) = ty else {
        return false;
    };
    let mut seen = vec![false; api.concepts.len()];
    reaches(api, api.concept_of[key].0, owner, &mut seen)
}

fn reaches(api: &Api, from: usize, to: usize, seen: &mut [bool]) -> bool {
    if from == to {
        return true;
    }
    if std::mem::replace(&mut seen[from], true) {
        return false;
    }
    api.concepts[from].fields.iter().any(|f| match &f.ty {
        crate::ir::Ty::Concept(key) => reaches(api, api.concept_of[key].0, to, seen),
        _ => false,
    })
}

fn definition(api: &Api, index: usize) -> TokenStream {
    let model = &api.concepts[index];
    let mut text = model
        .description
        .as_deref()
        .map(doc::document)
        .unwrap_or_default();
    text.push_str("\n\nSchemas of this concept (their casing):\n");
    for (key, casing) in &model.members {
        let module = &api.modules[key.doc];
        text.push_str(&format!(
            "\n- {} in {} ({casing:?})",
            doc::code_span(&key.name),
            doc::code_span(&module.file)
        ));
    }
    let doc = docs(Some(&text));
    // `Default` only when every field is optional: `..Default::default()` must not fill a
    // required field with `""` or `0` that the server would take for a value.
    let default = model
        .fields
        .iter()
        .all(|f| !f.required)
        .then(|| quote!(, Default));
    let eq = model
        .fields
        .iter()
        .all(|f| is_eq(api, &f.ty, 0))
        .then(|| quote!(, Eq));
    let name = ident(&model.name);
    let fields = model.fields.iter().map(|field| {
        let spellings: Vec<String> = field.spellings.iter().map(|s| doc::code_span(s)).collect();
        let mut text = field
            .description
            .as_deref()
            .map(doc::document)
            .unwrap_or_default();
        text.push_str(&format!("\n\nOn the wire: {}.", spellings.join(", ")));
        let doc = docs(Some(&text));
        let field_name = ident(&field.rust_name);
        let ty = field_type(api, index, field);
        quote! {
            #doc
            pub #field_name: #ty,
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq #eq #default)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn key_table(model: &Concept) -> TokenStream {
    let key_table = rt::KEY_TABLE;
    let name = ident(&model.name);
    let entries = model.fields.iter().map(|f| {
        let spellings = f.spellings.iter().map(|s| lit(s));
        quote!(&[#(#spellings),*])
    });
    quote! {
        impl #key_table for #name {
            const KEYS: &'static [&'static [&'static str]] = &[#(#entries),*];
        }
    }
}

fn deserialize(api: &Api, index: usize) -> TokenStream {
    let serde = rt::SERDE;
    let (field_key, duplicate, missing) = (rt::FIELD_KEY, rt::DUPLICATE_FIELD, rt::MISSING_FIELD);
    let model = &api.concepts[index];
    let name = ident(&model.name);
    let slots: Vec<_> = (0..model.fields.len())
        .map(|i| ident(&format!("f{i}")))
        .collect();
    let numbers: Vec<Literal> = (0..model.fields.len())
        .map(Literal::usize_unsuffixed)
        .collect();
    let types = model.fields.iter().map(|f| field_type(api, index, f));
    let values = model
        .fields
        .iter()
        .zip(&slots)
        .zip(&numbers)
        .map(|((field, slot), i)| {
            let field_name = ident(&field.rust_name);
            if field.required {
                quote!(#field_name: #slot.ok_or_else(|| #missing::<A::Error, #name>(#i))?)
            } else {
                quote!(#field_name: #slot.flatten())
            }
        });
    let visitor = visitor(
        &name,
        true,
        &format!("a {} object", model.name),
        quote! {
            fn visit_map<A: #serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                #(let mut #slots: Option<#types> = Option::None;)*
                while let Option::Some(key) = map.next_key::<#field_key<#name>>()? {
                    match key.0 {
                        #(Option::Some(#numbers) => {
                            if #slots.is_some() {
                                return Result::Err(#duplicate::<A::Error, #name>(#numbers));
                            }
                            #slots = Option::Some(map.next_value()?);
                        })*
                        _ => {
                            map.next_value::<#serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Result::Ok(#name { #(#values),* })
            }
        },
    );
    deserialize_impl(
        &name,
        quote! {
            #visitor
            deserializer.deserialize_map(Visitor)
        },
    )
}

fn serialize(model: &Concept, dialect: &CasingKeys) -> TokenStream {
    let serde = rt::SERDE;
    let wire_serialize = rt::WIRE_SERIALIZE;
    let casing = marker(dialect.casing);
    let name = ident(&model.name);
    let required = dialect
        .keys
        .iter()
        .filter(|k| model.fields[k.field].required)
        .count();
    let optional: Vec<TokenStream> = dialect
        .keys
        .iter()
        .filter(|k| !model.fields[k.field].required)
        .map(|k| {
            let field = ident(&model.fields[k.field].rust_name);
            quote!(usize::from(self.#field.is_some()))
        })
        .collect();
    let mut terms: Vec<TokenStream> = Vec::new();
    if required > 0 || optional.is_empty() {
        let required = Literal::usize_unsuffixed(required);
        terms.push(quote!(#required));
    }
    terms.extend(optional);
    let writes = dialect.keys.iter().map(|k| {
        let f = &model.fields[k.field];
        let field = ident(&f.rust_name);
        let key = lit(&k.wire);
        let value = match k.nested.filter(|_| f.ty.model().is_some()) {
            Some(casing) => {
                let (wire, casing) = (rt::WIRE, marker(casing));
                quote!(&#wire::<_, #casing>::new(value))
            }
            None => quote!(value),
        };
        if f.required {
            quote! {
                {
                    let value = &self.#field;
                    state.serialize_field(#key, #value)?;
                }
            }
        } else {
            quote! {
                if let Option::Some(value) = &self.#field {
                    state.serialize_field(#key, #value)?;
                }
            }
        }
    });
    let type_name = lit(&model.name);
    let method = serialize_fn(
        "wire_serialize",
        quote! {
            use #serde::ser::SerializeStruct as _;
            let len: usize = #(#terms)+*;
            let mut state = serializer.serialize_struct(#type_name, len)?;
            #(#writes)*
            state.end()
        },
    );
    quote! {
        impl #wire_serialize<#casing> for #name {
            #method
        }
    }
}
