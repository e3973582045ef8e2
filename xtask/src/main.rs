//! `cargo xtask`: the project's maintenance commands.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{
    default_specs, ensure_output_dir, generate, read_specs, repo_root, settings_for, stale_files,
    stale_report, write_tree,
};

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
    },
}

fn main() -> ExitCode {
    let Cli {
        command:
            Command::Regen {
                check,
                specs,
                out,
                verbose,
            },
    } = Cli::parse();
    match regen(check, specs, out, verbose) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn regen(
    check: bool,
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
    let docs = read_specs(&root, &specs)?;
    let generation = generate(&docs, &settings_for(&root, &out))?;
    report_warnings(&generation.warnings, verbose);
    if check {
        let stale = stale_files(&out, &generation)?;
        if stale.is_empty() {
            eprintln!("generated code is fresh ({} files)", generation.files.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("{}", stale_report(&stale));
        return Ok(ExitCode::FAILURE);
    }
    ensure_output_dir(&out)?;
    let written = write_tree(&out, &generation)?;
    eprintln!(
        "wrote {} of {} files to {}",
        written.len(),
        generation.files.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn absolute(path: &std::path::Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// One line per kind of warning; every one with --verbose.
fn report_warnings(warnings: &[jtl_erp_generator::Diagnostic], verbose: bool) {
    if verbose {
        warnings.iter().for_each(|w| eprintln!("{w}"));
        return;
    }
    let mut kinds: BTreeMap<&str, (usize, &jtl_erp_generator::Diagnostic)> = BTreeMap::new();
    for warning in warnings {
        kinds.entry(warning.kind).or_insert((0, warning)).0 += 1;
    }
    for (kind, (count, first)) in kinds {
        eprintln!("warning: {count} × {kind}, e.g. {first} (--verbose lists all)");
    }
}
