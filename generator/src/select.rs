//! Select: only the operations a [`Selection`] names are built, and only the components they
//! reach. Runs between validate and normalize on the raw trees: every operation left out is
//! removed from `paths`, every component no kept operation reaches (transitively, through
//! `$ref`) from `components`, and a document with no operation left is dropped. The empty
//! selection keeps everything, untouched.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Kind, Location, Severity, Sink};
use crate::json_pointer::unescape_token;
use crate::load::Loaded;
use crate::tree::{self, Parent};

/// Which operations to build: those whose `operationId` (as the document spells it) is in
/// `operations`, and those with a tag in `tags`. Both empty: every operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// `operationId`s.
    pub operations: Vec<String>,
    /// Tags (`tags` of an operation).
    pub tags: Vec<String>,
}

impl Selection {
    /// Whether this selects every operation (nothing named).
    pub fn is_all(&self) -> bool {
        self.operations.is_empty() && self.tags.is_empty()
    }

    fn selects(&self, id: Option<&str>, tags: &[&str]) -> bool {
        id.is_some_and(|id| self.operations.iter().any(|o| o == id))
            || tags.iter().any(|t| self.tags.iter().any(|s| s == t))
    }
}

/// The methods of the path items of `raw`: OpenAPI 3.2 adds `query`.
fn methods(raw: &Value) -> &'static [&'static str] {
    crate::tree::methods(crate::tree::is_openapi32(raw))
}

/// The component kinds pruned to what is reached (security schemes stay).
const PRUNED: &[&str] = &[
    "schemas",
    "parameters",
    "requestBodies",
    "responses",
    "headers",
];

/// One operation of a raw tree.
struct Found<'a> {
    id: Option<&'a str>,
    tags: Vec<&'a str>,
}

fn operations_of(raw: &Value) -> Vec<Found<'_>> {
    let mut found = Vec::new();
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for item in paths.values() {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in methods(raw) {
            if let Some(op) = item.get(*method) {
                found.push(Found {
                    id: op.get("operationId").and_then(Value::as_str),
                    tags: op
                        .get("tags")
                        .and_then(Value::as_array)
                        .map(|t| t.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default(),
                });
            }
        }
    }
    found
}

/// Applies `selection` to `docs`. A name that no document has is an error (with the close names
/// that exist), and then nothing is changed.
pub fn select(docs: &mut Vec<Loaded>, selection: &Selection, sink: &mut Sink) {
    if selection.is_all() {
        return;
    }
    let mut ids = BTreeSet::new();
    let mut tags = BTreeSet::new();
    for doc in docs.iter() {
        for op in operations_of(&doc.raw) {
            ids.extend(op.id.map(str::to_owned));
            tags.extend(op.tags.iter().map(|t| (*t).to_owned()));
        }
    }
    let files: Vec<&str> = docs.iter().map(|d| d.file.as_str()).collect();
    let mut unknown = false;
    for (names, known, what) in [
        (&selection.operations, &ids, "operation"),
        (&selection.tags, &tags, "tag"),
    ] {
        for name in names.iter().filter(|n| !known.contains(*n)) {
            unknown = true;
            let close = close_names(name, known);
            let hint = if close.is_empty() {
                String::new()
            } else {
                format!("; close names: {}", close.join(", "))
            };
            sink.push(Diagnostic::new(
                Severity::Error,
                "<selection>",
                Location::File,
                Kind::SelectionUnknown,
                format!("no {what} `{name}` in {}{hint}", files.join(", ")),
            ));
        }
    }
    if unknown {
        return;
    }
    for doc in docs.iter_mut() {
        prune(&mut doc.raw, selection);
    }
    docs.retain(|doc| !operations_of(&doc.raw).is_empty());
    for doc in docs.iter_mut() {
        match serde_json::from_value(doc.raw.clone()) {
            Ok(api) => doc.api = api,
            Err(error) => sink.push(Diagnostic::internal(
                &doc.file,
                format!("the selected document does not read back: {error}"),
            )),
        }
    }
}

/// Removes the operations `selection` leaves out and the components no kept operation reaches.
/// Webhooks (OpenAPI 3.1) are no operations the client calls: a selection leaves them out.
fn prune(raw: &mut Value, selection: &Selection) {
    let methods = methods(raw);
    if let Some(doc) = raw.as_object_mut() {
        doc.shift_remove("webhooks");
    }
    if let Some(paths) = raw.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            item.retain(|key, op| {
                if !methods.contains(&key.as_str()) {
                    return true;
                }
                let id = op.get("operationId").and_then(Value::as_str);
                let tags: Vec<&str> = op
                    .get("tags")
                    .and_then(Value::as_array)
                    .map(|t| t.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                selection.selects(id, &tags)
            });
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_some_and(|i| i.keys().any(|k| methods.contains(&k.as_str())))
        });
    }
    let reached = reachable(raw);
    if let Some(components) = raw.get_mut("components").and_then(Value::as_object_mut) {
        for kind in PRUNED {
            if let Some(map) = components.get_mut(*kind).and_then(Value::as_object_mut) {
                map.retain(|name, _| reached.contains(&((*kind).to_owned(), name.clone())));
            }
        }
    }
}

/// The components (kind, name) that `paths` reaches through `$ref`, transitively (references
/// as validate reads them: [`crate::tree::refs`]).
pub fn reachable(raw: &Value) -> BTreeSet<(String, String)> {
    let mut reached = BTreeSet::new();
    let mut work = Vec::new();
    let mut push = |_: &str, target: &str| work.push(target.to_owned());
    if let Some(paths) = raw.get("paths") {
        tree::refs(paths, Parent::Properties, &mut push);
    }
    while let Some(reference) = work.pop() {
        let Some(rest) = reference.strip_prefix("#/components/") else {
            continue;
        };
        let Some((kind, name)) = rest.split_once('/') else {
            continue;
        };
        let name = unescape_token(name);
        if !reached.insert((kind.to_owned(), name.clone())) {
            continue;
        }
        if let Some(target) = raw
            .get("components")
            .and_then(|c| c.get(kind))
            .and_then(|m| m.get(&name))
        {
            tree::refs(target, Parent::Other, &mut |_, target| {
                work.push(target.to_owned());
            });
        }
    }
    reached
}

/// Up to five known names close to `name`: same letters in another case, containing it or
/// contained in it, or within a third of its length in edits; closest first.
pub fn close_names(name: &str, known: &BTreeSet<String>) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut scored: BTreeMap<(usize, String), ()> = BTreeMap::new();
    for candidate in known {
        let other = candidate.to_lowercase();
        let distance = edit_distance(&lower, &other);
        let contains = other.contains(&lower) || lower.contains(&other);
        if distance <= (lower.chars().count() / 3).max(2) || contains {
            scored.insert((distance, candidate.clone()), ());
        }
    }
    scored.into_keys().take(5).map(|(_, n)| n).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        serde_json::json!({
            "openapi": "3.0.3",
            "paths": {
                "/a": {
                    "parameters": [{"$ref": "#/components/parameters/P"}],
                    "get": {"operationId": "getA", "tags": ["alpha"], "responses": {"200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}},
                    "post": {"operationId": "postA", "tags": ["beta"], "responses": {"200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Lone"}}}}}}
                },
                "/b": {
                    "get": {"operationId": "getB", "tags": ["beta"], "responses": {"200": {"$ref": "#/components/responses/R"}}}
                }
            },
            "components": {
                "parameters": {"P": {"name": "p", "in": "query", "schema": {"$ref": "#/components/schemas/PType"}}},
                "responses": {"R": {"description": "r", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/B"}}}}},
                "schemas": {
                    "A": {"type": "object", "properties": {"inner": {"$ref": "#/components/schemas/Inner"}}},
                    "Inner": {"type": "object", "properties": {"list": {"type": "array", "items": {"$ref": "#/components/schemas/Deep~1Name"}}}},
                    "Deep/Name": {"type": "object"},
                    "PType": {"type": "string"},
                    "B": {"type": "object"},
                    "Lone": {"type": "object"},
                    "Unused": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}}
                },
                "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "k"}}
            }
        })
    }

    fn names(raw: &Value, kind: &str) -> Vec<String> {
        raw["components"][kind]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn ids(raw: &Value) -> Vec<String> {
        operations_of(raw)
            .iter()
            .filter_map(|o| o.id.map(str::to_owned))
            .collect()
    }

    #[test]
    fn models_are_reached_transitively_and_the_rest_is_left_out() {
        let mut raw = doc();
        let selection = Selection {
            operations: vec!["getA".to_owned()],
            tags: vec![],
        };
        prune(&mut raw, &selection);
        assert_eq!(ids(&raw), ["getA"]);
        assert_eq!(names(&raw, "schemas"), ["A", "Inner", "Deep/Name", "PType"]);
        assert_eq!(names(&raw, "parameters"), ["P"]);
        assert!(names(&raw, "responses").is_empty());
        assert_eq!(names(&raw, "securitySchemes"), ["key"]);
        assert!(
            raw["paths"].get("/b").is_none(),
            "a path with no operation left goes"
        );
    }

    #[test]
    fn tags_and_ids_select_together() {
        let mut raw = doc();
        let selection = Selection {
            operations: vec!["getA".to_owned()],
            tags: vec!["beta".to_owned()],
        };
        prune(&mut raw, &selection);
        assert_eq!(ids(&raw), ["getA", "postA", "getB"]);
        assert_eq!(
            names(&raw, "schemas"),
            ["A", "Inner", "Deep/Name", "PType", "B", "Lone"]
        );
        assert_eq!(names(&raw, "responses"), ["R"]);
        let mut raw = doc();
        prune(
            &mut raw,
            &Selection {
                operations: vec![],
                tags: vec!["beta".to_owned()],
            },
        );
        assert_eq!(ids(&raw), ["postA", "getB"]);
        assert_eq!(names(&raw, "schemas"), ["PType", "B", "Lone"]);
    }

    #[test]
    fn everything_is_reachable_from_everything() {
        let raw = doc();
        let reached = reachable(&raw);
        assert!(!reached.contains(&("schemas".to_owned(), "Unused".to_owned())));
        assert!(reached.contains(&("schemas".to_owned(), "Deep/Name".to_owned())));
        assert_eq!(reached.len(), 8);
    }

    #[test]
    fn close_names_are_offered() {
        let known: BTreeSet<String> = ["getA", "postA", "getB", "Article_Query"]
            .map(str::to_owned)
            .into();
        assert_eq!(close_names("geta", &known), ["getA", "getB"]);
        assert_eq!(close_names("Article", &known), ["Article_Query"]);
        assert!(close_names("zzzzzzzz", &known).is_empty());
    }

    #[test]
    fn unknown_names_are_errors_and_change_nothing() {
        let source = crate::SourceDocument {
            path: "spec/a.json".to_owned(),
            text: doc().to_string().replace(
                "\"paths\"",
                "\"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\"",
            ),
        };
        let mut sink = Sink::default();
        let mut docs = crate::load_all(&[source], &mut sink);
        assert!(!sink.has_errors());
        let before = docs[0].raw.clone();
        let selection = Selection {
            operations: vec!["getA".to_owned(), "geta".to_owned()],
            tags: vec!["gamma".to_owned()],
        };
        select(&mut docs, &selection, &mut sink);
        let report = sink.finish_stage().expect_err("unknown names fail");
        let text = report.to_string();
        assert!(
            text.contains("no operation `geta` in spec/a.json; close names: getA, getB"),
            "{text}"
        );
        assert!(text.contains("no tag `gamma` in spec/a.json"), "{text}");
        assert!(!text.contains("`getA`"), "{text}");
        assert_eq!(docs[0].raw, before);
        assert!(Selection::default().is_all());
    }
}
