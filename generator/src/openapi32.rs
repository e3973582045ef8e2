//! OpenAPI 3.2: a 3.2 document's raw tree is read as a 3.1 one, in place, before the 3.1
//! translation (`openapi31.rs`) reads it into the 3.0 shape. 3.2 is a minor version: what it
//! shares with 3.1 is read exactly as 3.1, and each addition is said the way the generator
//! already reads it, or dropped with a warning naming the pointer and what was lost. A 3.0 or
//! 3.1 document never comes here.
//!
//! What becomes what (generator/README.md, "OpenAPI 3.2", has the table):
//! - The `query` operation stays in its path item; `normalize` and `select` read it
//!   ([`query_operation`]) as a client method sending `QUERY`. `additionalOperations` are taken
//!   out: one named by a fixed field's method in capitals (`QUERY`) is that field; any other
//!   method (`LINK`, `PURGE`) cannot be sent by the client's static operations (`method-not-sendable`).
//! - An `in: querystring` parameter of form content (`application/x-www-form-urlencoded`, an
//!   object schema) is its properties as `in: query` parameters, serialized as 3.2's Encoding
//!   Object says (scalars and lists of them form-style, objects as JSON text, an `encoding`
//!   entry's style or content type); any other query string is not sent (`querystring-not-sent`).
//! - Media types given by `$ref` (`components/mediaTypes`) are inlined; `itemSchema`,
//!   `prefixEncoding` and `itemEncoding` (sequential media types: JSON Lines, server-sent events,
//!   positional multipart) are dropped (`stream-not-decoded`): the body is read whole.
//! - `$ref`s (and discriminator mappings, security requirement names) that name this document
//!   through its `$self` URI are local references; a tag's `parent` makes every operation of the
//!   tag an operation of its ancestors too (so `--tags parent` selects them).
//! - Example `dataValue` is the example's `value`; a response without `description` takes its
//!   `summary`; `style: cookie` on a cookie parameter (not sent either way) is left out; a
//!   discriminator's `defaultMapping` is not applied (`keyword-not-applied`).
//! - Read as they are, since the client has no use for them: `$self` itself, tag `summary` and
//!   `kind`, server `name`, media type `description`, example `serializedValue`, the device
//!   authorization flow, `oauth2MetadataUrl` and `deprecated` of security schemes (the client
//!   names schemes only; their credentials are the auth provider's).
//!
//! Every node that moves is recorded in [`Origins`] (warnings made here are mapped through the
//! moves made so far), so that diagnostics point into the document as written.

use std::collections::BTreeMap;

use serde::Deserialize as _;
use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Kind, Origins, Sink, escape_token};
use crate::json_pointer::unescape_token;
use crate::tree::{Parent, child_parent, encodings, is_data};

/// The methods a 3.2 path item names by a field of its own: 3.1's eight and `query`.
const METHODS: &[&str] = crate::tree::methods(true);

/// What the client sends, for the messages of left-out operations.
const SENDABLE: &str = "GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH, TRACE and QUERY";

/// The base of a relative `$self`: the document's retrieval URI is not known here, and a
/// reference resolved against a relative `$self` names the document when it names `$self`.
const RETRIEVAL: &str = "https://retrieval.invalid/";

/// The `query` operation of a path item of the raw tree (3.2; openapiv3's `PathItem` has no
/// field for it), read as openapiv3 reads the other operations. `load` reports one that does not
/// read as a shape error.
pub fn query_operation(item: &Value) -> Option<openapiv3::Operation> {
    openapiv3::Operation::deserialize(item.get("query")?).ok()
}

/// Translates the 3.2 document `raw` into a 3.1 one, in place; warnings (at pointers of the
/// document as written) go to `sink`. The result maps pointers of the translated tree back.
pub fn translate(raw: &mut Value, file: &str, sink: &mut Sink) -> Origins {
    let own = raw
        .get("$self")
        .and_then(Value::as_str)
        .and_then(document_uri);
    let parents = tag_parents(raw);
    let mut translation = Translation {
        file,
        sink,
        origins: Origins::default(),
        own,
        parents,
        schemes: security_scheme_names(raw),
        lists: Vec::new(),
    };
    if let Some(own) = &translation.own {
        self_references(raw, own, Parent::Other);
    }
    translation.media_type_references(raw);
    translation.path_items(raw);
    translation.querystrings(raw);
    translation.objects(raw, &mut String::new(), Parent::Other, Role::Other, false);
    translation.origins
}

/// Where an operation is: its warnings say what the client does with it, and none are made for
/// callbacks, which the client neither calls nor documents.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Paths,
    Webhooks,
    Callbacks,
}

struct Translation<'a> {
    file: &'a str,
    sink: &'a mut Sink,
    origins: Origins,
    /// The document's URI (`$self`, without fragment).
    own: Option<url::Url>,
    /// Tag name → the tag it is nested under.
    parents: BTreeMap<String, String>,
    /// The names of `components/securitySchemes`.
    schemes: Vec<String>,
    /// The parameter lists met (pointers), for the query strings.
    lists: Vec<(String, Context)>,
}

/// A pointer one token deeper.
fn child(at: &str, token: &str) -> String {
    format!("{at}/{}", escape_token(token))
}

impl Translation<'_> {
    fn warn(&mut self, context: Context, at: String, kind: Kind, message: String) {
        if context == Context::Callbacks {
            return;
        }
        self.sink.push_through(
            Diagnostic::warning(self.file, at, kind, message),
            &self.origins,
        );
    }

    /// Media types given by `$ref` (3.2's `components/mediaTypes`, or any local media type) are
    /// replaced by what they name, their own `description` kept over it. Rounds, since an
    /// inlined media type may hold references itself (in the headers of its encodings).
    fn media_type_references(&mut self, raw: &mut Value) {
        for _ in 0..8 {
            let mut found = Vec::new();
            media_refs(raw, &mut String::new(), Parent::Other, &mut found);
            let mut inlined = false;
            for (at, reference) in found {
                let Some((origin, mut target)) = resolve(raw, &reference) else {
                    // Dangling or external: validation says so.
                    continue;
                };
                let description = raw.pointer(&at).and_then(|r| r.get("description")).cloned();
                if let (Some(target), Some(description)) = (target.as_object_mut(), description) {
                    target.insert("description".to_owned(), description);
                }
                if let Some(slot) = raw.pointer_mut(&at) {
                    *slot = target;
                    self.origins.moved(at, origin);
                    inlined = true;
                }
            }
            if !inlined {
                return;
            }
        }
    }

    /// The path items of `paths`, `webhooks`, `components/pathItems` and callbacks; the
    /// document's security requirements.
    fn path_items(&mut self, raw: &mut Value) {
        let Some(doc) = raw.as_object_mut() else {
            return;
        };
        if let Some(security) = doc.get_mut("security") {
            self.requirement_names(security);
        }
        for (section, context) in [("paths", Context::Paths), ("webhooks", Context::Webhooks)] {
            for (name, item) in doc
                .get_mut(section)
                .and_then(Value::as_object_mut)
                .into_iter()
                .flatten()
            {
                self.path_item(item, &child(&format!("/{section}"), name), context);
            }
        }
        let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) else {
            return;
        };
        for (name, item) in components
            .get_mut("pathItems")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flatten()
        {
            self.path_item(item, &child("/components/pathItems", name), Context::Paths);
        }
        for (name, callback) in components
            .get_mut("callbacks")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flatten()
        {
            self.callback(callback, &child("/components/callbacks", name));
        }
    }

    fn callback(&mut self, callback: &mut Value, at: &str) {
        for (expression, item) in callback.as_object_mut().into_iter().flatten() {
            self.path_item(item, &child(at, expression), Context::Callbacks);
        }
    }

    fn path_item(&mut self, item: &mut Value, at: &str, context: Context) {
        let Some(item) = item.as_object_mut() else {
            return;
        };
        if let Some(Value::Object(additional)) = item.shift_remove("additionalOperations") {
            self.additional_operations(item, additional, at, context);
        }
        if item.get("parameters").is_some_and(Value::is_array) {
            self.lists.push((child(at, "parameters"), context));
        }
        for method in METHODS {
            if let Some(operation) = item.get_mut(*method).and_then(Value::as_object_mut) {
                self.operation(operation, &child(at, method), context);
            }
        }
    }

    /// `additionalOperations`: a method in capitals that a fixed field names (`QUERY`, when the
    /// item has no `query`) is that field; any other is left out with a warning, since the
    /// client's operations are static and send the methods `http::Method` names.
    fn additional_operations(
        &mut self,
        item: &mut Map<String, Value>,
        additional: Map<String, Value>,
        at: &str,
        context: Context,
    ) {
        let base = child(at, "additionalOperations");
        for (method, operation) in additional {
            let from = child(&base, &method);
            let field = method.to_ascii_lowercase();
            let fixed = METHODS.contains(&field.as_str());
            if fixed && method == method.to_ascii_uppercase() && !item.contains_key(&field) {
                item.insert(field.clone(), operation);
                self.origins.moved(child(at, &field), from);
                continue;
            }
            let id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .map(|id| format!(" `{id}`"))
                .unwrap_or_default();
            let why = if fixed && item.contains_key(&field) && method == method.to_ascii_uppercase()
            {
                format!("the path item's `{field}` describes the {method} operation already")
            } else {
                format!("the client sends only {SENDABLE} requests (methods are case-sensitive)")
            };
            let message = match context {
                Context::Webhooks => {
                    format!("the `{method}` webhook{id} is not documented: {why}")
                }
                Context::Paths | Context::Callbacks => {
                    format!("the `{method}` operation{id} is not generated: {why}")
                }
            };
            self.warn(context, from, Kind::MethodNotSendable, message);
        }
    }

    fn operation(&mut self, operation: &mut Map<String, Value>, at: &str, context: Context) {
        if operation.get("parameters").is_some_and(Value::is_array) {
            self.lists.push((child(at, "parameters"), context));
        }
        if let Some(security) = operation.get_mut("security") {
            self.requirement_names(security);
        }
        if let Some(Value::Array(tags)) = operation.get_mut("tags") {
            self.tag_ancestors(tags);
        }
        for (name, callback) in operation
            .get_mut("callbacks")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flatten()
        {
            self.callback(callback, &child(&child(at, "callbacks"), name));
        }
    }

    /// A tag nested under another (3.2's `parent`) is part of it: the operation gets the
    /// ancestors' names too, after its own.
    fn tag_ancestors(&self, tags: &mut Vec<Value>) {
        let mut names: Vec<String> = tags
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        let mut i = 0;
        // Bounded: a cycle of parents (which 3.2 forbids) ends when no new name comes up.
        while i < names.len() {
            if let Some(parent) = self.parents.get(&names[i])
                && !names.contains(parent)
            {
                tags.push(Value::from(parent.as_str()));
                names.push(parent.clone());
            }
            i += 1;
        }
    }

    /// Security requirement names that are URIs of a scheme of this document (3.2) become the
    /// scheme's name; a name that is a scheme's stays, as 3.2 says.
    fn requirement_names(&self, security: &mut Value) {
        for requirement in security.as_array_mut().into_iter().flatten() {
            let Some(map) = requirement.as_object_mut() else {
                continue;
            };
            if map.keys().all(|name| self.schemes.contains(name)) {
                continue;
            }
            let renamed: Map<String, Value> = std::mem::take(map)
                .into_iter()
                .map(|(name, scopes)| {
                    let scheme = (!self.schemes.contains(&name))
                        .then(|| self.scheme_of_uri(&name))
                        .flatten();
                    (scheme.unwrap_or(name), scopes)
                })
                .collect();
            *map = renamed;
        }
    }

    /// The scheme a security requirement's URI names in this document.
    fn scheme_of_uri(&self, uri: &str) -> Option<String> {
        let fragment = if uri.starts_with('#') {
            uri.to_owned()
        } else {
            local_fragment(self.own.as_ref()?, uri)?
        };
        let name = fragment.strip_prefix("#/components/securitySchemes/")?;
        let name = unescape_token(name);
        (!name.contains('/') && self.schemes.contains(&name)).then_some(name)
    }

    /// Every `in: querystring` parameter of the lists met, one at a time (a list changes with
    /// each); then the component parameters of that kind, read where they are used, are removed.
    fn querystrings(&mut self, raw: &mut Value) {
        for (at, context) in std::mem::take(&mut self.lists) {
            // A list holds one query string (3.2 allows no more); the bound only guards the loop.
            for _ in 0..8 {
                let Some(found) = find_querystring(raw, &at) else {
                    break;
                };
                self.querystring(raw, &at, found, context);
            }
        }
        if let Some(parameters) = raw
            .pointer_mut("/components/parameters")
            .and_then(Value::as_object_mut)
        {
            parameters.retain(|_, p| p.get("in").and_then(Value::as_str) != Some("querystring"));
        }
    }

    fn querystring(&mut self, raw: &mut Value, at: &str, found: Found, context: Context) {
        let Found {
            index,
            origin,
            parameter,
        } = found;
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("querystring")
            .to_owned();
        let required = parameter.get("required") == Some(&Value::Bool(true));
        let Some(Value::Array(mut list)) = raw.pointer(at).cloned() else {
            return;
        };
        match form_fields(raw, &parameter, &origin, required) {
            Ok(form) => {
                if let Some((schema_at, extra)) = &form.extra {
                    let message = format!(
                        "query string `{name}`: named values beyond its declared properties (`{extra}`) are not sent"
                    );
                    self.warn(
                        context,
                        child(schema_at, extra),
                        Kind::AdditionalPropertiesIgnored,
                        message,
                    );
                }
                let len = list.len();
                let mut moves = Vec::new();
                for (k, field) in form.fields.into_iter().enumerate() {
                    let slot = if k == 0 { index } else { len + k - 1 };
                    moves.push((format!("{at}/{slot}"), origin.clone()));
                    moves.push((format!("{at}/{slot}/{}", field.schema_at), field.origin));
                    if k == 0 {
                        list[index] = field.parameter;
                    } else {
                        list.push(field.parameter);
                    }
                }
                for (translated, original) in moves {
                    self.origins.moved(translated, original);
                }
            }
            Err(reason) => {
                let refused = if required {
                    "; the server may refuse calls without it"
                } else {
                    ""
                };
                let message = format!(
                    "the query string `{name}` is not sent ({reason}): the client builds the query string from named parameters only{refused}"
                );
                self.warn(context, origin, Kind::QuerystringNotSent, message);
                list.remove(index);
                // Ascending: the moves are undone last first, so each pointer moves once.
                for j in index + 1..=list.len() {
                    self.origins
                        .moved(format!("{at}/{}", j - 1), format!("{at}/{j}"));
                }
            }
        }
        if let Some(slot) = raw.pointer_mut(at) {
            *slot = Value::Array(list);
        }
    }

    /// The objects of the tree that 3.2 extends, wherever they are: media types, examples,
    /// responses, parameters, discriminators.
    fn objects(
        &mut self,
        node: &mut Value,
        at: &mut String,
        parent: Parent,
        role: Role,
        quiet: bool,
    ) {
        match node {
            Value::Object(map) => {
                let context = if quiet {
                    Context::Callbacks
                } else {
                    Context::Paths
                };
                match &role {
                    Role::MediaType(media_type) => self.media_type(map, at, media_type, context),
                    Role::Example => {
                        if let Some(value) = map.shift_remove("dataValue")
                            && !map.contains_key("value")
                        {
                            map.insert("value".to_owned(), value);
                        }
                    }
                    Role::Response if !map.contains_key("$ref") => {
                        if !map.get("description").is_some_and(Value::is_string) {
                            let summary = map
                                .get("summary")
                                .filter(|s| s.is_string())
                                .cloned()
                                .unwrap_or_else(|| Value::from(""));
                            map.insert("description".to_owned(), summary);
                        }
                    }
                    Role::Parameter => {
                        // Cookie parameters are not sent; openapiv3 knows no `cookie` style.
                        if map.get("in").and_then(Value::as_str) == Some("cookie")
                            && map.get("style").and_then(Value::as_str) == Some("cookie")
                        {
                            map.shift_remove("style");
                        }
                    }
                    Role::Response | Role::Other => {}
                }
                let named = parent != Parent::Properties;
                if named
                    && let Some(Value::Object(discriminator)) = map.get_mut("discriminator")
                    && let Some(default) = discriminator.shift_remove("defaultMapping")
                {
                    let message = format!(
                        "the discriminator's `defaultMapping` ({}) is not applied: a value without the tag, or with a tag that names no alternative, is tried against each alternative in turn",
                        brief(&default)
                    );
                    let pointer = format!("{at}/discriminator/defaultMapping");
                    self.warn(context, pointer, Kind::KeywordNotApplied, message);
                }
                for (key, child) in map.iter_mut() {
                    if is_data(key, parent) {
                        continue;
                    }
                    let role = if named { role_of(key, child) } else { None };
                    let quiet = quiet || (named && key == "callbacks");
                    let len = at.len();
                    at.push('/');
                    at.push_str(&escape_token(key));
                    match role {
                        Some(Children::Entries(role)) => {
                            let map_parent = child_parent(parent, key);
                            // A Responses object's extensions are no responses (a component
                            // response may be named `x-…`).
                            let extensions = matches!(role, Role::Response)
                                && at.as_str() != "/components/responses";
                            for (name, value) in child.as_object_mut().into_iter().flatten() {
                                if extensions && name.starts_with("x-") {
                                    continue;
                                }
                                let len = at.len();
                                at.push('/');
                                at.push_str(&escape_token(name));
                                let role = match &role {
                                    Role::MediaType(_) => Role::MediaType(name.clone()),
                                    other => other.clone(),
                                };
                                let value_parent = child_parent(map_parent, name);
                                self.objects(value, at, value_parent, role, quiet);
                                at.truncate(len);
                            }
                        }
                        Some(Children::Items) => {
                            for (i, value) in child.as_array_mut().into_iter().flatten().enumerate()
                            {
                                let len = at.len();
                                at.push_str(&format!("/{i}"));
                                self.objects(value, at, Parent::Other, Role::Parameter, quiet);
                                at.truncate(len);
                            }
                        }
                        None => {
                            self.objects(child, at, child_parent(parent, key), Role::Other, quiet);
                        }
                    }
                    at.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    let len = at.len();
                    at.push_str(&format!("/{i}"));
                    self.objects(child, at, Parent::Other, Role::Other, quiet);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// A media type: what describes its items or parts one by one is dropped.
    fn media_type(
        &mut self,
        media: &mut Map<String, Value>,
        at: &str,
        media_type: &str,
        context: Context,
    ) {
        if let Some(item) = media.shift_remove("itemSchema") {
            let each = item
                .get("$ref")
                .and_then(Value::as_str)
                .map(|r| format!(" (each item a `{r}`)"))
                .unwrap_or_default();
            let message = format!(
                "`itemSchema` is not applied: the items of the `{media_type}` stream{each} are not decoded one by one; the body is read whole, as {}",
                read_as(media_type, media)
            );
            self.warn(
                context,
                child(at, "itemSchema"),
                Kind::StreamNotDecoded,
                message,
            );
        }
        self.positional_encodings(media, at, media_type, context);
        for (property, encoding) in encodings(media) {
            let at = child(&child(at, "encoding"), property);
            if let Some(nested) = encoding.shift_remove("encoding") {
                let names: Vec<String> = nested
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| format!("`{k}`"))
                    .collect();
                let message = format!(
                    "the nested `encoding` of part `{property}` ({}) is not applied: the part is sent as the caller gives it",
                    names.join(", ")
                );
                self.warn(
                    context,
                    child(&at, "encoding"),
                    Kind::StreamNotDecoded,
                    message,
                );
            }
            self.positional_encodings(encoding, &at, media_type, context);
        }
    }

    fn positional_encodings(
        &mut self,
        holder: &mut Map<String, Value>,
        at: &str,
        media_type: &str,
        context: Context,
    ) {
        for key in ["prefixEncoding", "itemEncoding"] {
            if holder.shift_remove(key).is_some() {
                let message = format!(
                    "`{key}` is not applied: the parts of the `{media_type}` content are not encoded or decoded one by one; the body is read whole"
                );
                self.warn(context, child(at, key), Kind::StreamNotDecoded, message);
            }
        }
    }
}

/// What the object under a key holds, for the walk of [`Translation::objects`].
#[derive(Clone)]
enum Role {
    /// A media type (its name).
    MediaType(String),
    Example,
    Response,
    Parameter,
    Other,
}

enum Children {
    /// A map of objects of one role.
    Entries(Role),
    /// A list of parameters.
    Items,
}

/// What the entries under `key` (a field of an OpenAPI object) are.
fn role_of(key: &str, value: &Value) -> Option<Children> {
    match (key, value) {
        ("content", Value::Object(_)) => Some(Children::Entries(Role::MediaType(String::new()))),
        ("examples", Value::Object(_)) => Some(Children::Entries(Role::Example)),
        ("responses", Value::Object(_)) => Some(Children::Entries(Role::Response)),
        ("parameters", Value::Object(_)) => Some(Children::Entries(Role::Parameter)),
        ("parameters", Value::Array(_)) => Some(Children::Items),
        _ => None,
    }
}

/// How the client reads a body of `media_type` (for the messages).
fn read_as(media_type: &str, media: &Map<String, Value>) -> &'static str {
    let essence = essence(media_type);
    if essence.starts_with("text/") {
        "text"
    } else if media.contains_key("schema")
        && (essence == "application/json" || essence.ends_with("+json"))
    {
        "JSON of its `schema`"
    } else {
        "bytes"
    }
}

/// A media type without parameters, in lower case.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// A value in a message, cut short.
fn brief(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(77).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// The names of `components/securitySchemes`.
fn security_scheme_names(raw: &Value) -> Vec<String> {
    raw.pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .map(|schemes| schemes.keys().cloned().collect())
        .unwrap_or_default()
}

/// Tag name → its `parent` (3.2).
fn tag_parents(raw: &Value) -> BTreeMap<String, String> {
    raw.get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|tag| {
            let name = tag.get("name")?.as_str()?;
            let parent = tag.get("parent")?.as_str()?;
            Some((name.to_owned(), parent.to_owned()))
        })
        .collect()
}

/// The URI `$self` gives the document, without its fragment; a relative one is taken relative
/// to a stand-in for the retrieval URI.
fn document_uri(own: &str) -> Option<url::Url> {
    let mut uri = url::Url::parse(RETRIEVAL).ok()?.join(own).ok()?;
    uri.set_fragment(None);
    Some(uri)
}

/// The local reference (`#…`, the fragment as written) that `reference` is when it resolves to
/// the document `own` names; `None` for a local reference already, or another document.
fn local_fragment(own: &url::Url, reference: &str) -> Option<String> {
    if reference.starts_with('#') {
        return None;
    }
    let hash = reference.find('#')?;
    let mut resolved = own.join(reference).ok()?;
    resolved.set_fragment(None);
    (resolved == *own).then(|| reference[hash..].to_owned())
}

/// References (and discriminator mappings) that name this document by its `$self` URI become
/// local ones; data is left alone.
fn self_references(node: &mut Value, own: &url::Url, parent: Parent) {
    match node {
        Value::Object(map) => {
            if parent != Parent::Properties {
                if let Some(Value::String(reference)) = map.get_mut("$ref")
                    && let Some(local) = local_fragment(own, reference)
                {
                    *reference = local;
                }
                if let Some(Value::Object(discriminator)) = map.get_mut("discriminator") {
                    let mapping = discriminator
                        .get_mut("mapping")
                        .and_then(Value::as_object_mut)
                        .into_iter()
                        .flatten()
                        .map(|(_, v)| v);
                    for target in mapping {
                        if let Value::String(target) = target
                            && let Some(local) = local_fragment(own, target)
                        {
                            *target = local;
                        }
                    }
                    if let Some(Value::String(target)) = discriminator.get_mut("defaultMapping")
                        && let Some(local) = local_fragment(own, target)
                    {
                        *target = local;
                    }
                }
            }
            for (key, child) in map.iter_mut() {
                if !is_data(key, parent) {
                    self_references(child, own, child_parent(parent, key));
                }
            }
        }
        Value::Array(items) => {
            for child in items {
                self_references(child, own, Parent::Other);
            }
        }
        _ => {}
    }
}

/// The media types given by a local `$ref` (pointer, reference), outside data.
fn media_refs(node: &Value, at: &mut String, parent: Parent, found: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                if is_data(key, parent) {
                    continue;
                }
                let len = at.len();
                at.push('/');
                at.push_str(&escape_token(key));
                if key == "content" && parent != Parent::Properties {
                    for (media_type, media) in value.as_object().into_iter().flatten() {
                        if let Some(Value::String(reference)) = media.get("$ref") {
                            found.push((child(at, media_type), reference.clone()));
                        }
                    }
                }
                media_refs(value, at, child_parent(parent, key), found);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                media_refs(child, at, Parent::Other, found);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// What a local reference names (through a chain of up to eight), with its pointer; an object
/// that is no reference itself.
fn resolve(raw: &Value, reference: &str) -> Option<(String, Value)> {
    let (pointer, value) = resolve_ref(raw, reference)?;
    Some((pointer, value.clone()))
}

fn resolve_ref<'v>(raw: &'v Value, reference: &str) -> Option<(String, &'v Value)> {
    let mut pointer = reference.strip_prefix('#')?.to_owned();
    for _ in 0..8 {
        let value = raw.pointer(&pointer)?;
        match value.get("$ref").and_then(Value::as_str) {
            Some(next) => pointer = next.strip_prefix('#')?.to_owned(),
            None => return value.is_object().then_some((pointer, value)),
        }
    }
    None
}

/// A value that may be a local reference, resolved (with its pointer), or itself at `at`.
fn resolved<'v>(raw: &'v Value, value: &'v Value, at: &str) -> Option<(String, &'v Value)> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => resolve_ref(raw, reference),
        None => Some((at.to_owned(), value)),
    }
}

/// An `in: querystring` parameter of a list: its index, the pointer of the parameter as written
/// (a component's when referenced) and the parameter.
struct Found {
    index: usize,
    origin: String,
    parameter: Value,
}

fn find_querystring(raw: &Value, at: &str) -> Option<Found> {
    let list = raw.pointer(at)?.as_array()?;
    list.iter().enumerate().find_map(|(index, parameter)| {
        let (origin, parameter) = resolved(raw, parameter, &format!("{at}/{index}"))?;
        (parameter.get("in").and_then(Value::as_str) == Some("querystring")).then(|| Found {
            index,
            origin,
            parameter: parameter.clone(),
        })
    })
}

/// A query string read as named query parameters.
struct Form {
    fields: Vec<Field>,
    /// The schema's pointer and the keyword of the extra named values it allows.
    extra: Option<(String, &'static str)>,
}

struct Field {
    parameter: Value,
    /// Where the parameter's schema is in it (`schema`, `content/application~1json/schema`).
    schema_at: String,
    /// Where that schema is in the document as written.
    origin: String,
}

/// A query string of form content: its object schema's properties as `in: query` parameters,
/// each serialized as 3.2's Encoding Object says for `application/x-www-form-urlencoded` (no
/// entry: a scalar or a list of scalars as text, one pair per item; an object as JSON text).
fn form_fields(
    raw: &Value,
    parameter: &Value,
    origin: &str,
    required: bool,
) -> Result<Form, String> {
    let content = parameter
        .get("content")
        .and_then(Value::as_object)
        .filter(|c| c.len() == 1)
        .ok_or_else(|| "it has no single media type in `content`".to_owned())?;
    let (media_type, media) = content.iter().next().ok_or("no media type")?;
    if essence(media_type) != "application/x-www-form-urlencoded" {
        return Err(format!(
            "its media type `{media_type}` is not a form of named values"
        ));
    }
    let media_at = child(&child(origin, "content"), media_type);
    let schema = media
        .get("schema")
        .ok_or_else(|| "its form has no schema".to_owned())?;
    let (schema_at, schema) = resolved(raw, schema, &child(&media_at, "schema"))
        .ok_or_else(|| "its form's schema cannot be read".to_owned())?;
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| "its form's schema declares no properties".to_owned())?;
    let listed: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let encodings = media.get("encoding").and_then(Value::as_object);
    let extra = [
        "additionalProperties",
        "patternProperties",
        "unevaluatedProperties",
    ]
    .into_iter()
    .find(|k| schema.get(*k).is_some_and(|v| *v != Value::Bool(false)))
    .map(|k| (schema_at.clone(), k));
    let properties_at = child(&schema_at, "properties");
    let fields = properties
        .iter()
        .map(|(name, property)| {
            let mut parameter = Map::new();
            parameter.insert("name".to_owned(), Value::from(name.as_str()));
            parameter.insert("in".to_owned(), Value::from("query"));
            if required && listed.contains(&name.as_str()) {
                parameter.insert("required".to_owned(), Value::Bool(true));
            }
            if let Some(description) = property.get("description") {
                parameter.insert("description".to_owned(), description.clone());
            }
            let encoding = encodings.and_then(|e| e.get(name));
            let rfc6570 = ["style", "explode", "allowReserved"]
                .into_iter()
                .filter_map(|k| Some((k, encoding?.get(k)?)))
                .collect::<Vec<_>>();
            let content_type = encoding
                .and_then(|e| e.get("contentType"))
                .and_then(Value::as_str)
                .and_then(|c| c.split(',').next())
                .map(str::trim)
                .filter(|c| !c.is_empty() && essence(c) != "text/plain");
            let content_type = if !rfc6570.is_empty() {
                None
            } else if let Some(content_type) = content_type {
                Some(content_type.to_owned())
            } else {
                json_valued(raw, property).then(|| "application/json".to_owned())
            };
            let schema_at = match content_type {
                Some(content_type) => {
                    let mut media = Map::new();
                    media.insert("schema".to_owned(), property.clone());
                    let mut content = Map::new();
                    content.insert(content_type.clone(), Value::Object(media));
                    parameter.insert("content".to_owned(), Value::Object(content));
                    format!("content/{}/schema", escape_token(&content_type))
                }
                None => {
                    for (key, value) in rfc6570 {
                        parameter.insert(key.to_owned(), value.clone());
                    }
                    parameter.insert("schema".to_owned(), property.clone());
                    "schema".to_owned()
                }
            };
            Field {
                parameter: Value::Object(parameter),
                schema_at,
                origin: child(&properties_at, name),
            }
        })
        .collect();
    Ok(Form { fields, extra })
}

/// Whether a form value of this schema is an object, which a form carries as JSON text.
fn json_valued(raw: &Value, schema: &Value) -> bool {
    let Some((_, schema)) = resolved(raw, schema, "") else {
        return false;
    };
    match schema.get("type") {
        Some(Value::String(ty)) => ty == "object",
        Some(Value::Array(types)) => types.iter().any(|t| t == "object"),
        _ => schema.get("properties").is_some() || schema.get("additionalProperties").is_some(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::diagnostics::{Kind, Origins};

    fn translated(raw: Value) -> (Value, Vec<(Kind, String)>, Origins) {
        crate::diagnostics::translated(super::translate, raw)
    }

    fn doc(paths: Value) -> Value {
        json!({"openapi": "3.2.0", "info": {"title": "t", "version": "1"}, "paths": paths})
    }

    #[test]
    fn query_stays_and_additional_operations_are_a_field_or_left_out_with_a_warning() {
        let (raw, warnings, origins) = translated(doc(json!({
            "/a": {
                "query": {"operationId": "search", "responses": {}},
                "additionalOperations": {
                    "LINK": {"operationId": "link", "responses": {}},
                    "QUERY": {"operationId": "again", "responses": {}}
                }
            },
            "/b": {"additionalOperations": {"QUERY": {"operationId": "find", "responses": {}}, "query": {"responses": {}}}}
        })));
        assert_eq!(raw["paths"]["/a"]["query"]["operationId"], "search");
        assert!(raw["paths"]["/a"].get("additionalOperations").is_none());
        assert_eq!(raw["paths"]["/b"]["query"]["operationId"], "find");
        assert_eq!(
            warnings,
            [
                (
                    Kind::MethodNotSendable,
                    "/paths/~1a/additionalOperations/LINK".to_owned()
                ),
                (
                    Kind::MethodNotSendable,
                    "/paths/~1a/additionalOperations/QUERY".to_owned()
                ),
                (
                    Kind::MethodNotSendable,
                    "/paths/~1b/additionalOperations/query".to_owned()
                ),
            ]
        );
        assert_eq!(
            origins.original("/paths/~1b/query/responses"),
            "/paths/~1b/additionalOperations/QUERY/responses"
        );
    }

    #[test]
    fn a_form_query_string_is_its_properties_as_query_parameters() {
        let (raw, warnings, origins) = translated(json!({
            "openapi": "3.2.0",
            "paths": {"/s": {"get": {"parameters": [
                {"name": "tenant", "in": "header", "schema": {"type": "string"}},
                {"$ref": "#/components/parameters/Search"},
                {"name": "trace", "in": "header", "schema": {"type": "string"}}
            ], "responses": {}}}},
            "components": {
                "parameters": {"Search": {"name": "q", "in": "querystring", "required": true, "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {"$ref": "#/components/schemas/Search"},
                        "encoding": {"ids": {"explode": false}, "raw": {"contentType": "text/csv"}}
                    }
                }}},
                "schemas": {"Search": {"type": "object", "required": ["term"], "additionalProperties": {"type": "string"}, "properties": {
                    "term": {"type": "string", "description": "What to find"},
                    "ids": {"type": "array", "items": {"type": "integer"}},
                    "filter": {"$ref": "#/components/schemas/Filter"},
                    "raw": {"type": "string"}
                }}, "Filter": {"type": "object", "properties": {"a": {"type": "string"}}}}
            }
        }));
        let parameters = raw["paths"]["/s"]["get"]["parameters"].clone();
        assert_eq!(
            parameters,
            json!([
                {"name": "tenant", "in": "header", "schema": {"type": "string"}},
                {"name": "term", "in": "query", "required": true, "description": "What to find", "schema": {"type": "string", "description": "What to find"}},
                {"name": "trace", "in": "header", "schema": {"type": "string"}},
                {"name": "ids", "in": "query", "explode": false, "schema": {"type": "array", "items": {"type": "integer"}}},
                {"name": "filter", "in": "query", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Filter"}}}},
                {"name": "raw", "in": "query", "content": {"text/csv": {"schema": {"type": "string"}}}}
            ])
        );
        assert!(
            raw["components"]["parameters"].get("Search").is_none(),
            "read where it is used"
        );
        assert_eq!(
            warnings,
            [(
                Kind::AdditionalPropertiesIgnored,
                "/components/schemas/Search/additionalProperties".to_owned()
            )]
        );
        let at = "/paths/~1s/get/parameters";
        assert_eq!(
            origins.original(&format!("{at}/1/schema/type")),
            "/components/schemas/Search/properties/term/type"
        );
        assert_eq!(
            origins.original(&format!("{at}/4/content/application~1json/schema/$ref")),
            "/components/schemas/Search/properties/filter/$ref"
        );
        assert_eq!(
            origins.original(&format!("{at}/3/name")),
            "/components/parameters/Search/name"
        );
        assert_eq!(
            origins.original(&format!("{at}/2/schema")),
            format!("{at}/2/schema")
        );
    }

    #[test]
    fn another_query_string_is_not_sent_and_later_parameters_keep_their_pointers() {
        let (raw, warnings, origins) = translated(doc(json!({"/s": {"get": {"parameters": [
            {"name": "q", "in": "querystring", "content": {"text/plain": {"schema": {"type": "string"}}}},
            {"name": "a", "in": "header", "schema": {"type": "string"}},
            {"name": "b", "in": "header", "content": {"application/json": {"$ref": "#/components/mediaTypes/Missing"}}}
        ], "responses": {}}}})));
        let parameters = &raw["paths"]["/s"]["get"]["parameters"];
        assert_eq!(parameters.as_array().map(Vec::len), Some(2));
        assert_eq!(parameters[0]["name"], "a");
        assert_eq!(
            warnings,
            [(
                Kind::QuerystringNotSent,
                "/paths/~1s/get/parameters/0".to_owned()
            )]
        );
        origins.assert_originals(
            "/paths/~1s/get/parameters",
            &[
                ("/0/name", "/1/name"),
                (
                    "/1/content/application~1json/$ref",
                    "/2/content/application~1json/$ref",
                ),
            ],
        );
    }

    #[test]
    fn media_types_by_reference_are_inlined_and_streams_dropped_with_a_warning() {
        let (raw, warnings, origins) = translated(json!({
            "openapi": "3.2.0",
            "paths": {"/e": {"get": {"responses": {
                "200": {"summary": "Events", "content": {
                    "text/event-stream": {"$ref": "#/components/mediaTypes/Events", "description": "own"},
                    "application/jsonl": {"itemSchema": {"$ref": "#/components/schemas/Event"}}
                }},
                "204": {}
            }}}},
            "components": {"mediaTypes": {"Events": {
                "itemSchema": {"type": "object", "properties": {"data": {"type": "string"}}},
                "examples": {"one": {"dataValue": {"data": "x"}, "serializedValue": "data: x"}}
            }}}
        }));
        let responses = &raw["paths"]["/e"]["get"]["responses"];
        assert_eq!(responses["200"]["description"], "Events");
        assert_eq!(responses["204"]["description"], "");
        assert_eq!(
            responses["200"]["content"]["text/event-stream"],
            json!({"examples": {"one": {"serializedValue": "data: x", "value": {"data": "x"}}}, "description": "own"})
        );
        assert_eq!(responses["200"]["content"]["application/jsonl"], json!({}));
        assert_eq!(
            warnings,
            [
                (
                    Kind::StreamNotDecoded,
                    "/components/mediaTypes/Events/itemSchema".to_owned()
                ),
                (
                    Kind::StreamNotDecoded,
                    "/paths/~1e/get/responses/200/content/application~1jsonl/itemSchema".to_owned()
                ),
            ]
        );
        assert_eq!(
            origins.original("/paths/~1e/get/responses/200/content/text~1event-stream/examples"),
            "/components/mediaTypes/Events/examples"
        );
    }

    #[test]
    fn self_references_tags_requirements_and_cookies_read_as_31_says_them() {
        let (raw, warnings, _) = translated(json!({
            "openapi": "3.2.0",
            "$self": "https://example.com/apis/shop.yaml",
            "tags": [{"name": "partner", "parent": "external", "kind": "audience"}, {"name": "external"}, {"name": "loop", "parent": "loop"}],
            "security": [{"https://example.com/apis/shop.yaml#/components/securitySchemes/key": []}],
            "paths": {"/p": {"get": {
                "tags": ["partner", "loop"],
                "security": [{"#/components/securitySchemes/key": [], "https://other.example/x#/components/securitySchemes/key": []}],
                "parameters": [{"name": "c", "in": "cookie", "style": "cookie", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "d", "content": {"application/json": {"schema": {"$ref": "shop.yaml#/components/schemas/Pet"}}}}}
            }}},
            "components": {
                "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "k", "deprecated": true}},
                "schemas": {
                    "Pet": {"oneOf": [{"$ref": "https://example.com/apis/shop.yaml#/components/schemas/Cat"}],
                            "discriminator": {"propertyName": "kind", "mapping": {"cat": "./shop.yaml#/components/schemas/Cat"}, "defaultMapping": "Cat"},
                            "example": {"$ref": "shop.yaml#/not/followed"}},
                    "Cat": {"type": "object", "properties": {"discriminator": {"type": "string"}}},
                    "Other": {"$ref": "https://other.example/shop.yaml#/components/schemas/Cat"}
                }
            }
        }));
        let op = &raw["paths"]["/p"]["get"];
        assert_eq!(op["tags"], json!(["partner", "loop", "external"]));
        assert_eq!(raw["security"], json!([{"key": []}]));
        assert_eq!(
            op["security"],
            json!([{"key": [], "https://other.example/x#/components/securitySchemes/key": []}])
        );
        assert_eq!(
            op["parameters"][0],
            json!({"name": "c", "in": "cookie", "schema": {"type": "string"}})
        );
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Pet"
        );
        let pet = &raw["components"]["schemas"]["Pet"];
        assert_eq!(pet["oneOf"][0]["$ref"], "#/components/schemas/Cat");
        assert_eq!(
            pet["discriminator"],
            json!({"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}})
        );
        assert_eq!(pet["example"]["$ref"], "shop.yaml#/not/followed", "data");
        assert_eq!(
            raw["components"]["schemas"]["Other"]["$ref"],
            "https://other.example/shop.yaml#/components/schemas/Cat"
        );
        assert_eq!(
            warnings,
            [(
                Kind::KeywordNotApplied,
                "/components/schemas/Pet/discriminator/defaultMapping".to_owned()
            )]
        );
    }

    #[test]
    fn callbacks_are_made_readable_without_warnings() {
        let (raw, warnings, _) = translated(doc(json!({"/p": {"post": {
            "responses": {"200": {"description": "d"}},
            "callbacks": {"done": {"{$request.body#/url}": {
                "additionalOperations": {"LINK": {"responses": {}}},
                "post": {"parameters": [{"name": "q", "in": "querystring", "content": {"text/plain": {}}}],
                         "requestBody": {"content": {"application/jsonl": {"itemSchema": {"type": "string"}}}},
                         "responses": {"200": {"summary": "ok"}}}
            }}}
        }}})));
        assert_eq!(warnings, []);
        let callback = &raw["paths"]["/p"]["post"]["callbacks"]["done"]["{$request.body#/url}"];
        assert_eq!(callback["post"]["parameters"], json!([]));
        assert_eq!(callback["post"]["responses"]["200"]["description"], "ok");
        assert!(callback.get("additionalOperations").is_none());
    }
}
