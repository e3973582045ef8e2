//! `jtl-erp-fake`: the fake JTL server on its own, for manual tests and for test suites in
//! other languages. Needs the `fake` feature:
//! `cargo run -p jtl-erp-client --features fake --bin jtl-erp-fake -- --help`.

use std::net::SocketAddr;
use std::process::ExitCode;

use jtl_erp_client::fake::FakeJtl;

const HELP: &str = "\
jtl-erp-fake: a fake JTL ERP API, both identity generations and SCX token endpoint on 127.0.0.1

USAGE:
    jtl-erp-fake [--port PORT] [--client ID:SECRET]... [--refresh-token TOKEN]...
                 [--known-scope SCOPE]... [--auto-approve] [--user NAME:PASSWORD]...
                 [--accounting-data COUNT] [--public-client ID]... [--login USER:TENANT]

OPTIONS:
    --port PORT              listen on this port (default: a free one)
    --client ID:SECRET       accept these client credentials at /oauth2/token and
                             /oauth/v2/token
    --refresh-token TOKEN    accept this SCX refresh token at /v1/auth
    --known-scope SCOPE      the platform knows this scope name; once any is given,
                             registrations asking for others are refused with 400
                             (default: every name is known)
    --auto-approve           accept every registration, with all its scopes, when first polled
    --user NAME:PASSWORD     a JTL-Wawi user who may log in (POST /v2/authentication/login)
    --accounting-data COUNT  GET /v2/accountingData lists COUNT deterministic documents, paged
                             as the vendor pages (pageNumber from 1, pageSize 100 by default,
                             at most 1000; default: none)
    --public-client ID       a public client (no secret) that may log users in with PKCE
    --login USER:TENANT      the user (of the tenant) the authorization endpoint logs in
                             (default with a public client: fake-user:fake-tenant)
    -h, --help               print this help

IDENTITY:
    legacy   POST /oauth2/token                      client credentials (HTTP Basic)
    OIDC     GET  /.well-known/openid-configuration  discovery; the issuer is the base URL
             GET  /oauth/v2/keys                     key set: an RSA and an Ed25519 key
             POST /oauth/v2/token                    client credentials: HTTP Basic only
                                                     (400 with credentials in the body) and
                                                     scope=openid required (400 without);
                                                     authorization_code (public client,
                                                     PKCE S256 verifier checked, one-time
                                                     codes) and refresh_token (rotated: each
                                                     refresh token works once)
             GET  /oauth/v2/authorize                non-interactive login: 302 to
                                                     redirect_uri with code and state for the
                                                     --login user (S256 challenge required)
    App tokens (RS256 or EdDSA, iss, aud [app], urn:jtl:app_id, urn:jtl:tenant_id, sub) and
    key rotation are made from Rust: fake.identity().app_token, fake.identity().rotate_keys.

Registrations stay pending until approved: POST /_fake/approve/{id} or /_fake/reject/{id}.
The base URLs are printed once the server is ready.";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{HELP}");
        return ExitCode::SUCCESS;
    }
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: &[String]) -> Result<(), String> {
    let mut port = 0u16;
    let (mut clients, mut refresh_tokens, mut auto_approve) = (Vec::new(), Vec::new(), false);
    let mut known_scopes: Vec<String> = Vec::new();
    let mut users = Vec::new();
    let mut accounting_data = 0usize;
    let mut public_clients = Vec::new();
    let mut login = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = || {
            rest.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--port" => {
                port = value()?
                    .parse()
                    .map_err(|_| "--port needs a number".to_owned())?
            }
            "--client" => {
                let pair = value()?;
                let (id, secret) = pair.split_once(':').ok_or("--client needs ID:SECRET")?;
                clients.push((id.to_owned(), secret.to_owned()));
            }
            "--refresh-token" => refresh_tokens.push(value()?),
            "--known-scope" => known_scopes.push(value()?),
            "--auto-approve" => auto_approve = true,
            "--user" => {
                let pair = value()?;
                let (name, password) = pair.split_once(':').ok_or("--user needs NAME:PASSWORD")?;
                users.push((name.to_owned(), password.to_owned()));
            }
            "--accounting-data" => {
                accounting_data = value()?
                    .parse()
                    .map_err(|_| "--accounting-data needs a number".to_owned())?
            }
            "--public-client" => public_clients.push(value()?),
            "--login" => {
                let pair = value()?;
                let (user, tenant) = pair.split_once(':').ok_or("--login needs USER:TENANT")?;
                login = Some((user.to_owned(), tenant.to_owned()));
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let fake = FakeJtl::start_on(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .map_err(|e| format!("cannot listen: {e}"))?;
    for (id, secret) in &clients {
        fake.identity().add_client(id, secret);
    }
    for token in &refresh_tokens {
        fake.scx().add_refresh_token(token);
    }
    fake.registration().auto_approve(auto_approve);
    for (name, password) in &users {
        fake.erp().add_user(name, password);
    }
    fake.erp().set_accounting_data(accounting_data);
    for client in &public_clients {
        fake.identity().add_public_client(client);
    }
    match (&login, public_clients.is_empty()) {
        (Some((user, tenant)), _) => fake.identity().set_login(user, tenant),
        (None, false) => fake.identity().set_login("fake-user", "fake-tenant"),
        (None, true) => {}
    }
    if !known_scopes.is_empty() {
        let catalog: Vec<&str> = known_scopes.iter().map(String::as_str).collect();
        fake.registration().set_scope_catalog(Some(&catalog));
    }
    println!("ERP OnPremise  {}", fake.onpremise_url());
    println!("ERP Cloud      {}", fake.cloud_url());
    println!("token endpoint {}", fake.token_url());
    println!("OIDC issuer    {}", fake.issuer());
    println!("SCX            {}", fake.scx_url());
    println!("ready");
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())
}
