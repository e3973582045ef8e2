//! What a server says about throttling: `Retry-After` and the vendor's `X-RateLimit-*` headers,
//! read from any response so that errors and the retry loop see the same values.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// The vendor's rate-limit headers of one response (windows of 45 to 60 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed per window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the current window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Interval-Length-Seconds`: the window's length.
    pub interval: Option<Duration>,
}

impl RateLimit {
    /// The headers of `headers`, `None` when the response carries none of them.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let limit = RateLimit {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            interval: number("x-ratelimit-interval-length-seconds").map(Duration::from_secs),
        };
        (limit.limit.is_some() || limit.remaining.is_some() || limit.interval.is_some())
            .then_some(limit)
    }

    /// Whether the window is used up.
    pub fn exhausted(&self) -> bool {
        self.remaining == Some(0)
    }
}

/// `Retry-After` of `headers`, as seconds or as an HTTP date measured from `now`, the wall-clock
/// time the answer was received (a date in the past is zero).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = SystemTime::from(chrono::DateTime::parse_from_rfc2822(value).ok()?);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The server's request id, under the names servers commonly use.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    [
        "x-request-id",
        "request-id",
        "x-correlation-id",
        "traceparent",
    ]
    .iter()
    .find_map(|name| headers.get(*name)?.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    http::HeaderName::from_static(k),
                    v.parse().expect("header value"),
                )
            })
            .collect()
    }

    #[test]
    fn the_vendor_headers_are_read() {
        let limit = RateLimit::from_headers(&headers(&[
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-interval-length-seconds", "45"),
        ]))
        .expect("present");
        assert_eq!(limit.limit, Some(60));
        assert!(limit.exhausted());
        assert_eq!(limit.interval, Some(Duration::from_secs(45)));
        assert_eq!(RateLimit::from_headers(&headers(&[("x-other", "1")])), None);
        // Any one of the three is enough.
        for (name, value) in [
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "7"),
            ("x-ratelimit-interval-length-seconds", "60"),
        ] {
            let limit = RateLimit::from_headers(&headers(&[(name, value)])).expect(name);
            assert!(!limit.exhausted(), "{name}");
        }
    }

    #[test]
    fn the_request_id_is_found_under_common_names() {
        assert_eq!(
            request_id(&headers(&[("x-request-id", "abc")])),
            Some("abc")
        );
        assert_eq!(
            request_id(&headers(&[("x-correlation-id", "c-1")])),
            Some("c-1")
        );
        assert_eq!(request_id(&headers(&[("x-other", "1")])), None);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        // 2015-10-21T07:28:00Z, the date of the examples below.
        let date = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        let at =
            |value: &str, now: SystemTime| retry_after(&headers(&[("retry-after", value)]), now);
        assert_eq!(at(" 7 ", date), Some(Duration::from_secs(7)));
        // A date is measured from the time the answer was received, to the second.
        let before = date - Duration::from_secs(90);
        assert_eq!(
            at("Wed, 21 Oct 2015 07:28:00 GMT", before),
            Some(Duration::from_secs(90))
        );
        // An offset other than GMT is read as written.
        assert_eq!(
            at("Wed, 21 Oct 2015 09:28:00 +0200", before),
            Some(Duration::from_secs(90))
        );
        // At or after the date: no wait.
        assert_eq!(
            at("Wed, 21 Oct 2015 07:28:00 GMT", date),
            Some(Duration::ZERO)
        );
        assert_eq!(
            at(
                "Wed, 21 Oct 2015 07:28:00 GMT",
                date + Duration::from_secs(5)
            ),
            Some(Duration::ZERO)
        );
        assert_eq!(at("soon", date), None);
    }
}
