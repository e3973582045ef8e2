//! The clock of token lifetimes, of every backoff wait and of every date a server or a token
//! names (`Retry-After`, `tokenExpireAt`, `exp`), injectable so that tests advance time instead of
//! sleeping (tokio's paused clock does not mix with real loopback IO: an idle runtime
//! auto-advances and fires reqwest's timeouts).

use std::fmt;
use std::sync::Arc;
#[cfg(any(test, feature = "test-util"))]
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use crate::auth::BoxFuture;

/// Tells the time and waits.
pub trait TimeSource: Send + Sync + fmt::Debug {
    /// The current instant: what lifetimes and waits are measured on.
    fn now(&self) -> Instant;
    /// The current wall-clock time: what dates are compared with (an HTTP date in
    /// `Retry-After`, a token's `exp`, SCX's `tokenExpireAt`). The same clock as [`now`](Self::now):
    /// a test that advances one advances the other.
    fn wall_clock(&self) -> SystemTime;
    /// Waits `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// A cheap, shareable handle on a [`TimeSource`]; the default is the system clock with tokio's
/// timers.
#[derive(Debug, Clone)]
pub struct SharedTimeSource(Arc<dyn TimeSource>);

impl SharedTimeSource {
    /// Shares `source`.
    pub fn new(source: impl TimeSource + 'static) -> Self {
        Self(Arc::new(source))
    }
    /// The current instant.
    pub fn now(&self) -> Instant {
        self.0.now()
    }
    /// The current wall-clock time.
    pub fn wall_clock(&self) -> SystemTime {
        self.0.wall_clock()
    }
    /// Waits `duration`.
    pub fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.0.sleep(duration)
    }
}

impl Default for SharedTimeSource {
    fn default() -> Self {
        Self::new(SystemClock)
    }
}

/// The system's clocks (monotonic and wall) and tokio's timers.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl TimeSource for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn wall_clock(&self) -> SystemTime {
        SystemTime::now()
    }
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: it stands still until [`advance`](Self::advance)d, and a `sleep` moves it
/// forward at once and is recorded, so a test can assert the exact waits without waiting.
#[derive(Debug, Clone)]
#[cfg(any(test, feature = "test-util"))]
pub struct ManualTimeSource {
    start: Instant,
    wall_start: SystemTime,
    state: Arc<Mutex<ManualState>>,
}

#[derive(Debug, Default)]
#[cfg(any(test, feature = "test-util"))]
struct ManualState {
    elapsed: Duration,
    sleeps: Vec<Duration>,
}

#[cfg(any(test, feature = "test-util"))]
impl ManualTimeSource {
    /// A clock standing at the current instant.
    pub fn new() -> Self {
        Self::starting_at(SystemTime::now())
    }
    /// A clock standing at the wall-clock time `wall` (its instants start at the current one).
    pub fn starting_at(wall: SystemTime) -> Self {
        Self {
            start: Instant::now(),
            wall_start: wall,
            state: Arc::default(),
        }
    }
    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.lock().elapsed += by;
    }
    /// Every wait asked of this clock, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(any(test, feature = "test-util"))]
impl Default for ManualTimeSource {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(any(test, feature = "test-util"))]
impl TimeSource for ManualTimeSource {
    fn now(&self) -> Instant {
        self.start + self.lock().elapsed
    }
    fn wall_clock(&self) -> SystemTime {
        self.wall_start + self.lock().elapsed
    }
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        {
            let mut state = self.lock();
            state.elapsed += duration;
            state.sleeps.push(duration);
        }
        // Yield once so that a sleeping task still lets others run, as a real wait would.
        Box::pin(YieldOnce(false))
    }
}

/// Pending once (waking itself), then ready.
#[cfg(any(test, feature = "test-util"))]
struct YieldOnce(bool);

#[cfg(any(test, feature = "test-util"))]
impl std::future::Future for YieldOnce {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            return std::task::Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

#[cfg(any(test, feature = "test-util"))]
impl From<ManualTimeSource> for SharedTimeSource {
    fn from(source: ManualTimeSource) -> Self {
        Self::new(source)
    }
}
