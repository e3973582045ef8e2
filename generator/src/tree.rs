//! The raw tree's vocabulary, shared by the stages that walk a document before it is typed
//! (the 3.1 and 3.2 translations, repair, validate, select): which fields of a path item are
//! operations, and which values are data (examples, defaults, extensions) rather than schema.

use serde_json::Value;

/// Whether a document is OpenAPI 3.1 (its `openapi` field, `3.1.x`).
pub fn is_openapi31(raw: &Value) -> bool {
    raw.get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1."))
}

/// Whether a document is OpenAPI 3.2 (its `openapi` field, `3.2.x`).
pub fn is_openapi32(raw: &Value) -> bool {
    raw.get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.2."))
}

/// The methods a path item names by a field of its own: OpenAPI 3.0's and 3.1's eight, then
/// 3.2's `query`.
const METHODS: [&str; 9] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// The operation fields of a path item: `query` only in an OpenAPI 3.2 document.
pub const fn methods(openapi32: bool) -> &'static [&'static str] {
    if openapi32 {
        &METHODS
    } else {
        METHODS.split_at(8).0
    }
}

/// What the object being walked is the value of: names inside `properties` are property names,
/// and the `value` of an Example Object is data.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Parent {
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
pub fn is_data(key: &str, parent: Parent) -> bool {
    match parent {
        Parent::Properties | Parent::Examples => false,
        Parent::Example => key == "value",
        Parent::Other => matches!(key, "example" | "default" | "enum") || key.starts_with("x-"),
    }
}

/// What the value under `key` of an object that is the value of `parent` is the value of.
pub fn child_parent(parent: Parent, key: &str) -> Parent {
    match (parent, key) {
        (Parent::Properties, _) => Parent::Other,
        (Parent::Examples, _) => Parent::Example,
        (_, key) if NAME_MAPS.contains(&key) => Parent::Properties,
        (_, "examples") => Parent::Examples,
        _ => Parent::Other,
    }
}

/// Whether the object at `at` is a schema: the value of a `schema`, `items`,
/// `additionalProperties` or `not`, a member of `allOf`/`oneOf`/`anyOf`, a property (or a
/// `patternProperties` entry), a `$defs` entry, or a component schema.
pub fn is_schema_at(at: &str) -> bool {
    let mut segments = at.rsplit('/');
    let (last, before, third) = (segments.next(), segments.next(), segments.next());
    matches!(
        last,
        Some("schema" | "items" | "additionalProperties" | "not")
    ) || matches!(
        before,
        Some("allOf" | "oneOf" | "anyOf" | "properties" | "$defs" | "patternProperties")
    ) || (before == Some("schemas") && third == Some("components"))
}

/// Calls `visit` with every reference of `node` (the value of `parent`): the pointer of the
/// object holding the `$ref` (relative to `node`) and its target, in document order. A `$ref`
/// inside data (an example, a default, an extension) or a property named `$ref` is no reference.
pub fn refs(node: &Value, parent: Parent, visit: &mut dyn FnMut(&str, &str)) {
    walk(node, &mut String::new(), parent, visit);
}

fn walk(node: &Value, at: &mut String, parent: Parent, visit: &mut dyn FnMut(&str, &str)) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref")
                && parent != Parent::Properties
            {
                visit(at, target);
            }
            for (key, child) in map {
                if is_data(key, parent) {
                    continue;
                }
                let len = at.len();
                at.push('/');
                at.push_str(&crate::json_pointer::escape_token(key));
                walk(child, at, child_parent(parent, key), visit);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{index}"));
                walk(child, at, Parent::Other, visit);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// The entries of a media type's `encoding` map that are objects (the Encoding Objects), by
/// property name.
pub fn encodings(
    media: &mut serde_json::Map<String, Value>,
) -> impl Iterator<Item = (&String, &mut serde_json::Map<String, Value>)> {
    media
        .get_mut("encoding")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flatten()
        .filter_map(|(property, encoding)| Some((property, encoding.as_object_mut()?)))
}

/// A value as compact JSON, cut after 60 characters, for messages that quote a document.
pub fn brief(value: &Value) -> String {
    const MAX: usize = 60;
    let text = value.to_string();
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
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
}
