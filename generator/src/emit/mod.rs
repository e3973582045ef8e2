//! Emit: the IR becomes token streams, one per file of the generated crate.

mod enums;
mod models;
mod operations;
mod required;
mod support;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::Settings;
use crate::ir::Api;

/// The content of one generated file before formatting.
pub enum Emitted {
    /// Rust source, formatted later.
    Rust(TokenStream),
    /// Any other text (the manifest).
    Text(String),
    /// Rust copied from a template, kept as written.
    Copied(String),
}

/// Every file of the crate, by path relative to the crate root, in a fixed order.
pub fn emit(api: &Api, settings: &Settings) -> Vec<(String, Emitted)> {
    let support = support::support(api);
    let checked = required::checked(api);
    let mut files = vec![
        (
            "Cargo.toml".to_owned(),
            Emitted::Text(manifest(settings, &support)),
        ),
        (
            "src/lib.rs".to_owned(),
            Emitted::Rust(crate_root(api, &support.modules)),
        ),
        (
            "src/models.rs".to_owned(),
            Emitted::Rust(models_file(api, &checked)),
        ),
    ];
    for module in &api.modules {
        let tokens = operations::emit_module(api, module, &checked);
        files.push((format!("src/{}.rs", module.name), Emitted::Rust(tokens)));
    }
    files.extend(
        support
            .files
            .into_iter()
            .map(|(path, text)| (path, Emitted::Copied(text))),
    );
    files
}

fn manifest(settings: &Settings, support: &support::Support) -> String {
    let lines = |items: &[&str]| items.iter().map(|d| format!("{d}\n")).collect::<String>();
    let features = if support.features.is_empty() {
        String::new()
    } else {
        format!("\n[features]\n{}", lines(&support.features))
    };
    let bins: String = support.bins.iter().map(|b| format!("\n{b}")).collect();
    let workspace = if settings.standalone {
        "\n[workspace]\n"
    } else {
        ""
    };
    format!(
        r#"[package]
name = "{name}"
version = "{version}"
edition = "2024"
rust-version = "1.88"
description = "Typed client for the JTL ERP authentication and app-registration APIs"
license = "MIT OR Apache-2.0"
publish = false

[dependencies]
jtl-erp-runtime = {{ path = "{runtime}" }}
{dependencies}{features}{bins}{workspace}"#,
        name = settings.crate_name,
        version = settings.crate_version,
        runtime = settings.runtime_path,
        dependencies = lines(&support.dependencies),
    )
}

fn crate_root(api: &Api, support: &[(&str, Option<&str>)]) -> TokenStream {
    let mut text = String::from(
        "Typed client for the JTL ERP authentication and app-registration APIs.\n\n\
         One module per OpenAPI document; the models in [`models`] are shared: a concept the \
         vendor writes in camelCase on one endpoint and in PascalCase on another is one Rust \
         type, and each operation writes it in its own casing.\n\n| module | API |\n|---|---|\n",
    );
    for module in &api.modules {
        text.push_str(&format!("| [`{}`] | {} |\n", module.name, module.title));
    }
    let docs = types::inner_docs(&text);
    let modules = api.modules.iter().map(|m| {
        let name = types::ident(&m.name);
        quote!(#[rustfmt::skip] pub mod #name;)
    });
    let support = support.iter().map(|(module, feature)| {
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
        #(#support)*

        pub use ::jtl_erp_runtime as runtime;
        pub use ::jtl_erp_runtime::{Context, Error, ResponseValue, Secret};
    }
}

fn models_file(
    api: &Api,
    checked: &std::collections::BTreeSet<crate::ir::SchemaKey>,
) -> TokenStream {
    let enums = api.enums.iter().map(enums::emit_enum);
    let models = (0..api.models.len()).map(|i| {
        let model = models::emit_model(api, i);
        let checks = if checked.iter().any(|k| api.model_of[k].0 == i) {
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
