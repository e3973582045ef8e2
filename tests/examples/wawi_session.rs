//! A JTL-Wawi user's session: log in, remove a foreign app in the session (`X-SessionId`), log
//! out.
//!
//! `cargo run -p jtl-erp-tests --example wawi_session` runs against the fake JTL. For a real
//! OnPremise server set `JTL_WAWI_URL=http://127.0.0.1:<port>/api/eazybusiness`, `JTL_API_KEY`,
//! `JTL_WAWI_USER` and `JTL_WAWI_PASSWORD` (the password goes out over https or to loopback only).

#![allow(deprecated)]

use jtl_erp_client::erp_v2;
use jtl_erp_client::fake::FakeJtl;
use jtl_erp_client::models::AppRegistrationRequest;
use jtl_erp_client::runtime::auth::WawiKey;
use jtl_erp_client::runtime::{Base64Bytes, Context, Secret};
use jtl_erp_client::wawi_session::WawiSession;

#[tokio::main]
pub async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).ok();
    let (fake, base_url, key, user, password) = match env("JTL_WAWI_URL") {
        Some(url) => (
            None,
            url,
            env("JTL_API_KEY").unwrap_or_default(),
            env("JTL_WAWI_USER").unwrap_or_default(),
            env("JTL_WAWI_PASSWORD").unwrap_or_default(),
        ),
        None => {
            let fake = FakeJtl::start().await?;
            fake.erp().add_user("admin", "example-password");
            let key = fake.registration().issue_api_key(&["foreignapps.manage"]);
            let url = fake.onpremise_url();
            (
                Some(fake),
                url,
                key,
                "admin".to_owned(),
                "example-password".to_owned(),
            )
        }
    };
    let client = erp_v2::Client::builder()
        .base_url(base_url)
        .auth(WawiKey::new(key))
        .context(
            Context::new()
                .challenge_code("example-challenge")
                .app_id("Example/1.0.0")
                .app_version("1.0.0"),
        )
        .build()?;
    let session = WawiSession::login(&client, user, Secret::new(password)).await?;
    println!("logged in: {session:?}");
    if fake.is_some() {
        // Something to remove: the fake starts without foreign apps.
        let app = AppRegistrationRequest::new()
            .with_app_id("other/app")
            .with_display_name("Other")
            .with_description("An app registered on the merchant's behalf")
            .with_version("1.0.0")
            .with_provider_name("Example")
            .with_provider_website("https://example.com")
            .with_mandatory_api_scopes(["items.read".to_owned()])
            .with_app_icon(Base64Bytes(Vec::new()));
        session.client().register_foreign_app(app).await?;
    }
    match session.client().remove_foreign_app("other/app").await {
        Ok(_) => println!("removed foreign app other/app"),
        Err(e) if e.is_no_licence() => println!("no licence, or the app is not authorised by JTL"),
        Err(e) => println!("not removed: {e}"),
    }
    session.logout().await?;
    println!("logged out");
    Ok(())
}
