//! The violation recorder: a hook of the runtime that keeps what Prism says of every response
//! (its status, the `sl-violations` header, Prism's own problem answers) and can ask Prism for
//! answers generated from the schemas (`Prefer`).
//!
//! One file for the contract tests (`jtl_erp_conformance::ViolationRecorder`) and the
//! conformance driver, which gets this file's text next to its `main.rs`: it depends on the
//! runtime and the standard library only.

use std::sync::{Arc, Mutex};

use jtl_erp_runtime::auth::BoxFuture;
use jtl_erp_runtime::hooks::{Hook, HookError};
use jtl_erp_runtime::serde_json::{self, Value};
use jtl_erp_runtime::{Operation, RawResponse, reqwest};

/// What the recorder saw of one response.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// The API (module) of the operation.
    pub api: String,
    /// The operation id.
    pub operation: String,
    /// The status answered.
    pub status: u16,
    /// The `sl-violations` header: Prism's findings on request and response, a JSON list.
    pub violations: Option<String>,
    /// Prism's own answer (a problem document with a type under Prism's errors page: invalid
    /// request, security, no route, no answer it can make); never one of the document's.
    pub problem: Option<Value>,
}

/// Records every response (a hook for the client builder's `hook`); clones share the record.
#[derive(Debug, Clone, Default)]
pub struct ViolationRecorder {
    seen: Arc<Mutex<Vec<Observed>>>,
    prefer: Option<String>,
}

impl ViolationRecorder {
    /// A recorder that changes no request.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also sends `Prefer: <value>` with every request (`dynamic=true`: Prism generates the
    /// answers from the schemas instead of taking the document's examples).
    pub fn prefer(mut self, value: impl Into<String>) -> Self {
        self.prefer = Some(value.into());
        self
    }

    /// Everything seen so far, in the order the responses came.
    pub fn observed(&self) -> Vec<Observed> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Removes and returns the last response seen for an operation.
    pub fn take(&self, api: &str, operation: &str) -> Option<Observed> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let at = seen
            .iter()
            .rposition(|o| o.api == api && o.operation == operation)?;
        Some(seen.remove(at))
    }
}

impl Hook for ViolationRecorder {
    fn before_send<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), HookError>> {
        Box::pin(async move {
            if let Some(value) = self
                .prefer
                .as_deref()
                .and_then(|p| reqwest::header::HeaderValue::from_str(p).ok())
            {
                request.headers_mut().insert("prefer", value);
            }
            Ok(())
        })
    }

    fn after_receive<'a>(
        &'a self,
        response: &'a RawResponse,
        operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), HookError>> {
        Box::pin(async move {
            let violations = response
                .headers()
                .get("sl-violations")
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            let problem = serde_json::from_slice::<Value>(response.body())
                .ok()
                .filter(|v| {
                    v.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.starts_with("https://stoplight.io/prism/errors#"))
                });
            self.seen
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(Observed {
                    api: operation.api().to_owned(),
                    operation: operation.id().to_owned(),
                    status: response.status().as_u16(),
                    violations,
                    problem,
                });
            Ok(())
        })
    }
}
