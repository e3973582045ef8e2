//! The emitters write Rust as text (generator/src/emit/code.rs), so nothing in the generator
//! parses its own output any more. Here syn, an independent parser, reads every Rust file of
//! the crates made from `spec/`, each construct fixture and the synthetic vendor-size document,
//! and the layout rules the emitters promise are checked line by line. (The suite also compiles
//! those crates: `compile.rs`.)

use jtl_erp_generator::{Settings, SourceDocument, generate};
use jtl_erp_tests::repo_root;

use super::snapshots::{CONSTRUCTS, fixture};

fn check(label: &str, docs: &[SourceDocument]) {
    let generation =
        generate(docs, &Settings::default()).unwrap_or_else(|r| panic!("{label}: {r}"));
    for file in generation.files.iter().filter(|f| f.path.ends_with(".rs")) {
        let place = format!("{label}: {}", file.path);
        if let Err(e) = syn::parse_file(&file.contents) {
            panic!("{place} is not Rust: {e}");
        }
        if file
            .contents
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("// copied from"))
        {
            // Hand-written (generator/inlineable), formatted by rustfmt where it is written.
            continue;
        }
        for (n, line) in file.contents.lines().enumerate() {
            let n = n + 1;
            assert!(
                !line.ends_with(' '),
                "{place}:{n}: trailing space: {line:?}"
            );
            assert!(!line.contains('\t'), "{place}:{n}: a tab: {line:?}");
            let indent = line.len() - line.trim_start_matches(' ').len();
            assert!(
                indent % 4 == 0,
                "{place}:{n}: indented by {indent}: {line:?}"
            );
        }
        assert!(
            !file.contents.contains("\n\n\n"),
            "{place}: two blank lines in a row"
        );
        assert!(
            file.contents.ends_with("}\n") || file.contents.ends_with(";\n"),
            "{place}: ends {:?}",
            file.contents.chars().rev().take(3).collect::<String>()
        );
    }
}

#[test]
fn every_generated_file_is_rust_that_an_independent_parser_reads() {
    check(
        "spec/",
        &xtask::read_specs(
            &repo_root(),
            &xtask::default_specs(&repo_root()).expect("specs"),
        )
        .expect("readable"),
    );
    for construct in CONSTRUCTS {
        check(construct, &[fixture(construct)]);
    }
    check(
        "synthetic",
        &[SourceDocument {
            path: "synthetic.yaml".to_owned(),
            text: xtask::synth::synthetic_document(75),
        }],
    );
}
