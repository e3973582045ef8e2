//! The heads of the serde implementations models and enums share: `Deserialize` with its
//! visitor, and `Serialize`-like methods. Each opens blocks the caller closes.

use super::code::{Code, lit};
use super::runtime as rt;

/// `impl Deserialize for {name}` and its `fn deserialize`, open (two blocks to close).
pub fn open_deserialize(code: &mut Code, name: &str) {
    let serde = rt::SERDE;
    code.open(format_args!(
        "impl<'de> {serde}::Deserialize<'de> for {name}"
    ));
    code.signature(
        &format!("fn deserialize<D: {serde}::Deserializer<'de>>"),
        &["deserializer: D".to_owned()],
        Some("Result<Self, D::Error>"),
    );
}

/// `struct Visitor;` and its `impl Visitor`, with `Value` and `expecting`, open (one block to
/// close). `lifetime` is the visitor's: `'de` to borrow from the input, `'_` otherwise.
pub fn open_visitor(code: &mut Code, name: &str, lifetime: &str, expecting: &str) {
    code.line("struct Visitor;");
    code.open(format_args!(
        "impl{} {}::de::Visitor<{lifetime}> for Visitor",
        if lifetime == "'_" { "" } else { "<'de>" },
        rt::SERDE
    ));
    code.line(format_args!("type Value = {name};"));
    code.open("fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result");
    code.line(format_args!("f.write_str({})", lit(expecting)));
    code.close();
}

/// `fn {method}<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>`, open.
pub fn open_serialize_fn(code: &mut Code, method: &str) {
    code.signature(
        &format!("fn {method}<S: {}::Serializer>", rt::SERDE),
        &["&self".to_owned(), "serializer: S".to_owned()],
        Some("Result<S::Ok, S::Error>"),
    );
}
