//! The client generated from the `bodies`, `responses`, `paging`, `identifiers` and `unions`
//! fixtures and the OpenAPI 3.1 fixture `openapi31/type-lists`,
//! checked in under tests/generator/fixture_client/ and compiled into this test binary (main.rs),
//! so that tests/generator/http.rs, paged.rs, identifiers.rs and unions.rs call its operations
//! over HTTP.
//! This test keeps it what the
//! generator makes (`EXPECTORATE=overwrite` updates it).

use jtl_erp_generator::{Settings, generate};

use super::snapshots::{fixture, fixture31};

#[test]
fn the_compiled_fixture_client_is_what_the_generator_makes() {
    let generation = generate(
        &[
            fixture("bodies"),
            fixture("responses"),
            fixture("paging"),
            fixture("identifiers"),
            fixture("unions"),
            fixture31("type-lists"),
        ],
        &Settings::default(),
    )
    .expect("the fixtures generate");
    for name in [
        "models",
        "bodies",
        "responses",
        "paging",
        "identifiers",
        "unions",
        "type_lists",
    ] {
        let file = generation
            .files
            .iter()
            .find(|f| f.path == format!("src/{name}.rs"))
            .expect("generated");
        expectorate::assert_contents(
            format!("generator/fixture_client/{name}.rs"),
            &file.contents,
        );
    }
}
