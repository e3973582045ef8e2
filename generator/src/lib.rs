//! The JTL ERP client generator: OpenAPI documents in, the files of a client crate out.
//!
//! The public API (generator/README.md, "The public API"):
//! - [`generate`]: documents and [`Settings`] in, the crate's files ([`Generation`]) or every
//!   problem of the failing stage ([`Report`] of [`Diagnostic`]s) out;
//! - [`analyze`]: a read-only view of what [`generate`] builds ([`Analysis`]: modules,
//!   operations, the methods' and request builders' names, how each input is passed and its
//!   type as a tree), for tools that drive a generated client, such as the conformance tool;
//! - [`document_info`], [`kinds_table`], [`runtime_probe`], [`HEADER`], [`ContextKey`] and the
//!   JSON-pointer helpers of [`json_pointer`].
//!
//! The pipeline's stages are private modules, in order (each uses only earlier ones and the
//! shared helpers `diagnostics`, `tree`, `ir`, `json_pointer`): load (text → raw tree),
//! openapi32 and openapi31 (a 3.2 document read into 3.1, a 3.1 one into the 3.0 shape), repair
//! (the vendor's known quirks), load again (raw tree → `openapiv3`), validate (references),
//! select, normalize (the IR: operations repaired, schemas unified across casings), release (the
//! API surface compared with the previous release's: changes, version, changelog), emit (the
//! files' text, under the "do not edit" header); `analysis` views normalize's IR. The library is
//! pure: it reads no files, no clock and no environment, and the same input gives byte-identical
//! output.
//! Writing is the xtask's job.

#![warn(missing_docs)]

/// The request-context headers: the runtime's own file, compiled here too, so that generator and
/// runtime cannot disagree on which headers are context.
#[path = "../runtime/src/transport/context_keys.rs"]
mod context_keys;
#[path = "../runtime/src/json_pointer.rs"]
pub mod json_pointer;

mod analysis;
mod diagnostics;
mod emit;
mod ir;
mod load;
mod normalize;
mod openapi31;
mod openapi32;
mod release;
mod repair;
mod select;
mod tree;
mod validate;

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

pub use analysis::{
    Analysis, BodyKind, BodyView, ContextHeader, ModuleView, OperationView, ParameterPlace,
    ParameterView, Setters, Take, TypeView,
};
pub use context_keys::ContextKey;
pub use diagnostics::{Diagnostic, Kind, Location, Report, Severity, kinds_table};
pub use emit::HEADER;
pub use load::SourceDocument;
pub use release::diff::{Change, Class, Subject, SubjectKind, What};
pub use release::{PreviousRelease, Release};
pub use select::Selection;

/// How the crate is generated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The package name.
    pub crate_name: String,
    /// The package version the maintainer asks for (`--crate-version`); `None`: the previous
    /// release's version raised by the class of what changed (see [`Release`]), `0.1.0` for a
    /// first release. A version below what the changes need is refused.
    pub crate_version: Option<String>,
    /// The package description (and the first line of the crate's documentation).
    pub description: String,
    /// How the crate depends on the runtime.
    pub runtime: RuntimeDependency,
    /// How the crate reaches the hand-written modules (registration flow, Wawi session, fake).
    pub inlineable: Inlineable,
    /// Edition, rust-version and licence.
    pub metadata: Metadata,
    /// Emit a `[workspace]` table (for a crate generated outside this workspace).
    pub standalone: bool,
    /// Warnings that lose something (see [`Diagnostic::is_repair`]) fail the run, as errors.
    pub strict: bool,
    /// Which operations to build (and the models they reach); the empty selection builds every
    /// operation. A selection is recorded in the crate's `Cargo.toml`.
    pub selection: Selection,
    /// The release this generation replaces: its API surface is compared with the new one,
    /// its version raised, its changelog continued. `None`: a first release.
    pub previous: Option<PreviousRelease>,
}

/// How the generated crate names the runtime crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// A path, relative to the generated crate's directory.
    Path(String),
    /// A version requirement (the runtime from a registry).
    Version(String),
}

/// How a generated crate reaches the hand-written modules of `generator/inlineable/`, whose one
/// home is that folder (generator/README.md, "Hand-written code the generated crate needs").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inlineable {
    /// `#[path]` module declarations (and the `[[bin]]` path) into the folder at this path,
    /// relative to the generated crate's directory: nothing is copied, the files are compiled
    /// where they are written. The crate stays as relocatable as a path to the runtime keeps it.
    Path(String),
    /// The files copied into the crate's `src/` (with a "copied from" line), for a crate that must
    /// stand alone: one that takes the runtime from a registry (`--runtime VERSION`).
    Copied,
}

/// Where the package metadata comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Metadata {
    /// `edition.workspace = true` and so on: a member of this workspace.
    Workspace,
    /// Values of their own, for a crate outside the workspace.
    Explicit(PackageMetadata),
}

/// Edition, rust-version and licence of a generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageMetadata {
    /// `edition`.
    pub edition: String,
    /// `rust-version`.
    pub rust_version: String,
    /// `license`.
    pub license: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            crate_name: "jtl-erp-client".to_owned(),
            crate_version: None,
            description: "Typed client for the JTL ERP authentication and app-registration APIs"
                .to_owned(),
            runtime: RuntimeDependency::Path("../generator/runtime".to_owned()),
            inlineable: Inlineable::Path("../generator/inlineable".to_owned()),
            metadata: Metadata::Workspace,
            standalone: false,
            strict: false,
            selection: Selection::default(),
            previous: None,
        }
    }
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate root, `/`-separated.
    pub path: String,
    /// The full text.
    pub contents: String,
}

/// The result of a successful run.
#[derive(Debug, Clone)]
pub struct Generation {
    /// The files, in a fixed order.
    pub files: Vec<GeneratedFile>,
    /// Warnings: repaired quirks and simplifications.
    pub warnings: Vec<Diagnostic>,
    /// What changed in the API since [`Settings::previous`], and the version that follows.
    pub release: Release,
}

/// Runs the whole pipeline. On `Err` the report lists every problem of the failing stage.
pub fn generate(sources: &[SourceDocument], settings: &Settings) -> Result<Generation, Report> {
    guarded(|| run(sources, settings))
}

/// What [`generate`] builds from the same documents and settings, as a read-only view: every
/// module with the document it comes from, every operation with its client method's and request
/// builder's names, its parameters and body (each an argument or a setter, with its
/// [`TypeView`]: the type as the generated code spells it) and its context headers.
/// Nothing is emitted; `Err` is the report [`generate`] would give for a refused document.
pub fn analyze(sources: &[SourceDocument], settings: &Settings) -> Result<Analysis, Report> {
    guarded(|| {
        let mut sink = diagnostics::Sink::default();
        let (docs, api) = front(sources, settings, &mut sink)?;
        Ok(Analysis::new(
            &api,
            docs.into_iter().map(|doc| doc.raw).collect(),
        ))
    })
}

/// The Rust file that names every runtime item the generated code uses (and every context key),
/// one `use` each: compiled against the runtime, it fails to build when the runtime lost an item
/// the generator emits (`tests/generator/contract.rs`).
pub fn runtime_probe() -> String {
    emit::runtime::probe()
}

/// Runs `pipeline`; a panic inside it becomes a [`Kind::Internal`] report.
fn guarded<T>(pipeline: impl FnOnce() -> Result<T, Report>) -> Result<T, Report> {
    // The pipeline is written not to panic; should a bug make it, the user still gets a
    // report instead of a backtrace, and nothing is written. The panic hook would print the
    // raw panic text first, so it is silenced for this thread while the pipeline runs.
    install_quiet_hook();
    let was_quiet = QUIET.with(|q| q.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(pipeline));
    QUIET.with(|q| q.set(was_quiet));
    outcome.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(Report {
            diagnostics: vec![Diagnostic::internal("<generator>", message)],
        })
    })
}

thread_local! {
    /// Whether this thread is inside [`generate`] (its panics are reported, not printed).
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Wraps the process's panic hook once: panics of threads inside [`generate`] are not printed;
/// every other panic goes to the previous hook as before (a test's failure still prints).
fn install_quiet_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Load: every document's text as a raw tree (`load`), a 3.2 document's additions read into 3.1
/// (`openapi32`) and a 3.1 document into the 3.0 shape (`openapi31`; diagnostics keep pointing
/// into the document as written), known deviations of published documents repaired (`repair`),
/// then the typed document (`load`). The problems of every document are reported.
fn load_all(sources: &[SourceDocument], sink: &mut diagnostics::Sink) -> Vec<load::Loaded> {
    load::check_any(sources, sink);
    sources
        .iter()
        .filter_map(|source| {
            let mut doc = load::parse(source, sink)?;
            let file = doc.file.as_str();
            if doc.openapi32 {
                // The 3.1 translation's warnings are made on the tree 3.2's left: mapped through
                // its moves.
                let mut origins = openapi32::translate(&mut doc.raw, file, sink);
                sink.map_pointers(file, origins.clone());
                origins.append(openapi31::translate(&mut doc.raw, file, sink));
                sink.map_pointers(file, origins);
            } else if doc.openapi31 {
                let origins = openapi31::translate(&mut doc.raw, file, sink);
                sink.map_pointers(file, origins);
            }
            repair::repair(&mut doc.raw, file, doc.openapi31, sink);
            load::read(doc, sink)
        })
        .collect()
}

/// Load, validate, select and normalize: the documents as loaded and the IR.
fn front(
    sources: &[SourceDocument],
    settings: &Settings,
    sink: &mut diagnostics::Sink,
) -> Result<(Vec<load::Loaded>, ir::Api), Report> {
    let mut docs = load_all(sources, sink);
    sink.finish_stage()?;
    validate::validate_all(&docs, sink);
    sink.finish_stage()?;
    select::select(&mut docs, &settings.selection, sink);
    sink.finish_stage()?;
    let api = normalize::normalize(&docs, sink);
    sink.finish_stage()?;
    Ok((docs, api))
}

fn run(sources: &[SourceDocument], settings: &Settings) -> Result<Generation, Report> {
    let mut sink = diagnostics::Sink::default();
    let (_, api) = front(sources, settings, &mut sink)?;
    let (release, surface, changelog) = release::release(&api, settings, &mut sink)?;
    let files = emit::emit(&api, settings, &release.version, &mut sink)
        .map_err(|message| Report {
            diagnostics: vec![Diagnostic::internal("<generator>", message)],
        })?
        .into_iter()
        .chain([
            ("CHANGELOG.md".to_owned(), emit::Emitted::Data(changelog)),
            ("api.json".to_owned(), emit::Emitted::Data(surface)),
        ])
        .map(|(path, emitted)| GeneratedFile {
            path,
            contents: emitted.into_text(),
        })
        .collect();
    let warnings = sink.into_warnings();
    if settings.strict && warnings.iter().any(|w| !w.is_repair()) {
        // Strict: what a warning says was lost is an error; repairs of known quirks stay warnings.
        return Err(Report {
            diagnostics: warnings
                .into_iter()
                .map(|mut w| {
                    if !w.is_repair() {
                        w.severity = Severity::Error;
                    }
                    w
                })
                .collect(),
        });
    }
    Ok(Generation {
        files,
        warnings,
        release,
    })
}

/// The title and description in a document's `info`, for a crate's name and description when
/// none is given; `None` when the document does not load.
pub fn document_info(source: &SourceDocument) -> Option<(String, Option<String>)> {
    // Only `info` is kept: the rest of the document is skipped, not built (it is read again,
    // whole, by `generate`); JSON goes to serde_json, which is faster at it than the YAML parser.
    #[derive(serde::Deserialize)]
    struct Document {
        info: serde_json::Value,
    }
    let text = &source.text;
    let json = text
        .trim_start()
        .starts_with('{')
        .then(|| serde_json::from_str(text).ok())
        .flatten();
    let Document { info } = json.or_else(|| serde_yaml::from_str(text).ok())?;
    let title = info.get("title")?.as_str()?.to_owned();
    let description = info
        .get("description")
        .and_then(|d| d.as_str())
        .map(str::to_owned);
    Some((title, description))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceDocument {
        SourceDocument {
            path: "doc".to_owned(),
            text: text.to_owned(),
        }
    }

    #[test]
    fn document_info_reads_title_and_description_of_json_and_yaml() {
        let json = r#"{"openapi": "3.0.3", "paths": {"/x": {}}, "info": {"title": "T", "description": "D", "version": "1"}}"#;
        assert_eq!(
            document_info(&source(json)),
            Some(("T".to_owned(), Some("D".to_owned())))
        );
        let yaml = "openapi: 3.0.3\ninfo:\n  title: Y\n  version: '1'\npaths:\n  /x: {}\n";
        assert_eq!(document_info(&source(yaml)), Some(("Y".to_owned(), None)));
        // JSON-looking text that serde_json refuses is read as YAML (a trailing comma is YAML).
        let flow = r#"{"info": {"title": "F", "version": "1"}, }"#;
        assert_eq!(document_info(&source(flow)), Some(("F".to_owned(), None)));
        for text in ["openapi: 3.0.3\n", "info: {title: 3}\n", "info: [", ""] {
            assert_eq!(document_info(&source(text)), None, "{text:?}");
        }
        let odd = "info: {title: T, description: 4}\n";
        assert_eq!(document_info(&source(odd)), Some(("T".to_owned(), None)));
    }
}
