//! Verdicts per call and per operation, the table, the summary and the JSON for CI.

use std::fmt::Write as _;

use jtl_erp_generator::Analysis;
use serde_json::{Value, json};

use super::Options;

/// One call of one operation, judged.
#[derive(Debug, Clone)]
pub struct Call {
    /// The run (0: the document's examples and every optional value).
    pub run: u64,
    /// The status answered (none when nothing was sent or nothing came back).
    pub status: Option<u16>,
    /// Prism found nothing wrong with the request.
    pub request_valid: bool,
    /// What Prism (or the client, refusing to send) said of the request.
    pub request_problem: Option<String>,
    /// The client decoded the answer (success body or documented error).
    pub decoded: bool,
    /// The client's decode error (its message masks JSON string values).
    pub decode_error: Option<String>,
    /// Prism's own verdict on its answer (the document's wrong-typed examples).
    pub response_violations: Vec<String>,
    /// Why this call fails the run, if it does.
    pub failure: Option<String>,
}

/// Every call of one operation.
#[derive(Debug, Clone)]
pub struct OperationReport {
    /// The module of the generated crate.
    pub module: String,
    /// The operation id.
    pub id: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template.
    pub path: String,
    /// What the generator gave up for it (its warnings there).
    pub degraded: Vec<String>,
    /// One per run, in run order.
    pub calls: Vec<Call>,
}

/// The verdicts of a run.
#[derive(Debug, Clone)]
pub struct Report {
    /// The mode's name (`dynamic`, `examples`).
    pub mode: &'static str,
    /// Calls per operation.
    pub runs: usize,
    /// The seed of the synthesized values.
    pub seed: u64,
    /// Every operation, in module and document order.
    pub operations: Vec<OperationReport>,
}

impl Report {
    /// Judges the driver's lines.
    pub fn new(
        api: &Analysis,
        degraded: Vec<Vec<String>>,
        lines: &[Value],
        options: &Options,
    ) -> Self {
        let mut operations: Vec<OperationReport> = api
            .modules
            .iter()
            .flat_map(|m| {
                m.operations.iter().map(|op| OperationReport {
                    module: m.name.clone(),
                    id: op.id.clone(),
                    method: op.http_method.to_uppercase(),
                    path: op.path.clone(),
                    degraded: Vec::new(),
                    calls: Vec::new(),
                })
            })
            .collect();
        for (op, lost) in operations.iter_mut().zip(degraded) {
            op.degraded = lost;
        }
        for line in lines {
            let Some(op) = line["op"]
                .as_u64()
                .and_then(|i| operations.get_mut(i as usize))
            else {
                continue;
            };
            op.calls.push(judge(line));
        }
        for op in &mut operations {
            op.calls.sort_by_key(|c| c.run);
            // A call the driver never reported (it stopped) is a failure too.
            let expected = options.runs.max(1) as u64;
            for run in 0..expected {
                if !op.calls.iter().any(|c| c.run == run) {
                    op.calls.push(Call {
                        run,
                        status: None,
                        request_valid: false,
                        request_problem: None,
                        decoded: false,
                        decode_error: None,
                        response_violations: Vec::new(),
                        failure: Some("the driver reported no result".to_owned()),
                    });
                }
            }
        }
        Self {
            mode: options.mode.name(),
            runs: options.runs.max(1),
            seed: options.seed,
            operations,
        }
    }

    fn calls(&self) -> impl Iterator<Item = &Call> {
        self.operations.iter().flat_map(|o| &o.calls)
    }

    /// No invalid request, and every answer Prism stands by was decoded.
    pub fn passed(&self) -> bool {
        self.calls().all(|c| c.failure.is_none())
    }

    /// The table, one row per operation, then the failures with reasons, the degraded
    /// operations and the summary.
    pub fn text(&self) -> String {
        let mut rows = vec![[
            "operation".to_owned(),
            "request".to_owned(),
            "status".to_owned(),
            "decoded".to_owned(),
            "answer flagged by Prism".to_owned(),
        ]];
        for op in &self.operations {
            let n = op.calls.len();
            let valid = op.calls.iter().filter(|c| c.request_valid).count();
            let decoded = op.calls.iter().filter(|c| c.decoded).count();
            let flagged = op
                .calls
                .iter()
                .filter(|c| !c.response_violations.is_empty())
                .count();
            let mut statuses: Vec<String> = op
                .calls
                .iter()
                .map(|c| c.status.map_or("-".to_owned(), |s| s.to_string()))
                .collect();
            statuses.dedup();
            let ratio = |k: usize, yes: &str, no: &str| {
                if k == n {
                    yes.to_owned()
                } else {
                    format!("{no} {}/{n}", n - k)
                }
            };
            rows.push([
                format!("{}::{} ({} {})", op.module, op.id, op.method, op.path),
                ratio(valid, "valid", "INVALID"),
                statuses.join(","),
                ratio(decoded, "yes", "NO"),
                if flagged == 0 {
                    String::new()
                } else {
                    format!("{flagged}/{n}")
                },
            ]);
        }
        let widths: Vec<usize> = (0..5)
            .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
            .collect();
        let mut text = String::new();
        for row in &rows {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| format!("{cell:<w$}"))
                .collect();
            let _ = writeln!(text, "{}", cells.join("  ").trim_end());
        }
        let failures: Vec<(&OperationReport, &Call)> = self
            .operations
            .iter()
            .flat_map(|o| o.calls.iter().map(move |c| (o, c)))
            .filter(|(_, c)| c.failure.is_some())
            .collect();
        if !failures.is_empty() {
            text.push_str("\nfailures:\n");
            for (op, call) in &failures {
                let _ = writeln!(
                    text,
                    "  {}::{} run {}: {}",
                    op.module,
                    op.id,
                    call.run,
                    call.failure.as_deref().unwrap_or_default()
                );
            }
        }
        let degraded: Vec<&OperationReport> = self
            .operations
            .iter()
            .filter(|o| !o.degraded.is_empty())
            .collect();
        if !degraded.is_empty() {
            text.push_str("\ndegraded by the generator:\n");
            for op in degraded {
                let _ = writeln!(
                    text,
                    "  {}::{}: {}",
                    op.module,
                    op.id,
                    op.degraded.join("; ")
                );
            }
        }
        let _ = writeln!(text, "\n{}", self.summary());
        text
    }

    /// One line: operations, calls, valid requests, decoded answers, flagged answers, failures.
    pub fn summary(&self) -> String {
        let calls: Vec<&Call> = self.calls().collect();
        let answered = calls.iter().filter(|c| c.status.is_some()).count();
        format!(
            "{} operations, {} calls ({} mode, {} run(s), seed {}): {} requests valid, {}/{} answers decoded, {} answers flagged by Prism, {} operations degraded, {} failures: {}",
            self.operations.len(),
            calls.len(),
            self.mode,
            self.runs,
            self.seed,
            calls.iter().filter(|c| c.request_valid).count(),
            calls.iter().filter(|c| c.decoded).count(),
            answered,
            calls
                .iter()
                .filter(|c| !c.response_violations.is_empty())
                .count(),
            self.operations
                .iter()
                .filter(|o| !o.degraded.is_empty())
                .count(),
            calls.iter().filter(|c| c.failure.is_some()).count(),
            if self.passed() { "PASS" } else { "FAIL" },
        )
    }

    /// The per-call results for CI.
    pub fn json(&self) -> Value {
        json!({
            "mode": self.mode,
            "runs": self.runs,
            "seed": self.seed,
            "passed": self.passed(),
            "summary": self.summary(),
            "operations": self.operations.iter().map(|o| json!({
                "module": o.module,
                "operation": o.id,
                "method": o.method,
                "path": o.path,
                "degraded": o.degraded,
                "calls": o.calls.iter().map(|c| json!({
                    "run": c.run,
                    "status": c.status,
                    "request_valid": c.request_valid,
                    "request_problem": c.request_problem,
                    "decoded": c.decoded,
                    "decode_error": c.decode_error,
                    "response_violations": c.response_violations,
                    "failure": c.failure,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }
}

/// Prism's answers that say the request is wrong: invalid, insecure, or for no operation.
const REQUEST_PROBLEMS: &[&str] = &[
    "UNPROCESSABLE_ENTITY",
    "UNAUTHORIZED",
    "NO_PATH_MATCHED_ERROR",
    "NO_METHOD_MATCHED_ERROR",
    "NO_SERVER_MATCHED_ERROR",
    "INVALID_CONTENT_TYPE",
    "NOT_ACCEPTABLE",
];

/// The verdict on one driver line.
fn judge(line: &Value) -> Call {
    let status = line["status"].as_u64().and_then(|s| u16::try_from(s).ok());
    let outcome = line["outcome"].as_str().unwrap_or("");
    let message = line["message"].as_str().unwrap_or("").to_owned();
    let violations: Vec<Value> = line["violations"]
        .as_str()
        .and_then(|v| serde_json::from_str::<Vec<Value>>(v).ok())
        .unwrap_or_default();
    let describe = |v: &Value| {
        let location: Vec<&str> = v["location"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        format!(
            "{}: {}",
            location.join("."),
            v["message"].as_str().unwrap_or("")
        )
    };
    let errors_at = |place: &str| -> Vec<String> {
        violations
            .iter()
            .filter(|v| v["location"][0] == place && v["severity"] == "Error")
            .map(describe)
            .collect()
    };
    let mut request_problems = errors_at("request");
    let mut response_violations = errors_at("response");
    let problem = &line["problem"];
    let kind = problem["type"]
        .as_str()
        .and_then(|t| t.rsplit_once('#'))
        .map_or("", |(_, kind)| kind);
    if problem.is_object() && !REQUEST_PROBLEMS.contains(&kind) {
        // Prism could not produce an answer (no schema to generate from, …): the document's
        // limit, not the client's; reported next to the answers Prism flags.
        response_violations.push(format!(
            "Prism could not answer ({kind}): {}",
            problem["detail"]
                .as_str()
                .or(problem["title"].as_str())
                .unwrap_or("")
        ));
    } else if problem.is_object() {
        let mut text = problem["title"]
            .as_str()
            .unwrap_or("Prism refused the request")
            .to_owned();
        let details: Vec<String> = problem["validation"]
            .as_array()
            .into_iter()
            .flatten()
            .map(describe)
            .collect();
        if !details.is_empty() {
            let _ = write!(text, " ({})", details.join("; "));
        }
        request_problems.insert(0, text);
    } else if status == Some(422) {
        request_problems.insert(0, "answered 422".to_owned());
    }
    let mut request_valid = request_problems.is_empty();
    let decoded = match outcome {
        "decoded" => true,
        // A documented error answer the client turned into its typed error.
        "api-error" => problem.is_null(),
        _ => false,
    };
    // An answer Prism could not make is no answer the client failed on.
    let outcome = if problem.is_object() && request_valid {
        "prism-gave-up"
    } else {
        outcome
    };
    let decode_error = (outcome == "decode-error").then(|| message.clone());
    let failure = if !request_valid {
        Some(format!("invalid request: {}", request_problems.join("; ")))
    } else {
        match outcome {
            "refused" => {
                request_valid = false;
                Some(format!("the client refused to send: {message}"))
            }
            "bad-argument" => Some(format!(
                "the document's value does not fit the client's type: {message}"
            )),
            "transport-error" => Some(format!("transport: {message}")),
            "decode-error" if response_violations.is_empty() => Some(format!(
                "an answer Prism stands by was not decoded: {message}"
            )),
            "decoded" | "api-error" | "decode-error" | "prism-gave-up" => None,
            other => Some(format!("unknown outcome `{other}`: {message}")),
        }
    };
    Call {
        run: line["run"].as_u64().unwrap_or(0),
        status,
        request_valid,
        request_problem: (!request_problems.is_empty()).then(|| request_problems.join("; ")),
        decoded,
        decode_error,
        response_violations,
        failure,
    }
}
