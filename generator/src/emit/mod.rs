//! Emit: the IR becomes the text of each file of the generated crate, written formatted
//! (`emit/code.rs` says why not as token streams).

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

use self::code::Code;
use self::runtime as rt;
use crate::Settings;
use crate::diagnostics::Sink;
use crate::ir::Api;

/// The content of one generated file.
pub enum Emitted {
    /// Rust source written by the emitters.
    Rust(String),
    /// Any other text (the manifest).
    Text(String),
    /// Rust copied from a template, kept as written.
    Copied(String),
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
        (
            "src/models.rs".to_owned(),
            Emitted::Rust(models_file(api, &checked)),
        ),
    ];
    for module in &api.modules {
        let text = operations::emit_module(api, module, &checked);
        files.push((format!("src/{}.rs", module.name), Emitted::Rust(text)));
    }
    files.extend(
        inlined
            .files
            .into_iter()
            .map(|(path, text)| (path, Emitted::Copied(text))),
    );
    files
}

fn crate_root(api: &Api, settings: &Settings, inlined: &[(&str, Option<&str>)]) -> String {
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
    let mut code = Code::new();
    code.inner_docs(&text);
    code.line("#![forbid(unsafe_code)]");
    code.line("#![warn(missing_docs)]");
    code.blank();
    code.line("// The modules are formatted by the generator, not by rustfmt.");
    code.line("#[rustfmt::skip]");
    code.line("pub mod models;");
    for module in &api.modules {
        code.line("#[rustfmt::skip]");
        code.line(format_args!("pub mod {};", module.name));
    }
    for (module, feature) in inlined {
        if let Some(feature) = feature {
            code.line(format_args!("#[cfg(feature = {})]", code::lit(feature)));
        }
        code.line("#[rustfmt::skip]");
        code.line(format_args!("pub mod {module};"));
    }
    code.blank();
    code.line(format_args!("pub use {} as runtime;", rt::RUNTIME.path()));
    for item in [rt::CONTEXT, rt::ERROR, rt::RESPONSE_VALUE, rt::SECRET] {
        code.line(format_args!("pub use {};", item.path()));
    }
    code.finish()
}

fn models_file(api: &Api, checked: &std::collections::BTreeSet<crate::ir::SchemaKey>) -> String {
    let mut code = Code::new();
    code.line("//! The models of all documents, unified across casings.");
    if !(api.concepts.is_empty() && api.enums.is_empty()) {
        code.blank();
        code.line(rt::IMPORT);
    }
    for i in 0..api.concepts.len() {
        code.blank();
        models::emit_model(&mut code, api, i);
        if checked.iter().any(|k| api.concept_of[k].0 == i) {
            code.blank();
            required::emit_checks(&mut code, api, i, checked);
        }
    }
    for def in &api.enums {
        code.blank();
        enums::emit_enum(&mut code, def);
    }
    code.finish()
}
