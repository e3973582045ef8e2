//! The client generated from the `bodies`, `responses`, `paging`, `identifiers`, `unions`,
//! `forms` and `path-parameters` fixtures, the OpenAPI 3.1 fixture `openapi31/type-lists` and the OpenAPI 3.2 fixtures
//! `openapi32/query` and `openapi32/querystring`,
//! checked in under tests/generator/fixture_client/ and compiled into this test binary (main.rs),
//! so that tests/generator/http.rs, forms.rs, paged.rs, identifiers.rs, unions.rs, openapi31.rs and
//! openapi32.rs call its operations
//! over HTTP.
//! This test keeps it what the
//! generator makes (`EXPECTORATE=overwrite` updates it).

use jtl_erp_generator::{Settings, generate};

use super::snapshots::{fixture, fixture31, fixture32};

#[test]
fn the_compiled_fixture_client_is_what_the_generator_makes() {
    let generation = generate(
        &[
            fixture("bodies"),
            fixture("responses"),
            fixture("paging"),
            fixture("identifiers"),
            fixture("unions"),
            fixture("forms"),
            fixture("path-parameters"),
            fixture31("type-lists"),
            fixture32("query"),
            fixture32("querystring"),
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
        "forms",
        "path_parameters",
        "type_lists",
        "query",
        "querystring",
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
