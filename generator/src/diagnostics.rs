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
    Line {
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
    },
    /// A JSON pointer (RFC 6901) into the document.
    Pointer(String),
}

/// Declares [`Kind`]: each kind's variant, its name in messages and summaries, whether it is a
/// lossless repair, and one line on what it means (the table in `generator/README.md` is this
/// list, checked by `tests/generator/diagnostic_kinds.rs`).
macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $repair:literal, $means:literal;)*) => {
        /// What a diagnostic is about: its name summarizes warnings (`warning: 300 ×
        /// schema-less-media-type`) and tests and tools match on it. An enum, not a string, so
        /// that a typo is a compile error and not a silent new kind.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Kind {
            $($(#[$doc])* #[doc = $means] $variant,)*
        }

        impl Kind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// The kebab-case name shown in messages (`kept-as-json`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(Kind::$variant => $name,)*
                }
            }

            /// Whether a warning of this kind repairs a known quirk without losing anything the
            /// document says: `--strict` tolerates it. A media type without a schema declares no
            /// body to type (the vendor writes `application/json: {}` on hundreds of error
            /// answers), so not reading one loses nothing; a synthesized or numbered operation id
            /// only names a method; the deviations of published documents that the repair stage
            /// (`repair.rs`) reads the way OpenAPI 3.0 says are repairs too. Every other warning
            /// says what was lost and is an error under `--strict`.
            pub const fn is_repair(self) -> bool {
                match self {
                    $(Kind::$variant => $repair,)*
                }
            }

            /// One line on what the kind means.
            pub const fn meaning(self) -> &'static str {
                match self {
                    $(Kind::$variant => $means,)*
                }
            }
        }
    };
}

kinds! {
    // Errors: the input cannot be read.
    NoDocuments = "no-documents", false, "No OpenAPI document was given.";
    Syntax = "syntax", false, "The file is not valid YAML or JSON (line and column).";
    Empty = "empty", false, "The document is empty.";
    Version = "version", false, "The document is not OpenAPI 3.0, 3.1 or 3.2 (Swagger 2.0, 3.3).";
    Shape = "shape", false, "A part of the document does not have the shape OpenAPI gives it.";
    DanglingRef = "dangling-ref", false, "A `$ref` names nothing in its document.";
    CyclicAlias = "cyclic-alias", false, "A schema is an alias of itself through `$ref`s.";
    ModuleClash = "module-clash", false, "Two documents would be the same module.";
    SelectionUnknown = "selection-unknown", false, "`--operations`/`--tags` names what no document has.";
    CrateVersion = "crate-version", false, "`--crate-version` is below what the release's changes need, or a version is not semver.";
    Internal = "internal", false, "A bug of the generator (a panic), reported instead of printed.";
    // Repairs: warnings that lose nothing, tolerated by `--strict`.
    SchemaLessMediaType = "schema-less-media-type", true, "A media type without a schema declares no body to type.";
    OperationIdSynthesized = "operation-id-synthesized", true, "An operation without an id gets one from method and path.";
    OperationIdDuplicate = "operation-id-duplicate", true, "A repeated operation id is numbered.";
    Oauth2ScopesMissing = "oauth2-scopes-missing", true, "An oauth2 flow without its `scopes` map gets an empty one.";
    NonOauth2SchemeScopes = "non-oauth2-scheme-scopes", true, "`scopes` on an apiKey or http scheme are dropped.";
    NonOauth2RequirementScopes = "non-oauth2-requirement-scopes", true, "Scopes required of a non-oauth2 scheme are kept as documentation.";
    RefSiblingsIgnored = "ref-siblings-ignored", true, "Keys next to a `$ref`, which OpenAPI 3.0 ignores, are dropped.";
    ResponseDescriptionMissing = "response-description-missing", true, "A response without its required `description` is read with an empty one.";
    BooleanRequired = "boolean-required", true, "`required: true` on a property's schema (Swagger 2.0's form) makes it required; another boolean `required` on a schema is dropped.";
    NumericExclusiveBound = "numeric-exclusive-bound", true, "A number in `exclusiveMinimum`/`exclusiveMaximum` of a 3.0 document is the bound, exclusive (OpenAPI 3.1's form).";
    NonArrayItemsKeyword = "non-array-items-keyword", true, "`uniqueItems`, `minItems` or `maxItems` on a schema that is not of arrays constrains nothing and is dropped.";
    NonObjectAdditionalProperties = "non-object-additional-properties", true, "`additionalProperties` on a schema that is not of objects constrains nothing.";
    FileUnderJson = "file-under-json", true, "A success answer whose schema is a `format: binary` string under a JSON media type (an ASP.NET file result) is read as bytes.";
    WebhookDocumented = "webhook-documented", true, "A webhook (a call the server makes) is documented in its module, without a client method.";
    // Degradations: warnings that lose something, errors under `--strict`.
    ExternalRef = "external-ref", false, "A `$ref` points into another file: what it names is left out (a schema is `serde_json::Value`).";
    KeptAsJson = "kept-as-json", false, "A schema the client cannot type is `serde_json::Value`.";
    UnionAsString = "union-as-string", false, "A union of strings and string enums is `String`.";
    RefKind = "ref-kind", false, "A `$ref` where a schema belongs that names no schema (a response) is read as JSON.";
    RequiredUndeclared = "required-undeclared", false, "`required` names a property that is not declared.";
    EnumNamesMismatch = "enum-names-mismatch", false, "`x-enumNames` does not fit the enum's values.";
    AdditionalPropertiesIgnored = "additional-properties-ignored", false, "`additionalProperties` next to properties is not kept.";
    ParameterAsText = "parameter-as-text", false, "A parameter is not sent as its schema and style say: it is text (the caller's, or its JSON text), or in its style's default.";
    BodyAsBytes = "body-as-bytes", false, "A body of a media type the client cannot type is bytes.";
    PathParameterUndeclared = "path-parameter-undeclared", false, "A path template names a parameter that is not declared.";
    PathParameterUnused = "path-parameter-unused", false, "A path parameter the path template does not name is not sent.";
    SuccessBodiesDiffer = "success-bodies-differ", false, "Successes with text or bytes among different bodies give the bytes.";
    CookieParameterIgnored = "cookie-parameter-ignored", false, "Cookie parameters are not sent.";
    PathItemSkipped = "path-item-skipped", false, "A path item the generator cannot read is left out.";
    ConceptSplit = "concept-split", false, "Members of one concept that disagree stay separate types.";
    FieldRenamed = "field-renamed", false, "A property's Rust name is changed to avoid a clash.";
    ModelRenamed = "model-renamed", false, "A model's Rust name is changed to avoid a clash.";
    OperationRenamed = "operation-renamed", false, "An operation's method, request builder, response enum or setter is renamed to avoid a clash.";
    ModelNameConflict = "model-name-conflict", false, "Two models ask for the same Rust name.";
    PagingNotUnderstood = "paging-not-understood", false, "A list that looks paged is not walked as pages.";
    PagingOverrideInvalid = "paging-override-invalid", false, "An `x-jtl-paging` override does not fit the operation.";
    InlineableLeftOut = "inlineable-left-out", false, "A hand-written module is left out: an operation it needs is missing.";
    SurfaceUnreadable = "surface-unreadable", false, "The previous release's `api.json` does not read: nothing is compared, the surface is recorded anew.";
    KeywordNotApplied = "keyword-not-applied", false, "A JSON Schema keyword the client cannot type (`if`/`then`/`else`, `prefixItems`, …) is not applied.";
    SchemaDialect = "schema-dialect", false, "A schema dialect other than OpenAPI 3.1's (or 3.2's) is read as JSON Schema 2020-12.";
    SecuritySchemeIgnored = "security-scheme-ignored", false, "A `mutualTLS` scheme is left to the TLS configuration, not to an auth provider.";
    MethodNotSendable = "method-not-sendable", false, "An operation of a method the client cannot send (OpenAPI 3.2 `additionalOperations`) is left out.";
    QuerystringNotSent = "querystring-not-sent", false, "An `in: querystring` parameter that is not a form of named values is not sent.";
    StreamNotDecoded = "stream-not-decoded", false, "The items or parts of a sequential media type (`itemSchema`, `itemEncoding`, `prefixEncoding`) are not decoded one by one: the body is read whole.";
    FormFieldDegraded = "form-field-degraded", false, "A property of a form or multipart body is not encoded as its schema or `encoding` entry says: it is sent as JSON text, as text, or in the default style.";
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The table of every kind (name, repair or not, meaning) as Markdown, as `generator/README.md`
/// shows it.
pub fn kinds_table() -> String {
    let mut table = String::from("| kind | repair | what it means |\n|---|---|---|\n");
    for kind in Kind::ALL {
        let repair = if kind.is_repair() { "yes" } else { "" };
        table.push_str(&format!(
            "| `{}` | {repair} | {} |\n",
            kind.name(),
            kind.meaning()
        ));
    }
    table
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
    /// What it is about ([`Kind`]).
    pub kind: Kind,
    /// What is wrong, without a trailing period.
    pub message: String,
}

impl Diagnostic {
    /// Whether this is a lossless repair (tolerated by strict runs), see [`Kind::is_repair`].
    pub fn is_repair(&self) -> bool {
        self.severity == Severity::Warning && self.kind.is_repair()
    }

    /// A warning at a JSON pointer.
    pub fn warning(
        file: &str,
        pointer: impl Into<String>,
        kind: Kind,
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

    /// A generator bug met in `file` (`<generator>` when no document is to blame): reported as
    /// an error asking for the input, never as a panic.
    pub(crate) fn internal(file: &str, message: impl fmt::Display) -> Self {
        Self::new(
            Severity::Error,
            file,
            Location::File,
            Kind::Internal,
            format!("internal error (a generator bug, please report it with the input): {message}"),
        )
    }

    /// A diagnostic at any location.
    pub fn new(
        severity: Severity,
        file: &str,
        location: Location,
        kind: Kind,
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
    /// Per file, where the nodes of its translated tree were in the document as written
    /// (OpenAPI 3.1 documents, `openapi31.rs`): pointers are mapped back when pushed.
    origins: Vec<(String, Origins)>,
    /// The diagnostics recorded at a pointer mapped back through a move, as recorded.
    moved: Vec<Diagnostic>,
}

impl Sink {
    /// Records a problem; a pointer into a translated tree becomes the pointer into the
    /// document as written.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        let origins = self.origins.iter().position(|(f, _)| *f == diagnostic.file);
        match origins {
            Some(i) => {
                let (diagnostic, moved) = mapped(diagnostic, &self.origins[i].1);
                self.record(diagnostic, moved);
            }
            None => self.diagnostics.push(diagnostic),
        }
    }

    /// Records a problem whose pointer is one of a tree being translated: mapped back through
    /// `origins`, the moves made so far, like [`Sink::push`] maps those of a finished translation.
    pub fn push_through(&mut self, diagnostic: Diagnostic, origins: &Origins) {
        let (diagnostic, moved) = mapped(diagnostic, origins);
        self.record(diagnostic, moved);
    }

    /// Records a problem of a translated tree. A part inlined where it is referenced (a path
    /// item, a media type) is checked there and where it is declared, in either order: one
    /// problem, reported once. Problems no move is involved in are recorded as they come, as
    /// for a 3.0 document.
    fn record(&mut self, diagnostic: Diagnostic, moved: bool) {
        if moved {
            if self.diagnostics.contains(&diagnostic) {
                return;
            }
            self.moved.push(diagnostic.clone());
        } else if self.moved.contains(&diagnostic) {
            return;
        }
        self.diagnostics.push(diagnostic);
    }

    /// Moves made in `file`'s tree after those [`Sink::map_pointers`] was given (or the first).
    pub fn add_moves(&mut self, file: &str, origins: Origins) {
        if origins.moves.is_empty() {
            return;
        }
        match self.origins.iter_mut().find(|(f, _)| f == file) {
            Some((_, known)) => known.append(origins),
            None => self.origins.push((file.to_owned(), origins)),
        }
    }

    /// From now on, pointers of `file` are pointers of its translated tree, mapped back through
    /// `origins` as each diagnostic is pushed.
    pub fn map_pointers(&mut self, file: &str, origins: Origins) {
        self.origins.retain(|(f, _)| f != file);
        self.origins.push((file.to_owned(), origins));
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
            self.moved.clear();
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

    /// The (kind, pointer) of each warning gathered, for tests of the stages that warn at
    /// pointers; a warning elsewhere is a test failure.
    #[cfg(test)]
    pub fn into_pointed_warnings(self) -> Vec<(Kind, String)> {
        self.diagnostics
            .into_iter()
            .map(|d| match d.location {
                Location::Pointer(pointer) => (d.kind, pointer),
                other => panic!("{other:?}"),
            })
            .collect()
    }
}

/// What a translation (`openapi31::translate`, `openapi32::translate`) makes of `raw`: the
/// translated tree, the (kind, pointer) of each warning, and the origins.
#[cfg(test)]
pub fn translated(
    translate: fn(&mut serde_json::Value, &str, &mut Sink) -> Origins,
    mut raw: serde_json::Value,
) -> (serde_json::Value, Vec<(Kind, String)>, Origins) {
    let mut sink = Sink::default();
    let origins = translate(&mut raw, "doc.yaml", &mut sink);
    (raw, sink.into_pointed_warnings(), origins)
}

/// Where a translation moved the nodes of a document's tree: the pipeline reads the translated
/// tree, the maintainer reads the document as written, and every diagnostic must point into the
/// latter. Each move is a (translated, original) pair of pointer prefixes, kept in the order the
/// moves were made; a later move may carry a node that an earlier one moved already, so a
/// pointer is mapped back through the moves last to first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins {
    moves: Vec<(String, String)>,
}

impl Origins {
    /// Records that what is now at `translated` (and below it) was at `original`.
    pub fn moved(&mut self, translated: String, original: String) {
        if translated != original {
            self.moves.push((translated, original));
        }
    }

    /// Adds the moves of a later translation of the same tree (made after these).
    pub fn append(&mut self, later: Origins) {
        self.moves.extend(later.moves);
    }

    /// The pointer in the document as written of what `pointer` names in the translated tree.
    pub fn original(&self, pointer: &str) -> String {
        let mut pointer = pointer.to_owned();
        for (translated, original) in self.moves.iter().rev() {
            if let Some(rest) = pointer.strip_prefix(translated.as_str())
                && (rest.is_empty() || rest.starts_with('/'))
            {
                pointer = format!("{original}{rest}");
            }
        }
        pointer
    }

    /// Asserts that each `(translated, original)` pair of pointers below `at` maps back.
    #[cfg(test)]
    #[track_caller]
    pub fn assert_originals(&self, at: &str, pairs: &[(&str, &str)]) {
        for (translated, original) in pairs {
            let translated = format!("{at}{translated}");
            assert_eq!(
                self.original(&translated),
                format!("{at}{original}"),
                "{translated}"
            );
        }
    }
}

/// `diagnostic` with its pointer mapped back through `origins`, and whether it moved.
fn mapped(mut diagnostic: Diagnostic, origins: &Origins) -> (Diagnostic, bool) {
    let mut moved = false;
    if let Location::Pointer(pointer) = &mut diagnostic.location {
        let original = origins.original(pointer);
        if original != *pointer {
            *pointer = original;
            moved = true;
        }
    }
    (diagnostic, moved)
}

pub(crate) use crate::json_pointer::{escape_token, pointer};
