//! `cargo xtask compile-time`: how long a generated crate alone takes to compile after its
//! dependencies. Each crate's dependencies are built once; then, three runs each (by default),
//! alternating between the crates, its `src/lib.rs` is touched and `CARGO_INCREMENTAL=0 cargo
//! build` (dev profile) is timed. The report gives the median of each and its ratio to the first.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context as _, bail};

/// One crate to measure.
#[derive(Debug, Clone)]
pub struct Subject {
    /// How the report names it.
    pub label: String,
    /// The crate's directory (with `Cargo.toml` and `src/lib.rs`).
    pub dir: PathBuf,
}

/// The median build time of each subject, in the order given.
pub fn measure(root: &Path, subjects: &[Subject], runs: usize) -> anyhow::Result<Vec<Duration>> {
    if runs == 0 {
        bail!("--runs must be at least 1");
    }
    for subject in subjects {
        eprintln!("building the dependencies of {} once", subject.label);
        build(root, &subject.dir)?;
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); subjects.len()];
    for run in 0..runs {
        for (i, subject) in subjects.iter().enumerate() {
            let lib = subject.dir.join("src/lib.rs");
            std::fs::File::options()
                .append(true)
                .open(&lib)
                .and_then(|f| f.set_modified(SystemTime::now()))
                .with_context(|| format!("cannot touch {}", lib.display()))?;
            let took = build(root, &subject.dir)?;
            eprintln!(
                "run {}/{runs}: {} {:.2} s",
                run + 1,
                subject.label,
                took.as_secs_f64()
            );
            times[i].push(took);
        }
    }
    Ok(times.into_iter().map(jtl_erp_regen::median).collect())
}

/// The report: one line per subject with its median and ratio to the first.
pub fn report(subjects: &[Subject], medians: &[Duration], runs: usize) -> String {
    let mut text = format!(
        "median of {runs} runs, CARGO_INCREMENTAL=0 cargo build (dev), crate alone after its dependencies\n"
    );
    let first = medians.first().map_or(1.0, Duration::as_secs_f64);
    for (subject, median) in subjects.iter().zip(medians) {
        let lines = crate_lines(&subject.dir);
        text.push_str(&format!(
            "{:<40} {:>7.2} s  {:>5.2}×  ({lines} lines of src/)\n",
            subject.label,
            median.as_secs_f64(),
            median.as_secs_f64() / first
        ));
    }
    text
}

fn crate_lines(dir: &Path) -> usize {
    let mut lines = 0;
    let mut dirs = vec![dir.join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                lines += text.lines().count();
            }
        }
    }
    lines
}

/// `CARGO_INCREMENTAL=0 cargo build` of the crate in `dir`, in this repository's target
/// directory (a crate outside the workspace gets the workspace's lock file first, so that the
/// dependencies are the ones already built); how long it took.
fn build(root: &Path, dir: &Path) -> anyhow::Result<Duration> {
    let lock = dir.join("Cargo.lock");
    let member = std::path::absolute(dir).ok() == Some(root.join("generated"));
    if !member && !lock.exists() {
        std::fs::copy(root.join("Cargo.lock"), &lock)
            .with_context(|| format!("cannot copy the lock file to {}", lock.display()))?;
    }
    let start = Instant::now();
    let output = jtl_erp_regen::cargo_command(root)
        .args(["build", "--lib", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .context("cargo runs")?;
    let took = start.elapsed();
    if !output.status.success() {
        bail!(
            "{} does not build:\n{}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(took)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_ratios_are_reported() {
        let ms = Duration::from_millis;
        assert_eq!(
            jtl_erp_regen::median(vec![ms(900), ms(100), ms(300)]),
            ms(300)
        );
        let subjects = [
            Subject {
                label: "a".to_owned(),
                dir: PathBuf::from("/nonexistent/a"),
            },
            Subject {
                label: "b".to_owned(),
                dir: PathBuf::from("/nonexistent/b"),
            },
        ];
        let text = report(&subjects, &[ms(2000), ms(500)], 3);
        assert!(text.starts_with("median of 3 runs"), "{text}");
        assert!(text.contains("2.00 s   1.00×"), "{text}");
        assert!(text.contains("0.50 s   0.25×"), "{text}");
    }
}
