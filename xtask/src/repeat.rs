//! `cargo xtask repeat`: runs the test binaries that talk to servers and tasks (client,
//! registration, judges) N times in a row while a CPU hog keeps every core busy, and reports
//! each failure and each hang by test name. One green run on a quiet machine proves little; a
//! test that depends on scheduling luck fails here within a few runs.
//!
//! Hangs are named two ways: a test that passes its own deadline (`#[jtl_erp_tests::test]`)
//! prints `test NAME ... DEADLINE` and stops its binary; a binary that outlives `--timeout`
//! anyway is killed, and the tests it had started but not finished are named.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

/// What one run of one binary came to.
#[derive(Debug, Default, PartialEq)]
struct RunOutcome {
    /// Tests that reported `FAILED`.
    failed: BTreeSet<String>,
    /// Tests that passed their deadline, or were still running when the binary was killed.
    hung: BTreeSet<String>,
    /// How many tests reported `ok`.
    passed: usize,
    /// A failure no test name explains (a crash, a build problem), with the output's last lines.
    unexplained: Option<String>,
    /// What each failed test printed (libtest's `---- NAME stdout ----` section), its first lines.
    why: BTreeMap<String, String>,
}

/// The settings of `cargo xtask repeat`.
pub struct Options {
    /// Runs of each binary.
    pub runs: usize,
    /// Test binaries of `jtl-erp-tests` to run.
    pub binaries: Vec<String>,
    /// Keep every core busy with a spinning thread while the tests run.
    pub hog: bool,
    /// Kill a binary that runs longer than this (its tests' own deadlines should fire first).
    pub timeout: Duration,
}

/// Builds the binaries once, runs them, prints the report; fails when any run failed or hung.
pub fn run(root: &Path, options: &Options) -> anyhow::Result<ExitCode> {
    let executables = build(root, &options.binaries)?;
    let hog = options.hog.then(CpuHog::start);
    let mut totals: BTreeMap<&str, Totals> = BTreeMap::new();
    for run in 1..=options.runs {
        for (name, executable) in &executables {
            let started = Instant::now();
            let outcome = run_once(root, executable, options.timeout)?;
            let verdict = if outcome.failed.is_empty()
                && outcome.hung.is_empty()
                && outcome.unexplained.is_none()
            {
                "ok".to_owned()
            } else {
                describe(&outcome)
            };
            eprintln!(
                "run {run}/{} {name}: {} passed in {:.1} s: {verdict}",
                options.runs,
                outcome.passed,
                started.elapsed().as_secs_f64()
            );
            // Why it failed, at once: a rare failure is seen once and must be readable then.
            for (test, why) in &outcome.why {
                eprintln!("  {test}:\n{why}");
            }
            totals.entry(name).or_default().add(outcome);
        }
    }
    drop(hog);
    let mut clean = true;
    println!(
        "\nrepeat: {} runs of each binary{}",
        options.runs,
        if options.hog {
            format!(", every core kept busy ({} spinning threads)", cores())
        } else {
            String::new()
        }
    );
    for (name, total) in &totals {
        println!(
            "{name}: {} runs, {} clean, {} failures, {} hangs",
            total.runs,
            total.clean,
            total.failed.values().sum::<usize>(),
            total.hung.values().sum::<usize>()
        );
        for (test, count) in &total.failed {
            println!("  FAILED {count}× {test}");
        }
        for (test, count) in &total.hung {
            println!("  HUNG   {count}× {test}");
        }
        for output in &total.unexplained {
            println!("  FAILED without a test name; its last lines:\n{output}");
        }
        clean &= total.clean == total.runs;
    }
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[derive(Default)]
struct Totals {
    runs: usize,
    clean: usize,
    failed: BTreeMap<String, usize>,
    hung: BTreeMap<String, usize>,
    unexplained: Vec<String>,
}

impl Totals {
    fn add(&mut self, outcome: RunOutcome) {
        self.runs += 1;
        if outcome.failed.is_empty() && outcome.hung.is_empty() && outcome.unexplained.is_none() {
            self.clean += 1;
        }
        for test in outcome.failed {
            *self.failed.entry(test).or_default() += 1;
        }
        for test in outcome.hung {
            *self.hung.entry(test).or_default() += 1;
        }
        self.unexplained.extend(outcome.unexplained);
    }
}

fn describe(outcome: &RunOutcome) -> String {
    let mut parts = Vec::new();
    if !outcome.failed.is_empty() {
        parts.push(format!("FAILED {:?}", outcome.failed));
    }
    if !outcome.hung.is_empty() {
        parts.push(format!("HUNG {:?}", outcome.hung));
    }
    if outcome.unexplained.is_some() {
        parts.push("failed without a test name".to_owned());
    }
    parts.join("; ")
}

/// `cargo test --no-run` for the named test binaries of `jtl-erp-tests`; their executables.
fn build(root: &Path, binaries: &[String]) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut command = jtl_erp_regen::cargo_command(root);
    command
        .current_dir(root)
        .args([
            "test",
            "-p",
            "jtl-erp-tests",
            "--no-run",
            "--message-format=json",
        ])
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped());
    for binary in binaries {
        command.args(["--test", binary]);
    }
    let output = command.output().context("cannot run cargo")?;
    if !output.status.success() {
        bail!("building the test binaries failed");
    }
    let mut found = Vec::new();
    for line in output.stdout.split(|b| *b == b'\n') {
        let Ok(message) = serde_json::from_slice::<serde_json::Value>(line) else {
            continue;
        };
        let (Some(name), Some(executable)) = (
            message["target"]["name"].as_str(),
            message["executable"].as_str(),
        ) else {
            continue;
        };
        if binaries.iter().any(|b| b == name) {
            found.push((name.to_owned(), PathBuf::from(executable)));
        }
    }
    for binary in binaries {
        if !found.iter().any(|(name, _)| name == binary) {
            bail!("no test binary `{binary}` in jtl-erp-tests");
        }
    }
    found.sort();
    Ok(found)
}

/// Runs one binary as `cargo test` would (from the test crate's directory), killing it after
/// `timeout`.
fn run_once(root: &Path, executable: &Path, timeout: Duration) -> anyhow::Result<RunOutcome> {
    let mut child = Command::new(executable)
        .current_dir(root.join("tests"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {}", executable.display()))?;
    // Both streams are read on threads of their own, so that a full pipe never stalls the child.
    let stdout = read_all(child.stdout.take().expect("piped"));
    let stderr = read_all(child.stderr.take().expect("piped"));
    let deadline = Instant::now() + timeout;
    let (status, killed) = loop {
        if let Some(status) = child.try_wait()? {
            break (status, false);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            break (child.wait()?, true);
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stdout = stdout.join().expect("reader");
    let stderr = stderr.join().expect("reader");
    Ok(judge(&stdout, &stderr, status.success(), killed))
}

fn read_all(stream: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let mut bytes = Vec::new();
        let _ = BufReader::new(stream).read_to_end(&mut bytes);
        text.push_str(&String::from_utf8_lossy(&bytes));
        text
    })
}

/// Reads libtest's output: `test NAME ... ok|FAILED|ignored`, our watchdog's
/// `test NAME ... DEADLINE`, and libtest's `test NAME has been running for over 60 seconds`.
fn judge(stdout: &str, stderr: &str, success: bool, killed: bool) -> RunOutcome {
    let mut outcome = RunOutcome::default();
    let mut slow = BTreeSet::new();
    let mut finished = BTreeSet::new();
    for line in stdout.lines().chain(stderr.lines()) {
        let Some(rest) = line.trim_start().strip_prefix("test ") else {
            continue;
        };
        if let Some((name, verdict)) = rest.split_once(" ... ") {
            let name = name.trim().to_owned();
            match verdict.split_whitespace().next().unwrap_or("") {
                "ok" => outcome.passed += 1,
                "FAILED" => {
                    outcome.failed.insert(name.clone());
                }
                "DEADLINE:" => {
                    outcome.hung.insert(name.clone());
                }
                _ => {}
            }
            finished.insert(name);
        } else if let Some(name) = rest.strip_suffix(" has been running for over 60 seconds") {
            slow.insert(name.trim().to_owned());
        }
    }
    let mut section: Option<(String, Vec<&str>)> = None;
    for line in stdout.lines() {
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" stdout ----"))
        {
            if let Some((name, lines)) = section.take() {
                outcome.why.insert(name, lines.join("\n"));
            }
            section = Some((name.to_owned(), Vec::new()));
        } else if line.trim() == "failures:" {
            // libtest's list of names after the sections.
            if let Some((name, lines)) = section.take() {
                outcome.why.insert(name, lines.join("\n"));
            }
        } else if let Some((_, lines)) = section.as_mut()
            && lines.len() < 12
            && !line.is_empty()
        {
            lines.push(line);
        }
    }
    if let Some((name, lines)) = section {
        outcome.why.insert(name, lines.join("\n"));
    }
    if killed {
        let unfinished: BTreeSet<String> = slow.difference(&finished).cloned().collect();
        if unfinished.is_empty() {
            outcome
                .hung
                .insert("<a test of this binary; none had printed its name>".to_owned());
        }
        outcome.hung.extend(unfinished);
    }
    if !success && outcome.failed.is_empty() && outcome.hung.is_empty() {
        let tail: Vec<&str> = stdout.lines().chain(stderr.lines()).collect();
        let tail = tail[tail.len().saturating_sub(15)..].join("\n");
        outcome.unexplained = Some(tail);
    }
    outcome
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// One spinning thread per core until dropped.
struct CpuHog {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl CpuHog {
    fn start() -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..cores())
            .map(|_| {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    let mut x = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005) + 1);
                    }
                })
            })
            .collect();
        Self { stop, threads }
    }
}

impl Drop for CpuHog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// Lines of a test binary's output, for the tests below.
#[cfg(test)]
fn lines(text: &str) -> String {
    text.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_and_deadlines_are_named() {
        let stdout = lines(
            "running 3 tests
             test auth::a ... ok
             test auth::b ... FAILED
             test auth::c ... ok
             test result: FAILED. 2 passed; 1 failed",
        );
        let stderr =
            "\ntest tenants::d ... DEADLINE: still running after 60 s; stopping the test binary\n";
        let outcome = judge(&stdout, stderr, false, false);
        assert_eq!(outcome.passed, 2);
        assert_eq!(outcome.failed, BTreeSet::from(["auth::b".to_owned()]));
        assert_eq!(outcome.hung, BTreeSet::from(["tenants::d".to_owned()]));
        assert_eq!(outcome.unexplained, None);
    }

    #[test]
    fn what_a_failed_test_printed_is_kept() {
        let stdout = lines(
            "test fleet::slow ... FAILED

             failures:

             ---- fleet::slow stdout ----

             thread 'fleet::slow' panicked at tests/client/fleet.rs:590:5:
             one timeout: 6.1s

             failures:
                 fleet::slow",
        );
        let outcome = judge(&stdout, "", false, false);
        assert_eq!(
            outcome.why["fleet::slow"],
            "thread 'fleet::slow' panicked at tests/client/fleet.rs:590:5:\none timeout: 6.1s"
        );
    }

    #[test]
    fn a_killed_binary_names_the_tests_it_had_not_finished() {
        let stdout = lines(
            "test a ... ok
             test slow::x has been running for over 60 seconds
             test slow::y has been running for over 60 seconds
             test slow::y ... ok",
        );
        let outcome = judge(&stdout, "", false, true);
        assert_eq!(outcome.hung, BTreeSet::from(["slow::x".to_owned()]));
        let silent = judge("test a ... ok", "", false, true);
        assert_eq!(
            silent.hung.len(),
            1,
            "a kill is a hang even when no name is known"
        );
    }

    #[test]
    fn a_failure_without_a_test_name_keeps_the_output_tail() {
        let outcome = judge("running 2 tests\n", "thread panicked: boom\n", false, false);
        assert!(outcome.unexplained.expect("kept").contains("boom"));
        assert_eq!(judge("test a ... ok", "", true, false).unexplained, None);
    }
}
