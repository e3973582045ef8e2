//! Conformance driver written by `cargo xtask conformance`: calls every operation of the
//! generated client with the arguments in the calls file and prints one JSON line per call.
#![allow(deprecated, clippy::all)]

/// The conformance crate's violation recorder (`recorder.rs`, written next to this file).
mod recorder;

use std::collections::HashMap;
use std::sync::Arc;

use client::runtime::auth::{AuthError, AuthProvider, BoxFuture};
use client::runtime::reqwest;
use client::runtime::serde_json::{self, Value, json};
use client::runtime::{Context, Error, ErrorKind, Operation, ResponseValue, RetryPolicy};
// Argument types are written as the generated code writes them (`rt::Base64Bytes`).
#[allow(unused_imports)]
use ::jtl_erp_runtime as rt;
use recorder::ViolationRecorder as Recorder;

/// The credentials each operation's security requirement asks for: (place, name, value).
struct Credentials(HashMap<(String, String), Vec<(String, String, String)>>);

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(..)")
    }
}

impl AuthProvider for Credentials {
    fn authorize<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(async move {
            let key = (operation.api().to_owned(), operation.id().to_owned());
            for (place, name, value) in self.0.get(&key).into_iter().flatten() {
                match place.as_str() {
                    "query" => {
                        request.url_mut().query_pairs_mut().append_pair(name, value);
                    }
                    _ => {
                        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                            .expect("header name");
                        let value = reqwest::header::HeaderValue::from_str(value).expect("ASCII");
                        request.headers_mut().append(name, value);
                    }
                }
            }
            Ok(())
        })
    }
}

/// How a call ended on the client's side.
enum Outcome {
    Decoded,
    DecodeError(String),
    Api { body_decoded: bool, message: String },
    Transport(String),
    Refused(String),
}

fn finish<T, E>(result: Result<ResponseValue<T>, Error<E>>) -> Outcome {
    let error = match result {
        Ok(_) => return Outcome::Decoded,
        Err(error) => error,
    };
    match error.kind() {
        ErrorKind::Decode { .. } => Outcome::DecodeError(mask(&error.to_string())),
        ErrorKind::Api(api) => Outcome::Api {
            body_decoded: api.body.is_some(),
            message: format!("{} {}", api.status, api.description.unwrap_or("undocumented")),
        },
        ErrorKind::Transport(_) | ErrorKind::BodyTooLarge { .. } => {
            Outcome::Transport(error.to_string())
        }
        _ => Outcome::Refused(error.to_string()),
    }
}

/// Every double-quoted value as `"…"` (keys, followed by `:`, stay): a decoder's message may
/// quote the value it could not read (`invalid type: string "…"`), and values may be secrets.
fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        let Some(close) = closing_quote(after) else {
            out.push('…');
            return out;
        };
        if after[close + 1..].starts_with(':') {
            out.push_str(&after[..close]);
        } else {
            out.push('…');
        }
        out.push('"');
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The quote that ends a string starting at `text` (escaped quotes skipped).
fn closing_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'"' => return Some(i),
            _ => {}
        }
    }
    None
}

fn arg<T: serde::de::DeserializeOwned>(args: &[Value], index: usize) -> Result<T, String> {
    let value = args.get(index).cloned().unwrap_or(Value::Null);
    serde_json::from_value(value).map_err(|e| format!("argument {index} does not fit its Rust type: {e}"))
}

use client::runtime::serde;

// @CLIENTS@

// @OPERATIONS@

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let path = std::env::args().nth(1).expect("usage: driver CALLS.json");
    let text = std::fs::read_to_string(&path).expect("calls file");
    let input: Value = serde_json::from_str(&text).expect("calls file is JSON");
    let prefer = input["prefer"].as_str().map(str::to_owned);
    let concurrency = input["concurrency"].as_u64().unwrap_or(8) as usize;
    let urls: Vec<String> = input["urls"]
        .as_array()
        .expect("urls")
        .iter()
        .map(|u| u.as_str().expect("url").to_owned())
        .collect();
    let mut credentials = HashMap::new();
    let calls = input["calls"].as_array().expect("calls").clone();
    for call in &calls {
        let key = (
            call["api"].as_str().expect("api").to_owned(),
            call["id"].as_str().expect("id").to_owned(),
        );
        let auth: Vec<(String, String, String)> =
            serde_json::from_value(call["auth"].clone()).expect("auth");
        credentials.insert(key, auth);
    }
    let credentials = Arc::new(Credentials(credentials));
    let context = &input["context"];
    let text = |key: &str| context[key].as_str().unwrap_or_default().to_owned();
    let mut ctx = Context::new()
        .app_id(text("app_id"))
        .app_version(text("app_version"))
        .run_as(text("run_as"))
        .company_id(text("company_id"))
        .challenge_code(text("challenge_code"));
    if let Ok(tenant) = text("tenant").parse() {
        ctx = ctx.tenant_id(tenant);
    }
    if let Ok(session) = text("session").parse() {
        ctx = ctx.session_id(session);
    }
    let recorder = match prefer {
        Some(prefer) => Recorder::new().prefer(prefer),
        None => Recorder::new(),
    };
    let clients = Arc::new(clients(&urls, &ctx, &credentials, &recorder));
    let limit = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    // Runs one after the other, so that one operation is never in flight twice.
    let mut runs: Vec<u64> = calls.iter().map(|c| c["run"].as_u64().unwrap_or(0)).collect();
    runs.sort_unstable();
    runs.dedup();
    for run in runs {
        let mut tasks = tokio::task::JoinSet::new();
        for call in calls.iter().filter(|c| c["run"].as_u64().unwrap_or(0) == run) {
            let (call, clients, limit, recorder) =
                (call.clone(), clients.clone(), limit.clone(), recorder.clone());
            tasks.spawn(async move {
                let _permit = limit.acquire().await.expect("semaphore");
                let op = call["op"].as_u64().expect("op") as usize;
                let args = call["args"].as_array().cloned().unwrap_or_default();
                let outcome = call_operation(&clients, op, &args).await;
                let key = (
                    call["api"].as_str().unwrap_or_default().to_owned(),
                    call["id"].as_str().unwrap_or_default().to_owned(),
                );
                let seen = recorder.take(&key.0, &key.1);
                let (outcome, message, body_decoded) = match outcome {
                    Ok(Outcome::Decoded) => ("decoded", String::new(), true),
                    Ok(Outcome::DecodeError(m)) => ("decode-error", m, false),
                    Ok(Outcome::Api { body_decoded, message }) => ("api-error", message, body_decoded),
                    Ok(Outcome::Transport(m)) => ("transport-error", m, false),
                    Ok(Outcome::Refused(m)) => ("refused", m, false),
                    Err(m) => ("bad-argument", m, false),
                };
                let line = json!({
                    "op": op,
                    "run": call["run"],
                    "status": seen.as_ref().map(|s| s.status),
                    "violations": seen.as_ref().and_then(|s| s.violations.clone()),
                    "problem": seen.and_then(|s| s.problem),
                    "outcome": outcome,
                    "message": message,
                    "body_decoded": body_decoded,
                });
                println!("{line}");
            });
        }
        while let Some(result) = tasks.join_next().await {
            result.expect("a call panicked");
        }
    }
}
