//! Every construct (tests/fixtures/constructs and the fixture of each construct of issue 13)
//! and a synthetic vendor-style document of 375 operations generate into one crate that
//! compiles with `-D warnings`; and the generator never panics on mutated documents.

use jtl_erp_generator::{Settings, SourceDocument, generate};
use jtl_erp_tests::{repo_root, spec_documents};
use proptest::prelude::*;

#[jtl_erp_tests::test(deadline = 600)]
fn constructs_and_a_synthetic_vendor_document_compile_without_warnings() {
    let root = repo_root();
    let dir = root.join("target/fixtures");
    std::fs::create_dir_all(&dir).expect("target/fixtures");
    let synthetic = dir.join("synthetic.yaml");
    std::fs::write(&synthetic, xtask::synth::synthetic_document(75)).expect("written");
    let mut specs = vec![
        root.join("tests/fixtures/constructs/constructs.yaml"),
        synthetic,
    ];
    specs.extend(
        super::snapshots::CONSTRUCTS
            .iter()
            .map(|c| root.join(format!("tests/fixtures/{c}/{c}.yaml"))),
    );
    let out = dir.join("client");
    let (_, warnings) = xtask::regen(&root, &specs, &out, false).expect("generates");
    assert!(
        warnings
            .iter()
            .any(|w| w.kind == "operation-id-synthesized"),
        "the fixture exercises missing ids"
    );
    // Relocatable: no generated file names where the repository or the documents are.
    let root_text = root.to_string_lossy().into_owned();
    for entry in [
        "Cargo.toml",
        "src/lib.rs",
        "src/models.rs",
        "src/synthetic.rs",
        "src/bodies.rs",
    ] {
        let text = std::fs::read_to_string(out.join(entry)).expect("generated file");
        assert!(
            !text.contains(&root_text),
            "{entry} names the absolute path {root_text}"
        );
    }
    // The workspace's lock file and profile, so that the dependencies built for the suite are reused.
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).expect("lock file copied");
    let output = xtask::cargo_command(&root)
        .args(["rustc", "--lib", "--quiet", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .args([
            "--config",
            "profile.dev.debug=\"line-tables-only\"",
            "--config",
            "profile.dev.package.\"*\".debug=false",
        ])
        .args(["--", "-D", "warnings"])
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the generated crate does not compile cleanly:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let module = std::fs::read_to_string(out.join("src/synthetic.rs")).expect("module");
    assert_eq!(module.matches("pub async fn ").count(), 375);
}

fn mutate(
    text: &str,
    edits: &[(usize, u8)],
    cut: Option<usize>,
    drop_line: Option<usize>,
) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for (at, byte) in edits {
        let i = at % bytes.len();
        bytes[i] = *byte;
    }
    if let Some(cut) = cut {
        bytes.truncate(cut % (bytes.len() + 1));
    }
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    if let Some(line) = drop_line {
        let lines: Vec<&str> = text.lines().collect();
        let skip = line % lines.len().max(1);
        text = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join("\n");
    }
    text
}

fn fuzz_cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(fuzz_cases()))]

    /// Mutated documents give a result or a report; never an internal error (a caught panic).
    #[test]
    fn mutated_documents_never_panic_the_generator(
        which in 0usize..4,
        edits in proptest::collection::vec((any::<usize>(), prop::sample::select(b"{}[]:- \n\"'#$0aZ".to_vec())), 0..6),
        cut in proptest::option::of(any::<usize>()),
        drop_line in proptest::option::of(any::<usize>()),
    ) {
        let docs = spec_documents();
        let doc = &docs[which % docs.len()];
        let mutated = SourceDocument { path: doc.path.clone(), text: mutate(&doc.text, &edits, cut, drop_line) };
        if let Err(report) = generate(&[mutated], &Settings::default()) {
            prop_assert!(report.diagnostics.iter().all(|d| d.kind != "internal"), "{report}");
        }
    }
}
