//! Rust source written as text, line by line, already formatted.
//!
//! The emitters used to build token streams (`quote`) that `syn` parsed back and `prettyplease`
//! printed. That round trip was two thirds of a regeneration: of the vendor-size document's
//! 542 ms in process, its 4 MB of output took 0.34 s to parse and print and the emitters 0.07 s
//! (README, "Design decisions"). Writing the text directly, in the layout prettyplease chose,
//! the whole regeneration takes about 0.1 s. What the round trip gave for free is kept by tests: every generated
//! crate is compiled by the suite (and the corpus crates by `.ci/run`), and
//! `tests/generator/formatting.rs` checks that `syn` reads every file.

use std::fmt::{self, Write as _};

/// Lines longer than this are broken where [`Code::signature`] and [`Code::list`] can.
pub const WIDTH: usize = 100;

/// A Rust file being written: the text so far and the current indentation.
#[derive(Default)]
pub struct Code {
    out: String,
    depth: usize,
}

impl Code {
    /// An empty file.
    pub fn new() -> Self {
        Self::default()
    }

    /// The text.
    pub fn finish(self) -> String {
        self.out
    }

    /// One line at the current indentation.
    pub fn line(&mut self, text: impl fmt::Display) {
        self.indent();
        let _ = write!(self.out, "{text}");
        self.out.push('\n');
    }

    /// An empty line (none twice in a row, none right after an opening brace).
    pub fn blank(&mut self) {
        if !(self.out.is_empty() || self.out.ends_with("\n\n") || self.out.ends_with("{\n")) {
            self.out.push('\n');
        }
    }

    /// `head {`, then everything up to [`Self::close`] one level deeper.
    pub fn open(&mut self, head: impl fmt::Display) {
        self.indent();
        let start = self.out.len();
        let _ = write!(self.out, "{head}");
        // A bare block (`{`) for an empty head.
        self.out.push_str(if self.out.len() > start {
            " {\n"
        } else {
            "{\n"
        });
        self.depth += 1;
    }

    /// The `}` of the last [`Self::open`].
    pub fn close(&mut self) {
        self.close_with("}");
    }

    /// The end of the last [`Self::open`], written as `tail` (`};`, `})`).
    pub fn close_with(&mut self, tail: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.line(tail);
    }

    /// `{lhs} = {rhs};` on one line when it fits, else broken after `=` with `rhs` one level
    /// deeper (rustfmt's first choice for a long `let`).
    pub fn statement(&mut self, lhs: &str, rhs: &str) {
        if self.depth * 4 + lhs.len() + rhs.len() + 4 <= WIDTH {
            self.line(format_args!("{lhs} = {rhs};"));
        } else {
            self.line(format_args!("{lhs} ="));
            self.depth += 1;
            self.line(format_args!("{rhs};"));
            self.depth -= 1;
        }
    }

    /// Closes the last [`Self::open`] and opens the next block on the same line: `} else {`.
    pub fn reopen(&mut self, head: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.open(format_args!("}} {head}"));
    }

    /// A function's head: `{head}(params) -> ret {` on one line when it fits, one parameter a
    /// line otherwise (rustfmt's layout); then the body, up to [`Self::close`].
    pub fn signature(&mut self, head: &str, params: &[String], ret: Option<&str>) {
        let ret = ret.map(|r| format!(" -> {r}")).unwrap_or_default();
        let one_line = format!("{head}({}){ret}", params.join(", "));
        if self.depth * 4 + one_line.len() + 2 <= WIDTH {
            self.open(one_line);
            return;
        }
        self.line(format_args!("{head}("));
        self.depth += 1;
        for param in params {
            self.line(format_args!("{param},"));
        }
        self.depth -= 1;
        if self.depth * 4 + ret.len() + 3 <= WIDTH {
            self.open(format_args!("){ret}"));
            return;
        }
        // A long return type: its generic arguments one a line (`Result<` / `T,` / `E,` / `>`).
        match generic_arguments(&ret) {
            Some((name, arguments)) => {
                self.line(format_args!("){name}<"));
                self.depth += 1;
                for argument in arguments {
                    self.line(format_args!("{argument},"));
                }
                self.depth -= 1;
                self.open(">");
            }
            None => self.open(format_args!("){ret}")),
        }
    }

    /// `head[` / items, one a line / `]tail` when the items do not fit on `head`'s line.
    pub fn list(&mut self, head: &str, items: &[String], tail: &str) {
        let one_line = format!("{head}[{}]{tail}", items.join(", "));
        if self.depth * 4 + one_line.len() <= WIDTH || items.is_empty() {
            self.line(one_line);
            return;
        }
        self.line(format_args!("{head}["));
        self.depth += 1;
        for item in items {
            self.line(format_args!("{item},"));
        }
        self.depth -= 1;
        self.line(format_args!("]{tail}"));
    }

    /// Text printed elsewhere (prettyplease), each line at the current indentation.
    pub fn raw(&mut self, text: &str) {
        for line in text.trim_end().lines() {
            if line.is_empty() {
                self.out.push('\n');
            } else {
                self.line(line);
            }
        }
    }

    /// `///` lines of a text; nothing for no text.
    pub fn docs(&mut self, text: Option<&str>) {
        self.doc_lines("///", text);
    }

    /// `//!` lines of a text.
    pub fn inner_docs(&mut self, text: &str) {
        self.doc_lines("//!", Some(text));
    }

    fn doc_lines(&mut self, marker: &str, text: Option<&str>) {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return;
        };
        for line in text.lines() {
            let line = doc_text(line.trim_end());
            if line.is_empty() {
                self.line(marker);
            } else {
                self.line(format_args!("{marker} {line}"));
            }
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
    }
}

/// A line of a document's text as doc comment text: a bare carriage return is not allowed in a
/// comment, and the bidirectional controls rustc denies there (`text_direction_codepoint_in_comment`)
/// are written as their escapes, so that a description can neither break the build nor reorder
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

/// `Result<A<B, C>, D>` as `("Result", ["A<B, C>", "D"])`: the name before the outer `<` and
/// the arguments split at its top-level commas.
fn generic_arguments(ty: &str) -> Option<(&str, Vec<&str>)> {
    let open = ty.find('<')?;
    let inner = ty[open + 1..].strip_suffix('>')?;
    let (mut depth, mut start, mut arguments) = (0usize, 0, Vec::new());
    for (i, c) in inner.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => {
                arguments.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    arguments.push(inner[start..].trim());
    Some((&ty[..open], arguments))
}

/// A string literal for `text`: Rust's `Debug` of a `str` is one (quotes, backslashes and
/// control characters escaped).
pub fn lit(text: &str) -> String {
    format!("{text:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_indent_and_blank_lines_do_not_pile_up() {
        let mut code = Code::new();
        code.blank();
        code.open("impl A");
        code.blank();
        code.line("const X: u8 = 1;");
        code.blank();
        code.blank();
        code.line("const Y: u8 = 2;");
        code.close();
        assert_eq!(
            code.finish(),
            "impl A {\n    const X: u8 = 1;\n\n    const Y: u8 = 2;\n}\n"
        );
    }

    #[test]
    fn a_long_signature_takes_a_parameter_a_line() {
        let mut code = Code::new();
        code.signature("fn f", &["a: u8".to_owned()], Some("u8"));
        code.close();
        let long: Vec<String> = (0..8).map(|i| format!("parameter_{i}: &str")).collect();
        code.signature("pub async fn g", &long, None);
        code.close();
        let text = code.finish();
        assert!(text.starts_with("fn f(a: u8) -> u8 {\n}\n"), "{text}");
        assert!(
            text.contains("pub async fn g(\n    parameter_0: &str,\n"),
            "{text}"
        );
        assert!(text.contains("    parameter_7: &str,\n) {\n}\n"), "{text}");
        let ret = format!("Result<Vec<{}>, Error<(u8, u8)>>", "A".repeat(90));
        code_with_ret(&ret);
    }

    fn code_with_ret(ret: &str) {
        let mut code = Code::new();
        code.signature("fn h", &["a: u8".to_owned()], Some(ret));
        code.close();
        let text = code.finish();
        let vec = format!("    Vec<{}>,\n", "A".repeat(90));
        assert_eq!(
            text,
            format!("fn h(\n    a: u8,\n) -> Result<\n{vec}    Error<(u8, u8)>,\n> {{\n}}\n")
        );
        assert!(text.lines().all(|l| l.len() <= WIDTH), "{text}");
    }

    #[test]
    fn a_long_statement_breaks_after_the_equals_sign() {
        let mut code = Code::new();
        code.statement("let a", "1");
        let long = format!("f({})", "x".repeat(100));
        code.statement("let b", &long);
        assert_eq!(code.finish(), format!("let a = 1;\nlet b =\n    {long};\n"));
    }

    #[test]
    fn docs_keep_paragraphs_and_drop_carriage_returns() {
        let mut code = Code::new();
        code.docs(Some("First\r\n\r\nSecond\rline  \n"));
        code.docs(Some("  "));
        code.docs(None);
        assert_eq!(code.finish(), "/// First\n///\n/// Secondline\n");
    }

    #[test]
    fn docs_escape_the_bidirectional_controls_rustc_denies_in_comments() {
        let mut code = Code::new();
        code.docs(Some("price \u{202E}01$\u{2066}x\u{2069} \u{200F}ok"));
        assert_eq!(
            code.finish(),
            "/// price \\u{202e}01$\\u{2066}x\\u{2069} \u{200F}ok\n"
        );
    }

    #[test]
    fn literals_escape_what_rust_requires() {
        assert_eq!(lit("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(lit("{x}"), r#""{x}""#);
    }
}
