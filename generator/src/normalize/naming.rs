//! Rust names from document names: snake_case fields, PascalCase types, keywords escaped.

use heck::{ToLowerCamelCase, ToPascalCase, ToSnakeCase, ToUpperCamelCase};

use crate::ir::Casing;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// The first of `candidates` that is not `taken`, else the first free of `{base}{separator}2`,
/// `{base}{separator}3`, …: how every clash of names is settled, deterministically.
pub fn first_free(
    candidates: impl IntoIterator<Item = String>,
    base: &str,
    separator: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    candidates
        .into_iter()
        .chain((2..).map(|n| format!("{base}{separator}{n}")))
        .find(|name| !taken(name))
        .expect("the numbered names are endless")
}

/// A snake_case identifier; keywords become raw identifiers (`r#type`), leading digits get `_`.
pub fn field_name(raw: &str) -> String {
    let snake = raw.to_snake_case();
    let snake = if snake.is_empty() {
        "field".to_owned()
    } else {
        snake
    };
    escape(snake)
}

/// A PascalCase type or variant name.
pub fn type_name(raw: &str) -> String {
    let pascal = raw.to_pascal_case();
    match pascal.chars().next() {
        None => "Unnamed".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("V{pascal}"),
        Some(_)
            if matches!(
                pascal.as_str(),
                "Self"
                    | "Option"
                    | "Result"
                    | "Vec"
                    | "String"
                    | "Box"
                    | "Ok"
                    | "Err"
                    | "Some"
                    | "None"
            ) =>
        {
            format!("{pascal}Model")
        }
        Some(_) => pascal,
    }
}

fn escape(ident: String) -> String {
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{ident}")
    } else if KEYWORDS.contains(&ident.as_str()) {
        if matches!(ident.as_str(), "self" | "Self" | "super" | "crate") {
            format!("{ident}_")
        } else {
            format!("r#{ident}")
        }
    } else {
        ident
    }
}

/// The short method name of a vendor-style operation id: the part after the last `_` (the
/// vendor prefixes ids with their controller: `CustomerHeader_QueryCustomersAsync`), without a
/// trailing `Async`, in snake_case (`query_customers`). `None` when nothing shorter is left.
pub fn short_method_name(id: &str) -> Option<String> {
    let action = id.rsplit('_').next().unwrap_or(id);
    let action = action
        .strip_suffix("Async")
        .filter(|a| !a.is_empty())
        .unwrap_or(action);
    let short = field_name(action);
    (short != field_name(id) && !action.is_empty()).then_some(short)
}

/// The full method name of an operation id, without a trailing `Async` (`Item_AddItemsAsync`
/// → `item_add_items`).
pub fn full_method_name(id: &str) -> String {
    let trimmed = id
        .strip_suffix("Async")
        .or_else(|| id.strip_suffix("_async"))
        .filter(|a| !a.is_empty() && !a.ends_with('_'))
        .unwrap_or(id);
    field_name(trimmed)
}

/// The casing all keys of a schema follow.
pub fn casing_of<'a>(keys: impl IntoIterator<Item = &'a str> + Clone) -> Casing {
    let all = |f: fn(&str) -> String| keys.clone().into_iter().all(|k| f(k) == k);
    if all(|k| k.to_lower_camel_case()) {
        Casing::Camel
    } else if all(|k| k.to_upper_camel_case()) {
        Casing::Pascal
    } else if all(|k| k.to_snake_case()) {
        Casing::Snake
    } else {
        Casing::Declared
    }
}

/// The words of a PascalCase name: `UpdateAppToken` → `[Update, App, Token]`.
pub fn words(name: &str) -> Vec<String> {
    name.to_snake_case()
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_pascal_case())
        .collect()
}

/// The longest run of whole words all names end with (`AppToken` for `AppToken`, `UpdateAppToken`).
pub fn common_word_suffix(names: &[&str]) -> Option<String> {
    let split: Vec<Vec<String>> = names.iter().map(|n| words(n)).collect();
    let shortest = split.iter().map(Vec::len).min()?;
    let mut take = 0;
    while take < shortest {
        let word = &split[0][split[0].len() - 1 - take];
        if split.iter().all(|w| &w[w.len() - 1 - take] == word) {
            take += 1;
        } else {
            break;
        }
    }
    (take > 0).then(|| split[0][split[0].len() - take..].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_are_pascal_case_identifiers() {
        assert_eq!(type_name("3d_model"), "V3dModel");
        assert_eq!(type_name("order-item"), "OrderItem");
        assert_eq!(type_name("self"), "SelfModel");
        assert_eq!(type_name(""), "Unnamed");
    }

    #[test]
    fn field_names_escape_keywords_and_digits() {
        assert_eq!(field_name("Type"), "r#type");
        assert_eq!(field_name("appId"), "app_id");
        assert_eq!(field_name("2fa"), "_2fa");
        assert_eq!(field_name("self"), "self_");
    }

    #[test]
    fn vendor_ids_give_short_method_names() {
        assert_eq!(
            short_method_name("CustomerHeader_QueryCustomersAsync").as_deref(),
            Some("query_customers")
        );
        assert_eq!(short_method_name("Item_Create").as_deref(), Some("create"));
        assert_eq!(short_method_name("RegisterApp"), None);
        assert_eq!(
            short_method_name("GetItemsAsync").as_deref(),
            Some("get_items")
        );
        assert_eq!(short_method_name("Async"), None);
        assert_eq!(full_method_name("Item_AddItemsAsync"), "item_add_items");
        assert_eq!(full_method_name("RegisterApp"), "register_app");
        assert_eq!(full_method_name("Async"), "r#async");
    }

    #[test]
    fn styles_are_told_apart() {
        assert_eq!(casing_of(["appId", "name"]), Casing::Camel);
        assert_eq!(casing_of(["AppId", "Name"]), Casing::Pascal);
        assert_eq!(casing_of(["access_token", "error"]), Casing::Snake);
        assert_eq!(casing_of(["URL", "x"]), Casing::Declared);
    }

    #[test]
    fn concept_names_are_the_common_word_suffix() {
        assert_eq!(
            common_word_suffix(&[
                "CreateAppRegistrationRequest",
                "UpdateAppRegistrationRequest"
            ])
            .as_deref(),
            Some("AppRegistrationRequest")
        );
        assert_eq!(
            common_word_suffix(&[
                "RegistrationInformation",
                "UpdateAppRegistrationInformation"
            ])
            .as_deref(),
            Some("RegistrationInformation")
        );
        assert_eq!(common_word_suffix(&["Foo", "Bar"]), None);
    }
}
