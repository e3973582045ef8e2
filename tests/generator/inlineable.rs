//! Inlineable modules are copied when the documents have every operation they call, and left
//! out with a warning naming what is missing when an operation disappears.

use jtl_erp_generator::{Settings, generate};
use jtl_erp_tests::spec_documents;

#[test]
fn spec_documents_get_the_registration_flow_and_the_fake() {
    let generation = generate(&spec_documents(), &Settings::default()).expect("generates");
    let paths: Vec<&str> = generation.files.iter().map(|f| f.path.as_str()).collect();
    for path in [
        "src/registration.rs",
        "src/fake.rs",
        "src/fake/identity.rs",
        "src/bin/jtl-erp-fake.rs",
    ] {
        assert!(paths.contains(&path), "{path} missing from {paths:?}");
    }
    let registration = generation
        .files
        .iter()
        .find(|f| f.path == "src/registration.rs")
        .expect("copied");
    assert!(
        registration.contents.lines().nth(1)
            == Some(
                "// copied from generator/inlineable/src/registration.rs by `cargo xtask regen`"
            ),
        "the copy names its source"
    );
    assert!(
        !generation
            .warnings
            .iter()
            .any(|w| w.kind == jtl_erp_generator::Kind::InlineableLeftOut),
        "{:?}",
        generation.warnings
    );
}

#[test]
fn a_lost_operation_leaves_the_module_out_with_a_warning_naming_it() {
    let mut docs = spec_documents();
    let erp_v1 = docs
        .iter_mut()
        .find(|d| d.path.ends_with("erp-1.0.yaml"))
        .expect("spec/erp-1.0.yaml");
    assert!(erp_v1.text.contains("operationId: GetStatus"));
    erp_v1.text = erp_v1
        .text
        .replace("operationId: GetStatus", "operationId: GetInfo");
    let generation = generate(&docs, &Settings::default()).expect("still generates");
    let left_out: Vec<String> = generation
        .warnings
        .iter()
        .filter(|w| w.kind == jtl_erp_generator::Kind::InlineableLeftOut)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        left_out,
        [
            "warning: generator/inlineable: src/registration.rs is not copied into the crate: the documents lack `erp_v1::GetStatus`, which it calls",
            "warning: generator/inlineable: src/fake.rs is not copied into the crate: the documents lack `erp_v1::GetStatus`, which it calls",
            "warning: generator/inlineable: src/bin/jtl-erp-fake.rs is not copied into the crate: the documents lack `erp_v1::GetStatus`, which it calls",
        ]
    );
    assert!(
        !generation
            .files
            .iter()
            .any(|f| f.path.contains("registration") || f.path.contains("fake")),
        "nothing of the left-out modules is emitted"
    );
    let manifest = &generation.files[0];
    assert_eq!(manifest.path, "Cargo.toml");
    assert!(
        !manifest.contents.contains("hyper") && !manifest.contents.contains("[[bin]]"),
        "{}",
        manifest.contents
    );
}
