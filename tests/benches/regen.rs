//! Scale: regenerating a client from a synthetic vendor-style document of 375 operations and
//! 300+ schemas, in-process, against openapi-generator (PyPI `openapi-generator-cli`, Rust
//! target) on the same document in the same run where it is installed.
//!
//! `cargo bench -p jtl-erp-tests --bench regen`; the README reports the figures. Goal: ≤ 0.5 s.

use std::process::Command;
use std::time::{Duration, Instant};

use jtl_erp_generator::{Settings, SourceDocument, generate};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let text = xtask::synth::synthetic_document(75);
    let doc = SourceDocument {
        path: "synthetic.yaml".to_owned(),
        text: text.clone(),
    };
    let ours: Vec<Duration> = (0..11)
        .map(|_| {
            let started = Instant::now();
            let generation =
                generate(std::slice::from_ref(&doc), &Settings::default()).expect("generates");
            assert!(
                generation
                    .files
                    .iter()
                    .any(|f| f.contents.matches("pub async fn ").count() == 375)
            );
            started.elapsed()
        })
        .collect();
    let ours = median(ours);
    println!("jtl-erp-generator: median of 11 runs {ours:?} for 375 operations (goal 0.5 s)");

    let dir = std::env::temp_dir().join(format!("jtl-erp-regen-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let spec = dir.join("synthetic.yaml");
    std::fs::write(&spec, &text).expect("written");
    let peer = |out: &std::path::Path| {
        Command::new("openapi-generator-cli")
            .args([
                "generate",
                "-g",
                "rust",
                "--package-name",
                "synthetic",
                "-i",
            ])
            .arg(&spec)
            .arg("-o")
            .arg(out)
            .output()
    };
    match peer(&dir.join("warm-up")) {
        Ok(output) if output.status.success() => {
            let theirs: Vec<Duration> = (0..3)
                .map(|i| {
                    let started = Instant::now();
                    let output = peer(&dir.join(format!("run-{i}"))).expect("runs");
                    assert!(output.status.success());
                    started.elapsed()
                })
                .collect();
            let theirs = median(theirs);
            println!("openapi-generator-cli (JVM start included): median of 3 runs {theirs:?}");
            println!(
                "ratio jtl-erp-generator / openapi-generator: {:.3}",
                ours.as_secs_f64() / theirs.as_secs_f64()
            );
        }
        _ => println!(
            "openapi-generator-cli is not installed (pip install openapi-generator-cli): no ratio this run"
        ),
    }
    let _ = std::fs::remove_dir_all(&dir);
    progenitor_baseline::run(&text);
}

/// progenitor (the design's engine) in-process on the same documents, formatting included, as
/// ours is: the synthetic document and the largest corpus documents both generators take.
#[cfg(feature = "progenitor-baseline")]
mod progenitor_baseline {
    use std::time::{Duration, Instant};

    use jtl_erp_generator::{Settings, SourceDocument, generate};

    fn progenitor(spec: &openapiv3::OpenAPI) -> Result<String, String> {
        let mut generator = progenitor::Generator::new(&progenitor::GenerationSettings::default());
        let tokens = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            generator.generate_tokens(spec)
        }))
        .map_err(|_| "panicked".to_owned())?
        .map_err(|e| e.to_string())?;
        let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
        Ok(prettyplease::unparse(&file))
    }

    fn median(run: impl Fn() -> bool) -> Option<Duration> {
        let mut samples = Vec::new();
        for _ in 0..7 {
            let started = Instant::now();
            if !run() {
                return None;
            }
            samples.push(started.elapsed());
        }
        samples.sort();
        Some(samples[samples.len() / 2])
    }

    pub fn run(synthetic: &str) {
        let mut docs = vec![(
            "synthetic (375 operations)".to_owned(),
            synthetic.to_owned(),
        )];
        for name in ["oxide-propolis-server.json", "oxide-buildomat.json"] {
            let path = jtl_erp_tests::repo_root()
                .join("../shared/corpus")
                .join(name);
            let path = if path.exists() {
                path
            } else {
                jtl_erp_tests::repo_root()
                    .join("../../shared/corpus")
                    .join(name)
            };
            if let Ok(text) = std::fs::read_to_string(&path) {
                docs.push((name.to_owned(), text));
            }
        }
        for (name, text) in docs {
            let Ok(spec) = serde_yaml::from_str::<openapiv3::OpenAPI>(&text) else {
                println!("{name}: progenitor's openapiv3 cannot read it");
                continue;
            };
            let doc = SourceDocument {
                path: name.clone(),
                text: text.clone(),
            };
            let ours =
                median(|| generate(std::slice::from_ref(&doc), &Settings::default()).is_ok());
            let theirs = match progenitor(&spec) {
                Ok(_) => median(|| progenitor(&spec).is_ok()),
                Err(e) => {
                    println!("{name}: progenitor refuses it: {e}");
                    None
                }
            };
            match (ours, theirs) {
                (Some(ours), Some(theirs)) => println!(
                    "{name}: jtl-erp-generator {ours:?}, progenitor {theirs:?}, ratio {:.2} (goal ≤ 0.4)",
                    ours.as_secs_f64() / theirs.as_secs_f64()
                ),
                (ours, _) => println!("{name}: jtl-erp-generator {ours:?}, no progenitor figure"),
            }
        }
    }
}

#[cfg(not(feature = "progenitor-baseline"))]
mod progenitor_baseline {
    pub fn run(_: &str) {
        println!(
            "progenitor baseline: run with `--features progenitor-baseline` for the ratio to progenitor"
        );
    }
}
