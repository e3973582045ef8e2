//! A loopback `GET /v2/info` that enforces the vendor's rate limit as the benchmarks need it:
//! `limit` answers per window, a window opening at the first call after the last one closed,
//! 429 without `Retry-After` beyond it, and the `X-RateLimit-*` headers on every answer. Real
//! time, on purpose: the benchmarks measure how long the windows make a load take.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wiremock::{Request, Respond, ResponseTemplate};

/// The server side of one rate-limit window at a time; clones share the count.
#[derive(Clone)]
pub struct RateWindow {
    limit: u64,
    seconds: u64,
    /// When the current window opened, and the calls it has taken.
    state: Arc<Mutex<(Option<Instant>, u64)>>,
    refused: Arc<AtomicUsize>,
}

impl RateWindow {
    /// `limit` calls per window of `seconds`.
    pub fn new(limit: u64, seconds: u64) -> Self {
        Self {
            limit,
            seconds,
            state: Arc::default(),
            refused: Arc::default(),
        }
    }

    /// The window's length in seconds.
    pub fn seconds(&self) -> u64 {
        self.seconds
    }

    /// The 429s answered so far.
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }

    /// The answer to one call: a status document inside the window, 429 beyond it.
    pub fn answer(&self) -> ResponseTemplate {
        let now = Instant::now();
        let window = Duration::from_secs(self.seconds);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.0.is_none_or(|start| now >= start + window) {
            *state = (Some(now), 0);
        }
        let template = |status| {
            ResponseTemplate::new(status)
                .insert_header("x-ratelimit-limit", self.limit.to_string().as_str())
                .insert_header(
                    "x-ratelimit-interval-length-seconds",
                    self.seconds.to_string().as_str(),
                )
        };
        if state.1 < self.limit {
            state.1 += 1;
            template(200)
                .insert_header(
                    "x-ratelimit-remaining",
                    (self.limit - state.1).to_string().as_str(),
                )
                .set_body_raw(
                    r#"{"version":"1","timestamp":"2025-03-20T08:57:00+01:00","tenant":"t","type":"x"}"#,
                    "application/json",
                )
        } else {
            self.refused.fetch_add(1, Ordering::SeqCst);
            template(429).insert_header("x-ratelimit-remaining", "0")
        }
    }
}

impl Respond for RateWindow {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.answer()
    }
}
