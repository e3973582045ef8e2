//! Document text (descriptions, summaries, titles) as Markdown that rustdoc renders as text and
//! never reads as code or links. Every piece of a document's text reaches a doc comment through
//! [`document`]; links and code spans the generator writes itself are added around its result.
//!
//! What rustdoc would otherwise make of a description:
//! - a fenced code block (```` ``` ```` or `~~~`) is Rust to rustdoc, a doctest: the fence
//!   becomes ```` ```text ````;
//! - an indented code block (four spaces after a blank line) is a doctest too: it is fenced as
//!   ```` ```text ```` with its indentation removed;
//! - `[x]` and `[x](y)` are intra-doc links (broken ones warn): the brackets are escaped, except
//!   in a link to an `http(s)` address;
//! - a bare `https://…` warns (`rustdoc::bare_urls`): it becomes an autolink `<https://…>`;
//! - `<tag>` is HTML, an unclosed one warns (`rustdoc::invalid_html_tags`): `<` is escaped.
//!
//! Code spans (`` `…` ``) are kept as written: nothing inside one is read as a link or HTML.

/// A schema's description as the first paragraphs of its item's documentation (rustdoc-safe,
/// a blank line after it); nothing for none.
pub fn description(description: Option<&str>) -> String {
    description
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| format!("{}\n\n", document(d)))
        .unwrap_or_default()
}

/// `text` as rustdoc-safe Markdown (see the module documentation).
pub fn document(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len() + 16);
    let mut prose: Vec<&str> = Vec::new();
    let mut lines = text.lines().peekable();
    let mut previous_blank = true;
    while let Some(line) = lines.next() {
        if let Some(fence) = fence_of(line) {
            flush(&mut out, &mut prose);
            out.push_str("```text\n");
            // Up to the closing fence (same character, at least as long) or the end.
            for inner in lines.by_ref() {
                if fence_of(inner).is_some_and(|f| f.0 == fence.0 && f.1 >= fence.1)
                    && inner.trim().chars().all(|c| c == fence.0)
                {
                    break;
                }
                // A fence inside is kept from closing ours early.
                out.push_str(inner);
                out.push('\n');
            }
            out.push_str("```\n");
            previous_blank = false;
            continue;
        }
        if previous_blank && is_indented_code(line) {
            flush(&mut out, &mut prose);
            out.push_str("```text\n");
            let mut block = vec![line];
            while let Some(next) = lines.peek() {
                if is_indented_code(next) || next.trim().is_empty() {
                    block.push(next);
                    lines.next();
                } else {
                    break;
                }
            }
            // Trailing blank lines belong after the block.
            let blanks = block
                .iter()
                .rev()
                .take_while(|l| l.trim().is_empty())
                .count();
            for line in &block[..block.len() - blanks] {
                out.push_str(strip_indent(line));
                out.push('\n');
            }
            out.push_str("```\n");
            if blanks > 0 {
                out.push('\n');
            }
            previous_blank = blanks > 0;
            continue;
        }
        previous_blank = line.trim().is_empty();
        prose.push(line);
    }
    flush(&mut out, &mut prose);
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// An inline code span of `text` that no backtick inside can end early (CommonMark: a fence of
/// more backticks than the longest run inside, padded by a space where the text touches one).
pub fn code_span(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ");
    // Blank text is padded too: "``" alone is no code span.
    fenced(&text, text.trim().is_empty())
}

/// `text` between fences of more backticks than its longest run, padded by a space where it
/// starts or ends with a backtick, or where `pad` asks for it.
pub(crate) fn fenced(text: &str, pad: bool) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if pad || text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// `text` on one line (line breaks become spaces), made inline-safe as [`document`] does, for
/// a list item or a sentence the generator writes around it: no block (fence, indented code) can
/// start inside.
pub fn line(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    inline(&mut out, text.trim().replace(['\r', '\n'], " ").trim());
    out
}

/// A table cell: [`line()`] with `|` escaped.
pub fn table_cell(text: &str) -> String {
    line(text).replace('|', "\\|")
}

/// The fence character and length of a fence line (up to three spaces of indentation).
fn fence_of(line: &str) -> Option<(char, usize)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let c = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = trimmed.chars().take_while(|x| *x == c).count();
    // A backtick fence's info string has no backtick (else it is a code span).
    (n >= 3 && !(c == '`' && trimmed[n..].contains('`'))).then_some((c, n))
}

fn is_indented_code(line: &str) -> bool {
    !line.trim().is_empty() && (line.starts_with("    ") || line.starts_with('\t'))
}

fn strip_indent(line: &str) -> &str {
    line.strip_prefix("    ")
        .or_else(|| line.strip_prefix('\t'))
        .unwrap_or(line.trim_start())
}

/// The prose lines so far, made inline-safe, appended to `out`.
fn flush(out: &mut String, prose: &mut Vec<&str>) {
    if prose.is_empty() {
        return;
    }
    let text = prose.join("\n");
    prose.clear();
    inline(out, &text);
    out.push('\n');
}

/// Escapes brackets and `<`, turns bare addresses into autolinks, keeps code spans and links to
/// `http(s)` addresses.
fn inline(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match c {
            '`' => {
                let n = rest.chars().take_while(|x| *x == '`').count();
                match closing_backticks(&rest[n..], n) {
                    Some(end) => {
                        let len = n + end + n;
                        out.push_str(&rest[..len]);
                        rest = &rest[len..];
                    }
                    None => {
                        // No code span: literal backticks, escaped so that none pairs later.
                        for _ in 0..n {
                            out.push_str("\\`");
                        }
                        rest = &rest[n..];
                    }
                }
            }
            '[' => match web_link(rest) {
                Some(len) => {
                    out.push_str(&rest[..len]);
                    rest = &rest[len..];
                }
                None => {
                    out.push_str("\\[");
                    rest = &rest[1..];
                }
            },
            ']' => {
                out.push_str("\\]");
                rest = &rest[1..];
            }
            '<' => {
                // An autolink stays one; any other `<` is text.
                let autolink = rest
                    .strip_prefix('<')
                    .filter(|r| r.starts_with("https://") || r.starts_with("http://"))
                    .and_then(|r| r.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>')))
                    .filter(|end| rest[1 + end..].starts_with('>'));
                match autolink {
                    Some(end) => {
                        out.push_str(&rest[..end + 2]);
                        rest = &rest[end + 2..];
                    }
                    None => {
                        out.push_str("&lt;");
                        rest = &rest[1..];
                    }
                }
            }
            '\\' => {
                // A backslash that would escape what follows is written as one.
                out.push_str("\\\\");
                rest = &rest[1..];
            }
            'h' if rest.starts_with("https://") || rest.starts_with("http://") => {
                let len = url_len(rest);
                out.push('<');
                out.push_str(&rest[..len]);
                out.push('>');
                rest = &rest[len..];
            }
            c => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
}

/// Where a run of exactly `n` backticks starts in `text`.
fn closing_backticks(text: &str, n: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let run = bytes[i..].iter().take_while(|b| **b == b'`').count();
            if run == n {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

/// The length of `[text](http…)` at the start of `text`, when the text has no brackets, `<` or
/// backticks and the address is a plain `http(s)` one.
fn web_link(text: &str) -> Option<usize> {
    let close = text.find(']')?;
    let label = &text[1..close];
    if label.contains(['[', '<', '`', '\\', '\n']) || label.is_empty() {
        return None;
    }
    let target = text[close + 1..].strip_prefix('(')?;
    if !(target.starts_with("https://") || target.starts_with("http://")) {
        return None;
    }
    let end = target.find(')')?;
    let address = &target[..end];
    if address.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '(' | '`')) {
        return None;
    }
    Some(close + 2 + end + 1)
}

/// The length of an address: up to whitespace or `<>`, without trailing punctuation.
fn url_len(text: &str) -> usize {
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '`' | '"'))
        .unwrap_or(text.len());
    let mut address = &text[..end];
    loop {
        let trimmed = address.trim_end_matches(['.', ',', ';', ':', '!', '?', ']', '\'']);
        // A closing parenthesis belongs to the address when it closes one opened inside.
        let trimmed = match trimmed.strip_suffix(')') {
            Some(inner) if inner.matches('(').count() <= inner.matches(')').count() => inner,
            _ => trimmed,
        };
        if trimmed.len() == address.len() {
            return address.len();
        }
        address = trimmed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenced_code_becomes_text() {
        assert_eq!(
            document("Example:\n```rust\nfn main() {}\n```\nafter"),
            "Example:\n```text\nfn main() {}\n```\nafter"
        );
        assert_eq!(
            document("~~~\nx\n~~~~\n"),
            "```text\nx\n```",
            "tilde fences too"
        );
        // An unclosed fence is closed.
        assert_eq!(document("```\nlet x = 1;"), "```text\nlet x = 1;\n```");
        // A backtick fence inside a tilde fence stays inside.
        assert_eq!(
            document("~~~\n```\n~~~"),
            "```text\n```\n```",
            "the inner fence is content"
        );
    }

    #[test]
    fn indented_code_cannot_become_a_doctest() {
        assert_eq!(
            document("Call it:\n\n    let x = f();\n\tg(x);\n\nDone."),
            "Call it:\n\n```text\nlet x = f();\ng(x);\n```\n\nDone."
        );
        // Indentation that continues a paragraph is no code block.
        assert_eq!(document("a\n    b"), "a\n    b");
        assert_eq!(document("    first"), "```text\nfirst\n```");
    }

    #[test]
    fn brackets_are_no_links() {
        assert_eq!(
            document("see [Foo] or [a](b)"),
            "see \\[Foo\\] or \\[a\\](b)"
        );
        assert_eq!(document("x[0]"), "x\\[0\\]");
        assert_eq!(
            document("[the docs](https://example.com/a_b)."),
            "[the docs](https://example.com/a_b)."
        );
        // Code spans keep what they hold.
        assert_eq!(document("`a[0] <b>` and [c]"), "`a[0] <b>` and \\[c\\]");
        assert_eq!(document("``x ` [y]`` z"), "``x ` [y]`` z");
        assert_eq!(document("odd ` [a]"), "odd \\` \\[a\\]");
    }

    #[test]
    fn bare_addresses_become_autolinks_and_html_is_text() {
        assert_eq!(
            document("See https://api.jtl-cloud.com/erp/v2, then <b>bold</b>."),
            "See <https://api.jtl-cloud.com/erp/v2>, then &lt;b>bold&lt;/b>."
        );
        assert_eq!(document("(http://x.y/z)"), "(<http://x.y/z>)");
        assert_eq!(document("http://x.y/a_(b)."), "<http://x.y/a_(b)>.");
        assert_eq!(document("<https://x.y> <x"), "<https://x.y> &lt;x");
        assert_eq!(document("a\\b"), "a\\\\b");
    }

    #[test]
    fn code_spans_of_any_text() {
        assert_eq!(code_span("a"), "`a`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(code_span("a\nb"), "`a b`");
        assert_eq!(table_cell("a | b\nc [d]"), "a \\| b c \\[d\\]");
    }
}
