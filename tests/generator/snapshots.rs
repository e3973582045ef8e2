//! The output of each construct fixture (tests/fixtures/<construct>/<construct>.yaml) checked in
//! as a snapshot under tests/generator/snapshots/: a change fails with a diff;
//! `EXPECTORATE=overwrite cargo test -p jtl-erp-tests --test generator snapshots` updates them.
//! Each snapshot holds the warnings and every generated Rust file but the copied modules.

use jtl_erp_generator::{Settings, SourceDocument, generate};
use jtl_erp_tests::repo_root;

/// The fixtures with a snapshot each, one per construct of issue 13, and names that are no Rust
/// identifiers as they stand (issue 22).
pub const CONSTRUCTS: &[&str] = &[
    "bodies",
    "split-concepts",
    "parameters",
    "responses",
    "data-refs",
    "vendor-deviations",
    "identifiers",
    "forms",
    "path-parameters",
    "callbacks",
    "external-refs",
    "schema-refs",
];

/// The OpenAPI 3.1 fixtures (issue 37), one per construct of 3.1, each a document
/// `tests/fixtures/openapi31/<name>.yaml` with its snapshot under `snapshots/openapi31/`.
pub const OPENAPI31: &[&str] = &[
    "type-lists",
    "const-examples",
    "ref-siblings",
    "numbers-encodings",
    "tuples",
    "path-items",
    "webhooks",
    "json-schema-keywords",
    "callback-path-items",
];

/// The OpenAPI 3.2 fixtures, one per construct 3.2 adds, each a document
/// `tests/fixtures/openapi32/<name>.yaml` with its snapshot under `snapshots/openapi32/`.
pub const OPENAPI32: &[&str] = &[
    "query",
    "additional-operations",
    "querystring",
    "streams",
    "media-type-components",
    "self",
    "tags",
    "metadata",
    "security",
    "discriminator",
    "query-callbacks",
];

/// The fixture document of a construct, as the generator sees it.
pub fn fixture(construct: &str) -> SourceDocument {
    document(&format!("tests/fixtures/{construct}/{construct}.yaml"))
}

/// An OpenAPI 3.1 fixture, as the generator sees it.
pub fn fixture31(name: &str) -> SourceDocument {
    document(&format!("tests/fixtures/openapi31/{name}.yaml"))
}

/// An OpenAPI 3.2 fixture, as the generator sees it.
pub fn fixture32(name: &str) -> SourceDocument {
    document(&format!("tests/fixtures/openapi32/{name}.yaml"))
}

fn document(path: &str) -> SourceDocument {
    let text = std::fs::read_to_string(repo_root().join(path)).expect("fixture is readable");
    SourceDocument {
        path: path.to_owned(),
        text,
    }
}

fn snapshot_of(construct: &str) -> String {
    snapshot(fixture(construct))
}

fn snapshot(source: SourceDocument) -> String {
    let generation = generate(std::slice::from_ref(&source), &Settings::default())
        .unwrap_or_else(|report| panic!("{} must generate:\n{report}", source.path));
    let mut text = String::from("== warnings\n");
    for warning in &generation.warnings {
        text.push_str(&format!("{warning}\n"));
    }
    for file in generation
        .files
        .iter()
        .filter(|f| f.path.ends_with(".rs") && f.path != "src/lib.rs")
    {
        text.push_str(&format!("\n== {}\n{}", file.path, file.contents));
    }
    text
}

#[test]
fn snapshots_of_each_construct() {
    for construct in CONSTRUCTS {
        expectorate::assert_contents(
            format!("generator/snapshots/{construct}.txt"),
            &snapshot_of(construct),
        );
    }
}

#[test]
fn snapshots_of_each_openapi_31_construct() {
    for name in OPENAPI31 {
        expectorate::assert_contents(
            format!("generator/snapshots/openapi31/{name}.txt"),
            &snapshot(fixture31(name)),
        );
    }
}

#[test]
fn snapshots_of_each_openapi_32_construct() {
    for name in OPENAPI32 {
        expectorate::assert_contents(
            format!("generator/snapshots/openapi32/{name}.txt"),
            &snapshot(fixture32(name)),
        );
    }
}

#[test]
fn strict_refuses_each_lossy_fixture_and_names_the_pointer() {
    let strict = Settings {
        strict: true,
        ..Settings::default()
    };
    // Each loss at the pointer of the construct that loses it, and nothing else.
    for (construct, pointers) in [
        (
            "unions",
            &["/components/schemas/Adoption/properties/note"][..],
        ),
        (
            "split-concepts",
            &[
                "/components/schemas/UpdateOtherAddresses",
                "/components/schemas/UpdateCustomer",
                "/components/schemas/Cased",
                "/components/schemas/Cased",
            ][..],
        ),
        (
            "parameters",
            &["/paths/~1search~1{scope}/get/parameters/13"][..],
        ),
        (
            "schema-refs",
            &[
                "/components/schemas/AuditRecord/properties/gone/$ref",
                "/components/schemas/Actor/properties/chain/properties/next/$ref",
            ][..],
        ),
        (
            "external-refs",
            &[
                "/paths/~1items/get/parameters/0/$ref",
                "/paths/~1items/get/responses/200/headers/X-Total/$ref",
                "/paths/~1items/get/responses/404/$ref",
                "/paths/~1items/post/requestBody/$ref",
                "/paths/~1shared/$ref",
                "/paths/~1shared",
                "/components/schemas/Item/properties/owner/$ref",
                "/components/schemas/Item/properties/tags/items/$ref",
                "/components/schemas/Remote/$ref",
            ][..],
        ),
        (
            "forms",
            &[
                "/paths/~1uploads/post/requestBody/content/multipart~1form-data/encoding/origin/contentType",
                "/paths/~1uploads/post/requestBody/content/multipart~1form-data/encoding/tags/headers",
                "/paths/~1forms~1degraded/post/requestBody/content/application~1x-www-form-urlencoded/encoding/ids",
                "/paths/~1forms~1degraded/post/requestBody/content/application~1x-www-form-urlencoded/encoding/token/allowReserved",
                "/components/schemas/FormDegraded/properties/nested",
                "/components/schemas/FormDegraded/properties/scan",
                "/paths/~1search/get/parameters/8",
                "/paths/~1search/get/parameters/9",
            ][..],
        ),
    ] {
        let report = generate(&[fixture(construct)], &strict)
            .expect_err("strict turns losing warnings into errors");
        let file = format!("tests/fixtures/{construct}/{construct}.yaml");
        let mut found: Vec<String> = report
            .errors()
            .map(|e| {
                let text = e.to_string();
                let place = text
                    .strip_prefix(&format!("error: {file}#"))
                    .unwrap_or_else(|| panic!("{construct}: not at a pointer of {file}: {text}"));
                place.split_once(": ").map_or(place, |(p, _)| p).to_owned()
            })
            .collect();
        found.sort();
        let mut expected: Vec<&str> = pointers.to_vec();
        expected.sort_unstable();
        assert_eq!(found, expected, "{construct}");
    }
    // These lose nothing (several success bodies are an enum; the vendor's deviations are
    // repairs; a oneOf of a model and a string is a Rust enum): strict accepts them.
    for construct in ["data-refs", "responses", "vendor-deviations", "bodies"] {
        generate(&[fixture(construct)], &strict).expect("lossless");
    }
}

#[test]
fn strict_refuses_the_lossy_openapi_31_fixtures_at_pointers_of_the_document_as_written() {
    let strict = Settings {
        strict: true,
        ..Settings::default()
    };
    for (name, pointer) in [
        (
            "ref-siblings",
            "/components/schemas/Order/properties/extras",
        ),
        (
            "numbers-encodings",
            "/components/schemas/Measurement/properties/token/contentEncoding",
        ),
        (
            "tuples",
            "/components/schemas/Shape/properties/row/prefixItems",
        ),
        ("json-schema-keywords", "/components/schemas/Rule/if"),
    ] {
        let report = generate(&[fixture31(name)], &strict)
            .expect_err("strict turns losing warnings into errors");
        let errors: Vec<String> = report.errors().map(ToString::to_string).collect();
        let expected = format!("error: tests/fixtures/openapi31/{name}.yaml#{pointer}: ");
        assert!(
            errors.iter().any(|e| e.starts_with(&expected)),
            "{name}: {errors:#?}"
        );
    }
    // Type lists, `const`, path items and webhooks lose nothing (synthesized operation ids and
    // documented webhooks are repairs).
    for name in ["type-lists", "const-examples", "path-items", "webhooks"] {
        generate(&[fixture31(name)], &strict).expect("lossless");
    }
}

#[test]
fn strict_refuses_the_lossy_openapi_32_fixtures_at_pointers_of_the_document_as_written() {
    let strict = Settings {
        strict: true,
        ..Settings::default()
    };
    for (name, pointer) in [
        (
            "additional-operations",
            "/paths/~1documents~1{id}/additionalOperations/LINK",
        ),
        ("querystring", "/paths/~1reports/get/parameters/0"),
        (
            "streams",
            "/paths/~1events~1export/get/responses/200/content/application~1jsonl/itemSchema",
        ),
        (
            "discriminator",
            "/components/schemas/Pet/discriminator/defaultMapping",
        ),
    ] {
        let report = generate(&[fixture32(name)], &strict)
            .expect_err("strict turns losing warnings into errors");
        let errors: Vec<String> = report.errors().map(ToString::to_string).collect();
        let expected = format!("error: tests/fixtures/openapi32/{name}.yaml#{pointer}: ");
        assert!(
            errors.iter().any(|e| e.starts_with(&expected)),
            "{name}: {errors:#?}"
        );
    }
    // `query`, media type components, `$self`, tags, the documentation fields and the security
    // additions lose nothing.
    for name in [
        "query",
        "media-type-components",
        "self",
        "tags",
        "metadata",
        "security",
    ] {
        generate(&[fixture32(name)], &strict).expect("lossless");
    }
}
