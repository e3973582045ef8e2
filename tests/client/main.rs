//! The generated client over loopback HTTP: bytes on the wire, casings, auth, hostile servers,
//! redaction, decoder fuzzing.

mod auth;
mod e2e;
mod fuzz_decoders;
mod hostile;
mod markers;
mod ratelimit;
mod redaction;
mod redirects;
mod wire;
