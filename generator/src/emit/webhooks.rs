//! Webhooks in a module's documentation: what the server may call on endpoints the API's user
//! serves (OpenAPI 3.1 `webhooks`), each with the model its body decodes into. The client has no
//! method for them.

use super::doc;
use crate::ir::{Api, Module, Ty};

/// The module documentation's webhooks section, empty when the document declares none.
pub fn section(api: &Api, module: &Module) -> String {
    if module.webhooks.is_empty() {
        return String::new();
    }
    let mut text = String::from(
        "\n# Webhooks\n\nThe server may call these on endpoints you serve (the document's \
         `webhooks`); the client has no method for them. Each body decodes \
         (`serde::Deserialize`, in any casing) into the type named.\n",
    );
    for webhook in &module.webhooks {
        text.push_str(&format!(
            "\n- {} {}",
            doc::code_span(&webhook.method),
            doc::code_span(&webhook.name)
        ));
        if let Some(id) = webhook
            .operation_id
            .as_ref()
            .filter(|id| **id != webhook.name)
        {
            text.push_str(&format!(" ({})", doc::code_span(id)));
        }
        let words: Vec<String> = [&webhook.summary, &webhook.description]
            .into_iter()
            .flatten()
            .map(|t| doc::line(t).trim_end_matches('.').to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        if !words.is_empty() {
            text.push_str(&format!(": {}.", words.join(". ")));
        }
        match &webhook.body {
            Some((media_type, ty)) => text.push_str(&format!(
                " Body ({}): {}.",
                doc::code_span(media_type),
                type_text(api, ty)
            )),
            None => text.push_str(" No body."),
        }
    }
    text.push('\n');
    text
}

/// A type as prose: models, enums and unions linked.
fn type_text(api: &Api, ty: &Ty) -> String {
    let model = |name: &str| format!("[`models::{name}`](crate::models::{name})");
    match ty {
        Ty::Concept(key) => model(&api.concepts[api.concept_of[key].0].name),
        Ty::Enum(index) => model(&api.enums[*index].name),
        Ty::Union(index) => model(&api.unions[*index].name),
        Ty::List(inner) => format!("a list of {}", type_text(api, inner)),
        Ty::Map(inner) => format!("a map of {}", type_text(api, inner)),
        Ty::String | Ty::Secret => "`String`".to_owned(),
        Ty::Bool => "`bool`".to_owned(),
        Ty::I32 => "`i32`".to_owned(),
        Ty::I64 => "`i64`".to_owned(),
        Ty::F64 => "`f64`".to_owned(),
        Ty::Bytes => "base64 bytes".to_owned(),
        Ty::Binary => "binary content".to_owned(),
        Ty::DateTime => "a date-time".to_owned(),
        Ty::Date => "a date".to_owned(),
        Ty::Uuid => "a UUID".to_owned(),
        Ty::Json => "`serde_json::Value`".to_owned(),
    }
}
