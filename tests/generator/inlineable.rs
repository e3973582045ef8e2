//! The hand-written modules of `generator/inlineable/` are declared in the generated crate by a
//! `#[path]` into their one home (copied only into a crate that must stand alone), when the
//! documents have every operation they declare they need; left out with a warning naming what
//! is missing when an operation disappears; and each declaration is proved by compiling a crate
//! of exactly the declared operations.

use std::collections::BTreeSet;

use jtl_erp_generator::{Inlineable, Kind, Selection, Settings, generate};
use jtl_erp_tests::{repo_root, spec_documents};

fn file<'a>(generation: &'a jtl_erp_generator::Generation, path: &str) -> &'a str {
    &generation
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

#[test]
fn spec_documents_declare_the_hand_written_modules_where_they_are_written() {
    let generation = generate(&spec_documents(), &Settings::default()).expect("generates");
    let lib = file(&generation, "src/lib.rs");
    for declaration in [
        "#[path = \"../../generator/inlineable/registration.rs\"]\npub mod registration;",
        "#[path = \"../../generator/inlineable/wawi_session.rs\"]\npub mod wawi_session;",
        "#[cfg(feature = \"fake\")]\n#[path = \"../../generator/inlineable/fake/mod.rs\"]\npub mod fake;",
    ] {
        assert!(lib.contains(declaration), "{declaration} not in:\n{lib}");
    }
    let manifest = file(&generation, "Cargo.toml");
    assert!(
        manifest.contains(
            "[[bin]]\nname = \"jtl-erp-fake\"\npath = \"../generator/inlineable/bin/jtl-erp-fake.rs\"\nrequired-features = [\"fake\"]\n"
        ),
        "{manifest}"
    );
    // Nothing hand-written is copied: every file of the crate is the generator's.
    let paths: Vec<&str> = generation.files.iter().map(|f| f.path.as_str()).collect();
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("registration") || p.contains("fake") || p.contains("wawi")),
        "{paths:?}"
    );
    assert!(
        !generation
            .warnings
            .iter()
            .any(|w| w.kind == Kind::InlineableLeftOut),
        "{:?}",
        generation.warnings
    );
}

#[test]
fn a_crate_that_stands_alone_gets_copies_that_name_their_source() {
    let settings = Settings {
        inlineable: Inlineable::Copied,
        ..Settings::default()
    };
    let generation = generate(&spec_documents(), &settings).expect("generates");
    for path in [
        "src/registration.rs",
        "src/wawi_session.rs",
        "src/fake/mod.rs",
        "src/fake/identity.rs",
        "src/bin/jtl-erp-fake.rs",
    ] {
        let source = path.trim_start_matches("src/");
        assert_eq!(
            file(&generation, path).lines().nth(1),
            Some(
                format!("// copied from generator/inlineable/{source} by `cargo xtask regen`")
                    .as_str()
            ),
        );
    }
    let lib = file(&generation, "src/lib.rs");
    assert!(
        lib.contains("#[cfg(feature = \"fake\")]\n#[rustfmt::skip]\npub mod fake;")
            && !lib.contains("#[path"),
        "{lib}"
    );
    assert!(
        file(&generation, "Cargo.toml").contains("path = \"src/bin/jtl-erp-fake.rs\""),
        "the binary is the copy"
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
        .filter(|w| w.kind == Kind::InlineableLeftOut)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        left_out,
        [
            "warning: generator/inlineable: module `registration` is left out of the crate: the documents lack `erp_v1::GetStatus`, which registration.rs needs",
            "warning: generator/inlineable: module `fake` (and the `jtl-erp-fake` binary) is left out of the crate: the documents lack `erp_v1::GetStatus`, which fake/mod.rs needs",
        ]
    );
    let lib = file(&generation, "src/lib.rs");
    assert!(
        !lib.contains("mod registration")
            && !lib.contains("mod fake")
            && lib.contains("mod wawi_session"),
        "{lib}"
    );
    let manifest = file(&generation, "Cargo.toml");
    assert!(
        !manifest.contains("hyper") && !manifest.contains("[[bin]]"),
        "{manifest}"
    );
}

/// The `// needs:` lines of every hand-written file that has them: (file, operations).
fn declarations() -> Vec<(String, Vec<(String, String)>)> {
    let home = repo_root().join("generator/inlineable");
    let mut found = Vec::new();
    let mut dirs = vec![home.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("generator/inlineable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("readable");
            let needs: Vec<(String, String)> = text
                .lines()
                .filter_map(|l| l.strip_prefix("// needs:"))
                .flat_map(str::split_whitespace)
                .map(|n| {
                    let (module, id) = n.split_once("::").expect("module::OperationId");
                    (module.to_owned(), id.to_owned())
                })
                .collect();
            if !needs.is_empty() {
                let name = path.strip_prefix(&home).expect("under home");
                found.push((name.to_string_lossy().replace('\\', "/"), needs));
            }
        }
    }
    found.sort();
    found
}

/// A module that calls an operation it does not declare does not compile in a crate of exactly
/// its declared operations. (Declaring one it does not call errs on the safe side: the module is
/// left out, with the warning, a little more often than it must be.)
#[jtl_erp_tests::test(deadline = 900)]
fn each_declaration_is_exactly_what_its_module_calls() {
    let root = repo_root();
    let declarations = declarations();
    let files: BTreeSet<&str> = declarations.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        files,
        BTreeSet::from(["fake/mod.rs", "registration.rs", "wawi_session.rs"])
    );
    let specs = jtl_erp_regen::default_specs(&root).expect("spec/");
    // One crate per declaration: exactly the declared operations, and the module is in it.
    for (file, needs) in &declarations {
        let module = file.trim_end_matches("/mod.rs").trim_end_matches(".rs");
        let operations: Vec<String> = needs
            .iter()
            .map(|(_, id)| id.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let out = root.join(format!("target/fixtures/inlineable-{module}"));
        let options = jtl_erp_regen::RegenOptions {
            selection: jtl_erp_regen::SelectionOption::Given(Selection {
                operations: operations.clone(),
                tags: Vec::new(),
            }),
            ..jtl_erp_regen::RegenOptions::default()
        };
        jtl_erp_regen::regen_with(&root, &specs, &out, &options).expect("generates");
        let lib = std::fs::read_to_string(out.join("src/lib.rs")).expect("lib.rs");
        assert!(
            lib.contains(&format!("pub mod {module};")),
            "{module} not declared:\n{lib}"
        );
        std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).expect("lock file copied");
        let mut cargo = jtl_erp_regen::cargo_command(&root);
        cargo.args(["rustc", "--lib", "--quiet", "--manifest-path"]);
        cargo.arg(out.join("Cargo.toml"));
        if module == "fake" {
            cargo.args(["--features", "fake"]);
        }
        let output = cargo
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
            "a crate of exactly {operations:?} does not compile:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
