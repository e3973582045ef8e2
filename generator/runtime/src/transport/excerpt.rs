//! Bounded, masked excerpts of bodies and masked decoder messages for errors: whatever a server
//! sends back (a key echoed in an error page, a token under the wrong type), no value of it may
//! reach `Display`, `Debug` or tracing.

/// At most this many characters of a body go into an error.
pub(crate) const EXCERPT_CHARS: usize = 120;

/// Words of text bodies up to this many characters are kept (status codes, `Bad`, `Not`);
/// longer ones may be a key or token and are masked.
const KEPT_WORD_CHARS: usize = 3;

/// A short, safe excerpt of a body for error messages. Valid JSON keeps its structure and its
/// object keys (the schema's names) with every string value replaced by `"…"`; anything else
/// (broken JSON, HTML, text) keeps only punctuation, whitespace and words of at most three
/// characters, with quoted runs (keys included) and longer words masked as `…`. At most
/// [`EXCERPT_CHARS`] characters.
pub(crate) fn excerpt(body: &[u8]) -> String {
    fn mask(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(s) => *s = "…".to_owned(),
            serde_json::Value::Array(items) => items.iter_mut().for_each(mask),
            serde_json::Value::Object(map) => map.values_mut().for_each(mask),
            _ => {}
        }
    }
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            mask(&mut value);
            value.to_string()
        }
        Err(_) => mask_text(&String::from_utf8_lossy(
            &body[..body.len().min(EXCERPT_CHARS * 16)],
        )),
    };
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Characters that separate words in a text body and are kept as they are.
fn is_structural(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '{' | '}' | '[' | ']' | '(' | ')' | '<' | '>' | ':' | ',' | ';'
        )
}

/// Text with quoted runs (`"…"`, `'…'`, `` `…` ``, escapes honoured, unterminated ones to the
/// end) and words longer than [`KEPT_WORD_CHARS`] masked; control characters escaped.
pub(crate) fn mask_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(EXCERPT_CHARS * 2));
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' | '`' => {
                skip_quoted(&mut chars, c);
                out.push(c);
                out.push('…');
                out.push(c);
            }
            c if is_structural(c) => out.extend(c.escape_debug()),
            c => {
                let mut word = String::from(c);
                while let Some(&next) = chars.peek() {
                    if is_structural(next) || matches!(next, '"' | '\'' | '`') {
                        break;
                    }
                    word.push(next);
                    chars.next();
                }
                if word.chars().count() <= KEPT_WORD_CHARS {
                    out.extend(word.chars().flat_map(char::escape_debug));
                } else {
                    out.push('…');
                }
            }
        }
        if out.chars().count() > EXCERPT_CHARS {
            break;
        }
    }
    out
}

/// Consumes a quoted run up to its closing `quote` (backslash escapes honoured; an unterminated
/// run to the end), the opening quote already taken.
fn skip_quoted(chars: &mut impl Iterator<Item = char>, quote: char) {
    let mut escaped = false;
    for next in chars {
        if escaped {
            escaped = false;
        } else if next == '\\' {
            escaped = true;
        } else if next == quote {
            return;
        }
    }
}

/// A decoder's complaint without the values it quotes: serde writes the offending value into
/// its messages (`invalid type: string "<the API key>", expected …`, ``unknown variant `…` ``),
/// so every quoted run is masked except the field names of ``missing field `Version` ``, which
/// the types declare; what stays is the position, the kind of value and the expected type.
pub(crate) fn masked_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        if c == '`' && out.ends_with("field ") {
            out.push(c);
            for next in chars.by_ref() {
                out.push(next);
                if next == '`' {
                    break;
                }
            }
        } else if matches!(c, '"' | '`') {
            skip_quoted(&mut chars, c);
            out.push(c);
            out.push('…');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Why `body` does not decode as `T`: where (the path of the field, when there is one) and what
/// was expected, with no value of the body in it. Runs the decoder a second time with path
/// tracking, which only failures pay for.
pub(crate) fn decode_failure<T: serde::de::DeserializeOwned>(
    body: &[u8],
    error: &serde_json::Error,
) -> String {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let path = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(e) => e.path().to_string(),
        Ok(_) => ".".to_owned(),
    };
    let message = masked_message(&error.to_string());
    if path == "." || path.is_empty() {
        message
    } else {
        format!("at `{}`: {message}", masked_path(&path))
    }
}

/// Path segments that are map keys are data: only the field names the types declare and
/// indices stay.
fn masked_path(path: &str) -> String {
    path.split('.')
        .map(|segment| {
            let name = segment.split('[').next().unwrap_or(segment);
            let plain = !name.is_empty()
                && name.len() <= 64
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '?');
            if plain {
                segment.to_owned()
            } else {
                "…".to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Text a server wrote into an answer (an OAuth `error` code, an `error_description`): code
/// reads it with [`ServerText::as_str`]; `Display` and `Debug` show registered OAuth 2.0 error
/// codes as they are and anything else masked like a text excerpt, since a server may echo a
/// credential into it.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerText(String);

/// RFC 6749 (5.2, 4.1.2.1), RFC 6750 (3.1) and RFC 8628 (3.5) error codes.
const OAUTH_ERROR_CODES: &[&str] = &[
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "access_denied",
    "unsupported_response_type",
    "server_error",
    "temporarily_unavailable",
    "invalid_token",
    "insufficient_scope",
    "authorization_pending",
    "slow_down",
    "expired_token",
];

impl ServerText {
    pub(crate) fn new(text: String) -> Self {
        Self(text)
    }
    /// The text as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    fn shown(&self) -> std::borrow::Cow<'_, str> {
        if OAUTH_ERROR_CODES.contains(&self.0.as_str()) {
            std::borrow::Cow::Borrowed(&self.0)
        } else {
            std::borrow::Cow::Owned(mask_text(&self.0))
        }
    }
}

impl std::fmt::Display for ServerText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown())
    }
}

impl std::fmt::Debug for ServerText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.shown())
    }
}

impl PartialEq<str> for ServerText {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ServerText {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_keys_and_masks_values() {
        assert_eq!(
            excerpt(br#"{"apiKey":"s3cr3t-value","n":[1,"x"]}"#),
            r#"{"apiKey":"…","n":[1,"…"]}"#
        );
    }

    #[test]
    fn broken_json_and_text_are_masked() {
        assert_eq!(
            excerpt(br#"{"access_token":"eyJhbGciOi.abc","#),
            r#"{"…":"…","#
        );
        assert_eq!(
            excerpt(b"<html><title>502 Bad Gateway</title> key=SECRETVALUE</html>"),
            "<…><…>502 Bad …<…> …<…>"
        );
        assert_eq!(
            excerpt("\u{feff}{\"a\":\"topsecret\"}".as_bytes()),
            r#"\u{feff}{"…":"…"}"#
        );
        assert_eq!(excerpt(b"'unterminated secret"), "'…'");
    }

    #[test]
    fn decoder_messages_lose_their_quoted_values() {
        assert_eq!(
            masked_message(
                r#"invalid type: string "abc\"def", expected a AppToken object at line 1 column 20"#
            ),
            r#"invalid type: string "…", expected a AppToken object at line 1 column 20"#
        );
        assert_eq!(
            masked_message("unknown variant `secret`, expected `a` or `b`"),
            "unknown variant `…`, expected `…` or `…`"
        );
        assert_eq!(
            masked_message("missing field `Version` at line 1 column 2"),
            "missing field `Version` at line 1 column 2"
        );
    }

    #[test]
    fn a_long_text_body_fills_the_excerpt_though_masking_shrinks_it() {
        let body = "abcdefgh ".repeat(200);
        let excerpt = excerpt(body.as_bytes());
        assert_eq!(excerpt.chars().count(), EXCERPT_CHARS + 1, "{excerpt}");
        assert!(excerpt.starts_with("… … …"), "{excerpt}");
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        inner: Inner,
        map: std::collections::BTreeMap<String, Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        number: u32,
    }

    fn failure(body: &str) -> String {
        let error = serde_json::from_str::<Outer>(body).expect_err("does not decode");
        decode_failure::<Outer>(body.as_bytes(), &error)
    }

    #[test]
    fn decode_failures_name_the_path_and_mask_map_keys_and_values() {
        assert_eq!(
            failure(r#"{"inner":{"number":"SECRET"},"map":{}}"#),
            r#"at `inner.number`: invalid type: string "…", expected u32 at line 1 column 27"#
        );
        assert_eq!(
            failure(r#"{"inner":{"number":1},"map":{"SECRET-key!":{"number":"x"}}}"#),
            r#"at `map.….number`: invalid type: string "…", expected u32 at line 1 column 56"#
        );
        assert_eq!(
            failure(r#"{"inner":{"number":1},"map":{"plain_key":{"number":-1}}}"#),
            "at `map.plain_key.number`: invalid value: integer `…`, expected u32 at line 1 column 53"
        );
        // At the top there is no path to name.
        assert_eq!(
            failure("[]"),
            "invalid length 0, expected struct Outer with 2 elements at line 1 column 2"
        );
    }

    #[test]
    fn masked_paths_keep_declared_names_and_indices() {
        assert_eq!(masked_path("a.b[0].c_d"), "a.b[0].c_d");
        assert_eq!(masked_path("a.has space.c"), "a.….c");
        assert_eq!(masked_path(&format!("a.{}", "k".repeat(65))), "a.…");
        assert_eq!(
            masked_path(&format!("a.{}", "k".repeat(64))),
            format!("a.{}", "k".repeat(64))
        );
        assert_eq!(masked_path("a..b"), "a.….b");
        assert_eq!(masked_path("a.b?"), "a.b?");
    }

    #[test]
    fn server_text_shows_oauth_codes_and_masks_the_rest() {
        let code = ServerText::new("invalid_client".to_owned());
        let free = ServerText::new("key SECRET-VALUE was refused".to_owned());
        assert_eq!(code.to_string(), "invalid_client");
        assert_eq!(format!("{code:?}"), r#""invalid_client""#);
        assert_eq!(free.to_string(), "key … was …");
        assert_eq!(format!("{free:?}"), r#""key … was …""#);
        assert_eq!(free.as_str(), "key SECRET-VALUE was refused");
        assert!(code == "invalid_client" && code != "invalid_grant");
        assert!(*"invalid_client" == *code.as_str());
        assert!(code == *"invalid_client" && code != *"invalid_grant");
    }
}
