//! The JTL ERP client generator: OpenAPI documents in, the files of a client crate out.
//!
//! The pipeline, one module a stage:
//! [`load`] (text → `openapiv3`) → [`validate`] (references) → [`normalize`] (the IR in
//! [`ir`]: operations repaired, schemas unified across casings) → [`emit`] (token streams) →
//! [`format`] (prettyplease). The library is pure: it reads no files, no clock and no
//! environment, and the same input gives byte-identical output. Writing is the xtask's job.

pub mod diagnostics;
pub mod emit;
pub mod format;
pub mod ir;
pub mod load;
pub mod normalize;
pub mod validate;

use std::panic::{AssertUnwindSafe, catch_unwind};

pub use diagnostics::{Diagnostic, Location, Report, Severity};
pub use load::SourceDocument;

/// How the crate is generated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The package name.
    pub crate_name: String,
    /// The package version.
    pub crate_version: String,
    /// Path of the runtime crate, relative to the generated crate's directory.
    pub runtime_path: String,
    /// Emit a `[workspace]` table (for a crate generated outside this workspace).
    pub standalone: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            crate_name: "jtl-erp-client".to_owned(),
            crate_version: "0.1.0".to_owned(),
            runtime_path: "../generator/runtime".to_owned(),
            standalone: false,
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
    // report instead of a backtrace, and nothing is written.
    catch_unwind(AssertUnwindSafe(|| run(sources, settings))).unwrap_or_else(|panic| {
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
                "internal",
                format!(
                    "internal error (a generator bug, please report it with the input): {message}"
                ),
            )],
        })
    })
}

fn run(sources: &[SourceDocument], settings: &Settings) -> Result<Generation, Report> {
    let mut sink = diagnostics::Sink::default();
    let docs = load::load_all(sources, &mut sink);
    sink.finish_stage()?;
    validate::validate_all(&docs, &mut sink);
    sink.finish_stage()?;
    let api = normalize::normalize(&docs, &mut sink);
    sink.finish_stage()?;
    let mut files = Vec::new();
    for (path, emitted) in emit::emit(&api, settings) {
        let contents = format::format(&path, emitted).map_err(|message| Report {
            diagnostics: vec![Diagnostic::new(
                Severity::Error,
                &path,
                Location::File,
                "internal",
                message,
            )],
        })?;
        files.push(GeneratedFile { path, contents });
    }
    Ok(Generation {
        files,
        warnings: sink.into_warnings(),
    })
}
