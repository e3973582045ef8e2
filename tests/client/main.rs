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
mod trace_capture {
    //! Tests that capture tracing output take turns: thread-local subscribers of tests running
    //! in parallel disturb each other's cached callsite interest, and an event then goes unseen.

    use jtl_erp_tests::CapturedLogs;

    /// Everything `tracing` prints on this thread up to `level` while it lives.
    pub struct TraceCapture {
        /// The captured text.
        pub logs: CapturedLogs,
        _default: tracing::subscriber::DefaultGuard,
        _turn: std::sync::MutexGuard<'static, ()>,
    }

    pub fn capture(level: tracing::Level) -> TraceCapture {
        static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
        let logs = CapturedLogs::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let default = tracing::subscriber::set_default(subscriber);
        // Callsites seen before this subscriber existed cached "not interested"; ask again.
        tracing::callsite::rebuild_interest_cache();
        TraceCapture {
            logs,
            _default: default,
            _turn: turn,
        }
    }
}
