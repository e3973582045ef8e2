//! What a fleet of replicas shares: one token cache and one rate-limit budget.
//!
//! A Cloud App backend that runs as several replicas behind a load balancer meets the platform's
//! rate limit (`X-RateLimit-*`, counted per app whichever replica calls) and fetches tokens as
//! one app. Two seams let the replicas share what each process otherwise keeps for itself:
//!
//! - [`FleetTokenStore`], taken by the token providers' builders
//!   ([`fleet_cache`](crate::auth::ClientCredentialsBuilder::fleet_cache)): one fetch for the
//!   fleet when the token is missing or due, the other replicas read its result;
//! - [`RateBudget`], taken by the client builder
//!   ([`fleet_rate_limit`](crate::ClientBuilder::fleet_rate_limit)): one count of the calls per
//!   window, fed by the `X-RateLimit-*` headers of every replica's answers, so that a replica
//!   waits (or fails fast, as the [`RateLimitPolicy`](crate::RateLimitPolicy) says) before the
//!   window is used up.
//!
//! [`LocalBudget`] is the same budget in one process. With the feature `redis`, `RedisFleet`
//! implements both seams on Redis or Valkey, falling back to the local cache and window while
//! Redis is down, slow or flushed.
//!
//! A stored token is a bearer credential: whoever can read the store's keys can call the ERP as
//! the app until the token expires. See `RedisFleet` for who that is.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::auth::BoxFuture;
use crate::types::Secret;

#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "redis")]
pub use self::redis::{RedisBudget, RedisFleet, RedisFleetBuilder, RedisTokenStore};

/// A token as the fleet stores it: the credential and its absolute expiry on the wall clock
/// (replicas do not share a monotonic clock).
#[derive(Clone)]
pub struct FleetToken {
    /// The bearer token.
    pub secret: Secret,
    /// When the server stops accepting it.
    pub expires_at: SystemTime,
}

impl fmt::Debug for FleetToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FleetToken")
            .field("secret", &self.secret)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The shared store could not be used; the caller falls back to its own cache or window.
/// Carries the kind of failure, never a key's value.
#[derive(Debug, Clone, thiserror::Error)]
#[error("shared store unavailable: {0}")]
pub struct SharedError(pub String);

/// A fetch lock taken in a [`FleetTokenStore`]: whoever holds it fetches for the fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchLock(pub String);

/// Where the replicas of a fleet keep their token. A token is stored with its expiry and never
/// kept beyond it. Implementations report failures as [`SharedError`]; the provider then fetches
/// for itself, so a failing store never costs a call.
pub trait FleetTokenStore: Send + Sync + fmt::Debug {
    /// The stored token, if any.
    fn load(&self) -> BoxFuture<'_, Result<Option<FleetToken>, SharedError>>;
    /// Takes the fetch lock for at most `ttl` (it expires by itself if its holder dies);
    /// `None` while another replica holds it.
    fn try_lock(&self, ttl: Duration) -> BoxFuture<'_, Result<Option<FetchLock>, SharedError>>;
    /// Stores `token` (until its expiry, measured from `now`) and releases `lock`.
    fn store<'a>(
        &'a self,
        token: &'a FleetToken,
        now: SystemTime,
        lock: &'a FetchLock,
    ) -> BoxFuture<'a, Result<(), SharedError>>;
    /// Releases `lock` without storing (the fetch failed).
    fn release<'a>(&'a self, lock: &'a FetchLock) -> BoxFuture<'a, Result<(), SharedError>>;
    /// Removes the stored token if it is `refused` (a 401 answered it).
    fn discard<'a>(&'a self, refused: &'a Secret) -> BoxFuture<'a, Result<(), SharedError>>;
}

/// What one answer said about the rate limit, for [`RateBudget::observe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BudgetAnswer {
    /// When the request was sent (wall clock).
    pub sent_at: SystemTime,
    /// When the answer came (wall clock).
    pub received_at: SystemTime,
    /// `X-RateLimit-Limit`.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Interval-Length-Seconds`.
    pub interval: Option<Duration>,
    /// Whether the answer was a 429.
    pub throttled: bool,
    /// `Retry-After`, if the answer named it.
    pub retry_after: Option<Duration>,
}

/// A count of calls per rate-limit window, shared by whoever holds it (the clones of a client,
/// the replicas of a fleet). `window` names the window: `"app"`, or a tenant id where the
/// platform counts per tenant.
pub trait RateBudget: Send + Sync + fmt::Debug {
    /// Takes one call from the window at wall-clock time `now`: `None` to send now, or how long
    /// to wait before asking again.
    fn acquire<'a>(&'a self, window: &'a str, now: SystemTime) -> BoxFuture<'a, Option<Duration>>;
    /// Learns from an answer: the limit, the interval, what the server counted.
    fn observe<'a>(&'a self, window: &'a str, answer: BudgetAnswer) -> BoxFuture<'a, ()>;
    /// Whether windows are counted per tenant (`X-Tenant-ID`) rather than per app.
    fn per_tenant(&self) -> bool {
        false
    }
}

/// How long callers wait while the first call of a window that nothing has been learned about
/// yet (the probe) is under way, before asking again.
pub(crate) const PROBE_POLL: Duration = Duration::from_millis(20);
/// How long a probe may take before another caller probes instead.
pub(crate) const PROBE_LEASE: Duration = Duration::from_secs(5);

/// The state of one window, the same in [`LocalBudget`] and in Redis.
#[derive(Debug, Clone, Default)]
struct Window {
    /// `X-RateLimit-Limit`, `None` until learned; `Some(None)` when answers carry no limit.
    limit: Option<Option<u64>>,
    interval_ms: Option<u64>,
    start_ms: u64,
    end_ms: u64,
    used: u64,
    probe_until_ms: Option<u64>,
}

pub(crate) fn millis(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A little past the window, so that a call sent as our window ends does not reach the server
/// before its own window ends (a twentieth of the interval, at least 20 ms).
pub(crate) fn slack_ms(interval_ms: u64) -> u64 {
    (interval_ms / 20).max(20)
}

impl Window {
    fn acquire(&mut self, now: u64) -> Option<Duration> {
        let (limit, interval) = match (self.limit, self.interval_ms) {
            (Some(None), _) => return None,
            (Some(Some(limit)), Some(interval)) => (limit, interval),
            _ => {
                // Nothing learned yet: one call goes and teaches the rest.
                if self.probe_until_ms.is_some_and(|until| now < until) {
                    return Some(PROBE_POLL);
                }
                self.probe_until_ms = Some(now + PROBE_LEASE.as_millis() as u64);
                return None;
            }
        };
        if now >= self.end_ms {
            self.start_ms = now;
            self.end_ms = now + interval + slack_ms(interval);
            self.used = 0;
        }
        if self.used >= limit {
            return Some(Duration::from_millis(self.end_ms - now));
        }
        self.used += 1;
        None
    }

    fn observe(&mut self, answer: &BudgetAnswer) {
        self.probe_until_ms = None;
        if answer.limit.is_some() {
            self.limit = Some(answer.limit);
        } else if self.limit.is_none() && answer.remaining.is_none() && answer.interval.is_none() {
            // The server names no limit: nothing to count.
            self.limit = Some(None);
        }
        if let Some(interval) = answer.interval {
            self.interval_ms = Some(interval.as_millis() as u64);
        }
        let (Some(Some(limit)), Some(interval)) = (self.limit, self.interval_ms) else {
            return;
        };
        let sent = millis(answer.sent_at);
        let now = millis(answer.received_at);
        if now >= self.end_ms {
            // The first answer of a window we had not started (learning, or after a gap).
            self.start_ms = sent;
            self.end_ms = sent + interval + slack_ms(interval);
            self.used = 0;
        } else if sent < self.start_ms {
            // An answer to a call of an earlier window says nothing about this one.
            return;
        }
        if let Some(remaining) = answer.remaining {
            self.used = self.used.max(limit.saturating_sub(remaining));
        }
        if answer.throttled {
            self.used = limit;
            if let Some(wait) = answer.retry_after {
                self.end_ms = self.end_ms.max(now + wait.as_millis() as u64);
            }
        }
    }
}

/// A [`RateBudget`] in one process: what each replica keeps without sharing, and what a shared
/// budget falls back to.
#[derive(Debug, Default)]
pub struct LocalBudget {
    windows: Mutex<HashMap<String, Window>>,
    per_tenant: bool,
}

impl LocalBudget {
    /// An empty budget, counted per app.
    pub fn new() -> Self {
        Self::default()
    }
    /// Counts per tenant instead.
    pub fn per_tenant(mut self) -> Self {
        self.per_tenant = true;
        self
    }
    pub(crate) fn acquire_now(&self, window: &str, now: SystemTime) -> Option<Duration> {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows
            .entry(window.to_owned())
            .or_default()
            .acquire(millis(now))
    }
    pub(crate) fn observe_now(&self, window: &str, answer: &BudgetAnswer) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows
            .entry(window.to_owned())
            .or_default()
            .observe(answer);
    }
}

impl RateBudget for LocalBudget {
    fn acquire<'a>(&'a self, window: &'a str, now: SystemTime) -> BoxFuture<'a, Option<Duration>> {
        let wait = self.acquire_now(window, now);
        Box::pin(async move { wait })
    }
    fn observe<'a>(&'a self, window: &'a str, answer: BudgetAnswer) -> BoxFuture<'a, ()> {
        self.observe_now(window, &answer);
        Box::pin(async {})
    }
    fn per_tenant(&self) -> bool {
        self.per_tenant
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(ms)
    }

    fn answer(sent: u64, received: u64, remaining: u64) -> BudgetAnswer {
        BudgetAnswer {
            sent_at: at(sent),
            received_at: at(received),
            limit: Some(3),
            remaining: Some(remaining),
            interval: Some(Duration::from_secs(1)),
            throttled: false,
            retry_after: None,
        }
    }

    #[test]
    fn one_probe_then_the_learned_window_is_counted() {
        let budget = LocalBudget::new();
        assert_eq!(budget.acquire_now("app", at(1000)), None, "the probe goes");
        assert_eq!(budget.acquire_now("app", at(1001)), Some(PROBE_POLL));
        budget.observe_now("app", &answer(1000, 1010, 2));
        // The window started when the probe was sent and counts it: two more go.
        assert_eq!(budget.acquire_now("app", at(1011)), None);
        assert_eq!(budget.acquire_now("app", at(1012)), None);
        // Used up until 1000 + 1000 + 50 (the slack).
        assert_eq!(
            budget.acquire_now("app", at(1013)),
            Some(Duration::from_millis(2050 - 1013))
        );
        // A late answer from the old window does not close the next one.
        assert_eq!(budget.acquire_now("app", at(2050)), None);
        budget.observe_now("app", &answer(1012, 2051, 0));
        assert_eq!(budget.acquire_now("app", at(2052)), None);
        // Windows are apart.
        assert_eq!(budget.acquire_now("tenant-b", at(2052)), None, "its probe");
    }

    #[test]
    fn a_429_closes_the_window_and_no_headers_means_no_limit() {
        let budget = LocalBudget::new();
        budget.observe_now("app", &answer(0, 5, 2));
        let mut throttled = answer(6, 7, 0);
        throttled.throttled = true;
        throttled.retry_after = Some(Duration::from_secs(3));
        budget.observe_now("app", &throttled);
        assert_eq!(
            budget.acquire_now("app", at(10)),
            Some(Duration::from_millis(3007 - 10))
        );
        let open = LocalBudget::new();
        open.observe_now(
            "app",
            &BudgetAnswer {
                limit: None,
                remaining: None,
                interval: None,
                ..answer(0, 1, 0)
            },
        );
        for ms in 0..100 {
            assert_eq!(open.acquire_now("app", at(ms)), None);
        }
    }
}
