//! Argument values built from the document's schemas: its examples where they fit the schema,
//! else synthesized values honouring type, format, enum, bounds, lengths, simple patterns,
//! nullable and required-ness. A seed makes them reproducible; each run varies them.
//! Credentials are values too: an API key declared as a parameter (`x-api-key` with
//! `format: uuid` in the vendor's documents) gets a value of that parameter's schema.

use serde_json::{Map, Value, json};

/// How deep optional properties are still filled in (recursive models end here).
const OPTIONAL_DEPTH: usize = 4;
/// Beyond this depth even required properties stop (a model that requires itself).
const MAX_DEPTH: usize = 12;

/// Builds values for one run. Run 0 prefers the document's examples and fills every optional
/// property; later runs synthesize random values and leave optional properties out at random.
pub struct Synth<'a> {
    doc: &'a Value,
    rng: fastrand::Rng,
    run: usize,
}

impl<'a> Synth<'a> {
    /// Values for `doc` (the raw tree, for `$ref`s), run `run` of the seed `seed`.
    pub fn new(doc: &'a Value, seed: u64, run: usize) -> Self {
        Self {
            doc,
            rng: fastrand::Rng::with_seed(seed ^ (run as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            run,
        }
    }

    /// Whether an optional parameter or property is sent in this run.
    pub fn include_optional(&mut self) -> bool {
        self.run == 0 || self.rng.bool()
    }

    /// `schema` with its `$ref`s followed (a dangling one gives an empty schema).
    pub fn resolve(&self, schema: &'a Value) -> &'a Value {
        resolve(self.doc, schema)
    }

    /// A value for a parameter: its own example, its schema's, or a synthesized one.
    pub fn parameter(&mut self, parameter: &'a Value) -> Value {
        let parameter = self.resolve(parameter);
        let schema = parameter
            .get("schema")
            .map_or(&Value::Null, |s| self.resolve(s));
        if self.run == 0 {
            let examples = parameter
                .get("examples")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|m| m.values())
                .filter_map(|e| self.resolve(e).get("value"));
            for example in parameter.get("example").into_iter().chain(examples) {
                if fits(self.doc, example, schema) {
                    return example.clone();
                }
            }
        }
        self.value(schema, 0)
    }

    /// A credential sent where `parameter` is declared: `default` when it fits the parameter's
    /// schema, else a value built for the parameter (its example first), as text.
    pub fn credential(&mut self, parameter: &'a Value, default: &str) -> String {
        let parameter = self.resolve(parameter);
        let schema = parameter
            .get("schema")
            .map_or(&Value::Null, |s| self.resolve(s));
        if fits(self.doc, &Value::String(default.to_owned()), schema) {
            return default.to_owned();
        }
        match self.parameter(parameter) {
            Value::String(text) => text,
            other => other.to_string(),
        }
    }

    /// A value for `schema`.
    pub fn value(&mut self, schema: &'a Value, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if self.run == 0 {
            for example in [schema.get("example"), schema.get("default")]
                .into_iter()
                .flatten()
            {
                if !example.is_null() && fits(self.doc, example, schema) {
                    return example.clone();
                }
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if !values.is_empty() {
                let pick = self.pick(values.len());
                return values[pick].clone();
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            let mut other = None;
            for part in parts {
                match self.value(part, depth) {
                    Value::Object(map) => merged.extend(map),
                    value => other = Some(value),
                }
            }
            let own = self.typed(schema, depth);
            if let Value::Object(map) = own {
                merged.extend(map);
            }
            return match other {
                Some(value) if merged.is_empty() => value,
                _ => Value::Object(merged),
            };
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(choices) = schema
                .get(key)
                .and_then(Value::as_array)
                .filter(|c| !c.is_empty())
            {
                // A value or a list of such values is a list to the client (generator/README.md,
                // "Schemas"): the list is the alternative every client type holds.
                let pick = match self.value_or_list(choices) {
                    Some(list) => list,
                    None => self.pick(choices.len()),
                };
                let mut value = self.value(&choices[pick], depth);
                // The client reads a discriminated union by its tag: the tag must name the
                // alternative the value was made for.
                if let (Some(tag), Value::Object(map)) =
                    (discriminator_tag(schema, &choices[pick]), &mut value)
                {
                    map.insert(tag.0, Value::String(tag.1));
                }
                return value;
            }
        }
        self.typed(schema, depth)
    }

    /// The index of the list in a `oneOf`/`anyOf` of two alternatives, one of them a list.
    fn value_or_list(&self, choices: &'a [Value]) -> Option<usize> {
        let [first, second] = choices else {
            return None;
        };
        let is_list = |choice: &'a Value| schema_type(self.resolve(choice)) == Some("array");
        match (is_list(first), is_list(second)) {
            (false, true) => Some(1),
            (true, false) => Some(0),
            _ => None,
        }
    }

    fn pick(&mut self, len: usize) -> usize {
        if self.run == 0 {
            0
        } else {
            self.rng.usize(..len)
        }
    }

    fn typed(&mut self, schema: &'a Value, depth: usize) -> Value {
        match schema_type(schema) {
            Some("string") => Value::String(self.string(schema)),
            Some("integer") => json!(self.integer(schema)),
            Some("number") => self.number(schema),
            Some("boolean") => Value::Bool(self.run == 0 || self.rng.bool()),
            Some("array") => self.array(schema, depth),
            Some("object") => self.object(schema, depth),
            _ => Value::Object(Map::new()),
        }
    }

    fn string(&mut self, schema: &Value) -> String {
        let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
        let r = &mut self.rng;
        let first = self.run == 0;
        let formatted = match format {
            "date-time" => Some(if first {
                "2024-05-17T08:30:00+02:00".to_owned()
            } else {
                format!(
                    "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
                    r.u8(10..40),
                    r.u8(1..13),
                    r.u8(1..29),
                    r.u8(0..24),
                    r.u8(0..60),
                    r.u8(0..60),
                    ["Z", "+02:00", "-05:30"][r.usize(..3)]
                )
            }),
            "date" => Some(if first {
                "2024-05-17".to_owned()
            } else {
                format!(
                    "20{:02}-{:02}-{:02}",
                    r.u8(10..40),
                    r.u8(1..13),
                    r.u8(1..29)
                )
            }),
            "uuid" => Some(if first {
                "6f1c2b3a-1111-4222-8333-944455556666".to_owned()
            } else {
                let hex: String = (0..32)
                    .map(|_| char::from(b"0123456789abcdef"[r.usize(..16)]))
                    .collect();
                format!(
                    "{}-{}-4{}-8{}-{}",
                    &hex[..8],
                    &hex[8..12],
                    &hex[13..16],
                    &hex[17..20],
                    &hex[20..]
                )
            }),
            // Standard base64 of a few bytes ("conformance" on the first run).
            "byte" => Some(if first {
                "Y29uZm9ybWFuY2U=".to_owned()
            } else {
                ["AAEC", "3q2+7w==", "SGVsbG8="][r.usize(..3)].to_owned()
            }),
            "email" => Some("conformance@example.com".to_owned()),
            "uri" | "url" => Some("https://example.com/conformance".to_owned()),
            "hostname" => Some("example.com".to_owned()),
            "ipv4" => Some("192.0.2.1".to_owned()),
            "ipv6" => Some("2001:db8::1".to_owned()),
            _ => None,
        };
        let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = schema
            .get("maxLength")
            .and_then(Value::as_u64)
            .map_or(usize::MAX, |m| m as usize);
        let pattern = schema.get("pattern").and_then(Value::as_str);
        if let Some(value) = formatted {
            // A pattern the formatted value breaks wins, when it can be honoured.
            if pattern.is_none_or(|p| matches_pattern(&value, p)) {
                return value;
            }
        }
        if let Some(value) = pattern.and_then(|p| from_pattern(p, min, max)) {
            return value;
        }
        let mut value = if first {
            "conformance".to_owned()
        } else {
            let len = self.rng.usize(3..16);
            (0..len)
                .map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[self.rng.usize(..36)]))
                .collect()
        };
        while value.len() < min {
            value.push('x');
        }
        value.truncate(max.max(min));
        value
    }

    fn integer(&mut self, schema: &Value) -> i64 {
        let format_max = match schema.get("format").and_then(Value::as_str) {
            Some("int32") => i64::from(i32::MAX),
            _ => i64::MAX,
        };
        let (mut lo, mut hi) = (i64::MIN, format_max);
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
            lo = min.ceil() as i64;
            if schema.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
                lo += 1;
            }
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
            hi = hi.min(max.floor() as i64);
            if schema.get("exclusiveMaximum") == Some(&Value::Bool(true)) {
                hi -= 1;
            }
        }
        let base = if self.run == 0 {
            1
        } else {
            self.rng.i64(0..1000)
        };
        let mut value = base.clamp(lo, hi.max(lo));
        if let Some(step) = schema
            .get("multipleOf")
            .and_then(Value::as_i64)
            .filter(|s| *s > 0)
        {
            value = (value / step) * step;
            if value < lo {
                value = value.saturating_add(step);
            }
            if value > hi {
                value = value.saturating_sub(step);
            }
        }
        value
    }

    fn number(&mut self, schema: &Value) -> Value {
        let lo = schema.get("minimum").and_then(Value::as_f64);
        let hi = schema.get("maximum").and_then(Value::as_f64);
        let exclusive = |key| schema.get(key) == Some(&Value::Bool(true));
        let base = if self.run == 0 {
            1.5
        } else {
            self.rng.f64() * 1000.0
        };
        let mut value = base;
        if let Some(lo) = lo {
            value = value.max(lo);
        }
        if let Some(hi) = hi {
            value = value.min(hi);
        }
        // An exclusive bound is not a value: halfway to the other bound, or one beyond.
        let inside = |lo: f64, hi: Option<f64>| hi.map_or(lo + 1.0, |hi| lo + (hi - lo) / 2.0);
        if let Some(lo) = lo.filter(|lo| exclusive("exclusiveMinimum") && value <= *lo) {
            value = inside(lo, hi);
        }
        if let Some(hi) = hi.filter(|hi| exclusive("exclusiveMaximum") && value >= *hi) {
            value = lo.map_or(hi - 1.0, |lo| lo + (hi - lo) / 2.0);
        }
        if let Some(step) = schema
            .get("multipleOf")
            .and_then(Value::as_f64)
            .filter(|s| *s > 0.0)
        {
            let multiple = (value / step).ceil() * step;
            value = if in_bounds(multiple, schema) {
                multiple
            } else {
                (value / step).floor() * step
            };
        }
        json!(value)
    }

    fn array(&mut self, schema: &'a Value, depth: usize) -> Value {
        let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .map_or(usize::MAX, |m| m as usize);
        if depth >= MAX_DEPTH {
            return Value::Array(Vec::new());
        }
        let wanted = if self.run == 0 {
            1
        } else {
            self.rng.usize(1..4)
        };
        let count = wanted.max(min).min(max);
        let items = schema.get("items").unwrap_or(&Value::Null);
        let unique = schema.get("uniqueItems") == Some(&Value::Bool(true));
        let mut values: Vec<Value> = Vec::with_capacity(count);
        for _ in 0..count {
            let value = self.value(items, depth + 1);
            if unique && values.contains(&value) {
                continue;
            }
            values.push(value);
        }
        Value::Array(values)
    }

    fn object(&mut self, schema: &'a Value, depth: usize) -> Value {
        let mut map = Map::new();
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if depth < MAX_DEPTH
            && let Some(properties) = schema.get("properties").and_then(Value::as_object)
        {
            for (name, property) in properties {
                let property_schema = self.resolve(property);
                // Read-only properties belong to answers; a request must not carry them.
                if property_schema.get("readOnly") == Some(&Value::Bool(true)) {
                    continue;
                }
                let is_required = required.contains(&name.as_str());
                if !is_required && (depth >= OPTIONAL_DEPTH || !self.include_optional()) {
                    continue;
                }
                let nullable = property_schema.get("nullable") == Some(&Value::Bool(true));
                let value = if !is_required && nullable && self.run > 0 && self.rng.u8(..8) == 0 {
                    Value::Null
                } else {
                    self.value(property, depth + 1)
                };
                map.insert(name.clone(), value);
            }
        }
        // A required property the schema does not declare (a document's slip) still has to be
        // there for the request to be valid.
        for name in &required {
            if !map.contains_key(*name) && schema.pointer(&format!("/properties/{name}")).is_none()
            {
                map.insert((*name).to_owned(), Value::String("conformance".to_owned()));
            }
        }
        if map.is_empty() && schema.get("properties").is_none() {
            let extra = schema.get("additionalProperties");
            if let Some(extra) = extra.filter(|e| e.is_object())
                && depth < OPTIONAL_DEPTH
            {
                map.insert("key1".to_owned(), self.value(extra, depth + 1));
            }
        }
        Value::Object(map)
    }
}

/// The discriminator's property and the value naming alternative `choice` (a `$ref`): the
/// first `mapping` entry pointing at it, else the schema's name.
fn discriminator_tag(schema: &Value, choice: &Value) -> Option<(String, String)> {
    let discriminator = schema.get("discriminator")?;
    let property = discriminator.get("propertyName")?.as_str()?;
    let reference = choice.get("$ref")?.as_str()?;
    let name = reference.strip_prefix("#/components/schemas/")?;
    let mapped = discriminator
        .get("mapping")
        .and_then(Value::as_object)
        .and_then(|mapping| {
            mapping.iter().find_map(|(value, target)| {
                let target = target.as_str()?;
                (target == reference || target == name).then(|| value.clone())
            })
        });
    Some((
        property.to_owned(),
        mapped.unwrap_or_else(|| name.to_owned()),
    ))
}

/// `schema` with its local `$ref`s followed (at most 32, against cycles of aliases).
pub fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            return schema;
        };
        match reference.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            Some(target) => schema = target,
            None => return &Value::Null,
        }
    }
    schema
}

fn schema_type(schema: &Value) -> Option<&str> {
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => Some(t),
        None if schema.get("properties").is_some()
            || schema.get("additionalProperties").is_some() =>
        {
            Some("object")
        }
        None if schema.get("items").is_some() => Some("array"),
        None => None,
    }
}

/// Whether `value` fits `schema` closely enough to be sent: types, enums, formats by shape,
/// bounds and multiples, lengths, patterns (those the regex engine reads), required properties,
/// items.
pub fn fits(doc: &Value, value: &Value, schema: &Value) -> bool {
    let schema = resolve(doc, schema);
    if value.is_null() {
        return schema.get("nullable") == Some(&Value::Bool(true));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !values.contains(value)
    {
        return false;
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array)
        && !parts.iter().all(|p| fits(doc, value, p))
    {
        return false;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(choices) = schema.get(key).and_then(Value::as_array)
            && !choices.iter().any(|c| fits(doc, value, c))
        {
            return false;
        }
    }
    match schema_type(schema) {
        Some("string") => {
            let Some(text) = value.as_str() else {
                return false;
            };
            let len = text.chars().count() as u64;
            let min_ok = schema
                .get("minLength")
                .and_then(Value::as_u64)
                .is_none_or(|m| len >= m);
            let max_ok = schema
                .get("maxLength")
                .and_then(Value::as_u64)
                .is_none_or(|m| len <= m);
            let pattern_ok = schema
                .get("pattern")
                .and_then(Value::as_str)
                .is_none_or(|p| matches_pattern(text, p));
            min_ok
                && max_ok
                && pattern_ok
                && fits_format(text, schema.get("format").and_then(Value::as_str))
        }
        Some("integer") => value.as_i64().is_some_and(|v| {
            let int32 = schema.get("format").and_then(Value::as_str) == Some("int32");
            (!int32 || i32::try_from(v).is_ok()) && in_bounds(v as f64, schema)
        }),
        Some("number") => value.as_f64().is_some_and(|v| in_bounds(v, schema)),
        Some("boolean") => value.is_boolean(),
        Some("array") => value.as_array().is_some_and(|items| {
            let item_schema = schema.get("items").unwrap_or(&Value::Null);
            let count = items.len() as u64;
            schema
                .get("minItems")
                .and_then(Value::as_u64)
                .is_none_or(|m| count >= m)
                && schema
                    .get("maxItems")
                    .and_then(Value::as_u64)
                    .is_none_or(|m| count <= m)
                && items.iter().all(|i| fits(doc, i, item_schema))
        }),
        Some("object") => value.as_object().is_some_and(|map| {
            let required_present = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .all(|r| map.contains_key(r));
            let properties = schema.get("properties").and_then(Value::as_object);
            required_present
                && map.iter().all(|(k, v)| {
                    properties
                        .and_then(|p| p.get(k))
                        .is_none_or(|p| fits(doc, v, p))
                })
        }),
        _ => true,
    }
}

/// Whether `text` matches the ECMA-262 `pattern` (unanchored, as JSON Schema reads it). A
/// pattern the regex engine cannot read (lookaround, backreferences) cannot be checked here:
/// `true`, and the server has the last word.
pub fn matches_pattern(text: &str, pattern: &str) -> bool {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static COMPILED: RefCell<HashMap<String, Option<regex::Regex>>> = RefCell::default();
    }
    COMPILED.with(|compiled| {
        compiled
            .borrow_mut()
            .entry(pattern.to_owned())
            .or_insert_with(|| regex::Regex::new(pattern).ok())
            .as_ref()
            .is_none_or(|regex| regex.is_match(text))
    })
}

fn in_bounds(value: f64, schema: &Value) -> bool {
    let multiple_ok = schema
        .get("multipleOf")
        .and_then(Value::as_f64)
        .filter(|step| *step > 0.0)
        .is_none_or(|step| {
            let ratio = value / step;
            (ratio - ratio.round()).abs() < 1e-9
        });
    multiple_ok && in_range(value, schema)
}

fn in_range(value: f64, schema: &Value) -> bool {
    let exclusive = |key| schema.get(key) == Some(&Value::Bool(true));
    let min_ok = schema
        .get("minimum")
        .and_then(Value::as_f64)
        .is_none_or(|m| {
            if exclusive("exclusiveMinimum") {
                value > m
            } else {
                value >= m
            }
        });
    let max_ok = schema
        .get("maximum")
        .and_then(Value::as_f64)
        .is_none_or(|m| {
            if exclusive("exclusiveMaximum") {
                value < m
            } else {
                value <= m
            }
        });
    min_ok && max_ok
}

fn fits_format(text: &str, format: Option<&str>) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match format {
        Some("uuid") => {
            let parts: Vec<&str> = text.split('-').collect();
            parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
                && parts
                    .iter()
                    .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
        }
        Some("date") => {
            let parts: Vec<&str> = text.split('-').collect();
            parts.len() == 3 && parts.iter().all(|p| digits(p))
        }
        Some("date-time") => text
            .split_once('T')
            .is_some_and(|(date, time)| fits_format(date, Some("date")) && time.len() >= 8),
        Some("byte") => text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')),
        Some("int32" | "int64") => digits(text.trim_start_matches('-')),
        _ => true,
    }
}

/// A string matching a simple pattern: anchors, literals, escapes (`\d`, `\w`), classes
/// (`[A-Z0-9_-]`) and quantifiers (`?`, `*`, `+`, `{n}`, `{n,m}`). `None` for anything else
/// (groups, alternation): the caller falls back to a plain string.
fn from_pattern(pattern: &str, min: usize, max: usize) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    // Each atom with its quantifier's bounds and how often it is written.
    let mut atoms: Vec<(char, usize, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (atom, next): (char, usize) = match chars[i] {
            '^' if i == 0 => {
                i += 1;
                continue;
            }
            '$' if i + 1 == chars.len() => break,
            '\\' => {
                let escaped = *chars.get(i + 1)?;
                let c = match escaped {
                    'd' => '7',
                    'w' => 'a',
                    's' => ' ',
                    c if c.is_ascii_punctuation() => c,
                    _ => return None,
                };
                (c, i + 2)
            }
            '[' => {
                let end = i + chars[i..].iter().position(|&c| c == ']')?;
                let class = &chars[i + 1..end];
                if class.first() == Some(&'^') || class.is_empty() {
                    return None;
                }
                let c = if class.get(1) == Some(&'-') && class.len() >= 3 {
                    class[0]
                } else if class[0] == '\\' {
                    match class.get(1)? {
                        'd' => '7',
                        'w' => 'a',
                        c => *c,
                    }
                } else {
                    class[0]
                };
                (c, end + 1)
            }
            '.' => ('a', i + 1),
            '(' | ')' | '|' | '*' | '+' | '?' | '{' | '}' | '$' | '^' => return None,
            c => (c, i + 1),
        };
        i = next;
        let (low, high, after) = quantifier(&chars, i)?;
        i = after;
        atoms.push((atom, low, high, low.max(1).min(high)));
    }
    // Within the quantifiers, as long as needed to reach `minLength`, as short as `maxLength` wants.
    let mut len: usize = atoms.iter().map(|a| a.3).sum();
    for atom in &mut atoms {
        if len < min && atom.3 < atom.2 {
            let grow = (min - len).min(atom.2 - atom.3);
            atom.3 += grow;
            len += grow;
        }
        if len > max && atom.3 > atom.1 {
            let shrink = (len - max).min(atom.3 - atom.1);
            atom.3 -= shrink;
            len -= shrink;
        }
    }
    let out: String = atoms
        .iter()
        .flat_map(|&(atom, _, _, count)| std::iter::repeat_n(atom, count))
        .collect();
    (len >= min && len <= max).then_some(out)
}

/// The bounds of a quantifier at `i` (`{1,1}` when there is none) and where the pattern goes on.
fn quantifier(chars: &[char], i: usize) -> Option<(usize, usize, usize)> {
    match chars.get(i) {
        Some('?') => Some((0, 1, i + 1)),
        Some('*') => Some((0, usize::MAX, i + 1)),
        Some('+') => Some((1, usize::MAX, i + 1)),
        Some('{') => {
            let end = i + chars[i..].iter().position(|&c| c == '}')?;
            let inner: String = chars[i + 1..end].iter().collect();
            let (low, high) = match inner.split_once(',') {
                Some((l, "")) => (l.trim().parse().ok()?, usize::MAX),
                Some((l, h)) => (l.trim().parse().ok()?, h.trim().parse().ok()?),
                None => {
                    let n = inner.trim().parse().ok()?;
                    (n, n)
                }
            };
            Some((low, high, end + 1))
        }
        _ => Some((1, 1, i)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_patterns_give_matching_strings() {
        assert_eq!(from_pattern("^[A-Z]{3}$", 0, 10).as_deref(), Some("AAA"));
        assert_eq!(from_pattern("^\\d+-x?$", 0, 10).as_deref(), Some("7-x"));
        assert_eq!(from_pattern("^(a|b)$", 0, 10), None);
        assert_eq!(from_pattern("^[A-Z]{3}$", 4, 10), None);
    }

    #[test]
    fn wrong_typed_examples_are_not_used() {
        let doc = json!({});
        let schema = json!({"type": "integer", "example": "Pending", "enum": [0, 1]});
        assert!(!fits(&doc, &json!("Pending"), &schema));
        assert_eq!(Synth::new(&doc, 1, 0).value(&schema, 0), json!(0));
        let array = json!({"type": "array", "items": {"type": "string"}, "example": ""});
        assert_eq!(
            Synth::new(&doc, 1, 0).value(&array, 0),
            json!(["conformance"])
        );
    }

    #[test]
    fn a_value_or_a_list_of_such_values_is_sent_as_the_list_the_client_holds() {
        let doc = json!({"components": {"schemas": {"Item": {"type": "object", "properties": {"a": {"type": "string"}}}}}});
        for schema in [
            json!({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
            json!({"oneOf": [{"type": "array", "items": {"$ref": "#/components/schemas/Item"}}, {"$ref": "#/components/schemas/Item"}]}),
        ] {
            for run in 0..5 {
                let value = Synth::new(&doc, 3, run).value(&schema, 0);
                assert!(value.is_array(), "run {run}: {value}");
            }
        }
        let either = json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
        assert_eq!(
            Synth::new(&doc, 3, 0).value(&either, 0),
            json!("conformance")
        );
    }

    #[test]
    fn bounds_lengths_and_required_properties_are_honoured() {
        let doc = json!({"components": {"schemas": {"Id": {"type": "string", "format": "uuid"}}}});
        let schema = json!({
            "type": "object",
            "required": ["id", "count"],
            "properties": {
                "id": {"$ref": "#/components/schemas/Id"},
                "count": {"type": "integer", "minimum": 5, "maximum": 9},
                "code": {"type": "string", "minLength": 20, "maxLength": 22},
                "gone": {"type": "string", "readOnly": true}
            }
        });
        for run in 0..20 {
            let value = Synth::new(&doc, 7, run).value(&schema, 0);
            assert!(fits(&doc, &value, &schema), "run {run}: {value}");
            assert!(value.get("gone").is_none(), "{value}");
            let count = value["count"].as_i64().expect("count");
            assert!((5..=9).contains(&count), "{value}");
        }
    }

    #[test]
    fn a_uuid_declared_api_key_gets_a_uuid_and_an_undeclared_shape_the_placeholder() {
        let doc = json!({});
        let uuid = json!({"name": "x-api-key", "in": "header", "schema": {"type": "string", "format": "uuid"}});
        let key = Synth::new(&doc, 1, 0).credential(&uuid, "conformance-key");
        assert!(fits_format(&key, Some("uuid")), "{key}");
        // The parameter's own example, when it fits.
        let with_example = json!({"name": "x-api-key", "in": "header", "example": "b45f6432-2462-4c6f-b00f-1d9d01000000",
                                  "schema": {"type": "string", "format": "uuid"}});
        assert_eq!(
            Synth::new(&doc, 1, 0).credential(&with_example, "conformance-key"),
            "b45f6432-2462-4c6f-b00f-1d9d01000000"
        );
        let text = json!({"name": "x-api-key", "in": "header", "schema": {"type": "string"}});
        assert_eq!(
            Synth::new(&doc, 1, 0).credential(&text, "conformance-key"),
            "conformance-key"
        );
        // A pattern and lengths are honoured too.
        let hex = json!({"name": "key", "in": "query", "schema": {"type": "string", "pattern": "^[a-f0-9]{32}$"}});
        let key = Synth::new(&doc, 1, 0).credential(&hex, "conformance-key");
        assert!(
            regex::Regex::new("^[a-f0-9]{32}$")
                .expect("regex")
                .is_match(&key),
            "{key}"
        );
        let short =
            json!({"name": "key", "in": "header", "schema": {"type": "string", "maxLength": 8}});
        let key = Synth::new(&doc, 1, 0).credential(&short, "conformance-key");
        assert!(key.len() <= 8 && !key.is_empty(), "{key}");
    }

    #[test]
    fn every_synthesized_parameter_value_satisfies_its_schema() {
        let doc = json!({"components": {"schemas": {
            "Key": {"type": "string", "format": "uuid"},
            "Status": {"type": "integer", "enum": [0, 1, 2]}
        }}});
        let schemas = [
            json!({"type": "string", "format": "uuid"}),
            json!({"$ref": "#/components/schemas/Key"}),
            json!({"$ref": "#/components/schemas/Status"}),
            json!({"type": "string", "enum": ["new", "old"]}),
            json!({"type": "string", "pattern": "^[A-Z]{2}-\\d{4}$"}),
            json!({"type": "string", "pattern": "^[a-z]+$", "minLength": 5, "maxLength": 7}),
            json!({"type": "string", "minLength": 20, "maxLength": 22}),
            json!({"type": "string", "maxLength": 2}),
            json!({"type": "string", "format": "uuid", "pattern": "^[0-9a-f-]{36}$"}),
            json!({"type": "string", "format": "date"}),
            json!({"type": "string", "format": "date-time"}),
            json!({"type": "integer", "format": "int32", "minimum": 10, "maximum": 20}),
            json!({"type": "integer", "minimum": 10, "exclusiveMinimum": true, "maximum": 12, "exclusiveMaximum": true}),
            json!({"type": "integer", "minimum": 3, "maximum": 40, "multipleOf": 7}),
            json!({"type": "integer", "maximum": -5}),
            json!({"type": "integer", "format": "int32", "minimum": 2147483000_i64}),
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 1, "exclusiveMaximum": true}),
            json!({"type": "number", "minimum": 2, "exclusiveMinimum": true}),
            json!({"type": "number", "minimum": 0, "maximum": 10, "multipleOf": 0.25}),
            json!({"type": "boolean"}),
            json!({"type": "array", "items": {"type": "string", "enum": ["a", "b"]}, "minItems": 2, "maxItems": 3}),
        ];
        for schema in &schemas {
            let parameter = json!({"name": "p", "in": "query", "schema": schema});
            for run in 0..40 {
                let value = Synth::new(&doc, 11, run).parameter(&parameter);
                assert!(
                    fits(&doc, &value, schema),
                    "run {run}: {value} for {schema}"
                );
            }
        }
        // The oracle itself says no where it should.
        let pattern = json!({"type": "string", "pattern": "^[A-Z]{2}$"});
        assert!(!fits(&doc, &json!("conformance"), &pattern));
        assert!(!fits(
            &doc,
            &json!(14),
            &json!({"type": "integer", "multipleOf": 7, "maximum": 20, "minimum": 15})
        ));
        assert!(!fits(
            &doc,
            &json!(0.0),
            &json!({"type": "number", "minimum": 0, "exclusiveMinimum": true})
        ));
        assert!(!fits(
            &doc,
            &json!("conformance-key"),
            &json!({"type": "string", "format": "uuid"})
        ));
    }

    #[test]
    fn patterns_the_engine_cannot_read_are_not_held_against_a_value() {
        assert!(
            matches_pattern("abc", "^(?=a)abc$"),
            "lookahead: not checkable"
        );
        assert!(
            matches_pattern("x-12", "\\d"),
            "unanchored, as JSON Schema reads it"
        );
        assert!(!matches_pattern("x", "^\\d$"));
    }

    #[test]
    fn a_discriminated_union_gets_the_tag_of_the_alternative_it_was_made_for() {
        let doc = json!({"components": {"schemas": {
            "Cat": {"type": "object", "required": ["petType", "lives"], "properties": {"petType": {"type": "string"}, "lives": {"type": "integer"}}},
            "Dog": {"type": "object", "required": ["petType", "bark"], "properties": {"petType": {"type": "string"}, "bark": {"type": "string"}}},
            "Mapped": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                       "discriminator": {"propertyName": "petType", "mapping": {"c": "Cat", "d": "#/components/schemas/Dog"}}},
            "Implicit": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                         "discriminator": {"propertyName": "petType"}}
        }}});
        for run in 0..8 {
            let mut synth = Synth::new(&doc, 1, run);
            let mapped = synth.value(&doc["components"]["schemas"]["Mapped"], 0);
            let cat = mapped.get("lives").is_some();
            assert_eq!(mapped["petType"], if cat { "c" } else { "d" }, "{mapped}");
            let implicit = synth.value(&doc["components"]["schemas"]["Implicit"], 0);
            let cat = implicit.get("lives").is_some();
            assert_eq!(
                implicit["petType"],
                if cat { "Cat" } else { "Dog" },
                "{implicit}"
            );
        }
    }

    #[test]
    fn a_seed_repeats_and_runs_differ() {
        let doc = json!({});
        let schema = json!({"type": "object", "properties": {"n": {"type": "integer"}, "s": {"type": "string"}}});
        let values = |seed| {
            (1..6)
                .map(|run| Synth::new(&doc, seed, run).value(&schema, 0))
                .collect::<Vec<_>>()
        };
        assert_eq!(values(3), values(3));
        assert_ne!(values(3), values(4));
    }
}
