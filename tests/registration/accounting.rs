//! The fake's paged list `GET /v2/accountingData` walked through the generated client's streams
//! (issue 26, item 4): the vendor's page numbers and envelope, the default and largest page
//! size, an empty list, one page, many pages, a 429 in the middle of a walk, and the tenant and
//! credentials on every request.

use std::time::Duration;

use jtl_erp_client::erp_v2::{self, QueryAccountingData};
use jtl_erp_client::fake::{
    ACCOUNTING_DATA_DEFAULT_PAGE_SIZE, ACCOUNTING_DATA_MAX_PAGE_SIZE, FakeJtl, Fault,
    accounting_data_entry,
};
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::auth::{ClientCredentials, WawiKey};
use jtl_erp_client::runtime::paging::TryStreamExt as _;
use jtl_erp_client::runtime::time::ManualTimeSource;
use jtl_erp_client::runtime::{Backoff, Context, Error, ErrorKind, RetryPolicy};

const TENANT: &str = "6f1c2b3a-1111-4222-8333-944455556666";
const PATH: &str = "/erp/v2/accountingData";

fn context() -> Context {
    Context::new()
        .app_id("MyApp/1.0.0")
        .app_version("1.0.0")
        .tenant_id(TENANT.parse().expect("uuid"))
}

/// A Cloud client with the application's token, on a manual clock.
fn client(fake: &FakeJtl, clock: &ManualTimeSource) -> erp_v2::Client {
    fake.identity().add_client("client-id", "client-secret");
    let provider = ClientCredentials::builder("client-id", "client-secret")
        .token_url(fake.token_url())
        .build()
        .expect("provider");
    erp_v2::Client::builder()
        .base_url(fake.cloud_url())
        .auth(provider)
        .context(context())
        .http_settings(&HttpSettings::new().time_source(clock.clone()))
        .retry(
            RetryPolicy::default()
                .max_retries(2)
                .max_wait(Duration::from_secs(5))
                .backoff(
                    Backoff::new(Duration::from_millis(10), Duration::from_secs(10))
                        .without_jitter(),
                ),
        )
        .build()
        .expect("client")
}

fn sized(client: &erp_v2::Client, page_size: i32) -> QueryAccountingData {
    client.query_accounting_data().page_size(page_size)
}

/// The paths (with query) of the list requests, in order.
fn list_requests(fake: &FakeJtl) -> Vec<String> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path.starts_with(PATH))
        .map(|r| r.path)
        .collect()
}

fn numbers(items: &[jtl_erp_client::models::AccountingData]) -> Vec<String> {
    items.iter().map(|d| d.document_number.clone()).collect()
}

#[jtl_erp_tests::test]
async fn an_empty_list_is_one_request_and_yields_nothing() {
    let fake = FakeJtl::start().await.expect("fake");
    let client = client(&fake, &ManualTimeSource::new());
    let items: Vec<_> = client
        .query_accounting_data()
        .into_items()
        .try_collect()
        .await
        .expect("walked");
    assert!(items.is_empty());
    assert_eq!(list_requests(&fake), [format!("{PATH}?pageNumber=1")]);

    let page = client.query_accounting_data().await.expect("one page");
    assert_eq!(
        (
            page.total_items,
            page.page_number,
            page.total_pages,
            page.has_next_page
        ),
        (0, 1, Some(0), Some(false))
    );
    assert_eq!(page.page_size, ACCOUNTING_DATA_DEFAULT_PAGE_SIZE as i32);
}

#[jtl_erp_tests::test]
async fn a_list_of_one_page_is_one_request_in_the_default_page_size() {
    let fake = FakeJtl::start().await.expect("fake");
    fake.erp()
        .set_accounting_data(ACCOUNTING_DATA_DEFAULT_PAGE_SIZE);
    let client = client(&fake, &ManualTimeSource::new());
    let items: Vec<_> = client
        .query_accounting_data()
        .into_items()
        .try_collect()
        .await
        .expect("walked");
    assert_eq!(items.len(), ACCOUNTING_DATA_DEFAULT_PAGE_SIZE);
    assert_eq!(items[0], accounting_data_entry(0));
    assert_eq!(items[99].document_number, "RE-000100");
    assert_eq!(list_requests(&fake), [format!("{PATH}?pageNumber=1")]);
}

#[jtl_erp_tests::test]
async fn two_hundred_fifty_documents_in_pages_of_a_hundred_are_three_requests_in_order() {
    let fake = FakeJtl::start().await.expect("fake");
    fake.erp().set_accounting_data(250);
    let client = client(&fake, &ManualTimeSource::new());
    let items: Vec<_> = sized(&client, 100)
        .into_items()
        .try_collect()
        .await
        .expect("walked");
    let expected: Vec<String> = (1..=250).map(|n| format!("RE-{n:06}")).collect();
    assert_eq!(numbers(&items), expected);
    assert_eq!(items[249], accounting_data_entry(249));
    assert_eq!(
        list_requests(&fake),
        [
            format!("{PATH}?pageNumber=1&pageSize=100"),
            format!("{PATH}?pageNumber=2&pageSize=100"),
            format!("{PATH}?pageNumber=3&pageSize=100"),
        ]
    );
}

#[jtl_erp_tests::test]
async fn the_pages_stream_carries_the_vendors_envelope() {
    let fake = FakeJtl::start().await.expect("fake");
    fake.erp().set_accounting_data(250);
    let client = client(&fake, &ManualTimeSource::new());
    let pages: Vec<_> = sized(&client, 100)
        .into_pages()
        .try_collect()
        .await
        .expect("walked");
    let seen: Vec<_> = pages
        .iter()
        .map(|p| {
            (
                p.page_number,
                p.items.len(),
                p.has_previous_page,
                p.has_next_page,
                p.previous_page_number,
                p.next_page_number,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (1, 100, Some(false), Some(true), None, Some(2)),
            (2, 100, Some(true), Some(true), Some(1), Some(3)),
            (3, 50, Some(true), Some(false), Some(2), None),
        ]
    );
    assert!(
        pages
            .iter()
            .all(|p| (p.total_items, p.page_size, p.total_pages) == (250, 100, Some(3)))
    );

    // Past the end: an empty page, as the vendor answers it.
    let past = sized(&client, 100)
        .page_number(4)
        .await
        .expect("past the end");
    assert!(past.items.is_empty());
    assert_eq!((past.page_number, past.has_next_page), (4, Some(false)));
}

#[jtl_erp_tests::test]
async fn a_429_in_the_middle_of_a_walk_is_waited_out_on_the_clients_clock() {
    let fake = FakeJtl::start().await.expect("fake");
    fake.erp().set_accounting_data(250);
    fake.erp().fail_accounting_data_page(
        2,
        Fault::RetryAfter {
            status: 429,
            seconds: 2,
        },
    );
    let clock = ManualTimeSource::new();
    let client = client(&fake, &clock);
    let items: Vec<_> = sized(&client, 100)
        .into_items()
        .try_collect()
        .await
        .expect("walked through the 429");
    assert_eq!(items.len(), 250);
    assert_eq!(numbers(&items)[100], "RE-000101", "page 2 once, in order");
    assert_eq!(
        list_requests(&fake),
        [
            format!("{PATH}?pageNumber=1&pageSize=100"),
            format!("{PATH}?pageNumber=2&pageSize=100"),
            format!("{PATH}?pageNumber=2&pageSize=100"),
            format!("{PATH}?pageNumber=3&pageSize=100"),
        ]
    );
    // The asked two seconds, spread by up to a twentieth (RetryPolicy::wait); nothing else.
    let waits = clock.sleeps();
    assert!(
        matches!(waits[..], [wait] if (Duration::from_secs(2)..=Duration::from_millis(2100)).contains(&wait)),
        "{waits:?}"
    );
}

#[jtl_erp_tests::test]
async fn every_page_request_carries_the_tenant_the_app_and_the_credentials() {
    let fake = FakeJtl::start().await.expect("fake");
    fake.erp().set_accounting_data(30);
    let client = client(&fake, &ManualTimeSource::new());
    let items: Vec<_> = sized(&client, 10)
        .into_items()
        .try_collect()
        .await
        .expect("walked");
    assert_eq!(items.len(), 30);
    let requests: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with(PATH))
        .collect();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.method, "GET");
        assert_eq!(request.header("x-tenant-id"), Some(TENANT), "{request:?}");
        assert_eq!(request.header("authorization"), Some("Bearer ***"));
        assert_eq!(request.header("x-appid"), Some("MyApp/1.0.0"));
        assert_eq!(request.header("x-appversion"), Some("1.0.0"));
    }
}

#[jtl_erp_tests::test]
async fn the_fake_refuses_what_the_vendor_refuses() {
    let fake = FakeJtl::start().await.expect("fake");
    fake.erp().set_accounting_data(3);
    let status = |result: Result<_, Error<_>>| {
        result
            .err()
            .and_then(|e| e.api().map(|api| api.status.as_u16()))
    };

    // No credentials: the client refuses before sending. A key the server does not know: 401.
    // A Wawi key without `accountings.read`: 403; with it: the list.
    let wawi = |key: String| {
        erp_v2::Client::builder()
            .base_url(fake.onpremise_url())
            .auth(WawiKey::new(key))
            .context(context())
            .build()
            .expect("client")
    };
    let anonymous = erp_v2::Client::builder()
        .base_url(fake.onpremise_url())
        .context(context())
        .build()
        .expect("client");
    assert!(matches!(
        anonymous
            .query_accounting_data()
            .await
            .as_ref()
            .map_err(Error::kind),
        Err(ErrorKind::MissingAuth)
    ));
    let unknown = wawi("unknown-key".to_owned());
    assert_eq!(
        status(unknown.query_accounting_data().await.map(|_| ())),
        Some(401)
    );
    let without = wawi(fake.registration().issue_api_key(&["info.read"]));
    assert_eq!(
        status(without.query_accounting_data().await.map(|_| ())),
        Some(403)
    );
    let with = wawi(fake.registration().issue_api_key(&["accountings.read"]));
    let items: Vec<_> = with
        .query_accounting_data()
        .into_items()
        .try_collect()
        .await
        .expect("walked with the scope");
    assert_eq!(items.len(), 3);

    // Page sizes beyond the largest and page numbers below 1: 400.
    for request in [
        sized(&with, ACCOUNTING_DATA_MAX_PAGE_SIZE as i32 + 1),
        sized(&with, 0),
        with.query_accounting_data().page_number(0),
    ] {
        let shown = format!("{request:?}");
        assert_eq!(status(request.await.map(|_| ())), Some(400), "{shown}");
    }
    let largest = sized(&with, ACCOUNTING_DATA_MAX_PAGE_SIZE as i32)
        .await
        .expect("the largest page size");
    assert_eq!(largest.items.len(), 3);
}
