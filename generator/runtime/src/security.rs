//! Transport rules that keep credentials where they belong.

use crate::error::BuildError;

/// Whether a URL's host is this machine (127.0.0.0/8, `::1`, `localhost`).
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Parses `raw` and refuses plain HTTP to any host but loopback: bearer tokens and client
/// secrets must not cross a network unencrypted.
pub(crate) fn require_secure(raw: &str, what: &'static str) -> Result<url::Url, BuildError> {
    let url = url::Url::parse(raw).map_err(|e| BuildError::BaseUrl {
        url: raw.to_owned(),
        reason: e.to_string(),
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        _ => Err(BuildError::InsecureUrl {
            url: raw.to_owned(),
            what,
        }),
    }
}

/// Redirects are followed only within the same scheme, host and port (at most 5): every header
/// of the request, credentials and tenant included, would otherwise go to someone else, and an
/// https → http hop would send them in clear text. A refused redirect comes back as the 3xx.
pub fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = &attempt.previous()[0];
        let next = attempt.url();
        let same = next.scheme() == first.scheme()
            && next.host_str() == first.host_str()
            && next.port_or_known_default() == first.port_or_known_default();
        if same && attempt.previous().len() <= 5 {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_may_use_http_everything_else_needs_https() {
        assert!(require_secure("http://127.0.0.1:8080/x", "base URL").is_ok());
        assert!(require_secure("http://127.1.2.3/x", "base URL").is_ok());
        assert!(require_secure("http://localhost/x", "base URL").is_ok());
        assert!(require_secure("http://[::1]:9/x", "base URL").is_ok());
        assert!(require_secure("https://api.jtl-cloud.com/erp", "base URL").is_ok());
        let error =
            require_secure("http://api.jtl-cloud.com/erp", "base URL").expect_err("plain http");
        assert_eq!(
            error.to_string(),
            "base URL `http://api.jtl-cloud.com/erp` must use https (plain http is allowed for loopback only)"
        );
        assert!(require_secure("http://10.0.0.1/", "base URL").is_err());
    }
}
