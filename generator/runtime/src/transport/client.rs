//! The transport every generated operation goes through: URL, context headers, api-version,
//! credentials, hooks, the body limit, and the single retry after a 401.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderName, HeaderValue};
use tracing::Instrument as _;

use crate::auth::AuthProvider;
use crate::fleet::{BudgetAnswer, RateBudget};
use crate::time::SharedTimeSource;
use crate::transport::backoff::Backoff;
use crate::transport::body::RequestBody;
use crate::transport::context::{Context, ContextKey};
use crate::transport::error::{BuildError, Error, ErrorKind};
use crate::transport::hooks::Hook;
use crate::transport::operation::{AuthNeed, Operation};
use crate::transport::ratelimit::RateLimit;
use crate::transport::response::RawResponse;
use crate::transport::settings::ConfigureHttp;

/// Responses larger than this are refused unless the client sets another limit.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// Automatic retries. Idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) are retried after
/// 429, 502, 503 and 504 and after connection failures that happened before any response:
/// repeating a POST or PATCH the server may have acted on is the caller's decision (the one
/// exception is the single retry after a 401, which the server did not act on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The longest single wait, whatever the server asks for.
    pub max_wait: Duration,
    /// The waits when the server names none (`Retry-After` or the rate-limit interval).
    pub backoff: Backoff,
    /// All attempts and waits of one call together: a retry whose wait would end after it is
    /// not made, and the last answer is returned.
    pub deadline: Duration,
    /// What a call does while the server's rate-limit window is used up.
    pub rate_limit: RateLimitPolicy,
}

/// What a call does when an earlier answer said the rate-limit window is used up
/// (`X-RateLimit-Remaining: 0`, or a 429).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RateLimitPolicy {
    /// Wait until the window reopens (within the deadline), then send.
    #[default]
    Wait,
    /// Fail at once with [`ErrorKind::RateLimited`](crate::ErrorKind::RateLimited), which carries the wait.
    FailFast,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            // The vendor's windows last 45 to 60 s.
            max_wait: Duration::from_secs(60),
            backoff: Backoff::new(Duration::from_millis(200), Duration::from_secs(10)),
            deadline: Duration::from_secs(120),
            rate_limit: RateLimitPolicy::Wait,
        }
    }
}

impl RetryPolicy {
    /// No automatic retries.
    pub fn disabled() -> Self {
        Self::default().max_retries(0)
    }

    /// Retries after the first attempt (default 3).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The longest single wait, whatever the server asks for (default 60 s).
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// The waits when the server names none (default 200 ms doubling to 10 s, with jitter).
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// The bound on all attempts and waits of one call (default 120 s).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Wait for a used-up rate-limit window (default) or fail fast.
    pub fn rate_limit(mut self, policy: RateLimitPolicy) -> Self {
        self.rate_limit = policy;
        self
    }

    /// How long to wait before retry number `retry` (0-based), if the answer is worth one.
    fn wait(&self, method: &http::Method, response: &RawResponse, retry: u32) -> Option<Duration> {
        use http::StatusCode as S;
        let status = response.status();
        let retryable = matches!(
            status,
            S::TOO_MANY_REQUESTS | S::BAD_GATEWAY | S::SERVICE_UNAVAILABLE | S::GATEWAY_TIMEOUT
        );
        if !retryable || !idempotent(method) || retry >= self.max_retries {
            return None;
        }
        let headers = response.headers();
        // A 429 without Retry-After: the window the vendor names is what has to pass.
        let named = response.retry_after().or_else(|| {
            (status == S::TOO_MANY_REQUESTS)
                .then(|| RateLimit::from_headers(headers)?.interval)
                .flatten()
        });
        Some(match named {
            Some(wait) => spread(wait).min(self.max_wait),
            None => self.backoff.delay(retry).min(self.max_wait),
        })
    }

    /// The wait before retrying a call whose connection failed before any response.
    fn wait_after_connect_error(&self, method: &http::Method, retry: u32) -> Option<Duration> {
        (idempotent(method) && retry < self.max_retries)
            .then(|| self.backoff.delay(retry).min(self.max_wait))
    }
}

fn idempotent(method: &http::Method) -> bool {
    use http::Method as M;
    // QUERY (OpenAPI 3.2's `query` operations) is safe and idempotent, as GET is.
    matches!(
        *method,
        M::GET | M::HEAD | M::PUT | M::DELETE | M::OPTIONS | M::QUERY
    )
}

/// A server-named wait plus up to a twentieth more, so that callers throttled together do not all
/// come back at the instant the window reopens.
fn spread(wait: Duration) -> Duration {
    wait + Duration::from_millis(fastrand::u64(0..=(wait.as_millis() as u64 / 20)))
}

/// The shared transport of the generated API clients. Cheap to clone.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
    /// Settings of this handle that differ from the client's (see [`Transport::with_retry`]).
    call: CallSettings,
}

/// Per-call overrides carried by a handle; the shared state stays in `Inner`.
#[derive(Debug, Clone, Default)]
struct CallSettings {
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
    /// The client's context with this handle's values over it.
    context: Option<Arc<Context>>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    context: Context,
    auth: Option<Arc<dyn AuthProvider>>,
    hooks: Vec<Arc<dyn Hook>>,
    max_body_bytes: usize,
    retry: RetryPolicy,
    time: SharedTimeSource,
    /// Until when the server's rate-limit window is used up, as its answers said.
    window_closed_until: std::sync::Mutex<Option<std::time::Instant>>,
    /// The calls counted per window, when set (shared by a fleet, or local).
    budget: Option<Arc<dyn RateBudget>>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.inner.base_url)
            .field("context", self.context())
            .field("auth", &self.inner.auth)
            .field("hooks", &self.inner.hooks.len())
            .field("max_body_bytes", &self.inner.max_body_bytes)
            .finish()
    }
}

/// Configures a [`Transport`]; `C` is the API client it builds (`erp_v1::Client`, …).
#[must_use]
pub struct ClientBuilder<C = Transport> {
    base_url: String,
    configure_http: Option<ConfigureHttp>,
    allow_plain_http: bool,
    time: SharedTimeSource,
    context: Context,
    auth: Option<Arc<dyn AuthProvider>>,
    hooks: Vec<Arc<dyn Hook>>,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    max_body_bytes: usize,
    retry: RetryPolicy,
    budget: Option<Arc<dyn RateBudget>>,
    target: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("context", &self.context)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl<C: crate::codegen::ApiClient> ClientBuilder<C> {
    /// A builder for the API at `base_url` (the document's server, without a trailing slash).
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            configure_http: None,
            allow_plain_http: false,
            time: SharedTimeSource::default(),
            context: Context::default(),
            auth: None,
            hooks: Vec::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            user_agent: concat!("jtl-erp-client/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            retry: RetryPolicy::default(),
            budget: None,
            target: PhantomData,
        }
    }
    /// Another base URL, e.g. `http://127.0.0.1:5883/api/eazybusiness` for OnPremise.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }
    /// The credentials for every request.
    pub fn auth(mut self, provider: impl AuthProvider + 'static) -> Self {
        self.auth = Some(Arc::new(provider));
        self
    }
    /// The credentials, shared with other clients.
    pub fn auth_shared(mut self, provider: Arc<dyn AuthProvider>) -> Self {
        self.auth = Some(provider);
        self
    }
    /// The request-context values sent to every operation that declares them.
    pub fn context(mut self, context: Context) -> Self {
        self.context = context;
        self
    }
    /// Adds an interceptor; hooks run in the order they are added.
    pub fn hook(mut self, hook: impl Hook + 'static) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }
    /// Permits a plain-http base URL of a host that is not loopback (an OnPremise server in the
    /// shop's network). Without it such a URL is refused: credentials, context and the answers
    /// (API keys included) would cross the network in clear text.
    pub fn allow_plain_http(mut self) -> Self {
        self.allow_plain_http = true;
        self
    }
    /// The User-Agent header.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }
    /// The largest response body read (default 16 MiB).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The transport settings ([`crate::HttpSettings`]), as the token providers and verifiers
    /// take them: the timeout of each request, body included (default 30 s), the connect
    /// timeout (default 10 s), retries ([`RetryPolicy::max_retries`]), backoff
    /// ([`RetryPolicy::backoff`]), the clock of retry and rate-limit waits, and
    /// `configure_http`, applied to reqwest's builder after the client's timeouts and user
    /// agent (which it may change) and before the same-origin redirect rule, which it cannot
    /// undo. A [`retry`](Self::retry) policy set after it replaces its retries and backoff.
    pub fn http_settings(mut self, settings: &crate::HttpSettings) -> Self {
        if let Some(timeout) = settings.timeout {
            self.timeout = timeout;
        }
        if let Some(timeout) = settings.connect_timeout {
            self.connect_timeout = timeout;
        }
        if let Some(retries) = settings.retries {
            self.retry.max_retries = retries;
        }
        if let Some(backoff) = settings.backoff {
            self.retry.backoff = backoff;
        }
        if let Some(time) = &settings.time {
            self.time = time.clone();
        }
        self.configure_http = settings.compose(self.configure_http.take(), false);
        self
    }

    /// How throttled and unavailable answers and connection failures of idempotent calls are
    /// retried, and what a call does while the rate-limit window is used up (default: three
    /// retries, honouring `Retry-After` and the vendor's window up to 60 s each, 120 s in all);
    /// [`RetryPolicy::disabled`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Counts the calls of each rate-limit window in `budget` and holds a call back (or fails it
    /// fast, as [`RetryPolicy::rate_limit`] says) before the window is used up. The budget learns
    /// the limit and the interval from the `X-RateLimit-*` headers of the answers; shared by the
    /// replicas of a fleet (`RedisFleet::budget`, feature `redis`), it keeps them together within
    /// the platform's limit. See [`crate::fleet`].
    pub fn fleet_rate_limit(mut self, budget: impl RateBudget + 'static) -> Self {
        self.budget = Some(Arc::new(budget));
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        let base_url = normalize_base_url(&self.base_url)?;
        // Every credential (header, body, query or multipart; API keys, secrets, refresh,
        // bearer and session tokens) and every answer carrying one travels over this URL.
        if !self.allow_plain_http {
            crate::transport::security::require_secure(&base_url, "base URL")?;
        }
        self.context.validate().map_err(BuildError::Context)?;
        let mut http = crate::transport::security::reqwest_builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(self.user_agent);
        if let Some(configure) = &self.configure_http {
            http = configure(http);
        }
        let http = http
            .redirect(crate::transport::security::same_origin_redirects())
            .build()
            .map_err(BuildError::Http)?;
        let inner = Inner {
            http,
            base_url,
            context: self.context,
            auth: self.auth,
            hooks: self.hooks,
            max_body_bytes: self.max_body_bytes,
            retry: self.retry,
            time: self.time,
            window_closed_until: std::sync::Mutex::new(None),
            budget: self.budget,
        };
        Ok(C::from_built(Transport {
            inner: Arc::new(inner),
            call: CallSettings::default(),
        }))
    }
}

fn normalize_base_url(raw: &str) -> Result<String, BuildError> {
    let invalid = |reason: String| BuildError::BaseUrl {
        url: raw.to_owned(),
        reason,
    };
    let url = url::Url::parse(raw).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "scheme `{}` is not http or https",
            url.scheme()
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment".to_owned()));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// What credentials an attempt carried, for the decision after a 401.
struct SentCredentials {
    /// Whether the auth provider put credentials on the request.
    sent: bool,
    /// The `Authorization` header sent, which tells a token provider which token was refused.
    authorization: Option<HeaderValue>,
    /// When the request was sent (wall clock), for the budget.
    sent_at: std::time::SystemTime,
}

impl Transport {
    /// A builder for a client of its own.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder<Transport> {
        ClientBuilder::new(base_url)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The request-context values this handle sends.
    pub fn context(&self) -> &Context {
        self.call.context.as_deref().unwrap_or(&self.inner.context)
    }

    /// A handle sharing this client (connections, auth provider and its token cache, hooks,
    /// policies, rate-limit window) that sends `context`'s values over this handle's, key by key:
    /// a Cloud App backend serving many merchants builds one client and one handle per request.
    /// Fails when a value breaks a vendor rule (a challenge code longer than 30 characters).
    pub fn with_context(&self, context: &Context) -> Result<Self, BuildError> {
        let merged = self.context().overridden_by(context);
        merged.validate().map_err(BuildError::Context)?;
        Ok(self.with_merged(merged))
    }

    /// [`Self::with_context`] for the tenant alone: `x-tenant-id` (or `tenant-id`) of this
    /// handle's calls.
    pub fn for_tenant(&self, tenant: uuid::Uuid) -> Self {
        // A tenant id breaks no vendor rule, so nothing is checked.
        self.with_merged(
            self.context()
                .overridden_by(&Context::new().tenant_id(tenant)),
        )
    }

    fn with_merged(&self, context: Context) -> Self {
        let mut handle = self.clone();
        handle.call.context = Some(Arc::new(context));
        handle
    }

    /// A handle sharing this client (connections, credentials, rate-limit window) whose calls
    /// use `policy` instead of the client's retry policy (a generated API client has the same
    /// handle: `client.with_retry(RetryPolicy::disabled())`).
    pub fn with_retry(&self, policy: RetryPolicy) -> Self {
        let mut handle = self.clone();
        handle.call.retry = Some(policy);
        handle
    }

    /// A handle sharing this client whose calls time out after `timeout` (each attempt, body
    /// included) instead of the client's timeout.
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        let mut handle = self.clone();
        handle.call.timeout = Some(timeout);
        handle
    }

    /// The clock this client's waits and dates run on (the builder's
    /// [`http_settings`](ClientBuilder::http_settings)), for code built on the client that waits too.
    pub fn time_source(&self) -> &SharedTimeSource {
        &self.inner.time
    }

    fn retry_policy(&self) -> &RetryPolicy {
        self.call.retry.as_ref().unwrap_or(&self.inner.retry)
    }

    /// Sends one operation: `path` is the expanded, percent-encoded path, `headers` the
    /// operation's header parameters (context and credential headers are the client's). Reads
    /// the whole response (within the body limit), retries throttled idempotent calls, and
    /// retries once after a 401 when the auth provider has fresh credentials.
    pub(crate) async fn execute<E>(
        &self,
        operation: &'static Operation,
        path: &str,
        headers: &[(&'static str, String)],
        body: Option<RequestBody>,
    ) -> Result<RawResponse, Error<E>> {
        // At INFO, so that retry and rate-limit events carry the operation under an INFO
        // subscriber.
        let span = tracing::info_span!(
            "jtl_erp_request",
            api = operation.api,
            operation = operation.id,
            method = %operation.method,
            path = operation.path,
            status = tracing::field::Empty,
        );
        async {
            let url = format!("{}{}", self.inner.base_url, path);
            let policy = self.retry_policy();
            let started = self.inner.time.now();
            let mut retry = 0;
            loop {
                self.respect_window(operation, started).await?;
                let result = self
                    .authenticated(operation, &url, headers, body.as_ref(), started)
                    .await;
                let wait = match &result {
                    Ok(response) => {
                        self.note_window(response);
                        policy.wait(&operation.method, response, retry)
                    }
                    Err(e) if matches!(e.kind(), ErrorKind::Transport(source) if source.is_connect()) => {
                        policy.wait_after_connect_error(&operation.method, retry)
                    }
                    Err(_) => None,
                };
                let Some(wait) = wait else {
                    if let Ok(response) = &result {
                        tracing::Span::current().record("status", response.status().as_u16());
                    }
                    return result;
                };
                let spent = self.inner.time.now().saturating_duration_since(started);
                if spent + wait > policy.deadline {
                    tracing::warn!(
                        operation = operation.id,
                        retry,
                        wait_ms = wait.as_millis() as u64,
                        "not retrying: the wait would pass the call's deadline"
                    );
                    if let Ok(response) = &result {
                        tracing::Span::current().record("status", response.status().as_u16());
                    }
                    return result;
                }
                retry += 1;
                tracing::info!(
                    status = result.as_ref().ok().map(|r| r.status().as_u16()),
                    retry,
                    wait_ms = wait.as_millis() as u64,
                    "retrying"
                );
                self.inner.time.sleep(wait).await;
            }
        }
        .instrument(span)
        .await
    }

    /// Remembers a used-up window (`X-RateLimit-Remaining: 0` or a 429) so that the next calls
    /// of every clone of this client wait for it instead of being refused.
    fn note_window(&self, response: &RawResponse) {
        let limit = RateLimit::from_headers(response.headers());
        let throttled = response.status() == http::StatusCode::TOO_MANY_REQUESTS;
        let wait = if throttled {
            response
                .retry_after()
                .or_else(|| limit.and_then(|l| l.interval))
        } else if limit.is_some_and(|l| l.exhausted()) {
            limit.and_then(|l| l.interval)
        } else {
            None
        };
        if let Some(wait) = wait {
            let until = self.inner.time.now() + wait.min(self.retry_policy().max_wait);
            let mut closed = self
                .inner
                .window_closed_until
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if closed.is_none_or(|current| current < until) {
                *closed = Some(until);
            }
        }
    }

    /// The budget's window of this handle: the app, or its tenant.
    fn budget_window(&self, budget: &dyn RateBudget) -> String {
        budget
            .per_tenant()
            .then(|| self.context().value(ContextKey::Tenant))
            .flatten()
            .unwrap_or_else(|| "app".to_owned())
    }

    /// Takes one call from the budget's window, waiting (or failing fast) while it is used up.
    async fn take_budget<E>(
        &self,
        operation: &'static Operation,
        started: std::time::Instant,
    ) -> Result<(), Error<E>> {
        let Some(budget) = &self.inner.budget else {
            return Ok(());
        };
        let window = self.budget_window(budget.as_ref());
        loop {
            let Some(wait) = budget.acquire(&window, self.inner.time.wall_clock()).await else {
                return Ok(());
            };
            let policy = self.retry_policy();
            let now = self.inner.time.now();
            let past_deadline = now.saturating_duration_since(started) + wait > policy.deadline;
            if policy.rate_limit == RateLimitPolicy::FailFast || past_deadline {
                return Err(Error::new(operation.id, ErrorKind::RateLimited { wait }));
            }
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "rate-limit budget used up; waiting"
            );
            self.inner.time.sleep(wait).await;
        }
    }

    /// Tells the budget what the answer said about the window.
    async fn feed_budget(&self, response: &RawResponse, sent_at: std::time::SystemTime) {
        let Some(budget) = &self.inner.budget else {
            return;
        };
        let limit = RateLimit::from_headers(response.headers());
        let answer = BudgetAnswer {
            sent_at,
            received_at: self.inner.time.wall_clock(),
            limit: limit.and_then(|l| l.limit),
            remaining: limit.and_then(|l| l.remaining),
            interval: limit.and_then(|l| l.interval),
            throttled: response.status() == http::StatusCode::TOO_MANY_REQUESTS,
            retry_after: response.retry_after(),
        };
        let window = self.budget_window(budget.as_ref());
        budget.observe(&window, answer).await;
    }

    /// Waits until a used-up window reopens, or fails fast, as the policy says.
    async fn respect_window<E>(
        &self,
        operation: &'static Operation,
        started: std::time::Instant,
    ) -> Result<(), Error<E>> {
        let until = *self
            .inner
            .window_closed_until
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let now = self.inner.time.now();
        let Some(wait) = until
            .map(|until| until.saturating_duration_since(now))
            .filter(|w| !w.is_zero())
        else {
            return Ok(());
        };
        let policy = self.retry_policy();
        let past_deadline = now.saturating_duration_since(started) + wait > policy.deadline;
        if policy.rate_limit == RateLimitPolicy::FailFast || past_deadline {
            return Err(Error::new(operation.id, ErrorKind::RateLimited { wait }));
        }
        tracing::info!(
            wait_ms = wait.as_millis() as u64,
            "rate-limit window used up; waiting"
        );
        self.inner.time.sleep(spread(wait)).await;
        Ok(())
    }

    /// One attempt, and once more with fresh credentials after a 401 if the provider has them;
    /// the budget learns from each answer.
    async fn authenticated<E>(
        &self,
        operation: &'static Operation,
        url: &str,
        headers: &[(&'static str, String)],
        body: Option<&RequestBody>,
        started: std::time::Instant,
    ) -> Result<RawResponse, Error<E>> {
        let (response, used) = self.attempt(operation, url, headers, body, started).await?;
        self.feed_budget(&response, used.sent_at).await;
        // A 401 to a request without credentials says nothing about the provider's token.
        if response.status() == http::StatusCode::UNAUTHORIZED
            && used.sent
            && self
                .refresh_after_401(operation, used.authorization.as_ref())
                .await?
        {
            tracing::debug!("401: retrying once with fresh credentials");
            let (response, used) = self.attempt(operation, url, headers, body, started).await?;
            self.feed_budget(&response, used.sent_at).await;
            return Ok(response);
        }
        Ok(response)
    }

    async fn refresh_after_401<E>(
        &self,
        operation: &'static Operation,
        used: Option<&HeaderValue>,
    ) -> Result<bool, Error<E>> {
        match &self.inner.auth {
            Some(auth) => auth
                .on_unauthorized(used, operation)
                .await
                .map_err(|source| Error::new(operation.id, ErrorKind::Auth(source))),
            None => Ok(false),
        }
    }

    /// One attempt; also returns the credentials it sent, for the 401 decision, and when.
    ///
    /// The rate-limit budget is taken last, once the credentials are on the request (a token
    /// fetch may take a while) and the hooks have run: a window the call opens starts when the
    /// request is sent, as the server's does, not before.
    async fn attempt<E>(
        &self,
        operation: &'static Operation,
        url: &str,
        extra: &[(&'static str, String)],
        body: Option<&RequestBody>,
        started: std::time::Instant,
    ) -> Result<(RawResponse, SentCredentials), Error<E>> {
        let mut request = self.prepare(operation, url, extra, body)?;
        let sent = self.authorize(operation, &mut request).await?;
        for hook in &self.inner.hooks {
            hook.before_send(&mut request, operation)
                .await
                .map_err(|source| Error::new(operation.id, ErrorKind::Hook(source)))?;
        }
        self.take_budget(operation, started).await?;
        let used = SentCredentials {
            sent,
            authorization: request.headers().get(http::header::AUTHORIZATION).cloned(),
            sent_at: self.inner.time.wall_clock(),
        };
        let response = self
            .inner
            .http
            .execute(request)
            .await
            .map_err(|e| Error::new(operation.id, ErrorKind::Transport(e.without_url())))?;
        let raw = self.read(operation, response).await?;
        for hook in &self.inner.hooks {
            hook.after_receive(&raw, operation)
                .await
                .map_err(|source| Error::new(operation.id, ErrorKind::Hook(source)))?;
        }
        Ok((raw, used))
    }

    /// The request with URL, context headers, api-version and body; no credentials yet.
    fn prepare<E>(
        &self,
        operation: &'static Operation,
        url: &str,
        extra: &[(&'static str, String)],
        body: Option<&RequestBody>,
    ) -> Result<reqwest::Request, Error<E>> {
        let invalid =
            |reason: String| Error::new(operation.id, ErrorKind::InvalidRequest { reason });
        let url = reqwest::Url::parse(url).map_err(|e| invalid(format!("bad URL: {e}")))?;
        let mut request = reqwest::Request::new(operation.method.clone(), url);
        if let Some(timeout) = self.call.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        let headers = request.headers_mut();
        if let Some(version) = operation.api_version {
            headers.insert(API_VERSION, HeaderValue::from_static(version));
        }
        for declared in operation.context {
            let Some(value) = self.context().value(declared.key) else {
                // OnPremise servers serve one tenant and ignore the tenant header, so a missing
                // tenant is left for the server to judge; other required values are ours to check.
                if declared.required && declared.key != ContextKey::Tenant {
                    return Err(invalid(format!(
                        "header `{}` is required; set it on the client's Context",
                        declared.name
                    )));
                }
                continue;
            };
            let mut value = HeaderValue::from_str(&value).map_err(|_| {
                invalid(format!(
                    "value of header `{}` is not a valid header value",
                    declared.name
                ))
            })?;
            // The session id is a credential: kept out of HPACK tables and `Debug`.
            value.set_sensitive(declared.key == ContextKey::SessionId);
            let name = HeaderName::from_bytes(declared.name.as_bytes())
                .map_err(|_| invalid(format!("`{}` is not a valid header name", declared.name)))?;
            headers.insert(name, value);
        }
        for (name, value) in extra {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid(format!("`{name}` is not a valid header name")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                invalid(format!(
                    "value of header `{name}` is not a valid header value"
                ))
            })?;
            headers.append(name, value);
        }
        if let Some(body) = body {
            headers.insert(CONTENT_TYPE, body.content_type().clone());
            *request.body_mut() = Some(reqwest::Body::from(body.bytes().clone()));
        }
        Ok(request)
    }

    /// Lets the provider add its credentials; says whether it did.
    async fn authorize<E>(
        &self,
        operation: &'static Operation,
        request: &mut reqwest::Request,
    ) -> Result<bool, Error<E>> {
        match (&self.inner.auth, operation.auth) {
            (_, AuthNeed::None) | (None, AuthNeed::Optional) => Ok(false),
            (None, AuthNeed::Required) => Err(Error::new(operation.id, ErrorKind::MissingAuth)),
            (Some(auth), AuthNeed::Required | AuthNeed::Optional) => auth
                .authorize(request, operation)
                .await
                .map(|()| true)
                .map_err(|source| Error::new(operation.id, ErrorKind::Auth(source))),
        }
    }

    /// Reads the body chunk by chunk, refusing it as soon as it exceeds the limit.
    async fn read<E>(
        &self,
        operation: &'static Operation,
        mut response: reqwest::Response,
    ) -> Result<RawResponse, Error<E>> {
        let limit = self.inner.max_body_bytes;
        let too_large = || Error::new(operation.id, ErrorKind::BodyTooLarge { limit });
        let declared = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|len| len > limit as u64) {
            return Err(too_large());
        }
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let received_at = self.inner.time.wall_clock();
        if declared.is_some() {
            // HTTP framing holds the body to the declared length (hyper refuses more), so a
            // declared length within the limit bounds the read; reqwest's own collection then
            // hands over a single-chunk body without copying it.
            let body = response
                .bytes()
                .await
                .map_err(|e| Error::new(operation.id, ErrorKind::Transport(e.without_url())))?;
            return Ok(RawResponse::new(status, headers, body, received_at));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Error::new(operation.id, ErrorKind::Transport(e.without_url())))?
        {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse::new(status, headers, body.into(), received_at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_named_wait_is_spread_by_up_to_a_twentieth() {
        let wait = Duration::from_secs(2);
        let waits: Vec<Duration> = (0..200).map(|_| spread(wait)).collect();
        assert!(
            waits
                .iter()
                .all(|s| (wait..=wait + Duration::from_millis(100)).contains(s)),
            "{waits:?}"
        );
        assert!(
            waits.iter().any(|s| *s > wait + Duration::from_millis(20)),
            "spread over the twentieth, not a few milliseconds: {waits:?}"
        );
        assert_eq!(spread(Duration::ZERO), Duration::ZERO);
    }
}
