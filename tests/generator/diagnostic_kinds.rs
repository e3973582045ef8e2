//! The kinds of diagnostics: the table in `generator/README.md` is the enum's, and every name is
//! one kind.

use jtl_erp_generator::{Kind, kinds_table};

#[test]
fn the_generator_readme_lists_every_kind_as_the_enum_declares_it() {
    let readme = std::fs::read_to_string(jtl_erp_tests::repo_root().join("generator/README.md"))
        .expect("generator/README.md");
    let (_, rest) = readme
        .split_once("<!-- kinds:begin -->\n")
        .expect("the kinds:begin marker");
    let (listed, _) = rest
        .split_once("<!-- kinds:end -->")
        .expect("the kinds:end marker");
    let table = kinds_table();
    assert_eq!(
        listed, table,
        "generator/README.md lists other kinds than `Kind`; put this between the markers:\n{table}"
    );
}

#[test]
fn names_are_unique_kebab_case_and_repairs_are_warnings_that_strict_tolerates() {
    let mut names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    assert!(names.iter().all(|n| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }));
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Kind::ALL.len(), "two kinds share a name");
    let repairs: Vec<&str> = Kind::ALL
        .iter()
        .filter(|k| k.is_repair())
        .map(|k| k.name())
        .collect();
    assert_eq!(
        repairs,
        [
            "schema-less-media-type",
            "operation-id-synthesized",
            "operation-id-duplicate",
            "oauth2-scopes-missing",
            "non-oauth2-scheme-scopes",
            "non-oauth2-requirement-scopes",
            "ref-siblings-ignored",
            "non-object-additional-properties",
            "webhook-documented",
        ]
    );
    assert_eq!(Kind::KeptAsJson.to_string(), "kept-as-json");
}
