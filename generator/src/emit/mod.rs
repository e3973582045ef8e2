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
mod unions;

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
///
/// The Rust files are built and printed on the machine's threads (at most 8): each module on its own, and
/// `src/models.rs` (the largest file) in parts whose printed text is joined in order (items
/// printed apart are printed as together, a blank line between them), so that the output is
/// the same whatever the number of threads.
pub fn emit(
    api: &Api,
    settings: &Settings,
    sink: &mut Sink,
) -> Result<Vec<(String, Emitted)>, String> {
    let inlined = inlineable::inline(api, sink);
    let checked = required::checked(api);
    let threads = threads();
    let mut jobs = vec![Job::Root, Job::ModelsHead];
    // A fixed number of parts (not one per thread): where the parts are cut never depends on
    // the machine. The models first, then the enums, as in one piece.
    let parts = if api.concepts.len() + api.enums.len() > 64 {
        8
    } else {
        1
    };
    for part in 0..parts {
        jobs.push(Job::Models(share(api.concepts.len(), part, parts), 0..0));
    }
    for part in 0..parts {
        jobs.push(Job::Models(0..0, share(api.enums.len(), part, parts)));
    }
    // The unions, after the enums (few: one part).
    jobs.push(Job::Unions);
    jobs.extend((0..api.modules.len()).map(Job::Module));
    let run = |job: &Job| -> Result<String, String> {
        match job {
            Job::Root => code::print("src/lib.rs", crate_root(api, settings, &inlined.modules)),
            Job::ModelsHead => code::print("src/models.rs", models_head(api)),
            Job::Models(concepts, enums) => code::print(
                "src/models.rs",
                models_part(api, &checked, concepts.clone(), enums.clone()),
            ),
            Job::Unions => code::print(
                "src/models.rs",
                (0..api.unions.len())
                    .map(|i| unions::emit_union(api, i))
                    .collect(),
            ),
            Job::Module(i) => {
                let module = &api.modules[*i];
                let path = format!("src/{}.rs", module.name);
                code::print(&path, operations::emit_module(api, module, &checked))
            }
        }
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<Option<Result<String, String>>> = (0..jobs.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(jobs.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else {
                            return out;
                        };
                        out.push((i, run(job)));
                    }
                })
            })
            .collect();
        for worker in workers {
            // A panic inside a job is the generator's own bug: passed on to `generate`, which
            // reports it.
            for (i, text) in worker
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
            {
                done[i] = Some(text);
            }
        }
    });
    let mut texts = done
        .into_iter()
        .map(|t| t.unwrap_or_else(|| Err("a job did not run".into())));
    let mut next_text = || {
        texts
            .next()
            .unwrap_or_else(|| Err("a job is missing".into()))
    };
    let root = next_text()?;
    let mut models = next_text()?;
    for _ in 0..2 * parts + 1 {
        let part = next_text()?;
        if !part.is_empty() {
            models.push('\n');
            models.push_str(&part);
        }
    }
    let mut files = vec![
        (
            "Cargo.toml".to_owned(),
            Emitted::Text(inlined.manifest.render(settings)),
        ),
        ("src/lib.rs".to_owned(), Emitted::Rust(root)),
        ("src/models.rs".to_owned(), Emitted::Rust(models)),
    ];
    for module in &api.modules {
        files.push((
            format!("src/{}.rs", module.name),
            Emitted::Rust(next_text()?),
        ));
    }
    files.extend(
        inlined
            .files
            .into_iter()
            .map(|(path, text)| (path, Emitted::Copied(text))),
    );
    Ok(files)
}

/// A piece of the crate one thread builds and prints.
enum Job {
    /// `src/lib.rs`.
    Root,
    /// The head of `src/models.rs`: its docs and the runtime import.
    ModelsHead,
    /// The models and enums of these index ranges.
    Models(std::ops::Range<usize>, std::ops::Range<usize>),
    /// The unions (`oneOf`/`anyOf`), all of them.
    Unions,
    /// The module of this index.
    Module(usize),
}

/// The threads to emit on: the machine's parallelism, at most 8.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// Part `part` of `parts` of `0..len`, in order.
fn share(len: usize, part: usize, parts: usize) -> std::ops::Range<usize> {
    (len * part / parts)..(len * (part + 1) / parts)
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

fn models_head(api: &Api) -> TokenStream {
    let import = (!(api.concepts.is_empty() && api.enums.is_empty() && api.unions.is_empty()))
        .then(rt::import);
    quote! {
        //! The models of all documents, unified across casings.
        #import
    }
}

fn models_part(
    api: &Api,
    checked: &std::collections::BTreeSet<crate::ir::SchemaKey>,
    concepts: std::ops::Range<usize>,
    enums: std::ops::Range<usize>,
) -> TokenStream {
    let models = concepts.map(|i| {
        let model = models::emit_model(api, i);
        let checks = checked
            .iter()
            .any(|k| api.concept_of[k].0 == i)
            .then(|| required::emit_checks(api, i, checked));
        quote!(#model #checks)
    });
    let enums = api.enums[enums].iter().map(enums::emit_enum);
    quote! {
        #(#models)*
        #(#enums)*
    }
}
