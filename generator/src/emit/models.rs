//! Models: one public struct per concept, one `Deserialize` that reads every casing, and one
//! `WireSerialize` per casing that writes the schema's keys in the schema's order.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::runtime as rt;

use super::types::{docs, ident, is_eq, marker, rust_type};
use crate::ir::{Api, CasingKeys, Concept};

/// The struct and its implementations.
pub fn emit_model(api: &Api, index: usize) -> TokenStream {
    let model = &api.concepts[index];
    let definition = definition(api, index);
    let key_table = key_table(model);
    let deserialize = deserialize(api, index);
    let dialects = model.casings.iter().map(|d| serialize(model, d));
    quote! {
        #definition
        #key_table
        #deserialize
        #(#dialects)*
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
    let name = ident(&model.name);
    let mut text = model.description.clone().unwrap_or_default();
    let forms: Vec<String> = model
        .members
        .iter()
        .map(|(key, casing)| {
            let module = &api.modules[key.doc];
            format!("- `{}` in `{}` ({casing:?})", key.name, module.file)
        })
        .collect();
    text.push_str(&format!(
        "\n\nSchemas of this concept (their casing):\n\n{}",
        forms.join("\n")
    ));
    let doc = docs(Some(&text));
    let fields = model.fields.iter().map(|field| {
        let name = ident(&field.rust_name);
        let ty = field_type(api, index, field);
        let spellings: Vec<String> = field.spellings.iter().map(|s| format!("`{s}`")).collect();
        let mut text = field.description.clone().unwrap_or_default();
        text.push_str(&format!("\n\nOn the wire: {}.", spellings.join(", ")));
        let doc = docs(Some(&text));
        quote!(#doc pub #name: #ty,)
    });
    let default = model
        .fields
        .iter()
        // Only when every field is optional: `..Default::default()` must not fill a required
        // field with `""` or `0` that the server would take for a value.
        .all(|f| !f.required)
        .then(|| quote!(Default,));
    let eq = model
        .fields
        .iter()
        .all(|f| is_eq(api, &f.ty, 0))
        .then(|| quote!(Eq,));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #eq #default)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn key_table(model: &Concept) -> TokenStream {
    let key_table = rt::KEY_TABLE;
    let name = ident(&model.name);
    let entries = model.fields.iter().map(|f| {
        let spellings = &f.spellings;
        quote!(&[#(#spellings),*])
    });
    quote! {
        impl #key_table for #name {
            const KEYS: &'static [&'static [&'static str]] = &[#(#entries),*];
        }
    }
}

fn deserialize(api: &Api, index: usize) -> TokenStream {
    let (serde, field_key, duplicate_field, missing_field) = (
        rt::SERDE,
        rt::FIELD_KEY,
        rt::DUPLICATE_FIELD,
        rt::MISSING_FIELD,
    );
    let model = &api.concepts[index];
    let name = ident(&model.name);
    let expecting = format!("a {} object", model.name);
    let slots: Vec<_> = (0..model.fields.len())
        .map(|i| ident(&format!("f{i}")))
        .collect();
    let declare = model.fields.iter().zip(&slots).map(|(f, slot)| {
        let ty = field_type(api, index, f);
        quote!(let mut #slot: Option<#ty> = Option::None;)
    });
    let arms = slots.iter().enumerate().map(|(i, slot)| {
        let index = Literal::usize_unsuffixed(i);
        quote! {
            Option::Some(#index) => {
                if #slot.is_some() {
                    return Result::Err(#duplicate_field::<A::Error, #name>(#index));
                }
                #slot = Option::Some(map.next_value()?);
            }
        }
    });
    let build = model
        .fields
        .iter()
        .zip(&slots)
        .enumerate()
        .map(|(i, (f, slot))| {
            let field = ident(&f.rust_name);
            let index = Literal::usize_unsuffixed(i);
            if f.required {
                quote!(#field: #slot.ok_or_else(|| #missing_field::<A::Error, #name>(#index))?,)
            } else {
                quote!(#field: #slot.flatten(),)
            }
        });
    quote! {
        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl<'de> #serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: #serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                        #(#declare)*
                        while let Option::Some(key) = map.next_key::<#field_key<#name>>()? {
                            match key.0 {
                                #(#arms)*
                                _ => {
                                    map.next_value::<#serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        Result::Ok(#name { #(#build)* })
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
    }
}

fn serialize(model: &Concept, dialect: &CasingKeys) -> TokenStream {
    let (serde, wire_serialize, wire) = (rt::SERDE, rt::WIRE_SERIALIZE, rt::WIRE);
    let name = ident(&model.name);
    let name_str = &model.name;
    let marker = marker(dialect.casing);
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
        let key = &k.wire;
        let value = match k.nested.filter(|_| f.ty.model().is_some()) {
            Some(casing) => {
                let nested = super::types::marker(casing);
                quote!(&#wire::<_, #nested>::new(value))
            }
            None => quote!(value),
        };
        if f.required {
            quote! {{ let value = &self.#field; state.serialize_field(#key, #value)?; }}
        } else {
            quote! {
                if let Option::Some(value) = &self.#field {
                    state.serialize_field(#key, #value)?;
                }
            }
        }
    });
    quote! {
        impl #wire_serialize<#marker> for #name {
            fn wire_serialize<S: #serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use #serde::ser::SerializeStruct as _;
                let len: usize = #(#terms)+*;
                let mut state = serializer.serialize_struct(#name_str, len)?;
                #(#writes)*
                state.end()
            }
        }
    }
}
