//! Models: one public struct per concept, one `Deserialize` that reads every casing, and one
//! `WireSerialize` per casing that writes the schema's keys in the schema's order. The struct is
//! written out with its documentation; its implementations are one invocation of the runtime's
//! `codegen::model!`, a few tokens per field and casing, so that the generator prints less and
//! the loops and checks are generic code compiled once (issue 23).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::code::{docs, ident, lit};
use super::doc;
use super::runtime as rt;
use super::types::{is_eq, marker, rust_type};
use crate::ir::{Api, Concept};

/// The struct and its implementations.
pub fn emit_model(api: &Api, index: usize) -> TokenStream {
    let definition = definition(api, index);
    let implementations = implementations(api, index);
    quote! {
        #definition
        #implementations
    }
}

/// The type of a field: boxed where the model would otherwise contain itself, `Option` where
/// some member schema does not require it.
fn field_type(api: &Api, owner: usize, field: &crate::ir::Field) -> TokenStream {
    let ty = value_type(api, owner, field);
    if field.required {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

/// The type of a field's value (inside its `Option`): what its setter takes.
fn value_type(api: &Api, owner: usize, field: &crate::ir::Field) -> TokenStream {
    let ty = rust_type(api, &field.ty);
    if needs_box(api, owner, &field.ty) {
        quote!(Box<#ty>)
    } else {
        ty
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
    let casing = match model.casings.first().map(|c| c.casing) {
        Some(crate::ir::Casing::Camel) => "in camelCase",
        Some(crate::ir::Casing::Pascal) => "in PascalCase",
        Some(crate::ir::Casing::Snake) => "in snake_case",
        Some(crate::ir::Casing::Declared) | None => "as they are declared",
    };
    text.push_str(&format!(
        "\n\nBuilt with `new` (the required fields) and a `with_…` setter per field, so that a\n\
         property the vendor adds later changes no code that builds one. `Serialize` writes the\n\
         keys of its first schema, {casing}, as the API sends them; `Deserialize` reads every\n\
         spelling of them."
    ));
    let doc = docs(Some(&text));
    // `Default` only when every field is optional: a default must not fill a required field
    // with `""` or `0` that the server would take for a value.
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
        // The key is named where it tells the reader something: when it is spelled otherwise
        // than the field, or when nothing else documents the field.
        let plain = field.spellings.len() == 1
            && field.spellings[0] == field.rust_name.trim_start_matches("r#");
        if !plain || text.is_empty() {
            text.push_str(&format!("\n\nOn the wire: {}.", spellings.join(", ")));
        }
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
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// The model's implementations as one `model!` invocation of the runtime: the fields with the
/// spellings of their keys, the constructor's required fields with their types and the optional
/// ones, a setter per field, then one group per casing with the keys of that casing's schema in
/// its order and how each is written (the first casing is the model's `Serialize`). The
/// runtime's macro writes `new`, the setters, `Model`, `Deserialize`, `Serialize` and the
/// `WireSerialize`s (see its documentation).
fn implementations(api: &Api, index: usize) -> TokenStream {
    let model: &Concept = &api.concepts[index];
    let macro_path = rt::MODEL_MACRO;
    let name = ident(&model.name);
    let fields = model.fields.iter().enumerate().map(|(i, f)| {
        let i = Literal::usize_unsuffixed(i);
        let field = ident(&f.rust_name);
        let spellings = f.spellings.iter().map(|s| lit(s));
        quote!(#i #field [#(#spellings),*])
    });
    let required = model.fields.iter().filter(|f| f.required).map(|f| {
        let (field, ty) = (ident(&f.rust_name), value_type(api, index, f));
        quote!(#field: #ty)
    });
    let optional = model
        .fields
        .iter()
        .filter(|f| !f.required)
        .map(|f| ident(&f.rust_name));
    let setters = model.fields.iter().map(|f| {
        let (field, setter) = (ident(&f.rust_name), ident(&f.setter));
        let ty = value_type(api, index, f);
        let wrap = (!f.required).then(|| quote!(= Some));
        quote!(#setter #field: #ty #wrap)
    });
    let casings = model.casings.iter().map(|dialect| {
        let casing = marker_name(dialect.casing);
        let writes = dialect.keys.iter().map(|k| {
            let f = &model.fields[k.field];
            let field = ident(&f.rust_name);
            let key = lit(&k.wire);
            // A required key whose value may be `null` is written even when `None`.
            let always = f.required || k.null_for_none;
            match (k.nested.filter(|_| f.ty.model().is_some()), always) {
                (Some(nested), true) => {
                    let nested = marker_name(nested);
                    quote!(nested(#nested) #field #key)
                }
                (Some(nested), false) => {
                    let nested = marker_name(nested);
                    quote!(optional_nested(#nested) #field #key)
                }
                (None, true) => quote!(field #field #key),
                (None, false) => quote!(optional #field #key),
            }
        });
        quote!(#casing { #(#writes),* })
    });
    quote! {
        #macro_path! {
            #name { #(#fields),* }
            new(#(#required),*; #(#optional),*)
            with { #(#setters),* }
            #(#casings)*
        }
    }
}

/// The casing marker's name inside the runtime's `wire` module (`Camel`), as the `model!` macro
/// takes it.
fn marker_name(casing: crate::ir::Casing) -> proc_macro2::Ident {
    let path = marker(casing).0;
    ident(path.rsplit("::").next().unwrap_or(path))
}
