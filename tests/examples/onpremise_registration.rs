//! Registers an app with a JTL-Wawi REST server (OnPremise) and calls it with the API key.
//!
//! `cargo run -p jtl-erp-tests --example onpremise_registration` runs it against the fake JTL,
//! which approves the registration when first polled. To use a real server, set
//! `JTL_WAWI_URL=http://127.0.0.1:<port>/api/eazybusiness` and approve the registration in
//! JTL-Wawi under Admin > App registration while the example waits.

use std::time::Duration;

use jtl_erp_client::erp_v1;
use jtl_erp_client::fake::FakeJtl;
use jtl_erp_client::models::AppRegistrationRequest;
use jtl_erp_client::registration::RegistrationFlow;
use jtl_erp_client::runtime::Context;
use jtl_erp_client::runtime::scopes::Scope;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (_fake, base_url) = match std::env::var("JTL_WAWI_URL") {
        Ok(url) => (None, url),
        Err(_) => {
            let fake = FakeJtl::start().await?;
            fake.registration().auto_approve(true);
            let url = fake.onpremise_url();
            (Some(fake), url)
        }
    };
    let client = erp_v1::Client::builder()
        .base_url(&base_url)
        .context(Context::new().challenge_code("example-challenge"))
        .build()?;
    let app = AppRegistrationRequest::new()
        .with_app_id("example/v1")
        .with_display_name("Example")
        .with_description("Shows the registration flow")
        .with_version("1.0.0")
        .with_provider_name("Example Ltd")
        .with_provider_website("https://example.com")
        // Scope names as the platform writes them; it alone decides which exist.
        .with_mandatory_api_scopes(["all.read".to_owned()])
        .with_optional_api_scopes(
            ["salesorder.createsalesorder", "Application.RunAs"].map(String::from),
        )
        .with_app_icon(b"\x89PNG".to_vec());
    // Lints say what the guides would not write; they never stop a registration.
    for name in app.optional_api_scopes.iter().flatten() {
        for lint in Scope::new(name.as_str())?.lints() {
            println!("note: scope {name}: {lint}");
        }
    }
    let flow = RegistrationFlow::erp_v1(client)
        .polling(Duration::from_millis(200), Duration::from_secs(5));
    let pending = flow.register(&app).await?;
    println!(
        "registration {} is waiting for the merchant",
        pending.registration_id
    );
    let accepted = flow.wait(&pending).await?;
    println!(
        "accepted; optional scopes not granted: {:?}; run-as allowed: {}",
        accepted.scopes.missing_optional,
        accepted.scopes.allows_run_as()
    );
    // Store the key now: the server shows it once. Here it goes straight into the client.
    let client = erp_v1::Client::builder()
        .base_url(&base_url)
        .auth(accepted.api_key.into_wawi_key())
        .build()?;
    let status = client.get_status().await?;
    println!(
        "JTL-Wawi {} serves tenant {}",
        status.version, status.tenant
    );
    Ok(())
}
