//! Walking a paged list through the generated stream against a hand-written page loop with the
//! same client, to the same loopback server, in the same run (issue 26, goal ≤ 1.05×): 10,000
//! items in pages of 100, walks alternating A B A B …, the median of the pairwise ratios.
//! `cargo bench -p jtl-erp-tests --bench paging` (`BENCH_PAIRS` to change the count).

use std::time::Instant;

use jtl_erp_client::runtime::paging::TryStreamExt as _;
use serde_json::json;
use wiremock::{Mock, Request, Respond, ResponseTemplate};

// The fixture client of tests/generator (generated from tests/fixtures/paging), compiled here
// under the paths its code names.
#[rustfmt::skip]
#[allow(dead_code, deprecated, clippy::all)]
#[path = "../generator/fixture_client/models.rs"]
mod models;
#[rustfmt::skip]
#[allow(dead_code, deprecated, clippy::all)]
#[path = "../generator/fixture_client/paging.rs"]
mod paging;

const PAGES: usize = 100;
const PAGE_SIZE: usize = 100;

/// Page `pageNumber` of 100, answered from bodies built once.
struct Pages(Vec<String>);

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: usize = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "pageNumber")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        ResponseTemplate::new(200).set_body_raw(self.0[page - 1].clone(), "application/json")
    }
}

fn main() {
    let bodies = (1..=PAGES)
        .map(|page| {
            let items: Vec<_> = (0..PAGE_SIZE)
                .map(|i| json!({"Id": (page - 1) * PAGE_SIZE + i, "Amount": 12.5}))
                .collect();
            json!({
                "Items": items,
                "TotalItems": PAGES * PAGE_SIZE,
                "PageNumber": page,
                "PageSize": PAGE_SIZE,
                "TotalPages": PAGES,
                "HasPreviousPage": page > 1,
                "HasNextPage": page < PAGES,
                "NextPageNumber": if page < PAGES { json!(page + 1) } else { json!(null) },
            })
            .to_string()
        })
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let (_server, client) = runtime.block_on(async {
        let server = jtl_erp_tests::MockServer::from(
            wiremock::MockServer::builder()
                .disable_request_recording()
                .start()
                .await,
        );
        Mock::given(wiremock::matchers::any())
            .respond_with(Pages(bodies))
            .mount(&server)
            .await;
        let client = paging::Client::builder()
            .base_url(server.uri())
            .build()
            .expect("client");
        (server, client)
    });

    // The loop a user writes without the stream: ask page after page until the server says
    // there is no next one, keeping every item.
    let by_hand = || async {
        let mut items = Vec::new();
        let mut page = 1;
        loop {
            let answer = client
                .get_accounting_data("x")
                .page_number(page)
                .page_size(PAGE_SIZE as i32)
                .await
                .expect("page")
                .into_inner();
            items.extend(answer.items.unwrap_or_default());
            match (answer.has_next_page, answer.next_page_number) {
                (Some(true), Some(next)) => page = next,
                _ => break,
            }
        }
        assert_eq!(items.len(), PAGES * PAGE_SIZE);
    };
    let streamed = || async {
        let items: Vec<_> = client
            .get_accounting_data("x")
            .page_size(PAGE_SIZE as i32)
            .into_items()
            .try_collect()
            .await
            .expect("every page");
        assert_eq!(items.len(), PAGES * PAGE_SIZE);
    };
    let pairs: usize = std::env::var("BENCH_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(21);
    runtime.block_on(async {
        by_hand().await;
        streamed().await;
        let mut ratios = Vec::with_capacity(pairs);
        let (mut a_total, mut b_total) = (0.0, 0.0);
        for _ in 0..pairs {
            let started = Instant::now();
            by_hand().await;
            let a = started.elapsed().as_secs_f64();
            let started = Instant::now();
            streamed().await;
            let b = started.elapsed().as_secs_f64();
            ratios.push(b / a);
            a_total += a;
            b_total += b;
        }
        ratios.sort_by(f64::total_cmp);
        println!(
            "10,000 items in pages of 100: hand-written loop {:.1} ms, stream {:.1} ms per walk (means over {pairs} pairs)",
            a_total / pairs as f64 * 1e3,
            b_total / pairs as f64 * 1e3
        );
        println!(
            "ratio stream/loop: median {:.3}x, quartiles {:.3}x to {:.3}x",
            ratios[ratios.len() / 2],
            ratios[ratios.len() / 4],
            ratios[ratios.len() * 3 / 4]
        );
    });
}
