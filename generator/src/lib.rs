//! The JTL ERP client generator: OpenAPI documents in, the files of a client crate out.
//!
//! The pipeline, one module a stage:
//! [`load`] (text → `openapiv3`) → [`validate`] (references) → [`normalize`] (the IR in
//! [`ir`]: operations repaired, schemas unified across casings) → [`emit`] (formatted text) →
//! [`format`](mod@format) (the header). The library is pure: it reads no files, no clock and no
//! environment, and the same input gives byte-identical output. Writing is the xtask's job.

/// The request-context headers: the runtime's own file, compiled here too, so that generator and
/// runtime cannot disagree on which headers are context.
#[path = "../runtime/src/transport/context_keys.rs"]
mod context_keys;
pub mod diagnostics;
pub mod emit;
pub mod format;
pub mod ir;
pub mod load;
pub mod normalize;
pub mod repair;
pub mod select;
pub mod validate;

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

pub use context_keys::ContextKey;
pub use diagnostics::{Diagnostic, Kind, Location, Report, Severity, kinds_table};
pub use load::SourceDocument;
pub use select::Selection;

/// How the crate is generated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The package name.
    pub crate_name: String,
    /// The package version.
    pub crate_version: String,
    /// The package description (and the first line of the crate's documentation).
    pub description: String,
    /// How the crate depends on the runtime.
    pub runtime: RuntimeDependency,
    /// Edition, rust-version and licence.
    pub metadata: Metadata,
    /// Emit a `[workspace]` table (for a crate generated outside this workspace).
    pub standalone: bool,
    /// Warnings that lose something (see [`Diagnostic::is_repair`]) fail the run, as errors.
    pub strict: bool,
    /// Which operations to build (and the models they reach); the empty selection builds every
    /// operation. A selection is recorded in the crate's `Cargo.toml`.
    pub selection: Selection,
}

/// How the generated crate names the runtime crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// A path, relative to the generated crate's directory.
    Path(String),
    /// A version requirement (the runtime from a registry).
    Version(String),
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
            crate_version: "0.1.0".to_owned(),
            description: "Typed client for the JTL ERP authentication and app-registration APIs"
                .to_owned(),
            runtime: RuntimeDependency::Path("../generator/runtime".to_owned()),
            metadata: Metadata::Workspace,
            standalone: false,
            strict: false,
            selection: Selection::default(),
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
}

/// Runs the whole pipeline. On `Err` the report lists every problem of the failing stage.
pub fn generate(sources: &[SourceDocument], settings: &Settings) -> Result<Generation, Report> {
    // The pipeline is written not to panic; should a bug make it, the user still gets a
    // report instead of a backtrace, and nothing is written. The panic hook would print the
    // raw panic text first, so it is silenced for this thread while the pipeline runs.
    install_quiet_hook();
    let was_quiet = QUIET.with(|q| q.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(|| run(sources, settings)));
    QUIET.with(|q| q.set(was_quiet));
    outcome.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(Report {
            diagnostics: vec![Diagnostic::new(
                Severity::Error,
                "<generator>",
                Location::File,
                Kind::Internal,
                format!(
                    "internal error (a generator bug, please report it with the input): {message}"
                ),
            )],
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

fn run(sources: &[SourceDocument], settings: &Settings) -> Result<Generation, Report> {
    let mut sink = diagnostics::Sink::default();
    let mut docs = load::load_all(sources, &mut sink);
    sink.finish_stage()?;
    validate::validate_all(&docs, &mut sink);
    sink.finish_stage()?;
    select::select(&mut docs, &settings.selection, &mut sink);
    sink.finish_stage()?;
    let api = normalize::normalize(&docs, &mut sink);
    sink.finish_stage()?;
    let files = emit::emit(&api, settings, &mut sink)
        .map_err(|message| Report {
            diagnostics: vec![Diagnostic::new(
                Severity::Error,
                "<generator>",
                Location::File,
                Kind::Internal,
                format!(
                    "internal error (a generator bug, please report it with the input): {message}"
                ),
            )],
        })?
        .into_iter()
        .map(|(path, emitted)| GeneratedFile {
            path,
            contents: format::format(emitted),
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
    Ok(Generation { files, warnings })
}

/// The title and description in a document's `info`, for a crate's name and description when
/// none is given; `None` when the document does not load.
pub fn document_info(source: &SourceDocument) -> Option<(String, Option<String>)> {
    let value: serde_json::Value = serde_yaml::from_str(&source.text).ok()?;
    let info = value.get("info")?;
    let title = info.get("title")?.as_str()?.to_owned();
    let description = info
        .get("description")
        .and_then(|d| d.as_str())
        .map(str::to_owned);
    Some((title, description))
}
