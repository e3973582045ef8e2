//! The deviations of the vendor's published documents from OpenAPI 3.0
//! (tests/fixtures/vendor-deviations) are repaired, never refused: each with a repair warning
//! naming its kind, file and pointer, also under `--strict`, and the repaired document generates
//! what the document written correctly generates. Real errors still name file#pointer.

use jtl_erp_generator::{Generation, Settings, SourceDocument, generate};

use super::snapshots::fixture;

const FILE: &str = "tests/fixtures/vendor-deviations/vendor-deviations.yaml";

fn strict() -> Settings {
    Settings {
        strict: true,
        ..Settings::default()
    }
}

fn file<'g>(generation: &'g Generation, path: &str) -> &'g str {
    &generation
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path}"))
        .contents
}

/// (kind, pointer) of each warning.
fn kinds_and_pointers(generation: &Generation) -> Vec<(&'static str, String)> {
    generation
        .warnings
        .iter()
        .map(|w| {
            let jtl_erp_generator::Location::Pointer(pointer) = &w.location else {
                panic!("a repair names a pointer: {w}");
            };
            (w.kind.name(), pointer.clone())
        })
        .collect()
}

#[test]
fn each_deviation_is_repaired_with_a_warning_naming_kind_and_pointer_even_when_strict() {
    let generation = generate(&[fixture("vendor-deviations")], &strict())
        .unwrap_or_else(|report| panic!("the vendor's deviations are repairs:\n{report}"));
    assert_eq!(
        kinds_and_pointers(&generation),
        [
            (
                "non-oauth2-scheme-scopes",
                "/components/securitySchemes/Wawi/scopes".to_owned()
            ),
            (
                "oauth2-scopes-missing",
                "/components/securitySchemes/oauth2-cloud-id-accessCode/flows/authorizationCode"
                    .to_owned()
            ),
            (
                "oauth2-scopes-missing",
                "/components/securitySchemes/oauth2-application/flows/clientCredentials".to_owned()
            ),
            (
                "non-oauth2-requirement-scopes",
                "/paths/~1v2~1accountingData/get/security/0/Wawi".to_owned()
            ),
            (
                "non-oauth2-requirement-scopes",
                "/paths/~1v2~1accountingData/get/security/1/Wawi".to_owned()
            ),
            (
                "ref-siblings-ignored",
                "/paths/~1v2~1accountingData/get/parameters/0/schema".to_owned()
            ),
            (
                "non-object-additional-properties",
                "/components/schemas/FirmaKey/additionalProperties".to_owned()
            ),
            (
                "ref-siblings-ignored",
                "/components/schemas/AccountingData/properties/RegistrationType".to_owned()
            ),
        ],
        "the `$ref` inside the example and the property named `$ref` are not repairs"
    );
    assert!(generation.warnings.iter().all(|w| w.is_repair()));
    let texts: Vec<String> = generation
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect();
    for expected in [
        format!(
            "warning: {FILE}#/components/securitySchemes/oauth2-application/flows/clientCredentials: the oauth2 flow `clientCredentials` has no `scopes` map (OpenAPI 3.0 requires one); read as an empty map"
        ),
        format!(
            "warning: {FILE}#/components/schemas/AccountingData/properties/RegistrationType: keys next to `$ref` are ignored in OpenAPI 3.0; dropped `type`: \"integer\", `format`: \"int32\""
        ),
        format!(
            "warning: {FILE}#/paths/~1v2~1accountingData/get/parameters/0/schema: keys next to `$ref` are ignored in OpenAPI 3.0; dropped `example`: \"b45f6432-2462-4c6f-b00f-1d9d01000000\""
        ),
        format!(
            "warning: {FILE}#/components/securitySchemes/Wawi/scopes: `scopes` on the apiKey scheme `Wawi` ignored (OpenAPI 3.0 gives scopes to oauth2 flows only; the client reads none): {{\"accountings.read\":\"Read accounting data\"}}"
        ),
    ] {
        assert!(texts.contains(&expected), "{expected}\nnot in\n{texts:#?}");
    }
}

#[test]
fn the_repaired_document_keeps_its_security_schemes_scopes_and_types() {
    let generation = generate(&[fixture("vendor-deviations")], &Settings::default())
        .unwrap_or_else(|report| panic!("{report}"));
    let module = file(&generation, "src/deviations.rs");
    assert!(
        module.contains(
            "/// Security in the document: `oauth2-cloud-id-accessCode` and `Wawi` (scopes `accountings.read`), or `oauth2-application` and `Wawi` (scopes `accountings.read`); the client's auth provider supplies it."
        ),
        "{module}"
    );
    assert!(
        module.contains(
            "/// Security in the document: `oauth2-cloud-id-accessCode`, or `oauth2-application`; the client's auth provider supplies it."
        ),
        "{module}"
    );
    assert_eq!(module.matches(".auth(rt::AuthNeed::Required)").count(), 2);
    // The uuid key with `additionalProperties: false` is a uuid, not text; the `$ref` with
    // siblings is its target.
    assert!(
        module.contains("pub fn company_id(mut self, value: impl Into<rt::uuid::Uuid>) -> Self"),
        "{module}"
    );
    let models = file(&generation, "src/models.rs");
    for field in [
        "pub company_id: rt::uuid::Uuid,",
        "pub registration_type: Option<crate::models::RegistrationType>,",
        "pub r#ref: Option<String>,",
    ] {
        assert!(models.contains(field), "{field}\n{models}");
    }
}

/// The fixture written the way OpenAPI 3.0 wants it (the repairs made by hand).
fn written_correctly() -> SourceDocument {
    let mut text = fixture("vendor-deviations").text;
    for (from, to) in [
        (
            "          schema:\n            example: b45f6432-2462-4c6f-b00f-1d9d01000000\n",
            "          schema:\n",
        ),
        (
            "      example: b45f6432-2462-4c6f-b00f-1d9d01000000\n      additionalProperties: false\n",
            "      example: b45f6432-2462-4c6f-b00f-1d9d01000000\n",
        ),
        (
            "        RegistrationType:\n          type: integer\n          format: int32\n",
            "        RegistrationType:\n",
        ),
        (
            "      in: header\n      scopes:\n        accountings.read: Read accounting data\n",
            "      in: header\n",
        ),
        (
            "          tokenUrl: https://auth.jtl-cloud.com/oauth2/token\n    oauth2-application:",
            "          tokenUrl: https://auth.jtl-cloud.com/oauth2/token\n          scopes: {}\n    oauth2-application:",
        ),
    ] {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text = text.replace(from, to);
    }
    text.push_str("          scopes: {}\n");
    SourceDocument {
        path: fixture("vendor-deviations").path,
        text,
    }
}

#[test]
fn the_repaired_document_generates_exactly_what_the_correct_document_generates() {
    let correct = generate(&[written_correctly()], &strict()).unwrap_or_else(|r| panic!("{r}"));
    let kinds: Vec<&str> = correct.warnings.iter().map(|w| w.kind.name()).collect();
    assert_eq!(
        kinds, ["non-oauth2-requirement-scopes"; 2],
        "only the requirement scopes, which are kept, remain"
    );
    let repaired = generate(&[fixture("vendor-deviations")], &strict()).expect("generates");
    assert_eq!(repaired.files.len(), correct.files.len());
    for (repaired, correct) in repaired.files.iter().zip(&correct.files) {
        assert_eq!(repaired.path, correct.path);
        assert!(
            repaired.contents == correct.contents,
            "{} differs from the correct document's",
            repaired.path
        );
    }
}

#[test]
fn the_vendor_json_is_repaired_like_yaml_and_real_errors_still_name_the_pointer() {
    let json = |application: &str| SourceDocument {
        path: "vendor.json".to_owned(),
        text: format!(
            r#"{{"openapi": "3.0.0", "info": {{"title": "v", "version": "2.0"}},
  "paths": {{"/v2/info": {{"get": {{"operationId": "Info_GetStatusAsync",
    "security": [{{"oauth2-application": []}}], "responses": {{"204": {{"description": "Up"}}}}}}}}}},
  "components": {{"securitySchemes": {{"oauth2-application": {{"type": "oauth2",
    "flows": {{"clientCredentials": {application}}}}}}}}}}}"#
        ),
    };
    let generation = generate(
        &[json(
            r#"{"tokenUrl": "https://auth.jtl-cloud.com/oauth2/token"}"#,
        )],
        &strict(),
    )
    .unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(
        kinds_and_pointers(&generation),
        [(
            "oauth2-scopes-missing",
            "/components/securitySchemes/oauth2-application/flows/clientCredentials".to_owned()
        )]
    );
    // Without `tokenUrl` the flow is broken, not deviating: the error names file and pointer.
    let report = generate(&[json("{}")], &Settings::default()).expect_err("no tokenUrl");
    let errors: Vec<String> = report.errors().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "error: vendor.json#/components/securitySchemes/oauth2-application/flows/clientCredentials: not a valid OpenAPI 3.0 document: missing field `tokenUrl`"
        ]
    );
}

/// Scopes of oauth2 requirements are legal and read as before (not listed); only the scopes the
/// repair keeps (of an apiKey) are documented.
#[test]
fn oauth2_scopes_are_no_repair_and_are_documented_as_required() {
    let doc = SourceDocument {
        path: "legal.yaml".to_owned(),
        text: "openapi: 3.0.3\ninfo: {title: l, version: '1', x-jtl-module: legal}\npaths:\n  /pets:\n    get:\n      operationId: ListPets\n      security: [{petstore_auth: ['read:pets'], key: []}]\n      responses:\n        '204': {description: none}\ncomponents:\n  securitySchemes:\n    key: {type: apiKey, in: header, name: x-api-key}\n    petstore_auth:\n      type: oauth2\n      flows:\n        implicit:\n          authorizationUrl: https://example.com/auth\n          scopes: {'read:pets': read your pets}\n".to_owned(),
    };
    let generation = generate(&[doc], &strict()).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(generation.warnings, []);
    let module = file(&generation, "src/legal.rs");
    assert!(
        module.contains(
            "/// Security in the document: `petstore_auth` (scopes `read:pets`) and `key`; the client's auth provider supplies it."
        ),
        "{module}"
    );
    assert!(
        module.contains("/// - the scope `read:pets` (its security requirements; see below)"),
        "{module}"
    );
}

/// Two mistakes of documents published by others (a hand-written Spotify document, a
/// generated text-generation-inference one), which `openapiv3` refuses, are read by their
/// evident meaning: the document generates, with a repair warning at each place, also under
/// `--strict`, and means what the document written correctly means.
#[test]
fn boolean_required_and_numeric_exclusive_bounds_generate_what_the_correct_forms_do() {
    let document = |properties: &str, required: &str| SourceDocument {
        path: "mistakes.yaml".to_owned(),
        text: format!(
            "openapi: 3.0.3\ninfo: {{title: m, version: '1'}}\npaths:\n  /img:\n    put:\n      \
             operationId: PutImage\n      requestBody:\n        content:\n          image/jpeg:\n            \
             schema: {{type: string, format: byte{required}}}\n      responses:\n        '202': {{description: ok}}\n\
             components:\n  schemas:\n    Params:\n      type: object\n{properties}"
        ),
    };
    let written = document(
        "      properties:\n        best_of: {type: integer, minimum: 0, exclusiveMinimum: 0}\n        \
         name: {type: string, required: true}\n",
        ", required: true",
    );
    let correct = document(
        "      required: [name]\n      properties:\n        \
         best_of: {type: integer, minimum: 0, exclusiveMinimum: true}\n        name: {type: string}\n",
        "",
    );
    let repaired = generate(&[written], &strict())
        .unwrap_or_else(|report| panic!("the mistakes are repairs:\n{report}"));
    assert_eq!(
        kinds_and_pointers(&repaired),
        [
            (
                "boolean-required",
                "/paths/~1img/put/requestBody/content/image~1jpeg/schema/required".to_owned()
            ),
            (
                "boolean-required",
                "/components/schemas/Params/properties/name/required".to_owned()
            ),
            (
                "numeric-exclusive-bound",
                "/components/schemas/Params/properties/best_of/exclusiveMinimum".to_owned()
            ),
        ]
    );
    let expected = generate(&[correct], &strict()).expect("the correct document generates");
    for generated in &expected.files {
        if generated.path.ends_with(".rs") {
            assert_eq!(
                file(&repaired, &generated.path),
                generated.contents,
                "{}",
                generated.path
            );
        }
    }
}
