//! One client for many tenants: per-call handles (`for_tenant`, `with_context`) share the
//! connection pool, the auth provider and its token cache, and each request carries its own
//! context and nothing of another's.

use std::collections::BTreeMap;

use jtl_erp_client::erp_v2;
use jtl_erp_client::fake::FakeJtl;
use jtl_erp_client::runtime::auth::ClientCredentials;
use jtl_erp_client::runtime::uuid::Uuid;
use jtl_erp_client::runtime::{Client, Context};
use proptest::prelude::*;

async fn cloud_client(fake: &FakeJtl) -> erp_v2::Client {
    fake.add_client("app", "app-secret");
    let auth = ClientCredentials::builder("app", "app-secret")
        .token_url(fake.token_url())
        .build()
        .expect("provider");
    erp_v2::Client::builder()
        .base_url(fake.cloud_url())
        .auth(auth)
        .context(Context::new().app_id("backend/1.0"))
        .build()
        .expect("client")
}

/// Calls `GET /v2/info` once per entry of `calls` (a tenant each), all at once, in that order of
/// spawning; returns the tenant header of every info request the fake saw, and the number of
/// token requests.
async fn run(calls: &[u128]) -> (Vec<Vec<String>>, usize) {
    let fake = FakeJtl::start().await.expect("fake");
    let client = cloud_client(&fake).await;
    let mut tasks = tokio::task::JoinSet::new();
    for tenant in calls {
        let handle = client.for_tenant(Uuid::from_u128(*tenant));
        tasks.spawn(async move { handle.get_status().await.map(|_| ()) });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task").expect("answered");
    }
    let requests = fake.requests();
    let tenants = requests
        .iter()
        .filter(|r| r.path == "/erp/v2/info")
        .map(|r| {
            r.headers
                .iter()
                .filter(|(name, _)| name == "x-tenant-id")
                .map(|(_, value)| value.clone())
                .collect()
        })
        .collect();
    let token_requests = requests
        .iter()
        .filter(|r| r.path == "/oauth2/token")
        .count();
    (tenants, token_requests)
}

fn count(values: impl IntoIterator<Item = String>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for value in values {
        *counts.entry(value).or_insert(0) += 1;
    }
    counts
}

#[jtl_erp_tests::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_tenants_through_one_client_take_one_token() {
    let calls: Vec<u128> = (1..=200).collect();
    let (seen, token_requests) = run(&calls).await;
    assert_eq!(token_requests, 1, "one token for every tenant");
    assert_eq!(seen.len(), 200);
    assert!(
        seen.iter().all(|headers| headers.len() == 1),
        "each request carries exactly one tenant"
    );
    assert_eq!(
        count(seen.into_iter().flatten()),
        count(calls.iter().map(|t| Uuid::from_u128(*t).to_string()))
    );
}

#[test]
fn a_handle_overrides_the_clients_context_key_by_key_and_leaves_the_client_alone() {
    let tenant = Uuid::from_u128(7);
    let client = Client::builder("http://127.0.0.1:1")
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

    /// Any interleaving of calls for a handful of tenants: every request carries the tenant of
    /// its own call, once, and one token serves them all.
    #[test]
    fn any_interleaving_keeps_each_tenant_to_its_own_requests(
        calls in proptest::collection::vec(1u128..6, 1..40)
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let (seen, token_requests) = runtime.block_on(run(&calls));
        prop_assert_eq!(token_requests, 1);
        prop_assert!(seen.iter().all(|headers| headers.len() == 1));
        prop_assert_eq!(
            count(seen.into_iter().flatten()),
            count(calls.iter().map(|t| Uuid::from_u128(*t).to_string()))
        );
    }
}
