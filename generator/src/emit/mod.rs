//! Emit: the IR becomes token streams, one per file of the generated crate.

mod enums;
mod inlineable;
mod manifest;
mod models;
mod operations;
mod required;
pub mod runtime;

pub use operations::params_struct_of;
pub use types::rust_type;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use self::runtime as rt;
use crate::Settings;
use crate::diagnostics::Sink;
use crate::ir::Api;

/// The content of one generated file before formatting.
pub enum Emitted {
    /// Rust source, formatted later.
    Rust(TokenStream),
    /// Any other text (the manifest).
    Text(String),
    /// Rust copied from a template, kept as written.
    Copied(String),
    /// `src/models.rs`, the largest file: emitted and formatted by [`models`] on a thread of
    /// its own while the other files are formatted.
    Models,
}

/// The tokens of `src/models.rs`.
pub fn models(api: &Api) -> TokenStream {
    models_file(api, &required::checked(api))
}

/// Every file of the crate, by path relative to the crate root, in a fixed order. Inlineable
/// modules left out are reported to `sink` as warnings.
pub fn emit(api: &Api, settings: &Settings, sink: &mut Sink) -> Vec<(String, Emitted)> {
    let inlined = inlineable::inline(api, sink);
    let checked = required::checked(api);
    let mut files = vec![
        (
            "Cargo.toml".to_owned(),
            Emitted::Text(inlined.manifest.render(settings)),
        ),
        (
            "src/lib.rs".to_owned(),
            Emitted::Rust(crate_root(api, settings, &inlined.modules)),
        ),
        ("src/models.rs".to_owned(), Emitted::Models),
    ];
    for module in &api.modules {
        let tokens = operations::emit_module(api, module, &checked);
        files.push((format!("src/{}.rs", module.name), Emitted::Rust(tokens)));
    }
    files.extend(
        inlined
            .files
            .into_iter()
            .map(|(path, text)| (path, Emitted::Copied(text))),
    );
    files
}

fn crate_root(api: &Api, settings: &Settings, inlined: &[(&str, Option<&str>)]) -> TokenStream {
    let (runtime, context, error, response_value, secret) = (
        rt::RUNTIME,
        rt::CONTEXT,
        rt::ERROR,
        rt::RESPONSE_VALUE,
        rt::SECRET,
    );
    let mut text = format!(
        "{}.\n\n\
         One module per OpenAPI document; the models in [`models`] are shared: a concept the \
         vendor writes in camelCase on one endpoint and in PascalCase on another is one Rust \
         type, and each operation writes it in its own casing.\n\n| module | API |\n|---|---|\n",
        settings.description.trim_end_matches('.')
    );
    for module in &api.modules {
        text.push_str(&format!("| [`{}`] | {} |\n", module.name, module.title));
    }
    let docs = types::inner_docs(&text);
    let modules = api.modules.iter().map(|m| {
        let name = types::ident(&m.name);
        quote!(#[rustfmt::skip] pub mod #name;)
    });
    let inlined = inlined.iter().map(|(module, feature)| {
        let name = types::ident(module);
        let gate = feature.map(|f| quote!(#[cfg(feature = #f)]));
        quote!(#gate #[rustfmt::skip] pub mod #name;)
    });
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
        pub use #context;
        pub use #error;
        pub use #response_value;
        pub use #secret;
    }
}

fn models_file(
    api: &Api,
    checked: &std::collections::BTreeSet<crate::ir::SchemaKey>,
) -> TokenStream {
    let enums = api.enums.iter().map(enums::emit_enum);
    let models = (0..api.concepts.len()).map(|i| {
        let model = models::emit_model(api, i);
        let checks = if checked.iter().any(|k| api.concept_of[k].0 == i) {
            required::emit_checks(api, i, checked)
        } else {
            TokenStream::new()
        };
        quote!(#model #checks)
    });
    quote! {
        //! The models of all documents, unified across casings.
        #(#models)*
        #(#enums)*
    }
}
