//! `cargo xtask conformance` (this crate's binary, which the xtask forwards to): proves a
//! generated client against its documents, operation by operation. The client and a driver
//! rendered from the generator's [`analyze`] view are built in a workspace of their own (sharing
//! this repository's target directory and lock file), Prism serves each document on loopback,
//! the driver calls every operation with arguments built from the document, and each call gets a
//! verdict: was the request valid, what was answered, did the client decode it.
//!
//! The Prism wrapper ([`prism`]) and the violation recorder ([`recorder`]) are the contract
//! tests' too (`tests/judges/prism.rs`).

#![warn(missing_docs)]

mod driver;
pub mod prism;
pub mod recorder;
mod report;
pub mod values;

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jtl_erp_generator::json_pointer::pointer;
use jtl_erp_generator::{
    Analysis, BodyKind, ContextKey, Diagnostic, Generation, Location, OperationView, analyze,
};
use serde_json::{Value, json};

pub use prism::{Prism, PrismError};
pub use recorder::{Observed, ViolationRecorder};
pub use report::{Call, OperationReport, Report};

/// Which answers Prism gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Generated from the schemas (`Prefer: dynamic=true`).
    Dynamic,
    /// The document's examples (Prism's default), wrong-typed ones included.
    Examples,
}

impl Mode {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Dynamic => "dynamic",
            Mode::Examples => "examples",
        }
    }
}

/// What to check and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The documents (absolute paths).
    pub specs: Vec<PathBuf>,
    /// Which answers Prism gives.
    pub mode: Mode,
    /// Calls per operation, each with other values (run 0 uses the examples).
    pub runs: usize,
    /// Seed of the synthesized values.
    pub seed: u64,
    /// Where the client and driver are written and kept (default: a temporary directory,
    /// removed afterwards).
    pub out: Option<PathBuf>,
    /// Per-call results as JSON.
    pub json: Option<PathBuf>,
    /// The Prism executable (default: `node_modules/.bin/prism`, installed with `npm ci`).
    pub prism: Option<PathBuf>,
    /// First port for Prism (one per document, counting up); default: port 0, each Prism on
    /// the port the operating system picks (read from what it prints).
    pub port: Option<u16>,
    /// Calls in flight at once.
    pub concurrency: usize,
    /// Progress on stderr.
    pub progress: bool,
}

/// Why a run could not give a verdict, or the client could not even be built.
#[derive(Debug)]
pub enum Failure {
    /// Bad input or environment (document refused, Prism missing or failing, `--port` in use):
    /// exit code 2.
    Environment(String),
    /// The generated client (or its driver) does not compile: exit code 1.
    Build(String),
}

impl Failure {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Environment(_) => 2,
            Failure::Build(_) => 1,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Environment(message) => f.write_str(message),
            Failure::Build(message) => {
                write!(
                    f,
                    "the generated client or its driver does not compile: {message}"
                )
            }
        }
    }
}

/// A directory removed on drop, unless it was given by the user.
struct WorkDir {
    path: PathBuf,
    remove: bool,
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if self.remove {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Timings of a run.
#[derive(Debug, Clone, Copy)]
pub struct Timings {
    /// Generating, writing and compiling client and driver.
    pub build: Duration,
    /// After the build: waiting for Prism, every call, the verdicts.
    pub check: Duration,
}

/// Runs the whole check. `Ok` carries the verdicts (which may be failures: see
/// [`Report::passed`]); `Err` means no verdict could be reached.
pub fn run(root: &Path, options: &Options) -> Result<(Report, Timings), Failure> {
    let started = Instant::now();
    let sources = jtl_erp_regen::read_specs(root, &options.specs)
        .map_err(|e| Failure::Environment(format!("{e:#}")))?;
    let work = match &options.out {
        Some(out) => WorkDir {
            path: out.clone(),
            remove: false,
        },
        None => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            WorkDir {
                path: std::env::temp_dir().join(format!(
                    "jtl-erp-conformance-{}-{nanos}",
                    std::process::id()
                )),
                remove: true,
            }
        }
    };
    let client_dir = driver::client_dir(&work.path);
    let mut settings = jtl_erp_regen::settings_for(root, &client_dir)
        .map_err(|e| Failure::Environment(format!("{e:#}")))?;
    // Client and driver share one workspace of their own.
    settings.standalone = false;
    let refused = |report: jtl_erp_generator::Report| {
        Failure::Environment(format!("the generator refuses the documents:\n{report}"))
    };
    let api = analyze(&sources, &settings).map_err(refused)?;
    let generation = jtl_erp_generator::generate(&sources, &settings).map_err(refused)?;
    write_workspace(root, &work.path, &api, &generation)?;

    // Prism reads its documents while the crates compile.
    let environment = |e: PrismError| Failure::Environment(e.0);
    let tool = prism::locate(root, options.prism.as_deref()).map_err(environment)?;
    let mut starting = Vec::new();
    for (i, spec) in options.specs.iter().enumerate() {
        let launch = prism::Launch {
            port: options.port.map(|p| p + i as u16),
            log: Some(work.path.join(format!("prism-{i}.log"))),
        };
        let args = [std::ffi::OsStr::new("mock"), spec.as_os_str()];
        starting.push(
            Prism::start(&tool, &args, &spec.display().to_string(), &launch)
                .map_err(environment)?,
        );
    }
    let executable = build(root, &work.path, work.remove)?;
    let build_time = started.elapsed();
    let after_build = Instant::now();
    let servers = starting
        .into_iter()
        .map(|s| s.ready(Duration::from_secs(180)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(environment)?;
    let calls = calls(&api, options);
    let calls_file = work.path.join("calls.json");
    let input = json!({
        "prefer": match options.mode { Mode::Dynamic => Some("dynamic=true"), Mode::Examples => None },
        "concurrency": options.concurrency,
        "urls": servers.iter().map(|s| s.url.clone()).collect::<Vec<_>>(),
        "context": context_values(&api, options.seed),
        "calls": calls,
    });
    std::fs::write(&calls_file, input.to_string())
        .map_err(|e| Failure::Environment(format!("cannot write {}: {e}", calls_file.display())))?;
    let lines = drive(&executable, &calls_file, calls.len(), options.progress)?;
    drop(servers);
    let degraded = degraded(&api, &generation.warnings);
    let report = Report::new(&api, degraded, &lines, options);
    if let Some(path) = &options.json {
        let text = serde_json::to_string_pretty(&report.json())
            .map_err(|e| Failure::Environment(format!("cannot encode results: {e}")))?;
        std::fs::write(path, text + "\n")
            .map_err(|e| Failure::Environment(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok((
        report,
        Timings {
            build: build_time,
            check: after_build.elapsed(),
        },
    ))
}

fn write_workspace(
    root: &Path,
    dir: &Path,
    api: &Analysis,
    generation: &Generation,
) -> Result<(), Failure> {
    let io = |path: &Path, e: std::io::Error| {
        Failure::Environment(format!("cannot write {}: {e}", path.display()))
    };
    let write = |path: PathBuf, text: &str| -> Result<(), Failure> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        // Unchanged files stay untouched, so that a kept --out directory rebuilds nothing.
        if std::fs::read_to_string(&path).is_ok_and(|t| t == text) {
            return Ok(());
        }
        std::fs::write(&path, text).map_err(|e| io(&path, e))
    };
    jtl_erp_regen::write_tree(&driver::client_dir(dir), generation)
        .map_err(|e| Failure::Environment(format!("{e:#}")))?;
    let root_manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| io(&root.join("Cargo.toml"), e))?;
    write(
        dir.join("Cargo.toml"),
        &driver::workspace_manifest(dir, &root_manifest),
    )?;
    write(
        driver::driver_dir(dir).join("Cargo.toml"),
        &driver::driver_manifest(root, dir),
    )?;
    write(
        driver::driver_dir(dir).join("src/main.rs"),
        &driver::main_rs(api),
    )?;
    write(
        driver::driver_dir(dir).join("src/recorder.rs"),
        include_str!("recorder.rs"),
    )?;
    // The repository's lock file: the same dependency versions, already built in its target.
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(root.join("Cargo.lock"), &lock).map_err(|e| io(&lock, e))?;
    }
    Ok(())
}

/// Builds the driver in the repository's target directory; returns a copy of the executable
/// inside `dir`. The shared one is removed when `dir` is temporary (its name is never used again).
fn build(root: &Path, dir: &Path, temporary: bool) -> Result<PathBuf, Failure> {
    let output = jtl_erp_regen::cargo_command(root)
        .args([
            "build",
            "--quiet",
            "--message-format=json-render-diagnostics",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .args(["-p", "jtl-erp-conformance-driver", "--bin"])
        .arg(driver::binary_name(dir))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Failure::Environment(format!("cannot run cargo: {e}")))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let errors: Vec<&str> = stderr.lines().take(60).collect();
        return Err(Failure::Build(errors.join("\n")));
    }
    let executable = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter_map(|m| m["executable"].as_str().map(PathBuf::from))
        .next_back()
        .ok_or_else(|| Failure::Build("cargo reported no driver executable".to_owned()))?;
    let copy = dir.join(format!("driver-bin{}", std::env::consts::EXE_SUFFIX));
    std::fs::copy(&executable, &copy)
        .map_err(|e| Failure::Environment(format!("cannot copy {}: {e}", executable.display())))?;
    if temporary {
        let _ = std::fs::remove_file(&executable);
    }
    Ok(copy)
}

/// Runs the driver, reading its JSON lines as they come (progress on stderr).
fn drive(
    executable: &Path,
    calls_file: &Path,
    total: usize,
    progress: bool,
) -> Result<Vec<Value>, Failure> {
    use std::io::IsTerminal as _;
    let mut child = Command::new(executable)
        .arg(calls_file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Failure::Environment(format!("cannot start the driver: {e}")))?;
    let stdout = child.stdout.take().expect("piped");
    let terminal = std::io::stderr().is_terminal();
    let mut lines = Vec::with_capacity(total);
    let mut shown = 0;
    for line in std::io::BufReader::new(stdout).lines() {
        let line =
            line.map_err(|e| Failure::Environment(format!("cannot read the driver: {e}")))?;
        if let Ok(value) = serde_json::from_str::<Value>(&line) {
            lines.push(value);
        }
        let done = lines.len();
        if progress && terminal {
            eprint!("\rconformance: {done}/{total} calls");
        } else if progress && (done * 10 / total.max(1) > shown || done == total) {
            shown = done * 10 / total.max(1);
            eprintln!("conformance: {done}/{total} calls");
        }
    }
    if progress && terminal {
        eprintln!();
    }
    let output = child
        .wait_with_output()
        .map_err(|e| Failure::Environment(format!("the driver did not finish: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Failure::Build(format!(
            "the driver stopped ({}) after {} of {total} calls: {}",
            output.status,
            lines.len(),
            stderr.lines().take(20).collect::<Vec<_>>().join("\n")
        )));
    }
    Ok(lines)
}

/// Values of the request-context headers: built from the first header parameter that declares
/// each (its example, else a synthesized value), else what the JTL documents accept.
fn context_values(api: &Analysis, seed: u64) -> Value {
    let mut values = serde_json::Map::new();
    for module in &api.modules {
        let doc = &module.document;
        let mut synth = values::Synth::new(doc, seed, 0);
        for op in &module.operations {
            let (_, parameters) = raw_operation(doc, op);
            for used in &op.context {
                let name = match used.key {
                    ContextKey::Tenant => "tenant",
                    ContextKey::AppId => "app_id",
                    ContextKey::AppVersion => "app_version",
                    ContextKey::RunAs => "run_as",
                    ContextKey::SessionId => "session",
                    ContextKey::CompanyId => "company_id",
                    ContextKey::ChallengeCode => "challenge_code",
                };
                if values.contains_key(name) {
                    continue;
                }
                let raw = parameters.iter().find(|p| {
                    p.get("in").and_then(Value::as_str) == Some("header")
                        && p.get("name")
                            .and_then(Value::as_str)
                            .is_some_and(|n| n.eq_ignore_ascii_case(&used.header))
                });
                let text = match raw.map(|raw| synth.parameter(raw)) {
                    Some(Value::String(text)) => text,
                    Some(Value::Number(n)) => n.to_string(),
                    Some(Value::Bool(b)) => b.to_string(),
                    _ => continue,
                };
                values.insert(name.to_owned(), Value::String(text));
            }
        }
    }
    let defaults = [
        ("tenant", "6f1c2b3a-1111-4222-8333-944455556666"),
        ("app_id", "Conformance/1.0.0"),
        ("app_version", "1.0.0"),
        ("run_as", "1"),
        ("session", "0b6c5d2e-0000-4000-8000-000000000001"),
        ("company_id", "1"),
        ("challenge_code", "conformance"),
    ];
    for (key, value) in defaults {
        values
            .entry(key)
            .or_insert_with(|| Value::String(value.to_owned()));
    }
    Value::Object(values)
}

/// Every call of every run: the operation, its arguments in the method's order, credentials.
fn calls(api: &Analysis, options: &Options) -> Vec<Value> {
    let mut calls = Vec::new();
    for run in 0..options.runs.max(1) {
        let mut index = 0;
        for module in &api.modules {
            let doc = &module.document;
            let mut synth = values::Synth::new(doc, options.seed, run);
            for op in &module.operations {
                calls.push(json!({
                    "op": index,
                    "run": run,
                    "api": module.name,
                    "id": op.id,
                    "args": arguments(&mut synth, doc, op),
                    "auth": credentials(doc, op, options.seed),
                }));
                index += 1;
            }
        }
    }
    calls
}

/// The raw operation object and the parameters declared on it and on its path.
fn raw_operation<'a>(doc: &'a Value, op: &OperationView) -> (&'a Value, Vec<&'a Value>) {
    let operation = doc.pointer(&op.pointer).unwrap_or(&Value::Null);
    let path_item = op
        .pointer
        .rsplit_once('/')
        .and_then(|(parent, _)| doc.pointer(parent))
        .unwrap_or(&Value::Null);
    let parameters = [operation, path_item]
        .into_iter()
        .filter_map(|o| o.get("parameters").and_then(Value::as_array))
        .flatten()
        .map(|p| values::resolve(doc, p))
        .collect();
    (operation, parameters)
}

fn arguments<'a>(synth: &mut values::Synth<'a>, doc: &'a Value, op: &OperationView) -> Vec<Value> {
    let (operation, parameters) = raw_operation(doc, op);
    let mut args = Vec::new();
    for p in &op.parameters {
        let raw = parameters.iter().find(|r| {
            r.get("in").and_then(Value::as_str) == Some(p.place.name())
                && r.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(&p.name))
        });
        let value = match raw {
            Some(_) if !p.required && !synth.include_optional() => Value::Null,
            Some(raw) => synth.parameter(raw),
            None => Value::Null,
        };
        // The generator reads `oneOf: [T, array of T]` as a list: one value is a list of one.
        let value = match value {
            v if p.ty.is_list() && !v.is_array() && !v.is_null() => Value::Array(vec![v]),
            v => v,
        };
        args.push(value);
    }
    if let Some(body) = &op.body {
        let content = synth.resolve(operation.get("requestBody").unwrap_or(&Value::Null));
        let media = content.get("content").and_then(Value::as_object);
        let wanted = |name: &str| name == body.content_type;
        let schema = media
            .and_then(|m| {
                m.iter()
                    .find(|(name, _)| wanted(name))
                    .or_else(|| m.iter().next())
            })
            .and_then(|(_, m)| m.get("schema"))
            .unwrap_or(&Value::Null);
        let value = synth.value(schema, 0);
        args.push(match body.kind {
            // Text and bytes are sent as they are: a string, or the bytes of one.
            BodyKind::Text => Value::String(
                value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned),
            ),
            BodyKind::Binary => Value::Array(
                value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned)
                    .bytes()
                    .map(Value::from)
                    .collect(),
            ),
            _ => value,
        });
    }
    args
}

/// Credentials for the first alternative of the security requirement that names a scheme
/// (every scheme of it: combined requirements need them all); none for no requirement. Each is a
/// placeholder unless the document declares the parameter it travels in (the vendor's
/// `x-api-key` header with `format: uuid`): then it is a value of that parameter's schema, the
/// same in every run.
fn credentials(doc: &Value, op: &OperationView, seed: u64) -> Vec<(String, String, String)> {
    let (operation, parameters) = raw_operation(doc, op);
    let requirement = operation
        .get("security")
        .or_else(|| doc.get("security"))
        .and_then(Value::as_array);
    let Some(alternative) = requirement
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .find(|a| !a.is_empty())
    else {
        return Vec::new();
    };
    let mut synth = values::Synth::new(doc, seed, 0);
    let mut fitted = |place: &str, name: &str, default: &str| {
        declared_parameter(doc, &parameters, place, name)
            .map_or_else(|| default.to_owned(), |p| synth.credential(p, default))
    };
    let mut out: Vec<(String, String, String)> = Vec::new();
    for name in alternative.keys() {
        let scheme = doc
            .pointer(&pointer(["components", "securitySchemes", name.as_str()]))
            .map_or(&Value::Null, |s| values::resolve(doc, s));
        let text = |key: &str| scheme.get(key).and_then(Value::as_str).unwrap_or("");
        let entry = match text("type") {
            "apiKey" => match text("in") {
                "query" => (
                    "query",
                    text("name").to_owned(),
                    fitted("query", text("name"), "conformance-key"),
                ),
                "cookie" => (
                    "header",
                    "cookie".to_owned(),
                    format!(
                        "{}={}",
                        text("name"),
                        fitted("cookie", text("name"), "conformance-key")
                    ),
                ),
                _ => (
                    "header",
                    text("name").to_owned(),
                    fitted("header", text("name"), "conformance-key"),
                ),
            },
            kind => {
                let default = match kind {
                    // base64("conformance:secret")
                    "http" if text("scheme").eq_ignore_ascii_case("basic") => {
                        "Basic Y29uZm9ybWFuY2U6c2VjcmV0".to_owned()
                    }
                    "http" if !text("scheme").eq_ignore_ascii_case("bearer") => {
                        format!("{} conformance", text("scheme"))
                    }
                    _ => "Bearer conformance-token".to_owned(),
                };
                (
                    "header",
                    "authorization".to_owned(),
                    fitted("header", "authorization", &default),
                )
            }
        };
        let entry = (entry.0.to_owned(), entry.1, entry.2);
        if !out
            .iter()
            .any(|(p, n, _)| *p == entry.0 && n.eq_ignore_ascii_case(&entry.1))
        {
            out.push(entry);
        }
    }
    out
}

/// The parameter a credential travels in, as the document declares it: on the operation or its
/// path, else anywhere in the document (a key is one value for the whole API). Header names
/// compare without case.
fn declared_parameter<'a>(
    doc: &'a Value,
    own: &[&'a Value],
    place: &str,
    name: &str,
) -> Option<&'a Value> {
    let is_it = |p: &&'a Value| {
        p.get("in").and_then(Value::as_str) == Some(place)
            && p.get("name").and_then(Value::as_str).is_some_and(|n| {
                if place == "header" {
                    n.eq_ignore_ascii_case(name)
                } else {
                    n == name
                }
            })
    };
    if let Some(found) = own.iter().copied().find(is_it) {
        return Some(found);
    }
    let components = doc
        .pointer("/components/parameters")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values());
    let in_paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .flat_map(|item| {
            let operations = item
                .as_object()
                .into_iter()
                .flat_map(|m| m.values())
                .filter_map(|op| op.get("parameters"));
            item.get("parameters").into_iter().chain(operations)
        })
        .filter_map(Value::as_array)
        .flatten();
    components
        .chain(in_paths)
        .map(|p| values::resolve(doc, p))
        .find(is_it)
}

/// What the generator gave up per operation: its warnings located inside the operation.
fn degraded(api: &Analysis, warnings: &[Diagnostic]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for module in &api.modules {
        for op in &module.operations {
            let lost = warnings
                .iter()
                .filter(|w| w.file == module.file)
                .filter_map(|w| match &w.location {
                    Location::Pointer(p) if p == &op.pointer => {
                        Some(format!("{}: {}", w.kind, w.message))
                    }
                    Location::Pointer(p) => p
                        .strip_prefix(&format!("{}/", op.pointer))
                        .map(|at| format!("{} at {at}: {}", w.kind, w.message)),
                    _ => None,
                })
                .collect();
            out.push(lost);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (place, name, value) of each credential an operation sends.
    type Sent = Vec<(String, String, String)>;

    /// The credentials of each operation of a document (its `x-jtl-module` is `m`).
    fn credentials_of(yaml: &str) -> Vec<(String, Sent)> {
        let source = jtl_erp_generator::SourceDocument {
            path: "doc.yaml".to_owned(),
            text: yaml.to_owned(),
        };
        let api = analyze(&[source], &jtl_erp_generator::Settings::default())
            .unwrap_or_else(|r| panic!("{r}"));
        let module = &api.modules[0];
        module
            .operations
            .iter()
            .map(|op| (op.id.clone(), credentials(&module.document, op, 1)))
            .collect()
    }

    const SCHEMES: &str = "components:
  securitySchemes:
    Wawi: {type: apiKey, in: header, name: x-api-key}
    query: {type: apiKey, in: query, name: key}
    cookie: {type: apiKey, in: cookie, name: session}
    bearer: {type: http, scheme: bearer}
  parameters:
    Session:
      name: session
      in: cookie
      schema: {type: string, pattern: '^[0-9]{6}$'}
";

    #[test]
    fn an_api_key_declared_as_a_uuid_header_is_a_uuid_wherever_it_is_declared() {
        let doc = format!(
            "openapi: 3.0.3
info: {{title: t, version: '1', x-jtl-module: m}}
paths:
  /declared:
    get:
      operationId: Declared
      security: [{{Wawi: [], bearer: []}}]
      parameters:
        - {{name: X-Api-Key, in: header, required: true, schema: {{type: string, format: uuid}}}}
      responses: {{'204': {{description: none}}}}
  /elsewhere:
    get:
      operationId: Elsewhere
      security: [{{Wawi: []}}]
      responses: {{'204': {{description: none}}}}
  /others:
    get:
      operationId: Others
      security: [{{query: [], cookie: []}}]
      responses: {{'204': {{description: none}}}}
{SCHEMES}"
        );
        let uuid = |text: &str| {
            let parts: Vec<usize> = text.split('-').map(str::len).collect();
            parts == [8, 4, 4, 4, 12] && text.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
        };
        let all = credentials_of(&doc);
        let (_, declared) = &all[0];
        assert_eq!(declared.len(), 2, "{declared:?}");
        assert_eq!(
            (declared[0].0.as_str(), declared[0].1.as_str()),
            ("header", "x-api-key")
        );
        assert!(uuid(&declared[0].2), "{declared:?}");
        assert_eq!(
            declared[1],
            (
                "header".to_owned(),
                "authorization".to_owned(),
                "Bearer conformance-token".to_owned()
            )
        );
        // Declared by another operation only: still the API's key, a uuid, the same one.
        let (_, elsewhere) = &all[1];
        assert_eq!(elsewhere, &declared[..1]);
        // Undeclared (the query key) keeps the placeholder; the cookie fits its pattern.
        let (_, others) = &all[2];
        assert_eq!(
            others,
            &[
                (
                    "query".to_owned(),
                    "key".to_owned(),
                    "conformance-key".to_owned()
                ),
                (
                    "header".to_owned(),
                    "cookie".to_owned(),
                    "session=000000".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_declared_authorization_header_shapes_the_token() {
        let doc = format!(
            "openapi: 3.0.3
info: {{title: t, version: '1', x-jtl-module: m}}
paths:
  /x:
    get:
      operationId: X
      security: [{{bearer: []}}]
      parameters:
        - {{name: Authorization, in: header, schema: {{type: string, pattern: '^Bearer [A-Za-z0-9]+$'}}}}
      responses: {{'204': {{description: none}}}}
{SCHEMES}"
        );
        let all = credentials_of(&doc);
        let token = &all[0].1[0].2;
        assert!(
            values::matches_pattern(token, "^Bearer [A-Za-z0-9]+$"),
            "{token}"
        );
    }
}
