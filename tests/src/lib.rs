//! Helpers shared by the end-to-end tests.

use std::path::PathBuf;

use jtl_erp_generator::SourceDocument;

/// The repository root.
pub fn repo_root() -> PathBuf {
    xtask::repo_root()
}

/// The documents in spec/, as `cargo xtask regen` reads them.
pub fn spec_documents() -> Vec<SourceDocument> {
    let root = repo_root();
    let specs = xtask::default_specs(&root).expect("spec/ is readable");
    xtask::read_specs(&root, &specs).expect("spec documents are readable")
}

/// Every value of a header in a request the mock server received.
pub fn header_values(request: &wiremock::Request, name: &str) -> Vec<String> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().expect("ASCII header").to_owned())
        .collect()
}

/// The body of a received request as text.
pub fn body_text(request: &wiremock::Request) -> String {
    String::from_utf8(request.body.clone()).expect("UTF-8 body")
}
