//! `cargo xtask conformance` (the xtask runs this binary with the same arguments): a generated
//! client against its documents, Prism as the judge. Exit code 0: every request valid and every
//! answer decoded; 1: the client failed; 2: bad input or environment.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use jtl_erp_conformance::{Mode, Options, run};
use jtl_erp_regen::absolute;

/// Prove a generated client against its documents with Prism as the judge.
///
/// Exit code 0: every request valid and every answer decoded; 1: the client failed;
/// 2: bad input or environment (document refused, Prism missing, --port in use).
#[derive(Parser)]
#[command(name = "cargo xtask conformance", bin_name = "cargo xtask conformance")]
struct Cli {
    /// Documents to check (default: every document in spec/).
    #[arg(long = "spec", value_name = "PATH", num_args = 1..)]
    specs: Vec<PathBuf>,
    /// Which answers Prism gives: generated from the schemas, or the document's examples.
    #[arg(long, value_enum, default_value = "dynamic")]
    mode: ConformanceMode,
    /// Calls per operation, each with other values.
    #[arg(long, default_value_t = 1)]
    runs: usize,
    /// Seed of the synthesized values.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write the per-call results as JSON.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Keep client and driver in this directory (default: a temporary one, removed).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The Prism executable (default: node_modules/.bin/prism, installed with `npm ci`).
    #[arg(long, value_name = "PATH")]
    prism: Option<PathBuf>,
    /// First loopback port for Prism, one per document (default: each Prism on the port the
    /// system picks, read from what it prints).
    #[arg(long)]
    port: Option<u16>,
    /// Calls in flight at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ConformanceMode {
    Dynamic,
    Examples,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = jtl_erp_regen::repo_root();
    let specs = if cli.specs.is_empty() {
        match jtl_erp_regen::default_specs(&root) {
            Ok(specs) => specs,
            Err(error) => {
                eprintln!("error: {error:#}");
                return ExitCode::from(2);
            }
        }
    } else {
        cli.specs.iter().map(|p| absolute(p)).collect()
    };
    let options = Options {
        specs,
        mode: match cli.mode {
            ConformanceMode::Dynamic => Mode::Dynamic,
            ConformanceMode::Examples => Mode::Examples,
        },
        runs: cli.runs,
        seed: cli.seed,
        out: cli.out.map(|o| absolute(&o)),
        json: cli.json.map(|j| absolute(&j)),
        prism: cli.prism.map(|p| absolute(&p)),
        port: cli.port,
        concurrency: cli.concurrency,
        progress: true,
    };
    match run(&root, &options) {
        Ok((report, timings)) => {
            print!("{}", report.text());
            eprintln!(
                "built in {:.1} s, checked in {:.1} s after the build",
                timings.build.as_secs_f64(),
                timings.check.as_secs_f64()
            );
            if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::from(failure.exit_code())
        }
    }
}
