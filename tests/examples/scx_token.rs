//! SCX Channel API: exchange the channel's refresh token for an access token, cached.
//!
//! `cargo run -p jtl-erp-tests --example scx_token` runs against the fake JTL; set
//! `SCX_REFRESH_TOKEN` to use the real SCX API.

use jtl_erp_client::fake::FakeJtl;
use jtl_erp_client::runtime::auth::ScxRefreshToken;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (_fake, provider) = match std::env::var("SCX_REFRESH_TOKEN") {
        Ok(token) => (None, ScxRefreshToken::builder(token).build()?),
        Err(_) => {
            let fake = FakeJtl::start().await?;
            fake.scx().add_refresh_token("example-refresh-token");
            let provider = ScxRefreshToken::builder("example-refresh-token")
                .base_url(fake.scx_url())
                .build()?;
            (Some(fake), provider)
        }
    };
    let first = provider.token().await?;
    let second = provider.token().await?;
    // Tokens are secrets: print facts about them, never the token.
    println!(
        "got an access token of {} characters; reused: {}",
        first.expose().len(),
        first == second
    );
    Ok(())
}
