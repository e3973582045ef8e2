//! Emit: the IR becomes a token stream per file of the generated crate (`quote`), printed with
//! `prettyplease` (`emit/code.rs`).

mod code;
mod doc;
mod enums;
mod inlineable;
mod manifest;
mod models;
mod operations;
mod paging;
mod required;
pub mod runtime;
mod serde_impls;

pub use operations::params_struct_of;
pub use types::rust_type;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use self::code::{ident, inner_docs};
use self::runtime as rt;
use crate::Settings;
use crate::diagnostics::Sink;
use crate::ir::Api;

/// The content of one generated file.
pub enum Emitted {
    /// Rust source written by the emitters, printed by prettyplease.
    Rust(String),
    /// Any other text (the manifest).
    Text(String),
    /// Rust copied from a template, kept as written.
    Copied(String),
}

/// Every file of the crate, by path relative to the crate root, in a fixed order. Inlineable
/// modules left out are reported to `sink` as warnings. `Err` is a generator bug: tokens that
/// are no Rust file (named).
pub fn emit(
    api: &Api,
    settings: &Settings,
    sink: &mut Sink,
) -> Result<Vec<(String, Emitted)>, String> {
    let inlined = inlineable::inline(api, sink);
    let checked = required::checked(api);
    let mut rust = vec![
        (
            "src/lib.rs".to_owned(),
            crate_root(api, settings, &inlined.modules),
        ),
        ("src/models.rs".to_owned(), models_file(api, &checked)),
    ];
    for module in &api.modules {
        let tokens = operations::emit_module(api, module, &checked);
        rust.push((format!("src/{}.rs", module.name), tokens));
    }
    let mut files = vec![(
        "Cargo.toml".to_owned(),
        Emitted::Text(inlined.manifest.render(settings)),
    )];
    for (path, tokens) in rust {
        let text = code::print(&path, tokens)?;
        files.push((path, Emitted::Rust(text)));
    }
    files.extend(
        inlined
            .files
            .into_iter()
            .map(|(path, text)| (path, Emitted::Copied(text))),
    );
    Ok(files)
}

fn crate_root(api: &Api, settings: &Settings, inlined: &[(&str, Option<&str>)]) -> TokenStream {
    let mut text = format!(
        "{}.\n\n\
         One module per OpenAPI document; the models in [`models`] are shared: a concept the \
         vendor writes in camelCase on one endpoint and in PascalCase on another is one Rust \
         type, and each operation writes it in its own casing.\n\n| module | API |\n|---|---|\n",
        doc::line(&settings.description).trim_end_matches('.')
    );
    for module in &api.modules {
        text.push_str(&format!(
            "| [`{}`] | {} |\n",
            module.name,
            doc::table_cell(&module.title)
        ));
    }
    let docs = inner_docs(&text);
    let modules = api.modules.iter().map(|m| {
        let name = ident(&m.name);
        quote!(#[rustfmt::skip] pub mod #name;)
    });
    let inlined = inlined.iter().map(|(module, feature)| {
        let name = ident(module);
        let gate = feature.map(|f| quote!(#[cfg(feature = #f)]));
        quote!(#gate #[rustfmt::skip] pub mod #name;)
    });
    let runtime = rt::RUNTIME.full();
    let reexports = [rt::CONTEXT, rt::ERROR, rt::RESPONSE_VALUE, rt::SECRET].map(|i| i.full());
    quote! {
        #docs
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]
        // The modules are formatted by the generator (prettyplease), not by rustfmt.
        #[rustfmt::skip]
        pub mod models;
        #(#modules)*
        #(#inlined)*
        pub use #runtime as runtime;
        #(pub use #reexports;)*
    }
}

fn models_file(
    api: &Api,
    checked: &std::collections::BTreeSet<crate::ir::SchemaKey>,
) -> TokenStream {
    let import = (!(api.concepts.is_empty() && api.enums.is_empty())).then(rt::import);
    let models = (0..api.concepts.len()).map(|i| {
        let model = models::emit_model(api, i);
        let checks = checked
            .iter()
            .any(|k| api.concept_of[k].0 == i)
            .then(|| required::emit_checks(api, i, checked));
        quote!(#model #checks)
    });
    let enums = api.enums.iter().map(enums::emit_enum);
    quote! {
        //! The models of all documents, unified across casings.
        #import
        #(#models)*
        #(#enums)*
    }
}
