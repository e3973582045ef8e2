//! One set of transport settings for everything that talks HTTP: the API client, every token
//! provider ([`ClientCredentials`](crate::auth::ClientCredentials),
//! [`ScxRefreshToken`](crate::auth::ScxRefreshToken), [`PkceLogin`](crate::auth::PkceLogin)) and
//! both verifiers ([`AppTokenVerifier`](crate::app_token::AppTokenVerifier),
//! [`SessionTokenVerifier`](crate::session_token::SessionTokenVerifier)).
//!
//! Build a [`HttpSettings`] once and hand it to each builder's `.http_settings(&t)`: it is the one way
//! to set a timeout, retries, the clock or reqwest settings on any of them. A setting left unset
//! keeps the builder's default (the client waits 30 s per request, token providers and verifiers
//! 10 s per fetch); a setting of the transport replaces what the builder had, so of two
//! `.transport` calls the later one's settings win (their `configure_http`s both run, the later
//! one last). Whatever is set here, the https rule and the same-origin redirect rule stay.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::time::SharedTimeSource;
use crate::transport::backoff::Backoff;
use crate::transport::error::BuildError;

/// The user's settings of reqwest's builder (proxy, root certificates, TLS, pool): the one
/// customization type, `Fn` because one [`HttpSettings`] serves several consumers.
pub(crate) type ConfigureHttp =
    Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>;

/// HttpSettings settings shared by the client, the token providers and the verifiers.
#[derive(Clone, Default)]
#[must_use]
pub struct HttpSettings {
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) retries: Option<u32>,
    pub(crate) backoff: Option<Backoff>,
    pub(crate) time: Option<SharedTimeSource>,
    configure_http: Option<ConfigureHttp>,
}

impl fmt::Debug for HttpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpSettings")
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retries", &self.retries)
            .field("backoff", &self.backoff)
            .field("configure_http", &self.configure_http.is_some())
            .finish_non_exhaustive()
    }
}

impl HttpSettings {
    /// No setting: every consumer keeps its defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// The longest wait: for the client, each request (body included); for a token provider,
    /// a token (retries included); for a verifier, its keys (retries included).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
    /// The longest wait for a connection (default: the client 10 s, the others their timeout).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }
    /// Retries after connection errors, 5xx and (client, key fetches) 429: the client's
    /// [`RetryPolicy::max_retries`](crate::RetryPolicy), a token provider's retries of a token
    /// request, a verifier's of a discovery or key-set request.
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = Some(retries);
        self
    }
    /// The waits between those retries (when the server names none).
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = Some(backoff);
        self
    }
    /// The clock of every wait, token lifetime, cache age and token time (tests inject a
    /// manual one).
    pub fn time_source(mut self, time: impl Into<SharedTimeSource>) -> Self {
        self.time = Some(time.into());
        self
    }
    /// Settings of reqwest's builder (proxy, root certificates, TLS, pool, default headers),
    /// applied to every consumer's HTTP client after its timeouts and before the same-origin
    /// redirect rule, which they cannot undo.
    pub fn configure_http(
        mut self,
        configure: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.configure_http = Some(Arc::new(configure));
        self
    }

    /// The `configure_http` a builder had with this transport's after it: the connect timeout (when
    /// `with_connect`: consumers whose builder has no connect timeout of its own), then the
    /// user's settings.
    pub(crate) fn compose(
        &self,
        earlier: Option<ConfigureHttp>,
        with_connect: bool,
    ) -> Option<ConfigureHttp> {
        let connect = self.connect_timeout.filter(|_| with_connect);
        let own = self.configure_http.clone();
        if connect.is_none() && own.is_none() {
            return earlier;
        }
        Some(Arc::new(move |mut builder: reqwest::ClientBuilder| {
            if let Some(earlier) = &earlier {
                builder = earlier(builder);
            }
            if let Some(connect) = connect {
                builder = builder.connect_timeout(connect);
            }
            if let Some(own) = &own {
                builder = own(builder);
            }
            builder
        }))
    }
}

/// How the verifiers fetch their keys (discovery, key sets): the transport settings a verifier
/// builder holds.
pub(crate) struct KeyFetch {
    /// Longest wait for a document, retries included.
    pub timeout: Duration,
    /// The clock of token times and cache ages.
    pub time: SharedTimeSource,
    /// Retries after a connection error, 5xx or 429.
    pub retries: Retries,
    configure_http: Option<ConfigureHttp>,
}

impl Default for KeyFetch {
    /// 10 s, the system clock, [`Retries::default`].
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            time: SharedTimeSource::default(),
            retries: Retries::default(),
            configure_http: None,
        }
    }
}

impl KeyFetch {
    /// Takes the settings `transport` sets.
    pub(crate) fn apply(&mut self, transport: &HttpSettings) {
        if let Some(timeout) = transport.timeout {
            self.timeout = timeout;
        }
        if let Some(time) = &transport.time {
            self.time = time.clone();
        }
        self.retries.apply(transport);
        self.configure_http = transport.compose(self.configure_http.take(), true);
    }

    /// The HTTP client of the key requests, the timeout, the clock and the retries: what a
    /// verifier keeps.
    pub(crate) fn build(
        self,
    ) -> Result<(reqwest::Client, Duration, SharedTimeSource, Retries), BuildError> {
        let http =
            crate::transport::security::http_client(self.timeout, self.configure_http.as_ref())?;
        Ok((http, self.timeout, self.time, self.retries))
    }
}

/// Retries of the verifiers' key fetches (discovery, key sets).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Retries {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The waits between them.
    pub backoff: Backoff,
}

impl Default for Retries {
    /// Two retries, backing off 100 ms, 200 ms (as the token providers).
    fn default() -> Self {
        Self {
            retries: 2,
            backoff: Backoff::new(Duration::from_millis(100), Duration::from_secs(2)),
        }
    }
}

impl Retries {
    /// Takes the settings `transport` sets.
    pub(crate) fn apply(&mut self, transport: &HttpSettings) {
        if let Some(retries) = transport.retries {
            self.retries = retries;
        }
        if let Some(backoff) = transport.backoff {
            self.backoff = backoff;
        }
    }

    /// Runs `attempt` until its outcome is not worth a retry (`retry` says) or the retries are
    /// spent, waiting the backoff on `time` between attempts.
    pub(crate) async fn run<O, F, Fut>(
        &self,
        time: &SharedTimeSource,
        retry: impl Fn(&O) -> bool,
        mut attempt: F,
    ) -> O
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = O>,
    {
        let mut tried = 0;
        loop {
            let outcome = attempt().await;
            if tried >= self.retries || !retry(&outcome) {
                return outcome;
            }
            let pause = self.backoff.delay(tried);
            tried += 1;
            tracing::debug!(attempt = tried, "key fetch failed; retrying");
            time.sleep(pause).await;
        }
    }
}

/// Whether a status is worth another attempt: 5xx and 429.
pub(crate) fn retryable_status(status: http::StatusCode) -> bool {
    status.is_server_error() || status == http::StatusCode::TOO_MANY_REQUESTS
}
