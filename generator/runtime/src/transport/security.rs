//! HttpSettings rules that keep credentials where they belong.

use crate::transport::error::BuildError;

/// Whether a URL's host is this machine (127.0.0.0/8, `::1`, `localhost`).
pub(crate) fn is_loopback(url: &url::Url) -> bool {
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

/// How long a connection of a token provider or verifier stays pooled without use.
pub(crate) const IDLE_CONNECTION_LIFETIME: std::time::Duration = std::time::Duration::from_secs(4);

/// The HTTP client of everything that talks to JTL besides the API client (token providers,
/// both token verifiers): `timeout` for connecting and for each request, the user's transport
/// settings (`configure`: proxy, roots, TLS, pool), then same-origin redirects only, which no
/// setting can undo.
pub(crate) fn http_client(
    timeout: std::time::Duration,
    configure: Option<&crate::transport::settings::ConfigureHttp>,
) -> Result<reqwest::Client, BuildError> {
    let mut builder = reqwest_builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        // Token and key endpoints are called minutes apart. A pooled connection the server has
        // closed for idleness resets the next request on it, and a code exchange or a refresh
        // with a rotating token is not retried; servers close idle connections after 5 s
        // (Node's default) or more, so ours are dropped first.
        .pool_idle_timeout(IDLE_CONNECTION_LIFETIME);
    if let Some(configure) = configure {
        builder = configure(builder);
    }
    builder
        .redirect(same_origin_redirects())
        .build()
        .map_err(BuildError::Http)
}

/// reqwest's builder with the roots the TLS features choose: `tls-webpki-roots` alone trusts
/// Mozilla's roots compiled in (reqwest 0.13's rustls would read the system's otherwise);
/// with `tls-native-roots` the system's roots are used (reqwest's platform verifier), Mozilla's
/// added when both are on; `native-tls` keeps the platform's TLS and its roots. Roots added in
/// `configure_http` (`tls_certs_merge`, `add_root_certificate`) are trusted besides.
pub(crate) fn reqwest_builder() -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder();
    #[cfg(all(feature = "tls-webpki-roots", not(feature = "native-tls")))]
    let builder = {
        static MOZILLA: std::sync::OnceLock<Vec<reqwest::Certificate>> = std::sync::OnceLock::new();
        let roots = MOZILLA.get_or_init(|| {
            webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .filter_map(|der| reqwest::Certificate::from_der(der).ok())
                .collect()
        });
        if cfg!(feature = "tls-native-roots") {
            builder.tls_certs_merge(roots.iter().cloned())
        } else {
            builder.tls_certs_only(roots.iter().cloned())
        }
    };
    builder
}

/// Redirects are followed only within the same scheme, host and port (at most 5): every header
/// of the request, credentials and tenant included, would otherwise go to someone else, and an
/// https → http hop would send them in clear text. A refused redirect comes back as the 3xx.
pub(crate) fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        if follow(attempt.previous(), attempt.url()) {
            attempt.follow()
        } else {
            tracing::warn!("redirect to another origin refused");
            attempt.stop()
        }
    })
}

/// Whether to follow a redirect to `next` after the requests to `previous` (the first is the
/// original one): same origin as the original, at most 5 hops.
fn follow(previous: &[url::Url], next: &url::Url) -> bool {
    previous
        .first()
        .is_some_and(|origin| redirect_allowed(origin, next))
        && previous.len() <= 5
}

/// Whether a redirect from `from` to `to` keeps scheme, host and port.
pub(crate) fn redirect_allowed(from: &url::Url, to: &url::Url) -> bool {
    to.scheme() == from.scheme()
        && to.host_str() == from.host_str()
        && to.port_or_known_default() == from.port_or_known_default()
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

    #[test]
    fn redirects_are_followed_within_the_origin_for_at_most_five_hops() {
        let url = |s: &str| url::Url::parse(s).expect("url");
        let origin = url("https://api.jtl-cloud.com/a");
        let same = url("https://api.jtl-cloud.com/b");
        assert!(follow(std::slice::from_ref(&origin), &same));
        assert!(follow(&vec![origin.clone(); 5], &same));
        assert!(!follow(&vec![origin.clone(); 6], &same), "a sixth hop");
        assert!(!follow(&[origin], &url("https://evil.example/b")));
        assert!(!follow(&[], &same), "no original request");
    }

    #[test]
    fn redirects_stay_on_their_origin() {
        let url = |s: &str| url::Url::parse(s).expect("url");
        assert!(redirect_allowed(
            &url("https://api.jtl-cloud.com/erp/a"),
            &url("https://api.jtl-cloud.com/erp/b")
        ));
        assert!(redirect_allowed(
            &url("https://api.jtl-cloud.com/a"),
            &url("https://api.jtl-cloud.com:443/b")
        ));
        assert!(
            !redirect_allowed(
                &url("https://api.jtl-cloud.com/a"),
                &url("http://api.jtl-cloud.com/a")
            ),
            "downgrade"
        );
        assert!(
            !redirect_allowed(
                &url("https://api.jtl-cloud.com/a"),
                &url("https://evil.example/a")
            ),
            "host"
        );
        assert!(
            !redirect_allowed(
                &url("http://127.0.0.1:8080/a"),
                &url("http://127.0.0.1:8081/a")
            ),
            "port"
        );
    }
}
