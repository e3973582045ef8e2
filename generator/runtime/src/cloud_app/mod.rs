//! The Cloud App side: what a Cloud App's backend needs besides calling the ERP, and generated
//! code never calls. Verifying the App Shell's tokens (`app_token.rs` for the identity platform's
//! app tokens, `session_token.rs` for the App Shell's session tokens, both on the JOSE core of `jose.rs`),
//! the environments and their configuration (`environment.rs`), scopes (`scopes.rs`), the app
//! manifest (`manifest.rs`) and the registration signature (`signature.rs`).

/// The defaults both verifiers' builders start from (the setters of [`verifier_setters!`] name
/// them); each verifier's module re-exports them under its own path.
mod verifier_defaults {
    use std::time::Duration;

    /// How long fetched keys are used before they are fetched again.
    pub const DEFAULT_KEY_CACHE: Duration = Duration::from_secs(10 * 60);
    /// The shortest time between two fetches caused by unknown key ids.
    pub const DEFAULT_REFETCH_INTERVAL: Duration = Duration::from_secs(30);
    /// Clock skew tolerated on `exp` and `nbf`.
    pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);
}

/// The setters both verifiers' builders have, written once: clock skew, key cache, refetch
/// interval and the transport settings of the key requests. The builder has `leeway`,
/// `key_cache`, `refetch_interval` and `fetch: KeyFetch`.
macro_rules! verifier_setters {
    () => {
        /// Clock skew tolerated on `exp` and `nbf` (default 30 s).
        pub fn leeway(mut self, leeway: ::std::time::Duration) -> Self {
            self.leeway = leeway;
            self
        }
        /// How long fetched keys are used (default 10 minutes).
        pub fn key_cache(mut self, ttl: ::std::time::Duration) -> Self {
            self.key_cache = ttl;
            self
        }
        /// The shortest time between two refetches caused by an unknown key id (default 30 s),
        /// so that tokens with made-up key ids cannot make the backend hammer the key set.
        pub fn refetch_interval(mut self, interval: ::std::time::Duration) -> Self {
            self.refetch_interval = interval;
            self
        }
        /// The transport settings ([`crate::HttpSettings`]): the timeout of a key fetch (retries
        /// included; default 10 s), connect timeout, retries after a connection error, 5xx or
        /// 429 (default 2, backing off 100 ms, 200 ms), the clock that tokens' times and the
        /// key cache's age are read on, and `configure_http`.
        pub fn http_settings(mut self, settings: &crate::HttpSettings) -> Self {
            self.fetch.apply(settings);
            self
        }
    };
}

/// The maps from the JOSE core's refusals to a verifier's error, written once for both
/// verifiers: their errors name the refusals alike (`Malformed`, `WrongAlgorithm`, `Expired`,
/// `MissingTenant`, `KeysUnreachable`, …), each in its own public enum, which no function can
/// construct for either. `$error` is the verifier's error.
macro_rules! verifier_refusals {
    ($error:ident) => {
        /// The verifier's error of a refusal of the token's form or signature.
        fn refused(refusal: $crate::cloud_app::jose::Refusal) -> $error {
            use $crate::cloud_app::jose::Refusal;
            match refusal {
                Refusal::Malformed(what) => $error::Malformed(what),
                Refusal::WrongAlgorithm => $error::WrongAlgorithm,
                Refusal::UnknownKey => $error::UnknownKey,
                Refusal::BadSignature => $error::BadSignature,
            }
        }

        /// The verifier's error of a refusal of the key cache: of the token, or of the fetch.
        fn cache_refused(
            error: $crate::cloud_app::jose::CacheError<$crate::cloud_app::keys::KeysError>,
        ) -> $error {
            use $crate::cloud_app::jose::CacheError;
            match error {
                CacheError::Refused(refusal) => refused(refusal),
                CacheError::Fetch(error) => $error::KeysUnreachable(error),
            }
        }

        /// The verifier's error of a refusal of the claims both verifiers check alike.
        fn claim_refused(refusal: $crate::cloud_app::jose::ClaimRefusal) -> $error {
            use $crate::cloud_app::jose::ClaimRefusal;
            match refusal {
                ClaimRefusal::Malformed(what) => $error::Malformed(what),
                ClaimRefusal::Expired => $error::Expired,
                ClaimRefusal::NotYetValid => $error::NotYetValid,
                ClaimRefusal::MissingTenant => $error::MissingTenant,
            }
        }
    };
}

pub mod app_token;
pub mod environment;
pub(crate) mod jose;
mod keys;
pub mod manifest;
pub mod scopes;
pub mod session_token;
pub mod signature;
