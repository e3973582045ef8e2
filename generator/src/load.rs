//! Load: document text (YAML or JSON) into a raw tree ([`parse`]), and a raw tree, once
//! translated and repaired by the stages between (`lib.rs`, `load_all`), into an
//! `openapiv3::OpenAPI` ([`read`]), the raw tree kept for pointer checks. Syntax errors carry
//! line and column, shape errors a JSON pointer.

use openapiv3::OpenAPI;
use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Kind, Location, Origins, Severity, Sink, escape_token};

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
    /// Written as OpenAPI 3.1 or 3.2 (its tree translated into the 3.0 shape; `webhooks` kept).
    pub openapi31: bool,
    /// Written as OpenAPI 3.2 (its path items may hold a `query` operation:
    /// [`crate::openapi32::query_operation`]).
    pub openapi32: bool,
}

/// A document's raw tree, before the 3.1 translation and the repairs.
pub struct Parsed {
    /// The file, as diagnostics name it.
    pub file: String,
    /// The raw tree, changed in place by the translations and the repairs.
    pub raw: Value,
    /// Written as OpenAPI 3.1 or 3.2.
    pub openapi31: bool,
    /// Written as OpenAPI 3.2.
    pub openapi32: bool,
}

/// "No documents" when there are none: the load stage's one problem of the input as a whole.
pub fn check_any(sources: &[SourceDocument], sink: &mut Sink) {
    if sources.is_empty() {
        sink.push(Diagnostic::new(
            Severity::Error,
            "<input>",
            Location::File,
            Kind::NoDocuments,
            "no OpenAPI documents were given",
        ));
    }
}

/// A document's text as a raw tree of a supported version; `None` (the problem in `sink`) for
/// text that is no YAML or JSON, empty, or of another version.
pub fn parse(source: &SourceDocument, sink: &mut Sink) -> Option<Parsed> {
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
            fail(sink, location, Kind::Syntax, message);
            return None;
        }
    };
    let Some(object) = raw.as_object().filter(|o| !o.is_empty()) else {
        fail(
            sink,
            Location::File,
            Kind::Empty,
            "the document is empty or not a mapping".to_owned(),
        );
        return None;
    };
    if let Some(message) = unsupported_version(object) {
        fail(
            sink,
            Location::Pointer("/openapi".to_owned()),
            Kind::Version,
            message,
        );
        return None;
    }
    let openapi32 = crate::tree::is_openapi32(&raw);
    let openapi31 = openapi32 || crate::tree::is_openapi31(&raw);
    Some(Parsed {
        file: file.to_owned(),
        raw,
        openapi31,
        openapi32,
    })
}

/// The typed document of a raw tree (translated and repaired); `None` (every problem of its shape
/// in `sink`, at pointers) when it is no valid OpenAPI document.
pub fn read(parsed: Parsed, sink: &mut Sink) -> Option<Loaded> {
    let Parsed {
        file,
        mut raw,
        openapi31,
        openapi32,
    } = parsed;
    let (origins, unresolved) = inline_callbacks(&mut raw, openapi32);
    sink.add_moves(&file, origins);
    // What openapiv3 cannot read, a callback `$ref` left (dangling, external, too deep), is
    // read as no callback and put back: validation names it at its pointer.
    let held: Vec<(String, Value)> = unresolved
        .into_iter()
        .filter_map(|at| {
            let slot = raw.pointer_mut(&at)?;
            Some((at, std::mem::replace(slot, Value::Object(Map::new()))))
        })
        .collect();
    // Read plainly first; only a document that fails is read again, with the path tracked that
    // says where (the tracking cost a tenth of a large document's reading).
    let typed = <OpenAPI as serde::Deserialize>::deserialize(&raw)
        .or_else(|_| serde_path_to_error::deserialize::<_, OpenAPI>(&raw));
    // openapiv3's path item has no `query`: 3.2's are read on their own.
    let queries = if openapi32 {
        query_problems(&raw)
    } else {
        Vec::new()
    };
    let shapes = if typed.is_err() {
        shape_problems(&raw)
    } else {
        Vec::new()
    };
    for (at, callback) in held {
        if let Some(slot) = raw.pointer_mut(&at) {
            *slot = callback;
        }
    }
    let version = if openapi32 {
        "3.2"
    } else if openapi31 {
        "3.1"
    } else {
        "3.0"
    };
    let problems = match typed {
        Ok(api) if queries.is_empty() => {
            return Some(Loaded {
                file,
                raw,
                api,
                openapi31,
                openapi32,
            });
        }
        Ok(_) => queries,
        Err(error) => {
            let mut problems = shapes;
            if problems.is_empty() {
                problems.push((path_to_pointer(error.path()), error.inner().to_string()));
            }
            problems.extend(queries);
            problems
        }
    };
    for (pointer, message) in problems {
        let message = format!("not a valid OpenAPI {version} document: {message}");
        sink.push(Diagnostic::new(
            Severity::Error,
            &file,
            Location::Pointer(pointer),
            Kind::Shape,
            message,
        ));
    }
    None
}

/// Operation callbacks given by a local `$ref` (to `components/callbacks`), which OpenAPI 3.0,
/// 3.1 and 3.2 allow and openapiv3 does not read, replaced by the callback they name, as if
/// written inline (the client neither calls nor documents callbacks; it reads them as it reads
/// inline ones). Pointers into them lead back to the component. Only the callbacks of `paths`'
/// operations are inlined: a callback's own callbacks (a component may name itself) stay
/// references, so a document grows by at most a copy of each callback it references. Returned
/// too: the pointers of the references left (dangling, external, or inside a callback).
fn inline_callbacks(raw: &mut Value, openapi32: bool) -> (Origins, Vec<String>) {
    let mut origins = Origins::default();
    let mut unresolved = Vec::new();
    let keys = |raw: &Value, at: &str| -> Vec<String> {
        raw.pointer(at)
            .and_then(Value::as_object)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    // Path items whose operations may hold callbacks, with their depth.
    let mut items: Vec<(String, usize)> = keys(raw, "/paths")
        .iter()
        .map(|path| (format!("/paths/{}", escape_token(path)), 0))
        .collect();
    for name in keys(raw, "/components/callbacks") {
        let at = format!("/components/callbacks/{}", escape_token(&name));
        for expression in keys(raw, &at) {
            items.push((format!("{at}/{}", escape_token(&expression)), 1));
        }
    }
    while let Some((item, depth)) = items.pop() {
        for method in crate::tree::methods(openapi32) {
            let callbacks = format!("{item}/{method}/callbacks");
            for name in keys(raw, &callbacks) {
                let at = format!("{callbacks}/{}", escape_token(&name));
                let reference = raw
                    .pointer(&at)
                    .and_then(|c| c.get("$ref"))
                    .is_some_and(Value::is_string);
                if reference {
                    let resolved = raw
                        .pointer(&at)
                        .filter(|_| depth == 0)
                        .and_then(|callback| resolve_callback(raw, callback));
                    let Some((origin, callback)) = resolved else {
                        unresolved.push(at);
                        continue;
                    };
                    if let Some(slot) = raw.pointer_mut(&at) {
                        *slot = callback;
                    }
                    origins.moved(at.clone(), origin);
                }
                for expression in keys(raw, &at) {
                    items.push((format!("{at}/{}", escape_token(&expression)), depth + 1));
                }
            }
        }
    }
    (origins, unresolved)
}

/// The callback a `$ref` names (through a chain of up to eight), with its pointer.
fn resolve_callback(raw: &Value, callback: &Value) -> Option<(String, Value)> {
    let mut current = callback;
    let mut origin = None;
    for _ in 0..8 {
        match current.get("$ref") {
            Some(reference) => {
                let pointer = reference.as_str()?.strip_prefix('#')?;
                current = raw.pointer(pointer)?;
                origin = Some(pointer.to_owned());
            }
            None => return Some((origin?, current.as_object()?.clone().into())),
        }
    }
    None
}

/// YAML is a superset of JSON, so one parser reads both; integer keys (status codes) become
/// strings. A document that looks like JSON is read by serde_json first, not through the YAML
/// parser (reading was most of a small document's regeneration); whatever serde_json refuses
/// goes the YAML way, which also says where the problem is.
fn parse_tree(text: &str) -> Result<Value, (Location, String)> {
    if text.trim_start().starts_with('{')
        && let Ok(value) = serde_json::from_str::<Value>(text)
    {
        return Ok(value);
    }
    let yaml: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(yaml) => yaml,
        // An integer beyond 64 bits (OpenAI's `minimum: -9223372036854776000`) is legal YAML
        // that serde_yaml's value refuses: read the document again, straight into JSON.
        Err(error) => match serde_yaml::from_str::<wide::Wide>(text) {
            Ok(wide::Wide(value)) => return Ok(value),
            Err(_) => {
                let location = error.location().map_or(Location::File, |l| Location::Line {
                    line: l.line(),
                    column: l.column(),
                });
                return Err((location, format!("invalid YAML/JSON: {error}")));
            }
        },
    };
    serde_json::to_value(&yaml)
        .map_err(|e| (Location::File, format!("unsupported YAML construct: {e}")))
}

/// A YAML document read straight into a JSON tree, for the few that serde_yaml's own value
/// refuses: an integer that does not fit 64 bits becomes the nearest float, as JSON readers
/// take it; map keys become strings, as `serde_json::to_value` makes them (`200:`).
mod wide {
    use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Number, Value};

    pub struct Wide(pub Value);

    impl<'de> Deserialize<'de> for Wide {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(WideVisitor).map(Wide)
        }
    }

    struct WideVisitor;

    fn float(value: f64) -> Value {
        Number::from_f64(value).map_or(Value::Null, Value::Number)
    }

    impl<'de> Visitor<'de> for WideVisitor {
        type Value = Value;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a YAML value")
        }

        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }

        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::from(v))
        }

        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::from(v))
        }

        #[allow(
            clippy::cast_precision_loss,
            reason = "the nearest float, as JSON reads it"
        )]
        fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
            Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
        }

        #[allow(
            clippy::cast_precision_loss,
            reason = "the nearest float, as JSON reads it"
        )]
        fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
            Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
        }

        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(float(v))
        }

        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_owned()))
        }

        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }

        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            Wide::deserialize(d).map(|w| w.0)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut items = Vec::new();
            while let Some(Wide(item)) = seq.next_element()? {
                items.push(item);
            }
            Ok(Value::Array(items))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut object = Map::new();
            while let Some((Wide(key), Wide(value))) = map.next_entry()? {
                let key = match key {
                    Value::String(key) => key,
                    Value::Bool(_) | Value::Number(_) | Value::Null => key.to_string(),
                    Value::Array(_) | Value::Object(_) => {
                        return Err(A::Error::custom("a map key that is not a scalar"));
                    }
                };
                object.insert(key, value);
            }
            Ok(Value::Object(object))
        }
    }
}

fn unsupported_version(object: &serde_json::Map<String, Value>) -> Option<String> {
    const SUPPORTED: &str = "supported are OpenAPI 3.0.x, 3.1.x and 3.2.x";
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
        Some(Value::String(v)) if ["3.0.", "3.1.", "3.2."].iter().any(|p| v.starts_with(p)) => None,
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

/// openapiv3 reads `paths` and `components` through maps that lose serde's path; reading each
/// entry on its own finds every bad entry and the exact place inside it.
fn shape_problems(raw: &Value) -> Vec<(String, String)> {
    use openapiv3::{Parameter, ReferenceOr, RequestBody, Response};
    let mut problems = Vec::new();
    let mut check = |base: String,
                     entries: Option<&Value>,
                     read: &dyn Fn(&Value) -> Option<(String, String)>| {
        for (key, value) in entries.and_then(Value::as_object).into_iter().flatten() {
            if let Some((inner, message)) = read(value) {
                problems.push((format!("{base}/{}{inner}", escape_token(key)), message));
            }
        }
    };
    check("/paths".to_owned(), raw.get("paths"), &path_item_problem);
    let components = raw.get("components");
    let section = |name: &str| components.and_then(|c| c.get(name));
    check(
        "/components/schemas".to_owned(),
        section("schemas"),
        &schema_problem,
    );
    check(
        "/components/parameters".to_owned(),
        section("parameters"),
        &shape_error::<ReferenceOr<Parameter>>,
    );
    check(
        "/components/responses".to_owned(),
        section("responses"),
        &shape_error::<ReferenceOr<Response>>,
    );
    check(
        "/components/requestBodies".to_owned(),
        section("requestBodies"),
        &shape_error::<ReferenceOr<RequestBody>>,
    );
    check(
        "/components/securitySchemes".to_owned(),
        section("securitySchemes"),
        &scheme_problem,
    );
    problems
}

/// A schema's problem, looked for in its subschemas first: openapiv3 reads a schema through
/// untagged enums, which hide where inside it the problem is.
fn schema_problem(schema: &Value) -> Option<(String, String)> {
    use openapiv3::{ReferenceOr, Schema};
    let problem = shape_error::<ReferenceOr<Schema>>(schema)?;
    let mut children: Vec<(String, &Value)> = Vec::new();
    for key in ["items", "additionalProperties", "not"] {
        children.extend(schema.get(key).map(|child| (format!("/{key}"), child)));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        let parts = schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        children.extend(
            parts
                .enumerate()
                .map(|(i, part)| (format!("/{key}/{i}"), part)),
        );
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    children.extend(
        properties
            .into_iter()
            .flatten()
            .map(|(name, child)| (format!("/properties/{}", escape_token(name)), child)),
    );
    children
        .into_iter()
        .filter(|(_, child)| child.is_object())
        .find_map(|(at, child)| {
            schema_problem(child).map(|(inner, message)| (format!("{at}{inner}"), message))
        })
        .or(Some(problem))
}

/// A security scheme's problem; serde's tag of the scheme's `type` hides where inside its flows
/// an oauth2 scheme is wrong, so they are read on their own.
fn scheme_problem(scheme: &Value) -> Option<(String, String)> {
    use openapiv3::{OAuth2Flows, ReferenceOr, SecurityScheme};
    let problem = shape_error::<ReferenceOr<SecurityScheme>>(scheme)?;
    let flows = scheme
        .get("flows")
        .filter(|_| scheme.get("type").and_then(Value::as_str) == Some("oauth2"));
    flows
        .and_then(shape_error::<OAuth2Flows>)
        .map(|(inner, message)| (format!("/flows{inner}"), message))
        .or(Some(problem))
}

/// A path item's first problem, looked for inside its operations and their responses, since
/// openapiv3 reads those through untagged enums that hide the place.
pub(crate) fn path_item_problem(item: &Value) -> Option<(String, String)> {
    use openapiv3::PathItem;
    if item.get("$ref").is_some() {
        return None;
    }
    shape_error::<PathItem>(item)?;
    // 3.2's `query` is not openapiv3's: its problems are looked for apart (`query_problems`).
    crate::tree::methods(false)
        .iter()
        .find_map(|m| {
            item.get(*m)
                .and_then(operation_problem)
                .map(|(inner, msg)| (format!("/{m}{inner}"), msg))
        })
        .or_else(|| shape_error::<PathItem>(item))
}

/// An operation's first problem, looked for inside its parameters, request body and responses
/// and their schemas, which openapiv3 reads through untagged enums that hide the place.
fn operation_problem(operation: &Value) -> Option<(String, String)> {
    use openapiv3::{Operation, Parameter, RequestBody, Response};
    shape_error::<Operation>(operation)?;
    let parameters = operation
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .find_map(|(i, parameter)| {
            located::<Parameter>(parameter, |p| {
                let schema = p.get("schema").filter(|s| s.is_object())?;
                schema_problem(schema).map(|(inner, message)| (format!("/schema{inner}"), message))
            })
            .map(|(inner, message)| (format!("/parameters/{i}{inner}"), message))
        });
    let body = || {
        let body = operation.get("requestBody")?;
        located::<RequestBody>(body, content_problem)
            .map(|(inner, message)| (format!("/requestBody{inner}"), message))
    };
    let responses = || {
        first_in_map(operation, "responses", |response| {
            located::<Response>(response, content_problem)
        })
    };
    parameters
        .or_else(body)
        .or_else(responses)
        .or_else(|| shape_error::<Operation>(operation))
}

/// The problem of `value` read as a `T` (none for a `$ref`), at the place `inside` finds within
/// it, else where serde stopped.
fn located<T: serde::de::DeserializeOwned>(
    value: &Value,
    inside: impl Fn(&Value) -> Option<(String, String)>,
) -> Option<(String, String)> {
    if value.get("$ref").is_some() {
        return None;
    }
    let problem = shape_error::<T>(value)?;
    inside(value).or(Some(problem))
}

/// The first problem in the schemas of the media types of `owner`'s `content`.
fn content_problem(owner: &Value) -> Option<(String, String)> {
    first_in_map(owner, "content", |media| {
        let schema = media.get("schema").filter(|s| s.is_object())?;
        schema_problem(schema).map(|(inner, message)| (format!("/schema{inner}"), message))
    })
}

/// The first problem `of` finds in an entry of the map `owner[key]`, at `/key/<entry>…`.
fn first_in_map(
    owner: &Value,
    key: &str,
    of: impl Fn(&Value) -> Option<(String, String)>,
) -> Option<(String, String)> {
    owner
        .get(key)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .find_map(|(name, value)| {
            of(value)
                .map(|(inner, message)| (format!("/{key}/{}{inner}", escape_token(name)), message))
        })
}

/// The problems of the `query` operations (OpenAPI 3.2) of `paths`, which openapiv3 does not read.
fn query_problems(raw: &Value) -> Vec<(String, String)> {
    raw.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(path, item)| {
            let (inner, message) = operation_problem(item.get("query")?)?;
            Some((
                format!("/paths/{}/query{inner}", escape_token(path)),
                message,
            ))
        })
        .collect()
}

fn shape_error<T: serde::de::DeserializeOwned>(value: &Value) -> Option<(String, String)> {
    serde_path_to_error::deserialize::<_, T>(value)
        .err()
        .map(|e| (path_to_pointer(e.path()), e.inner().to_string()))
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn integers_beyond_64_bits_are_read_as_the_nearest_float_and_keys_as_strings() {
        let text = "openapi: 3.1.0\npaths:\n  /x:\n    get:\n      responses:\n        200: {description: ok}\nseed: {minimum: -9223372036854776000, maximum: 18446744073709551616, n: 3, f: 0.5, on: true, off: null, tags: [a, 1]}\n";
        // serde_yaml's own value refuses the document; the wide reading takes it.
        assert!(serde_yaml::from_str::<serde_yaml::Value>(text).is_err());
        let value = super::parse_tree(text).expect("read");
        assert_eq!(
            value["paths"]["/x"]["get"]["responses"]["200"],
            json!({"description": "ok"})
        );
        assert_eq!(
            value["seed"],
            json!({"minimum": -9.223372036854776e18, "maximum": 1.8446744073709552e19, "n": 3, "f": 0.5, "on": true, "off": null, "tags": ["a", 1]})
        );
        // A document that is not YAML still says where.
        let (location, message) = super::parse_tree("a: [1\nb: 2\n").expect_err("broken");
        assert!(
            matches!(location, crate::diagnostics::Location::Line { .. }),
            "{message}"
        );
    }

    /// Where `shape_problems` names the problems of `raw`.
    fn places(raw: &serde_json::Value) -> Vec<String> {
        super::shape_problems(raw)
            .into_iter()
            .map(|(at, _)| at)
            .collect()
    }

    #[test]
    fn a_component_schema_of_the_wrong_shape_is_named_at_the_subschema_that_is_wrong() {
        let raw = json!({"components": {"schemas": {
            "Outer": {"type": "object", "properties": {"inner": {"type": "object", "properties": {
                "ok": {"type": "string"},
                "leaf": {"type": "string", "required": true}
            }}}},
            "List": {"type": "array", "items": {"allOf": [{"type": "object"}, {"type": "object", "required": "id"}]}},
            "Fine": {"type": "object", "properties": {"id": {"type": "integer"}}}
        }}});
        assert_eq!(
            places(&raw),
            [
                "/components/schemas/Outer/properties/inner/properties/leaf",
                "/components/schemas/List/items/allOf/1"
            ]
        );
    }

    #[test]
    fn a_schema_of_the_wrong_shape_in_an_operation_is_named_where_it_is_wrong() {
        let raw = json!({"paths": {
            "/p": {"get": {
                "parameters": [
                    {"name": "ok", "in": "query", "schema": {"type": "string"}},
                    {"name": "n", "in": "query", "schema": {"type": "integer", "nullable": "yes"}}
                ],
                "responses": {"204": {"description": "none"}}
            }},
            "/b": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string", "maxLength": "x"}}}
                }}}},
                "responses": {"204": {"description": "none"}}
            }},
            "/r": {"get": {"responses": {"200": {"description": "ok", "content": {"text/plain": {
                "schema": {"type": "string", "minLength": -1}
            }}}}}}
        }});
        assert_eq!(
            places(&raw),
            [
                "/paths/~1p/get/parameters/1/schema",
                "/paths/~1b/post/requestBody/content/application~1json/schema/properties/tags/items",
                "/paths/~1r/get/responses/200/content/text~1plain/schema"
            ]
        );
    }

    #[test]
    fn callbacks_by_reference_read_as_the_component_and_unresolved_ones_are_kept_for_validation() {
        let mut raw = json!({
            "paths": {"/s": {"post": {"callbacks": {
                "a": {"$ref": "#/components/callbacks/A"},
                "gone": {"$ref": "#/components/callbacks/Gone"},
            }}}},
            "components": {"callbacks": {"A": {"{$url}": {"post": {"callbacks": {
                "self": {"$ref": "#/components/callbacks/A"},
            }}}}}},
        });
        let (origins, unresolved) = super::inline_callbacks(&mut raw, false);
        let at = "/paths/~1s/post/callbacks";
        assert!(raw.pointer(&format!("{at}/a/{{$url}}/post")).is_some());
        assert_eq!(
            origins.original(&format!("{at}/a/{{$url}}/post")),
            "/components/callbacks/A/{$url}/post"
        );
        // A callback's own callbacks stay references (this one names itself).
        let mut unresolved = unresolved;
        unresolved.sort();
        assert_eq!(
            unresolved,
            [
                "/components/callbacks/A/{$url}/post/callbacks/self".to_owned(),
                format!("{at}/a/{{$url}}/post/callbacks/self"),
                format!("{at}/gone"),
            ]
        );
        assert_eq!(
            raw.pointer("/components/callbacks/A/{$url}/post/callbacks/self"),
            Some(&json!({"$ref": "#/components/callbacks/A"}))
        );
    }
}
