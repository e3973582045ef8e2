//! Paged lists as streams (issue 26), through the fixture client over loopback HTTP: the
//! vendor's envelope in both casings, 0, 1 and many pages, a server that repeats a page or a
//! token, a 429 in the middle of a walk, a dropped stream, Dropshot's tokens.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jtl_erp_client::runtime::ErrorKind;
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::paging::{PagingError, StreamExt as _, TryStreamExt as _};
use jtl_erp_client::runtime::time::ManualTimeSource;
use jtl_erp_tests::MockServer;
use serde_json::{Value, json};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use crate::paging::Client;

/// Answers each request with the next answer of `script` for its path (the last one repeats)
/// and records every query string.
#[derive(Clone)]
struct Pages {
    script: Arc<HashMap<&'static str, Vec<ResponseTemplate>>>,
    served: Arc<Mutex<HashMap<String, usize>>>,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path().to_owned();
        let answers = &self.script[path.as_str()];
        let mut served = self.served.lock().expect("not poisoned");
        let n = served.entry(path).or_default();
        let answer = answers[(*n).min(answers.len() - 1)].clone();
        *n += 1;
        answer
    }
}

async fn serve(script: Vec<(&'static str, Vec<ResponseTemplate>)>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(Pages {
            script: Arc::new(script.into_iter().collect()),
            served: Arc::default(),
        })
        .mount(&server)
        .await;
    server
}

fn page(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A page of the vendor's PascalCase envelope with `ids` as items.
fn vendor_page(number: i32, ids: &[i32], has_next: bool) -> ResponseTemplate {
    let items: Vec<Value> = ids
        .iter()
        .map(|id| json!({"Id": id, "Amount": 1.5}))
        .collect();
    page(json!({
        "Items": items,
        "TotalItems": 5,
        "PageNumber": number,
        "PageSize": 2,
        "TotalPages": 3,
        "HasPreviousPage": number > 1,
        "HasNextPage": has_next,
        "NextPageNumber": if has_next { json!(number + 1) } else { Value::Null },
        "PreviousPageNumber": if number > 1 { json!(number - 1) } else { Value::Null },
    }))
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client")
}

/// The query strings the server saw, in order.
async fn queries(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .map(|r| format!("{}?{}", r.url.path(), r.url.query().unwrap_or("")))
        .collect()
}

#[jtl_erp_tests::test]
async fn the_vendor_envelope_is_walked_until_has_next_page_is_false() {
    let server = serve(vec![(
        "/v2/accountingData",
        vec![
            vendor_page(1, &[1, 2], true),
            vendor_page(2, &[3, 4], true),
            vendor_page(3, &[5], false),
        ],
    )])
    .await;
    let ids: Vec<Option<i32>> = client(&server)
        .get_accounting_data("2025-01-01")
        .page_size(2)
        .into_items()
        .map_ok(|item| item.id)
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(ids, [1, 2, 3, 4, 5].map(Some));
    assert_eq!(
        queries(&server).await,
        [1, 2, 3].map(|n| format!("/v2/accountingData?pageNumber={n}&pageSize=2&since=2025-01-01"))
    );
}

/// A request that names a page starts its walk there (`into_pages` of the builder), and `send`
/// of the same request asks for that one page only.
#[jtl_erp_tests::test]
async fn a_walk_starts_at_the_page_number_the_request_names() {
    let server = serve(vec![(
        "/v2/accountingData",
        vec![vendor_page(2, &[3, 4], true), vendor_page(3, &[5], false)],
    )])
    .await;
    let request = client(&server).get_accounting_data("x").page_number(2);
    let pages: Vec<Option<i32>> = request
        .clone()
        .into_pages()
        .map_ok(|page| page.page_number)
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(pages, [Some(2), Some(3)]);
    assert_eq!(
        queries(&server).await,
        [2, 3].map(|n| format!("/v2/accountingData?pageNumber={n}&since=x"))
    );
    let one = request.send().await.expect("the named page").into_inner();
    assert_eq!(one.page_number, Some(3), "the script's last answer repeats");
    assert_eq!(queries(&server).await.len(), 3);
}

#[jtl_erp_tests::test]
async fn a_camel_case_envelope_with_only_a_total_ends_at_the_last_page() {
    let orders = |numbers: &[&str]| {
        let items: Vec<Value> = numbers.iter().map(|n| json!({"orderNumber": n})).collect();
        page(json!({"items": items, "totalPages": 2}))
    };
    let server = serve(vec![(
        "/v2/orders",
        vec![orders(&["A", "B"]), orders(&["C"])],
    )])
    .await;
    let pages: Vec<_> = client(&server)
        .list_orders(1)
        .into_pages()
        .try_collect::<Vec<_>>()
        .await
        .expect("both pages");
    let numbers: Vec<Vec<String>> = pages
        .iter()
        .map(|p| p.items.iter().map(|o| o.order_number.clone()).collect())
        .collect();
    assert_eq!(numbers, [vec!["A", "B"], vec!["C"]]);
    assert_eq!(
        queries(&server).await,
        ["/v2/orders?pageNumber=1", "/v2/orders?pageNumber=2"]
    );
}

#[jtl_erp_tests::test]
async fn an_empty_list_and_a_single_page_take_one_request_each() {
    let server = serve(vec![
        (
            "/v2/accountingData",
            vec![page(json!({"Items": [], "HasNextPage": true}))],
        ),
        (
            "/v2/orders",
            vec![page(
                json!({"items": [{"orderNumber": "A"}], "totalPages": 1}),
            )],
        ),
    ])
    .await;
    let client = client(&server);
    let none: Vec<_> = client
        .get_accounting_data("x")
        .into_items()
        .try_collect()
        .await
        .expect("no items");
    assert!(
        none.is_empty(),
        "an empty page ends the walk, whatever its flag says"
    );
    let one: Vec<_> = client
        .list_orders(1)
        .into_items()
        .try_collect()
        .await
        .expect("one item");
    assert_eq!(one.len(), 1);
    assert_eq!(
        queries(&server).await,
        [
            "/v2/accountingData?pageNumber=1&since=x",
            "/v2/orders?pageNumber=1"
        ]
    );
}

#[jtl_erp_tests::test]
async fn a_server_that_repeats_a_page_ends_the_walk_with_a_typed_error() {
    // The server ignores `pageNumber`: the same first page, "more to come", forever.
    let stuck = json!({"Items": [{"Id": 1}], "PageNumber": 1, "HasNextPage": true});
    let server = serve(vec![("/v2/accountingData", vec![page(stuck)])]).await;
    let results: Vec<_> = client(&server)
        .get_accounting_data("x")
        .into_items()
        .collect()
        .await;
    assert_eq!(
        results.len(),
        2,
        "the first page's item, then the error, then the end"
    );
    assert_eq!(results[0].as_ref().expect("first page").id, Some(1));
    assert!(
        matches!(
            results[1].as_ref().map_err(|e| (e.operation(), e.kind())),
            Err((
                "AccountingData_GetAccountingData",
                ErrorKind::Paging(PagingError::RepeatedPage { page: 2 })
            ))
        ),
        "{:?}",
        results[1]
    );
    assert_eq!(queries(&server).await.len(), 2);
}

#[jtl_erp_tests::test]
async fn a_next_page_number_that_does_not_move_forward_is_refused() {
    let server = serve(vec![(
        "/v2/accountingData",
        vec![page(json!({"Items": [{"Id": 1}], "NextPageNumber": 1}))],
    )])
    .await;
    let results: Vec<_> = client(&server)
        .get_accounting_data("x")
        .into_pages()
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    let error = results[0].as_ref().expect_err("refused");
    assert!(
        matches!(
            error.kind(),
            ErrorKind::Paging(PagingError::NotForward { page: 1, next: 1 })
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "AccountingData_GetAccountingData: paged list: the server named page 1 as the next after page 1"
    );
}

#[jtl_erp_tests::test]
async fn a_429_in_the_middle_of_a_walk_waits_as_the_server_says_and_goes_on() {
    let server = serve(vec![(
        "/v2/accountingData",
        vec![
            vendor_page(1, &[1, 2], true),
            ResponseTemplate::new(429).insert_header("retry-after", "7"),
            vendor_page(2, &[3, 4], true),
            vendor_page(3, &[5], false),
        ],
    )])
    .await;
    let clock = ManualTimeSource::new();
    let client = Client::builder()
        .base_url(server.uri())
        .http_settings(&HttpSettings::new().time_source(clock.clone()))
        .build()
        .expect("client");
    let items: Vec<_> = client
        .get_accounting_data("x")
        .into_items()
        .try_collect()
        .await
        .expect("every page despite the 429");
    assert_eq!(items.len(), 5);
    let pages: Vec<String> = queries(&server)
        .await
        .iter()
        .map(|q| q.split('&').next().expect("a query").to_owned())
        .collect();
    assert_eq!(
        pages,
        [1, 2, 2, 3].map(|n| format!("/v2/accountingData?pageNumber={n}")),
        "page 2 asked again after the 429, nothing skipped"
    );
    // The client's retry waited what the server asked (plus at most 5 % spread), on its clock.
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 1, "{sleeps:?}");
    assert!(
        (Duration::from_secs(7)..=Duration::from_millis(7_350)).contains(&sleeps[0]),
        "{sleeps:?}"
    );
}

#[jtl_erp_tests::test]
async fn a_stream_sends_nothing_until_polled_and_nothing_after_it_is_dropped() {
    let server = serve(vec![(
        "/v2/accountingData",
        vec![
            vendor_page(1, &[1, 2], true),
            vendor_page(2, &[3, 4], true),
            vendor_page(3, &[5], false),
        ],
    )])
    .await;
    let client = client(&server);
    let stream = client.get_accounting_data("x").into_items();
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert!(
        queries(&server).await.is_empty(),
        "created, not polled: no request"
    );

    let first_three: Vec<_> = stream.take(3).try_collect().await.expect("three items");
    assert_eq!(first_three.len(), 3);
    assert_eq!(
        queries(&server).await.len(),
        2,
        "three items need two pages; the third page is never asked for"
    );
}

#[jtl_erp_tests::test]
async fn dropshot_tokens_are_followed_and_a_repeated_token_is_refused() {
    let things = |ids: &[&str], next: Option<&str>| {
        let items: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
        page(json!({"items": items, "next_page": next}))
    };
    let server = serve(vec![(
        "/things",
        vec![
            things(&["a", "b"], Some("t1")),
            things(&["c"], Some("t/2")),
            things(&["d"], None),
        ],
    )])
    .await;
    let client = client(&server);
    let ids: Vec<String> = client
        .list()
        .limit(10)
        .into_items()
        .map_ok(|thing| thing.id)
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert_eq!(
        queries(&server).await,
        [
            "/things?limit=10",
            "/things?limit=10&page_token=t1",
            "/things?limit=10&page_token=t%2F2"
        ]
    );

    let looping = serve(vec![(
        "/things",
        vec![
            things(&["a"], Some("t1")),
            things(&["b"], Some("t2")),
            things(&["c"], Some("t1")),
        ],
    )])
    .await;
    let results: Vec<_> = self::client(&looping).list().into_pages().collect().await;
    assert_eq!(results.len(), 3);
    assert!(
        matches!(
            results[2].as_ref().map_err(|e| (e.operation(), e.kind())),
            Err((
                "thing_list",
                ErrorKind::Paging(PagingError::RepeatedToken { pages: 3 })
            ))
        ),
        "{:?}",
        results[2]
    );
    assert!(
        !format!(
            "{:?} {}",
            results[2],
            results[2].as_ref().expect_err("error")
        )
        .contains("t1"),
        "the token's value is not shown"
    );
}

#[jtl_erp_tests::test]
#[allow(deprecated)]
async fn a_walk_starts_at_the_page_the_request_names_and_keeps_its_other_inputs() {
    let listing =
        |entries: &[&str], next: Option<&str>| page(json!({"Entries": entries, "Following": next}));
    let server = serve(vec![(
        "/entries",
        vec![listing(&["x"], Some("n1")), listing(&["y"], None)],
    )])
    .await;
    let entries: Vec<String> = client(&server)
        .list_entries()
        .p("t0")
        .a("keep")
        .x_trace("trace-1")
        .into_items()
        .try_collect()
        .await
        .expect("both pages");
    assert_eq!(entries, ["x", "y"]);
    let received = server.received_requests().await.expect("recorded");
    let seen: Vec<(String, Vec<String>)> = received
        .iter()
        .map(|r| {
            (
                r.url.query().unwrap_or("").to_owned(),
                jtl_erp_tests::header_values(r, "x-trace"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("p=t0&a=keep".to_owned(), vec!["trace-1".to_owned()]),
            ("p=n1&a=keep".to_owned(), vec!["trace-1".to_owned()]),
        ]
    );
}
