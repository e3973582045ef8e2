//! Prism, the independent judge, for the conformance tool and the contract tests alike:
//! installed like the test suite installs it (`npm ci` from the committed lock file), started on
//! loopback port 0 so that the operating system picks a port no one else holds, its address read
//! from what it prints, stopped on drop.

use std::ffi::OsStr;
use std::io::{BufRead as _, Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Why Prism is not there to judge: missing, not starting, silent, or its port taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrismError(pub String);

impl std::fmt::Display for PrismError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PrismError {}

/// The `prism` executable: `explicit` when given (it must exist), else
/// `node_modules/.bin/prism` under `root`, installed with `npm ci` when missing.
pub fn locate(root: &Path, explicit: Option<&Path>) -> Result<PathBuf, PrismError> {
    if let Some(path) = explicit {
        return if path.is_file() {
            Ok(path.to_path_buf())
        } else {
            Err(PrismError(format!(
                "Prism not found at {} (--prism)",
                path.display()
            )))
        };
    }
    let tool = root.join("node_modules/.bin/prism");
    if tool.exists() {
        return Ok(tool);
    }
    eprintln!("installing Prism: npm ci (package-lock.json)");
    jtl_erp_regen::npm_ci(root)
        .map_err(|why| PrismError(format!("Prism is missing: {why}; or pass --prism PATH")))?;
    if !tool.exists() {
        return Err(PrismError(format!(
            "`npm ci` ran but {} is missing; pass --prism PATH",
            tool.display()
        )));
    }
    Ok(tool)
}

/// A Prism process that was started and may still be reading its document; [`Starting::ready`]
/// waits for it. Killed on drop.
pub struct Starting {
    process: Process,
    announced: Receiver<String>,
    /// Each output stream's reader says when it reached the end.
    closed: Receiver<()>,
}

/// A Prism that answers on [`url`](Self::url). Killed on drop.
pub struct Prism {
    /// `http://127.0.0.1:<port>`, as Prism announced it.
    pub url: String,
    _process: Process,
}

/// Where Prism listens and where its output goes.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// A port of one's choosing (`--port`); default: port 0, the operating system's pick.
    pub port: Option<u16>,
    /// A file that gets everything Prism prints (besides the tail kept for errors).
    pub log: Option<PathBuf>,
}

impl Prism {
    /// `prism mock DOCUMENT` on a loopback port of the system's choosing: answers from the
    /// document, refuses invalid requests (422 with the validation list).
    pub fn mock(tool: &Path, document: &Path) -> Result<Starting, PrismError> {
        Self::start(
            tool,
            &[OsStr::new("mock"), document.as_os_str()],
            &document.display().to_string(),
            &Launch::default(),
        )
    }

    /// `prism proxy DOCUMENT UPSTREAM`: forwards every request and reports what breaks the
    /// document in `sl-violations`.
    pub fn proxy(tool: &Path, document: &Path, upstream: &str) -> Result<Starting, PrismError> {
        Self::start(
            tool,
            &[
                OsStr::new("proxy"),
                document.as_os_str(),
                OsStr::new(upstream),
            ],
            &document.display().to_string(),
            &Launch::default(),
        )
    }

    /// `tool ARGS -h 127.0.0.1 -p PORT`; `what` names it in errors (the document). Returns at
    /// once: Prism reads its document while the caller does other work.
    pub fn start(
        tool: &Path,
        args: &[&OsStr],
        what: &str,
        launch: &Launch,
    ) -> Result<Starting, PrismError> {
        if let Some(port) = launch.port {
            // Prism would only say so in its log; an explicit port in use is the user's to fix.
            TcpListener::bind((Ipv4Addr::LOCALHOST, port))
                .map_err(|e| PrismError(format!("port 127.0.0.1:{port} is in use ({e})")))?;
        }
        let log_file = match &launch.log {
            Some(path) => Some(Arc::new(Mutex::new(std::fs::File::create(path).map_err(
                |e| PrismError(format!("cannot write {}: {e}", path.display())),
            )?))),
            None => None,
        };
        let mut child = Command::new(tool)
            .args(args)
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &launch.port.unwrap_or(0).to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| PrismError(format!("cannot start Prism ({}): {e}", tool.display())))?;
        let tail = Arc::new(Mutex::new(Vec::new()));
        let (announce, announced) = channel();
        let (close, closed) = channel();
        let stdout = child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>);
        let stderr = child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>);
        for (stream, announce) in [(stdout, Some(announce)), (stderr, None)] {
            if let Some(stream) = stream {
                read_output(stream, announce, close.clone(), &tail, log_file.clone());
            }
        }
        Ok(Starting {
            process: Process {
                child,
                what: what.to_owned(),
                tail,
            },
            announced,
            closed,
        })
    }
}

impl Starting {
    /// Waits, at most `timeout`, until Prism announces its address and answers HTTP there. A
    /// Prism that exits or stays silent is an error with the end of what it printed.
    pub fn ready(self, timeout: Duration) -> Result<Prism, PrismError> {
        let deadline = Instant::now() + timeout;
        let mut process = self.process;
        let url = loop {
            match self.announced.recv_timeout(Duration::from_millis(100)) {
                Ok(url) => break url,
                Err(RecvTimeoutError::Timeout) => {}
                // Its output ended without an address: it is exiting, or will be seen silent.
                Err(RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(Duration::from_millis(100))
                }
            }
            if let Ok(Some(status)) = process.child.try_wait() {
                // What it printed last: its output streams are read to their end (bounded).
                for _ in 0..2 {
                    let _ = self.closed.recv_timeout(Duration::from_secs(2));
                }
                return Err(PrismError(format!(
                    "Prism failed to start for {} ({status}): {}",
                    process.what,
                    process.tail()
                )));
            }
            if Instant::now() > deadline {
                return Err(PrismError(format!(
                    "Prism did not announce its address within {} s for {}: {}",
                    timeout.as_secs(),
                    process.what,
                    process.tail()
                )));
            }
        };
        while !answers(&url) {
            if Instant::now() > deadline {
                return Err(PrismError(format!(
                    "Prism did not answer at {url} within {} s for {}: {}",
                    timeout.as_secs(),
                    process.what,
                    process.tail()
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(Prism {
            url,
            _process: process,
        })
    }
}

/// The child, killed and reaped on drop, and the last lines it printed.
struct Process {
    child: Child,
    what: String,
    tail: Arc<Mutex<Vec<String>>>,
}

impl Process {
    /// The last five lines printed, or "no output".
    fn tail(&self) -> String {
        let lines = self.tail.lock().unwrap_or_else(|e| e.into_inner());
        let tail = lines[lines.len().saturating_sub(5)..].join(" | ");
        if tail.is_empty() {
            "no output".to_owned()
        } else {
            tail
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one output stream to its end on a thread of its own (a server whose output nobody
/// drains blocks once the pipe is full): keeps the last lines, copies them to the log, and sends
/// the first announced address.
fn read_output(
    stream: Box<dyn std::io::Read + Send>,
    announce: Option<Sender<String>>,
    close: Sender<()>,
    tail: &Arc<Mutex<Vec<String>>>,
    log: Option<Arc<Mutex<std::fs::File>>>,
) {
    let tail = Arc::clone(tail);
    std::thread::spawn(move || {
        let mut announce = announce;
        for line in std::io::BufReader::new(stream)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(log) = &log {
                let _ = writeln!(log.lock().unwrap_or_else(|e| e.into_inner()), "{line}");
            }
            if let Some(url) = announced_url(&line)
                && let Some(announce) = announce.take()
            {
                let _ = announce.send(url);
            }
            if !line.trim().is_empty() {
                let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
                tail.push(line);
                if tail.len() > 20 {
                    tail.remove(0);
                }
            }
        }
        let _ = close.send(());
    });
}

/// The `http://…` address of a line such as `Prism is listening on http://127.0.0.1:40225`
/// (also what oauth2-mock-server prints).
pub fn announced_url(line: &str) -> Option<String> {
    let start = line.find("listening on http://")? + "listening on ".len();
    let url: String = line[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '\u{1b}')
        .collect();
    Some(url.trim_end_matches('/').to_owned())
}

/// Whether an HTTP server answers at `url` (any status).
fn answers(url: &str) -> bool {
    let Some(address) = url.strip_prefix("http://") else {
        return false;
    };
    let Ok(mut stream) = TcpStream::connect(address) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /__ready HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream
        .read(&mut head)
        .is_ok_and(|n| n >= 5 && head.starts_with(b"HTTP/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An executable shell script standing in for Prism, in a directory of this test alone.
    fn fake_prism(name: &str, script: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "jtl-erp-conformance-prism-test-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("prism");
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).expect("write");
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod");
        path
    }

    #[test]
    fn the_address_prism_prints_is_where_it_is_found() {
        // A server of the test's own answers HTTP where the stand-in says it listens.
        let server = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let url = format!("http://{}", server.local_addr().expect("address"));
        std::thread::spawn(move || {
            for mut stream in server.incoming().map_while(Result::ok) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let _ = stream.read(&mut [0u8; 512]);
                let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
            }
        });
        let tool = fake_prism(
            "announcing",
            &format!("echo '[CLI] start  Prism is listening on {url}'\nexec sleep 30"),
        );
        let prism = Prism::mock(&tool, Path::new("doc.yaml"))
            .and_then(|p| p.ready(Duration::from_secs(30)))
            .expect("ready");
        assert_eq!(prism.url, url);
        drop(prism);
        let _ = std::fs::remove_dir_all(tool.parent().expect("its directory"));
    }

    #[test]
    fn a_silent_prism_and_a_taken_port_are_errors_that_say_so() {
        let tool = fake_prism("silent", "echo 'reading the document' >&2\nexec sleep 30");
        let started = Instant::now();
        let silent = Prism::mock(&tool, Path::new("doc.yaml"))
            .and_then(|p| p.ready(Duration::from_secs(1)))
            .err()
            .expect("no address");
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(
            silent.0,
            "Prism did not announce its address within 1 s for doc.yaml: reading the document"
        );

        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let port = taken.local_addr().expect("address").port();
        let launch = Launch {
            port: Some(port),
            log: None,
        };
        let busy = Prism::start(&tool, &[OsStr::new("mock")], "doc.yaml", &launch)
            .err()
            .expect("port in use");
        assert!(
            busy.0
                .starts_with(&format!("port 127.0.0.1:{port} is in use")),
            "{busy}"
        );
        let _ = std::fs::remove_dir_all(tool.parent().expect("its directory"));
    }

    #[test]
    fn the_announced_address_is_read_from_prism_and_oauth2_mock_server() {
        assert_eq!(
            super::announced_url(
                "[5:21:50 AM] › [CLI] ▶  start     Prism is listening on http://127.0.0.1:40225"
            ),
            Some("http://127.0.0.1:40225".to_owned())
        );
        assert_eq!(
            super::announced_url("OAuth 2 server listening on http://127.0.0.1:39815"),
            Some("http://127.0.0.1:39815".to_owned())
        );
        assert_eq!(
            super::announced_url("OAuth 2 issuer is http://localhost:39815"),
            None
        );
    }
}
