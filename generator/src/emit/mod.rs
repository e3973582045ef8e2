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
mod readme;
mod required;
pub mod runtime;
mod unions;
mod webhooks;

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
    /// A file whose emitter wrote its "do not edit" note in its own syntax (`CHANGELOG.md`,
    /// `api.json`).
    Data(String),
}

/// Every file of the crate but the release's (`CHANGELOG.md`, `api.json`), by path relative to
/// the crate root, in a fixed order; `version` is the package's. Inlineable
/// modules left out are reported to `sink` as warnings. `Err` is a generator bug: tokens that
/// are no Rust file (named).
///
/// The Rust files are built and printed on the machine's threads (at most 8), in parts whose
/// printed text is joined in order: `src/models.rs` by models and enums, each module's file as
/// its head, its operations' methods (spliced into the head's `impl Client`), their request
/// builders and its tail.
/// Items printed apart are printed as together (a blank line between them), and the parts are
/// cut by fixed counts, so that the output is the same whatever the number of threads. The
/// largest parts come first, so that no thread is left with a large one at the end.
pub fn emit(
    api: &Api,
    settings: &Settings,
    version: &str,
    sink: &mut Sink,
) -> Result<Vec<(String, Emitted)>, String> {
    let inlined = inlineable::inline(api, sink);
    let checked = required::checked(api);
    let threads = threads();
    // A number of parts fixed by the count of items (not by the threads): where the parts are
    // cut never depends on the machine. Up to 8 parts of at least 8 items each: a small
    // document's models are still shared between threads, a tiny one's are not cut for nothing.
    let parts_of = |len: usize| (len / 8).clamp(1, 8);
    let mut jobs = Vec::new();
    for (i, module) in api.modules.iter().enumerate() {
        let parts = parts_of(module.operations.len());
        // The builders first: they are most of a module's text.
        jobs.extend(
            (0..parts).map(|part| Job::Builders(i, share(module.operations.len(), part, parts))),
        );
        jobs.extend(
            (0..parts).map(|part| Job::Methods(i, share(module.operations.len(), part, parts))),
        );
    }
    // The models first, then the enums, as in one piece.
    let parts = parts_of(api.concepts.len() + api.enums.len());
    for part in 0..parts {
        jobs.push(Job::Models(share(api.concepts.len(), part, parts), 0..0));
    }
    for part in 0..parts {
        jobs.push(Job::Models(0..0, share(api.enums.len(), part, parts)));
    }
    // The unions, after the enums (few: one part).
    jobs.push(Job::Unions);
    jobs.extend((0..api.modules.len()).flat_map(|i| [Job::ModuleHead(i), Job::ModuleTail(i)]));
    jobs.extend([Job::Root, Job::ModelsHead]);
    let run = |job: &Job| -> Result<String, String> {
        match job {
            Job::Root => code::print("src/lib.rs", crate_root(api, &inlined.modules)),
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
            Job::ModuleHead(i) => {
                let module = &api.modules[*i];
                code::print(&module_path(module), operations::module_head(api, module))
            }
            Job::Methods(i, range) => {
                let module = &api.modules[*i];
                let tokens = operations::module_methods(api, module, range.clone());
                code::print(&module_path(module), tokens).map(|text| impl_body(&text))
            }
            Job::Builders(i, range) => {
                let module = &api.modules[*i];
                let tokens = operations::module_builders(api, module, range.clone(), &checked);
                code::print(&module_path(module), tokens)
            }
            Job::ModuleTail(i) => {
                let module = &api.modules[*i];
                code::print(&module_path(module), operations::module_tail(api, module))
            }
        }
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Each thread takes the next job until none is left.
    let work = || {
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(job) = jobs.get(i) else {
                return out;
            };
            out.push((i, run(job)));
        }
    };
    let mut done: Vec<Option<Result<String, String>>> = (0..jobs.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        // The calling thread is one of the workers: one thread fewer to start per run.
        let helpers: Vec<_> = (1..threads.min(jobs.len()))
            .map(|_| scope.spawn(work))
            .collect();
        for (i, text) in work() {
            done[i] = Some(text);
        }
        for helper in helpers {
            // A panic inside a job is the generator's own bug: passed on to `generate`, which
            // reports it.
            for (i, text) in helper
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
            {
                done[i] = Some(text);
            }
        }
    });
    // The printed parts, taken by job in the order the files need them.
    let mut texts = done
        .into_iter()
        .map(|t| t.unwrap_or_else(|| Err("a job did not run".into())))
        .collect::<Result<Vec<String>, String>>()?;
    let mut take = |wanted: &dyn Fn(&Job) -> bool| -> Vec<String> {
        jobs.iter()
            .zip(texts.iter_mut())
            .filter(|(job, _)| wanted(job))
            .map(|(_, text)| std::mem::take(text))
            .collect()
    };
    let root = take(&|j| matches!(j, Job::Root)).concat();
    let mut models = take(&|j| matches!(j, Job::ModelsHead)).concat();
    for part in take(&|j| matches!(j, Job::Models(..) | Job::Unions)) {
        if !part.is_empty() {
            models.push('\n');
            models.push_str(&part);
        }
    }
    let mut files = vec![
        (
            "Cargo.toml".to_owned(),
            Emitted::Text(inlined.manifest.render(settings, version)),
        ),
        (
            "README.md".to_owned(),
            Emitted::Data(readme::readme(
                api,
                settings,
                version,
                inlined.front_page,
                &inlined.modules,
            )),
        ),
        ("src/lib.rs".to_owned(), Emitted::Rust(root)),
        ("src/models.rs".to_owned(), Emitted::Rust(models)),
    ];
    for (i, module) in api.modules.iter().enumerate() {
        let head = take(&|j| matches!(j, Job::ModuleHead(m) if *m == i)).concat();
        let methods = take(&|j| matches!(j, Job::Methods(m, _) if *m == i));
        let mut builders = take(&|j| matches!(j, Job::Builders(m, _) if *m == i));
        builders.extend(take(&|j| matches!(j, Job::ModuleTail(m) if *m == i)));
        files.push((
            module_path(module),
            Emitted::Rust(splice(&module_path(module), head, &methods, &builders)?),
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
    /// The head of the module of this index (up to its `impl Client` without operations).
    ModuleHead(usize),
    /// The client methods of these operations of the module of this index.
    Methods(usize, std::ops::Range<usize>),
    /// The request builders of these operations of the module of this index.
    Builders(usize, std::ops::Range<usize>),
    /// The response enums of the module of this index.
    ModuleTail(usize),
}

/// The path of a module's file.
fn module_path(module: &crate::ir::Module) -> String {
    format!("src/{}.rs", module.name)
}

/// What is inside the braces of a printed `impl Client { … }`: its methods' lines, as they are
/// printed inside the whole `impl` (prettyplease indents each item alike, whatever its
/// neighbours). Empty for an `impl` without methods.
fn impl_body(printed: &str) -> String {
    let mut lines: Vec<&str> = printed.lines().collect();
    if lines.len() < 3 {
        return String::new();
    }
    lines.pop();
    lines.remove(0);
    let mut body = lines.join("\n");
    body.push('\n');
    body
}

/// A module's file: the operations' methods spliced into the head's `impl Client`, before its
/// closing brace and after its handles (a blank line before each part, as between any two
/// methods), then the items of `tail` (builders, response enums), each part after a blank line.
/// `Err` is a generator bug: a head without `impl Client`.
fn splice(
    path: &str,
    head: String,
    operations: &[String],
    tail: &[String],
) -> Result<String, String> {
    let start = head
        .find("\nimpl Client {\n")
        .ok_or_else(|| format!("generator bug: {path} has no `impl Client`"))?;
    let end = start
        + head[start..]
            .find("\n}\n")
            .ok_or_else(|| format!("generator bug: {path}: `impl Client` is not closed"))?;
    let mut text = String::with_capacity(
        head.len()
            + tail.iter().map(|t| t.len() + 1).sum::<usize>()
            + operations.iter().map(|o| o.len() + 1).sum::<usize>(),
    );
    text.push_str(&head[..=end]);
    for part in operations.iter().filter(|p| !p.is_empty()) {
        text.push('\n');
        text.push_str(part);
    }
    text.push_str(&head[end + 1..]);
    for part in tail.iter().filter(|p| !p.is_empty()) {
        text.push('\n');
        text.push_str(part);
    }
    Ok(text)
}

/// The threads to emit on: the machine's parallelism, at most 8.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// Part `part` of `parts` of `0..len`, in order.
fn share(len: usize, part: usize, parts: usize) -> std::ops::Range<usize> {
    (len * part / parts)..(len * (part + 1) / parts)
}

fn crate_root(api: &Api, inlined: &[(&str, Option<&str>)]) -> TokenStream {
    // The front page is the crate's README.md (readme.rs); below it, links to the modules'
    // pages, which a README cannot have.
    let mut text = String::from("\n## In these docs\n\n[`models`]");
    for module in &api.modules {
        text.push_str(&format!(", [`{}`]", module.name));
    }
    for (module, feature) in inlined {
        match feature {
            Some(feature) => text.push_str(&format!(", `{module}` (feature `{feature}`)")),
            None => text.push_str(&format!(", [`{module}`]")),
        }
    }
    // The changelog (`CHANGELOG.md`, written with the crate) is a page of the crate's docs,
    // unless a document's module took the name.
    let changelog = (!api.modules.iter().any(|m| m.name == "changelog")).then(|| {
        text.push_str(", and what each version changed in the API: [`changelog`]");
        quote! {
            #[doc = include_str!("../CHANGELOG.md")]
            pub mod changelog {}
        }
    });
    text.push('.');
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
    // What every call and every `match` on its outcome names.
    let reexports = [
        rt::CONTEXT,
        rt::ERROR,
        rt::ERROR_KIND,
        rt::RESPONSE_VALUE,
        rt::SECRET,
    ]
    .map(|i| i.full());
    quote! {
        #![doc = include_str!("../README.md")]
        #docs
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]
        // The modules are formatted by the generator (prettyplease), not by rustfmt.
        #[rustfmt::skip]
        pub mod models;
        #(#modules)*
        #(#inlined)*
        #changelog
        pub use #runtime as runtime;
        #(pub use #reexports;)*
    }
}

fn models_head(api: &Api) -> TokenStream {
    let import = (!(api.concepts.is_empty() && api.enums.is_empty() && api.unions.is_empty()))
        .then(rt::import);
    let unknown_value = (!api.enums.is_empty()).then(enums::unknown_value);
    quote! {
        //! The models of all documents, unified across casings.
        #import
        #unknown_value
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceDocument;

    /// A document of `count` operations, with path, query and body parameters, answers with
    /// and without bodies, and deprecated ones: enough for the operations to be cut in parts.
    fn many_operations(count: usize) -> SourceDocument {
        let mut text = String::from("openapi: 3.0.3\ninfo: {title: Many, version: '1'}\npaths:\n");
        for i in 0..count {
            text.push_str(&format!(
                "  /items/{{id}}/op{i}:\n    post:\n      operationId: Op{i}\n      deprecated: {}\n      \
                 parameters:\n        - {{name: id, in: path, required: true, schema: {{type: integer}}}}\n        \
                 - {{name: filter, in: query, schema: {{type: string}}}}\n      \
                 requestBody:\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/Item'}}\n      \
                 responses:\n        '200':\n          description: the item\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Item'}}\n        \
                 '204': {{description: nothing}}\n        '404': {{description: not there}}\n",
                i % 7 == 0
            ));
        }
        text.push_str(
            "components:\n  schemas:\n    Item:\n      type: object\n      required: [name]\n      \
             properties:\n        name: {type: string}\n        count: {type: integer}\n",
        );
        SourceDocument {
            path: "many.yaml".to_owned(),
            text,
        }
    }

    /// The module's file printed in parts and spliced (as `emit` does) is the file printed
    /// whole: the operations' methods inside the head's `impl Client`, then the tail, as one
    /// `syn::File` printed once.
    #[test]
    fn a_module_printed_in_parts_is_the_module_printed_whole() {
        for count in [3, 65, 100] {
            let settings = Settings::default();
            let mut sink = Sink::default();
            let (_, api) = crate::front(&[many_operations(count)], &settings, &mut sink)
                .expect("the document loads");
            let files = emit(&api, &settings, "0.1.0", &mut sink).expect("emits");
            let module = &api.modules[0];
            let spliced = files
                .iter()
                .find_map(|(path, emitted)| match emitted {
                    Emitted::Rust(text) if *path == module_path(module) => Some(text.clone()),
                    _ => None,
                })
                .expect("the module's file");

            let checked = required::checked(&api);
            let parse = |tokens| syn::parse2::<syn::File>(tokens).expect("a file");
            let mut whole = parse(operations::module_head(&api, module));
            let operations = parse(operations::module_methods(
                &api,
                module,
                0..module.operations.len(),
            ));
            let Some(syn::Item::Impl(methods)) = operations.items.into_iter().next() else {
                panic!("the operations are one impl");
            };
            let client = whole
                .items
                .iter_mut()
                .find_map(|item| match item {
                    syn::Item::Impl(i) if i.trait_.is_none() => Some(i),
                    _ => None,
                })
                .expect("impl Client");
            client.items.extend(methods.items);
            whole.items.extend(
                parse(operations::module_builders(
                    &api,
                    module,
                    0..module.operations.len(),
                    &checked,
                ))
                .items,
            );
            whole
                .items
                .extend(parse(operations::module_tail(&api, module)).items);
            let printed = code::space(&prettyplease::unparse(&whole));

            assert_eq!(spliced, printed, "{count} operations");
            assert_eq!(spliced.matches("impl Client {").count(), 1);
            assert_eq!(spliced.matches("    pub fn op").count(), count);
            assert_eq!(spliced.matches("pub fn send(").count(), count);
        }
    }
}
