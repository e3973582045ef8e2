//! The regeneration driver: what `cargo xtask regen`, the conformance tool (`xtask/conformance`)
//! and the test suite share, so that the tests run the same code as `cargo xtask regen --check`:
//! the repository's documents and the previous release read, a crate's settings, the tree
//! written or compared, `cargo` and `npm ci` run from inside another command.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

pub mod evolution;
pub mod synth;

use anyhow::{Context as _, bail};
use jtl_erp_generator::{
    Generation, HEADER, Inlineable, Metadata, PackageMetadata, PreviousRelease, Release,
    RuntimeDependency, Selection, Settings, SourceDocument,
};

/// `cargo` for a build run from inside a test or another cargo command, in this repository's
/// target directory. The variables cargo sets for the process that runs us (`CARGO_MANIFEST_DIR`,
/// `CARGO_PKG_*`, …) are removed: build scripts that watch them (ring's does) would otherwise
/// rerun, and the workspace's own build of the same crate would be stale after every test run.
pub fn cargo_command(root: &Path) -> std::process::Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = std::process::Command::new(cargo);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_") && name != "CARGO_HOME" {
            command.env_remove(name.as_ref());
        }
    }
    command.env("CARGO_TARGET_DIR", root.join("target"));
    command
}

/// Installs the Node tools of `package.json` (Prism, Redocly, oauth2-mock-server) with `npm ci`
/// from the committed lock file, for the conformance command and the test suite alike; the error
/// says why npm could not run or what it answered.
pub fn npm_ci(root: &Path) -> Result<(), String> {
    let status = std::process::Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(root)
        .status()
        .map_err(|e| {
            format!(
                "npm cannot run ({e}); install Node.js and npm (e.g. `apt-get install nodejs npm`)"
            )
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`npm ci` failed ({status}) in {}", root.display()))
    }
}

/// The repository root (this crate lives in `xtask/regen`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("xtask/regen is two levels below the root")
        .to_path_buf()
}

/// The middle of the sorted `times` (the upper middle of an even count), for the timings of
/// `cargo xtask compile-time` and the benchmarks. Panics on no times.
pub fn median(mut times: Vec<std::time::Duration>) -> std::time::Duration {
    times.sort();
    times[times.len() / 2]
}

/// `path` made absolute against the current directory (as given when that fails).
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The documents under `spec/`, sorted by name: `.yaml`, `.yml` and `.json`.
pub fn default_specs(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let dir = root.join("spec");
    let mut specs: Vec<PathBuf> = fs::read_dir(&dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    specs.sort();
    Ok(specs)
}

/// Reads the documents; errors name the file.
pub fn read_specs(root: &Path, paths: &[PathBuf]) -> anyhow::Result<Vec<SourceDocument>> {
    paths
        .iter()
        .map(|path| {
            let text = fs::read_to_string(path)
                .with_context(|| format!("cannot read spec document {}", path.display()))?;
            Ok(SourceDocument {
                path: display_path(root, path),
                text,
            })
        })
        .collect()
}

fn display_path(root: &Path, path: &Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}

/// How a crate is generated, beyond the documents and where it goes (`cargo xtask regen` flags).
#[derive(Debug, Clone, Default)]
pub struct RegenOptions {
    /// Write nothing; compare.
    pub check: bool,
    /// Warnings that lose something are errors (`--strict`).
    pub strict: bool,
    /// `--runtime`: a path to the runtime crate (made relative to the output) or a version
    /// requirement; default: this repository's runtime, relative to the output.
    pub runtime: Option<String>,
    /// `--crate-name`; default: `jtl-erp-client` for `generated/`, else the first document's
    /// `info.title` in kebab-case.
    pub crate_name: Option<String>,
    /// `--description`; default: the JTL description for `generated/`, else from the first
    /// document's `info`.
    pub description: Option<String>,
    /// `--operations`/`--tags`/`--all-operations`.
    pub selection: SelectionOption,
    /// `--crate-version`; default: the previous release's version raised by the class of what
    /// changed in the API.
    pub crate_version: Option<String>,
}

/// Which operations `regen` builds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SelectionOption {
    /// No flag: the selection recorded in the output's `Cargo.toml`, else every operation.
    #[default]
    Recorded,
    /// `--all-operations`: every operation, whatever is recorded.
    All,
    /// `--operations`/`--tags`.
    Given(Selection),
}

/// The selection recorded in `out/Cargo.toml` (`[package.metadata.jtl-erp-generator]`), the
/// empty one when there is no such manifest or table; an error when the table is malformed.
pub fn recorded_selection(out: &Path) -> anyhow::Result<Selection> {
    let path = out.join("Cargo.toml");
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(Selection::default());
    };
    let Some(section) = text
        .split("\n[")
        .find(|s| s.starts_with("package.metadata.jtl-erp-generator]"))
    else {
        return Ok(Selection::default());
    };
    let list = |key: &str| -> anyhow::Result<Vec<String>> {
        let Some(value) = section.lines().find_map(|line| {
            let (k, v) = line.split_once('=')?;
            (k.trim() == key).then(|| v.trim())
        }) else {
            return Ok(Vec::new());
        };
        // The generator writes TOML basic strings with JSON's escapes: the array reads as JSON.
        serde_json::from_str(value).with_context(|| {
            format!(
                "{}: [package.metadata.jtl-erp-generator] {key} is not a list of strings: {value}",
                path.display()
            )
        })
    };
    Ok(Selection {
        operations: list("operations")?,
        tags: list("tags")?,
    })
}

/// The release `out` holds, which a regeneration compares with: what its users last saw. For an
/// output directory whose `api.json` is tracked by git, the files of the last commit (so that
/// regenerating several times before committing gives one changelog entry and one version
/// raise, computed against the commit); else the files on disk. `None` when `out` holds no
/// crate.
pub fn previous_release(out: &Path) -> Option<PreviousRelease> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let committed_surface = committed(out, "api.json");
    let at_head = committed_surface.is_some();
    let read = |file: &str| {
        if at_head {
            committed(out, file)
        } else {
            fs::read_to_string(out.join(file)).ok()
        }
    };
    let origin = format!("{name}/ {}", if at_head { "at HEAD" } else { "on disk" });
    let manifest = read("Cargo.toml");
    let surface = committed_surface.or_else(|| read("api.json"));
    let changelog = read("CHANGELOG.md");
    if manifest.is_none() && surface.is_none() && changelog.is_none() {
        return None;
    }
    Some(PreviousRelease {
        origin,
        version: manifest.as_deref().and_then(package_version),
        surface,
        changelog,
    })
}

/// `file` of the directory `dir` as the last commit has it; `None` outside a git work tree,
/// without git, or when the commit does not have it.
fn committed(dir: &Path, file: &str) -> Option<String> {
    if !dir.is_dir() {
        return None;
    }
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["show", &format!("HEAD:./{file}")])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

/// The `version` of a manifest's `[package]` table.
pub fn package_version(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package
            && let Some((key, value)) = line.split_once('=')
            && key.trim() == "version"
        {
            return Some(value.trim().trim_matches('"').to_owned());
        }
    }
    None
}

/// `--runtime` as given: a version requirement (`0.1`, `^0.1.0`, `=0.1.2`) or else a path.
pub fn runtime_dependency(value: &str, out: &Path) -> RuntimeDependency {
    let version_like = value
        .trim_start_matches(['^', '~', '=', '>', '<'])
        .starts_with(|c: char| c.is_ascii_digit())
        && !value.contains(['/', '\\']);
    if version_like {
        RuntimeDependency::Version(value.to_owned())
    } else {
        let path = std::path::absolute(value).unwrap_or_else(|_| PathBuf::from(value));
        let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
        RuntimeDependency::Path(relative(&out, &path))
    }
}

/// The settings for `docs` written to `out` with `options`.
pub fn settings_with(
    root: &Path,
    out: &Path,
    docs: &[SourceDocument],
    options: &RegenOptions,
) -> anyhow::Result<Settings> {
    let mut settings = settings_for(root, out)?;
    settings.strict = options.strict;
    settings.crate_version.clone_from(&options.crate_version);
    settings.previous = previous_release(out);
    settings.selection = match &options.selection {
        SelectionOption::Recorded => recorded_selection(out)?,
        SelectionOption::All => Selection::default(),
        SelectionOption::Given(selection) => selection.clone(),
    };
    if let Some(runtime) = &options.runtime {
        settings.runtime = runtime_dependency(runtime, out);
        if matches!(settings.runtime, RuntimeDependency::Version(_)) {
            // A crate on a registry's runtime stands alone: the hand-written modules are copied.
            settings.inlineable = Inlineable::Copied;
        }
    }
    let info = docs.first().and_then(jtl_erp_generator::document_info);
    if let Some(name) = &options.crate_name {
        settings.crate_name.clone_from(name);
    } else if settings.standalone
        && let Some((title, _)) = &info
    {
        settings.crate_name = crate_name_from(title);
    }
    if let Some(description) = &options.description {
        settings.description.clone_from(description);
    } else if settings.standalone
        && let Some((title, description)) = &info
    {
        settings.description = package_description(title, description.as_deref());
    }
    Ok(settings)
}

/// A package description (one line) from a document's `info`: the first line of prose of its
/// description (its first sentence when the line is long), Markdown headings skipped (a vendor's description often opens with
/// `# Introduction`), else `Client of the <title>`.
pub fn package_description(title: &str, description: Option<&str>) -> String {
    let heading = |line: &str| {
        line.starts_with('#') || (!line.is_empty() && line.chars().all(|c| c == '=' || c == '-'))
    };
    let mut lines = description
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .peekable();
    while let Some(line) = lines.next() {
        // A setext heading is a line underlined by `===` or `---`.
        let underlined = lines
            .peek()
            .is_some_and(|next| heading(next) && !next.starts_with('#'));
        if line.is_empty() || heading(line) || underlined {
            continue;
        }
        // A long line is cut after its first sentence: a period, a space and a capital (not
        // `e.g. this`).
        let end = line
            .match_indices(". ")
            .map(|(i, _)| i)
            .find(|&i| line[i + 2..].starts_with(|c: char| c.is_uppercase()));
        return match end {
            Some(end) if line.len() > 160 => line[..=end].to_owned(),
            _ => line.to_owned(),
        };
    }
    format!("Client of the {title}")
}

/// A package name from a title: ASCII letters and digits in kebab-case (`Pet Store API` →
/// `pet-store-api`), `client` when nothing is left.
pub fn crate_name_from(title: &str) -> String {
    let mut name = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("client-{name}").trim_end_matches('-').to_owned()
    } else {
        name.to_owned()
    }
}

/// Settings for a crate written to `out`: the runtime found relative to it; a crate outside
/// `generated/` is a workspace of its own, with the metadata of this workspace written out.
pub fn settings_for(root: &Path, out: &Path) -> anyhow::Result<Settings> {
    let runtime = root.join("generator/runtime");
    let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    // Only generated/ is a member of this workspace; a crate written anywhere else (even under
    // target/) is a workspace of its own.
    let member = out == root.join("generated");
    let metadata = if member {
        Metadata::Workspace
    } else {
        workspace_metadata(root)?
    };
    Ok(Settings {
        runtime: RuntimeDependency::Path(relative(&out, &runtime)),
        inlineable: Inlineable::Path(relative(&out, &root.join("generator/inlineable"))),
        metadata,
        standalone: !member,
        ..Settings::default()
    })
}

/// Edition, rust-version and licence from `[workspace.package]` of the root `Cargo.toml`.
fn workspace_metadata(root: &Path) -> anyhow::Result<Metadata> {
    let path = root.join("Cargo.toml");
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let section = text
        .split("\n[")
        .find(|s| s.starts_with("workspace.package]"))
        .with_context(|| format!("{} has no [workspace.package]", path.display()))?;
    let value = |key: &str| {
        section
            .lines()
            .find_map(|line| {
                let (k, v) = line.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
            })
            .with_context(|| format!("[workspace.package] of {} has no {key}", path.display()))
    };
    Ok(Metadata::Explicit(PackageMetadata {
        edition: value("edition")?,
        rust_version: value("rust-version")?,
        license: value("license")?,
    }))
}

/// The `/`-separated path of `to` relative to the directory `from` (both absolute).
pub fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Runs the generator; a report of problems becomes the error text.
pub fn generate(docs: &[SourceDocument], settings: &Settings) -> anyhow::Result<Generation> {
    jtl_erp_generator::generate(docs, settings).map_err(|report| anyhow::anyhow!("{report}"))
}

/// What `--check` found: one unified diff per file that differs.
pub fn stale_files(
    out: &Path,
    generation: &Generation,
) -> anyhow::Result<BTreeMap<String, String>> {
    let mut stale = BTreeMap::new();
    let out_name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for file in &generation.files {
        let path = out.join(&file.path);
        let current = fs::read_to_string(&path).unwrap_or_default();
        if current != file.contents {
            let shown = format!("{out_name}/{}", file.path);
            let diff = similar::TextDiff::from_lines(&current, &file.contents)
                .unified_diff()
                .context_radius(3)
                .header(
                    &format!("a/{shown} (committed)"),
                    &format!("b/{shown} (generated from spec/)"),
                )
                .to_string();
            stale.insert(shown, diff);
        }
    }
    for extra in leftover_files(out, generation)? {
        stale.insert(
            format!("{out_name}/{extra}"),
            format!("{out_name}/{extra} is generated but no longer produced\n"),
        );
    }
    Ok(stale)
}

/// Generated files (by header) anywhere under `out/src` that this generation no longer produces.
fn leftover_files(out: &Path, generation: &Generation) -> anyhow::Result<Vec<String>> {
    let mut leftovers = Vec::new();
    let mut dirs = vec![out.join("src")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(out)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let generated = fs::read_to_string(&path).is_ok_and(|t| t.starts_with(HEADER));
            if generated && !generation.files.iter().any(|f| f.path == rel) {
                leftovers.push(rel);
            }
        }
    }
    leftovers.sort();
    Ok(leftovers)
}

/// The text `--check` prints for stale files.
pub fn stale_report(stale: &BTreeMap<String, String>) -> String {
    let mut text = String::new();
    for diff in stale.values() {
        text.push_str(diff);
    }
    let files: Vec<&str> = stale.keys().map(String::as_str).collect();
    let _ = write!(
        text,
        "\nerror: generated code is stale: {} differ from what spec/ produces\nrun `cargo xtask regen` and commit the result",
        files.join(", ")
    );
    text
}

/// Writes the crate: each changed file through a temporary file and a rename, unchanged
/// files untouched, leftovers removed. Returns the paths written.
pub fn write_tree(out: &Path, generation: &Generation) -> anyhow::Result<Vec<String>> {
    let mut written = Vec::new();
    for file in &generation.files {
        let path = out.join(&file.path);
        if fs::read_to_string(&path).is_ok_and(|current| current == file.contents) {
            continue;
        }
        let dir = path.parent().context("generated path has a parent")?;
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let tmp = path.with_extension("regen-tmp");
        fs::write(&tmp, &file.contents)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        fs::rename(&tmp, &path).with_context(|| format!("cannot replace {}", path.display()))?;
        written.push(file.path.clone());
    }
    for leftover in leftover_files(out, generation)? {
        fs::remove_file(out.join(&leftover))
            .with_context(|| format!("cannot remove {leftover}"))?;
        written.push(leftover);
    }
    Ok(written)
}

/// Fails unless `out` is free for a generated crate or holds one already.
pub fn ensure_output_dir(out: &Path) -> anyhow::Result<()> {
    if out.exists() && !out.is_dir() {
        bail!("output {} exists and is not a directory", out.display());
    }
    Ok(())
}

/// What a regeneration did.
#[derive(Debug)]
pub enum Outcome {
    /// Files were written (paths relative to the crate), out of `total`.
    Written { written: Vec<String>, total: usize },
    /// `--check`: everything matches.
    Fresh { total: usize },
    /// `--check`: the report with the diffs.
    Stale { report: String },
}

/// The whole regeneration: read, generate, then write or compare. Nothing is written unless
/// generation succeeded for every document.
pub fn regen(
    root: &Path,
    specs: &[PathBuf],
    out: &Path,
    check: bool,
) -> anyhow::Result<(Outcome, Vec<jtl_erp_generator::Diagnostic>)> {
    regen_with(
        root,
        specs,
        out,
        &RegenOptions {
            check,
            ..RegenOptions::default()
        },
    )
}

/// [`regen`] with every option of `cargo xtask regen`.
pub fn regen_with(
    root: &Path,
    specs: &[PathBuf],
    out: &Path,
    options: &RegenOptions,
) -> anyhow::Result<(Outcome, Vec<jtl_erp_generator::Diagnostic>)> {
    regenerate(root, specs, out, options).map(|r| (r.outcome, r.warnings))
}

/// What `cargo xtask regen` did and reports.
#[derive(Debug)]
pub struct Regenerated {
    /// Written, fresh or stale.
    pub outcome: Outcome,
    /// The generator's warnings.
    pub warnings: Vec<jtl_erp_generator::Diagnostic>,
    /// What changed in the API since the release `out` held (`--check`: what would change).
    pub release: Release,
}

/// [`regen_with`], with the release.
pub fn regenerate(
    root: &Path,
    specs: &[PathBuf],
    out: &Path,
    options: &RegenOptions,
) -> anyhow::Result<Regenerated> {
    let docs = read_specs(root, specs)?;
    let generation = generate(&docs, &settings_with(root, out, &docs, options)?)?;
    let outcome = if options.check {
        let stale = stale_files(out, &generation)?;
        if stale.is_empty() {
            Outcome::Fresh {
                total: generation.files.len(),
            }
        } else {
            Outcome::Stale {
                report: stale_report(&stale),
            }
        }
    } else {
        ensure_output_dir(out)?;
        Outcome::Written {
            written: write_tree(out, &generation)?,
            total: generation.files.len(),
        }
    };
    Ok(Regenerated {
        outcome,
        warnings: generation.warnings,
        release: generation.release,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_come_from_titles() {
        assert_eq!(crate_name_from("Swagger Petstore"), "swagger-petstore");
        assert_eq!(crate_name_from("JTL ERP API (1.0)"), "jtl-erp-api-1-0");
        assert_eq!(crate_name_from("3D printing"), "client-3d-printing");
        assert_eq!(crate_name_from("!!!"), "client");
    }

    #[test]
    fn a_package_description_is_the_first_line_of_prose() {
        let described = |d: &str| package_description("Pets", Some(d));
        assert_eq!(
            described("Pets and their owners.\nMore."),
            "Pets and their owners."
        );
        // JTL's Wawi API document opens with a heading and CRLF line ends.
        assert_eq!(
            described("# Introduction\r\n\r\nWelcome to the API.\r\n"),
            "Welcome to the API."
        );
        let long = format!("Welcome, e.g. to the API. {}", "More words. ".repeat(20));
        assert_eq!(described(&long), "Welcome, e.g. to the API.");
        assert_eq!(
            described("Short, e.g. this. And that."),
            "Short, e.g. this. And that."
        );
        assert_eq!(described("Overview\n========\n\nAll pets."), "All pets.");
        assert_eq!(described("## Only\n---\n"), "Client of the Pets");
        assert_eq!(package_description("Pets", None), "Client of the Pets");
    }

    #[test]
    fn the_package_version_is_read_from_the_package_table_only() {
        let manifest = "# generated\n[package]\nname = \"c\"\nversion = \"0.3.1\"\n\n[dependencies]\nversion = \"9\"\n";
        assert_eq!(package_version(manifest), Some("0.3.1".to_owned()));
        assert_eq!(
            package_version("[dependencies]\nversion = \"9\"\n[package]\nname = \"c\"\n"),
            None
        );
        assert_eq!(
            package_version("[package]\n  version   =  \"1.0.0\"  \n"),
            Some("1.0.0".to_owned())
        );
    }

    #[test]
    fn the_runtime_is_a_version_or_a_path_relative_to_the_output() {
        assert_eq!(
            runtime_dependency("0.1", Path::new("/tmp/out")),
            RuntimeDependency::Version("0.1".to_owned())
        );
        assert_eq!(
            runtime_dependency("^0.1.2", Path::new("/tmp/out")),
            RuntimeDependency::Version("^0.1.2".to_owned())
        );
        assert_eq!(
            runtime_dependency(
                "/work/repo/generator/runtime",
                Path::new("/work/out/client")
            ),
            RuntimeDependency::Path("../../repo/generator/runtime".to_owned())
        );
    }
}
