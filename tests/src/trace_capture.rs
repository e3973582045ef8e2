//! What `tracing` prints on one test's thread, captured while the test looks.
//!
//! One subscriber serves the whole test binary and hands each event to the capture of the thread
//! it happens on. The tests used to install a subscriber of their own with `set_default`, but
//! `tracing` caches whether a callsite is wanted for all threads at once: a test on another
//! thread that reached a callsite first, with no capture of its own, cached "never" for everyone
//! and a capturing test then saw nothing of its own calls (CI of stop 39, and once in four runs
//! before a retry loop papered over it). The filter here answers "sometimes" for every callsite,
//! so `tracing` asks it on every event and nothing is cached (a dynamic filter: a `filter_fn`
//! takes its answer for a pure function of the callsite and caches it).

use std::cell::RefCell;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, Once};

use tracing::level_filters::LevelFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::dynamic_filter_fn;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

thread_local! {
    /// The capture of this thread and the most verbose level it takes.
    static ACTIVE: RefCell<Option<(CapturedLogs, LevelFilter)>> = const { RefCell::new(None) };
}

/// Everything `tracing` printed into one capture.
#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    /// The text printed so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

/// Captures what `tracing` prints on this thread up to `level` until it is dropped. Tests run
/// their client on the current thread (the default of `#[jtl_erp_tests::test]`), so that is
/// everything the code under test prints.
pub struct TraceCapture {
    /// The captured text.
    pub logs: CapturedLogs,
    /// The capture this one covers while it lives (a capture inside a capture).
    outer: Option<(CapturedLogs, LevelFilter)>,
    /// Bound to the thread whose events it takes.
    _thread: PhantomData<*const ()>,
}

/// Starts capturing this thread's events up to `level`.
pub fn capture(level: tracing::Level) -> TraceCapture {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let layer = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(ThisThread)
            .with_filter(dynamic_filter_fn(|metadata, _| {
                ACTIVE.with(|active| {
                    active
                        .borrow()
                        .as_ref()
                        .is_some_and(|(_, level)| metadata.level() <= level)
                })
            }));
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
            .expect("the only global subscriber of the test binary");
    });
    let logs = CapturedLogs::default();
    let outer = ACTIVE.with(|active| {
        active
            .borrow_mut()
            .replace((logs.clone(), LevelFilter::from_level(level)))
    });
    TraceCapture {
        logs,
        outer,
        _thread: PhantomData,
    }
}

impl Drop for TraceCapture {
    fn drop(&mut self) {
        let outer = self.outer.take();
        ACTIVE.with(|active| *active.borrow_mut() = outer);
    }
}

/// Writes into the capture of the thread the event happens on; the filter lets no event of a
/// thread without one through, and a writer asked anyway discards.
struct ThisThread;

impl<'a> MakeWriter<'a> for ThisThread {
    type Writer = Sink;

    fn make_writer(&'a self) -> Sink {
        Sink(ACTIVE.with(|active| active.borrow().as_ref().map(|(logs, _)| logs.clone())))
    }
}

struct Sink(Option<CapturedLogs>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(logs) = &self.0 {
            logs.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::capture;

    fn event(marker: &str) {
        tracing::info!(marker, "one callsite for every thread");
    }

    #[test]
    fn each_capture_sees_its_own_threads_events_whoever_reached_the_callsite_first() {
        // Another thread reaches the callsite first, with no capture: nothing may be cached.
        std::thread::spawn(|| event("uncaptured"))
            .join()
            .expect("thread");
        let mine = capture(tracing::Level::INFO);
        let (go, wait) = std::sync::mpsc::channel();
        let other = std::thread::spawn(move || {
            let theirs = capture(tracing::Level::INFO);
            event("theirs");
            go.send(()).expect("send");
            theirs.logs.text()
        });
        wait.recv().expect("the other thread printed");
        event("mine");
        {
            let quieter = capture(tracing::Level::WARN);
            event("below the inner level");
            assert_eq!(quieter.logs.text(), "");
        }
        event("mine again");
        let theirs = other.join().expect("thread");
        let text = mine.logs.text();
        assert!(text.contains("marker=\"mine\""), "{text}");
        assert!(text.contains("marker=\"mine again\""), "{text}");
        for foreign in ["uncaptured", "theirs", "below the inner level"] {
            assert!(!text.contains(foreign), "{foreign}: {text}");
        }
        assert!(
            theirs.contains("marker=\"theirs\"") && !theirs.contains("mine"),
            "{theirs}"
        );
    }
}
