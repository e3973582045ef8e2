//! JSON pointers (RFC 6901), written once for the generator, its tools and the runtime.
//!
//! This file has no dependencies: the runtime compiles it for the pointers of its manifest
//! problems, and the generator compiles the very same file (`#[path]`) as its public
//! `jtl_erp_generator::json_pointer`, which the conformance tool uses too.

/// One reference token of a JSON pointer: `~` becomes `~0`, `/` becomes `~1`.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The JSON pointer of a path of reference tokens, each escaped: `["paths", "/a/{b}", "get"]`
/// gives `/paths/~1a~1{b}/get`; no tokens give the empty pointer (the whole document).
pub fn pointer<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    tokens
        .into_iter()
        .map(|t| format!("/{}", escape_token(t)))
        .collect()
}
