//! Validate: problems that would make later stages guess, all of them at once. Every `$ref`
//! must be local and point at something.

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Sink, escape_token};
use crate::load::Loaded;

/// Checks every document; problems go to `sink`.
pub fn validate_all(docs: &[Loaded], sink: &mut Sink) {
    for doc in docs {
        check_refs(doc, &doc.raw, &mut String::new(), sink);
    }
}

fn check_refs(doc: &Loaded, node: &Value, at: &mut String, sink: &mut Sink) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                check_ref(doc, target, at, sink);
            }
            for (key, child) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&escape_token(key));
                check_refs(doc, child, at, sink);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{index}"));
                check_refs(doc, child, at, sink);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

fn check_ref(doc: &Loaded, target: &str, at: &str, sink: &mut Sink) {
    let Some(pointer) = target.strip_prefix('#') else {
        sink.push(Diagnostic::error(
            &doc.file,
            format!("{at}/$ref"),
            "external-ref",
            format!("`$ref: {target}` points outside this document; only local references (#/...) are supported"),
        ));
        return;
    };
    if doc.raw.pointer(pointer).is_none() {
        sink.push(Diagnostic::error(
            &doc.file,
            format!("{at}/$ref"),
            "dangling-ref",
            format!("`$ref` target `{target}` does not exist"),
        ));
    }
}
