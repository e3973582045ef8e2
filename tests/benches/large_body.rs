//! Reading bodies under a cap: the generated client (default 16 MiB body limit) against a
//! reqwest `chunk()` loop under the same cap, on the same bodies, in the same process: a valid
//! JSON body of 15 MiB below the cap (both read and decode it into the same model), and a 1 GiB
//! body above it (both refuse it), each with a declared length and chunked. Time per read
//! (runs alternate between the two; medians, and the median of the pairwise ratios ours /
//! baseline). Memory is bounded by the cap on both sides by construction; a peak-RSS figure
//! in one process is not one (the allocator keeps what an earlier read freed).
//!
//! `cargo bench -p jtl-erp-tests --bench large_body`; tests/MEASUREMENTS.md reports the figures.

use std::io::Write as _;
use std::time::{Duration, Instant};

use jtl_erp_client::erp_v2;
use jtl_erp_client::models::Status;
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::auth::WawiKey;
use jtl_erp_client::runtime::{DEFAULT_MAX_BODY_BYTES, ErrorKind, reqwest, serde_json};
use jtl_erp_tests::RawServer;

const MIB: usize = 1 << 20;
const GIB: usize = 1 << 30;
/// Below the cap: a status padded with whitespace to 15 MiB.
const SMALL: usize = 15 * MIB;
const STATUS: &str = r#"{"version":"1.8.10.0","timestamp":"2023-02-01T12:45:00+00:00","tenant":"t","type":"WAWI-Api"}"#;

/// `len` bytes of body: the status, then spaces, written 1 MiB at a time; with a declared length
/// or chunked.
fn answer(stream: &mut std::net::TcpStream, len: usize, chunked: bool) {
    let framing = if chunked {
        "transfer-encoding: chunked".to_owned()
    } else {
        format!("content-length: {len}")
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n{framing}\r\n\r\n"
    );
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut left = len;
    let mut first = true;
    while left > 0 {
        let n = left.min(MIB);
        let mut piece = vec![b' '; n];
        if first {
            piece[..STATUS.len()].copy_from_slice(STATUS.as_bytes());
            first = false;
        }
        let sent = if chunked {
            stream
                .write_all(format!("{n:x}\r\n").as_bytes())
                .and_then(|()| stream.write_all(&piece))
                .and_then(|()| stream.write_all(b"\r\n"))
        } else {
            stream.write_all(&piece)
        };
        if sent.is_err() {
            return;
        }
        left -= n;
    }
    if chunked {
        let _ = stream.write_all(b"0\r\n\r\n");
    }
}

/// The baseline: what a hand-written reader does with plain reqwest under the same cap: refuse a
/// declared length above it, else read `chunk()` by `chunk()`, refusing as soon as the count
/// passes it, then decode.
async fn baseline(client: &reqwest::Client, url: &str, cap: usize) -> Result<Status, String> {
    let mut response = client
        .get(format!("{url}/v2/info"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response
        .content_length()
        .is_some_and(|len| len > cap as u64)
    {
        return Err("too large (declared)".to_owned());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > cap {
            return Err("too large (counted)".to_owned());
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|e| e.to_string())
}

/// Runs `ours` and `baseline` alternately, `runs` times each (A B A B …, so that a busy
/// machine weighs on both alike): the median time of each and the median of the pairwise
/// ratios.
async fn measure<A, FutA, B, FutB>(runs: usize, mut ours: A, mut baseline: B) -> Figures
where
    A: FnMut() -> FutA,
    FutA: std::future::Future<Output = bool>,
    B: FnMut() -> FutB,
    FutB: std::future::Future<Output = bool>,
{
    async fn time<Fut: std::future::Future<Output = bool>>(run: Fut) -> Duration {
        let started = Instant::now();
        assert!(run.await, "the read ended otherwise than expected");
        started.elapsed()
    }
    let (mut a, mut b, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let (x, y) = (time(ours()).await, time(baseline()).await);
        ratios.push(x.as_secs_f64() / y.as_secs_f64());
        a.push(x);
        b.push(y);
    }
    a.sort();
    b.sort();
    ratios.sort_by(f64::total_cmp);
    Figures {
        ours: a[runs / 2],
        base: b[runs / 2],
        ratio: ratios[runs / 2],
    }
}

struct Figures {
    ours: Duration,
    base: Duration,
    ratio: f64,
}

fn main() {
    let small = RawServer::start(|s| answer(s, SMALL, false));
    let small_chunked = RawServer::start(|s| answer(s, SMALL, true));
    let large = RawServer::start(|s| answer(s, GIB, false));
    let large_chunked = RawServer::start(|s| answer(s, GIB, true));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let cap = DEFAULT_MAX_BODY_BYTES;
    println!(
        "cap {} MiB (the generated client's default); body below the cap {} MiB, above it {} MiB",
        cap / MIB,
        SMALL / MIB,
        GIB / MIB
    );
    println!(
        "{:<34} {:>12} {:>12} {:>8}",
        "case", "ours", "baseline", "ratio"
    );
    runtime.block_on(async {
        let plain = reqwest::Client::new();
        let cases = [
            ("below the cap, declared length", &small, 15, true),
            ("below the cap, chunked", &small_chunked, 15, true),
            ("above the cap, declared length", &large, 15, false),
            ("above the cap, chunked", &large_chunked, 9, false),
        ];
        for (name, server, runs, fits) in cases {
            let client = erp_v2::Client::builder()
                .base_url(&server.url)
                .auth(WawiKey::new("k"))
                .http_settings(&HttpSettings::new().timeout(Duration::from_secs(120)))
                .build()
                .expect("client");
            let figures = measure(
                runs,
                || async {
                    match client.get_status().await {
                        Ok(status) => fits && status.into_inner().tenant == "t",
                        Err(e) if matches!(e.kind(), ErrorKind::BodyTooLarge { .. }) => !fits,
                        Err(e) => panic!("{name}: {e:?}"),
                    }
                },
                || async {
                    match baseline(&plain, &server.url, cap).await {
                        Ok(status) => fits && status.tenant == "t",
                        Err(e) if e.starts_with("too large") => !fits,
                        Err(e) => panic!("{name}: {e}"),
                    }
                },
            )
            .await;
            println!(
                "{name:<34} {:>12} {:>12} {:>8.2}",
                format!("{:.2?}", figures.ours),
                format!("{:.2?}", figures.base),
                figures.ratio
            );
        }
    });
}
