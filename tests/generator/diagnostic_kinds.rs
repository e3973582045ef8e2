//! The kinds of diagnostics: the table in `generator/README.md` is the enum's, and every name is
//! one kind.

use jtl_erp_generator::{Kind, Settings, SourceDocument, generate, kinds_table};

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
            "response-description-missing",
            "boolean-required",
            "numeric-exclusive-bound",
            "non-array-items-keyword",
            "non-object-additional-properties",
            "file-under-json",
            "webhook-documented",
        ]
    );
    assert_eq!(Kind::KeptAsJson.to_string(), "kept-as-json");

    // Strict tolerates a repair: a media type without a schema (the vendor's 401s) generates
    // with its warning …
    let document = |schema: &str| SourceDocument {
        path: "strict.yaml".to_owned(),
        text: format!(
            "openapi: 3.0.3\ninfo: {{title: s, version: '1'}}\npaths:\n  /items:\n    get:\n      \
             operationId: ListItems\n      responses:\n        '200':\n          description: ok\n          \
             content: {{application/json: {{schema: {schema}}}}}\n        '401':\n          \
             description: no\n          content: {{application/json: {{}}}}\n"
        ),
    };
    let strict = Settings {
        strict: true,
        ..Settings::default()
    };
    let repaired =
        generate(&[document("{type: string}")], &strict).expect("strict tolerates repairs");
    let kinds: Vec<Kind> = repaired.warnings.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [Kind::SchemaLessMediaType]);
    // … and refuses a warning that loses something (a oneOf with an alternative of no type is
    // kept as JSON), naming it where it is.
    let lossy = "{oneOf: [{type: string}, {}]}";
    let refused = generate(&[document(lossy)], &strict).expect_err("strict refuses loss");
    assert!(
        refused.diagnostics.iter().any(|d| d.kind == Kind::KeptAsJson
            && d.to_string().starts_with(
                "error: strict.yaml#/paths/~1items/get/responses/200/content/application~1json/schema"
            )),
        "{refused}"
    );
    generate(&[document(lossy)], &Settings::default()).expect("not strict: a warning");
}
