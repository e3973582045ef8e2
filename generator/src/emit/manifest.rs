//! The generated crate's `Cargo.toml`, built from typed data: the package metadata of the
//! [`Settings`], the runtime dependency, and the dependencies, features and binary the
//! hand-written (inlineable) modules need.

use std::fmt::Write as _;

use crate::{Metadata, RuntimeDependency, Settings};

/// A dependency of the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dependency {
    /// The crate.
    pub name: &'static str,
    /// Its version requirement (as in the workspace's `[workspace.dependencies]`).
    pub version: &'static str,
    /// Features to enable.
    pub features: &'static [&'static str],
    /// Whether only a feature of the generated crate pulls it in.
    pub optional: bool,
}

/// A cargo feature of the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Feature {
    /// Its name.
    pub name: &'static str,
    /// What it enables.
    pub enables: &'static [&'static str],
}

/// Features of the runtime that every generated crate forwards under the same name, so that its
/// users need no direct dependency on the runtime to turn them on.
pub const RUNTIME_FEATURES: &[Feature] = &[
    Feature {
        // Test helpers: the clock that stands still, the token signers (the fake turns it on).
        name: "test-util",
        enables: &["jtl-erp-runtime/test-util"],
    },
    Feature {
        // A fleet of replicas shares one token and one rate-limit budget through Redis.
        name: "redis",
        enables: &["jtl-erp-runtime/redis"],
    },
];

/// A `[[bin]]` target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bin {
    /// The binary's name.
    pub name: &'static str,
    /// Its source, relative to the crate.
    pub path: String,
    /// The feature it needs.
    pub required_feature: Option<&'static str>,
}

/// Everything the manifest says.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// Dependencies besides the runtime, in order, without repeats.
    pub dependencies: Vec<Dependency>,
    /// Features.
    pub features: Vec<Feature>,
    /// Binaries.
    pub bins: Vec<Bin>,
}

impl Manifest {
    /// Adds dependencies, skipping those already there.
    pub fn depend(&mut self, dependencies: &[Dependency]) {
        for dependency in dependencies {
            if !self.dependencies.iter().any(|d| d.name == dependency.name) {
                self.dependencies.push(*dependency);
            }
        }
    }

    /// The TOML text, for the package version `version`.
    pub fn render(&self, settings: &Settings, version: &str) -> String {
        let mut text = String::from("[package]\n");
        let mut line = |key: &str, value: &str| {
            let _ = writeln!(text, "{key} = {}", quoted(value));
        };
        line("name", &settings.crate_name);
        line("version", version);
        line("description", &settings.description);
        line("readme", "README.md");
        match &settings.metadata {
            Metadata::Workspace => {
                text.push_str("edition.workspace = true\nrust-version.workspace = true\nlicense.workspace = true\npublish.workspace = true\n");
            }
            Metadata::Explicit(m) => {
                let _ = writeln!(text, "edition = {}", quoted(&m.edition));
                let _ = writeln!(text, "rust-version = {}", quoted(&m.rust_version));
                let _ = writeln!(text, "license = {}", quoted(&m.license));
                text.push_str("publish = false\n");
            }
        }
        text.push_str("\n[dependencies]\n");
        let runtime = match &settings.runtime {
            RuntimeDependency::Path(path) => format!("{{ path = {} }}", quoted(path)),
            RuntimeDependency::Version(version) => quoted(version),
        };
        let _ = writeln!(text, "jtl-erp-runtime = {runtime}");
        for d in &self.dependencies {
            let _ = writeln!(text, "{} = {}", d.name, d.render());
        }
        text.push_str("\n[features]\n");
        for f in RUNTIME_FEATURES.iter().chain(&self.features) {
            let _ = writeln!(text, "{} = {}", f.name, list(f.enables));
        }
        for bin in &self.bins {
            let _ = write!(
                text,
                "\n[[bin]]\nname = {}\npath = {}\n",
                quoted(bin.name),
                quoted(&bin.path)
            );
            if let Some(feature) = bin.required_feature {
                let _ = writeln!(text, "required-features = {}", list(&[feature]));
            }
        }
        if !settings.selection.is_all() {
            // What `cargo xtask regen` reads back to rebuild (and check) the same selection.
            text.push_str("\n[package.metadata.jtl-erp-generator]\n");
            let owned = |items: &[String]| {
                let items: Vec<String> = items.iter().map(|i| quoted(i)).collect();
                format!("[{}]", items.join(", "))
            };
            let _ = writeln!(
                text,
                "operations = {}",
                owned(&settings.selection.operations)
            );
            let _ = writeln!(text, "tags = {}", owned(&settings.selection.tags));
        }
        if settings.standalone {
            // A crate generated outside this workspace is a workspace of its own.
            text.push_str("\n[workspace]\n");
        }
        text
    }
}

impl Dependency {
    fn render(&self) -> String {
        if self.features.is_empty() && !self.optional {
            return quoted(self.version);
        }
        let mut parts = vec![format!("version = {}", quoted(self.version))];
        if !self.features.is_empty() {
            parts.push(format!("features = {}", list(self.features)));
        }
        if self.optional {
            parts.push("optional = true".to_owned());
        }
        format!("{{ {} }}", parts.join(", "))
    }
}

/// A TOML basic string.
fn quoted(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(items: &[&str]) -> String {
    let items: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dependency table of the generated crate agrees with the workspace's versions, so the
    /// crate builds against the requirements the workspace tests.
    #[test]
    fn versions_agree_with_the_workspace() {
        let workspace = include_str!("../../../Cargo.toml");
        for d in super::super::inlineable::all_dependencies() {
            let line = workspace
                .lines()
                .find(|l| l.starts_with(&format!("{} = ", d.name)))
                .unwrap_or_else(|| panic!("{} is not in [workspace.dependencies]", d.name));
            assert!(
                line.contains(&format!("\"{}\"", d.version)),
                "{}: the generator says {}, the workspace says `{line}`",
                d.name,
                d.version
            );
        }
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(quoted(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(quoted("line\nbreak"), "\"line\\u000Abreak\"");
    }
}
