//! The driver crate: a small binary, rendered from the generator's [`Analysis`], that calls every operation of the
//! generated client with arguments read from a calls file (so that one build serves every run,
//! seed and mode), next to the client in a workspace of their own.

use std::fmt::Write as _;

use jtl_erp_generator::{Analysis, OperationView};

const TEMPLATE: &str = include_str!("driver_template.rs");

/// `src/main.rs` of the driver: operation `n` (in module order) is arm `n` of `call_operation`.
pub fn main_rs(api: &Analysis) -> String {
    let mut clients = String::from("struct Clients {\n");
    for (m, module) in api.modules.iter().enumerate() {
        let _ = writeln!(clients, "    m{m}: client::{}::Client,", module.name);
    }
    clients.push_str(
        "}\n\nfn clients(urls: &[String], context: &Context, credentials: &Arc<Credentials>, recorder: &Recorder) -> Clients {\n    Clients {\n",
    );
    for (m, module) in api.modules.iter().enumerate() {
        let _ = writeln!(
            clients,
            "        m{m}: client::{}::Client::builder().base_url(&urls[{m}]).auth_shared(credentials.clone()).context(context.clone()).hook(recorder.clone()).retry(RetryPolicy::disabled()).http_settings(&client::runtime::HttpSettings::new().timeout(std::time::Duration::from_secs(30))).build().expect(\"client builds\"),",
            module.name
        );
    }
    clients.push_str("    }\n}\n");

    let mut operations = String::new();
    let mut arms = String::new();
    let mut index = 0;
    for (m, module) in api.modules.iter().enumerate() {
        for op in &module.operations {
            let _ = writeln!(
                arms,
                "        {index} => Box::pin(op_{index}(clients, args)),"
            );
            operations.push_str(&operation_fn(m, index, op));
            index += 1;
        }
    }
    let dispatch = format!(
        "fn call_operation<'a>(clients: &'a Clients, op: usize, args: &'a [Value]) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Outcome, String>> + Send + 'a>> {{\n    match op {{\n{arms}        _ => Box::pin(async move {{ Err(format!(\"no operation {{op}}\")) }}),\n    }}\n}}\n"
    );
    TEMPLATE
        .replace("// @CLIENTS@", &clients)
        .replace("// @OPERATIONS@", &format!("{operations}\n{dispatch}"))
}

/// One `async fn op_N`: the arguments deserialized into their owned types (argument `i` of the
/// calls file is parameter `i` of the view, then the body), the required ones passed to the
/// method in order, the optional ones (`Option`s) to their builder's `Option` setters, then the
/// request awaited.
fn operation_fn(module: usize, index: usize, op: &OperationView) -> String {
    let mut body = String::new();
    let mut call = Vec::new();
    let mut setters = String::new();
    let inputs = op
        .parameters
        .iter()
        .map(|p| (&p.ty, p.setters.as_ref()))
        .chain(op.body.iter().map(|b| (&b.ty, b.setters.as_ref())));
    for (arg, (ty, set)) in inputs.enumerate() {
        // The driver imports the generated crate as `client`, the runtime as `rt`.
        let ty = ty.rust_outside("client");
        match set {
            None => {
                let _ = writeln!(body, "    let a{arg}: {ty} = arg(args, {arg})?;");
                call.push(format!("a{arg}"));
            }
            Some(set) => {
                let _ = writeln!(body, "    let a{arg}: Option<{ty}> = arg(args, {arg})?;");
                let _ = write!(setters, ".{}(a{arg})", set.option);
            }
        }
    }
    format!(
        "async fn op_{index}(clients: &Clients, args: &[Value]) -> Result<Outcome, String> {{\n{body}    Ok(finish(clients.m{module}.{}({}){setters}.await))\n}}\n\n",
        op.method_name,
        call.join(", ")
    )
}

/// `Cargo.toml` of the driver in the workspace at `dir`; `client` is the generated crate next to
/// it. The binary's name carries the workspace's tag: cargo puts every executable of the shared
/// target directory under its name, where a fresh build would find another workspace's driver.
pub fn driver_manifest(root: &std::path::Path, dir: &std::path::Path) -> String {
    let (bin, tag) = (binary_name(dir), tag(dir));
    let runtime = jtl_erp_regen::relative(&driver_dir(dir), &root.join("generator/runtime"));
    format!(
        r#"[package]
name = "jtl-erp-conformance-driver"
version = "0.0.0"
edition = "2024"
publish = false

[[bin]]
name = "{bin}"
path = "src/main.rs"

[dependencies]
client = {{ package = "jtl-erp-client", path = "../client-{tag}" }}
jtl-erp-runtime = {{ path = "{runtime}" }}
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
"#
    )
}

/// The tag of the workspace at `dir`, in the names of its member directories and of the driver's
/// binary: the same for the same directory (a kept `--out` rebuilds nothing), another for every
/// other (FNV-1a of the path). Cargo identifies a workspace member in the shared target
/// directory by its path relative to the workspace root, so members of two workspaces at the same
/// relative path would share (and mix up) their compiled artifacts.
pub fn tag(dir: &std::path::Path) -> String {
    let hash = dir
        .to_string_lossy()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{hash:016x}")
}

/// The client's directory in the workspace at `dir`.
pub fn client_dir(dir: &std::path::Path) -> std::path::PathBuf {
    dir.join(format!("client-{}", tag(dir)))
}

/// The driver's directory in the workspace at `dir`.
pub fn driver_dir(dir: &std::path::Path) -> std::path::PathBuf {
    dir.join(format!("driver-{}", tag(dir)))
}

/// The driver's binary in the workspace at `dir`.
pub fn binary_name(dir: &std::path::Path) -> String {
    format!("jtl-erp-conformance-{}", tag(dir))
}

/// The workspace of client and driver, with this repository's profiles (so that dependencies
/// built for the repository are reused from its target directory).
pub fn workspace_manifest(dir: &std::path::Path, root_manifest: &str) -> String {
    let profiles = root_manifest
        .find("\n[profile.")
        .map_or("", |start| &root_manifest[start..]);
    let tag = tag(dir);
    format!(
        "[workspace]\nresolver = \"3\"\nmembers = [\"client-{tag}\", \"driver-{tag}\"]\n{profiles}"
    )
}
