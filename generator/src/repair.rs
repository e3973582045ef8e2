//! Repair: deviations of published documents from OpenAPI 3.0 that lose nothing when read the way
//! the standard (or its evident intent) says, fixed in the raw tree before it is read into
//! `openapiv3` types. Each repair is a warning of a kind in
//! [repair kind](crate::diagnostics::Kind::is_repair) naming the file and JSON pointer; a document
//! without any of these deviations is not touched.
//!
//! - An oauth2 flow without its required `scopes` map (the vendor's ERP 2.0 document) gets an
//!   empty map (`oauth2-scopes-missing`).
//! - `scopes` on a security scheme that is not oauth2 are dropped: OpenAPI 3.0 gives scopes to
//!   oauth2 flows only, and the client reads none (`non-oauth2-scheme-scopes`).
//! - Scopes listed in a security requirement for an apiKey or http scheme (the vendor's
//!   `Wawi: [accountings.read]`; OpenAPI 3.0 wants an empty list there) are kept, as the
//!   permissions the key needs, and listed in the operation's documentation
//!   (`non-oauth2-requirement-scopes`).
//! - Keys next to a `$ref` (the vendor's `{$ref, type, format}` and `{$ref, example}`) are
//!   ignored by OpenAPI 3.0 and dropped, the warning saying which and with what value
//!   (`ref-siblings-ignored`). Path items, whose `$ref` may have siblings, and data (examples,
//!   defaults, enum values, extensions) are left alone.
//! - `additionalProperties` on a schema of another type than object (the vendor's uuid keys
//!   `{type: string, format: uuid, additionalProperties: false}`) constrains nothing, since it
//!   applies to objects only, and is dropped (`non-object-additional-properties`); kept, it would
//!   make the schema unreadable as a string.
//! - A response without its required `description` (Zoom's webhooks; OpenAPI 3.2 made it
//!   optional) is read with an empty one: a description only documents
//!   (`response-description-missing`).
//! - Not a deviation, and so without a warning: a blank `description` or `summary` documents
//!   nothing and is dropped, so that the generated docs say what a missing one makes them say
//!   (a blank one left an item without docs, which `#![warn(missing_docs)]` reports).
//! - `uniqueItems`, `minItems` and `maxItems` on a schema of a type other than array (PagerDuty's
//!   `{type: string, enum: […], uniqueItems: true}` parameters) constrain nothing and are dropped
//!   (`non-array-items-keyword`); kept, they make the schema unreadable as its type.
//! - `required: true` on a property's schema (Swagger 2.0's form for parameters, common in
//!   hand-written documents; OpenAPI 3.0 wants the names in the object's `required` list) makes
//!   the property required; `required: false`, and a boolean `required` on any other schema,
//!   says nothing and is dropped (`boolean-required`).
//! - A number in `exclusiveMinimum` or `exclusiveMaximum` (JSON Schema's later form, which
//!   OpenAPI 3.1 uses and generators write into 3.0 documents) is the bound, exclusive: the
//!   3.0 form `minimum: n, exclusiveMinimum: true`, or the `minimum` written next to it when
//!   that is the stricter (`numeric-exclusive-bound`).

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Kind, Sink, escape_token, pointer};
use crate::tree::{Parent, brief, child_parent, is_data, is_schema_at};

/// Schema types whose values are not objects, so `additionalProperties` says nothing about them.
const NON_OBJECT_TYPES: [&str; 5] = ["string", "integer", "number", "boolean", "array"];

/// Repairs `raw` in place; a warning for each repair goes to `sink`. An OpenAPI 3.1 document
/// (translated into the 3.0 shape already, `openapi31.rs`) may list scopes for any scheme and put
/// siblings next to a `$ref`: those are no deviations there, and are left alone.
pub fn repair(raw: &mut Value, file: &str, openapi31: bool, sink: &mut Sink) {
    let mut repairs = Repairs { file, sink };
    repairs.security_schemes(raw);
    if !openapi31 {
        repairs.requirements(raw);
    }
    repairs.schemas(raw, &mut String::new(), Parent::Other, openapi31);
}

struct Repairs<'a> {
    file: &'a str,
    sink: &'a mut Sink,
}

impl Repairs<'_> {
    fn warn(&mut self, at: String, kind: Kind, message: String) {
        self.sink
            .push(Diagnostic::warning(self.file, at, kind, message));
    }

    fn security_schemes(&mut self, raw: &mut Value) {
        let Some(schemes) = raw
            .pointer_mut("/components/securitySchemes")
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        let mut found = Vec::new();
        for (name, scheme) in schemes.iter_mut() {
            let Some(scheme) = scheme.as_object_mut() else {
                continue;
            };
            if scheme.contains_key("$ref") {
                continue;
            }
            let at = pointer(["components", "securitySchemes", name.as_str()]);
            let kind = scheme
                .get("type")
                .and_then(Value::as_str)
                .map(str::to_owned);
            match kind.as_deref() {
                Some("oauth2") => {
                    let flows = scheme.get_mut("flows").and_then(Value::as_object_mut);
                    for (flow, value) in flows.into_iter().flatten() {
                        let Some(flow_object) = value.as_object_mut() else {
                            continue;
                        };
                        if flow_object.get("scopes").is_none_or(Value::is_null) {
                            flow_object.insert("scopes".to_owned(), Value::Object(Map::new()));
                            found.push((
                                format!("{at}/flows/{}", escape_token(flow)),
                                Kind::Oauth2ScopesMissing,
                                format!(
                                    "the oauth2 flow `{flow}` has no `scopes` map (OpenAPI 3.0 requires one); read as an empty map"
                                ),
                            ));
                        }
                    }
                }
                Some(kind) => {
                    if let Some(scopes) = scheme.shift_remove("scopes") {
                        found.push((
                            format!("{at}/scopes"),
                            Kind::NonOauth2SchemeScopes,
                            format!(
                                "`scopes` on the {kind} scheme `{name}` ignored (OpenAPI 3.0 gives scopes to oauth2 flows only; the client reads none): {}",
                                brief(&scopes)
                            ),
                        ));
                    }
                }
                None => {}
            }
        }
        for (at, kind, message) in found {
            self.warn(at, kind, message);
        }
    }

    /// Scopes on requirements of schemes other than oauth2 and openIdConnect: kept, with a warning.
    fn requirements(&mut self, raw: &Value) {
        let mut lists: Vec<(String, &Value)> = Vec::new();
        if let Some(security) = raw.get("security") {
            lists.push(("/security".to_owned(), security));
        }
        for (path, item) in raw
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for method in crate::tree::methods(false) {
                if let Some(security) = item.get(method).and_then(|op| op.get("security")) {
                    lists.push((
                        pointer(["paths", path.as_str(), method, "security"]),
                        security,
                    ));
                }
            }
        }
        for (at, security) in lists {
            for (index, requirement) in security.as_array().into_iter().flatten().enumerate() {
                for (scheme, scopes) in requirement.as_object().into_iter().flatten() {
                    let Some(scopes) = scopes.as_array().filter(|s| !s.is_empty()) else {
                        continue;
                    };
                    let Some(kind) = scopes_are_a_deviation(raw, scheme) else {
                        continue;
                    };
                    self.warn(
                        format!("{at}/{index}/{}", escape_token(scheme)),
                        Kind::NonOauth2RequirementScopes,
                        format!(
                            "scopes {} listed for the {kind} scheme `{scheme}` (OpenAPI 3.0 lists scopes for oauth2 and openIdConnect only); kept as the permissions the credential needs, in the operation's documentation",
                            brief(&Value::Array(scopes.clone()))
                        ),
                    );
                }
            }
        }
    }

    /// Drops the siblings of every `$ref` outside data and path items, and `additionalProperties`
    /// of schemas that are not of objects; reads boolean `required` and numeric exclusive
    /// bounds of schemas.
    fn schemas(&mut self, node: &mut Value, at: &mut String, parent: Parent, openapi31: bool) {
        match node {
            Value::Object(map) => {
                // A response's `description` is required, blank or not.
                let response = parent == Parent::Other && is_response_at(at);
                if parent != Parent::Properties && !response {
                    map.retain(|key, value| {
                        !(matches!(key.as_str(), "description" | "summary")
                            && value.as_str().is_some_and(|text| text.trim().is_empty()))
                    });
                }
                if response && !map.contains_key("$ref") && !map.contains_key("description") {
                    map.insert("description".to_owned(), Value::String(String::new()));
                    self.warn(
                        at.clone(),
                        Kind::ResponseDescriptionMissing,
                        "a response without the `description` OpenAPI 3.0 and 3.1 require; read with an empty one".to_owned(),
                    );
                }
                // A 3.1 document's numeric bounds are in the 3.0 form already (`openapi31.rs`).
                if parent != Parent::Properties && is_schema_at(at) {
                    self.boolean_required(map, at);
                    for (bound, inclusive) in [
                        ("exclusiveMinimum", "minimum"),
                        ("exclusiveMaximum", "maximum"),
                    ] {
                        self.numeric_exclusive_bound(map, at, bound, inclusive);
                    }
                }
                let path_item = at.starts_with("/paths/") && at.matches('/').count() == 2;
                if parent != Parent::Properties
                    && !openapi31
                    && !path_item
                    && map.len() > 1
                    && map.get("$ref").is_some_and(Value::is_string)
                {
                    let reference = map.shift_remove("$ref");
                    let dropped: Vec<String> = std::mem::take(map)
                        .into_iter()
                        .map(|(key, value)| format!("`{key}`: {}", brief(&value)))
                        .collect();
                    map.extend(reference.map(|r| ("$ref".to_owned(), r)));
                    self.warn(
                        at.clone(),
                        Kind::RefSiblingsIgnored,
                        format!(
                            "keys next to `$ref` are ignored in OpenAPI 3.0; dropped {}",
                            dropped.join(", ")
                        ),
                    );
                    return;
                }
                if parent != Parent::Properties
                    && map
                        .get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| NON_OBJECT_TYPES.contains(&t))
                    && let Some(value) = map.shift_remove("additionalProperties")
                {
                    let ty = map.get("type").and_then(Value::as_str).unwrap_or_default();
                    self.warn(
                        format!("{at}/additionalProperties"),
                        Kind::NonObjectAdditionalProperties,
                        format!(
                            "`additionalProperties` on a schema of type {ty} applies to objects only; dropped `additionalProperties`: {}",
                            brief(&value)
                        ),
                    );
                }
                if parent != Parent::Properties
                    && let Some(ty) = map
                        .get("type")
                        .and_then(Value::as_str)
                        .filter(|t| NON_OBJECT_TYPES.contains(t) && *t != "array")
                        .map(str::to_owned)
                {
                    for keyword in ["uniqueItems", "minItems", "maxItems"] {
                        if let Some(value) = map.shift_remove(keyword) {
                            self.warn(
                                format!("{at}/{keyword}"),
                                Kind::NonArrayItemsKeyword,
                                format!(
                                    "`{keyword}` on a schema of type {ty} applies to arrays only; dropped `{keyword}`: {}",
                                    brief(&value)
                                ),
                            );
                        }
                    }
                }
                for (key, child) in map.iter_mut() {
                    if is_data(key, parent) {
                        continue;
                    }
                    let len = at.len();
                    at.push('/');
                    at.push_str(&escape_token(key));
                    self.schemas(child, at, child_parent(parent, key), openapi31);
                    at.truncate(len);
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter_mut().enumerate() {
                    let len = at.len();
                    at.push_str(&format!("/{index}"));
                    self.schemas(child, at, Parent::Other, openapi31);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }
}

impl Repairs<'_> {
    /// `required: <bool>` on the properties of the schema `map` (at `at`) and on the schema
    /// itself.
    fn boolean_required(&mut self, map: &mut Map<String, Value>, at: &str) {
        if let Some(Value::Bool(required)) = map.get("required") {
            let message = format!(
                "`required: {required}` on a schema says nothing (OpenAPI 3.0 wants a list of property names); dropped"
            );
            map.shift_remove("required");
            self.warn(format!("{at}/required"), Kind::BooleanRequired, message);
        }
        let mut names = Vec::new();
        for (name, property) in map
            .get_mut("properties")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flatten()
        {
            let Some(property) = property.as_object_mut() else {
                continue;
            };
            let Some(Value::Bool(required)) = property.get("required").cloned() else {
                continue;
            };
            property.shift_remove("required");
            let place = format!("{at}/properties/{}/required", escape_token(name));
            let message = if required {
                names.push(name.clone());
                format!(
                    "`required: true` on the schema of property `{name}` is Swagger 2.0's form: the property is required (OpenAPI 3.0 lists it in the object's `required`)"
                )
            } else {
                format!(
                    "`required: false` on the schema of property `{name}` says nothing; dropped"
                )
            };
            self.warn(place, Kind::BooleanRequired, message);
        }
        if !names.is_empty() {
            let listed = map
                .entry("required")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(listed) = listed {
                for name in names {
                    if !listed.iter().any(|n| n.as_str() == Some(&name)) {
                        listed.push(Value::String(name));
                    }
                }
            }
        }
    }

    /// A numeric `bound` (`exclusiveMinimum`) of the schema `map`, next to its `inclusive`
    /// counterpart (`minimum`), in the 3.0 form.
    fn numeric_exclusive_bound(
        &mut self,
        map: &mut Map<String, Value>,
        at: &str,
        bound: &str,
        inclusive: &str,
    ) {
        let Some(Value::Number(exclusive)) = map.get(bound).cloned() else {
            return;
        };
        let lower = inclusive == "minimum";
        let stricter = match map.get(inclusive).and_then(Value::as_f64) {
            // Both apply (JSON Schema): the exclusive one, unless the inclusive one is stricter.
            Some(other) => exclusive
                .as_f64()
                .is_some_and(|e| if lower { e >= other } else { e <= other }),
            None => true,
        };
        if stricter {
            map.insert(inclusive.to_owned(), Value::Number(exclusive.clone()));
        }
        map.insert(bound.to_owned(), Value::Bool(stricter));
        let kept = if stricter {
            format!("`{inclusive}: {exclusive}, {bound}: true`")
        } else {
            format!("the stricter `{inclusive}` next to it")
        };
        self.warn(
            format!("{at}/{}", escape_token(bound)),
            Kind::NumericExclusiveBound,
            format!(
                "`{bound}: {exclusive}` is the bound itself, as OpenAPI 3.1 writes it; read as OpenAPI 3.0's {kept}"
            ),
        );
    }
}

/// Whether the object at `at` is a Response Object: an entry of an operation's `responses`
/// (in paths, callbacks and webhooks alike) or of `components/responses`.
fn is_response_at(at: &str) -> bool {
    let mut segments = at.rsplit('/');
    let (_, before, third) = (segments.next(), segments.next(), segments.next());
    before == Some("responses")
        && third.is_some_and(|t| t == "components" || crate::tree::methods(true).contains(&t))
}

/// The type of the security scheme `name` when scopes listed for it in a requirement are a
/// deviation (it is declared, and neither oauth2 nor openIdConnect); `None` otherwise.
pub(crate) fn scopes_are_a_deviation<'v>(raw: &'v Value, name: &str) -> Option<&'v str> {
    let schemes = raw.pointer("/components/securitySchemes")?;
    let mut scheme = schemes.get(name)?;
    if let Some(target) = scheme.get("$ref").and_then(Value::as_str) {
        scheme = raw.pointer(target.strip_prefix('#')?)?;
    }
    scheme
        .get("type")
        .and_then(Value::as_str)
        .filter(|kind| !matches!(*kind, "oauth2" | "openIdConnect"))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::diagnostics::{Kind, Sink};

    /// The repaired tree and the (kind, pointer) of each warning.
    fn repaired(mut raw: Value) -> (Value, Vec<(Kind, String)>) {
        let mut sink = Sink::default();
        super::repair(&mut raw, "doc.json", false, &mut sink);
        (raw, sink.into_pointed_warnings())
    }

    #[test]
    fn data_names_and_path_items_are_left_alone() {
        let doc = json!({
            "openapi": "3.0.3",
            "paths": {
                "/a": {"$ref": "#/paths/~1b", "summary": "a path item may have siblings"},
                "/b": {"get": {"responses": {"default": {
                    "description": "d",
                    "content": {"application/json": {
                        "schema": {"type": "object", "additionalProperties": false, "properties": {
                            "$ref": {"type": "string"},
                            "type": {"type": "string"},
                            "additionalProperties": {"type": "string"}
                        }},
                        "example": {"$ref": "x", "type": "string", "additionalProperties": false},
                        "x-note": {"$ref": "x", "description": "d"}
                    }}
                }}}}
            },
            "components": {"schemas": {"E": {
                "type": "string",
                "enum": [{"$ref": "x", "y": 1}],
                "default": {"$ref": "x", "y": 1}
            }}}
        });
        let (raw, warnings) = repaired(doc.clone());
        assert_eq!(warnings, []);
        assert_eq!(raw, doc);
    }

    #[test]
    fn siblings_of_refs_and_additional_properties_of_non_objects_go_anywhere_in_schemas() {
        let (raw, warnings) = repaired(json!({
            "components": {"schemas": {
                "List": {"type": "array", "items": {"$ref": "#/x", "nullable": true},
                         "additionalProperties": {"type": "string"}},
                "Map": {"type": "object", "additionalProperties": {"$ref": "#/x", "description": "d"}}
            }}
        }));
        assert_eq!(
            warnings,
            [
                (
                    Kind::NonObjectAdditionalProperties,
                    "/components/schemas/List/additionalProperties".to_owned()
                ),
                (
                    Kind::RefSiblingsIgnored,
                    "/components/schemas/List/items".to_owned()
                ),
                (
                    Kind::RefSiblingsIgnored,
                    "/components/schemas/Map/additionalProperties".to_owned()
                ),
            ]
        );
        assert_eq!(
            raw,
            json!({"components": {"schemas": {
                "List": {"type": "array", "items": {"$ref": "#/x"}},
                "Map": {"type": "object", "additionalProperties": {"$ref": "#/x"}}
            }}})
        );
    }

    #[test]
    fn scopes_are_deviations_only_where_openapi_forbids_them() {
        let doc = json!({
            "security": [{"key": ["a"], "oidc": ["openid"], "undeclared": ["b"], "basic": []}],
            "paths": {"/x": {"get": {"security": [{"basic": ["c"]}]}}},
            "components": {"securitySchemes": {
                "key": {"$ref": "#/components/securitySchemes/realKey"},
                "realKey": {"type": "apiKey", "in": "header", "name": "k"},
                "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://x", "scopes": ["openid"]},
                "basic": {"type": "http", "scheme": "basic"},
                "oauth": {"type": "oauth2", "flows": {
                    "implicit": {"authorizationUrl": "https://x", "scopes": null},
                    "password": {"tokenUrl": "https://x", "scopes": {"read": "r"}}
                }}
            }}
        });
        let (raw, warnings) = repaired(doc);
        assert_eq!(
            warnings,
            [
                (
                    Kind::NonOauth2SchemeScopes,
                    "/components/securitySchemes/oidc/scopes".to_owned()
                ),
                (
                    Kind::Oauth2ScopesMissing,
                    "/components/securitySchemes/oauth/flows/implicit".to_owned()
                ),
                (
                    Kind::NonOauth2RequirementScopes,
                    "/security/0/key".to_owned()
                ),
                (
                    Kind::NonOauth2RequirementScopes,
                    "/paths/~1x/get/security/0/basic".to_owned()
                ),
            ]
        );
        assert_eq!(
            raw["components"]["securitySchemes"]["oauth"]["flows"]["implicit"]["scopes"],
            json!({})
        );
        assert_eq!(
            raw["components"]["securitySchemes"]["oauth"]["flows"]["password"]["scopes"],
            json!({"read": "r"})
        );
        assert_eq!(
            raw["security"][0]["key"],
            json!(["a"]),
            "requirement scopes are kept"
        );
    }

    #[test]
    fn boolean_required_makes_a_property_required_and_is_dropped_elsewhere() {
        let (raw, warnings) = repaired(json!({
            "paths": {"/img": {"put": {
                "parameters": [{"name": "q", "in": "query", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"required": true, "content": {"image/jpeg": {
                    "schema": {"type": "string", "format": "byte", "required": true}
                }}}
            }}},
            "components": {"schemas": {"User": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "integer", "required": true},
                    "name": {"type": "string", "required": true},
                    "nick": {"type": "string", "required": false},
                    "address": {"type": "object", "required": ["city"], "properties": {
                        "city": {"type": "string"}
                    }}
                }
            }}}
        }));
        assert_eq!(
            warnings,
            [
                (
                    Kind::BooleanRequired,
                    "/paths/~1img/put/requestBody/content/image~1jpeg/schema/required".to_owned()
                ),
                (
                    Kind::BooleanRequired,
                    "/components/schemas/User/properties/id/required".to_owned()
                ),
                (
                    Kind::BooleanRequired,
                    "/components/schemas/User/properties/name/required".to_owned()
                ),
                (
                    Kind::BooleanRequired,
                    "/components/schemas/User/properties/nick/required".to_owned()
                ),
            ]
        );
        assert_eq!(
            raw["paths"]["/img"]["put"]["requestBody"],
            json!({"required": true, "content": {"image/jpeg": {
                "schema": {"type": "string", "format": "byte"}
            }}}),
            "a request body's own `required` is its OpenAPI meaning"
        );
        assert_eq!(
            raw["paths"]["/img"]["put"]["parameters"][0]["required"],
            json!(true)
        );
        let user = &raw["components"]["schemas"]["User"];
        assert_eq!(user["required"], json!(["id", "name"]));
        assert_eq!(user["properties"]["nick"], json!({"type": "string"}));
        assert_eq!(
            user["properties"]["address"]["required"],
            json!(["city"]),
            "a list is OpenAPI's `required`"
        );
    }

    #[test]
    fn a_response_without_description_gets_an_empty_one() {
        let (raw, warnings) = repaired(json!({
            "paths": {"/a": {"get": {"responses": {
                "200": {"content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"responses": {"type": "object", "properties": {"x": {"type": "string"}}}}
                }}}},
                "404": {"$ref": "#/components/responses/Gone"},
                "500": {"description": "kept"}
            }}}},
            "webhooks": {"ping": {"post": {"responses": {"204": {}}}}},
            "components": {"responses": {"Gone": {}}}
        }));
        assert_eq!(
            warnings,
            [
                (
                    Kind::ResponseDescriptionMissing,
                    "/paths/~1a/get/responses/200".to_owned()
                ),
                (
                    Kind::ResponseDescriptionMissing,
                    "/webhooks/ping/post/responses/204".to_owned()
                ),
                (
                    Kind::ResponseDescriptionMissing,
                    "/components/responses/Gone".to_owned()
                ),
            ]
        );
        let responses = &raw["paths"]["/a"]["get"]["responses"];
        assert_eq!(responses["200"]["description"], json!(""));
        assert_eq!(
            responses["404"],
            json!({"$ref": "#/components/responses/Gone"})
        );
        assert_eq!(responses["500"]["description"], json!("kept"));
        assert_eq!(
            responses["200"]["content"]["application/json"]["schema"]["properties"]["responses"],
            json!({"type": "object", "properties": {"x": {"type": "string"}}}),
            "a property named `responses` is a schema"
        );
        assert_eq!(
            raw["webhooks"]["ping"]["post"]["responses"]["204"],
            json!({"description": ""})
        );
    }

    #[test]
    fn blank_descriptions_are_dropped_without_a_warning_but_a_responses_is_kept() {
        let (raw, warnings) = repaired(json!({
            "paths": {"/o": {"put": {
                "summary": " ",
                "parameters": [{"name": "q", "in": "query", "description": "", "schema": {"type": "string"}}],
                "requestBody": {"description": " \n", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"description": {"type": "string", "description": "\t"}},
                    "example": {"description": ""}
                }}}},
                "responses": {"200": {"description": ""}}
            }}}
        }));
        assert_eq!(warnings, []);
        let op = &raw["paths"]["/o"]["put"];
        assert_eq!(op.get("summary"), None);
        assert_eq!(op["parameters"][0].get("description"), None);
        assert_eq!(op["requestBody"].get("description"), None);
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(
            schema["properties"]["description"],
            json!({"type": "string"}),
            "a property named `description` is no description"
        );
        assert_eq!(
            schema["example"],
            json!({"description": ""}),
            "data is left alone"
        );
        assert_eq!(op["responses"]["200"], json!({"description": ""}));
    }

    #[test]
    fn a_numeric_exclusive_bound_is_the_bound_exclusive() {
        let (raw, warnings) = repaired(json!({"components": {"schemas": {"P": {
            "type": "object",
            "properties": {
                "best_of": {"type": "integer", "minimum": 0, "exclusiveMinimum": 0},
                "ratio": {"type": "number", "exclusiveMinimum": 0.5, "exclusiveMaximum": 1},
                "count": {"type": "integer", "minimum": 5, "exclusiveMinimum": 1, "maximum": 9},
                "flag": {"type": "integer", "minimum": 1, "exclusiveMinimum": true}
            }
        }}}}));
        let at = |property: &str, key: &str| {
            (
                Kind::NumericExclusiveBound,
                format!("/components/schemas/P/properties/{property}/{key}"),
            )
        };
        assert_eq!(
            warnings,
            [
                at("best_of", "exclusiveMinimum"),
                at("ratio", "exclusiveMinimum"),
                at("ratio", "exclusiveMaximum"),
                at("count", "exclusiveMinimum"),
            ]
        );
        let properties = &raw["components"]["schemas"]["P"]["properties"];
        assert_eq!(
            properties["best_of"],
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
        );
        assert_eq!(
            properties["ratio"],
            json!({"type": "number", "minimum": 0.5, "exclusiveMinimum": true, "maximum": 1, "exclusiveMaximum": true})
        );
        assert_eq!(
            properties["count"],
            json!({"type": "integer", "minimum": 5, "exclusiveMinimum": false, "maximum": 9}),
            "the inclusive bound is the stricter"
        );
        assert_eq!(
            properties["flag"],
            json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true}),
            "3.0's form is left alone"
        );
    }

    #[test]
    fn array_keywords_on_other_types_are_dropped() {
        let (raw, warnings) = repaired(json!({"components": {"parameters": {"include": {
            "name": "include[]", "in": "query",
            "schema": {"type": "string", "enum": ["services"], "uniqueItems": true, "minItems": 1}
        }}, "schemas": {"Tags": {"type": "array", "uniqueItems": true, "items": {"type": "string"}}}}}));
        let at = "/components/parameters/include/schema";
        assert_eq!(
            warnings,
            [
                (Kind::NonArrayItemsKeyword, format!("{at}/uniqueItems")),
                (Kind::NonArrayItemsKeyword, format!("{at}/minItems")),
            ]
        );
        assert_eq!(
            raw["components"]["parameters"]["include"]["schema"],
            json!({"type": "string", "enum": ["services"]})
        );
        assert_eq!(
            raw["components"]["schemas"]["Tags"]["uniqueItems"],
            json!(true),
            "an array's own"
        );
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "x".repeat(100);
        let text = super::brief(&json!(long));
        assert_eq!(text.chars().count(), 61);
        assert!(text.ends_with('…'));
        assert_eq!(super::brief(&json!("short")), "\"short\"");
    }
}
