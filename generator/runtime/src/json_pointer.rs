//! JSON pointers (RFC 6901), written once for the generator, its tools and the runtime.
//!
//! This file has no dependencies: the runtime compiles it for the pointers of its manifest
//! problems, and the generator compiles the very same file (`#[path]`) as its public
//! `jtl_erp_generator::json_pointer`, which the conformance tool uses too.

/// One reference token of a JSON pointer: `~` becomes `~0`, `/` becomes `~1`.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// One reference token as written in a pointer, unescaped: `~1` becomes `/`, then `~0` becomes
/// `~` (in this order, so that `~01` is `~1`).
#[allow(
    dead_code,
    reason = "the generator reads pointers; the runtime only writes them"
)]
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The JSON pointer of a path of reference tokens, each escaped: `["paths", "/a/{b}", "get"]`
/// gives `/paths/~1a~1{b}/get`; no tokens give the empty pointer (the whole document).
pub fn pointer<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    tokens
        .into_iter()
        .map(|t| format!("/{}", escape_token(t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_escape_and_unescape_as_rfc_6901_says() {
        assert_eq!(pointer(["paths", "/a/{b}", "get"]), "/paths/~1a~1{b}/get");
        assert_eq!(pointer(["m~n", "a/b"]), "/m~0n/a~1b");
        assert_eq!(pointer([]), "");
        for token in ["~1", "a/b~c", "~01", "plain", ""] {
            assert_eq!(unescape_token(&escape_token(token)), token);
        }
        assert_eq!(unescape_token("~01"), "~1");
    }
}
