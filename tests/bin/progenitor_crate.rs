//! `progenitor-crate DOC OUT`: progenitor's client of an OpenAPI document as a crate on disk, the
//! baseline of `cargo xtask compile-time --versus-progenitor` (issue 23). Built only with the
//! `progenitor-baseline` feature; the output is formatted as progenitor's CLI formats it
//! (prettyplease) and depends on what progenitor's generated code names.

use std::path::PathBuf;
use std::process::ExitCode;

const MANIFEST: &str = r#"[package]
name = "progenitor-baseline-client"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
base64 = "0.22"
bytes = "1"
chrono = { version = "0.4", default-features = false, features = ["clock", "serde"] }
futures = "0.3"
progenitor-client = "0.15"
rand = "0.9"
regress = "0.10"
reqwest = { version = "0.13", default-features = false, features = ["form", "json", "query", "stream"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_urlencoded = "0.7"
uuid = { version = "1", features = ["serde", "v4"] }

[workspace]
"#;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [doc, out] = args.as_slice() else {
        eprintln!("usage: progenitor-crate DOC OUT");
        return ExitCode::from(2);
    };
    match write_crate(doc, out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("progenitor-crate: {}: {why}", doc.display());
            ExitCode::FAILURE
        }
    }
}

fn write_crate(doc: &std::path::Path, out: &std::path::Path) -> Result<(), String> {
    let text = std::fs::read_to_string(doc).map_err(|e| e.to_string())?;
    let spec: openapiv3::OpenAPI = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| e.to_string())?
    } else {
        serde_yaml::from_str(&text).map_err(|e| e.to_string())?
    };
    let mut generator = progenitor::Generator::new(&progenitor::GenerationSettings::default());
    let tokens = generator
        .generate_tokens(&spec)
        .map_err(|e| e.to_string())?;
    let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
    let source = format!(
        "#![allow(clippy::all, unused, mismatched_lifetime_syntaxes)]\n{}",
        prettyplease::unparse(&file)
    );
    std::fs::create_dir_all(out.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(out.join("Cargo.toml"), MANIFEST).map_err(|e| e.to_string())?;
    std::fs::write(out.join("src/lib.rs"), source).map_err(|e| e.to_string())?;
    Ok(())
}
