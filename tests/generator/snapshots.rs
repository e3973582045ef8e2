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
];

/// The fixture document of a construct, as the generator sees it.
pub fn fixture(construct: &str) -> SourceDocument {
    let path = format!("tests/fixtures/{construct}/{construct}.yaml");
    let text = std::fs::read_to_string(repo_root().join(&path)).expect("fixture is readable");
    SourceDocument { path, text }
}

fn snapshot_of(construct: &str) -> String {
    let generation = generate(&[fixture(construct)], &Settings::default())
        .unwrap_or_else(|report| panic!("{construct} must generate:\n{report}"));
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
fn strict_refuses_each_lossy_fixture_and_names_the_pointer() {
    let strict = Settings {
        strict: true,
        ..Settings::default()
    };
    for construct in ["unions", "split-concepts", "parameters"] {
        let report = generate(&[fixture(construct)], &strict)
            .expect_err("strict turns losing warnings into errors");
        let errors: Vec<String> = report.errors().map(ToString::to_string).collect();
        assert!(!errors.is_empty(), "{construct}");
        for error in &errors {
            assert!(
                error.starts_with(&format!(
                    "error: tests/fixtures/{construct}/{construct}.yaml#/"
                )),
                "{error}"
            );
        }
    }
    // These lose nothing (several success bodies are an enum; the vendor's deviations are
    // repairs; a oneOf of a model and a string is a Rust enum): strict accepts them.
    for construct in ["data-refs", "responses", "vendor-deviations", "bodies"] {
        generate(&[fixture(construct)], &strict).expect("lossless");
    }
}
