//! The pieces every emitter builds Rust from: identifiers, string literals and doc attributes as
//! `proc_macro2` tokens (put together with `quote!`), and [`print()`], which makes a file's token
//! stream text with `prettyplease`, as progenitor and typify do.
//!
//! Token streams close by construction what text would leave to care: brackets balance, a
//! literal is a literal, and an identifier is one ([`ident`] is the only way a name from a
//! document becomes one). Document text reaches doc attributes through [`super::doc`] first.

use std::fmt::Write as _;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::normalize::{is_identifier, is_keyword};

/// The identifier `name` (`r#type` for a raw one), valid whatever `name` holds: a keyword
/// becomes raw (`type` → `r#type`) or, where Rust has no raw form (`self`, `Self`, `super`,
/// `crate`), takes a `_` (`self_`); anything that is no identifier under Rust's rules (XID)
/// is made one by the naming rules of `normalize` (`m²` → `m_`). `proc_macro2::Ident::new`
/// would panic on such input; nothing else in the emitters makes an `Ident` from a name.
pub fn ident(name: &str) -> Ident {
    let (bare, raw) = match name.strip_prefix("r#") {
        Some(bare) => (bare, true),
        None => (name, false),
    };
    if !is_identifier(bare) {
        let fixed = crate::normalize::field_name(bare);
        debug_assert!(is_identifier(fixed.trim_start_matches("r#")), "{fixed}");
        return ident(&fixed);
    }
    if matches!(bare, "self" | "Self" | "super" | "crate") {
        return Ident::new(&format!("{bare}_"), Span::call_site());
    }
    if raw || is_keyword(bare) {
        Ident::new_raw(bare, Span::call_site())
    } else {
        Ident::new(bare, Span::call_site())
    }
}

/// A string literal for `text` (quotes, backslashes and control characters escaped).
pub fn lit(text: &str) -> Literal {
    Literal::string(text)
}

/// `#[doc = …]` lines of a text (already rustdoc-safe, see [`super::doc`]); nothing for no text.
pub fn docs(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return TokenStream::new();
    };
    let lines = doc_lines(text);
    quote!(#(#[doc = #lines])*)
}

/// `#![doc = …]` lines of a text.
pub fn inner_docs(text: &str) -> TokenStream {
    let lines = doc_lines(text.trim());
    quote!(#(#![doc = #lines])*)
}

/// The lines of a doc text as prettyplease prints them back as `///` lines: a space before
/// each non-empty line.
fn doc_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let line = doc_text(line.trim_end());
            if line.is_empty() {
                line
            } else {
                format!(" {line}")
            }
        })
        .collect()
}

/// A line of doc comment text: a bare carriage return is not allowed in a comment, and the
/// bidirectional controls rustc denies there (`text_direction_codepoint_in_comment`) are
/// written as their escapes, so that a description can neither break the build nor reorder
/// what a reader sees.
pub(super) fn doc_text(line: &str) -> String {
    let mut text = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\r' => {}
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
                let _ = write!(text, "\\u{{{:x}}}", u32::from(c));
            }
            c => text.push(c),
        }
    }
    text
}

/// A file's tokens as formatted text (`syn` reads them, `prettyplease` prints them, [`space`]
/// separates the items). `Err` names the file: the emitters made tokens that are no Rust file,
/// a generator bug.
pub fn print(path: &str, tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("generator bug: {path} is not a Rust file: {e}"))?;
    Ok(space(&prettyplease::unparse(&file)))
}

/// prettyplease's text with a blank line between items, as rustfmt leaves them in hand-written
/// code (token streams hold no blank lines): after the inner attributes and docs of the file,
/// between top-level items (not between `pub mod` and `pub use` lines of one kind), and between
/// the items of an `impl`. Only blank lines are added, so `syn` reads the same file and
/// prettyplease prints it back without them (`tests/generator/formatting.rs`).
pub fn space(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        if let Some(p) = previous
            && needs_blank(p, line)
        {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

fn needs_blank(previous: &str, line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let previous_indent = previous.len() - previous.trim_start_matches(' ').len();
    if line.trim().is_empty() || indent != previous_indent || indent > 4 {
        return false;
    }
    let (p, l) = (previous.trim_start(), line.trim_start());
    if p.ends_with('}') {
        return !l.starts_with(['}', ')', ']']);
    }
    if indent != 0 {
        return false;
    }
    if p.starts_with("//!") || p.starts_with("#![") {
        return !(l.starts_with("//!") || l.starts_with("#!["));
    }
    let same_kind = (p.starts_with("pub mod ")
        && (l.starts_with("#[") || l.starts_with("pub mod ")))
        || (p.starts_with("pub use ") && l.starts_with("pub use "));
    p.ends_with(';') && !same_kind
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_follow_rusts_rules_whatever_the_name() {
        let cases = [
            ("name", "name"),
            ("r#type", "r#type"),
            ("type", "r#type"),
            ("r#self", "self_"),
            ("Self", "Self_"),
            ("crate", "crate_"),
            ("super", "super_"),
            ("m²", "m"),
            ("9lives", "_9lives"),
            ("_", "field"),
            ("", "field"),
            ("a-b", "a_b"),
            ("r#", "field"),
            ("ß", "ß"),
        ];
        for (name, expected) in cases {
            assert_eq!(ident(name).to_string(), expected, "{name:?}");
        }
    }

    #[test]
    fn docs_keep_paragraphs_and_drop_carriage_returns() {
        let tokens = docs(Some("First\r\n\r\nSecond\rline  \n"));
        let printed = print("t.rs", quote!(#tokens struct A;)).expect("a file");
        assert_eq!(printed, "/// First\n///\n/// Secondline\nstruct A;\n");
        assert!(docs(Some("  ")).is_empty());
        assert!(docs(None).is_empty());
    }

    #[test]
    fn docs_escape_the_bidirectional_controls_rustc_denies_in_comments() {
        let tokens = docs(Some("price \u{202E}01$\u{2066}x\u{2069} \u{200F}ok"));
        let printed = print("t.rs", quote!(#tokens struct A;)).expect("a file");
        assert_eq!(
            printed,
            "/// price \\u{202e}01$\\u{2066}x\\u{2069} \u{200F}ok\nstruct A;\n"
        );
    }

    #[test]
    fn literals_escape_what_rust_requires() {
        assert_eq!(lit("a\"b\\c\nd").to_string(), r#""a\"b\\c\nd""#);
        assert_eq!(lit("{x}").to_string(), r#""{x}""#);
    }

    #[test]
    fn items_are_separated_by_one_blank_line() {
        let tokens = quote! {
            //! A file.
            #![forbid(unsafe_code)]
            use ::a as rt;
            pub mod b;
            #[cfg(x)]
            pub mod c;
            pub use d;
            pub use e;
            pub struct S {}
            impl S {
                fn f() {}
                fn g() {
                    if true {}
                    let _x = 1;
                }
            }
        };
        assert_eq!(
            print("t.rs", tokens).expect("a file"),
            "//! A file.\n#![forbid(unsafe_code)]\n\nuse ::a as rt;\n\npub mod b;\n#[cfg(x)]\n\
             pub mod c;\n\npub use d;\npub use e;\n\npub struct S {}\n\nimpl S {\n    fn f() {}\n\n    \
             fn g() {\n        if true {}\n        let _x = 1;\n    }\n}\n"
        );
    }

    #[test]
    fn names_become_identifiers_only_through_ident() {
        // runtime.rs makes identifiers of its own static paths, which the contract test compiles.
        let emitters = [
            ("enums.rs", include_str!("enums.rs")),
            ("models.rs", include_str!("models.rs")),
            ("mod.rs", include_str!("mod.rs")),
            ("operations.rs", include_str!("operations.rs")),
            ("paging.rs", include_str!("paging.rs")),
            ("required.rs", include_str!("required.rs")),
            ("unions.rs", include_str!("unions.rs")),
            ("types.rs", include_str!("types.rs")),
        ];
        for (file, text) in emitters {
            for constructor in ["Ident::new", "format_ident!", "parse_str", ".parse::<"] {
                assert!(!text.contains(constructor), "{file} uses {constructor}");
            }
        }
    }

    #[test]
    fn tokens_that_are_no_file_are_an_error_naming_the_file() {
        let error = print("src/x.rs", quote!(fn)).expect_err("no file");
        assert!(error.contains("src/x.rs"), "{error}");
    }
}
