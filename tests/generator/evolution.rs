//! A vendor release that only adds breaks no code downstream, judged by the compiler: a crate of
//! a team downstream (tests/fixtures/downstream), written against today's `generated/`, compiles
//! against it, against `spec/` regenerated with each additive change of a vendor release
//! (jtl_erp_regen::evolution::ADDITIVE, the same release `cargo xtask semver-check` judges), unchanged,
//! and fails against a breaking release (a property made required, an operation removed), so that
//! the judge is seen to fail. `regen` reports each change of both releases with its class.

use std::path::{Path, PathBuf};

use jtl_erp_generator::Class;
use jtl_erp_regen::evolution::{ADDITIVE, BREAKING, Change};
use jtl_erp_tests::repo_root;

/// The downstream crate copied to `dir/downstream`, depending on the crate in `client`; built
/// as tests/generator/compile.rs builds its crate (the repository's target directory, lock file
/// and profile), so that the dependencies are built once for the suite; the result of cargo.
fn build_downstream(dir: &Path, client: &Path) -> std::process::Output {
    let root = repo_root();
    let fixture = root.join("tests/fixtures/downstream");
    let downstream = dir.join("downstream");
    let _ = std::fs::remove_dir_all(&downstream);
    std::fs::create_dir_all(downstream.join("src")).expect("a directory for the crate");
    let manifest = std::fs::read_to_string(fixture.join("Cargo.toml")).expect("the manifest");
    let dependency = "jtl-erp-client = { path = \"../../../generated\" }";
    assert!(
        manifest.contains(dependency),
        "the fixture depends on generated/"
    );
    let manifest = manifest.replace(
        dependency,
        &format!(
            "jtl-erp-client = {{ path = {:?} }}",
            client.to_string_lossy()
        ),
    );
    std::fs::write(downstream.join("Cargo.toml"), manifest).expect("manifest written");
    std::fs::copy(fixture.join("src/lib.rs"), downstream.join("src/lib.rs"))
        .expect("source copied");
    std::fs::copy(root.join("Cargo.lock"), downstream.join("Cargo.lock")).expect("lock file");
    // A build, not `cargo check`: the dependencies are then the ones compile.rs builds (same
    // profile and features), and the generated crate itself builds in about a second.
    jtl_erp_regen::cargo_command(&root)
        .args(["build", "--lib", "--quiet", "--offline", "--manifest-path"])
        .arg(downstream.join("Cargo.toml"))
        .args([
            "--config",
            "profile.dev.debug=\"line-tables-only\"",
            "--config",
            "profile.dev.package.\"*\".debug=false",
        ])
        .output()
        .expect("cargo runs")
}

fn workdir(name: &str) -> PathBuf {
    let dir = repo_root().join("target/fixtures/evolution").join(name);
    std::fs::create_dir_all(&dir).expect("a work directory");
    dir
}

/// `changes` regenerated next to `generated/` in `dir`: `regen` reports each with `class`,
/// one line each, and nothing else.
fn regenerate(dir: &Path, changes: &[Change], class: Class) -> PathBuf {
    let regenerated = jtl_erp_regen::evolution::regenerate(&repo_root(), changes, dir)
        .expect("the release generates");
    let release = regenerated.release;
    assert_eq!(release.class(), Some(class), "{release}");
    let mut reported: Vec<(Class, &str)> = release
        .changes
        .iter()
        .map(|c| (c.class, c.line.as_str()))
        .collect();
    let mut expected: Vec<(Class, &str)> = changes
        .iter()
        .flat_map(|c| c.lines.iter().map(move |line| (class, *line)))
        .collect();
    reported.sort_unstable();
    expected.sort_unstable();
    assert_eq!(reported, expected, "{release}");
    dir.join("client")
}

#[jtl_erp_tests::test(deadline = 900)]
fn a_downstream_crate_compiles_against_an_additive_release_and_not_against_a_breaking_one() {
    let root = repo_root();
    let output = build_downstream(&workdir("generated"), &root.join("generated"));
    assert!(
        output.status.success(),
        "the downstream crate does not compile against generated/:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let dir = workdir("additive");
    let client = regenerate(&dir, ADDITIVE, Class::Additive);
    let output = build_downstream(&dir, &client);
    assert!(
        output.status.success(),
        "an additive release breaks the downstream crate:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let dir = workdir("breaking");
    let client = regenerate(&dir, BREAKING, Class::Breaking);
    let output = build_downstream(&dir, &client);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "a breaking release leaves the downstream crate compiling"
    );
    // Each breaking change is an error of its own, in the downstream crate.
    for expected in [
        "head_status",
        "total_pages",
        "PagedListOfAccountingData::new",
    ] {
        assert!(
            stderr.contains(expected),
            "no error about `{expected}` in:\n{stderr}"
        );
    }
    assert!(
        stderr.contains("could not compile `downstream`")
            && !stderr.contains("could not compile `jtl-erp-client`"),
        "not the downstream crate fails:\n{stderr}"
    );
}

/// `cargo xtask semver-check` reads cargo-semver-checks' report by its failure headings.
#[test]
fn the_lints_of_a_semver_checks_report_are_read_from_its_headings() {
    let report = "\n--- failure inherent_method_missing: pub method removed or renamed ---\n\nFailed in:\n  Client::head_status\n\n--- failure struct_missing: pub struct removed or renamed ---\n";
    assert_eq!(
        jtl_erp_regen::evolution::semver_lints(report),
        ["inherent_method_missing", "struct_missing"]
    );
    assert!(
        jtl_erp_regen::evolution::semver_lints("     Summary no semver update required\n")
            .is_empty()
    );
}

/// `cargo xtask semver-check` fails when a finding of cargo-semver-checks names an item that no
/// breaking line of `regen` names (the report as cargo-semver-checks 0.51 printed it for
/// jtl_erp_regen::evolution::BREAKING).
#[test]
fn each_finding_of_semver_checks_must_be_named_by_a_breaking_line_of_regen() {
    let report = "--- failure inherent_method_missing: pub method removed or renamed ---\n\nDescription:\nA publicly-visible method ...\n        ref: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove\n\nFailed in:\n  Client::head_status, previously in file generated/src/erp_v2.rs:443\n\n--- failure method_parameter_count_changed: pub method parameter count changed ---\n\nFailed in:\n  jtl_erp_client::models::PagedListOfAccountingData::new takes 4 parameters in generated/src/models.rs:571, but now takes 5 parameters in client/src/models.rs:571\n\n--- failure struct_missing: pub struct removed or renamed ---\n\nFailed in:\n  struct jtl_erp_client::erp_v2::HeadStatus, previously in file generated/src/erp_v2.rs:1538\n\n--- failure feature_missing: package feature removed or renamed ---\n\nFailed in:\n  feature fake in the package's Cargo.toml\n\n--- failure module_missing: pub module removed or renamed ---\n\nFailed in:\n  mod jtl_erp_client::fake, previously in file generated/src/../../generator/inlineable/fake/mod.rs:1\n\n--- failure pub_module_level_const_missing: pub module-level const is missing ---\n\nFailed in:\n  ACCOUNTING_DATA_MAX_PAGE_SIZE in file generated/src/../../generator/inlineable/fake/erp2.rs:40\n";
    let lines: Vec<&str> = BREAKING
        .iter()
        .flat_map(|c| c.lines.iter().copied())
        .collect();
    assert_eq!(
        jtl_erp_regen::evolution::unreported(report, &lines),
        Vec::<String>::new()
    );
    // Without the line of the hand-written module left out, its findings (a feature, a module, a
    // constant named by its file only) are unreported.
    let fake = [
        "feature fake in the package's Cargo.toml",
        "mod jtl_erp_client::fake, previously in file generated/src/../../generator/inlineable/fake/mod.rs:1",
        "ACCOUNTING_DATA_MAX_PAGE_SIZE in file generated/src/../../generator/inlineable/fake/erp2.rs:40",
    ];
    assert_eq!(
        jtl_erp_regen::evolution::unreported(report, &lines[..2]),
        fake
    );
    // Without the line of the removed operation too, its two findings are unreported.
    assert_eq!(
        jtl_erp_regen::evolution::unreported(report, &lines[..1]),
        [
            "Client::head_status, previously in file generated/src/erp_v2.rs:443",
            "struct jtl_erp_client::erp_v2::HeadStatus, previously in file generated/src/erp_v2.rs:1538"
        ]
        .into_iter()
        .chain(fake)
        .collect::<Vec<_>>()
    );
}
