//! Diagnostics: every problem names its file and where in it (JSON pointer or line and column).

use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation goes on; the maintainer should look.
    Warning,
    /// Generation stops at the end of the stage.
    Error,
}

/// Where in a document a problem is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// The document as a whole.
    File,
    /// A 1-based line and column (syntax errors).
    Line { line: usize, column: usize },
    /// A JSON pointer (RFC 6901) into the document.
    Pointer(String),
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, as given to the generator.
    pub file: String,
    /// Where in the file.
    pub location: Location,
    /// A short kind, used to summarize warnings (e.g. `operation-id-synthesized`).
    pub kind: &'static str,
    /// What is wrong, without a trailing period.
    pub message: String,
}

/// Warning kinds that repair a known quirk without losing anything the document says: `--strict`
/// tolerates them. A media type without a schema declares no body to type (the vendor writes
/// `application/json: {}` on hundreds of error answers), so not reading one loses nothing; a
/// synthesized or numbered operation id only names a method. Every other warning says what was
/// lost (a unified concept, a typed value) and is an error under `--strict`. The deviations of
/// published documents that [`crate::repair`] reads the way OpenAPI 3.0 says are repairs too: a
/// missing oauth2 `scopes` map is an empty one, scopes on other schemes are read as permissions
/// (requirements) or unused (schemes), siblings of `$ref` are ignored by the standard, and
/// `additionalProperties` constrains objects only.
pub const REPAIR_KINDS: &[&str] = &[
    "schema-less-media-type",
    "operation-id-synthesized",
    "operation-id-duplicate",
    "oauth2-scopes-missing",
    "non-oauth2-scheme-scopes",
    "non-oauth2-requirement-scopes",
    "ref-siblings-ignored",
    "non-object-additional-properties",
];

impl Diagnostic {
    /// Whether this is a lossless repair (tolerated by strict runs), see [`REPAIR_KINDS`].
    pub fn is_repair(&self) -> bool {
        self.severity == Severity::Warning && REPAIR_KINDS.contains(&self.kind)
    }

    /// An error at a JSON pointer.
    pub fn error(
        file: &str,
        pointer: impl Into<String>,
        kind: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::new(
            Severity::Error,
            file,
            Location::Pointer(pointer.into()),
            kind,
            message,
        )
    }

    /// A warning at a JSON pointer.
    pub fn warning(
        file: &str,
        pointer: impl Into<String>,
        kind: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::new(
            Severity::Warning,
            file,
            Location::Pointer(pointer.into()),
            kind,
            message,
        )
    }

    /// A diagnostic at any location.
    pub fn new(
        severity: Severity,
        file: &str,
        location: Location,
        kind: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity,
            file: file.to_owned(),
            location,
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        match &self.location {
            Location::File => write!(f, "{severity}: {}: {}", self.file, self.message),
            Location::Line { line, column } => {
                write!(
                    f,
                    "{severity}: {}:{line}:{column}: {}",
                    self.file, self.message
                )
            }
            Location::Pointer(pointer) => {
                write!(f, "{severity}: {}#{}: {}", self.file, pointer, self.message)
            }
        }
    }
}

/// The errors that stopped a stage (and the warnings gathered until then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The problems, errors and warnings, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors: Vec<_> = self.errors().collect();
        for error in &errors {
            writeln!(f, "{error}")?;
        }
        write!(f, "{} error(s); nothing was generated", errors.len())
    }
}

impl std::error::Error for Report {}

/// Collects the diagnostics of a stage; the stage fails at its end if any is an error.
#[derive(Debug, Default)]
pub struct Sink {
    diagnostics: Vec<Diagnostic>,
}

impl Sink {
    /// Records a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Whether an error was recorded.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Ends a stage: `Err` with everything when an error was recorded.
    pub fn finish_stage(&mut self) -> Result<(), Report> {
        if self.has_errors() {
            Err(Report {
                diagnostics: std::mem::take(&mut self.diagnostics),
            })
        } else {
            Ok(())
        }
    }

    /// The warnings gathered.
    pub fn into_warnings(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Joins reference tokens into a JSON pointer.
pub fn pointer<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    tokens
        .into_iter()
        .map(|t| format!("/{}", escape_token(t)))
        .collect()
}
