//! Peak memory when a server offers a 1 GiB body: the generated client (default 16 MiB body
//! limit) against reqwest's `bytes()` reading it whole, in the same process, the peak reset
//! between the two (`/proc/self/clear_refs`). Linux only.
//!
//! `cargo bench -p jtl-erp-tests --bench large_body`; the README reports the figures.

use std::io::Write as _;
use std::time::Instant;

use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::auth::WawiKey;
use jtl_erp_client::runtime::{Error, reqwest};
use jtl_erp_tests::RawServer;

const GIB: usize = 1 << 30;

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM");
    line.split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .expect("number")
}

fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").expect("clear_refs (Linux 4.0+)");
}

fn main() {
    let server = RawServer::start(|stream| {
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {GIB}\r\n\r\n"
        );
        let _ = stream.write_all(head.as_bytes());
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..1024 {
            if stream.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    // The same gigabyte without a declared length: the client must count while it reads.
    let chunked = RawServer::start(|stream| {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        let _ = stream.write_all(head.as_bytes());
        let chunk = format!("{:x}\r\n{}\r\n", 1 << 20, " ".repeat(1 << 20));
        for _ in 0..1024 {
            if stream.write_all(chunk.as_bytes()).is_err() {
                return;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n");
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = erp_v2::Client::builder()
            .base_url(&server.url)
            .auth(WawiKey::new("k"))
            .timeout(std::time::Duration::from_secs(120))
            .build()
            .expect("client");
        reset_peak();
        let before = peak_rss_kib();
        let started = Instant::now();
        let result = client.get_status().await;
        assert!(
            matches!(result, Err(Error::BodyTooLarge { .. })),
            "{result:?}"
        );
        let client_peak = peak_rss_kib();
        println!(
            "generated client, declared length: refused after {:?}, peak RSS {} MiB (was {} MiB)",
            started.elapsed(),
            client_peak / 1024,
            before / 1024
        );

        let streaming = erp_v2::Client::builder()
            .base_url(&chunked.url)
            .auth(WawiKey::new("k"))
            .timeout(std::time::Duration::from_secs(120))
            .build()
            .expect("client");
        reset_peak();
        let started = Instant::now();
        let result = streaming.get_status().await;
        assert!(
            matches!(result, Err(Error::BodyTooLarge { .. })),
            "{result:?}"
        );
        let streaming_peak = peak_rss_kib();
        println!(
            "generated client, chunked: refused after {:?}, peak RSS {} MiB",
            started.elapsed(),
            streaming_peak / 1024
        );

        reset_peak();
        let started = Instant::now();
        let whole = reqwest::get(format!("{}/v2/info", server.url))
            .await
            .expect("sent")
            .bytes()
            .await
            .expect("read");
        let baseline_peak = peak_rss_kib();
        println!(
            "reqwest bytes(): read {} MiB in {:?}, peak RSS {} MiB",
            whole.len() >> 20,
            started.elapsed(),
            baseline_peak / 1024
        );
        println!(
            "ratio of peaks (client / baseline): declared length {:.3}, chunked {:.3}",
            client_peak as f64 / baseline_peak as f64,
            streaming_peak as f64 / baseline_peak as f64
        );
    });
}
