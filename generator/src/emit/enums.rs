//! Enums: named variants plus `Unknown`, so that a value from a newer server is kept, not refused.

use super::code::{Code, lit};
use super::doc;
use super::runtime as rt;
use super::serde_impls::{open_deserialize, open_serialize_fn, open_visitor};
use crate::ir::{EnumDef, EnumKind};

/// The enum and its serde implementations.
pub fn emit_enum(code: &mut Code, def: &EnumDef) {
    match &def.kind {
        EnumKind::Int(values) => int_enum(code, def, values),
        EnumKind::Str(values) => str_enum(code, def, values),
    }
}

/// `Serialize`, `QueryValue`, and equality and hashing by `key` (the wire value).
fn wire_traits(code: &mut Code, name: &str, serialize: &str, query_text: &str, key: &str) {
    code.blank();
    code.open(format_args!("impl {}::Serialize for {name}", rt::SERDE));
    open_serialize_fn(code, "serialize");
    code.line(serialize);
    code.close();
    code.close();
    code.blank();
    code.open(format_args!("impl {} for {name}", rt::QUERY_VALUE));
    code.open("fn query_text(&self) -> String");
    code.line(query_text);
    code.close();
    code.close();
    code.blank();
    code.open(format_args!("impl PartialEq for {name}"));
    code.open("fn eq(&self, other: &Self) -> bool");
    code.line(format_args!("self.{key} == other.{key}"));
    code.close();
    code.close();
    code.blank();
    code.line(format_args!("impl Eq for {name} {{}}"));
    code.blank();
    code.open(format_args!("impl ::std::hash::Hash for {name}"));
    code.open("fn hash<H: ::std::hash::Hasher>(&self, state: &mut H)");
    code.line(format_args!("self.{key}.hash(state);"));
    code.close();
    code.close();
}

/// The enum: the document's description, then `about`; a variant per value (documented with
/// the value), then `unknown` (its doc line, a line break, the variant).
fn definition(
    code: &mut Code,
    def: &EnumDef,
    about: &str,
    derive: &str,
    values: &[(String, &str)],
    unknown: &str,
) {
    let mut text = def
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| format!("{}\n\n", doc::document(d)))
        .unwrap_or_default();
    text.push_str(about);
    code.docs(Some(&text));
    let derive = if derive.is_empty() {
        "Debug, Clone".to_owned()
    } else {
        format!("Debug, Clone, {derive}")
    };
    code.line(format_args!("#[derive({derive})]"));
    code.open(format_args!("pub enum {}", def.name));
    for (value, variant) in values {
        code.docs(Some(&doc::code_span(value)));
        code.line(format_args!("{variant},"));
    }
    let (doc, variant) = unknown.split_once('\n').unwrap_or(("", unknown));
    code.docs(Some(doc));
    code.line(format_args!("{variant},"));
    code.close();
    code.blank();
}

fn int_enum(code: &mut Code, def: &EnumDef, values: &[(i64, String)]) {
    let serde = rt::SERDE;
    let name = &def.name;
    let shown: Vec<(String, &str)> = values
        .iter()
        .map(|(value, variant)| (value.to_string(), variant.as_str()))
        .collect();
    definition(
        code,
        def,
        "Written as an integer. A value this client does not know is kept as [`Self::Unknown`].\n\
         Equality and hashing go by the integer, so `Unknown(n)` equals the named variant of `n`.",
        "Copy",
        &shown,
        "A value this client does not know (a newer server may send one).\nUnknown(i64)",
    );
    code.open(format_args!("impl {name}"));
    code.line("/// The integer on the wire.");
    code.open("pub const fn value(self) -> i64");
    code.open("match self");
    for (value, variant) in values {
        code.line(format_args!("Self::{variant} => {value},"));
    }
    code.line("Self::Unknown(value) => value,");
    code.close();
    code.close();
    code.line("/// The variant for an integer; unknown integers are kept.");
    code.open("pub const fn from_value(value: i64) -> Self");
    code.open("match value");
    for (value, variant) in values {
        code.line(format_args!("{value} => Self::{variant},"));
    }
    code.line("other => Self::Unknown(other),");
    code.close();
    code.close();
    code.line("/// The name from the document (`x-enumNames`), if the value has one.");
    code.open("pub const fn name(self) -> Option<&'static str>");
    code.open("match self");
    for (_, variant) in values {
        code.line(format_args!(
            "Self::{variant} => Option::Some({}),",
            lit(variant.trim_start_matches("r#"))
        ));
    }
    code.line("Self::Unknown(_) => Option::None,");
    code.close();
    code.close();
    code.line("/// The variant for a name, ignoring ASCII case.");
    code.open("pub fn from_name(name: &str) -> Option<Self>");
    for (_, variant) in values {
        code.open(format_args!(
            "if name.eq_ignore_ascii_case({})",
            lit(variant.trim_start_matches("r#"))
        ));
        code.line(format_args!("return Option::Some(Self::{variant});"));
        code.close();
    }
    code.line("Option::None");
    code.close();
    code.close();
    wire_traits(
        code,
        name,
        "serializer.serialize_i64(self.value())",
        "self.value().to_string()",
        "value()",
    );
    code.blank();
    open_deserialize(code, name);
    open_visitor(
        code,
        name,
        "'_",
        &format!("an integer (or the name) of {name}"),
    );
    code.open(format_args!(
        "fn visit_i64<E: {serde}::de::Error>(self, v: i64) -> Result<{name}, E>"
    ));
    code.line(format_args!("Result::Ok({name}::from_value(v))"));
    code.close();
    code.open(format_args!(
        "fn visit_u64<E: {serde}::de::Error>(self, v: u64) -> Result<{name}, E>"
    ));
    code.line(format_args!("i64::try_from(v)"));
    code.line(format_args!("    .map({name}::from_value)"));
    code.line(format_args!(
        "    .map_err(|_| E::invalid_value({serde}::de::Unexpected::Unsigned(v), &self))"
    ));
    code.close();
    code.line("/// Some servers and mocks send the name instead of the integer.");
    code.open(format_args!(
        "fn visit_str<E: {serde}::de::Error>(self, v: &str) -> Result<{name}, E>"
    ));
    code.line(format_args!("{name}::from_name(v)"));
    code.line(format_args!(
        "    .ok_or_else(|| E::invalid_value({serde}::de::Unexpected::Str(v), &self))"
    ));
    code.close();
    code.close();
    code.line("deserializer.deserialize_any(Visitor)");
    code.close();
    code.close();
}

fn str_enum(code: &mut Code, def: &EnumDef, values: &[(String, String)]) {
    let serde = rt::SERDE;
    let name = &def.name;
    let shown: Vec<(String, &str)> = values
        .iter()
        .map(|(value, variant)| (value.clone(), variant.as_str()))
        .collect();
    definition(
        code,
        def,
        "A value this client does not know is kept as [`Self::Unknown`]. Equality and hashing\n\
         go by the wire string.",
        "",
        &shown,
        "A value this client does not know.\nUnknown(String)",
    );
    code.open(format_args!("impl {name}"));
    code.line("/// The string on the wire.");
    code.open("pub fn as_str(&self) -> &str");
    code.open("match self");
    for (value, variant) in values {
        code.line(format_args!("Self::{variant} => {},", lit(value)));
    }
    code.line("Self::Unknown(value) => value,");
    code.close();
    code.close();
    code.line("/// The variant for a wire string; unknown strings are kept.");
    code.open("pub fn from_wire(value: &str) -> Self");
    code.open("match value");
    for (value, variant) in values {
        code.line(format_args!("{} => Self::{variant},", lit(value)));
    }
    code.line("other => Self::Unknown(other.to_owned()),");
    code.close();
    code.close();
    code.close();
    wire_traits(
        code,
        name,
        "serializer.serialize_str(self.as_str())",
        "self.as_str().to_owned()",
        "as_str()",
    );
    code.blank();
    open_deserialize(code, name);
    code.line(format_args!(
        "let value = <String as {serde}::Deserialize>::deserialize(deserializer)?;"
    ));
    code.line("Result::Ok(Self::from_wire(&value))");
    code.close();
    code.close();
}
