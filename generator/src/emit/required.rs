//! Checks of required properties before a request is sent. A unified model makes a property
//! optional when one of its schemas does; the schema an operation sends may still require it,
//! also in nested objects. For each schema sent as a body (and the schemas nested in it) the
//! model gets a crate-private `missing_in_…` method naming the first missing property by path.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::code::{docs, ident, lit};
use super::doc;
use crate::ir::{Api, BodyKind, SchemaKey, Ty};

/// The schemas that need a check: sent as bodies, or nested in one, with a required property
/// the public type leaves optional somewhere inside.
pub fn checked(api: &Api) -> BTreeSet<SchemaKey> {
    let mut reachable: BTreeSet<SchemaKey> = BTreeSet::new();
    let mut todo: Vec<SchemaKey> = api
        .modules
        .iter()
        .flat_map(|m| &m.operations)
        .filter_map(|o| {
            o.body.as_ref().and_then(|b| match (&b.kind, &b.ty) {
                (BodyKind::Json, Ty::Concept(key)) => Some(key.clone()),
                _ => None,
            })
        })
        .collect();
    while let Some(key) = todo.pop() {
        if reachable.insert(key.clone()) {
            todo.extend(
                api.member_props[&key]
                    .iter()
                    .filter_map(|p| nested(&p.ty).cloned()),
            );
        }
    }
    // Fixpoint: a schema needs a check if it has an optional-in-Rust required property, or a
    // nested schema that needs one.
    let mut needed: BTreeSet<SchemaKey> = reachable
        .iter()
        .filter(|k| has_loose_required(api, k))
        .cloned()
        .collect();
    loop {
        let more: Vec<SchemaKey> = reachable
            .iter()
            .filter(|k| !needed.contains(*k))
            .filter(|k| {
                api.member_props[*k]
                    .iter()
                    .any(|p| nested(&p.ty).is_some_and(|n| needed.contains(n)))
            })
            .cloned()
            .collect();
        if more.is_empty() {
            return needed;
        }
        needed.extend(more);
    }
}

/// The schema inside a property: directly, in a list, or as map values.
fn nested(ty: &Ty) -> Option<&SchemaKey> {
    match ty {
        Ty::Concept(key) => Some(key),
        Ty::List(inner) | Ty::Map(inner) => match &**inner {
            Ty::Concept(key) => Some(key),
            _ => None,
        },
        _ => None,
    }
}

fn has_loose_required(api: &Api, key: &SchemaKey) -> bool {
    api.member_props[key]
        .iter()
        .any(|p| p.required && field_of(api, key, &p.wire).is_some_and(|(optional, _)| optional))
}

/// Whether the property's field is an `Option`, and the field's name.
fn field_of<'a>(api: &'a Api, key: &SchemaKey, wire: &str) -> Option<(bool, &'a str)> {
    let model = &api.concepts[api.concept_of[key].0];
    let field = model
        .fields
        .iter()
        .find(|f| f.spellings.iter().any(|s| s == wire))?;
    Some((!field.required, &field.rust_name))
}

/// The name of the check for one schema.
pub fn check_name(api: &Api, key: &SchemaKey) -> String {
    let module = &api.modules[key.doc].name;
    crate::normalize::field_name(&format!("missing_in_{module}_{}", key.name))
}

/// The checks of model `index` (one method per checked schema of the model).
pub fn emit_checks(api: &Api, index: usize, checked: &BTreeSet<SchemaKey>) -> TokenStream {
    let model = &api.concepts[index];
    let name = ident(&model.name);
    let methods = checked
        .iter()
        .filter(|k| api.concept_of[*k].0 == index)
        .map(|key| {
            let doc = docs(Some(&format!(
                "The first property {} of {} requires that is missing, as a path.",
                doc::code_span(&key.name),
                doc::code_span(&api.modules[key.doc].file)
            )));
            let method = ident(&check_name(api, key));
            let steps = api.member_props[key]
                .iter()
                .map(|p| step(api, key, &p.wire, &p.ty, p.required, checked));
            quote! {
                #doc
                pub(crate) fn #method(&self) -> Option<String> {
                    #(#steps)*
                    None
                }
            }
        });
    quote! {
        impl #name {
            #(#methods)*
        }
    }
}

fn step(
    api: &Api,
    key: &SchemaKey,
    wire: &str,
    ty: &Ty,
    required: bool,
    checked: &BTreeSet<SchemaKey>,
) -> TokenStream {
    let Some((optional, field)) = field_of(api, key, wire) else {
        return TokenStream::new();
    };
    let field = ident(field);
    let wire_lit = lit(wire);
    let presence = (required && optional).then(|| {
        quote! {
            if self.#field.is_none() {
                return Some(#wire_lit.to_owned());
            }
        }
    });
    let Some(inner) = nested(ty).filter(|n| checked.contains(*n)) else {
        return quote!(#presence);
    };
    let check = ident(&check_name(api, inner));
    let escaped = wire.replace('{', "{{").replace('}', "}}");
    let nested = match ty {
        Ty::Concept(_) => {
            let path = lit(&format!("{escaped}.{{missing}}"));
            quote! {
                if let Some(missing) = value.#check() {
                    return Some(format!(#path));
                }
            }
        }
        Ty::List(_) => {
            let path = lit(&format!("{escaped}[{{i}}].{{missing}}"));
            quote! {
                for (i, item) in value.iter().enumerate() {
                    if let Some(missing) = item.#check() {
                        return Some(format!(#path));
                    }
                }
            }
        }
        _ => {
            let path = lit(&format!("{escaped}.{{name}}.{{missing}}"));
            quote! {
                for (name, item) in value.iter() {
                    if let Some(missing) = item.#check() {
                        return Some(format!(#path));
                    }
                }
            }
        }
    };
    let nested = if optional {
        quote! {
            if let Some(value) = &self.#field {
                #nested
            }
        }
    } else {
        quote! {
            {
                let value = &self.#field;
                #nested
            }
        }
    };
    quote!(#presence #nested)
}
