//! One replica of a fleet as a process of its own, for the fleet tests: takes a token from the
//! client-credentials grant at `TOKEN_URL` through the fleet's Redis at `REDIS_URL` (prefix
//! `PREFIX`) and prints it.

use std::time::Duration;

use jtl_erp_client::runtime::auth::ClientCredentials;
use jtl_erp_client::runtime::shared::RedisFleet;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let fleet = RedisFleet::builder(var("REDIS_URL"), var("PREFIX"))
        .timeout(Duration::from_secs(2))
        .build()
        .expect("fleet");
    let provider = ClientCredentials::builder("fleet-client", "fleet-client-secret")
        .token_url(var("TOKEN_URL"))
        .shared_cache(fleet.token_store("cloud"))
        .build()
        .expect("provider");
    let token = provider.token().await.expect("token");
    println!("{}", token.expose());
}
