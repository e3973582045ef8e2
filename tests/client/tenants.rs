//! One client for many tenants: per-call handles (`for_tenant`, `with_context`) share the
//! connection pool, the auth provider and its token cache, and each request carries its own
//! context and nothing of another's.
//!
//! Isolation is checked request by request, not as a tally: every call runs inside a
//! `tokio::task_local!` holding its number, and a hook of the test's own (not the client's
//! context machinery) copies that number into an `x-test-call` header. Each request the fake
//! saw is thereby paired with the call that made it, and its tenant must be that call's.

use std::collections::BTreeMap;
use std::time::Duration;

use jtl_erp_client::erp_v2;
use jtl_erp_client::fake::{FakeJtl, RecordedRequest};
use jtl_erp_client::runtime::auth::ClientCredentials;
use jtl_erp_client::runtime::uuid::Uuid;
use jtl_erp_client::runtime::{Context, Transport};
use proptest::prelude::*;

use jtl_erp_tests::call_marker::{CALL, MarkCall};

async fn cloud_client(fake: &FakeJtl) -> erp_v2::Client {
    fake.identity().add_client("app", "app-secret");
    let auth = ClientCredentials::builder("app", "app-secret")
        .token_url(fake.token_url())
        .build()
        .expect("provider");
    erp_v2::Client::builder()
        .base_url(fake.cloud_url())
        .auth(auth)
        .context(Context::new().app_id("backend/1.0"))
        .hook(MarkCall)
        .build()
        .expect("client")
}

/// How a call gets its handle.
#[derive(Debug, Clone, Copy)]
enum HandleKind {
    ForTenant,
    WithContext,
}

/// One call of `GET /v2/info`: its tenant, how long it waits before calling, its handle.
#[derive(Debug, Clone, Copy)]
struct Call {
    tenant: u128,
    delay: Duration,
    handle: HandleKind,
}

impl Call {
    fn at_once(tenant: u128) -> Self {
        Self {
            tenant,
            delay: Duration::ZERO,
            handle: HandleKind::ForTenant,
        }
    }
}

/// Makes every call of `calls` on its own task, spawned in the order `spawn_order` gives (indices
/// into `calls`), each inside its marker; returns the info and token requests the fake saw.
async fn run(calls: &[Call], spawn_order: &[usize]) -> (Vec<RecordedRequest>, usize) {
    let fake = FakeJtl::start().await.expect("fake");
    let client = cloud_client(&fake).await;
    let mut tasks = tokio::task::JoinSet::new();
    for &number in spawn_order {
        let call = calls[number];
        let tenant = Uuid::from_u128(call.tenant);
        let handle = match call.handle {
            HandleKind::ForTenant => client.for_tenant(tenant),
            HandleKind::WithContext => client
                .with_context(&Context::new().tenant_id(tenant))
                .expect("valid context"),
        };
        tasks.spawn(CALL.scope(number, async move {
            if !call.delay.is_zero() {
                tokio::time::sleep(call.delay).await;
            }
            handle.get_status().await.map(|_| ())
        }));
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task").expect("answered");
    }
    let requests = fake.requests();
    let token_requests = requests
        .iter()
        .filter(|r| r.path == "/oauth2/token")
        .count();
    let info = requests
        .into_iter()
        .filter(|r| r.path == "/erp/v2/info")
        .collect();
    (info, token_requests)
}

/// Every value of header `name` in `request`.
fn values<'a>(request: &'a RecordedRequest, name: &str) -> Vec<&'a str> {
    request
        .headers
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Pairs each request with its call by marker: every call made exactly one request, and each
/// request carries exactly one tenant header, the tenant of its own call. Panics naming the
/// first request that breaks this.
fn assert_each_request_is_its_calls(calls: &[Call], requests: &[RecordedRequest]) {
    let mut by_call: BTreeMap<usize, &RecordedRequest> = BTreeMap::new();
    for request in requests {
        let marker = values(request, "x-test-call");
        let [marker] = marker[..] else {
            panic!("a request without exactly one call marker: {request:?}");
        };
        let call: usize = marker.parse().expect("a call number");
        assert!(call < calls.len(), "no call {call}: {request:?}");
        if let Some(earlier) = by_call.insert(call, request) {
            panic!("call {call} sent two requests: {earlier:?} and {request:?}");
        }
        let own = Uuid::from_u128(calls[call].tenant).to_string();
        assert_eq!(
            values(request, "x-tenant-id"),
            [own.as_str()],
            "the request of call {call} ({:?}) carries another tenant",
            calls[call]
        );
    }
    assert_eq!(
        by_call.len(),
        calls.len(),
        "calls without a request: {:?}",
        (0..calls.len())
            .filter(|c| !by_call.contains_key(c))
            .collect::<Vec<_>>()
    );
}

#[jtl_erp_tests::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_tenants_through_one_client_take_one_token() {
    let calls: Vec<Call> = (1..=200).map(Call::at_once).collect();
    let order: Vec<usize> = (0..calls.len()).collect();
    let (requests, token_requests) = run(&calls, &order).await;
    assert_eq!(token_requests, 1, "one token for every tenant");
    assert_each_request_is_its_calls(&calls, &requests);
}

#[test]
fn a_handle_overrides_the_clients_context_key_by_key_and_leaves_the_client_alone() {
    let tenant = Uuid::from_u128(7);
    let client = Transport::builder("http://127.0.0.1:1")
        .context(Context::new().app_id("backend/1.0").run_as("1"))
        .build()
        .expect("client");
    let handle = client
        .with_context(&Context::new().run_as("42").tenant_id(tenant))
        .expect("valid context");
    assert_eq!(
        handle.context(),
        &Context::new()
            .app_id("backend/1.0")
            .run_as("42")
            .tenant_id(tenant)
    );
    assert_eq!(
        client.context(),
        &Context::new().app_id("backend/1.0").run_as("1")
    );
    assert_eq!(
        client.for_tenant(tenant).context(),
        &Context::new()
            .app_id("backend/1.0")
            .run_as("1")
            .tenant_id(tenant)
    );
    let too_long = Context::new().challenge_code("x".repeat(31));
    assert_eq!(
        client
            .with_context(&too_long)
            .expect_err("refused")
            .to_string(),
        "invalid request context: challenge code must have 1 to 30 characters, it has 31"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Any interleaving of calls for a handful of tenants (each call's tenant, handle kind and
    /// delay before calling, and the order the calls are spawned in, all chosen by the
    /// property): every request is paired with its call by the call's marker and carries that
    /// call's tenant, once; every call sends one request; one token serves them all.
    #[jtl_erp_tests::test(deadline = 120)]
    fn any_interleaving_keeps_each_tenant_to_its_own_requests(
        (calls, spawn_order) in interleavings()
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let (requests, token_requests) = runtime.block_on(run(&calls, &spawn_order));
        prop_assert_eq!(token_requests, 1);
        assert_each_request_is_its_calls(&calls, &requests);
    }
}

/// Up to 40 calls for five tenants, each through either kind of handle after a delay of 0 to
/// 3 ms (spreading them over the token fetch and each other's requests), with a spawn order.
fn interleavings() -> impl Strategy<Value = (Vec<Call>, Vec<usize>)> {
    let handle = prop_oneof![Just(HandleKind::ForTenant), Just(HandleKind::WithContext)];
    let call = (1u128..6, 0u64..4, handle).prop_map(|(tenant, delay_ms, handle)| Call {
        tenant,
        delay: Duration::from_millis(delay_ms),
        handle,
    });
    proptest::collection::vec(call, 1..40).prop_flat_map(|calls| {
        let order: Vec<usize> = (0..calls.len()).collect();
        (Just(calls), Just(order).prop_shuffle())
    })
}
