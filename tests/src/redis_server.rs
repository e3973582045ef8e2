//! A real `redis-server` for the fleet tests: started on a free loopback port in a temporary
//! directory, without persistence, killed (and its directory removed) on drop.
//!
//! Where the binary is absent the tests that need it say so and return, except under CI (the
//! variable `CI` set), where `.ci/run` installs it and its absence fails the test.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A running `redis-server` on 127.0.0.1.
#[derive(Debug)]
pub struct RedisServer {
    binary: PathBuf,
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

/// The `redis-server` binary: `$REDIS_SERVER`, else the first on `PATH`, else Debian's.
fn binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("REDIS_SERVER") {
        return Some(PathBuf::from(path));
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("redis-server"));
    on_path
        .chain([PathBuf::from("/usr/bin/redis-server")])
        .find(|p| p.is_file())
}

impl RedisServer {
    /// Starts a server, or says why the calling test is skipped and returns `None` when
    /// `redis-server` is not installed. Under CI its absence panics: CI installs it.
    pub fn start_or_skip(test: &str) -> Option<Self> {
        let Some(binary) = binary() else {
            let message = format!(
                "{test}: SKIPPED: `redis-server` is not installed (Debian: `apt-get install redis-server`; or set REDIS_SERVER)"
            );
            if std::env::var_os("CI").is_some() {
                panic!("{message}; CI must install it (.ci/run does)");
            }
            eprintln!("{message}");
            return None;
        };
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "jtl-redis-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).expect("temporary directory for redis-server");
        // redis-server 7.0 has no random port of its own: take one the kernel hands out and
        // try again should another process take it first.
        for _ in 0..10 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free loopback port")
                .port();
            let mut server = RedisServer {
                binary: binary.clone(),
                port,
                dir: dir.clone(),
                child: None,
            };
            if server.spawn() {
                return Some(server);
            }
        }
        panic!(
            "redis-server ({}) did not start on 10 ports",
            binary.display()
        );
    }

    /// Starts the process on this server's port; whether it answers PING.
    fn spawn(&mut self) -> bool {
        let mut child = Command::new(&self.binary)
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.binary.display()));
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return false; // the port was taken
            }
            if self.command(&["PING"]).is_ok_and(|r| r == "PONG") {
                self.child = Some(child);
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        false
    }

    /// `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Kills the server (it is down until [`restart`](Self::restart)).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, empty.
    pub fn restart(&mut self) {
        self.kill();
        assert!(
            self.spawn(),
            "redis-server did not restart on port {}",
            self.port
        );
    }

    /// Runs one command and returns its reply as text: a status or a bulk string as is, an
    /// integer as digits, nil as `(nil)`, an error as `Err`, an array as its elements joined
    /// by newlines.
    pub fn command(&self, args: &[&str]) -> Result<String, String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .map_err(|e| e.to_string())?;
        let mut request = format!("*{}\r\n", args.len());
        for arg in args {
            request.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
        }
        stream
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut reader = BufReader::new(stream);
        read_reply(&mut reader)
    }
}

fn read_reply(reader: &mut impl BufRead) -> Result<String, String> {
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| e.to_string())?;
    let line = line.trim_end_matches("\r\n");
    let (kind, rest) = line.split_at(line.len().min(1));
    match kind {
        "+" | ":" => Ok(rest.to_owned()),
        "-" => Err(rest.to_owned()),
        "$" => {
            let len: i64 = rest.parse().map_err(|_| format!("bad reply `{line}`"))?;
            if len < 0 {
                return Ok("(nil)".to_owned());
            }
            let mut body = vec![0; len as usize + 2];
            reader.read_exact(&mut body).map_err(|e| e.to_string())?;
            body.truncate(len as usize);
            String::from_utf8(body).map_err(|e| e.to_string())
        }
        "*" => {
            let len: i64 = rest.parse().map_err(|_| format!("bad reply `{line}`"))?;
            let items: Result<Vec<String>, String> =
                (0..len.max(0)).map(|_| read_reply(reader)).collect();
            Ok(items?.join("\n"))
        }
        _ => Err(format!("unexpected reply `{line}`")),
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
