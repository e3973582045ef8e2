//! The signature of every operation's method (issue 34): which inputs the client method takes
//! positionally and which its request builder sets, how each is taken, what the call returns,
//! and every name that goes with it (the method, the builder type, the setters, the response
//! enum), settled against the names each can clash with. Emit, paging and `analyze` read this;
//! none of them decides a name or a shape.
//!
//! The shape is the AWS SDK's (smithy-rs's fluent builders): what the operation requires stays a
//! positional argument of `Client::<method>`, so that the compiler still checks it; everything
//! optional is a setter of the builder, so that a vendor release that adds an optional input
//! changes no arity and no literal a caller wrote.

use std::collections::BTreeMap;

use super::naming::{first_free, type_name};
use crate::diagnostics::{Diagnostic, Kind, Sink};
use crate::ir::{
    Api, BodyKind, Input, Media, Module, Operation, Output, Place, Returns, Setters, Take, Ty,
    Variant,
};

/// Methods of a module's `Client` (its own and the traits' it implements or gets by blanket
/// impls), which an operation's method would shadow.
const CLIENT_METHODS: &[&str] = &[
    "builder",
    "transport",
    "for_tenant",
    "with_context",
    "with_retry",
    "with_timeout",
    "from_built",
    "clone",
    "clone_from",
    "fmt",
    "from",
    "into",
    "to_owned",
    "try_from",
    "try_into",
];

/// The request builder's stream of pages of a paged operation.
pub const PAGES: &str = "into_pages";
/// The request builder's stream of items of a paged operation.
pub const ITEMS: &str = "into_items";

/// Methods of a request builder, which a setter would shadow.
const BUILDER_METHODS: &[&str] = &[
    "send",
    PAGES,
    ITEMS,
    "into_future",
    "clone",
    "clone_from",
    "fmt",
    "into",
    "to_owned",
    "try_into",
];

/// Type names the module's generated code names unqualified besides its own items: a builder or
/// response enum of one of these names would shadow them (the prelude's, such as `Option`, are
/// kept free by [`type_name`]).
const MODULE_TYPES: &[&str] = &["Client"];

/// The builder's field holding the client; no input may take its name.
pub const CLIENT_FIELD: &str = "client";

/// The Rust name of the request body input.
pub const BODY: &str = "body";

/// Settles the signature of every operation of every module.
pub(super) fn settle(api: &mut Api, files: &[String], sink: &mut Sink) {
    for (doc, module) in api.modules.iter_mut().enumerate() {
        let file = files.get(doc).map_or("", String::as_str);
        method_names(module, file, sink);
        let mut types: BTreeMap<String, String> = MODULE_TYPES
            .iter()
            .map(|t| ((*t).to_owned(), format!("the module's own `{t}`")))
            .collect();
        for op in &mut module.operations {
            let at = format!("operation `{}` ({file}#{})", op.id, op.pointer);
            let builder = type_name(op.signature.method.trim_start_matches("r#"));
            let builder = claim(&mut types, builder, "Request", &at, file, op, sink);
            let returns = returns(op, &builder, &mut types, &at, file, sink);
            let (required, optional) = inputs(op, file, sink);
            op.signature.builder = builder;
            op.signature.required = required;
            op.signature.optional = optional;
            op.signature.returns = returns;
        }
    }
}

/// Method names that would shadow a method the module's `Client` has get `_operation`, with a
/// warning (distinct among themselves already: `operations.rs`).
fn method_names(module: &mut Module, file: &str, sink: &mut Sink) {
    for i in 0..module.operations.len() {
        let wanted = module.operations[i].signature.method.clone();
        let bare = wanted.trim_start_matches("r#");
        if !CLIENT_METHODS.contains(&bare) {
            continue;
        }
        let taken = |name: &str| {
            CLIENT_METHODS.contains(&name)
                || module.operations.iter().any(|o| o.signature.method == name)
        };
        let renamed = first_free([format!("{bare}_operation")], bare, "_", taken);
        let op = &module.operations[i];
        sink.push(rename_warning(
            file,
            op,
            format!(
                "the method of operation `{}` would be `{wanted}`, which the module's `Client` has already; it becomes `{renamed}`",
                op.id
            ),
        ));
        module.operations[i].signature.method = renamed;
    }
}

/// The warning that a name operation `op` was to have is taken (`message` says which and what
/// it becomes instead).
fn rename_warning(file: &str, op: &Operation, message: String) -> Diagnostic {
    Diagnostic::warning(file, op.pointer.clone(), Kind::OperationRenamed, message)
}

/// `wanted` as a type name of the module if it is free, else `wanted` + `suffix`, else numbered;
/// recorded with where it is used, and a warning naming both places when it had to change.
fn claim(
    types: &mut BTreeMap<String, String>,
    wanted: String,
    suffix: &str,
    at: &str,
    file: &str,
    op: &Operation,
    sink: &mut Sink,
) -> String {
    let name = first_free(
        [wanted.clone(), format!("{wanted}{suffix}")],
        &wanted,
        "",
        |n| types.contains_key(n),
    );
    if name != wanted {
        sink.push(rename_warning(
            file,
            op,
            format!(
                "the type `{wanted}` of operation `{}` is taken by {}; it becomes `{name}`",
                op.id, types[&wanted]
            ),
        ));
    }
    types.insert(name.clone(), at.to_owned());
    name
}

/// What the call returns: the one success type, or an enum of the module with a variant per
/// documented success status.
fn returns(
    op: &Operation,
    builder: &str,
    types: &mut BTreeMap<String, String>,
    at: &str,
    file: &str,
    sink: &mut Sink,
) -> Returns {
    if op.success_variants.is_empty() {
        let success = &op.success;
        return Returns::One(match (&success.ty, success.media) {
            (Some(ty), _) if success.optional => Output::JsonOrEmpty(ty.clone()),
            (Some(ty), _) => Output::Json(ty.clone()),
            (None, Some(Media::Binary)) => Output::Bytes,
            (None, Some(Media::Text)) => Output::Text,
            (None, _) => Output::Empty,
        });
    }
    let name = claim(
        types,
        format!("{builder}Response"),
        "Enum",
        at,
        file,
        op,
        sink,
    );
    let variants = op
        .success_variants
        .iter()
        .map(|r| Variant {
            name: match &r.range {
                Some(range) => format!("Success{range}"),
                None => format!("Status{}", r.status),
            },
            status: r.range.is_none().then_some(r.status),
            label: r.range.clone().unwrap_or_else(|| r.status.to_string()),
            description: r.description.clone(),
            ty: r.ty.clone(),
        })
        .collect();
    let other = !op.success_variants.iter().any(|r| r.range.is_some());
    Returns::Enum {
        name,
        variants,
        other,
    }
}

/// How a value of `ty` is taken: strings and lists by `impl Into`, the rest by value.
fn take(ty: &Ty) -> Take {
    match ty {
        Ty::String => Take::IntoString,
        Ty::List(_) => Take::IntoVec,
        _ => Take::Value,
    }
}

/// The required inputs in the method's order (path parameters, required query and header
/// parameters, a required body) and the optional ones in the same order, with their setters.
fn inputs(op: &Operation, file: &str, sink: &mut Sink) -> (Vec<Input>, Vec<Input>) {
    let parameters = op
        .path_params
        .iter()
        .enumerate()
        .map(|(i, p)| (Place::Path(i), p))
        .chain(
            op.query_params
                .iter()
                .enumerate()
                .map(|(i, p)| (Place::Query(i), p)),
        )
        .chain(
            op.header_params
                .iter()
                .enumerate()
                .map(|(i, p)| (Place::Header(i), p)),
        );
    let mut all: Vec<(bool, Input)> = parameters
        .map(|(place, p)| {
            let input = Input {
                place,
                name: p.rust_name.clone(),
                ty: p.ty.clone(),
                take: take(&p.ty),
                setters: None,
            };
            (p.required, input)
        })
        .collect();
    if let Some(body) = &op.body {
        let take = match body.kind {
            BodyKind::Text => Take::IntoString,
            BodyKind::Binary => Take::IntoBytes,
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart => take(&body.ty),
        };
        let input = Input {
            place: Place::Body,
            name: BODY.to_owned(),
            ty: body.ty.clone(),
            take,
            setters: None,
        };
        all.push((body.required, input));
    }
    let (required, mut optional): (Vec<_>, Vec<_>) = all.into_iter().partition(|(r, _)| *r);
    // The setters: an input's own name, then `set_` and the name for an `Option`; none may
    // shadow a method of the builder or another setter.
    let mut taken: Vec<String> = Vec::new();
    for (_, input) in &mut optional {
        let wanted = input.name.clone();
        let bare = wanted.trim_start_matches("r#");
        let value = if BUILDER_METHODS.contains(&bare) {
            first_free([format!("{bare}_param")], bare, "_", |n| {
                BUILDER_METHODS.contains(&n) || taken.iter().any(|t| t == n)
            })
        } else {
            wanted.clone()
        };
        taken.push(value.clone());
        input.setters = Some(Setters {
            value,
            option: String::new(),
        });
    }
    for (_, input) in &mut optional {
        let bare = input.name.trim_start_matches("r#").trim_start_matches('_');
        let wanted = format!("set_{bare}");
        let option = first_free([wanted.clone()], &wanted, "_", |n| {
            BUILDER_METHODS.contains(&n) || taken.iter().any(|t| t == n)
        });
        taken.push(option.clone());
        let setters = input.setters.as_mut().expect("set above");
        let mut renamed = Vec::new();
        if setters.value != input.name {
            renamed.push(format!("`{}` becomes `{}`", input.name, setters.value));
        }
        if option != wanted {
            renamed.push(format!("`{wanted}` becomes `{option}`"));
        }
        if !renamed.is_empty() {
            sink.push(rename_warning(
                file,
                op,
                format!(
                    "a setter of input `{}` of operation `{}` would shadow another method of its request builder: {}",
                    input.name,
                    op.id,
                    renamed.join(", ")
                ),
            ));
        }
        setters.option = option;
    }
    (
        required.into_iter().map(|(_, i)| i).collect(),
        optional.into_iter().map(|(_, i)| i).collect(),
    )
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Kind;
    use crate::ir::{Place, Returns, Take};
    use crate::normalize::test_support::{doc, normalize_yaml};

    #[test]
    fn required_inputs_are_positional_and_optional_ones_setters() {
        let (api, warnings) = normalize_yaml(&doc(
            "  /items/{id}:
    post:
      operationId: UpdateItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: tags, in: query, required: true, schema: {type: array, items: {type: string}}}
        - {name: limit, in: query, schema: {type: integer}}
        - {name: X-Trace, in: header, schema: {type: string}}
      requestBody:
        content: {text/plain: {schema: {type: string}}}
      responses: {'204': {description: done}}
",
            "    {}\n",
        ));
        assert!(warnings.is_empty(), "{warnings:?}");
        let signature = &api.modules[0].operations[0].signature;
        assert_eq!(
            (signature.method.as_str(), signature.builder.as_str()),
            ("update_item", "UpdateItem")
        );
        let required: Vec<(&str, Place, Take)> = signature
            .required
            .iter()
            .map(|i| (i.name.as_str(), i.place, i.take))
            .collect();
        assert_eq!(
            required,
            [
                ("id", Place::Path(0), Take::IntoString),
                ("tags", Place::Query(0), Take::IntoVec),
            ]
        );
        let optional: Vec<(&str, &str, &str, Take)> = signature
            .optional
            .iter()
            .map(|i| {
                let s = i.setters.as_ref().expect("setters");
                (i.name.as_str(), s.value.as_str(), s.option.as_str(), i.take)
            })
            .collect();
        assert_eq!(
            optional,
            [
                ("limit", "limit", "set_limit", Take::Value),
                ("x_trace", "x_trace", "set_x_trace", Take::IntoString),
                ("body", "body", "set_body", Take::IntoString),
            ]
        );
        assert!(matches!(signature.returns, Returns::One(_)));
    }

    #[test]
    fn clashing_names_are_settled_with_a_warning_naming_both_places() {
        let (api, warnings) = normalize_yaml(&doc(
            "  /a:
    get:
      operationId: transport
      parameters:
        - {name: send, in: query, schema: {type: string}}
        - {name: set_send, in: query, schema: {type: string}}
      responses:
        '200': {description: a, content: {application/json: {schema: {type: string}}}}
        '202': {description: b, content: {application/json: {schema: {type: integer}}}}
  /b:
    get:
      operationId: TransportOperationResponse
      responses: {'204': {description: done}}
  /c:
    get:
      operationId: client
      responses: {'204': {description: done}}
  /d:
    get:
      operationId: withRetry
      responses: {'204': {description: done}}
",
            "    {}\n",
        ));
        let ops = &api.modules[0].operations;
        assert_eq!(ops[0].signature.method, "transport_operation");
        assert_eq!(ops[0].signature.builder, "TransportOperation");
        let Returns::Enum { name, .. } = &ops[0].signature.returns else {
            panic!("two success bodies give an enum");
        };
        assert_eq!(name, "TransportOperationResponse");
        // A later builder of the enum's name gives way.
        assert_eq!(
            ops[1].signature.builder,
            "TransportOperationResponseRequest"
        );
        // `Client` is the module's own type.
        assert_eq!(ops[2].signature.builder, "ClientRequest");
        // The client's per-call handles are its own methods too.
        assert_eq!(ops[3].signature.method, "with_retry_operation");
        let setters: Vec<(&str, &str)> = ops[0]
            .signature
            .optional
            .iter()
            .map(|i| {
                let s = i.setters.as_ref().expect("setters");
                (s.value.as_str(), s.option.as_str())
            })
            .collect();
        assert_eq!(
            setters,
            [("send_param", "set_send_2"), ("set_send", "set_set_send")]
        );
        let renamed: Vec<&str> = warnings
            .iter()
            .filter(|w| w.kind == Kind::OperationRenamed)
            .map(|w| w.message.as_str())
            .collect();
        assert_eq!(renamed.len(), 5, "{renamed:#?}");
        assert!(
            renamed.iter().any(|m| m.contains("t.yaml#/paths/~1a/get")),
            "the other place is named: {renamed:#?}"
        );
    }
}
