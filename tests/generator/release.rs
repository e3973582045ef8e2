//! `cargo xtask regen` tells what a regeneration changes: a fixture (tests/fixtures/release) is
//! regenerated into a directory, its document changed in each way a vendor release changes one,
//! and regenerated: each change gets its class, its changelog line and its version. The previous
//! release comes from the directory on disk, or from the last commit when git tracks it.

use std::path::{Path, PathBuf};
use std::process::Command;

use jtl_erp_generator::Class;
use jtl_erp_tests::repo_root;

const FIXTURE: &str = "tests/fixtures/release/release.yaml";

fn fixture() -> String {
    std::fs::read_to_string(repo_root().join(FIXTURE)).expect("the fixture")
}

/// A directory of its own under target/fixtures/release (emptied).
fn workdir(name: &str) -> PathBuf {
    let dir = repo_root().join("target/fixtures/release").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a work directory");
    dir
}

/// The fixture with each `(from, to)` replaced once; each `from` must be there.
fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = fixture();
    for (from, to) in edits {
        assert!(text.contains(from), "{from:?} is not in the fixture");
        text = text.replacen(from, to, 1);
    }
    text
}

/// `regen --spec DIR/release.yaml --out DIR/client` (with `options`) after writing `text` there.
fn regen(
    dir: &Path,
    text: &str,
    options: &jtl_erp_regen::RegenOptions,
) -> Result<jtl_erp_regen::Regenerated, impl std::fmt::Display + std::fmt::Debug> {
    let spec = dir.join("release.yaml");
    std::fs::write(&spec, text).expect("the document is written");
    jtl_erp_regen::regenerate(&repo_root(), &[spec], &dir.join("client"), options)
}

fn write(dir: &Path, text: &str) -> jtl_erp_regen::Regenerated {
    regen(dir, text, &jtl_erp_regen::RegenOptions::default()).expect("generates")
}

fn check(dir: &Path, text: &str) -> jtl_erp_regen::Regenerated {
    let options = jtl_erp_regen::RegenOptions {
        check: true,
        ..jtl_erp_regen::RegenOptions::default()
    };
    regen(dir, text, &options).expect("generates")
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join("client").join(file)).expect("a generated file")
}

/// Every file of the crate, by path.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.join("client")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push((path.clone(), std::fs::read(&path).expect("readable")));
            }
        }
    }
    files.sort();
    files
}

/// A change of the vendor's document and what `regen` must say about it.
struct Case {
    name: &'static str,
    edits: &'static [(&'static str, &'static str)],
    class: Class,
    line: &'static str,
}

const ADDITIVE: &[Case] = &[
    Case {
        name: "optional-parameter-on-an-operation-without-any",
        edits: &[(
            "        - {name: id, in: path, required: true, schema: {type: integer, format: int64}}\n      responses:\n        '200':",
            "        - {name: id, in: path, required: true, schema: {type: integer, format: int64}}\n        - {name: expand, in: query, schema: {type: boolean}}\n      responses:\n        '200':",
        )],
        class: Class::Additive,
        line: "`release::get_item`: optional parameter `expand: bool` added",
    },
    Case {
        name: "optional-parameter-next-to-others",
        edits: &[(
            "        - {name: search, in: query, schema: {type: string}}\n",
            "        - {name: search, in: query, schema: {type: string}}\n        - {name: sortBy, in: query, schema: {type: string}}\n",
        )],
        class: Class::Additive,
        line: "`release::query_items`: optional parameter `sort_by: String` added",
    },
    Case {
        name: "optional-property-on-the-request-model",
        edits: &[(
            "        name: {type: string}\n        price: {type: number}\n    Item:",
            "        name: {type: string}\n        price: {type: number}\n        color: {type: string}\n    Item:",
        )],
        class: Class::Additive,
        line: "model `CreateItem`: optional property `color: String` added",
    },
    Case {
        name: "optional-property-on-the-response-model",
        edits: &[(
            "        status: {$ref: '#/components/schemas/ItemStatus'}\n",
            "        status: {$ref: '#/components/schemas/ItemStatus'}\n        color: {type: string}\n",
        )],
        class: Class::Additive,
        line: "model `Item`: optional property `color: String` added",
    },
    Case {
        name: "enum-value",
        edits: &[(
            "enum: [active, archived]",
            "enum: [active, archived, deleted]",
        )],
        class: Class::Additive,
        line: "enum `ItemStatus`: value `deleted` added (variant `Deleted`)",
    },
    Case {
        name: "operation",
        edits: &[(
            "components:\n",
            "  /ping:\n    get:\n      operationId: Health_Ping\n      responses: {'204': {description: up}}\ncomponents:\n",
        )],
        class: Class::Additive,
        line: "operation `release::ping` (`Health_Ping`, `GET /ping`) added",
    },
    Case {
        name: "error-status",
        edits: &[(
            "          description: no such item\n          content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}\n    delete:",
            "          description: no such item\n          content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}\n        '429':\n          description: too many requests\n          content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}\n    delete:",
        )],
        class: Class::Additive,
        line: "`release::get_item`: error status 429 documented",
    },
];

const BREAKING: &[Case] = &[
    Case {
        name: "operation-removed",
        edits: &[(
            "    delete:\n      operationId: Items_DeleteItem\n",
            "    x-deleted:\n      operationId: Items_DeleteItem\n",
        )],
        class: Class::Breaking,
        line: "operation `release::delete_item` (`Items_DeleteItem`, `DELETE /items/{id}`) removed",
    },
    Case {
        name: "property-removed",
        edits: &[(
            "        price: {type: number}\n        status:",
            "        status:",
        )],
        class: Class::Breaking,
        line: "model `Item`: property `price` removed",
    },
    Case {
        name: "property-made-required",
        edits: &[(
            "      required: [name]\n",
            "      required: [name, price]\n",
        )],
        class: Class::Breaking,
        line: "model `CreateItem`: property `price` made required",
    },
    Case {
        name: "type-changed",
        edits: &[(
            "        id: {type: integer, format: int64}\n        name: {type: string}\n        price: {type: number}\n        status:",
            "        id: {type: integer, format: int64}\n        name: {type: string}\n        price: {type: string}\n        status:",
        )],
        class: Class::Breaking,
        line: "model `Item`: property `price` is `String` instead of `f64`",
    },
];

#[jtl_erp_tests::test(deadline = 300)]
fn each_kind_of_change_gets_its_class_its_changelog_line_and_its_version() {
    for case in ADDITIVE.iter().chain(BREAKING) {
        let dir = workdir(case.name);
        let first = write(&dir, &fixture());
        assert_eq!(
            first.release.to_string(),
            "regen: first recorded API surface (0.1.0)"
        );

        let evolved = write(&dir, &edited(case.edits));
        let release = &evolved.release;
        let lines: Vec<(Class, &str)> = release
            .changes
            .iter()
            .map(|c| (c.class, c.line.as_str()))
            .collect();
        assert_eq!(lines, [(case.class, case.line)], "{}", case.name);
        let version = match case.class {
            Class::Additive => "0.1.1",
            Class::Breaking => "0.2.0",
        };
        assert_eq!(
            release.to_string(),
            format!(
                "regen: 0.1.0 → {version} ({}): {} breaking, {} additive\n  {}: {}",
                case.class,
                usize::from(case.class == Class::Breaking),
                usize::from(case.class == Class::Additive),
                case.class,
                case.line
            ),
            "{}",
            case.name
        );
        assert!(
            read(&dir, "Cargo.toml").contains(&format!("\nversion = \"{version}\"\n")),
            "{}",
            case.name
        );
        let title = match case.class {
            Class::Additive => "Additive",
            Class::Breaking => "Breaking",
        };
        let changelog = read(&dir, "CHANGELOG.md");
        let entry = format!(
            "\n## {version}\n\nSince 0.1.0: {} breaking, {} additive.\n\n### {title}\n\n- {}\n\n## 0.1.0\n",
            usize::from(case.class == Class::Breaking),
            usize::from(case.class == Class::Additive),
            case.line
        );
        assert!(changelog.contains(&entry), "{}:\n{changelog}", case.name);
        assert!(
            read(&dir, "api.json").contains(&format!("\n  \"version\": \"{version}\",\n")),
            "{}",
            case.name
        );
        std::fs::remove_dir_all(&dir).expect("cleaned up");
    }
}

#[jtl_erp_tests::test(deadline = 300)]
fn regenerating_twice_gives_identical_bytes_and_check_shows_the_entry_it_would_write() {
    let dir = workdir("twice");
    write(&dir, &fixture());
    let fresh = check(&dir, &fixture());
    assert!(
        matches!(fresh.outcome, jtl_erp_regen::Outcome::Fresh { .. }),
        "{:?}",
        fresh.outcome
    );
    assert_eq!(fresh.release.to_string(), "regen: no API change (0.1.0)");

    let text = edited(BREAKING[1].edits);
    let stale = check(&dir, &text);
    let jtl_erp_regen::Outcome::Stale { report } = &stale.outcome else {
        panic!("a changed API is stale: {:?}", stale.outcome);
    };
    for line in [
        "+## 0.2.0",
        "+- model `Item`: property `price` removed",
        "-version = \"0.1.0\"",
        "+version = \"0.2.0\"",
        "+  \"version\": \"0.2.0\",",
    ] {
        assert!(
            report.lines().any(|l| l == line),
            "{line:?} is not in\n{report}"
        );
    }
    assert_eq!(stale.release.version, "0.2.0");
    assert_eq!(
        read(&dir, "Cargo.toml")
            .matches("version = \"0.1.0\"")
            .count(),
        1,
        "check writes nothing"
    );

    let once = write(&dir, &text);
    let jtl_erp_regen::Outcome::Written { written, .. } = &once.outcome else {
        panic!("written");
    };
    assert!(written.contains(&"CHANGELOG.md".to_owned()), "{written:?}");
    let before = files(&dir);
    let twice = write(&dir, &text);
    assert_eq!(twice.release.to_string(), "regen: no API change (0.2.0)");
    let jtl_erp_regen::Outcome::Written { written, .. } = &twice.outcome else {
        panic!("written");
    };
    assert!(
        written.is_empty(),
        "a second run writes nothing: {written:?}"
    );
    assert_eq!(files(&dir), before, "identical bytes");
    assert_eq!(
        read(&dir, "CHANGELOG.md").matches("\n## 0.2.0\n").count(),
        1
    );
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

#[jtl_erp_tests::test(deadline = 300)]
fn a_crate_version_below_the_class_is_refused_and_nothing_is_written() {
    let dir = workdir("pinned");
    write(&dir, &fixture());
    let before = files(&dir);
    let text = edited(BREAKING[0].edits);
    let low = jtl_erp_regen::RegenOptions {
        crate_version: Some("0.1.1".to_owned()),
        ..jtl_erp_regen::RegenOptions::default()
    };
    let error = regen(&dir, &text, &low).expect_err("a patch for a breaking change");
    assert_eq!(
        format!("{error:#}"),
        "error: --crate-version: 0.1.1 is below what this release needs: 1 breaking change(s) since 0.1.0 need 0.2.0 or higher; nothing was written\n1 error(s); nothing was generated"
    );
    assert_eq!(files(&dir), before, "nothing written");
    let major = jtl_erp_regen::RegenOptions {
        crate_version: Some("1.0.0".to_owned()),
        ..jtl_erp_regen::RegenOptions::default()
    };
    let taken = regen(&dir, &text, &major).expect("high enough");
    assert_eq!(taken.release.version, "1.0.0");
    assert!(
        read(&dir, "CHANGELOG.md").contains("\n## 1.0.0\n\nSince 0.1.0: 1 breaking, 0 additive.\n")
    );
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

/// `git` in `dir`, as a user of its own; fails the test when git fails.
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=regen test",
            "-c",
            "user.email=regen@test.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs (the test needs it on PATH)");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// In a git work tree the previous release is the last commit's: regenerating several times
/// before committing gives one entry and one raise, computed against what was committed.
#[jtl_erp_tests::test(deadline = 300)]
fn in_git_the_previous_release_is_the_last_commits() {
    let dir = workdir("git");
    git(&dir, &["init", "--quiet"]);
    write(&dir, &fixture());
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "--quiet", "-m", "0.1.0"]);

    // A breaking release, regenerated twice before it is committed.
    let breaking = edited(BREAKING[1].edits);
    assert_eq!(write(&dir, &breaking).release.version, "0.2.0");
    let again = write(&dir, &breaking);
    assert_eq!(
        again.release.to_string(),
        "regen: 0.1.0 → 0.2.0 (breaking): 1 breaking, 0 additive\n  breaking: model `Item`: property `price` removed",
        "still against the commit"
    );
    let jtl_erp_regen::Outcome::Written { written, .. } = &again.outcome else {
        panic!("written");
    };
    assert!(written.is_empty(), "identical bytes: {written:?}");
    assert!(matches!(
        check(&dir, &breaking).outcome,
        jtl_erp_regen::Outcome::Fresh { .. }
    ));

    // Then an additive change too, still uncommitted: one entry of both, one raise.
    let both = edited(&[BREAKING[1].edits[0], ADDITIVE[4].edits[0]]);
    let combined = write(&dir, &both);
    assert_eq!(combined.release.version, "0.2.0");
    assert_eq!(combined.release.changes.len(), 2);
    let changelog = read(&dir, "CHANGELOG.md");
    assert_eq!(changelog.matches("\n## ").count(), 2, "{changelog}");
    assert!(changelog.contains(
        "\n## 0.2.0\n\nSince 0.1.0: 1 breaking, 1 additive.\n\n### Breaking\n\n- model `Item`: property `price` removed\n\n### Additive\n\n- enum `ItemStatus`: value `deleted` added (variant `Deleted`)\n\n## 0.1.0\n"
    ), "{changelog}");

    // Committed, the next regeneration compares with 0.2.0.
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "--quiet", "-m", "0.2.0"]);
    assert_eq!(
        write(&dir, &both).release.to_string(),
        "regen: no API change (0.2.0)"
    );
    let additive = edited(&[
        BREAKING[1].edits[0],
        ADDITIVE[4].edits[0],
        ADDITIVE[5].edits[0],
    ]);
    let next = write(&dir, &additive);
    assert_eq!(next.release.previous_version.as_deref(), Some("0.2.0"));
    assert_eq!(next.release.version, "0.2.1");
    assert_eq!(read(&dir, "CHANGELOG.md").matches("\n## ").count(), 3);
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

/// The previous release of a directory, as the xtask reads it: from disk outside git (or for
/// an untracked crate), nothing for a new directory.
#[jtl_erp_tests::test(deadline = 300)]
fn outside_git_the_previous_release_is_the_directory_on_disk() {
    let dir = workdir("disk");
    let out = dir.join("client");
    assert_eq!(
        jtl_erp_regen::previous_release(&out),
        None,
        "a new directory"
    );
    write(&dir, &fixture());
    let previous = jtl_erp_regen::previous_release(&out).expect("a release on disk");
    assert_eq!(previous.origin, "client/ on disk");
    assert_eq!(previous.version.as_deref(), Some("0.1.0"));
    assert_eq!(
        previous.surface.as_deref(),
        Some(read(&dir, "api.json").as_str())
    );
    assert_eq!(
        previous.changelog.as_deref(),
        Some(read(&dir, "CHANGELOG.md").as_str())
    );
    // Untracked in a git work tree: still the disk.
    git(&dir, &["init", "--quiet"]);
    assert_eq!(
        jtl_erp_regen::previous_release(&out)
            .expect("on disk")
            .origin,
        "client/ on disk"
    );
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

/// What every generated `Client` has besides its operations' methods (its derives, its own
/// methods with their signatures, its trait impls) is API that `api.json` does not record. A
/// change to it must come with a new API shape: `FORMAT` raised and `SHAPE` saying what changed
/// (generator/src/release/surface.rs), so that `regen` calls the release breaking and its
/// changelog says why. The list below is format 4's; the test fails when the emitted clients
/// change without the format moving with them.
#[test]
fn a_clients_own_items_change_only_with_a_new_api_shape() {
    use quote::ToTokens as _;
    let root = repo_root();
    let read = |path: &str| {
        std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let surface: serde_json::Value =
        serde_json::from_str(&read("generated/api.json")).expect("api.json is JSON");
    let is_client = |ty: &syn::Type| matches!(ty, syn::Type::Path(p) if p.path.is_ident("Client"));
    let mut shapes = std::collections::BTreeMap::new();
    for module in surface["modules"].as_array().expect("modules") {
        let name = module["name"].as_str().expect("a module's name");
        let operations: std::collections::HashSet<&str> = module["operations"]
            .as_array()
            .expect("operations")
            .iter()
            .map(|op| op["method"].as_str().expect("a method"))
            .collect();
        let file = syn::parse_file(&read(&format!("generated/src/{name}.rs"))).expect("parses");
        let mut own = Vec::new();
        for item in &file.items {
            match item {
                syn::Item::Struct(s) if s.ident == "Client" => own.extend(
                    s.attrs
                        .iter()
                        .filter(|a| a.path().is_ident("derive"))
                        .map(|a| a.to_token_stream().to_string()),
                ),
                syn::Item::Impl(block) if is_client(&block.self_ty) => match &block.trait_ {
                    Some((_, path, _)) => own.push(format!("impl {}", path.to_token_stream())),
                    None => own.extend(block.items.iter().filter_map(|item| match item {
                        syn::ImplItem::Fn(f)
                            if matches!(f.vis, syn::Visibility::Public(_))
                                && !operations.contains(f.sig.ident.to_string().as_str()) =>
                        {
                            Some(f.sig.to_token_stream().to_string())
                        }
                        _ => None,
                    })),
                },
                _ => {}
            }
        }
        shapes.insert(name.to_owned(), own);
    }
    let expected = [
        "# [derive (Debug , Clone)]",
        "fn builder () -> rt :: ClientBuilder < Self >",
        "fn transport (& self) -> & rt :: Transport",
        "fn for_tenant (& self , tenant : rt :: uuid :: Uuid) -> Self",
        "fn with_context (& self , context : & rt :: Context) -> Result < Self , rt :: BuildError >",
        "fn with_retry (& self , policy : rt :: RetryPolicy) -> Self",
        "fn with_timeout (& self , timeout : :: std :: time :: Duration) -> Self",
        "impl rt :: codegen :: ApiClient",
    ];
    for (module, own) in &shapes {
        assert_eq!(
            (
                surface["format"].as_u64(),
                own.iter().map(String::as_str).collect::<Vec<_>>()
            ),
            (Some(4), expected.to_vec()),
            "the own items of `{module}::Client` changed: raise FORMAT and say what changed for \
             callers in SHAPE (generator/src/release/surface.rs), then write the new list here"
        );
    }
    assert_eq!(
        shapes.len(),
        4,
        "every module's client is checked: {shapes:?}"
    );
}
