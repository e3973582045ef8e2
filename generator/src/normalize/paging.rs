//! Paged lists: which operations walk a list page by page, and how (issue 26).
//!
//! Three ways an operation is recognized:
//! - the vendor's envelope: a `pageNumber` query parameter (any casing) and an answer with a list
//!   of `Items` and at least one of `HasNextPage`, `NextPageNumber`, `TotalPages` (any casing);
//! - Dropshot's `x-dropshot-pagination`: a `page_token` query parameter and an answer with
//!   `items` and `next_page`;
//! - `x-jtl-paging` on the operation, naming the parts itself (`false` turns detection off).
//!
//! The envelope is a concept only after unification, so [`detect`] runs last; [`hint`] reads the
//! operation's extensions while it is lowered.

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Kind, Sink};
use crate::ir::{Api, Concept, EnvelopeField, Operation, Paging, PagingHint, PagingKind, Ty};

/// What the operation's extensions say about paging.
pub(super) fn hint(
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
    file: &str,
    pointer: &str,
    sink: &mut Sink,
) -> PagingHint {
    if let Some(value) = extensions.get("x-jtl-paging") {
        return match value {
            serde_json::Value::Bool(false) => PagingHint::Off,
            serde_json::Value::Object(fields) => {
                let text = |key: &str| fields.get(key).and_then(|v| v.as_str()).map(str::to_owned);
                let numbered = match text("kind").as_deref() {
                    None | Some("page-number") => Some(true),
                    Some("token") => Some(false),
                    Some(_) => None,
                };
                match (text("cursor"), text("items"), numbered) {
                    (Some(cursor), Some(items), Some(numbered)) => PagingHint::Named {
                        cursor,
                        items,
                        next: text("next"),
                        numbered,
                    },
                    _ => {
                        sink.push(Diagnostic::warning(
                            file,
                            format!("{pointer}/x-jtl-paging"),
                            Kind::PagingOverrideInvalid,
                            "`x-jtl-paging` needs `cursor` and `items` (strings) and a `kind` of \
                             `page-number` or `token`; no stream for this operation",
                        ));
                        PagingHint::Off
                    }
                }
            }
            _ => {
                sink.push(Diagnostic::warning(
                    file,
                    format!("{pointer}/x-jtl-paging"),
                    Kind::PagingOverrideInvalid,
                    "`x-jtl-paging` is `false` or an object; no stream for this operation",
                ));
                PagingHint::Off
            }
        };
    }
    if extensions.contains_key("x-dropshot-pagination") {
        return PagingHint::Dropshot;
    }
    PagingHint::Detect
}

/// Sets [`Operation::paging`] on every operation that walks a paged list; its request builder
/// gets the stream methods (`into_pages`, `into_items`, which no setter takes:
/// `signature.rs`).
pub(super) fn detect(api: &mut Api, files: &[String], sink: &mut Sink) {
    for (doc, module) in api.modules.iter_mut().enumerate() {
        for op in &mut module.operations {
            let Some(envelope) = envelope_of(op, &api.concepts, &api.concept_of) else {
                if matches!(
                    op.paging_hint,
                    PagingHint::Named { .. } | PagingHint::Dropshot
                ) {
                    sink.push(Diagnostic::warning(
                        files.get(doc).map_or("", String::as_str),
                        op.pointer.clone(),
                        Kind::PagingNotUnderstood,
                        "declared as paged, but its success answer is not an object; no stream",
                    ));
                }
                continue;
            };
            let paging = match &op.paging_hint {
                PagingHint::Off => None,
                PagingHint::Detect => vendor_envelope(op, envelope),
                PagingHint::Dropshot => {
                    token_paging(op, envelope, "page_token", "items", "next_page")
                }
                PagingHint::Named {
                    cursor,
                    items,
                    next,
                    numbered: true,
                } => numbered_paging(op, envelope, cursor, items, next.as_deref()),
                PagingHint::Named {
                    cursor,
                    items,
                    next: Some(next),
                    numbered: false,
                } => token_paging(op, envelope, cursor, items, next),
                PagingHint::Named { .. } => None,
            };
            if paging.is_none() && !matches!(op.paging_hint, PagingHint::Detect | PagingHint::Off) {
                sink.push(Diagnostic::warning(
                    files.get(doc).map_or("", String::as_str),
                    op.pointer.clone(),
                    Kind::PagingNotUnderstood,
                    "declared as paged, but the cursor parameter or the answer's items and next \
                     page are not where the declaration says; no stream",
                ));
            }
            if let Some((cursor, items, item_ty, kind)) = paging {
                op.paging = Some(Paging {
                    cursor,
                    items,
                    item_ty,
                    kind,
                    pages_method: super::signature::PAGES.to_owned(),
                    items_method: super::signature::ITEMS.to_owned(),
                });
            }
        }
    }
}

type Detected = (usize, EnvelopeField, Ty, PagingKind);

/// The concept a JSON success answer is, if it is one.
fn envelope_of<'a>(
    op: &Operation,
    concepts: &'a [Concept],
    concept_of: &BTreeMap<crate::ir::SchemaKey, (usize, crate::ir::Casing)>,
) -> Option<&'a Concept> {
    if !op.success_variants.is_empty() || op.success.optional {
        return None;
    }
    let Some(Ty::Concept(key)) = &op.success.ty else {
        return None;
    };
    concept_of.get(key).map(|(index, _)| &concepts[*index])
}

/// The vendor's envelope with a `pageNumber` parameter.
fn vendor_envelope(op: &Operation, envelope: &Concept) -> Option<Detected> {
    let (cursor, items, item_ty) = cursor_and_items(op, envelope, "pageNumber", "Items")?;
    let has_next = field(envelope, "HasNextPage", |t| *t == Ty::Bool);
    let next_number = field(envelope, "NextPageNumber", is_integer);
    let total_pages = field(envelope, "TotalPages", is_integer);
    if has_next.is_none() && next_number.is_none() && total_pages.is_none() {
        return None;
    }
    Some((
        cursor,
        items,
        item_ty,
        PagingKind::Numbered {
            has_next,
            next_number,
            total_pages,
        },
    ))
}

/// Numbered pages as `x-jtl-paging` names them.
fn numbered_paging(
    op: &Operation,
    envelope: &Concept,
    cursor: &str,
    items: &str,
    next: Option<&str>,
) -> Option<Detected> {
    let (cursor, items, item_ty) = cursor_and_items(op, envelope, cursor, items)?;
    let next_number = match next {
        Some(next) => Some(field(envelope, next, is_integer)?),
        None => None,
    };
    Some((
        cursor,
        items,
        item_ty,
        PagingKind::Numbered {
            has_next: field(envelope, "HasNextPage", |t| *t == Ty::Bool),
            next_number,
            total_pages: field(envelope, "TotalPages", is_integer),
        },
    ))
}

/// An opaque token: the first page without one, the next from the envelope's `next` field.
fn token_paging(
    op: &Operation,
    envelope: &Concept,
    cursor: &str,
    items: &str,
    next: &str,
) -> Option<Detected> {
    let (cursor_index, items, item_ty) = cursor_and_items(op, envelope, cursor, items)?;
    let cursor_param = &op.query_params[cursor_index];
    // The first page is asked without a token: a required token cannot be left out.
    if cursor_param.required || cursor_param.ty != Ty::String {
        return None;
    }
    let next = field(envelope, next, |t| *t == Ty::String)?;
    Some((cursor_index, items, item_ty, PagingKind::Token { next }))
}

/// The cursor parameter (a page number is an integer or a string) and the list of items.
fn cursor_and_items(
    op: &Operation,
    envelope: &Concept,
    cursor: &str,
    items: &str,
) -> Option<(usize, EnvelopeField, Ty)> {
    let cursor = op
        .query_params
        .iter()
        .position(|p| same_name(&p.name, cursor) && (is_integer(&p.ty) || p.ty == Ty::String))?;
    let items = field(envelope, items, |t| matches!(t, Ty::List(_)))?;
    let Ty::List(item_ty) = &items.ty else {
        return None;
    };
    let item_ty = (**item_ty).clone();
    Some((cursor, items, item_ty))
}

/// The envelope's field spelled `name` in any casing, if its type fits.
fn field(envelope: &Concept, name: &str, fits: impl Fn(&Ty) -> bool) -> Option<EnvelopeField> {
    envelope
        .fields
        .iter()
        .find(|f| f.spellings.iter().any(|s| same_name(s, name)) && fits(&f.ty))
        .map(|f| EnvelopeField {
            rust_name: f.rust_name.clone(),
            ty: f.ty.clone(),
            required: f.required,
        })
}

/// `pageNumber`, `PageNumber`, `page_number` and `page-number` are one name.
fn same_name(a: &str, b: &str) -> bool {
    let fold = |s: &str| {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    fold(a) == fold(b)
}

fn is_integer(ty: &Ty) -> bool {
    matches!(ty, Ty::I32 | Ty::I64)
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Kind;
    use crate::ir::{PagingKind, Ty};
    use crate::normalize::test_support::{doc, normalize_yaml};

    const ENVELOPE: &str = "    Item: {type: object, properties: {Id: {type: integer}}}
    PagedListOfItem:
      type: object
      properties:
        Items: {type: array, items: {$ref: '#/components/schemas/Item'}}
        TotalPages: {type: integer}
        HasNextPage: {type: boolean}
        NextPageNumber: {type: integer, nullable: true}";

    fn list(parameters: &str, extension: &str) -> String {
        format!(
            "  /items:
    get:
      operationId: listItems{extension}
      parameters:{parameters}
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/PagedListOfItem'}}"
        )
    }

    const PAGE_PARAMS: &str = "
        - {name: pageNumber, in: query, schema: {type: integer}}
        - {name: pageSize, in: query, schema: {type: integer}}";

    #[test]
    fn the_vendor_envelope_with_a_page_number_is_paged() {
        let (api, warnings) = normalize_yaml(&doc(&list(PAGE_PARAMS, ""), ENVELOPE));
        assert!(warnings.is_empty(), "{warnings:?}");
        let op = &api.modules[0].operations[0];
        let paging = op.paging.as_ref().expect("paged");
        assert_eq!(op.query_params[paging.cursor].name, "pageNumber");
        assert_eq!(paging.items.rust_name, "items");
        assert_eq!(paging.pages_method, "into_pages");
        assert_eq!(paging.items_method, "into_items");
        let PagingKind::Numbered {
            has_next,
            next_number,
            total_pages,
        } = &paging.kind
        else {
            panic!("numbered: {paging:?}")
        };
        assert_eq!(
            has_next.as_ref().map(|f| f.rust_name.as_str()),
            Some("has_next_page")
        );
        assert_eq!(
            next_number.as_ref().map(|f| f.rust_name.as_str()),
            Some("next_page_number")
        );
        assert_eq!(total_pages.as_ref().map(|f| f.ty.clone()), Some(Ty::I64));
    }

    #[test]
    fn without_the_page_parameter_or_an_end_marker_there_is_no_stream() {
        let (api, _) = normalize_yaml(&doc(
            &list(
                "\n        - {name: pageSize, in: query, schema: {type: integer}}",
                "",
            ),
            ENVELOPE,
        ));
        assert_eq!(api.modules[0].operations[0].paging, None);
        let bare = "    Item: {type: object, properties: {Id: {type: integer}}}
    PagedListOfItem:
      type: object
      properties:
        Items: {type: array, items: {$ref: '#/components/schemas/Item'}}";
        let (api, _) = normalize_yaml(&doc(&list(PAGE_PARAMS, ""), bare));
        assert_eq!(api.modules[0].operations[0].paging, None);
        let (api, _) = normalize_yaml(&doc(
            &list(PAGE_PARAMS, "\n      x-jtl-paging: false"),
            ENVELOPE,
        ));
        assert_eq!(api.modules[0].operations[0].paging, None, "turned off");
    }

    #[test]
    fn dropshot_pagination_walks_tokens() {
        let schemas = "    Thing: {type: object, properties: {id: {type: string}}}
    ThingResultsPage:
      type: object
      required: [items]
      properties:
        items: {type: array, items: {$ref: '#/components/schemas/Thing'}}
        next_page: {type: string, nullable: true}";
        let paths = "  /things:
    get:
      operationId: thing_list
      x-dropshot-pagination: {required: []}
      parameters:
        - {name: limit, in: query, schema: {type: integer, nullable: true}}
        - {name: page_token, in: query, schema: {type: string, nullable: true}}
      responses:
        '200':
          description: a page
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ThingResultsPage'}";
        let (api, warnings) = normalize_yaml(&doc(paths, schemas));
        assert!(warnings.is_empty(), "{warnings:?}");
        let paging = api.modules[0].operations[0].paging.clone().expect("paged");
        assert_eq!(paging.cursor, 1);
        assert!(paging.items.required);
        assert!(
            matches!(&paging.kind, PagingKind::Token { next } if next.rust_name == "next_page" && !next.required)
        );
    }

    #[test]
    fn an_override_names_the_parts_and_a_wrong_one_is_a_warning() {
        let schemas = "    Item: {type: object, properties: {Id: {type: integer}}}
    Listing:
      type: object
      properties:
        Entries: {type: array, items: {$ref: '#/components/schemas/Item'}}
        Following: {type: integer}";
        let params = "
        - {name: p, in: query, schema: {type: integer}}";
        let named = "\n      x-jtl-paging: {cursor: p, items: Entries, next: Following}";
        let listing = |ext: &str| list(params, ext).replace("PagedListOfItem", "Listing");
        let (api, warnings) = normalize_yaml(&doc(&listing(named), schemas));
        assert!(warnings.is_empty(), "{warnings:?}");
        let paging = api.modules[0].operations[0].paging.clone().expect("paged");
        assert_eq!(paging.items.rust_name, "entries");
        assert!(matches!(
            &paging.kind,
            PagingKind::Numbered { next_number: Some(next), .. } if next.rust_name == "following"
        ));
        let wrong = "\n      x-jtl-paging: {cursor: nope, items: Entries}";
        let (api, warnings) = normalize_yaml(&doc(&listing(wrong), schemas));
        assert_eq!(api.modules[0].operations[0].paging, None);
        assert_eq!(
            warnings.iter().map(|w| w.kind).collect::<Vec<_>>(),
            [Kind::PagingNotUnderstood]
        );
        let (_, warnings) = normalize_yaml(&doc(&listing("\n      x-jtl-paging: 3"), schemas));
        assert_eq!(
            warnings.iter().map(|w| w.kind).collect::<Vec<_>>(),
            [Kind::PagingOverrideInvalid]
        );
    }
}
