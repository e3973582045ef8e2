//! Prism, the independent judge: installed like the test suite installs it (`npm ci` from the
//! committed lock file), one `prism mock` per document on a loopback port, stopped on drop.

use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::Failure;

/// The `prism` executable: `explicit` when given, else `node_modules/.bin/prism`, installed
/// with `npm ci` when missing.
pub fn locate(root: &Path, explicit: Option<&Path>) -> Result<PathBuf, Failure> {
    if let Some(path) = explicit {
        return if path.is_file() {
            Ok(path.to_path_buf())
        } else {
            Err(Failure::Environment(format!(
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
    crate::npm_ci(root).map_err(|why| {
        Failure::Environment(format!("Prism is missing: {why}; or pass --prism PATH"))
    })?;
    if !tool.exists() {
        return Err(Failure::Environment(format!(
            "`npm ci` ran but {} is missing; pass --prism PATH",
            tool.display()
        )));
    }
    Ok(tool)
}

/// A free loopback port, or `wanted` when it is free.
pub fn port(wanted: Option<u16>) -> Result<u16, Failure> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, wanted.unwrap_or(0))).map_err(|e| {
        Failure::Environment(format!(
            "port 127.0.0.1:{} is in use ({e})",
            wanted.unwrap_or(0)
        ))
    })?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| Failure::Environment(format!("no free loopback port: {e}")))
}

/// A running `prism mock`, killed on drop.
pub struct Prism {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    port: u16,
    document: String,
    log: PathBuf,
    child: Child,
}

impl Prism {
    /// Starts `prism mock document` on `port`; its output goes to `log`.
    pub fn start(tool: &Path, document: &Path, port: u16, log: PathBuf) -> Result<Self, Failure> {
        let output = std::fs::File::create(&log)
            .map_err(|e| Failure::Environment(format!("cannot write {}: {e}", log.display())))?;
        let errors = output
            .try_clone()
            .map_err(|e| Failure::Environment(format!("cannot write {}: {e}", log.display())))?;
        let child = Command::new(tool)
            .arg("mock")
            .arg(document)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(output)
            .stderr(errors)
            .spawn()
            .map_err(|e| {
                Failure::Environment(format!("cannot start Prism ({}): {e}", tool.display()))
            })?;
        Ok(Self {
            url: format!("http://127.0.0.1:{port}"),
            port,
            document: document.display().to_string(),
            log,
            child,
        })
    }

    /// Waits until Prism answers HTTP; a Prism that exits or stays silent is an environment
    /// failure with the end of its log.
    pub fn ready(&mut self, timeout: Duration) -> Result<(), Failure> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(Failure::Environment(format!(
                    "Prism failed to start for {} ({status}): {}",
                    self.document,
                    self.log_tail()
                )));
            }
            if answers(self.port) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(Failure::Environment(format!(
                    "Prism did not answer on port {} within {} s for {}: {}",
                    self.port,
                    timeout.as_secs(),
                    self.document,
                    self.log_tail()
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let tail = lines[lines.len().saturating_sub(5)..].join(" | ");
        if tail.is_empty() {
            "no output".to_owned()
        } else {
            tail
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether an HTTP server answers on the port (any status).
fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /__ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream
        .read(&mut head)
        .is_ok_and(|n| n >= 5 && head.starts_with(b"HTTP/"))
}
