//! One replica of a fleet as a process of its own, for the fleet tests and the fleet benchmark.
//! It takes its token from the client-credentials grant at `TOKEN_URL` through the fleet's
//! Redis at `REDIS_URL` (prefix `PREFIX`; without `REDIS_URL` it shares nothing, as a replica
//! without the `redis` feature):
//! - without `API_URL`: prints the token;
//! - with `API_URL`: `CALLERS` tasks (default 1) each call `GET /v2/info` there `CALLS` times
//!   (default 1) through a client sharing the fleet's token and rate-limit budget
//!   (`REFRESH_MARGIN_MS` sets the token's refresh margin), then prints
//!   `calls N failed M` and exits 0.

use std::time::Duration;

use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::Context;
use jtl_erp_client::runtime::auth::ClientCredentials;
use jtl_erp_client::runtime::fleet::RedisFleet;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .map(|v| v.parse().unwrap_or_else(|_| panic!("{name} is no number")))
            .unwrap_or(default)
    };
    let fleet = std::env::var("REDIS_URL").ok().map(|url| {
        RedisFleet::builder(url, var("PREFIX"))
            .timeout(Duration::from_secs(2))
            .build()
            .expect("fleet")
    });
    let mut provider = ClientCredentials::builder("fleet-client", "fleet-client-secret")
        .token_url(var("TOKEN_URL"));
    if let Some(fleet) = &fleet {
        provider = provider.fleet_cache(fleet.token_store("cloud"));
    }
    if let Ok(margin) = std::env::var("REFRESH_MARGIN_MS") {
        let margin = margin.parse().expect("REFRESH_MARGIN_MS is no number");
        provider = provider.refresh_margin(Duration::from_millis(margin));
    }
    let provider = provider.build().expect("provider");
    let Ok(api) = std::env::var("API_URL") else {
        let token = provider.token().await.expect("token");
        println!("{}", token.expose());
        return;
    };
    let mut client = erp_v2::Client::builder().base_url(api).auth(provider);
    if let Some(fleet) = &fleet {
        client = client.fleet_rate_limit(fleet.budget());
    }
    let client = client
        .context(
            Context::new().tenant_id(
                "6f1c2b3a-1111-4222-8333-944455556666"
                    .parse()
                    .expect("uuid"),
            ),
        )
        .build()
        .expect("client");
    let (callers, calls) = (number("CALLERS", 1), number("CALLS", 1));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..callers {
        let client = client.clone();
        tasks.spawn(async move {
            let mut failed = 0;
            for _ in 0..calls {
                if let Err(error) = client.get_status().await {
                    eprintln!("call failed: {error}");
                    failed += 1;
                }
            }
            failed
        });
    }
    let failed: u64 = tasks.join_all().await.into_iter().sum();
    println!("calls {} failed {failed}", callers * calls);
}
