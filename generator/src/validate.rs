//! Validate: problems that would make later stages guess, all of them at once. Every `$ref`
//! must be local and point at something. Example data, defaults, enum values and extensions are
//! data, not schema: a `$ref` key inside them is an ordinary key and is not checked.

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Kind, Sink, escape_token};
use crate::load::Loaded;

/// Checks every document; problems go to `sink`.
pub fn validate_all(docs: &[Loaded], sink: &mut Sink) {
    for doc in docs {
        check_refs(doc, &doc.raw, &mut String::new(), Parent::Other, sink);
    }
}

/// What the object being walked is the value of: names inside `properties` are property names,
/// and the `value` of an Example Object is data.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Parent {
    /// A map whose keys are names (`properties`, `schemas`, `responses` with its `default`, …).
    Properties,
    Examples,
    Example,
    Other,
}

/// Keys whose values are maps keyed by names: there `default` or `example` is a name, not data.
const NAME_MAPS: &[&str] = &[
    "properties",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "content",
    "paths",
    "variables",
    "mapping",
    // OpenAPI 3.1 and JSON Schema 2020-12.
    "webhooks",
    "pathItems",
    "$defs",
    "dependentSchemas",
    "patternProperties",
];

/// Keys whose values are data (examples, defaults, enum values, extensions), never schema.
pub(crate) fn is_data(key: &str, parent: Parent) -> bool {
    match parent {
        Parent::Properties | Parent::Examples => false,
        Parent::Example => key == "value",
        Parent::Other => matches!(key, "example" | "default" | "enum") || key.starts_with("x-"),
    }
}

/// What the value under `key` of an object that is the value of `parent` is the value of.
pub(crate) fn child_parent(parent: Parent, key: &str) -> Parent {
    match (parent, key) {
        (Parent::Properties, _) => Parent::Other,
        (Parent::Examples, _) => Parent::Example,
        (_, key) if NAME_MAPS.contains(&key) => Parent::Properties,
        (_, "examples") => Parent::Examples,
        _ => Parent::Other,
    }
}

fn check_refs(doc: &Loaded, node: &Value, at: &mut String, parent: Parent, sink: &mut Sink) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref")
                && parent != Parent::Properties
            {
                check_ref(doc, target, at, sink);
            }
            for (key, child) in map {
                if is_data(key, parent) {
                    continue;
                }
                let child_parent = child_parent(parent, key);
                let len = at.len();
                at.push('/');
                at.push_str(&escape_token(key));
                check_refs(doc, child, at, child_parent, sink);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{index}"));
                check_refs(doc, child, at, Parent::Other, sink);
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
            Kind::ExternalRef,
            format!("`$ref: {target}` points outside this document; only local references (#/...) are supported"),
        ));
        return;
    };
    if doc.raw.pointer(pointer).is_none() {
        sink.push(Diagnostic::error(
            &doc.file,
            format!("{at}/$ref"),
            Kind::DanglingRef,
            format!("`$ref` target `{target}` does not exist"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::{Parent, is_data};

    #[test]
    fn examples_defaults_and_extensions_are_data_but_property_names_are_not() {
        assert!(is_data("example", Parent::Other));
        assert!(is_data("x-anything", Parent::Other));
        assert!(is_data("value", Parent::Example));
        assert!(!is_data("example", Parent::Properties));
        assert!(!is_data("value", Parent::Other));
        assert!(!is_data("schema", Parent::Other));
        assert!(!is_data("default", Parent::Properties), "responses/default");
    }

    #[test]
    fn refs_in_a_default_response_are_checked_and_refs_in_examples_are_not() {
        let (_, diagnostics) = crate::normalize::test_support::normalize_yaml(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        default:\n          description: d\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n              example: {$ref: 'elsewhere.yaml'}\n",
        );
        let errors: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.severity == crate::diagnostics::Severity::Error)
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            [
                "error: t.yaml#/paths/~1x/get/responses/default/content/application~1json/schema/$ref: `$ref` target `#/components/schemas/Missing` does not exist"
            ]
        );
    }
}
