//! The generated client over loopback HTTP: bytes on the wire, casings, auth, hostile servers,
//! redaction, decoder fuzzing.

mod auth;
mod authorize_options;
mod basic_credentials;
mod e2e;
mod erp2;
mod fleet;
mod fleet_window;
mod fuzz_decoders;
mod harness;
mod hostile;
mod markers;
mod oidc;
mod pkce;
mod ratelimit;
mod redaction;
mod redirects;
mod tenants;
mod transport;
mod wire;
use jtl_erp_tests::trace_capture;
