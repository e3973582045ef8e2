//! Rust names from document names: snake_case fields, PascalCase types, keywords escaped.

use heck::{ToLowerCamelCase, ToPascalCase, ToSnakeCase, ToUpperCamelCase};
use unicode_ident::{is_xid_continue, is_xid_start};

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

/// A snake_case identifier (fields, parameters, methods); keywords become raw identifiers
/// (`r#type`), or take a `_` where Rust has no raw form (`self_`); a name that cannot start an
/// identifier gets `_` before it (`_2fa`, `_٣count`).
pub fn field_name(raw: &str) -> String {
    identifier(&xid_words(raw).to_snake_case(), "field", "_", Keywords::Raw)
}

/// A module name (a file name too): ASCII (rustc loads a module from a file only by an ASCII
/// name, so other letters are transliterated: `über` is `uber`, `٣` is `_3`), snake_case;
/// keywords take a `_`, raw or not (`mod r#type;` would look for `type.rs`, not the
/// `r#type.rs` the generator would write), and so do the names of the crate's own modules and
/// files ([`RESERVED_MODULES`]).
pub fn module_name(raw: &str) -> String {
    let name = identifier(
        &xid_words(&deunicode::deunicode(raw)).to_snake_case(),
        "module",
        "_",
        Keywords::Suffix,
    );
    if RESERVED_MODULES.contains(&name.as_str()) {
        format!("{name}_api")
    } else {
        name
    }
}

/// The modules and files of a generated crate's `src/` that are not a document's: `lib.rs`,
/// `main.rs` (which cargo would take for a binary), `models`, the `runtime` re-export, the
/// `changelog`, and the hand-written modules (`emit/inlineable.rs`, whose test keeps this list
/// whole).
pub const RESERVED_MODULES: &[&str] = &[
    "lib",
    "main",
    "models",
    "runtime",
    "changelog",
    "fake",
    "registration",
    "wawi_session",
];

/// A PascalCase type or variant name; one that cannot start an identifier gets a `V` before it
/// (`V3dModel`, `V٣`), and the prelude's names, `Self` and `UnknownValue` (the type of every
/// enum's `Unknown` variant, in `models`) a `Model` after it.
pub fn type_name(raw: &str) -> String {
    let pascal = identifier(
        &xid_words(raw).to_pascal_case(),
        "Unnamed",
        "V",
        Keywords::Model,
    );
    if matches!(
        pascal.as_str(),
        "Option"
            | "Result"
            | "Vec"
            | "String"
            | "Box"
            | "Ok"
            | "Err"
            | "Some"
            | "None"
            | "UnknownValue"
    ) {
        format!("{pascal}Model")
    } else {
        pascal
    }
}

/// `raw` with every character that cannot continue a Rust identifier (not XID_Continue: `²`,
/// `-`, `.`, ` `) made a `_`, which heck takes for a word boundary (heck keeps every
/// alphanumeric character, `²` too).
fn xid_words(raw: &str) -> String {
    raw.chars()
        .map(|c| if is_xid_continue(c) { c } else { '_' })
        .collect()
}

/// How a keyword is escaped.
#[derive(Clone, Copy)]
enum Keywords {
    /// `r#type`; `self_` for the keywords without a raw form.
    Raw,
    /// `type_`.
    Suffix,
    /// `SelfModel`, like the prelude's names a type would shadow.
    Model,
}

/// The one constructor of the generator's identifiers: `cased`, a name heck has cased, made to
/// follow Rust's rules (XID_Start or `_`, then XID_Continue; not a keyword): a character a case
/// mapping left that cannot continue an identifier becomes `_`, a first character that cannot
/// start one gets `lead` before it, nothing at all is `fallback`, a keyword is escaped.
fn identifier(cased: &str, fallback: &str, lead: &str, keywords: Keywords) -> String {
    let mut ident: String = cased
        .chars()
        .map(|c| if is_xid_continue(c) { c } else { '_' })
        .collect();
    if ident.is_empty() || ident == "_" {
        return fallback.to_owned();
    }
    if ident.starts_with(|c: char| c != '_' && !is_xid_start(c)) {
        ident.insert_str(0, lead);
    }
    if !KEYWORDS.contains(&ident.as_str()) {
        return ident;
    }
    match keywords {
        Keywords::Raw if !matches!(ident.as_str(), "self" | "Self" | "super" | "crate") => {
            format!("r#{ident}")
        }
        Keywords::Raw | Keywords::Suffix => format!("{ident}_"),
        Keywords::Model => format!("{ident}Model"),
    }
}

/// Whether `name` is an identifier under Rust's rules: XID_Start or `_`, then XID_Continue, and
/// not `_` alone (keywords are identifiers here; [`is_keyword`] tells them apart).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c == '_' || is_xid_start(c))
        && chars.all(is_xid_continue)
        && name != "_"
}

/// Whether `name` is a Rust keyword (strict, reserved or edition 2024's `gen`).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
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
        assert_eq!(type_name("Self"), "SelfModel");
        assert_eq!(type_name("m²"), "M");
        assert_eq!(type_name("m²x"), "MX");
        assert_eq!(type_name("٣"), "V٣");
        assert_eq!(type_name("٣count"), "V٣count");
        assert_eq!(type_name("ß"), "SS");
        assert_eq!(type_name("İ"), "İ");
        assert_eq!(type_name("_"), "Unnamed");
        assert_eq!(type_name("unknown_value"), "UnknownValueModel");
    }

    #[test]
    fn field_names_escape_keywords_and_digits() {
        assert_eq!(field_name("Type"), "r#type");
        assert_eq!(field_name("appId"), "app_id");
        assert_eq!(field_name("2fa"), "_2fa");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("Self"), "self_");
        assert_eq!(field_name("crate"), "crate_");
        assert_eq!(field_name("_"), "field");
        assert_eq!(field_name("m²"), "m");
        assert_eq!(field_name("٣"), "_٣");
        assert_eq!(field_name("٣count"), "_٣count");
        assert_eq!(field_name("ß"), "ß");
        assert_eq!(field_name("İ"), "i\u{307}");
        assert_eq!(module_name("type"), "type_");
        assert_eq!(module_name("٣"), "_3");
        assert_eq!(module_name("über-API"), "uber_api");
        assert_eq!(module_name("models"), "models_api");
        assert_eq!(module_name("Lib"), "lib_api");
        assert_eq!(module_name("runtime"), "runtime_api");
    }

    /// Every name the constructor makes is an identifier by Rust's rules, for names of every
    /// kind of character (tests/generator/identifiers.rs compiles them).
    #[test]
    fn every_name_is_a_rust_identifier() {
        let names = [
            "m²", "ß", "İ", "٣", "٣count", "9lives", "type", "self", "Self", "crate", "super", "_",
            "__", "", "a-b", "½", "①", "x\u{301}", "\u{301}x", "é", "日本", "🦀", "r#type", "Ⅻ",
        ];
        for name in names {
            for ident in [field_name(name), module_name(name), type_name(name)] {
                let first = ident
                    .trim_start_matches("r#")
                    .chars()
                    .next()
                    .expect("not empty");
                assert!(
                    first == '_' || is_xid_start(first),
                    "{name:?} → {ident:?} starts with {first:?}"
                );
                assert!(
                    ident.trim_start_matches("r#").chars().all(is_xid_continue),
                    "{name:?} → {ident:?}"
                );
                assert_ne!(ident, "_", "{name:?}");
                let bare = ident.trim_start_matches("r#");
                assert!(
                    ident.starts_with("r#") == KEYWORDS.contains(&bare),
                    "{name:?} → {ident:?}: keywords are raw, others are not"
                );
                assert!(!matches!(
                    ident.as_str(),
                    "r#self" | "r#Self" | "r#super" | "r#crate" | "r#_"
                ));
            }
        }
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
