//! Load: document text (YAML or JSON) into an `openapiv3::OpenAPI`, keeping the raw tree for
//! pointer checks. Syntax errors carry line and column, shape errors a JSON pointer.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Location, Severity, Sink, escape_token};

/// A document as handed to the generator.
#[derive(Debug, Clone)]
pub struct SourceDocument {
    /// How errors name the file (e.g. `spec/erp-1.0.yaml`).
    pub path: String,
    /// Its text.
    pub text: String,
}

/// A parsed document.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file, as diagnostics name it.
    pub file: String,
    /// The raw tree, for `$ref` resolution and pointers.
    pub raw: Value,
    /// The typed document.
    pub api: OpenAPI,
}

/// Parses every document, reporting the problems of all of them.
pub fn load_all(sources: &[SourceDocument], sink: &mut Sink) -> Vec<Loaded> {
    if sources.is_empty() {
        sink.push(Diagnostic::new(
            Severity::Error,
            "<input>",
            Location::File,
            "no-documents",
            "no OpenAPI documents were given",
        ));
    }
    sources
        .iter()
        .filter_map(|source| load(source, sink))
        .collect()
}

fn load(source: &SourceDocument, sink: &mut Sink) -> Option<Loaded> {
    let file = source.path.as_str();
    let fail = |sink: &mut Sink, location: Location, kind, message: String| {
        sink.push(Diagnostic::new(
            Severity::Error,
            file,
            location,
            kind,
            message,
        ));
    };
    let raw = match parse_tree(&source.text) {
        Ok(raw) => raw,
        Err((location, message)) => {
            fail(sink, location, "syntax", message);
            return None;
        }
    };
    let Some(object) = raw.as_object().filter(|o| !o.is_empty()) else {
        fail(
            sink,
            Location::File,
            "empty",
            "the document is empty or not a mapping".to_owned(),
        );
        return None;
    };
    if let Some(message) = unsupported_version(object) {
        fail(
            sink,
            Location::Pointer("/openapi".to_owned()),
            "version",
            message,
        );
        return None;
    }
    match serde_path_to_error::deserialize::<_, OpenAPI>(&raw) {
        Ok(api) => Some(Loaded {
            file: file.to_owned(),
            raw,
            api,
        }),
        Err(error) => {
            let pointer = path_to_pointer(error.path());
            fail(
                sink,
                Location::Pointer(pointer),
                "shape",
                format!("not a valid OpenAPI 3.0 document: {}", error.inner()),
            );
            None
        }
    }
}

/// YAML is a superset of JSON, so one parser reads both; integer keys (status codes) become strings.
fn parse_tree(text: &str) -> Result<Value, (Location, String)> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let location = e.location().map_or(Location::File, |l| Location::Line {
            line: l.line(),
            column: l.column(),
        });
        (location, format!("invalid YAML/JSON: {e}"))
    })?;
    serde_json::to_value(&yaml)
        .map_err(|e| (Location::File, format!("unsupported YAML construct: {e}")))
}

fn unsupported_version(object: &serde_json::Map<String, Value>) -> Option<String> {
    const SUPPORTED: &str = "supported is OpenAPI 3.0.x";
    if let Some(swagger) = object.get("swagger") {
        return Some(format!(
            "Swagger/OpenAPI {} documents are not supported; {SUPPORTED}",
            display(swagger)
        ));
    }
    match object.get("openapi") {
        None => Some(format!(
            "the document has no `openapi` version field; {SUPPORTED}"
        )),
        Some(Value::String(v)) if v.starts_with("3.0.") => None,
        Some(v) => Some(format!(
            "OpenAPI {} is not supported; {SUPPORTED}",
            display(v)
        )),
    }
}

fn display(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(format!("/{index}")),
            Segment::Map { key } => Some(format!("/{}", escape_token(key))),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}
