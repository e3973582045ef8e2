//! The fleet's token cache and rate-limit budget on Redis (or Valkey), through the `redis`
//! crate's Tokio [`ConnectionManager`] with bounded timeouts.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{
    BudgetAnswer, FetchLock, FleetToken, FleetTokenStore, LocalBudget, PROBE_LEASE, PROBE_POLL,
    RateBudget, SharedError, millis,
};
use crate::auth::BoxFuture;
use crate::types::Secret;

/// The default bound on one Redis command, connecting included.
pub const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_millis(500);
/// The default wait after a failure before Redis is tried again.
pub const DEFAULT_REDIS_RETRY: Duration = Duration::from_secs(5);
/// How long the learned limit and interval of a window are kept after its last use.
const WINDOW_TTL_MS: u64 = 24 * 3600 * 1000;

/// One Redis (or Valkey) shared by the replicas of a fleet, under a key prefix per app and
/// environment (e.g. `jtl:my-app:prod`): two apps, or one app's production and test
/// environments, must never share a prefix.
///
/// Its [`token_store`](Self::token_store) keeps the app's **bearer token in clear text** under
/// `<prefix>:token:<name>`: whoever can read that key (every client of that Redis with read
/// access to the prefix, its replicas, its backups and snapshots) can call the ERP as the app
/// until the token expires (about an hour). Run it on a private network, with a password or ACL
/// user limited to the prefix (`~jtl:my-app:prod:*`), TLS where the network is not private, and
/// no persistence to shared disks. Nothing else secret is stored: the budget holds counts.
///
/// Every command is bounded by a timeout (default 500 ms). A failure (Redis down, slow, an
/// error) is logged once at WARN, without keys' values; until Redis answers again (tried at
/// most every 5 s by default), each replica uses its own token cache and [`LocalBudget`], and
/// says at INFO when it shares again.
#[derive(Clone)]
pub struct RedisFleet {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    prefix: String,
    timeout: Duration,
    retry: Duration,
    manager: tokio::sync::Mutex<Option<ConnectionManager>>,
    degraded: AtomicBool,
    retry_at: Mutex<Option<Instant>>,
}

impl fmt::Debug for RedisFleet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the URL: it may carry a password.
        f.debug_struct("RedisFleet")
            .field("prefix", &self.inner.prefix)
            .field("timeout", &self.inner.timeout)
            .field("degraded", &self.inner.degraded.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// Configures a [`RedisFleet`].
#[must_use]
pub struct RedisFleetBuilder {
    url: String,
    prefix: String,
    timeout: Duration,
    retry: Duration,
}

impl fmt::Debug for RedisFleetBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisFleetBuilder")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisFleetBuilder {
    /// The bound on each Redis command, connecting included (default 500 ms): what a dead or
    /// slow Redis costs a call, once, before the fallback.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
    /// How long after a failure Redis is tried again (default 5 s).
    pub fn retry_after(mut self, retry: Duration) -> Self {
        self.retry = retry;
        self
    }
    /// Checks the URL and the prefix; connects at first use.
    pub fn build(self) -> Result<RedisFleet, SharedError> {
        if self.prefix.trim().is_empty() {
            return Err(SharedError(
                "Redis key prefix is empty; name the app and environment (e.g. `jtl:my-app:prod`)"
                    .to_owned(),
            ));
        }
        let client = redis::Client::open(self.url.as_str())
            .map_err(|e| SharedError(format!("Redis URL: {}", e.kind_text())))?;
        Ok(RedisFleet {
            inner: Arc::new(Inner {
                client,
                prefix: self.prefix,
                timeout: self.timeout,
                retry: self.retry,
                manager: tokio::sync::Mutex::new(None),
                degraded: AtomicBool::new(false),
                retry_at: Mutex::new(None),
            }),
        })
    }
}

trait KindText {
    fn kind_text(&self) -> String;
}

impl KindText for redis::RedisError {
    /// The error's category and code, never its detail (which may quote a URL).
    fn kind_text(&self) -> String {
        let mut text = format!("{:?}", self.kind());
        if let Some(code) = self.code() {
            text.push_str(": ");
            text.push_str(code);
        }
        if self.is_timeout() {
            text.push_str(" (timeout)");
        } else if self.is_connection_refusal() {
            text.push_str(" (connection refused)");
        }
        text
    }
}

impl RedisFleet {
    /// A fleet on the Redis at `url` (`redis://[:password@]host:port/db`, `rediss://` for TLS
    /// where the crate's TLS features are on) under `prefix`.
    pub fn builder(url: impl Into<String>, prefix: impl Into<String>) -> RedisFleetBuilder {
        RedisFleetBuilder {
            url: url.into(),
            prefix: prefix.into(),
            timeout: DEFAULT_REDIS_TIMEOUT,
            retry: DEFAULT_REDIS_RETRY,
        }
    }

    /// The shared cache of one token provider, under `<prefix>:token:<name>` (one name per
    /// provider: `cloud`, `scx`, …). The token is stored in clear text: see [`RedisFleet`].
    pub fn token_store(&self, name: &str) -> RedisTokenStore {
        RedisTokenStore {
            fleet: self.clone(),
            key: format!("{}:token:{name}", self.inner.prefix),
            lock_key: format!("{}:token:{name}:lock", self.inner.prefix),
        }
    }

    /// The shared rate-limit budget, per app (`<prefix>:budget:app`).
    pub fn budget(&self) -> RedisBudget {
        RedisBudget {
            fleet: self.clone(),
            local: LocalBudget::new(),
            per_tenant: false,
        }
    }

    /// Whether the last command failed (each replica then runs on its own).
    pub fn degraded(&self) -> bool {
        self.inner.degraded.load(Ordering::Relaxed)
    }

    /// Runs one command with the timeout, the once-only WARN and the wait before retrying.
    async fn run<T, F, Fut>(&self, what: &'static str, command: F) -> Result<T, SharedError>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: std::future::Future<Output = redis::RedisResult<T>>,
    {
        let inner = &self.inner;
        if inner.degraded.load(Ordering::Relaxed) {
            let retry_at = *inner.retry_at.lock().unwrap_or_else(|e| e.into_inner());
            if retry_at.is_some_and(|at| Instant::now() < at) {
                return Err(SharedError(
                    "Redis unavailable (waiting to retry)".to_owned(),
                ));
            }
        }
        let attempt = async {
            let manager = self.manager().await?;
            command(manager).await.map_err(|e| e.kind_text())
        };
        let outcome = match tokio::time::timeout(inner.timeout, attempt).await {
            Ok(outcome) => outcome,
            Err(_) => Err(format!("no answer within {:?} (timeout)", inner.timeout)),
        };
        match outcome {
            Ok(value) => {
                if inner.degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!(prefix = %inner.prefix, "Redis answers again: sharing tokens and the rate-limit budget with the fleet");
                }
                Ok(value)
            }
            Err(reason) => {
                *inner.retry_at.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(Instant::now() + inner.retry);
                if !inner.degraded.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        prefix = %inner.prefix,
                        command = what,
                        reason = %reason,
                        "Redis unavailable: this replica uses its own token cache and rate-limit window until Redis answers again"
                    );
                }
                Err(SharedError(reason))
            }
        }
    }

    /// The connection manager, created at first use (it reconnects by itself afterwards).
    async fn manager(&self) -> Result<ConnectionManager, String> {
        let mut slot = self.inner.manager.lock().await;
        if let Some(manager) = slot.as_ref() {
            return Ok(manager.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.inner.timeout))
            .set_response_timeout(Some(self.inner.timeout))
            .set_number_of_retries(1)
            .set_max_delay(self.inner.timeout);
        let manager = ConnectionManager::new_lazy_with_config(self.inner.client.clone(), config)
            .map_err(|e| e.kind_text())?;
        *slot = Some(manager.clone());
        Ok(manager)
    }
}

/// The token cache of a [`RedisFleet`] (see [`RedisFleet::token_store`]).
#[derive(Debug, Clone)]
pub struct RedisTokenStore {
    fleet: RedisFleet,
    key: String,
    lock_key: String,
}

/// Deletes KEYS[1] if its value is ARGV[1].
const COMPARE_AND_DELETE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0";

/// Deletes the token KEYS[1] if its secret (after `<expiry>:`) is ARGV[1].
const DISCARD_TOKEN: &str = r"
local v = redis.call('GET', KEYS[1])
if v then
  local sep = string.find(v, ':', 1, true)
  if sep and string.sub(v, sep + 1) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
end
return 0";

impl FleetTokenStore for RedisTokenStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<FleetToken>, SharedError>> {
        Box::pin(async move {
            let key = self.key.clone();
            let value: Option<String> = self
                .fleet
                .run("GET", |mut c| async move {
                    redis::cmd("GET").arg(&key).query_async(&mut c).await
                })
                .await?;
            let Some(value) = value else {
                return Ok(None);
            };
            // `<expiry in ms since the epoch>:<token>`; anything else is ignored (and replaced).
            let parsed = value.split_once(':').and_then(|(ms, token)| {
                let ms = ms.parse::<u64>().ok()?;
                (!token.is_empty()).then(|| FleetToken {
                    secret: Secret::new(token),
                    expires_at: SystemTime::UNIX_EPOCH + Duration::from_millis(ms),
                })
            });
            Ok(parsed)
        })
    }

    fn try_lock(&self, ttl: Duration) -> BoxFuture<'_, Result<Option<FetchLock>, SharedError>> {
        Box::pin(async move {
            let owner = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
            let key = self.lock_key.clone();
            let value = owner.clone();
            let ttl_ms = ttl.as_millis().max(1) as u64;
            let taken: Option<String> = self
                .fleet
                .run("SET NX", |mut c| async move {
                    redis::cmd("SET")
                        .arg(&key)
                        .arg(&value)
                        .arg("NX")
                        .arg("PX")
                        .arg(ttl_ms)
                        .query_async(&mut c)
                        .await
                })
                .await?;
            Ok(taken.map(|_| FetchLock(owner)))
        })
    }

    fn store<'a>(
        &'a self,
        token: &'a FleetToken,
        now: SystemTime,
        lock: &'a FetchLock,
    ) -> BoxFuture<'a, Result<(), SharedError>> {
        Box::pin(async move {
            let lifetime = token.expires_at.duration_since(now).unwrap_or_default();
            let ttl_ms = lifetime.as_millis() as u64;
            if ttl_ms > 0 {
                let key = self.key.clone();
                let value = format!("{}:{}", millis(token.expires_at), token.secret.expose());
                self.fleet
                    .run("SET", |mut c| async move {
                        redis::cmd("SET")
                            .arg(&key)
                            .arg(&value)
                            .arg("PX")
                            .arg(ttl_ms)
                            .query_async::<()>(&mut c)
                            .await
                    })
                    .await?;
            }
            self.release(lock).await
        })
    }

    fn release<'a>(&'a self, lock: &'a FetchLock) -> BoxFuture<'a, Result<(), SharedError>> {
        Box::pin(async move {
            let key = self.lock_key.clone();
            let owner = lock.0.clone();
            self.fleet
                .run("unlock", |mut c| async move {
                    redis::Script::new(COMPARE_AND_DELETE)
                        .key(&key)
                        .arg(&owner)
                        .invoke_async::<i64>(&mut c)
                        .await
                })
                .await
                .map(|_| ())
        })
    }

    fn discard<'a>(&'a self, refused: &'a Secret) -> BoxFuture<'a, Result<(), SharedError>> {
        Box::pin(async move {
            let key = self.key.clone();
            let refused = refused.expose().to_owned();
            self.fleet
                .run("discard", |mut c| async move {
                    redis::Script::new(DISCARD_TOKEN)
                        .key(&key)
                        .arg(&refused)
                        .invoke_async::<i64>(&mut c)
                        .await
                })
                .await
                .map(|_| ())
        })
    }
}

/// The rate-limit budget of a [`RedisFleet`] (see [`RedisFleet::budget`]): one count per window
/// for the whole fleet, updated atomically by Lua scripts; while Redis fails, this replica's
/// [`LocalBudget`].
#[derive(Debug)]
pub struct RedisBudget {
    fleet: RedisFleet,
    local: LocalBudget,
    per_tenant: bool,
}

impl RedisBudget {
    /// Counts per tenant (`<prefix>:budget:<tenant id>`) instead of per app.
    pub fn per_tenant(mut self) -> Self {
        self.per_tenant = true;
        self
    }
    fn key(&self, window: &str) -> String {
        format!("{}:budget:{window}", self.fleet.inner.prefix)
    }
}

/// The window algorithm of `Window::acquire` (mod.rs), on a hash. ARGV: now, probe lease, probe
/// poll, ttl (all ms). Returns the wait in ms, 0 to send.
const ACQUIRE: &str = r"
local now = tonumber(ARGV[1])
local h = redis.call('HMGET', KEYS[1], 'limit', 'interval', 'start', 'end', 'used', 'probe')
local limit, interval = h[1], tonumber(h[2])
if limit == 'none' then return 0 end
limit = tonumber(limit)
if not limit or not interval then
  local probe = tonumber(h[6])
  if probe and now < probe then return tonumber(ARGV[3]) end
  redis.call('HSET', KEYS[1], 'probe', now + tonumber(ARGV[2]))
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return 0
end
local wend, used = tonumber(h[4]) or 0, tonumber(h[5]) or 0
if now >= wend then
  wend = now + interval + math.max(math.floor(interval / 20), 20)
  used = 0
  redis.call('HSET', KEYS[1], 'start', now, 'end', wend)
end
if used >= limit then return wend - now end
redis.call('HSET', KEYS[1], 'used', used + 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 0";

/// The learning of `Window::observe` (mod.rs). ARGV: sent, received, limit, remaining,
/// interval, throttled (0/1), retry_after, ttl; -1 where the answer named none.
const OBSERVE: &str = r"
local sent, now = tonumber(ARGV[1]), tonumber(ARGV[2])
local alimit, aremaining, ainterval = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local throttled, retry = ARGV[6] == '1', tonumber(ARGV[7])
redis.call('HDEL', KEYS[1], 'probe')
redis.call('PEXPIRE', KEYS[1], ARGV[8])
local h = redis.call('HMGET', KEYS[1], 'limit', 'interval', 'start', 'end', 'used')
local limit = h[1]
if alimit >= 0 then
  limit = tostring(alimit)
  redis.call('HSET', KEYS[1], 'limit', limit)
elseif not limit and aremaining < 0 and ainterval < 0 then
  redis.call('HSET', KEYS[1], 'limit', 'none')
  return 0
end
local interval = tonumber(h[2])
if ainterval >= 0 then
  interval = ainterval
  redis.call('HSET', KEYS[1], 'interval', interval)
end
limit = tonumber(limit)
if not limit or not interval then return 0 end
local start, wend, used = tonumber(h[3]) or 0, tonumber(h[4]) or 0, tonumber(h[5]) or 0
if now >= wend then
  start = sent
  wend = sent + interval + math.max(math.floor(interval / 20), 20)
  used = 0
elseif sent < start then
  return 0
end
if aremaining >= 0 then used = math.max(used, limit - aremaining) end
if throttled then
  used = limit
  if retry >= 0 then wend = math.max(wend, now + retry) end
end
redis.call('HSET', KEYS[1], 'start', start, 'end', wend, 'used', used)
return 0";

fn or_minus_one(value: Option<u64>) -> i64 {
    value.map_or(-1, |v| v.min(i64::MAX as u64) as i64)
}

impl RateBudget for RedisBudget {
    fn acquire<'a>(&'a self, window: &'a str, now: SystemTime) -> BoxFuture<'a, Option<Duration>> {
        Box::pin(async move {
            let key = self.key(window);
            let now_ms = millis(now);
            let shared = self
                .fleet
                .run("acquire", |mut c| async move {
                    redis::Script::new(ACQUIRE)
                        .key(&key)
                        .arg(now_ms)
                        .arg(PROBE_LEASE.as_millis() as u64)
                        .arg(PROBE_POLL.as_millis() as u64)
                        .arg(WINDOW_TTL_MS)
                        .invoke_async::<u64>(&mut c)
                        .await
                })
                .await;
            match shared {
                Ok(0) => None,
                Ok(wait) => Some(Duration::from_millis(wait)),
                Err(_) => self.local.acquire_now(window, now),
            }
        })
    }

    fn observe<'a>(&'a self, window: &'a str, answer: BudgetAnswer) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            // The local window learns too, so that a fallback starts from what is known.
            self.local.observe_now(window, &answer);
            let key = self.key(window);
            let _ = self
                .fleet
                .run("observe", |mut c| async move {
                    redis::Script::new(OBSERVE)
                        .key(&key)
                        .arg(millis(answer.sent_at))
                        .arg(millis(answer.received_at))
                        .arg(or_minus_one(answer.limit))
                        .arg(or_minus_one(answer.remaining))
                        .arg(or_minus_one(answer.interval.map(|i| i.as_millis() as u64)))
                        .arg(u8::from(answer.throttled))
                        .arg(or_minus_one(
                            answer.retry_after.map(|i| i.as_millis() as u64),
                        ))
                        .arg(WINDOW_TTL_MS)
                        .invoke_async::<i64>(&mut c)
                        .await
                })
                .await;
        })
    }

    fn per_tenant(&self) -> bool {
        self.per_tenant
    }
}
