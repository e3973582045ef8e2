//! Webhooks (OpenAPI 3.1 `webhooks`): calls the server makes to an endpoint the API's user
//! serves. A client cannot make them, so they get no method: each is documented in its
//! module (what the server may call, with the model its body decodes into), with a
//! `webhook-documented` warning saying so. Their body schemas are lowered like an operation's,
//! so an inline payload is a model (`<OperationId>Request`) the user's server can decode.

use openapiv3::{PathItem, ReferenceOr, RequestBody};
use serde_json::Value;

use super::naming::type_name;
use super::schemas::Schemas;
use crate::diagnostics::{Diagnostic, Kind, Sink, escape_token};
use crate::ir::Webhook;
use crate::load::Loaded;

/// The webhooks of document `doc`, in document order (none for a 3.0 document).
pub fn lower_webhooks(
    doc: usize,
    docs: &[Loaded],
    schemas: &mut Schemas<'_>,
    sink: &mut Sink,
) -> Vec<Webhook> {
    let loaded = &docs[doc];
    let mut webhooks = Vec::new();
    if !loaded.openapi31 {
        return webhooks;
    }
    let entries = loaded.raw.get("webhooks").and_then(Value::as_object);
    for (name, item) in entries.into_iter().flatten() {
        let at = format!("/webhooks/{}", escape_token(name));
        // Path items given by `$ref` were inlined when the document was read; one still a
        // reference names something outside the document.
        let item = match serde_json::from_value::<ReferenceOr<PathItem>>(item.clone()) {
            Ok(ReferenceOr::Item(item)) => item,
            Ok(ReferenceOr::Reference { .. }) | Err(_) => {
                // Where inside it, and why, when it is not a reference.
                let (inner, why) = crate::load::path_item_problem(item)
                    .map_or_else(Default::default, |(inner, why)| {
                        (inner, format!(" ({why})"))
                    });
                sink.push(Diagnostic::warning(
                    &loaded.file,
                    format!("{at}{inner}"),
                    Kind::PathItemSkipped,
                    format!("the webhook `{name}` cannot be read{why}; it is not documented"),
                ));
                continue;
            }
        };
        let query = loaded
            .openapi32
            .then(|| loaded.raw.get("webhooks")?.get(name))
            .flatten()
            .and_then(crate::openapi32::query_operation);
        for (method, op) in item.iter().chain(query.as_ref().map(|op| ("query", op))) {
            let at = format!("{at}/{method}");
            let id = op.operation_id.clone().unwrap_or_else(|| name.clone());
            let body = op.request_body.as_ref().and_then(|body| {
                let body = resolve(loaded, body)?;
                let (media_type, media) = body.content.first()?;
                let schema = media.schema.as_ref()?;
                let pointer = format!(
                    "{at}/requestBody/content/{}/schema",
                    escape_token(media_type)
                );
                let name = format!("{}Request", type_name(&id));
                let ty = schemas.ty_named(doc, schema, pointer, &name, sink);
                Some((media_type.clone(), ty))
            });
            sink.push(Diagnostic::warning(
                &loaded.file,
                at,
                Kind::WebhookDocumented,
                format!(
                    "webhook `{name}` ({}) is a call the server makes: it is documented in the module, and the client has no method for it",
                    method.to_uppercase()
                ),
            ));
            webhooks.push(Webhook {
                name: name.clone(),
                method: method.to_uppercase(),
                operation_id: op.operation_id.clone(),
                summary: op.summary.clone().or_else(|| item.summary.clone()),
                description: op.description.clone().or_else(|| item.description.clone()),
                body,
            });
        }
    }
    webhooks
}

fn resolve(loaded: &Loaded, body: &ReferenceOr<RequestBody>) -> Option<RequestBody> {
    match body {
        ReferenceOr::Item(body) => Some(body.clone()),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/requestBodies/")?;
            match loaded.api.components.as_ref()?.request_bodies.get(name)? {
                ReferenceOr::Item(body) => Some(body.clone()),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::{Kind, Location};
    use crate::normalize::test_support::normalize_yaml;

    #[test]
    fn a_webhook_that_cannot_be_read_is_named_with_where_and_why() {
        let (_, diagnostics) = normalize_yaml(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\nwebhooks:\n  ping:\n    post:\n      responses:\n        '200': {description: ok, headers: [x]}\n",
        );
        let found: Vec<(Kind, &Location, &str)> = diagnostics
            .iter()
            .map(|d| (d.kind, &d.location, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [(
                Kind::PathItemSkipped,
                &Location::Pointer("/webhooks/ping/post/responses/200/headers".to_owned()),
                "the webhook `ping` cannot be read (invalid type: sequence, expected a map); it is not documented"
            )]
        );
    }
}
