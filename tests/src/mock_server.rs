//! wiremock's `MockServer`, dropped where its drop cannot block a runtime.
//!
//! Why (issue 22): `wiremock::MockServer`'s `Drop` runs `futures::executor::block_on(verify())`,
//! and `verify` takes a `tokio::sync::RwLock`. Tokio's lock acquisition takes part in cooperative
//! scheduling: when the current task has spent its budget (128 operations per poll), the
//! acquisition answers `Pending` and wakes itself, expecting the task to yield to the scheduler,
//! which refills the budget. Inside `block_on` nothing yields: the budget stays at zero, the lock
//! answers `Pending` on every poll, and the test thread spins at 100 % forever. Whether a test's
//! last poll ends with its budget spent depends on how many of its awaits completed in that poll,
//! that is on scheduling: two runs in nine on a busy 2-core machine.
//! `tests/client/harness.rs` reproduces it with a budget spent on purpose.
//!
//! The fix: this wrapper hands the server to a thread of its own to drop. That thread is outside
//! any runtime, so tokio grants it an unconstrained budget. The dropping thread is joined, and a
//! failed verification (`Mock::expect`) is re-raised in the test.

use std::ops::Deref;

/// A `wiremock::MockServer` whose drop cannot block the test's runtime (see the module docs).
#[derive(Debug)]
pub struct MockServer(Option<wiremock::MockServer>);

impl MockServer {
    /// Starts a mock server on a random port of 127.0.0.1.
    pub async fn start() -> Self {
        Self::from(wiremock::MockServer::start().await)
    }
}

impl From<wiremock::MockServer> for MockServer {
    fn from(server: wiremock::MockServer) -> Self {
        Self(Some(server))
    }
}

impl Deref for MockServer {
    type Target = wiremock::MockServer;
    fn deref(&self) -> &Self::Target {
        self.0.as_ref().expect("present until dropped")
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let Some(server) = self.0.take() else { return };
        let dropped = std::thread::Builder::new()
            .name("mock server drop".to_owned())
            .spawn(move || drop(server))
            .expect("a thread to drop the mock server on")
            .join();
        if let Err(panic) = dropped {
            // A failed verification; re-raised unless the test is failing already.
            if !std::thread::panicking() {
                std::panic::resume_unwind(panic);
            }
        }
    }
}
