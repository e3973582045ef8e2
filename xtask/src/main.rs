//! `cargo xtask`: the project's maintenance commands.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod compile_time;
mod repeat;
use jtl_erp_regen::{Outcome, absolute, default_specs, repo_root};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Maintenance commands of the JTL ERP client generator"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the client crate from the OpenAPI documents.
    Regen {
        /// Write nothing; exit 1 with a diff when the crate is stale.
        #[arg(long)]
        check: bool,
        /// Documents to read (default: every document in spec/).
        #[arg(long = "spec", value_name = "PATH", num_args = 1..)]
        specs: Vec<PathBuf>,
        /// Crate directory to write (default: generated/).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// List every warning, not one line per kind.
        #[arg(long)]
        verbose: bool,
        /// Fail on warnings that lose something (repairs of known quirks stay warnings).
        #[arg(long)]
        strict: bool,
        /// The runtime crate: a path (written relative to --out) or a version requirement.
        #[arg(long, value_name = "PATH|VERSION")]
        runtime: Option<String>,
        /// The package name (default: jtl-erp-client for generated/, else from info.title).
        #[arg(long, value_name = "NAME")]
        crate_name: Option<String>,
        /// The package description (default: from the first document's info).
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
        /// Build only these operations (by `operationId` as the document spells it) and the
        /// models they reach; recorded in the crate's Cargo.toml, and read back from it when
        /// neither --operations nor --tags is given.
        #[arg(long, value_name = "ID", num_args = 1..)]
        operations: Vec<String>,
        /// Build only the operations with these tags (with --operations: either).
        #[arg(long, value_name = "TAG", num_args = 1..)]
        tags: Vec<String>,
        /// Build every operation, dropping a selection recorded in --out.
        #[arg(long, conflicts_with_all = ["operations", "tags"])]
        all_operations: bool,
        /// The package version (default: the previous release's, raised by the semver class of
        /// what changed in the API); refused when below what the changes need.
        #[arg(long, value_name = "X.Y.Z")]
        crate_version: Option<String>,
    },
    /// Prove a generated client against its documents with Prism as the judge: runs the
    /// `jtl-erp-conformance` binary (xtask/conformance) with these arguments and its exit code
    /// (0 pass, 1 the client failed, 2 bad input or environment); `conformance --help` lists them.
    #[command(disable_help_flag = true)]
    Conformance {
        /// Arguments of jtl-erp-conformance (`--spec`, `--mode`, `--runs`, …).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<std::ffi::OsString>,
    },
    /// Run the client, registration and judges test binaries N times with every core kept
    /// busy; report each failure and hang by test name (exit 1 if any).
    Repeat {
        /// Runs of each binary.
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// Test binaries of jtl-erp-tests to run.
        #[arg(long = "test", value_name = "NAME", num_args = 1.., default_values_t = ["client".to_owned(), "registration".to_owned(), "judges".to_owned()])]
        binaries: Vec<String>,
        /// Run without the CPU hog.
        #[arg(long)]
        no_hog: bool,
        /// Kill a binary running longer than this many seconds (tests' own deadlines fire first).
        #[arg(long, default_value_t = 900)]
        timeout: u64,
    },
    /// Time the compilation of generated crates alone, after their dependencies: touch
    /// `src/lib.rs`, `CARGO_INCREMENTAL=0 cargo build` (dev), runs alternating; medians and ratios.
    ///
    /// Without --crate: `generated/`, the synthetic vendor-size document whole (375 operations)
    /// and a ten-operation selection of it, generated under the temporary directory's
    /// jtl-erp-compile-time/ (not under target/: cargo does not see a touched file there).
    CompileTime {
        /// Runs of each crate.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Directories of generated crates to compare (the first is the ratios' base).
        #[arg(long = "crate", value_name = "DIR", num_args = 1..)]
        crates: Vec<PathBuf>,
        /// Compare our client of DOC with progenitor's client of it (written by jtl-erp-tests'
        /// `progenitor-crate` binary, feature `progenitor-baseline`); progenitor's is the base.
        #[arg(long, value_name = "DOC")]
        versus_progenitor: Option<PathBuf>,
    },
    /// Judge `generated/` against a made-up vendor release of `spec/` with cargo-semver-checks:
    /// regenerates the release (xtask/regen/src/evolution.rs) into target/semver-check/, prints what
    /// `regen` says of it, then runs `cargo semver-checks --baseline-root generated
    /// --release-type minor` on it; exit 0 when the verdict is what the release should get.
    ///
    /// Needs `cargo install --locked cargo-semver-checks` (0.51).
    SemverCheck {
        /// The breaking release (a property made required, an operation removed) instead of
        /// the additive one: cargo-semver-checks must find breaking changes.
        #[arg(long)]
        breaking: bool,
    },
    /// Write the synthetic vendor-style document used by the scale benchmark.
    Synth {
        /// Resources (four operations and four schemas each).
        #[arg(long, default_value_t = 75)]
        resources: usize,
        /// Where to write it.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Regen {
            check,
            specs,
            out,
            verbose,
            strict,
            runtime,
            crate_name,
            description,
            operations,
            tags,
            all_operations,
            crate_version,
        } => regen(
            jtl_erp_regen::RegenOptions {
                check,
                strict,
                runtime,
                crate_name,
                description,
                crate_version,
                selection: if all_operations {
                    jtl_erp_regen::SelectionOption::All
                } else if operations.is_empty() && tags.is_empty() {
                    jtl_erp_regen::SelectionOption::Recorded
                } else {
                    jtl_erp_regen::SelectionOption::Given(jtl_erp_generator::Selection {
                        operations,
                        tags,
                    })
                },
            },
            specs,
            out,
            verbose,
        ),
        Command::Conformance { args } => return conformance(&args),
        Command::Repeat {
            runs,
            binaries,
            no_hog,
            timeout,
        } => repeat::run(
            &repo_root(),
            &repeat::Options {
                runs,
                binaries,
                hog: !no_hog,
                timeout: std::time::Duration::from_secs(timeout),
            },
        ),
        Command::CompileTime {
            runs,
            crates,
            versus_progenitor,
        } => compile_time(runs, crates, versus_progenitor),
        Command::SemverCheck { breaking } => semver_check(breaking),
        Command::Synth { resources, out } => {
            std::fs::write(&out, jtl_erp_regen::synth::synthetic_document(resources))
                .map(|()| ExitCode::SUCCESS)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))
        }
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            // Reports of the generator carry their own `error:` prefix per line.
            let text = format!("{error:#}");
            if text.starts_with("error: ") {
                eprintln!("{text}");
            } else {
                eprintln!("error: {text}");
            }
            ExitCode::FAILURE
        }
    }
}

/// Runs the conformance tool, a crate of its own, with the arguments given; its exit code, or 2
/// when cargo cannot run it.
fn conformance(args: &[std::ffi::OsString]) -> ExitCode {
    let status = jtl_erp_regen::cargo_command(&repo_root())
        .args(["run", "--quiet", "--package", "jtl-erp-conformance", "--"])
        .args(args)
        .status();
    match status {
        Ok(status) => status
            .code()
            .and_then(|c| u8::try_from(c).ok())
            .map_or(ExitCode::from(2), ExitCode::from),
        Err(error) => {
            eprintln!("error: cannot run cargo for the conformance tool: {error}");
            ExitCode::from(2)
        }
    }
}

fn regen(
    options: jtl_erp_regen::RegenOptions,
    specs: Vec<PathBuf>,
    out: Option<PathBuf>,
    verbose: bool,
) -> anyhow::Result<ExitCode> {
    let root = repo_root();
    let specs = if specs.is_empty() {
        default_specs(&root)?
    } else {
        specs.iter().map(|p| absolute(p)).collect()
    };
    let out = out.map_or_else(|| root.join("generated"), |o| absolute(&o));
    let jtl_erp_regen::Regenerated {
        outcome,
        warnings,
        release,
    } = jtl_erp_regen::regenerate(&root, &specs, &out, &options)?;
    report_warnings(&warnings, verbose);
    eprintln!("{release}");
    match outcome {
        Outcome::Written { written, total } => {
            eprintln!(
                "wrote {} of {total} files to {}",
                written.len(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Fresh { total } => {
            eprintln!("generated code is fresh ({total} files)");
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Stale { report } => {
            eprintln!("{report}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `cargo xtask semver-check`: the release regenerated, `regen`'s summary, the judge's verdict.
fn semver_check(breaking: bool) -> anyhow::Result<ExitCode> {
    use jtl_erp_regen::evolution::{ADDITIVE, BREAKING};
    let root = repo_root();
    let (name, changes) = if breaking {
        ("breaking", BREAKING)
    } else {
        ("additive", ADDITIVE)
    };
    let dir = root.join("target/semver-check").join(name);
    let regenerated = jtl_erp_regen::evolution::regenerate(&root, changes, &dir)?;
    report_warnings(&regenerated.warnings, false);
    eprintln!("{}", regenerated.release);
    let client = dir.join("client");
    // Its own target directory: cargo-semver-checks builds rustdoc JSON of both crates, with
    // flags of its own that would invalidate the workspace's builds.
    let output = std::process::Command::new("cargo")
        .args(["semver-checks", "--baseline-root"])
        .arg(root.join("generated"))
        .arg("--manifest-path")
        .arg(client.join("Cargo.toml"))
        .args(["--release-type", "minor"])
        .env("CARGO_TARGET_DIR", root.join("target/semver-check/target"))
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot run cargo-semver-checks ({e}); install it with \\
                 `cargo install --locked cargo-semver-checks`"
            )
        })?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    print!("{stdout}");
    eprint!("{stderr}");
    // It fails for breaking findings and for its own errors alike; its summary tells them apart.
    let lints = jtl_erp_regen::evolution::semver_lints(&stdout);
    let found = if output.status.success() {
        false
    } else if stderr.contains("semver requires new") || !lints.is_empty() {
        true
    } else {
        anyhow::bail!("cargo-semver-checks could not judge ({})", output.status);
    };
    let breaking_lines: Vec<&str> = regenerated
        .release
        .changes
        .iter()
        .filter(|c| c.class == jtl_erp_generator::Class::Breaking)
        .map(|c| c.line.as_str())
        .collect();
    let unreported = jtl_erp_regen::evolution::unreported(&stdout, &breaking_lines);
    for finding in &unreported {
        eprintln!("semver-check: `regen` does not report this finding: {finding}");
    }
    let expected = breaking;
    eprintln!(
        "semver-check ({name} release): cargo-semver-checks found {}; {}",
        if found {
            format!(
                "breaking changes ({}){}",
                lints.join(", "),
                if unreported.is_empty() {
                    ", each named by a breaking line of regen's summary"
                } else {
                    ""
                }
            )
        } else {
            "no breaking change".to_owned()
        },
        if found == expected {
            "as expected"
        } else {
            "NOT as expected"
        }
    );
    Ok(if found == expected && unreported.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The ten operations of the synthetic document that `compile-time` builds as a selection.
const TEN: [&str; 10] = [
    "ItemHeader_QueryItemsAsync",
    "Item_Create",
    "Item_AddItemsAsync",
    "Item_Get",
    "Item_Update",
    "Customer_Get",
    "Customer_Create",
    "Customer_Update",
    "Supplier_Get",
    "Supplier_Create",
];

fn compile_time(
    runs: usize,
    crates: Vec<PathBuf>,
    versus_progenitor: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    use compile_time::{Subject, measure, report};
    let root = repo_root();
    let mut subjects = Vec::new();
    if let Some(doc) = &versus_progenitor {
        subjects.extend(versus_progenitor_subjects(&root, &absolute(doc))?);
    }
    subjects.extend(if crates.is_empty() && versus_progenitor.is_some() {
        Vec::new()
    } else if crates.is_empty() {
        let dir = std::env::temp_dir().join("jtl-erp-compile-time");
        std::fs::create_dir_all(&dir)?;
        let spec = dir.join("synthetic.yaml");
        std::fs::write(&spec, jtl_erp_regen::synth::synthetic_document(75))?;
        let specs = [spec];
        let whole = dir.join("synthetic");
        let named = |name: &str| jtl_erp_regen::RegenOptions {
            crate_name: Some(name.to_owned()),
            ..jtl_erp_regen::RegenOptions::default()
        };
        jtl_erp_regen::regen_with(&root, &specs, &whole, &named("synthetic-whole"))?;
        let ten = dir.join("synthetic-10");
        let options = jtl_erp_regen::RegenOptions {
            selection: jtl_erp_regen::SelectionOption::Given(jtl_erp_generator::Selection {
                operations: TEN.map(str::to_owned).to_vec(),
                tags: Vec::new(),
            }),
            ..named("synthetic-ten")
        };
        jtl_erp_regen::regen_with(&root, &specs, &ten, &options)?;
        vec![
            Subject {
                label: "generated/".to_owned(),
                dir: root.join("generated"),
            },
            Subject {
                label: "synthetic, 375 operations".to_owned(),
                dir: whole,
            },
            Subject {
                label: "synthetic, 10 operations selected".to_owned(),
                dir: ten,
            },
        ]
    } else {
        crates
            .iter()
            .map(|c| Subject {
                label: c.display().to_string(),
                dir: absolute(c),
            })
            .collect()
    });
    let medians = measure(&root, &subjects, runs)?;
    print!("{}", report(&subjects, &medians, runs));
    Ok(ExitCode::SUCCESS)
}

/// progenitor's client of `doc` and ours, side by side under the temporary directory's
/// jtl-erp-compile-time/ (progenitor's first: the ratios are ours to its).
fn versus_progenitor_subjects(
    root: &std::path::Path,
    doc: &std::path::Path,
) -> anyhow::Result<Vec<compile_time::Subject>> {
    use anyhow::Context as _;
    let stem = doc
        .file_stem()
        .and_then(|s| s.to_str())
        .context("the document has no file name")?;
    // A package name: lowercase letters, digits and dashes.
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let dir = std::env::temp_dir().join("jtl-erp-compile-time");
    let theirs = dir.join(format!("progenitor-{stem}"));
    let ours = dir.join(format!("ours-{stem}"));
    eprintln!("writing progenitor's client of {}", doc.display());
    let status = jtl_erp_regen::cargo_command(root)
        .args([
            "run",
            "--quiet",
            "-p",
            "jtl-erp-tests",
            "--features",
            "progenitor-baseline",
            "--bin",
            "progenitor-crate",
            "--",
        ])
        .arg(doc)
        .arg(&theirs)
        .status()
        .context("cargo runs")?;
    anyhow::ensure!(
        status.success(),
        "progenitor-crate failed on {}",
        doc.display()
    );
    let options = jtl_erp_regen::RegenOptions {
        crate_name: Some(format!("ours-{stem}")),
        ..jtl_erp_regen::RegenOptions::default()
    };
    jtl_erp_regen::regen_with(root, &[doc.to_path_buf()], &ours, &options)?;
    Ok(vec![
        compile_time::Subject {
            label: format!("progenitor, {stem}"),
            dir: theirs,
        },
        compile_time::Subject {
            label: format!("ours, {stem}"),
            dir: ours,
        },
    ])
}

/// One line per kind of warning; every one with --verbose.
fn report_warnings(warnings: &[jtl_erp_generator::Diagnostic], verbose: bool) {
    if verbose {
        warnings.iter().for_each(|w| eprintln!("{w}"));
        return;
    }
    let mut kinds: BTreeMap<&str, (usize, &jtl_erp_generator::Diagnostic)> = BTreeMap::new();
    for warning in warnings {
        kinds.entry(warning.kind.name()).or_insert((0, warning)).0 += 1;
    }
    for (kind, (count, first)) in kinds {
        eprintln!("warning: {count} × {kind}, e.g. {first} (--verbose lists all)");
    }
}
