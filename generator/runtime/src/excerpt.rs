//! Bounded, masked excerpts of bodies for error messages.

/// At most this many characters of a body go into an error.
pub(crate) const EXCERPT_CHARS: usize = 120;

/// A short, safe excerpt of a body for error messages: JSON with every string value replaced
/// by `"…"` (values may be keys or tokens; the structure is what helps), anything else as text
/// with control characters escaped; at most [`EXCERPT_CHARS`] characters.
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
        Err(_) => String::from_utf8_lossy(&body[..body.len().min(EXCERPT_CHARS * 4)])
            .escape_debug()
            .to_string(),
    };
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
