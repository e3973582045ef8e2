//! Regeneration speed against two baselines, side by side in one run (issue 13), in two parts
//! that compare the same work:
//!
//! 1. **In process**: a document's text to the formatted source of its client, in memory. Ours
//!    (`jtl_erp_generator::generate`) against progenitor 0.15 (reading the document with
//!    serde_json or serde_yaml as its CLI does, `generate_tokens`, syn, prettyplease). Needs
//!    `--features progenitor-baseline`.
//! 2. **Whole processes**: a document on disk to a crate on disk, process start included. Ours
//!    (`regen-process`, what `cargo xtask regen --spec --out` runs, built in the bench profile)
//!    against openapi-generator's Rust client (`openapi-generator-cli generate -g rust`, PyPI,
//!    JVM start included) where it is installed.
//!
//! Documents: the synthetic vendor-size document (`cargo xtask synth`: 375 operations, 454
//! schemas), the two largest corpus documents all three generators take, and Oxide's nexus
//! document (about 1 MB) from the path in `JTL_ERP_BENCH_NEXUS` (not in the repository; left
//! out, with a line saying so, when the variable is not set).
//!
//! 3. **OpenAPI 3.1 against 3.0** (issue 37): one API written in both (the shop pair of
//!    `tests/fixtures/openapi31/pair/`, and the synthetic document with its 3.1 rewrite,
//!    `jtl_erp_regen::synth::synthetic_document_31`), each generated in process, the two alternated run by
//!    run; the generator makes the same client of both (tests/generator/openapi31.rs). Goal:
//!    3.1 within 1.2× of 3.0.
//!
//! `pip install openapi-generator-cli; JTL_ERP_BENCH_NEXUS=/path/to/nexus.json cargo bench -p
//! jtl-erp-tests --bench regen --features progenitor-baseline`; tests/MEASUREMENTS.md reports the figures.
//! Goals (issue 23): ≤ 1.0× progenitor in process on every document both handle, ≤ 0.05×
//! openapi-generator for the vendor-size document whole process (`cargo xtask regen` in the dev
//! profile ≤ 1 s is measured with `time`, tests/MEASUREMENTS.md).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use jtl_erp_generator::{Settings, SourceDocument, generate};

/// The median of `runs` timings of `run`; `None` as soon as one run fails.
fn median(runs: usize, mut run: impl FnMut() -> bool) -> Option<Duration> {
    let mut samples = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        if !run() {
            return None;
        }
        samples.push(started.elapsed());
    }
    Some(jtl_erp_regen::median(samples))
}

/// The medians of `runs` timings of `a` and of `b`, alternated (a b, b a, a b, …) so that a
/// drift of the machine weighs on both alike; `None` as soon as one run fails.
fn medians_alternated(
    runs: usize,
    mut a: impl FnMut() -> bool,
    mut b: impl FnMut() -> bool,
) -> Option<(Duration, Duration)> {
    let mut samples: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    for run in 0..runs {
        let order = if run % 2 == 0 { [0, 1] } else { [1, 0] };
        for side in order {
            let started = Instant::now();
            let ok = if side == 0 { a() } else { b() };
            samples[side].push(started.elapsed());
            if !ok {
                return None;
            }
        }
    }
    let [a, b] = samples;
    Some((jtl_erp_regen::median(a), jtl_erp_regen::median(b)))
}

/// OpenAPI 3.1 against the same API written in 3.0, in process.
fn openapi31_against_30() {
    println!(
        "# OpenAPI 3.1 against the same document in 3.0: in process, alternated, median of 21 runs"
    );
    let pair = jtl_erp_tests::repo_root().join("tests/fixtures/openapi31/pair");
    let read = |file: &str| std::fs::read_to_string(pair.join(file)).expect("the pair is readable");
    let pairs = [
        (
            "shop (tests/fixtures/openapi31/pair)",
            read("shop-3.0.yaml"),
            read("shop-3.1.yaml"),
        ),
        (
            "synthetic (375 operations)",
            jtl_erp_regen::synth::synthetic_document(75),
            jtl_erp_regen::synth::synthetic_document_31(75),
        ),
    ];
    for (name, v30, v31) in pairs {
        let source = |text: String| SourceDocument {
            path: "pair.yaml".to_owned(),
            text,
        };
        let (v30, v31) = (source(v30), source(v31));
        let generates = |doc: &SourceDocument| {
            generate(std::slice::from_ref(doc), &Settings::default()).is_ok()
        };
        let (ours30, ours31) =
            medians_alternated(21, || generates(&v30), || generates(&v31)).expect("both generate");
        println!(
            "{name}: 3.1 {ours31:?}, 3.0 {ours30:?}, ratio {:.2} (goal ≤ 1.2)",
            ratio(ours31, ours30)
        );
    }
}

fn ratio(ours: Duration, theirs: Duration) -> f64 {
    ours.as_secs_f64() / theirs.as_secs_f64()
}

/// The corpus (next to the repository, or next to a worktree of it).
fn corpus_document(name: &str) -> Option<PathBuf> {
    let root = jtl_erp_tests::repo_root();
    [
        root.join("../shared/corpus"),
        root.join("../../shared/corpus"),
    ]
    .into_iter()
    .map(|dir| dir.join(name))
    .find(|path| path.exists())
}

fn main() {
    let dir = std::env::temp_dir().join(format!("jtl-erp-regen-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let synthetic = dir.join("synthetic.yaml");
    std::fs::write(&synthetic, jtl_erp_regen::synth::synthetic_document(75)).expect("written");
    let mut documents = vec![("synthetic (375 operations)".to_owned(), synthetic)];
    for name in ["oxide-propolis-server.json", "oxide-buildomat.json"] {
        match corpus_document(name) {
            Some(path) => documents.push((name.to_owned(), path)),
            None => println!("{name}: not found (../shared/corpus), skipped"),
        }
    }
    match std::env::var_os("JTL_ERP_BENCH_NEXUS").map(PathBuf::from) {
        Some(path) if path.exists() => documents.push(("oxide-nexus.json".to_owned(), path)),
        Some(path) => println!(
            "oxide-nexus.json: JTL_ERP_BENCH_NEXUS names {}, which does not exist; skipped",
            path.display()
        ),
        None => println!(
            "oxide-nexus.json: JTL_ERP_BENCH_NEXUS is not set (the path of Oxide's nexus.json); skipped"
        ),
    }

    openapi31_against_30();

    println!("# in process: text to formatted source, median of 11 runs");
    for (name, path) in &documents {
        let text = std::fs::read_to_string(path).expect("readable");
        let doc = SourceDocument {
            path: name.clone(),
            text: text.clone(),
        };
        let ours = median(11, || {
            generate(std::slice::from_ref(&doc), &Settings::default()).is_ok()
        })
        .expect("ours generates");
        match progenitor_baseline::median_of(&text) {
            Ok(theirs) => println!(
                "{name}: jtl-erp-generator {ours:?}, progenitor {theirs:?}, ratio {:.2} (goal ≤ 1.0)",
                ratio(ours, theirs)
            ),
            Err(why) => println!("{name}: jtl-erp-generator {ours:?}; progenitor: {why}"),
        }
    }

    println!("# whole processes: document on disk to crate on disk, median of 5 runs");
    let ours_exe = env!("CARGO_BIN_EXE_regen-process");
    let theirs_installed = Command::new("openapi-generator-cli")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    for (name, path) in &documents {
        let ours_out = dir.join("ours");
        let ours = median(5, || {
            Command::new(ours_exe)
                .arg(path)
                .arg(&ours_out)
                .status()
                .is_ok_and(|s| s.success())
        })
        .expect("regen-process generates");
        let goal = if name.starts_with("synthetic") {
            " (goal ≤ 0.05)"
        } else {
            ""
        };
        if !theirs_installed {
            println!(
                "{name}: regen-process {ours:?}; openapi-generator-cli is not installed (pip install openapi-generator-cli): no ratio this run"
            );
            continue;
        }
        let mut run = 0;
        let theirs = median(5, || {
            run += 1;
            openapi_generator(path, &dir.join(format!("theirs-{run}")))
        });
        match theirs {
            Some(theirs) => println!(
                "{name}: regen-process {ours:?}, openapi-generator-cli {theirs:?}, ratio {:.3}{goal}",
                ratio(ours, theirs)
            ),
            None => println!("{name}: regen-process {ours:?}; openapi-generator-cli failed"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn openapi_generator(spec: &Path, out: &Path) -> bool {
    Command::new("openapi-generator-cli")
        .args(["generate", "-g", "rust", "--package-name", "bench", "-i"])
        .arg(spec)
        .arg("-o")
        .arg(out)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[cfg(feature = "progenitor-baseline")]
mod progenitor_baseline {
    use std::time::Duration;

    /// The document's text to formatted source, as `generate` does: reading the document is
    /// part of the work on both sides (JSON with serde_json, as progenitor's CLI reads it).
    fn progenitor(text: &str) -> Result<String, String> {
        let spec: openapiv3::OpenAPI = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| e.to_string())?
        } else {
            serde_yaml::from_str(text).map_err(|e| e.to_string())?
        };
        let mut generator = progenitor::Generator::new(&progenitor::GenerationSettings::default());
        // Its panic is reported as a refusal, without the panic hook's page of output.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let tokens = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            generator.generate_tokens(&spec)
        }));
        std::panic::set_hook(hook);
        let tokens = tokens
            .map_err(|panic| {
                let message = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("");
                format!("panicked: {}", message.lines().next().unwrap_or(""))
            })?
            .map_err(|e| e.to_string())?;
        let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
        Ok(prettyplease::unparse(&file))
    }

    pub fn median_of(text: &str) -> Result<Duration, String> {
        progenitor(text).map_err(|e| format!("refuses it ({e})"))?;
        super::median(11, || progenitor(text).is_ok()).ok_or_else(|| "failed".to_owned())
    }
}

#[cfg(not(feature = "progenitor-baseline"))]
mod progenitor_baseline {
    pub fn median_of(_: &str) -> Result<std::time::Duration, String> {
        Err("run with `--features progenitor-baseline` for the ratio".to_owned())
    }
}
