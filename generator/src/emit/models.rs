//! Models: one public struct per concept, one `Deserialize` that reads every casing, and one
//! `WireSerialize` per casing that writes the schema's keys in the schema's order.

use super::code::{Code, lit};
use super::doc;
use super::runtime as rt;
use super::serde_impls::{open_deserialize, open_serialize_fn, open_visitor};
use super::types::{is_eq, marker, rust_type};
use crate::ir::{Api, CasingKeys, Concept};

/// The struct and its implementations.
pub fn emit_model(code: &mut Code, api: &Api, index: usize) {
    let model = &api.concepts[index];
    definition(code, api, index);
    code.blank();
    key_table(code, model);
    code.blank();
    deserialize(code, api, index);
    for casing in &model.casings {
        code.blank();
        serialize(code, model, casing);
    }
}

/// The type of a field: boxed where the model would otherwise contain itself, `Option` where
/// some member schema does not require it.
fn field_type(api: &Api, owner: usize, field: &crate::ir::Field) -> String {
    let ty = rust_type(api, &field.ty);
    let ty = if needs_box(api, owner, &field.ty) {
        format!("Box<{ty}>")
    } else {
        ty
    };
    if field.required {
        ty
    } else {
        format!("Option<{ty}>")
    }
}

/// A field holding a model (directly, not in a list or map) that leads back to `owner`.
fn needs_box(api: &Api, owner: usize, ty: &crate::ir::Ty) -> bool {
    let crate::ir::Ty::Concept(key) = ty else {
        return false;
    };
    let mut seen = vec![false; api.concepts.len()];
    reaches(api, api.concept_of[key].0, owner, &mut seen)
}

fn reaches(api: &Api, from: usize, to: usize, seen: &mut [bool]) -> bool {
    if from == to {
        return true;
    }
    if std::mem::replace(&mut seen[from], true) {
        return false;
    }
    api.concepts[from].fields.iter().any(|f| match &f.ty {
        crate::ir::Ty::Concept(key) => reaches(api, api.concept_of[key].0, to, seen),
        _ => false,
    })
}

fn definition(code: &mut Code, api: &Api, index: usize) {
    let model = &api.concepts[index];
    let mut text = model
        .description
        .as_deref()
        .map(doc::document)
        .unwrap_or_default();
    text.push_str("\n\nSchemas of this concept (their casing):\n");
    for (key, casing) in &model.members {
        let module = &api.modules[key.doc];
        text.push_str(&format!(
            "\n- {} in {} ({casing:?})",
            doc::code_span(&key.name),
            doc::code_span(&module.file)
        ));
    }
    code.docs(Some(&text));
    // `Default` only when every field is optional: `..Default::default()` must not fill a
    // required field with `""` or `0` that the server would take for a value.
    let default = if model.fields.iter().all(|f| !f.required) {
        ", Default"
    } else {
        ""
    };
    let eq = if model.fields.iter().all(|f| is_eq(api, &f.ty, 0)) {
        ", Eq"
    } else {
        ""
    };
    code.line(format_args!(
        "#[derive(Debug, Clone, PartialEq{eq}{default})]"
    ));
    code.open(format_args!("pub struct {}", model.name));
    for field in &model.fields {
        let spellings: Vec<String> = field.spellings.iter().map(|s| doc::code_span(s)).collect();
        let mut text = field
            .description
            .as_deref()
            .map(doc::document)
            .unwrap_or_default();
        text.push_str(&format!("\n\nOn the wire: {}.", spellings.join(", ")));
        code.docs(Some(&text));
        code.line(format_args!(
            "pub {}: {},",
            field.rust_name,
            field_type(api, index, field)
        ));
    }
    code.close();
}

fn key_table(code: &mut Code, model: &Concept) {
    code.open(format_args!("impl {} for {}", rt::KEY_TABLE, model.name));
    let entries: Vec<String> = model
        .fields
        .iter()
        .map(|f| {
            let spellings: Vec<String> = f.spellings.iter().map(|s| lit(s)).collect();
            format!("&[{}]", spellings.join(", "))
        })
        .collect();
    code.list(
        "const KEYS: &'static [&'static [&'static str]] = &",
        &entries,
        ";",
    );
    code.close();
}

fn deserialize(code: &mut Code, api: &Api, index: usize) {
    let serde = rt::SERDE;
    let model = &api.concepts[index];
    let name = &model.name;
    open_deserialize(code, name);
    open_visitor(code, name, "'de", &format!("a {name} object"));
    code.signature(
        &format!("fn visit_map<A: {serde}::de::MapAccess<'de>>"),
        &["self".to_owned(), "mut map: A".to_owned()],
        Some(&format!("Result<{name}, A::Error>")),
    );
    for (i, field) in model.fields.iter().enumerate() {
        code.line(format_args!(
            "let mut f{i}: Option<{}> = Option::None;",
            field_type(api, index, field)
        ));
    }
    code.open(format_args!(
        "while let Option::Some(key) = map.next_key::<{}<{name}>>()?",
        rt::FIELD_KEY
    ));
    code.open("match key.0");
    for i in 0..model.fields.len() {
        code.open(format_args!("Option::Some({i}) =>"));
        code.open(format_args!("if f{i}.is_some()"));
        code.line(format_args!(
            "return Result::Err({}::<A::Error, {name}>({i}));",
            rt::DUPLICATE_FIELD
        ));
        code.close();
        code.line(format_args!("f{i} = Option::Some(map.next_value()?);"));
        code.close();
    }
    code.open("_ =>");
    code.line(format_args!(
        "map.next_value::<{serde}::de::IgnoredAny>()?;"
    ));
    code.close();
    code.close();
    code.close();
    code.open(format_args!("Result::Ok({name}"));
    for (i, field) in model.fields.iter().enumerate() {
        if field.required {
            code.line(format_args!(
                "{}: f{i}.ok_or_else(|| {}::<A::Error, {name}>({i}))?,",
                field.rust_name,
                rt::MISSING_FIELD
            ));
        } else {
            code.line(format_args!("{}: f{i}.flatten(),", field.rust_name));
        }
    }
    code.close_with("})");
    code.close();
    code.close();
    code.line("deserializer.deserialize_map(Visitor)");
    code.close();
    code.close();
}

fn serialize(code: &mut Code, model: &Concept, dialect: &CasingKeys) {
    let serde = rt::SERDE;
    let name = &model.name;
    code.open(format_args!(
        "impl {}<{}> for {name}",
        rt::WIRE_SERIALIZE,
        marker(dialect.casing)
    ));
    open_serialize_fn(code, "wire_serialize");
    code.line(format_args!("use {serde}::ser::SerializeStruct as _;"));
    let required = dialect
        .keys
        .iter()
        .filter(|k| model.fields[k.field].required)
        .count();
    let optional: Vec<String> = dialect
        .keys
        .iter()
        .filter(|k| !model.fields[k.field].required)
        .map(|k| {
            format!(
                "usize::from(self.{}.is_some())",
                model.fields[k.field].rust_name
            )
        })
        .collect();
    let mut terms: Vec<String> = Vec::new();
    if required > 0 || optional.is_empty() {
        terms.push(required.to_string());
    }
    terms.extend(optional);
    if terms.len() == 1 {
        code.line(format_args!("let len: usize = {};", terms[0]));
    } else {
        code.line(format_args!("let len: usize = {}", terms[0]));
        for (i, term) in terms.iter().enumerate().skip(1) {
            let end = if i + 1 == terms.len() { ";" } else { "" };
            code.line(format_args!("    + {term}{end}"));
        }
    }
    code.line(format_args!(
        "let mut state = serializer.serialize_struct({}, len)?;",
        lit(name)
    ));
    for k in &dialect.keys {
        let f = &model.fields[k.field];
        let value = match k.nested.filter(|_| f.ty.model().is_some()) {
            Some(casing) => format!("&{}::<_, {}>::new(value)", rt::WIRE, marker(casing)),
            None => "value".to_owned(),
        };
        let write = format!("state.serialize_field({}, {value})?;", lit(&k.wire));
        if f.required {
            code.open("");
            code.line(format_args!("let value = &self.{};", f.rust_name));
            code.line(write);
            code.close();
        } else {
            code.open(format_args!(
                "if let Option::Some(value) = &self.{}",
                f.rust_name
            ));
            code.line(write);
            code.close();
        }
    }
    code.line("state.end()");
    code.close();
    code.close();
}
