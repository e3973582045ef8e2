//! The watchdog behind `#[jtl_erp_tests::test]`: a test that passes its deadline stops the test
//! binary with the test's name, so that a hang costs seconds and names its culprit.

use std::io::Write as _;
use std::sync::mpsc;
use std::time::Duration;

/// Armed while a test runs; dropping it (the test ended, passed or failed) disarms the watchdog.
#[must_use = "the deadline is disarmed when this guard is dropped"]
pub struct Deadline {
    _disarm: mpsc::Sender<()>,
}

impl Deadline {
    /// Arms a watchdog for the test `path` (`module_path!()::name`): if the guard still lives
    /// after `limit`, the process prints the test's name and exits with status 101, the status
    /// of a failed test binary. Exiting is the only bound that holds for every hang: a thread
    /// spinning inside a synchronous `Drop` (issue 22) can be neither cancelled nor unwound.
    pub fn arm(path: &'static str, limit: Duration) -> Self {
        let (disarm, disarmed) = mpsc::channel::<()>();
        let name = test_name(path);
        std::thread::Builder::new()
            .name(format!("deadline of {name}"))
            .spawn(move || {
                // Only a timeout means the guard still lives; a disconnect is the guard's drop.
                if let Err(mpsc::RecvTimeoutError::Timeout) = disarmed.recv_timeout(limit) {
                    // Straight to the stream: `eprintln!` would go to libtest's capture of the
                    // test (threads inherit it), which nobody prints once the process exits.
                    let _ = writeln!(
                        std::io::stderr(),
                        "\ntest {name} ... DEADLINE: still running after {} s; stopping the test binary",
                        limit.as_secs()
                    );
                    std::process::exit(101);
                }
            })
            .expect("the watchdog thread starts");
        Self { _disarm: disarm }
    }
}

/// The name libtest prints for a test: its module path without the test binary's crate name.
fn test_name(path: &str) -> &str {
    path.split_once("::").map_or(path, |(_, rest)| rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_is_the_one_libtest_prints() {
        assert_eq!(test_name("client::auth::a_test"), "auth::a_test");
        assert_eq!(test_name("lonely"), "lonely");
    }
}
