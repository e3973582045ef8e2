//! Helpers shared by the end-to-end tests.

pub mod call_marker;
pub mod deadline;
pub mod fixtures;
mod mock_server;
pub mod rate_window;
#[cfg(doctest)]
mod readme;
pub mod redis_server;
pub mod trace_capture;

pub use jtl_erp_test_macros::test;
pub use mock_server::MockServer;

use std::path::PathBuf;

use jtl_erp_generator::SourceDocument;

/// The repository root.
pub fn repo_root() -> PathBuf {
    jtl_erp_regen::repo_root()
}

/// The documents in spec/, as `cargo xtask regen` reads them.
pub fn spec_documents() -> Vec<SourceDocument> {
    let root = repo_root();
    let specs = jtl_erp_regen::default_specs(&root).expect("spec/ is readable");
    jtl_erp_regen::read_specs(&root, &specs).expect("spec documents are readable")
}

/// Every value of a header in a request the mock server received.
pub fn header_values(request: &wiremock::Request, name: &str) -> Vec<String> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().expect("ASCII header").to_owned())
        .collect()
}

/// The body of a received request as text.
pub fn body_text(request: &wiremock::Request) -> String {
    String::from_utf8(request.body.clone()).expect("UTF-8 body")
}

/// Node tools of the test suite (`package.json` at the repository root), installed once per
/// test process with `npm ci` from the committed lock file. Panics with instructions when npm
/// is missing: these tests never skip silently.
pub fn node_tool(name: &str) -> PathBuf {
    node_modules();
    let tool = repo_root().join("node_modules/.bin").join(name);
    assert!(
        tool.exists(),
        "`npm ci` ran but {} is missing; is it in package.json?",
        tool.display()
    );
    tool
}

/// A Node package of the test suite that is a library, not a tool (`jose`, `oidc-provider`):
/// its directory under `node_modules`, installed as [`node_tool`]s are.
pub fn node_package(name: &str) -> PathBuf {
    node_modules();
    let dir = repo_root().join("node_modules").join(name);
    assert!(
        dir.join("package.json").exists(),
        "`npm ci` ran but {} is missing; is it in package.json?",
        dir.display()
    );
    dir
}

/// Runs `npm ci` once per test process when a package of `package.json` is missing from
/// `node_modules` (one from before a package was added counts as missing), before any test
/// of the process uses it: callers wait for the one install.
fn node_modules() {
    static INSTALLED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    let installed = INSTALLED.get_or_init(|| {
        let root = repo_root();
        let manifest: serde_json::Value = std::fs::read(root.join("package.json"))
            .ok()
            .and_then(|text| serde_json::from_slice(&text).ok())
            .ok_or("package.json cannot be read")?;
        let complete = manifest["devDependencies"]
            .as_object()
            .is_some_and(|packages| {
                packages.keys().all(|name| {
                    root.join("node_modules")
                        .join(name)
                        .join("package.json")
                        .exists()
                })
            });
        if complete {
            Ok(())
        } else {
            jtl_erp_regen::npm_ci(&root)
        }
    });
    if let Err(message) = installed {
        panic!("the Node tools of the tests are not available: {message}");
    }
}

/// A free TCP port on 127.0.0.1 (bound, then released for the child to take).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Spawns a server told to listen on port 0 and returns it with the base URL it announces on
/// standard output (`… listening on http://127.0.0.1:PORT`). The operating system picks the port
/// as the server binds it, so no other test or process can take it in between: a port from
/// [`free_port`] is only free until someone else binds it, and the repeat harness found two
/// servers meeting on one.
pub fn spawn_announcing(mut command: std::process::Command, what: &str) -> (ChildGuard, String) {
    use std::io::BufRead as _;
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{what} starts: {e}"));
    let stdout = child.stdout.take().expect("piped");
    let guard = ChildGuard(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        // Read to the end: a server whose output nobody drains blocks once the pipe is full.
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(url) = jtl_erp_conformance::prism::announced_url(&line)
                && let Some(tx) = tx.take()
            {
                let _ = tx.send(url);
            }
        }
    });
    let url = rx
        .recv_timeout(std::time::Duration::from_secs(90))
        .unwrap_or_else(|_| panic!("{what} did not announce its address within 90 s"));
    (guard, url)
}

/// A child process that is killed when the test ends, passed or failed.
pub struct ChildGuard(pub std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits until `url` answers (any status), at most `seconds`.
pub async fn wait_until_answering(url: &str, seconds: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let client = jtl_erp_runtime::reqwest::Client::new();
    loop {
        if client.get(url).send().await.is_ok() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{url} did not answer within {seconds} s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// A bare HTTP/1.1 server on 127.0.0.1 for behaviours no well-behaved server library produces
/// (trickling, stalling, resetting, endless bodies). Each connection's request head is read,
/// then `answer` writes whatever it wants to the socket.
pub struct RawServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
}

impl RawServer {
    /// Starts the server on a thread of its own; it lives until the test process ends.
    pub fn start(answer: fn(&mut std::net::TcpStream)) -> Self {
        use std::io::Read as _;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                std::thread::spawn(move || {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n")
                        && stream.read(&mut byte).is_ok_and(|n| n == 1)
                    {
                        head.push(byte[0]);
                    }
                    answer(&mut stream);
                });
            }
        });
        Self { url }
    }
}
