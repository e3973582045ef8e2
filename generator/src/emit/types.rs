//! Rust types of the IR, as generated code names them.

use super::runtime::{self as rt, RuntimeItem};

use crate::ir::{Api, Casing, Ty};

/// The runtime's marker type of a casing.
pub fn marker(casing: Casing) -> RuntimeItem {
    match casing {
        Casing::Camel => rt::CAMEL,
        Casing::Pascal => rt::PASCAL,
        Casing::Snake => rt::SNAKE,
        Casing::Declared => rt::DECLARED,
    }
}

/// The Rust type of `ty`.
pub fn rust_type(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::String => "String".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::I32 => "i32".to_owned(),
        Ty::I64 => "i64".to_owned(),
        Ty::F64 => "f64".to_owned(),
        Ty::Bytes => rt::BASE64_BYTES.to_string(),
        Ty::DateTime => format!("{}<{}>", rt::DATE_TIME, rt::FIXED_OFFSET),
        Ty::Date => rt::NAIVE_DATE.to_string(),
        Ty::Uuid => rt::UUID.to_string(),
        Ty::Secret => rt::SECRET.to_string(),
        Ty::Json => rt::JSON_VALUE.to_string(),
        Ty::List(inner) => format!("Vec<{}>", rust_type(api, inner)),
        Ty::Map(inner) => format!(
            "::std::collections::BTreeMap<String, {}>",
            rust_type(api, inner)
        ),
        Ty::Concept(key) => format!(
            "crate::models::{}",
            api.concepts[api.concept_of[key].0].name
        ),
        Ty::Enum(index) => format!("crate::models::{}", api.enums[*index].name),
        Ty::Union(index) => {
            let union = &api.unions[*index];
            if union.nullable {
                format!("Option<crate::models::{}>", union.name)
            } else {
                format!("crate::models::{}", union.name)
            }
        }
    }
}

/// Whether values of this type may compare with `Eq` (no floats or JSON inside).
pub fn is_eq(api: &Api, ty: &Ty, depth: usize) -> bool {
    match ty {
        Ty::F64 | Ty::Json => false,
        Ty::List(inner) | Ty::Map(inner) => is_eq(api, inner, depth),
        Ty::Concept(key) if depth < 8 => api.concepts[api.concept_of[key].0]
            .fields
            .iter()
            .all(|f| is_eq(api, &f.ty, depth + 1)),
        Ty::Concept(_) => false,
        Ty::Union(i) if depth < 8 => api.unions[*i]
            .variants
            .iter()
            .all(|v| is_eq(api, &v.ty, depth + 1)),
        Ty::Union(_) => false,
        _ => true,
    }
}
