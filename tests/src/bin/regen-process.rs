//! The whole-process side of the regeneration benchmark (`benches/regen.rs`): what
//! `cargo xtask regen --spec SPEC --out OUT` does, in a binary the benchmark can start without
//! cargo in between (`CARGO_BIN_EXE_regen-process`), built in the benchmark's profile.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [spec, out] = args.as_slice() else {
        eprintln!("usage: regen-process SPEC OUT");
        return ExitCode::from(2);
    };
    let root = jtl_erp_regen::repo_root();
    match jtl_erp_regen::regen(&root, std::slice::from_ref(spec), out, false) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e:#}");
            ExitCode::FAILURE
        }
    }
}
