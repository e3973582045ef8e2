//! The two stream methods of a paged operation (issue 26): `…_pages`, a stream of its pages,
//! and `…_stream`, a stream of their items. They take the operation's arguments minus the page
//! cursor, own copies of them (a stream outlives the call that made it), and call the
//! operation's own method once per page, so that retries, the rate-limit window, hooks and auth
//! apply to every page; `rt::paging` decides where a walk goes and when it ends.

use super::code::{Code, lit};
use super::operations::{arguments, error_body, uses_params_struct};
use super::runtime as rt;
use super::types::rust_type;
use crate::ir::{Api, EnvelopeField, Operation, Paging, PagingKind, Ty};

/// Both stream methods of `op`, if it is paged.
pub(super) fn emit_paged_methods(code: &mut Code, api: &Api, op: &Operation) {
    let Some(paging) = &op.paging else {
        return;
    };
    let Some(envelope_ty) = &op.success.ty else {
        return;
    };
    let envelope = rust_type(api, envelope_ty);
    let item = rust_type(api, &paging.item_ty);
    let error = format!("{}<{}>", rt::ERROR, error_body(api, op));
    let cursor = &op.query_params[paging.cursor];
    let in_params_struct = !cursor.required && uses_params_struct(op);
    let args: Vec<(String, String)> = arguments(api, op)
        .into_iter()
        .filter(|(name, _)| in_params_struct || *name != cursor.rust_name)
        .collect();
    let signature: Vec<String> = std::iter::once("&self".to_owned())
        .chain(args.iter().map(|(name, ty)| format!("{name}: {ty}")))
        .collect();
    let method = op.method_name.trim_start_matches("r#");
    let deprecated = || "#[deprecated = \"deprecated by the vendor\"]";

    code.blank();
    code.docs(Some(&format!(
        "The pages of [`Self::{method}`], from the first on, as a stream.\n\n\
         It sends nothing until polled and nothing more once dropped; each page is one call of \
         [`Self::{method}`] (retries, the rate-limit window, hooks and auth apply). It ends where \
         the server says the list ends, and with [`{}::Paging`] where the server would make it \
         loop. See [`crate::runtime::paging`].",
        rt::ERROR_KIND
            .path()
            .replace("::jtl_erp_runtime", "crate::runtime")
    )));
    if op.deprecated {
        code.line(deprecated());
        code.line("#[allow(deprecated)]");
    }
    // The copies are cloned once per page whatever their type: `Copy` ones too.
    code.line("#[allow(clippy::clone_on_copy)]");
    code.signature(
        &format!("pub fn {}", paging.pages_method),
        &signature,
        Some(&format!(
            "impl {}<Item = Result<{}<{envelope}>, {error}>> + Send + use<>",
            rt::STREAM,
            rt::RESPONSE_VALUE
        )),
    );
    code.line("let client = self.clone();");
    for (name, ty) in &args {
        code.line(format_args!("let {name} = {};", owned(name, ty)));
    }
    let first = match paging.kind {
        PagingKind::Numbered { .. } => format!("{}::Number(1)", rt::CURSOR),
        PagingKind::Token { .. } => format!("{}::Token(Option::None)", rt::CURSOR),
    };
    // Every page's future owns its copies: the walk calls `fetch` once per page.
    code.open(format_args!("let fetch = move |cursor: {}|", rt::CURSOR));
    code.line("let client = client.clone();");
    for (name, _) in &args {
        code.line(format_args!("let {name} = {name}.clone();"));
    }
    code.open("async move");
    let cursor_value = cursor_value(code, paging, cursor, in_params_struct);
    let call_args: Vec<String> = arguments(api, op)
        .iter()
        .map(|(name, ty)| {
            if !in_params_struct && *name == cursor.rust_name {
                cursor_value.clone()
            } else {
                borrowed(name, ty)
            }
        })
        .collect();
    code.line(format_args!(
        "client.{}({}).await",
        op.method_name,
        call_args.join(", ")
    ));
    code.close();
    code.close_with("};");
    code.line(format_args!("let marks = {};", marks(&envelope, paging)));
    code.line(format_args!(
        "{}({}, {first}, fetch, marks)",
        rt::PAGES,
        lit(&op.id)
    ));
    code.close();

    code.blank();
    code.docs(Some(&format!(
        "The items of [`Self::{}`], in order: every item of every page, as a stream.",
        paging.pages_method
    )));
    if op.deprecated {
        code.line(deprecated());
        code.line("#[allow(deprecated)]");
    }
    code.signature(
        &format!("pub fn {}", paging.items_method),
        &signature,
        Some(&format!(
            "impl {}<Item = Result<{item}, {error}>> + Send + use<>",
            rt::STREAM
        )),
    );
    let forwarded: Vec<&str> = args.iter().map(|(name, _)| name.as_str()).collect();
    code.line(format_args!(
        "let pages = self.{}({});",
        paging.pages_method,
        forwarded.join(", ")
    ));
    let items = if paging.items.required {
        format!("page.{}", paging.items.rust_name)
    } else {
        format!("page.{}.unwrap_or_default()", paging.items.rust_name)
    };
    code.line(format_args!(
        "{}(pages, |page: {envelope}| {items})",
        rt::PAGE_ITEMS
    ));
    code.close();
}

/// `let page = …;` for the cursor inside the fetch, and how the call passes it.
fn cursor_value(
    code: &mut Code,
    paging: &Paging,
    cursor: &crate::ir::Parameter,
    in_params_struct: bool,
) -> String {
    let value = match (&paging.kind, &cursor.ty) {
        (PagingKind::Token { .. }, _) => {
            if in_params_struct {
                code.line("let mut params = params;");
                code.line(format_args!(
                    "params.{} = cursor.token().map(str::to_owned);",
                    cursor.rust_name
                ));
                return String::new();
            }
            return "cursor.token()".to_owned();
        }
        (_, Ty::I32) => "i32::try_from(cursor.number()).unwrap_or(i32::MAX)".to_owned(),
        (_, Ty::String) => "cursor.number().to_string()".to_owned(),
        _ => "cursor.number()".to_owned(),
    };
    if in_params_struct {
        code.line("let mut params = params;");
        code.line(format_args!(
            "params.{} = Option::Some({value});",
            cursor.rust_name
        ));
        return String::new();
    }
    code.line(format_args!("let page = {value};"));
    if cursor.required {
        "&page".to_owned()
    } else {
        "Option::Some(&page)".to_owned()
    }
}

/// The owned copy of a borrowed argument, taken before the stream starts.
fn owned(name: &str, ty: &str) -> String {
    if ty == "&str" {
        format!("{name}.to_owned()")
    } else if ty.starts_with("&[") {
        format!("{name}.to_vec()")
    } else if ty.starts_with('&') {
        format!("{name}.clone()")
    } else if ty == "Option<&str>" {
        format!("{name}.map(str::to_owned)")
    } else if ty.starts_with("Option<&[") {
        format!("{name}.map(<[_]>::to_vec)")
    } else if ty.starts_with("Option<&") {
        format!("{name}.cloned()")
    } else {
        name.to_owned()
    }
}

/// How the call borrows an owned copy made by [`owned`].
fn borrowed(name: &str, ty: &str) -> String {
    if ty == "&str" || ty.starts_with('&') {
        format!("&{name}")
    } else if ty == "Option<&str>" || ty.starts_with("Option<&[") {
        format!("{name}.as_deref()")
    } else if ty.starts_with("Option<&") {
        format!("{name}.as_ref()")
    } else {
        format!("{name}.clone()")
    }
}

/// The function that reads a page's marks from the envelope.
fn marks(envelope: &str, paging: &Paging) -> String {
    let empty = if paging.items.required {
        format!("page.{}.is_empty()", paging.items.rust_name)
    } else {
        format!(
            "page.{}.as_ref().is_none_or(|items| items.is_empty())",
            paging.items.rust_name
        )
    };
    let mut fields = vec![format!("empty: {empty}")];
    match &paging.kind {
        PagingKind::Numbered {
            has_next,
            next_number,
            total_pages,
        } => {
            if let Some(f) = has_next {
                fields.push(format!("has_next: {}", optional(f, "")));
            }
            if let Some(f) = next_number {
                fields.push(format!("next_number: {}", optional(f, ".map(i64::from)")));
            }
            if let Some(f) = total_pages {
                fields.push(format!("total_pages: {}", optional(f, ".map(i64::from)")));
            }
        }
        PagingKind::Token { next } => {
            let token = if next.required {
                format!("Option::Some(page.{}.clone())", next.rust_name)
            } else {
                format!("page.{}.clone()", next.rust_name)
            };
            fields.push(format!("next_token: {token}"));
        }
    }
    format!(
        "|page: &{envelope}| {} {{ {}, ..::std::default::Default::default() }}",
        rt::MARKS,
        fields.join(", ")
    )
}

/// A field of the envelope as an `Option` (a required one wrapped), `then` applied.
fn optional(field: &EnvelopeField, then: &str) -> String {
    if field.required {
        format!("Option::Some(page.{}){then}", field.rust_name)
    } else {
        format!("page.{}{then}", field.rust_name)
    }
}
