//! No value a server sends reaches an error: marker secrets in every string position of every
//! model (and in place of every value, so that the decoder complains about its type), in broken
//! JSON, HTML and text, through every decoder of the client and of the token providers; the
//! `Display` and `Debug` of every error and all tracing output are searched for them.

use std::sync::{Arc, Mutex};

use jtl_erp_client::models::{AuthRequest, GrantType, TokenRequest};
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::auth::{BasicAuth, ClientCredentials, ScxRefreshToken};
use jtl_erp_client::runtime::serde_json::{self, Value};
use jtl_erp_client::runtime::{Context, RetryPolicy};
use jtl_erp_client::{erp_v1, erp_v2, identity, scx};
use jtl_erp_tests::MockServer;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use crate::fuzz_decoders::SEEDS;

/// Answers every request with the current (status, content type, body).
#[derive(Clone, Default)]
struct Current(Arc<Mutex<(u16, &'static str, Vec<u8>)>>);

impl Respond for Current {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let (status, content_type, body) = self.0.lock().expect("lock").clone();
        ResponseTemplate::new(status).set_body_raw(body, content_type)
    }
}

/// How many values `value` holds, itself included (depth first).
fn count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count).sum(),
        Value::Object(map) => map.values().map(count).sum(),
        _ => 0,
    }
}

/// Replaces the `n`-th value (depth first, `value` itself is 0) with `marker`.
fn replace_nth(value: &mut Value, n: &mut usize, marker: &str) -> bool {
    if *n == 0 {
        *value = Value::String(marker.to_owned());
        return true;
    }
    *n -= 1;
    match value {
        Value::Array(items) => items.iter_mut().any(|v| replace_nth(v, n, marker)),
        Value::Object(map) => map.values_mut().any(|v| replace_nth(v, n, marker)),
        _ => false,
    }
}

fn fill_strings(value: &mut Value, marker: &str) {
    match value {
        Value::String(s) => *s = marker.to_owned(),
        Value::Array(items) => items.iter_mut().for_each(|v| fill_strings(v, marker)),
        Value::Object(map) => map.values_mut().for_each(|v| fill_strings(v, marker)),
        _ => {}
    }
}

/// A body of kind `kind` built from seed `seed` with `marker` in it.
fn body(seed: usize, kind: u8, at: prop::sample::Index, marker: &str) -> (&'static str, Vec<u8>) {
    let mut filled: Value = serde_json::from_str(SEEDS[seed]).expect("seed");
    fill_strings(&mut filled, marker);
    let mut replaced: Value = serde_json::from_str(SEEDS[seed]).expect("seed");
    let mut n = at.index(count(&replaced));
    assert!(replace_nth(&mut replaced, &mut n, marker));
    let filled = filled.to_string();
    let replaced = replaced.to_string();
    let json = "application/json";
    match kind {
        0 => (json, filled.into_bytes()),
        1 => (json, replaced.into_bytes()),
        2 => {
            let mut bytes = replaced.into_bytes();
            bytes.truncate(at.index(bytes.len() + 1));
            (json, bytes)
        }
        3 => (json, format!("\u{feff}{filled}").into_bytes()),
        4 => {
            let cut = filled.rfind('}').unwrap_or(filled.len());
            (json, format!("{},{}", &filled[..cut], &filled[cut..]).into_bytes())
        }
        5 => (
            "text/html",
            format!(
                "<html><body><h1>Error</h1><p>{marker}</p><a href=\"/x?key={marker}\">x</a></body></html>"
            )
            .into_bytes(),
        ),
        6 => ("text/plain", format!("error: key {marker} refused").into_bytes()),
        _ => ("text/plain", replaced.into_bytes()),
    }
}

#[jtl_erp_tests::test]
fn no_marker_reaches_an_error_or_tracing() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let capture = crate::trace_capture::capture(tracing::Level::TRACE);
    let logs = &capture.logs;
    let current = Current::default();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(current.clone())
            .mount(&server)
            .await;
        server
    });
    let base = server.uri();
    let context = || {
        Context::new()
            .challenge_code("c")
            .app_id("A/1")
            .app_version("1")
    };
    let v1 = erp_v1::Client::builder()
        .base_url(&base)
        .retry(RetryPolicy::disabled())
        .context(context())
        .build()
        .expect("client");
    let idp = identity::Client::builder()
        .base_url(&base)
        .auth(BasicAuth::new("id", "secret"))
        .retry(RetryPolicy::disabled())
        .build()
        .expect("client");
    let channel = scx::Client::builder()
        .base_url(&base)
        .retry(RetryPolicy::disabled())
        .build()
        .expect("client");

    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    let mut runner = TestRunner::new(Config::with_cases(cases));
    let strategy = (
        0..SEEDS.len(),
        0u8..8,
        any::<prop::sample::Index>(),
        prop::string::string_regex("Mk[A-Za-z0-9]{6,16}").expect("regex"),
        prop::sample::select(vec![200u16, 400, 500]),
    );
    runner
        .run(&strategy, |(seed, kind, at, marker, status)| {
            let (content_type, bytes) = body(seed, kind, at, &marker);
            *current.0.lock().expect("lock") = (status, content_type, bytes);
            let texts = runtime.block_on(async {
                let mut texts = Vec::new();
                let mut keep = |error: String| texts.push(error);
                if let Err(e) = v1.get_status().await {
                    keep(format!("{e} {e:?}"));
                }
                if let Err(e) = v1.fetch_registration_status("r").await {
                    keep(format!("{e} {e:?}"));
                }
                if let Err(e) = v1.register_app(Default::default()).await {
                    keep(format!("{e} {e:?}"));
                }
                let token = TokenRequest::new(GrantType::ClientCredentials);
                if let Err(e) = idp.request_token(token).await {
                    keep(format!("{e} {e:?}"));
                }
                let exchange = AuthRequest::new("r");
                if let Err(e) = channel.request_access_token(exchange).await {
                    keep(format!("{e} {e:?}"));
                }
                // The token providers' own decoders, through a call that needs their token.
                let grant = ClientCredentials::builder("id", "secret")
                    .token_url(format!("{base}/oauth2/token"))
                    .http_settings(&HttpSettings::new().retries(0))
                    .build()
                    .expect("provider");
                let exchange = ScxRefreshToken::builder("r")
                    .base_url(&base)
                    .http_settings(&HttpSettings::new().retries(0))
                    .build()
                    .expect("provider");
                for client in [
                    erp_v2::Client::builder().base_url(&base).auth(grant),
                    erp_v2::Client::builder().base_url(&base).auth(exchange),
                ] {
                    let client = client
                        .retry(RetryPolicy::disabled())
                        .build()
                        .expect("client");
                    if let Err(e) = client.get_status().await {
                        keep(format!("{e} {e:?}"));
                    }
                }
                texts
            });
            for text in &texts {
                prop_assert!(!text.contains(&marker), "{marker} leaks: {text}");
            }
            let traced = logs.text();
            prop_assert!(!traced.contains(&marker), "{marker} leaks into tracing");
            Ok(())
        })
        .expect("no marker leaks");
}
