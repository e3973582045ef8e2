//! OpenAPI 3.1: a 3.1 document's raw tree is read into the 3.0 shape the rest of the pipeline
//! reads (openapiv3's model), in place, before it is repaired and validated, as `repair.rs`
//! edits the raw tree of a 3.0 document. One pipeline, one IR: what 3.1 says differently is
//! said here the way 3.0 says it, and what 3.0 cannot say degrades with a warning naming the
//! pointer and what was lost. A 3.0 document never comes here.
//!
//! What becomes what (generator/README.md, "OpenAPI 3.1", has the table):
//! - `type: [T, "null"]` is `type: T, nullable: true`; `type: [A, B]` an `anyOf` of one schema
//!   per type, each with the keywords and `enum` values of its type; `anyOf`/`oneOf` of one
//!   schema and `{type: 'null'}` is that schema, nullable (an `allOf` of it, as 3.0 writes it).
//! - `const: v` is `enum: [v]`; schema `examples: [e, …]` gives `example: e`; numeric
//!   `exclusiveMinimum: n` is `minimum: n, exclusiveMinimum: true`; `contentEncoding: base64`
//!   is `format: byte`.
//! - A schema without `type` takes the one its keywords imply (`properties` → object, `items`
//!   → array, `enum` values → their type); keywords of another type than the schema's, which
//!   JSON Schema ignores, are dropped (openapiv3 would read the schema as untyped).
//! - `$ref` with siblings: the reference goes into an `allOf` next to the annotations
//!   (description, deprecation, defaults, examples, nullability) and the keywords that add
//!   properties; keywords that only narrow what the target allows are dropped, as a client
//!   that sends valid values of the target loses nothing by them.
//! - `prefixItems` (and the draft 4 `items: [..]`) is a list whose items are any of the tuple's
//!   schemas; `unevaluatedProperties` is `additionalProperties`; `patternProperties` of an
//!   object without properties a map.
//! - A media type without a schema is any bytes (`{type: string, format: binary}`, 3.1's file
//!   uploads and downloads) or, for `text/*`, any text; JSON and forms stay schema-less.
//! - `components/pathItems` and path items (in `paths` and `webhooks`) that `$ref` them are
//!   inlined; `webhooks` stay in the tree for `normalize` to document; a document without
//!   `paths` gets an empty map, an operation without `responses` an empty one.
//! - Not applied, with a warning: `if`/`then`/`else`, `dependentSchemas`, `$dynamicRef`,
//!   `contentEncoding` other than base64, `patternProperties` next to properties, schema
//!   dialects other than 3.1's; `mutualTLS` schemes are dropped (the TLS configuration's job).
//! - Validation keywords the client does not check for 3.0 either (`pattern`, lengths, bounds)
//!   and their 2020-12 siblings (`propertyNames`, `contains`, `dependentRequired`,
//!   `unevaluatedItems`, `unevaluatedProperties: false`) pass without a warning.
//!
//! Every node that moves is recorded in [`Origins`], so that the diagnostics of later stages,
//! made on the translated tree, point into the document as written.
//!
//! A 3.2 document comes here after `openapi32.rs` has read its additions as 3.1: the walk then
//! takes its ninth method (`query`) along, and accepts 3.2's dialect.

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Kind, Origins, Sink, escape_token};
use crate::tree::{brief, encodings};

/// Translates the 3.1 document `raw` into the 3.0 shape, in place; warnings (at pointers of the
/// document as written) go to `sink`. The result maps pointers of the translated tree back.
pub fn translate(raw: &mut Value, file: &str, sink: &mut Sink) -> Origins {
    let openapi32 = crate::tree::is_openapi32(raw);
    let mut translation = Translation {
        file,
        sink,
        origins: Origins::default(),
        methods: crate::tree::methods(openapi32),
        version: if openapi32 { "3.2" } else { "3.1" },
    };
    translation.document(raw);
    translation.origins
}

struct Translation<'a> {
    file: &'a str,
    sink: &'a mut Sink,
    origins: Origins,
    /// The methods of a path item: 3.1's eight, or 3.2's nine (`query`).
    methods: &'static [&'static str],
    /// The document's version, as messages name it.
    version: &'static str,
}

/// A pointer one token deeper (one allocation: most tokens need no escaping).
fn child(at: &str, token: &str) -> String {
    let mut pointer = String::with_capacity(at.len() + token.len() + 1);
    pointer.push_str(at);
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&escape_token(token));
    } else {
        pointer.push_str(token);
    }
    pointer
}

/// The schema dialects read as what they are: OpenAPI 3.1's and 3.2's (their base vocabulary
/// over JSON Schema 2020-12) and JSON Schema 2020-12 itself.
fn known_dialect(uri: &str) -> bool {
    uri.starts_with("https://spec.openapis.org/oas/3.1/dialect/")
        || uri.starts_with("https://spec.openapis.org/oas/3.2/dialect/")
        || uri.trim_end_matches('#') == "https://json-schema.org/draft/2020-12/schema"
}

impl Translation<'_> {
    fn warn(&mut self, at: String, kind: Kind, message: String) {
        self.sink
            .push(Diagnostic::warning(self.file, at, kind, message));
    }

    fn document(&mut self, raw: &mut Value) {
        let Some(doc) = raw.as_object_mut() else {
            return;
        };
        if let Some(uri) = doc.get("jsonSchemaDialect").and_then(Value::as_str)
            && !known_dialect(uri)
        {
            self.warn(
                "/jsonSchemaDialect".to_owned(),
                Kind::SchemaDialect,
                format!("the schema dialect `{uri}` is not OpenAPI {}'s; its schemas are read as JSON Schema 2020-12", self.version),
            );
        }
        // 3.1 makes `paths` optional (a document of webhooks or components only).
        doc.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
        for section in ["paths", "webhooks"] {
            for (name, item) in doc
                .get_mut(section)
                .and_then(Value::as_object_mut)
                .into_iter()
                .flatten()
            {
                self.path_item(item, &child(&format!("/{section}"), name));
            }
        }
        if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
            for (section, kind) in [
                ("schemas", Part::Schema),
                ("responses", Part::Response),
                ("parameters", Part::Parameter),
                ("requestBodies", Part::Body),
                ("headers", Part::Parameter),
                ("pathItems", Part::PathItem),
                ("callbacks", Part::Callback),
            ] {
                let at = format!("/components/{section}");
                for (name, value) in components
                    .get_mut(section)
                    .and_then(Value::as_object_mut)
                    .into_iter()
                    .flatten()
                {
                    self.part(kind, value, &child(&at, name));
                }
            }
        }
        self.mutual_tls(raw);
        self.inline_path_items(raw);
    }

    fn part(&mut self, kind: Part, value: &mut Value, at: &str) {
        match kind {
            Part::Schema => self.schema(value, at),
            Part::Response => self.response(value, at),
            Part::Parameter => self.parameter(value, at),
            Part::Body => self.body(value, at),
            Part::PathItem => self.path_item(value, at),
            Part::Callback => {
                for (expression, item) in value.as_object_mut().into_iter().flatten() {
                    self.path_item(item, &child(at, expression));
                }
            }
        }
    }

    fn path_item(&mut self, item: &mut Value, at: &str) {
        let Some(item) = item.as_object_mut() else {
            return;
        };
        self.parameters(item, at);
        for &method in self.methods {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let at = child(at, method);
            self.parameters(operation, &at);
            if let Some(body) = operation.get_mut("requestBody") {
                self.body(body, &child(&at, "requestBody"));
            }
            // 3.1 makes `responses` optional.
            let responses = operation
                .entry("responses")
                .or_insert_with(|| Value::Object(Map::new()));
            for (status, response) in responses.as_object_mut().into_iter().flatten() {
                self.response(response, &child(&format!("{at}/responses"), status));
            }
            for (name, callback) in operation
                .get_mut("callbacks")
                .and_then(Value::as_object_mut)
                .into_iter()
                .flatten()
            {
                self.part(
                    Part::Callback,
                    callback,
                    &child(&format!("{at}/callbacks"), name),
                );
            }
        }
    }

    fn parameters(&mut self, holder: &mut Map<String, Value>, at: &str) {
        let parameters = holder.get_mut("parameters").and_then(Value::as_array_mut);
        for (i, parameter) in parameters.into_iter().flatten().enumerate() {
            self.parameter(parameter, &format!("{at}/parameters/{i}"));
        }
    }

    /// A parameter or a header: a schema, or content.
    fn parameter(&mut self, parameter: &mut Value, at: &str) {
        let Some(parameter) = parameter
            .as_object_mut()
            .filter(|p| !p.contains_key("$ref"))
        else {
            return;
        };
        if let Some(schema) = parameter.get_mut("schema") {
            self.schema(schema, &child(at, "schema"));
        }
        self.content(parameter, at);
    }

    fn body(&mut self, body: &mut Value, at: &str) {
        if let Some(body) = body.as_object_mut().filter(|b| !b.contains_key("$ref")) {
            self.content(body, at);
        }
    }

    /// The `headers` of a response or an encoding, each read as a parameter.
    fn headers(&mut self, holder: &mut Map<String, Value>, at: &str) {
        for (name, header) in holder
            .get_mut("headers")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flatten()
        {
            self.parameter(header, &child(&format!("{at}/headers"), name));
        }
    }

    fn response(&mut self, response: &mut Value, at: &str) {
        let Some(response) = response.as_object_mut().filter(|r| !r.contains_key("$ref")) else {
            return;
        };
        self.headers(response, at);
        self.content(response, at);
    }

    fn content(&mut self, holder: &mut Map<String, Value>, at: &str) {
        let at = format!("{at}/content");
        for (media_type, media) in holder
            .get_mut("content")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flatten()
        {
            if media.is_null() {
                *media = Value::Object(Map::new());
            }
            let Some(media) = media.as_object_mut() else {
                continue;
            };
            if !media.contains_key("schema")
                && let Some(schema) = schemaless(media_type)
            {
                media.insert("schema".to_owned(), schema);
            }
            let at = child(&at, media_type);
            if let Some(schema) = media.get_mut("schema") {
                self.schema(schema, &child(&at, "schema"));
            }
            for (property, encoding) in encodings(media) {
                self.headers(encoding, &child(&format!("{at}/encoding"), property));
            }
        }
    }

    /// A schema: its subschemas first, then the schema itself (so that a node that moves
    /// carries translated children, and the moves of a child are recorded before its parent's).
    fn schema(&mut self, node: &mut Value, at: &str) {
        match node {
            // Boolean schemas: `true` accepts anything, `false` nothing.
            Value::Bool(accepts) => {
                let accepts = *accepts;
                *node = if accepts {
                    Value::Object(Map::new())
                } else {
                    serde_json::json!({"not": {}})
                };
            }
            Value::Object(map) => {
                self.subschemas(map, at);
                self.node(map, at);
            }
            _ => {}
        }
    }

    fn subschemas(&mut self, map: &mut Map<String, Value>, at: &str) {
        for (key, value) in map.iter_mut() {
            match key.as_str() {
                // A boolean here says whether extra properties or items are allowed, as in 3.0.
                "additionalProperties" | "unevaluatedProperties" | "unevaluatedItems"
                    if value.is_object() =>
                {
                    self.schema(value, &child(at, key));
                }
                "additionalProperties" | "unevaluatedProperties" | "unevaluatedItems" => {}
                "items" => match value {
                    Value::Array(items) => {
                        for (i, item) in items.iter_mut().enumerate() {
                            self.schema(item, &format!("{at}/items/{i}"));
                        }
                    }
                    // `items: false` closes a tuple; read with `prefixItems` below.
                    Value::Bool(false) => {}
                    _ => self.schema(value, &child(at, key)),
                },
                "not" | "if" | "then" | "else" | "contains" | "propertyNames" | "contentSchema" => {
                    self.schema(value, &child(at, key));
                }
                "properties" | "patternProperties" | "dependentSchemas" | "$defs"
                | "definitions" => {
                    let at = child(at, key);
                    for (name, schema) in value.as_object_mut().into_iter().flatten() {
                        self.schema(schema, &child(&at, name));
                    }
                }
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                    for (i, schema) in value.as_array_mut().into_iter().flatten().enumerate() {
                        self.schema(schema, &format!("{at}/{key}/{i}"));
                    }
                }
                _ => {}
            }
        }
    }

    /// One schema object, its subschemas translated already.
    fn node(&mut self, map: &mut Map<String, Value>, at: &str) {
        if already_30(map) {
            return;
        }
        if let Some(uri) = map.get("$schema").and_then(Value::as_str)
            && !known_dialect(uri)
        {
            let message = format!(
                "the schema dialect `{uri}` is not OpenAPI {}'s; the schema is read as JSON Schema 2020-12",
                self.version
            );
            self.warn(child(at, "$schema"), Kind::SchemaDialect, message);
        }
        self.not_applied(map, at);
        if let Some(Value::Array(examples)) = map.get("examples") {
            if let Some(first) = examples.first().filter(|_| !map.contains_key("example")) {
                let first = first.clone();
                map.insert("example".to_owned(), first);
                self.origins
                    .moved(child(at, "example"), format!("{at}/examples/0"));
            }
            map.shift_remove("examples");
        }
        if let Some(value) = map.shift_remove("const") {
            map.insert("enum".to_owned(), Value::Array(vec![value]));
        }
        self.nullable_alternative(map, at);
        self.type_array(map, at);
        infer_type(map);
        drop_other_types_keywords(map);
        numeric_bounds(map);
        self.content_encoding(map, at);
        self.tuple(map, at);
        self.extra_properties(map, at);
        self.reference_siblings(map, at);
    }

    /// Keywords whose schemas cannot be typed: dropped, with a warning each.
    fn not_applied(&mut self, map: &mut Map<String, Value>, at: &str) {
        if map.contains_key("if") {
            self.warn(
                child(at, "if"),
                Kind::KeywordNotApplied,
                "a conditional schema (`if`/`then`/`else`) is not applied: what it requires when the condition holds is not checked, and properties it declares are not typed".to_owned(),
            );
        }
        // `then`/`else` without `if` do nothing.
        for key in ["if", "then", "else"] {
            map.shift_remove(key);
        }
        if map.shift_remove("dependentSchemas").is_some() {
            self.warn(
                child(at, "dependentSchemas"),
                Kind::KeywordNotApplied,
                "`dependentSchemas` is not applied: what it requires when a property is present is not checked, and properties it declares are not typed".to_owned(),
            );
        }
        for key in ["$dynamicRef", "$recursiveRef"] {
            if let Some(target) = map.shift_remove(key) {
                self.warn(
                    child(at, key),
                    Kind::KeywordNotApplied,
                    format!("`{key}: {target}` is not followed: the schema it names is not applied, the rest of this schema types the value"),
                );
            }
        }
    }

    /// `anyOf`/`oneOf` of one schema and `null`: that schema, nullable. The schema goes into an
    /// `allOf` of one part, as 3.0 documents write a reference with a description.
    fn nullable_alternative(&mut self, map: &mut Map<String, Value>, at: &str) {
        if map.contains_key("allOf") {
            return;
        }
        for keyword in ["anyOf", "oneOf"] {
            let Some(Value::Array(alternatives)) = map.get(keyword) else {
                continue;
            };
            let others: Vec<usize> = (0..alternatives.len())
                .filter(|&i| !is_null_schema(&alternatives[i]))
                .collect();
            if alternatives.len() < 2 || others.len() != 1 {
                continue;
            }
            let index = others[0];
            let Some(Value::Array(mut alternatives)) = map.shift_remove(keyword) else {
                continue;
            };
            let schema = alternatives.swap_remove(index);
            map.insert("allOf".to_owned(), Value::Array(vec![schema]));
            map.insert("nullable".to_owned(), Value::Bool(true));
            self.origins
                .moved(format!("{at}/allOf/0"), format!("{at}/{keyword}/{index}"));
            return;
        }
    }

    /// `type` as a list: `null` among the types makes the schema nullable; two or more other
    /// types are an `anyOf` of one schema per type.
    fn type_array(&mut self, map: &mut Map<String, Value>, at: &str) {
        let Some(Value::Array(types)) = map.get("type") else {
            return;
        };
        let mut names: Vec<String> = Vec::new();
        for name in types.iter().filter_map(Value::as_str) {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
        let nullable = names.iter().any(|n| n == "null");
        names.retain(|n| n != "null");
        if nullable {
            map.insert("nullable".to_owned(), Value::Bool(true));
        }
        match names.as_slice() {
            [] if nullable => {
                map.insert("type".to_owned(), Value::from("null"));
            }
            [] => {
                map.shift_remove("type");
            }
            [single] => {
                map.insert("type".to_owned(), Value::from(single.as_str()));
            }
            _ => self.split_types(map, &names, at),
        }
    }

    fn split_types(&mut self, map: &mut Map<String, Value>, types: &[String], at: &str) {
        let values = map.get("enum").and_then(Value::as_array).cloned();
        let mut alternatives: Vec<Map<String, Value>> = Vec::new();
        for ty in types {
            let mut alternative = Map::new();
            alternative.insert("type".to_owned(), Value::from(ty.as_str()));
            for key in keywords_of(ty) {
                if let Some(value) = map.get(key) {
                    alternative.insert(key.to_owned(), value.clone());
                }
            }
            if let Some(values) = &values {
                let fitting: Vec<Value> = values
                    .iter()
                    .filter(|v| fits_type(ty, v))
                    .cloned()
                    .collect();
                if fitting.is_empty() {
                    // No value of the list has this type: the alternative accepts nothing.
                    continue;
                }
                alternative.insert("enum".to_owned(), Value::Array(fitting));
            }
            alternatives.push(alternative);
        }
        if alternatives.is_empty() || map.contains_key("anyOf") {
            // Values that fit none of the types, or an `anyOf` already there (an `allOf` of
            // both would be untyped anyway): the first type stands for the value.
            map.insert("type".to_owned(), Value::from(types[0].as_str()));
            return;
        }
        // Every keyword of a type went into its alternative (or applies to no type listed).
        for key in ["type", "enum", "format"]
            .iter()
            .chain(NUMERIC)
            .chain(STRING)
            .chain(ARRAY)
            .chain(OBJECT)
        {
            map.shift_remove(*key);
        }
        if alternatives.len() == 1 {
            map.extend(alternatives.pop().into_iter().flatten());
            return;
        }
        for i in 0..alternatives.len() {
            self.origins.moved(format!("{at}/anyOf/{i}"), at.to_owned());
        }
        map.insert(
            "anyOf".to_owned(),
            Value::Array(alternatives.into_iter().map(Value::Object).collect()),
        );
    }

    /// `contentEncoding: base64` is 3.0's `format: byte`; other encodings stay text.
    fn content_encoding(&mut self, map: &mut Map<String, Value>, at: &str) {
        let Some(encoding) = map.get("contentEncoding").and_then(Value::as_str) else {
            return;
        };
        let string = map.get("type").and_then(Value::as_str) == Some("string");
        match encoding {
            "base64" if string => {
                let format = map.get("format").and_then(Value::as_str);
                if format.is_none_or(|f| matches!(f, "byte" | "binary")) {
                    map.insert("format".to_owned(), Value::from("byte"));
                }
            }
            _ => {
                let message = format!(
                    "`contentEncoding: {encoding}` is not decoded: the value stays the encoded text"
                );
                self.warn(
                    child(at, "contentEncoding"),
                    Kind::KeywordNotApplied,
                    message,
                );
            }
        }
    }

    /// `prefixItems` (a tuple), or `items` as a list (draft 4's tuple, not 2020-12): a list
    /// whose items are any of the tuple's schemas (and of `items`, which types the rest).
    fn tuple(&mut self, map: &mut Map<String, Value>, at: &str) {
        let (tuple, keyword) = match map.get("items") {
            Some(Value::Array(_)) => {
                let Some(Value::Array(items)) = map.shift_remove("items") else {
                    return;
                };
                (items, "items")
            }
            _ => match map.shift_remove("prefixItems") {
                Some(Value::Array(prefix)) => (prefix, "prefixItems"),
                Some(_) | None => {
                    if map.get("items") == Some(&Value::Bool(false)) {
                        map.shift_remove("items");
                    }
                    return;
                }
            },
        };
        let rest = match map.shift_remove("items") {
            Some(Value::Bool(false)) | None => None,
            Some(Value::Bool(true)) => Some(Value::Object(Map::new())),
            Some(schema) => Some(schema),
        };
        let mut parts: Vec<(Value, String)> = tuple
            .into_iter()
            .enumerate()
            .map(|(i, schema)| (schema, format!("{at}/{keyword}/{i}")))
            .collect();
        if let Some(rest) = rest {
            parts.push((rest, child(at, "items")));
        }
        let mut distinct: Vec<(Value, String)> = Vec::new();
        for (schema, origin) in parts {
            if !distinct.iter().any(|(s, _)| *s == schema) {
                distinct.push((schema, origin));
            }
        }
        let message = if keyword == "items" {
            "`items` is a list (draft 4's tuple; JSON Schema 2020-12 writes `prefixItems`)"
        } else {
            "`prefixItems` (a tuple)"
        };
        match distinct.len() {
            0 => {}
            1 => {
                let (schema, origin) = distinct.remove(0);
                map.insert("items".to_owned(), schema);
                self.origins.moved(child(at, "items"), origin);
                if keyword == "items" {
                    self.warn(
                        child(at, keyword),
                        Kind::KeywordNotApplied,
                        format!("{message}: read as a list of its one schema"),
                    );
                }
            }
            _ => {
                for (i, (_, origin)) in distinct.iter().enumerate() {
                    self.origins
                        .moved(format!("{at}/items/anyOf/{i}"), origin.clone());
                }
                let any_of: Vec<Value> = distinct.into_iter().map(|(s, _)| s).collect();
                map.insert("items".to_owned(), serde_json::json!({ "anyOf": any_of }));
                self.warn(
                    child(at, keyword),
                    Kind::KeywordNotApplied,
                    format!("{message}: read as a list whose items may be any of its schemas; which position holds which type is lost"),
                );
            }
        }
    }

    /// `unevaluatedProperties` and `patternProperties`: the extra properties of an object.
    fn extra_properties(&mut self, map: &mut Map<String, Value>, at: &str) {
        map.shift_remove("unevaluatedItems");
        let plain_object = map.get("type").and_then(Value::as_str) == Some("object")
            && !["allOf", "anyOf", "oneOf", "not"]
                .iter()
                .any(|k| map.contains_key(*k));
        match map.shift_remove("unevaluatedProperties") {
            // No extra properties: the client ignores unknown keys and sends none.
            Some(Value::Bool(false)) | None => {}
            // `additionalProperties` says what the extra properties are.
            Some(_) if map.contains_key("additionalProperties") => {}
            // Next to a `$ref`, the extra properties are reported with the reference's siblings.
            Some(schema) if plain_object || map.contains_key("$ref") => {
                map.insert("additionalProperties".to_owned(), schema);
                self.origins.moved(
                    child(at, "additionalProperties"),
                    child(at, "unevaluatedProperties"),
                );
            }
            Some(_) => self.warn(
                child(at, "unevaluatedProperties"),
                Kind::AdditionalPropertiesIgnored,
                "`unevaluatedProperties` next to `allOf`/`anyOf`/`oneOf` is not kept: the extra properties are ignored".to_owned(),
            ),
        }
        let Some(Value::Object(patterns)) = map.shift_remove("patternProperties") else {
            return;
        };
        let Some((first, schema)) = patterns.iter().next() else {
            return;
        };
        let one_schema = patterns.values().all(|s| s == schema);
        let declared = map
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        if plain_object && !declared && !map.contains_key("additionalProperties") && one_schema {
            // The keys' pattern is validation, as `propertyNames` is: a map of the schema.
            map.insert("additionalProperties".to_owned(), schema.clone());
            self.origins.moved(
                child(at, "additionalProperties"),
                child(&child(at, "patternProperties"), first),
            );
            return;
        }
        let names: Vec<String> = patterns.keys().map(|k| format!("`{k}`")).collect();
        self.warn(
            child(at, "patternProperties"),
            Kind::AdditionalPropertiesIgnored,
            format!(
                "`patternProperties` ({}) is not kept: properties whose names match are ignored",
                names.join(", ")
            ),
        );
    }

    /// A `$ref` with siblings, which 3.1 applies together: the reference becomes a part of an
    /// `allOf` beside the annotations (and a part with the keywords that add properties);
    /// keywords that only narrow the target are dropped.
    fn reference_siblings(&mut self, map: &mut Map<String, Value>, at: &str) {
        if map.len() < 2 || !map.get("$ref").is_some_and(Value::is_string) {
            return;
        }
        let mut wrapper = Map::new();
        let mut part = Map::new();
        let mut all_of: Vec<Value> = Vec::new();
        let mut reference = Map::new();
        for (key, value) in std::mem::take(map) {
            match key.as_str() {
                "$ref" => {
                    reference.insert(key, value);
                }
                "allOf" => {
                    if let Value::Array(parts) = value {
                        all_of = parts;
                    }
                }
                "description" | "title" | "deprecated" | "readOnly" | "writeOnly" | "default"
                | "example" | "externalDocs" | "xml" | "nullable" | "discriminator"
                | "$comment" => {
                    wrapper.insert(key, value);
                }
                "properties"
                | "required"
                | "additionalProperties"
                | "items"
                | "anyOf"
                | "oneOf"
                | "not" => {
                    part.insert(key, value);
                }
                _ if key.starts_with("x-") => {
                    wrapper.insert(key, value);
                }
                // `type`, `format`, `enum`, bounds, …: they narrow what the target allows.
                _ => {}
            }
        }
        if part.get("additionalProperties") == Some(&Value::Bool(false)) {
            part.shift_remove("additionalProperties");
        }
        let adds = ["properties", "required", "items", "anyOf", "oneOf", "not"];
        if !adds.iter().any(|k| part.contains_key(*k)) {
            if let Some(extra) = part
                .shift_remove("additionalProperties")
                .filter(|v| *v != Value::Bool(false))
            {
                let message = format!(
                    "`additionalProperties` (or `unevaluatedProperties`) next to `$ref` is not kept: the extra properties are ignored ({})",
                    brief(&extra)
                );
                self.warn(at.to_owned(), Kind::AdditionalPropertiesIgnored, message);
            }
            part.clear();
        } else if part.contains_key("properties") {
            part.insert("type".to_owned(), Value::from("object"));
        }
        if wrapper.is_empty() && part.is_empty() && all_of.is_empty() {
            *map = reference;
            return;
        }
        let index = all_of.len();
        all_of.push(Value::Object(reference));
        self.origins
            .moved(format!("{at}/allOf/{index}"), at.to_owned());
        if !part.is_empty() {
            all_of.push(Value::Object(part));
            self.origins
                .moved(format!("{at}/allOf/{}", index + 1), at.to_owned());
        }
        wrapper.insert("allOf".to_owned(), Value::Array(all_of));
        *map = wrapper;
    }

    /// `mutualTLS` schemes (3.1) are dropped, and so are they from every requirement: the
    /// client certificate is the TLS configuration's (`HttpSettings::configure_http`), not an
    /// auth provider's.
    fn mutual_tls(&mut self, raw: &mut Value) {
        let Some(schemes) = raw
            .pointer_mut("/components/securitySchemes")
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        let names: Vec<String> = schemes
            .iter()
            .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
            .map(|(name, _)| name.clone())
            .collect();
        if names.is_empty() {
            return;
        }
        for name in &names {
            schemes.shift_remove(name);
            self.warn(
                child("/components/securitySchemes", name),
                Kind::SecuritySchemeIgnored,
                format!("the mutualTLS scheme `{name}` is left to the TLS configuration (a client certificate through `configure_http`); requirements naming it ask for no credential of the auth provider"),
            );
        }
        let mut lists: Vec<&mut Value> = Vec::new();
        let Some(doc) = raw.as_object_mut() else {
            return;
        };
        for (key, value) in doc.iter_mut() {
            match key.as_str() {
                "security" => lists.push(value),
                "paths" | "webhooks" => {
                    for item in value.as_object_mut().into_iter().flatten().map(|i| i.1) {
                        for (method, op) in item.as_object_mut().into_iter().flatten() {
                            if self.methods.contains(&method.as_str())
                                && let Some(security) = op.get_mut("security")
                            {
                                lists.push(security);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for list in lists {
            for requirement in list.as_array_mut().into_iter().flatten() {
                if let Some(requirement) = requirement.as_object_mut() {
                    requirement.retain(|scheme, _| !names.contains(scheme));
                }
            }
        }
    }

    /// Path items of `paths` and `webhooks` given by a local `$ref` (to `components/pathItems`
    /// or another path item) are replaced by what they name, their own `summary` and
    /// `description` kept over it; pointers into them lead back to the item they name.
    fn inline_path_items(&mut self, raw: &mut Value) {
        for section in ["paths", "webhooks"] {
            let names: Vec<String> = raw
                .get(section)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(_, item)| item.get("$ref").is_some_and(Value::is_string))
                .map(|(name, _)| name.clone())
                .collect();
            for name in names {
                let at = child(&format!("/{section}"), &name);
                let Some(item) = raw.pointer(&at) else {
                    continue;
                };
                let Some((origin, mut target)) = resolve_path_item(raw, item) else {
                    // Dangling or external: validation says so, or normalize skips it.
                    continue;
                };
                if let (Some(target), Some(item)) = (target.as_object_mut(), item.as_object()) {
                    for (key, value) in item.iter().filter(|(k, _)| *k != "$ref") {
                        target.insert(key.clone(), value.clone());
                    }
                }
                if let Some(slot) = raw.pointer_mut(&at) {
                    *slot = target;
                    self.origins.moved(at, origin);
                }
            }
        }
    }
}

/// The schema a media type without one has in 3.1: any content of it, so any bytes (3.0's
/// `{type: string, format: binary}`, as 3.1's "Considerations for File Uploads" say), or any
/// text for `text/*`. JSON and forms without a schema declare no body to type, as in 3.0.
fn schemaless(media_type: &str) -> Option<Value> {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let json = essence == "application/json" || essence.ends_with("+json");
    let form = essence == "application/x-www-form-urlencoded" || essence.starts_with("multipart/");
    if json || form {
        None
    } else if essence.starts_with("text/") {
        Some(serde_json::json!({"type": "string"}))
    } else {
        Some(serde_json::json!({"type": "string", "format": "binary"}))
    }
}

/// The path item a `$ref` names (through a chain of up to eight), with its pointer.
fn resolve_path_item(raw: &Value, item: &Value) -> Option<(String, Value)> {
    let mut current = item;
    let mut origin = None;
    for _ in 0..8 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.strip_prefix('#')?;
                current = raw.pointer(pointer)?;
                origin = Some(pointer.to_owned());
            }
            None => return Some((origin?, current.clone())),
        }
    }
    None
}

#[derive(Clone, Copy)]
enum Part {
    Schema,
    Response,
    Parameter,
    Body,
    PathItem,
    Callback,
}

/// `{type: 'null'}`, or an `enum` of only `null`.
fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
        || schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| !values.is_empty() && values.iter().all(Value::is_null))
}

const NUMERIC: &[&str] = &[
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
];
const STRING: &[&str] = &[
    "pattern",
    "minLength",
    "maxLength",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
];
const ARRAY: &[&str] = &[
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
];
const OBJECT: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "unevaluatedProperties",
    "minProperties",
    "maxProperties",
    "propertyNames",
    "dependentRequired",
];

/// The keywords that apply to values of one type (and `format` where openapiv3 reads it).
fn keywords_of(ty: &str) -> impl Iterator<Item = &'static str> {
    let (own, format): (&[&str], bool) = match ty {
        "number" | "integer" => (NUMERIC, true),
        "string" => (STRING, true),
        "array" => (ARRAY, false),
        "object" => (OBJECT, false),
        _ => (&[], false),
    };
    own.iter().copied().chain(format.then_some("format"))
}

fn fits_type(ty: &str, value: &Value) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => value.is_null(),
    }
}

/// A schema without `type` takes the type its keywords imply, when it composes nothing.
fn infer_type(map: &mut Map<String, Value>) {
    if map.contains_key("type")
        || ["$ref", "allOf", "anyOf", "oneOf", "not"]
            .iter()
            .any(|k| map.contains_key(*k))
    {
        return;
    }
    let has = |keys: &[&str]| keys.iter().any(|k| map.contains_key(*k));
    let ty = if has(&[
        "properties",
        "additionalProperties",
        "patternProperties",
        "unevaluatedProperties",
    ]) {
        "object"
    } else if has(&["items", "prefixItems"]) {
        "array"
    } else if map.contains_key("contentEncoding") {
        "string"
    } else if let Some(values) = map.get("enum").and_then(Value::as_array) {
        let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        let Some(ty) = ["string", "integer", "number", "boolean"]
            .into_iter()
            .find(|ty| !values.is_empty() && values.iter().all(|v| fits_type(ty, v)))
        else {
            return;
        };
        if values.len()
            < map
                .get("enum")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        {
            map.insert("nullable".to_owned(), Value::Bool(true));
        }
        ty
    } else {
        return;
    };
    map.insert("type".to_owned(), Value::from(ty));
}

/// Whether `key` is a keyword of some type that is not `ty` (and `format` where openapiv3
/// does not read it).
fn foreign(key: &str, ty: &str) -> bool {
    let typed = key == "format"
        || NUMERIC.contains(&key)
        || STRING.contains(&key)
        || ARRAY.contains(&key)
        || OBJECT.contains(&key);
    typed && !keywords_of(ty).any(|k| k == key)
}

/// A schema with one `type` whose every keyword is of that type and that says nothing 3.1 says
/// otherwise than 3.0: most schemas of most documents, which the translation leaves as they are
/// after one look at their keys.
fn already_30(map: &Map<String, Value>) -> bool {
    let Some(ty) = map.get("type").and_then(Value::as_str) else {
        return false;
    };
    map.iter().all(|(key, value)| match key.as_str() {
        "const"
        | "examples"
        | "contentEncoding"
        | "prefixItems"
        | "unevaluatedProperties"
        | "unevaluatedItems"
        | "patternProperties"
        | "if"
        | "then"
        | "else"
        | "dependentSchemas"
        | "$dynamicRef"
        | "$recursiveRef"
        | "$schema"
        | "$ref"
        | "anyOf"
        | "oneOf"
        | "enum" => false,
        "exclusiveMinimum" | "exclusiveMaximum" => !value.is_number(),
        "minimum" | "maximum" | "multipleOf" => ty != "integer" || value.is_i64() || value.is_u64(),
        "items" => value.is_object(),
        key => !foreign(key, ty),
    })
}

/// Keywords of other types than the schema's one type apply to no value of it (JSON Schema);
/// openapiv3 reads a schema with them as untyped, so they go. `enum` keeps its values of the
/// type (and `null`).
fn drop_other_types_keywords(map: &mut Map<String, Value>) {
    let Some(ty) = map.get("type").and_then(Value::as_str).map(str::to_owned) else {
        return;
    };
    if map.keys().any(|key| foreign(key, &ty)) {
        map.retain(|key, _| !foreign(key, &ty));
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.retain(|v| v.is_null() || fits_type(&ty, v));
    }
}

/// Numeric `exclusiveMinimum`/`exclusiveMaximum` (2020-12) as 3.0's bound and flag; bounds of
/// an integer schema written as whole floats (`0.0`) as integers, which openapiv3 needs.
fn numeric_bounds(map: &mut Map<String, Value>) {
    for (exclusive, bound, stricter) in [
        ("exclusiveMinimum", "minimum", std::cmp::Ordering::Greater),
        ("exclusiveMaximum", "maximum", std::cmp::Ordering::Less),
    ] {
        let Some(limit) = map.get(exclusive).and_then(Value::as_f64) else {
            continue;
        };
        let Some(value) = map.shift_remove(exclusive) else {
            continue;
        };
        let inclusive = map.get(bound).and_then(Value::as_f64);
        let tighter = inclusive
            .is_none_or(|inclusive| limit.partial_cmp(&inclusive) != Some(stricter.reverse()));
        if tighter {
            map.insert(bound.to_owned(), value);
            map.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
    if map.get("type").and_then(Value::as_str) == Some("integer") {
        for key in ["minimum", "maximum", "multipleOf"] {
            let Some(Value::Number(number)) = map.get(key) else {
                continue;
            };
            if number.is_i64() || number.is_u64() {
                continue;
            }
            match number
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            {
                #[allow(clippy::cast_possible_truncation, reason = "whole and within i64")]
                Some(whole) => {
                    map.insert(key.to_owned(), Value::from(whole as i64));
                }
                // A fractional bound of an integer: validation the client does not do.
                None => {
                    map.shift_remove(key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::diagnostics::{Kind, Origins};

    fn translated(raw: Value) -> (Value, Vec<(Kind, String)>, Origins) {
        crate::diagnostics::translated(super::translate, raw)
    }

    /// A document with these component schemas.
    fn schemas(schemas: Value) -> Value {
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": schemas}})
    }

    fn schema<'a>(raw: &'a Value, name: &str) -> &'a Value {
        &raw["components"]["schemas"][name]
    }

    #[test]
    fn type_lists_are_nullable_types_or_an_any_of_per_type_with_its_keywords_and_values() {
        let (raw, warnings, origins) = translated(schemas(json!({
            "Name": {"type": ["string", "null"], "maxLength": 5},
            "Only": {"type": ["integer"]},
            "Null": {"type": ["null"]},
            "Skill": {"type": ["string", "boolean"], "enum": ["lazy", "busy"], "default": "lazy"},
            "Id": {"type": ["string", "integer", "null"], "minLength": 1, "minimum": 0, "format": "int64", "description": "d"}
        })));
        assert_eq!(warnings, []);
        assert_eq!(
            schema(&raw, "Name"),
            &json!({"type": "string", "maxLength": 5, "nullable": true})
        );
        assert_eq!(schema(&raw, "Only"), &json!({"type": "integer"}));
        assert_eq!(
            schema(&raw, "Null"),
            &json!({"type": "null", "nullable": true})
        );
        // No boolean among the values: the strings alone.
        assert_eq!(
            schema(&raw, "Skill"),
            &json!({"default": "lazy", "type": "string", "enum": ["lazy", "busy"]})
        );
        assert_eq!(
            schema(&raw, "Id"),
            &json!({"description": "d", "nullable": true, "anyOf": [
                {"type": "string", "minLength": 1, "format": "int64"},
                {"type": "integer", "minimum": 0, "format": "int64"}
            ]})
        );
        assert_eq!(
            origins.original("/components/schemas/Id/anyOf/1/minimum"),
            "/components/schemas/Id/minimum"
        );
    }

    #[test]
    fn one_schema_or_null_is_that_schema_nullable_and_pointers_lead_back_to_it() {
        let (raw, warnings, origins) = translated(schemas(json!({
            "A": {"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}], "default": null, "title": "A"},
            "B": {"oneOf": [{"type": "null"}, {"type": "string", "const": "x"}]},
            "C": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}
        })));
        assert_eq!(warnings, []);
        assert_eq!(
            schema(&raw, "A"),
            &json!({"default": null, "title": "A", "allOf": [{"$ref": "#/components/schemas/B"}], "nullable": true})
        );
        assert_eq!(
            schema(&raw, "B"),
            &json!({"allOf": [{"type": "string", "enum": ["x"]}], "nullable": true})
        );
        assert_eq!(
            origins.original("/components/schemas/B/allOf/0/enum"),
            "/components/schemas/B/oneOf/1/enum"
        );
        // Two types and null: a nullable union, read by the union lowering as it is.
        assert_eq!(schema(&raw, "C")["anyOf"].as_array().map(Vec::len), Some(3));
    }

    #[test]
    fn const_examples_bounds_encodings_and_implied_types_read_as_openapi_30_says_them() {
        let (raw, warnings, _) = translated(schemas(json!({
            "Kind": {"const": "fixed"},
            "Level": {"enum": [1, 2, null]},
            "Sample": {"type": "string", "examples": ["a", "b"]},
            "Kept": {"type": "string", "example": "own", "examples": ["a"]},
            "Ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "exclusiveMaximum": 2},
            "Count": {"type": "integer", "exclusiveMinimum": 0.0, "multipleOf": 2.0, "maximum": 7.5},
            "Tags": {"type": "array", "items": {"type": "string"}, "exclusiveMaximum": 100, "maxLength": 3},
            "Photo": {"type": "string", "contentEncoding": "base64", "contentMediaType": "image/png"},
            "Token": {"type": "string", "contentEncoding": "base64url"},
            "Loose": {"properties": {"a": {"type": "string"}}}
        })));
        assert_eq!(
            warnings,
            [(
                Kind::KeywordNotApplied,
                "/components/schemas/Token/contentEncoding".to_owned()
            )]
        );
        assert_eq!(
            schema(&raw, "Kind"),
            &json!({"enum": ["fixed"], "type": "string"})
        );
        assert_eq!(
            schema(&raw, "Level"),
            &json!({"enum": [1, 2, null], "nullable": true, "type": "integer"})
        );
        assert_eq!(
            schema(&raw, "Sample"),
            &json!({"type": "string", "example": "a"})
        );
        assert_eq!(
            schema(&raw, "Kept"),
            &json!({"type": "string", "example": "own"})
        );
        // The exclusive minimum is the bound; the inclusive maximum is stricter than 2.
        assert_eq!(
            schema(&raw, "Ratio"),
            &json!({"type": "number", "maximum": 1, "minimum": 0, "exclusiveMinimum": true})
        );
        assert_eq!(
            schema(&raw, "Count"),
            &json!({"type": "integer", "multipleOf": 2, "minimum": 0, "exclusiveMinimum": true})
        );
        assert_eq!(
            schema(&raw, "Tags"),
            &json!({"type": "array", "items": {"type": "string"}})
        );
        assert_eq!(
            schema(&raw, "Photo"),
            &json!({"type": "string", "contentEncoding": "base64", "contentMediaType": "image/png", "format": "byte"})
        );
        assert_eq!(schema(&raw, "Loose")["type"], "object");
    }

    #[test]
    fn ref_siblings_are_kept_in_an_all_of_and_narrowing_ones_dropped_without_a_warning() {
        let (raw, warnings, origins) = translated(schemas(json!({
            "Id": {"type": "integer"},
            "Thing": {"type": "object", "properties": {
                "id": {"$ref": "#/components/schemas/Id", "description": "The id", "deprecated": true, "type": "number", "minimum": 1},
                "maybe": {"$ref": "#/components/schemas/Id", "type": ["integer", "null"], "examples": [3]},
                "plain": {"$ref": "#/components/schemas/Id", "minimum": 1},
                "more": {"$ref": "#/components/schemas/Thing", "properties": {"extra": {"type": "string"}}, "required": ["extra"]},
                "extra": {"$ref": "#/components/schemas/Thing", "unevaluatedProperties": {"type": "integer"}}
            }}
        })));
        let props = &schema(&raw, "Thing")["properties"];
        assert_eq!(
            props["id"],
            json!({"description": "The id", "deprecated": true, "allOf": [{"$ref": "#/components/schemas/Id"}]})
        );
        assert_eq!(
            props["maybe"],
            json!({"nullable": true, "example": 3, "allOf": [{"$ref": "#/components/schemas/Id"}]})
        );
        assert_eq!(props["plain"], json!({"$ref": "#/components/schemas/Id"}));
        assert_eq!(
            props["more"],
            json!({"allOf": [
                {"$ref": "#/components/schemas/Thing"},
                {"properties": {"extra": {"type": "string"}}, "required": ["extra"], "type": "object"}
            ]})
        );
        assert_eq!(
            props["extra"],
            json!({"$ref": "#/components/schemas/Thing"})
        );
        assert_eq!(
            warnings,
            [(
                Kind::AdditionalPropertiesIgnored,
                "/components/schemas/Thing/properties/extra".to_owned()
            )]
        );
        origins.assert_originals(
            "/components/schemas/Thing/properties",
            &[
                ("/id/allOf/0/$ref", "/id/$ref"),
                ("/more/allOf/1/properties/extra", "/more/properties/extra"),
            ],
        );
    }

    #[test]
    fn tuples_are_lists_of_any_of_their_schemas_with_a_warning() {
        let (raw, warnings, origins) = translated(schemas(json!({
            "Pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "string"}], "items": false},
            "Mixed": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}], "items": {"type": "boolean"}},
            "Old": {"type": "array", "items": [{"$ref": "#/components/schemas/Pair"}]}
        })));
        assert_eq!(
            schema(&raw, "Pair"),
            &json!({"type": "array", "items": {"type": "string"}})
        );
        assert_eq!(
            schema(&raw, "Mixed")["items"],
            json!({"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]})
        );
        assert_eq!(
            schema(&raw, "Old"),
            &json!({"type": "array", "items": {"$ref": "#/components/schemas/Pair"}})
        );
        assert_eq!(
            warnings,
            [
                (
                    Kind::KeywordNotApplied,
                    "/components/schemas/Mixed/prefixItems".to_owned()
                ),
                (
                    Kind::KeywordNotApplied,
                    "/components/schemas/Old/items".to_owned()
                ),
            ]
        );
        assert_eq!(
            origins.original("/components/schemas/Mixed/items/anyOf/1"),
            "/components/schemas/Mixed/prefixItems/1"
        );
        assert_eq!(
            origins.original("/components/schemas/Mixed/items/anyOf/2/type"),
            "/components/schemas/Mixed/items/type"
        );
    }

    #[test]
    fn keywords_that_cannot_be_typed_are_dropped_with_a_warning_and_validation_ones_quietly() {
        let (raw, warnings, _) = translated(schemas(json!({
            "Cond": {"type": "object", "properties": {"a": {"type": "string"}},
                     "if": {"properties": {"a": {"const": "x"}}}, "then": {"required": ["a"]},
                     "dependentSchemas": {"a": {"required": ["b"]}}, "dependentRequired": {"a": ["b"]},
                     "propertyNames": {"maxLength": 3}, "unevaluatedProperties": false},
            "Labels": {"type": "object", "patternProperties": {"^x-": {"type": "string"}}},
            "Mixed": {"type": "object", "properties": {"a": {"type": "string"}}, "patternProperties": {"^x-": {"type": "string"}}},
            "Counts": {"type": "object", "unevaluatedProperties": {"type": "integer"}},
            "Tree": {"$dynamicRef": "#node", "type": "object"},
            "Never": false,
            "Any": true,
            "Dialect": {"$schema": "http://json-schema.org/draft-07/schema#", "type": "string"}
        })));
        assert_eq!(
            warnings,
            [
                (
                    Kind::KeywordNotApplied,
                    "/components/schemas/Cond/if".to_owned()
                ),
                (
                    Kind::KeywordNotApplied,
                    "/components/schemas/Cond/dependentSchemas".to_owned()
                ),
                (
                    Kind::AdditionalPropertiesIgnored,
                    "/components/schemas/Mixed/patternProperties".to_owned()
                ),
                (
                    Kind::KeywordNotApplied,
                    "/components/schemas/Tree/$dynamicRef".to_owned()
                ),
                (
                    Kind::SchemaDialect,
                    "/components/schemas/Dialect/$schema".to_owned()
                ),
            ]
        );
        assert_eq!(
            schema(&raw, "Cond"),
            &json!({"type": "object", "properties": {"a": {"type": "string"}},
                    "dependentRequired": {"a": ["b"]}, "propertyNames": {"maxLength": 3}})
        );
        assert_eq!(
            schema(&raw, "Labels"),
            &json!({"type": "object", "additionalProperties": {"type": "string"}})
        );
        assert_eq!(
            schema(&raw, "Counts"),
            &json!({"type": "object", "additionalProperties": {"type": "integer"}})
        );
        assert_eq!(schema(&raw, "Never"), &json!({"not": {}}));
        assert_eq!(schema(&raw, "Any"), &json!({}));
    }

    #[test]
    fn path_items_are_inlined_webhooks_kept_and_mutual_tls_left_to_the_transport() {
        let (raw, warnings, origins) = translated(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "summary": "s", "license": {"name": "MIT", "identifier": "MIT"}},
            "jsonSchemaDialect": "https://example.com/dialect",
            "security": [{"mtls": []}, {"key": []}],
            "webhooks": {"ping": {"$ref": "#/components/pathItems/Ping", "summary": "own"}},
            "components": {
                "pathItems": {"Ping": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": ["string", "null"]}}}}}}},
                "securitySchemes": {"mtls": {"type": "mutualTLS"}, "key": {"type": "apiKey", "in": "header", "name": "k"}}
            }
        }));
        assert_eq!(
            warnings,
            [
                (Kind::SchemaDialect, "/jsonSchemaDialect".to_owned()),
                (
                    Kind::SecuritySchemeIgnored,
                    "/components/securitySchemes/mtls".to_owned()
                ),
            ]
        );
        assert_eq!(raw["paths"], json!({}), "3.1 makes paths optional");
        assert_eq!(raw["security"], json!([{}, {"key": []}]));
        let ping = &raw["webhooks"]["ping"];
        assert_eq!(ping["summary"], "own");
        assert_eq!(
            ping["post"]["responses"],
            json!({}),
            "3.1 makes responses optional"
        );
        assert_eq!(
            ping["post"]["requestBody"]["content"]["application/json"]["schema"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            origins.original("/webhooks/ping/post/requestBody"),
            "/components/pathItems/Ping/post/requestBody"
        );
        assert!(raw["components"]["securitySchemes"].get("mtls").is_none());
    }

    #[test]
    fn a_media_type_without_a_schema_is_any_bytes_or_text_and_json_stays_schema_less() {
        let (raw, warnings, _) = translated(json!({
            "openapi": "3.1.0",
            "paths": {"/f": {"put": {
                "requestBody": {"content": {"application/octet-stream": null, "text/csv": {}, "application/json": {}}},
                "responses": {"200": {"description": "d", "content": {"image/png": {}, "application/problem+json": {}}}}
            }}}
        }));
        assert_eq!(warnings, []);
        let op = &raw["paths"]["/f"]["put"];
        let binary = json!({"type": "string", "format": "binary"});
        assert_eq!(
            op["requestBody"]["content"]["application/octet-stream"]["schema"],
            binary
        );
        assert_eq!(
            op["requestBody"]["content"]["text/csv"]["schema"],
            json!({"type": "string"})
        );
        assert_eq!(op["requestBody"]["content"]["application/json"], json!({}));
        assert_eq!(
            op["responses"]["200"]["content"]["image/png"]["schema"],
            binary
        );
        assert_eq!(
            op["responses"]["200"]["content"]["application/problem+json"],
            json!({})
        );
    }

    #[test]
    fn origins_map_back_through_the_moves_last_to_first() {
        let mut origins = Origins::default();
        // A child split first, then its parent moved it.
        origins.moved("/s/items/anyOf/1".to_owned(), "/s/items".to_owned());
        origins.moved("/s/anyOf/0".to_owned(), "/s".to_owned());
        assert_eq!(origins.original("/s/anyOf/0/items/anyOf/1/x"), "/s/items/x");
        // Whole tokens only.
        assert_eq!(origins.original("/s/anyOf/01"), "/s/anyOf/01");
        assert_eq!(origins.original("/t"), "/t");
    }
}
