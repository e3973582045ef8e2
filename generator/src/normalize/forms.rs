//! Form (`application/x-www-form-urlencoded`) and multipart (`multipart/form-data`) bodies: how
//! each property of the body's object schema is encoded, as the Encoding Object of OpenAPI
//! 3.0.3 and 3.1 says (and RFC 7578 for multipart); and query parameters, which are form
//! fields of their `style` and `explode` (the Encoding Object takes its styles from them). One
//! decision ([`field_rule`], [`query_rule`]) serves the warnings (here, after unification, when
//! every type is known) and the emitted code.
//!
//! A form: scalars `name=text`; arrays `form`-style exploded (`k=a&k=b`) unless the entry says
//! `explode: false` (`k=a,b`), `spaceDelimited` or `pipeDelimited`; objects and maps of
//! scalars exploded (their properties as their own keys), `deepObject` (`k[p]=v`) or joined
//! (`k=p,v,…`); an object is JSON text when its entry gives a JSON `contentType` and no style
//! (or, in an OpenAPI 3.2 document, gives no style). A multipart body: a part per property, a
//! part per item of an array under the same name; scalars text parts, objects, maps and any
//! JSON `application/json` parts, `format: binary` strings file parts
//! (`application/octet-stream` or the entry's `contentType`) of their exact bytes, with a
//! `filename`.
//!
//! What degrades (`form-field-degraded`): values a form cannot write by its style (nested
//! objects and arrays, unions of objects, any JSON) are sent as JSON text; a style not defined
//! for the value's type falls back to the default; `allowReserved` is not applied (reserved
//! characters are percent-encoded, which a form decoder reads as the same value); per-part
//! `headers` are not sent; an object part whose entry names a non-JSON `contentType` is JSON;
//! a binary property of a form is its UTF-8 text (a form field is text); a binary part that
//! OpenAPI 3.1 marks by `contentMediaType` alone is a `String` in its model (its schema is
//! a string's), so only UTF-8 content can be sent.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Kind, Sink, escape_token};
use crate::ir::{Api, Body, BodyKind, EncodingEntry, FormEncodings, Parameter, Ty};

/// How one property (or one item of it) is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldRule {
    /// The scalar's text: `name=text`, or a part of it (the `contentType` given).
    Text(Option<String>),
    /// Multipart: a file part of the string's bytes, of this content type.
    File(String),
    /// The value's JSON text: `name=json`, or a part of this content type.
    Json(Option<String>),
    /// One pair or part per item, each by the rule.
    Each(Box<FieldRule>),
    /// Form: the items, or an object's keys and values, joined by the delimiter.
    Joined(&'static str),
    /// Form: an object's properties (a map's entries) as their own pairs.
    Exploded,
    /// Form: `name[key]=value` per property or entry.
    Deep,
}

/// Reads what the document says of encoding a form or multipart body's properties: the
/// media type at `media_at` of the raw tree.
pub(crate) fn read(raw: &Value, media_at: &str, openapi32: bool) -> FormEncodings {
    let media = raw.pointer(media_at);
    let schema = media.and_then(|m| m.get("schema"));
    let (properties_at, schema) = match schema
        .and_then(|s| s.get("$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(target) => (format!("{target}/properties"), raw.pointer(target)),
        None => (format!("{media_at}/schema/properties"), schema),
    };
    let resolve = |value: &'_ Value| -> Option<Value> {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => raw.pointer(r.strip_prefix('#')?).cloned(),
            None => Some(value.clone()),
        }
    };
    let binary = schema
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, property)| {
            resolve(property).is_some_and(|p| {
                is_binary(&p)
                    || p.get("items")
                        .and_then(resolve)
                        .is_some_and(|i| is_binary(&i))
            })
        })
        .map(|(name, _)| name.clone())
        .collect();
    let entries = media
        .and_then(|m| m.get("encoding"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, entry)| {
            let entry = EncodingEntry {
                content_type: entry
                    .get("contentType")
                    .and_then(Value::as_str)
                    .and_then(|c| c.split(',').next())
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned),
                style: entry
                    .get("style")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                explode: entry.get("explode").and_then(Value::as_bool),
                allow_reserved: entry.get("allowReserved") == Some(&Value::Bool(true)),
                headers: entry
                    .get("headers")
                    .and_then(Value::as_object)
                    .is_some_and(|h| !h.is_empty()),
            };
            (name.clone(), entry)
        })
        .collect();
    FormEncodings {
        pointer: media_at.to_owned(),
        properties_at,
        entries,
        binary,
        objects_as_json: openapi32,
    }
}

/// A string of `format: binary`, or (OpenAPI 3.1) of a `contentMediaType` without an encoding.
fn is_binary(schema: &Value) -> bool {
    let string = match schema.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
        _ => false,
    };
    let format = schema.get("format").and_then(Value::as_str);
    string
        && (format == Some("binary")
            || (schema.get("contentMediaType").is_some()
                && schema.get("contentEncoding").is_none()
                && format != Some("byte")))
}

/// The essence of a media type is JSON (`application/json`, `+json`).
fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.to_ascii_lowercase().ends_with("+json")
}

/// A value with a text of its own: a scalar, a secret, base64 bytes, a union of scalars.
pub(crate) fn is_text(api: &Api, ty: &Ty) -> bool {
    match ty {
        Ty::Secret | Ty::Bytes | Ty::Binary => true,
        Ty::Union(i) => {
            let union = &api.unions[*i];
            !union.nullable && union.variants.iter().all(|v| super::is_scalar(&v.ty))
        }
        ty => super::is_scalar(ty),
    }
}

/// An object (a model or a map) whose values all have a text.
fn is_flat_object(api: &Api, ty: &Ty) -> bool {
    match ty {
        Ty::Concept(key) => api
            .concept_of
            .get(key)
            .is_some_and(|(i, _)| api.concepts[*i].fields.iter().all(|f| is_text(api, &f.ty))),
        Ty::Map(inner) => is_text(api, inner),
        _ => false,
    }
}

/// How property `name` of type `ty` of a body of `kind` is written, and the warnings (pointer,
/// message) for what the encoding cannot follow.
pub(crate) fn field_rule(
    api: &Api,
    kind: BodyKind,
    form: &FormEncodings,
    name: &str,
    ty: &Ty,
) -> (FieldRule, Vec<(String, String)>) {
    let default = EncodingEntry::default();
    let entry = form.entries.get(name).unwrap_or(&default);
    let entry_at = format!("{}/encoding/{}", form.pointer, escape_token(name));
    let property_at = format!("{}/{}", form.properties_at, escape_token(name));
    let mut warnings = Vec::new();
    let rule = if kind == BodyKind::Multipart {
        if entry.headers {
            warnings.push((
                format!("{entry_at}/headers"),
                format!("the `headers` of part `{name}` are not sent"),
            ));
        }
        let binary = form.binary.contains(name);
        if binary && is_string_file(ty) {
            warnings.push((
                property_at.clone(),
                format!(
                    "binary part `{name}` is a `String` in its model: only UTF-8 content can be sent"
                ),
            ));
        }
        part_rule(api, ty, entry, binary, name, &entry_at, &mut warnings)
    } else {
        if entry.allow_reserved {
            warnings.push((
                format!("{entry_at}/allowReserved"),
                format!(
                    "`allowReserved` of field `{name}` is not applied: reserved characters are percent-encoded"
                ),
            ));
        }
        let site = Site {
            noun: "field",
            name,
            place: "a form",
            entry_at: &entry_at,
            property_at: &property_at,
        };
        form_rule(api, ty, entry, form.objects_as_json, &site, &mut warnings)
    };
    (rule, warnings)
}

/// A string (or a list of strings) that a binary property's file part is made of: a
/// `contentMediaType` without `format: binary` (which is [`Ty::Binary`]).
fn is_string_file(ty: &Ty) -> bool {
    match ty {
        Ty::String => true,
        Ty::List(inner) => matches!(**inner, Ty::String),
        _ => false,
    }
}

fn part_rule(
    api: &Api,
    ty: &Ty,
    entry: &EncodingEntry,
    binary: bool,
    name: &str,
    entry_at: &str,
    warnings: &mut Vec<(String, String)>,
) -> FieldRule {
    let content_type = entry.content_type.clone();
    match ty {
        Ty::List(inner) => FieldRule::Each(Box::new(part_rule(
            api, inner, entry, binary, name, entry_at, warnings,
        ))),
        ty if *ty == Ty::Binary || (binary && *ty == Ty::String) => {
            FieldRule::File(content_type.unwrap_or_else(|| "application/octet-stream".to_owned()))
        }
        ty if is_text(api, ty) => FieldRule::Text(content_type.filter(|c| {
            !c.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .eq_ignore_ascii_case("text/plain")
        })),
        _ => match content_type {
            Some(c) if is_json(&c) => FieldRule::Json(Some(c)),
            Some(c) => {
                warnings.push((
                    format!("{entry_at}/contentType"),
                    format!("part `{name}` is sent as `application/json`, not as `{c}`"),
                ));
                FieldRule::Json(Some("application/json".to_owned()))
            }
            None => FieldRule::Json(Some("application/json".to_owned())),
        },
    }
}

/// How a query parameter is written: as a form field of its `style` and `explode` (the
/// Encoding Object takes them from query parameters), and the warnings (pointer, message) for
/// what its style cannot write.
pub(crate) fn query_rule(api: &Api, parameter: &Parameter) -> (FieldRule, Vec<(String, String)>) {
    let site = Site {
        noun: "query parameter",
        name: &parameter.name,
        place: "a query string",
        entry_at: &parameter.pointer,
        property_at: &parameter.pointer,
    };
    let mut warnings = Vec::new();
    let rule = form_rule(
        api,
        &parameter.ty,
        &parameter.query_style,
        false,
        &site,
        &mut warnings,
    );
    (rule, warnings)
}

/// Where a form-encoded value stands, for its warnings: a form body's property (its
/// `encoding` entry, its schema) or a query parameter (its Parameter Object for both).
struct Site<'a> {
    /// `field`, `query parameter`.
    noun: &'static str,
    name: &'a str,
    /// `a form`, `a query string`.
    place: &'static str,
    /// Where the style is written.
    entry_at: &'a str,
    /// Where the type is written.
    property_at: &'a str,
}

fn form_rule(
    api: &Api,
    ty: &Ty,
    entry: &EncodingEntry,
    objects_as_json: bool,
    site: &Site<'_>,
    warnings: &mut Vec<(String, String)>,
) -> FieldRule {
    let Site {
        noun,
        name,
        place,
        entry_at,
        property_at,
    } = *site;
    let item = match ty {
        Ty::List(inner) => &**inner,
        ty => ty,
    };
    if *item == Ty::Binary {
        warnings.push((
            property_at.to_owned(),
            format!(
                "binary field `{name}` is sent as its UTF-8 text: a form field is text, bytes that are not UTF-8 are replaced (U+FFFD)"
            ),
        ));
    }
    let styled = entry.style.is_some() || entry.explode.is_some();
    let style = entry.style.as_deref().unwrap_or("form");
    let explode = entry.explode.unwrap_or(style == "form");
    let mut undefined = |what: &str, instead: &str| {
        warnings.push((
            entry_at.to_owned(),
            format!(
                "style `{style}` with `explode: {explode}` is not defined for {what} `{name}` in {place}: it is sent {instead}"
            ),
        ));
    };
    if is_text(api, ty) {
        return FieldRule::Text(None);
    }
    if let Ty::List(inner) = ty
        && is_text(api, inner)
    {
        return match (style, explode) {
            ("form", true) => FieldRule::Each(Box::new(FieldRule::Text(None))),
            ("form", false) => FieldRule::Joined(","),
            ("spaceDelimited", false) => FieldRule::Joined(" "),
            ("pipeDelimited", false) => FieldRule::Joined("|"),
            _ => {
                undefined("array", "as repeated keys");
                FieldRule::Each(Box::new(FieldRule::Text(None)))
            }
        };
    }
    let json_content = entry.content_type.as_deref().is_some_and(is_json);
    let object = matches!(ty, Ty::Concept(_) | Ty::Map(_));
    if !styled && (json_content || (objects_as_json && object)) {
        return FieldRule::Json(None);
    }
    if is_flat_object(api, ty) {
        return match (style, explode) {
            ("form", true) => FieldRule::Exploded,
            ("form", false) => FieldRule::Joined(","),
            ("deepObject", _) => FieldRule::Deep,
            ("spaceDelimited", false) => FieldRule::Joined(" "),
            ("pipeDelimited", false) => FieldRule::Joined("|"),
            _ => {
                undefined("object", "with its properties as their own keys");
                FieldRule::Exploded
            }
        };
    }
    warnings.push((
        property_at.to_owned(),
        format!(
            "{noun} `{name}` is sent as its JSON text: {place} has no style for a value of nested objects, arrays or any JSON"
        ),
    ));
    FieldRule::Json(None)
}

/// Warns, once per pointer and message, where a form or multipart body's property, or a query
/// parameter, is not encoded as its document says.
pub(super) fn check(api: &Api, files: &[String], sink: &mut Sink) {
    let mut seen = BTreeSet::new();
    for (doc, module) in api.modules.iter().enumerate() {
        let file = files.get(doc).map_or("", String::as_str);
        let mut warn = |kind: Kind, warnings: Vec<(String, String)>| {
            for (pointer, message) in warnings {
                if seen.insert((file.to_owned(), pointer.clone(), message.clone())) {
                    sink.push(Diagnostic::warning(file, pointer, kind, message));
                }
            }
        };
        for op in &module.operations {
            for parameter in &op.query_params {
                warn(Kind::ParameterAsText, query_rule(api, parameter).1);
            }
            let Some(body) = &op.body else { continue };
            for (wire, ty) in body_properties(api, body) {
                let Some(form) = &body.form else { continue };
                warn(
                    Kind::FormFieldDegraded,
                    field_rule(api, body.kind, form, wire, ty).1,
                );
            }
        }
    }
}

/// The properties (wire name, type) of a form or multipart body's object, in the order its
/// member schema's casing writes them.
fn body_properties<'a>(api: &'a Api, body: &'a Body) -> Vec<(&'a str, &'a Ty)> {
    let Ty::Concept(key) = &body.ty else {
        return Vec::new();
    };
    if !matches!(body.kind, BodyKind::Form | BodyKind::Multipart) {
        return Vec::new();
    }
    let Some((index, casing)) = api.concept_of.get(key) else {
        return Vec::new();
    };
    let model = &api.concepts[*index];
    model
        .casings
        .iter()
        .filter(|d| d.casing == *casing)
        .flat_map(|d| &d.keys)
        .map(|k| (k.wire.as_str(), &model.fields[k.field].ty))
        .collect()
}
