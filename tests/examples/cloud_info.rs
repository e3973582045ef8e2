//! Cloud: the client-credentials grant, then `GET /v2/info` with the bearer token and tenant.
//!
//! `cargo run -p jtl-erp-tests --example cloud_info` runs against the fake JTL. For the real
//! Cloud set `JTL_CLIENT_ID`, `JTL_CLIENT_SECRET` and `JTL_TENANT_ID`.

use jtl_erp_client::erp_v2;
use jtl_erp_client::fake::FakeJtl;
use jtl_erp_client::runtime::Context;
use jtl_erp_client::runtime::auth::{ClientCredentials, DEFAULT_TOKEN_URL};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).ok();
    let (_fake, token_url, base_url, id, secret) =
        match (env("JTL_CLIENT_ID"), env("JTL_CLIENT_SECRET")) {
            (Some(id), Some(secret)) => (
                None,
                DEFAULT_TOKEN_URL.to_owned(),
                erp_v2::DEFAULT_BASE_URL.to_owned(),
                id,
                secret,
            ),
            _ => {
                let fake = FakeJtl::start().await?;
                fake.identity()
                    .add_client("example-client", "example-secret");
                let urls = (fake.token_url(), fake.cloud_url());
                (
                    Some(fake),
                    urls.0,
                    urls.1,
                    "example-client".to_owned(),
                    "example-secret".to_owned(),
                )
            }
        };
    let tenant =
        env("JTL_TENANT_ID").unwrap_or_else(|| "6f1c2b3a-1111-4222-8333-944455556666".to_owned());
    let auth = ClientCredentials::builder(id, secret)
        .token_url(token_url)
        .build()?;
    let client = erp_v2::Client::builder()
        .base_url(base_url)
        .auth(auth)
        .context(Context::new().tenant_id(tenant.parse()?))
        .build()?;
    let status = client.get_status().await?;
    println!(
        "{} {} at {} (tenant {})",
        status.r#type, status.version, status.timestamp, status.tenant
    );
    Ok(())
}
