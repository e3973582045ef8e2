//! Bad input: a clear error naming file and place, every problem of a stage at once, and
//! nothing written. Legal constructs the client cannot type (tests/fixtures/degraded) generate
//! with warnings and fail only under `--strict`, with the same file#pointer.

use std::path::PathBuf;

use jtl_erp_tests::repo_root;

fn fixture(path: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(path)
}

/// The error text `cargo xtask regen --spec …` prints for these fixtures.
fn errors_of(paths: &[&str]) -> String {
    errors_with(paths, false)
}

/// The error text `cargo xtask regen --strict --spec …` prints for these fixtures.
fn strict_errors_of(paths: &[&str]) -> String {
    errors_with(paths, true)
}

fn errors_with(paths: &[&str], strict: bool) -> String {
    let root = repo_root();
    let specs: Vec<PathBuf> = paths.iter().map(|p| fixture(p)).collect();
    let out = std::env::temp_dir().join(format!("jtl-erp-never-written-{}", std::process::id()));
    let options = jtl_erp_regen::RegenOptions {
        check: true,
        strict,
        ..jtl_erp_regen::RegenOptions::default()
    };
    let error =
        jtl_erp_regen::regen_with(&root, &specs, &out, &options).expect_err("bad input must fail");
    assert!(
        !out.exists(),
        "a failed run must not create {}",
        out.display()
    );
    format!("{error:#}")
}

#[test]
fn every_dangling_reference_is_reported_with_its_pointer() {
    assert_eq!(
        errors_of(&["bad/dangling-ref.yaml"]),
        "error: tests/fixtures/bad/dangling-ref.yaml#/paths/~1things/get/responses/200/content/application~1json/schema/$ref: `$ref` target `#/components/schemas/Thing` does not exist\n\
         error: tests/fixtures/bad/dangling-ref.yaml#/paths/~1things/get/responses/404/content/application~1json/schema/$ref: `$ref` target `#/components/schemas/Missing` does not exist\n\
         2 error(s); nothing was generated"
    );
}

#[test]
fn errors_in_an_openapi_31_document_point_into_the_document_as_written() {
    let at = "tests/fixtures/bad/openapi-3.1-dangling.yaml#/components/pathItems/Things/get/responses/200/content/application~1json/schema/properties";
    assert_eq!(
        errors_of(&["bad/openapi-3.1-dangling.yaml"]),
        format!(
            "error: {at}/owner/$ref: `$ref` target `#/components/schemas/Owner` does not exist\n\
             error: {at}/tags/items/$ref: `$ref` target `#/components/schemas/Tag` does not exist\n\
             2 error(s); nothing was generated"
        )
    );
}

#[test]
fn errors_in_an_openapi_32_document_point_into_the_document_as_written() {
    assert_eq!(
        errors_of(&["bad/openapi-3.2-dangling.yaml"]),
        "error: tests/fixtures/bad/openapi-3.2-dangling.yaml#/components/mediaTypes/Things/schema/items/$ref: `$ref` target `#/components/schemas/Thing` does not exist\n\
         1 error(s); nothing was generated"
    );
    // A `query` operation, which openapiv3 does not read, is checked on its own.
    assert_eq!(
        errors_of(&["bad/openapi-3.2-query.yaml"]),
        "error: tests/fixtures/bad/openapi-3.2-query.yaml#/paths/~1search/query/responses/200/headers: not a valid OpenAPI 3.2 document: invalid type: sequence, expected a map\n\
         1 error(s); nothing was generated"
    );
}

/// A callback by `$ref` (which openapiv3 does not read) that names nothing is named like any
/// dangling reference, also inside a component callback; nothing else about the document fails.
#[test]
fn dangling_callback_references_are_reported_with_their_pointers() {
    let file = "tests/fixtures/bad/callback-dangling.yaml";
    assert_eq!(
        errors_of(&["bad/callback-dangling.yaml"]),
        format!(
            "error: {file}#/paths/~1subscriptions/post/callbacks/onEvent/$ref: `$ref` target `#/components/callbacks/Missing` does not exist\n\
             error: {file}#/components/callbacks/Nested/{{$request.body#~1url}}/post/callbacks/gone/$ref: `$ref` target `#/components/callbacks/Gone` does not exist\n\
             2 error(s); nothing was generated"
        )
    );
}

#[test]
fn unsupported_versions_say_what_is_supported() {
    assert_eq!(
        errors_of(&["bad/openapi-3.3.yaml", "bad/swagger-2.yaml"]),
        "error: tests/fixtures/bad/openapi-3.3.yaml#/openapi: OpenAPI 3.3.0 is not supported; supported are OpenAPI 3.0.x, 3.1.x and 3.2.x\n\
         error: tests/fixtures/bad/swagger-2.yaml#/openapi: Swagger/OpenAPI 2.0 documents are not supported; supported are OpenAPI 3.0.x, 3.1.x and 3.2.x\n\
         2 error(s); nothing was generated"
    );
}

#[test]
fn syntax_errors_carry_line_and_column_and_empty_documents_are_named() {
    let text = errors_of(&["bad/invalid-yaml.yaml", "bad/empty.yaml"]);
    assert!(
        text.starts_with("error: tests/fixtures/bad/invalid-yaml.yaml:7:1: invalid YAML/JSON:"),
        "{text}"
    );
    assert!(
        text.contains(
            "error: tests/fixtures/bad/empty.yaml: the document is empty or not a mapping\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("2 error(s); nothing was generated"),
        "{text}"
    );
}

#[test]
fn a_document_of_the_wrong_shape_names_the_pointer() {
    assert_eq!(
        errors_of(&["bad/wrong-shape.yaml"]),
        "error: tests/fixtures/bad/wrong-shape.yaml#/paths/~1items/get/responses/200/description: \
         not a valid OpenAPI 3.0 document: invalid type: integer `42`, expected a string\n\
         1 error(s); nothing was generated"
    );
}

#[test]
fn cyclic_aliases_are_named() {
    assert_eq!(
        errors_of(&["bad/cyclic-alias.yaml"]),
        "error: tests/fixtures/bad/cyclic-alias.yaml#/components/schemas/B/$ref: schema `A` is an alias of itself (through `$ref`s)\n\
         1 error(s); nothing was generated"
    );
}

/// What a default run degrades with a warning, `--strict` refuses, naming file#pointer.
#[test]
fn degraded_constructs_generate_and_strict_refuses_them() {
    let root = repo_root();
    let specs = [
        fixture("degraded/unsupported-cookie.yaml"),
        fixture("degraded/conflict/first.yaml"),
        fixture("degraded/conflict/second.yaml"),
    ];
    let out = root.join("target/degraded-never-written");
    let options = jtl_erp_regen::RegenOptions {
        check: true,
        ..jtl_erp_regen::RegenOptions::default()
    };
    let (_, warnings) = jtl_erp_regen::regen_with(&root, &specs, &out, &options).expect("degrades");
    let kinds: Vec<&str> = warnings.iter().map(|w| w.kind.name()).collect();
    assert_eq!(
        kinds,
        [
            "cookie-parameter-ignored",
            "concept-split",
            "parameter-as-text"
        ]
    );
    assert_eq!(
        strict_errors_of(&[
            "degraded/unsupported-cookie.yaml",
            "degraded/conflict/first.yaml",
            "degraded/conflict/second.yaml"
        ]),
        "error: tests/fixtures/degraded/unsupported-cookie.yaml#/paths/~1items/get/parameters/0: cookie parameter `session` is not sent (the client sends no cookies)\n\
         error: tests/fixtures/degraded/conflict/second.yaml#/components/schemas/UpdateArticle: schema `UpdateArticle` and schema `Article` \
         (tests/fixtures/degraded/conflict/first.yaml#/components/schemas/Article) name one concept but differ in property `quantity`; they stay separate types\n\
         error: tests/fixtures/degraded/unsupported-cookie.yaml#/paths/~1items/get/parameters/1: query parameter `filter` is sent as its JSON text: a query string has no style for a value of nested objects, arrays or any JSON\n\
         3 error(s); nothing was generated"
    );
}

#[test]
fn a_missing_document_is_named() {
    let root = repo_root();
    let error = jtl_erp_regen::regen(
        &root,
        &[fixture("bad/no-such-file.yaml")],
        &root.join("target/never"),
        false,
    )
    .expect_err("missing file");
    assert!(
        format!("{error:#}").starts_with("cannot read spec document "),
        "{error:#}"
    );
    assert!(
        format!("{error:#}").contains("no-such-file.yaml"),
        "{error:#}"
    );
}

/// Path parameters the client cannot send as declared: an object is text, a parameter the
/// template does not name is not sent, a template name nobody declares is text. `--strict`
/// refuses each at its pointer.
#[test]
fn lossy_path_parameters_are_warnings_and_strict_refuses_them() {
    let at = "tests/fixtures/path-parameters/path-parameters.yaml#/paths";
    assert_eq!(
        strict_errors_of(&["path-parameters/path-parameters.yaml"]),
        format!(
            "error: {at}/~1filters~1{{filter}}/get/parameters/0: path parameter `filter` is not a scalar, an enum or a list of those; it is taken as text\n\
             error: {at}/~1items~1{{itemId}}/get/parameters/0: path parameter `id` is not named by the path template `/items/{{itemId}}`; it is not sent (the server cannot receive it)\n\
             error: {at}/~1items~1{{itemId}}/get: path template names `{{itemId}}` but no path parameter declares it; it is taken as text\n\
             3 error(s); nothing was generated"
        )
    );
}
