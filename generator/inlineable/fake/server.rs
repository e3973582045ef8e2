//! The fake's HTTP side: the accept loop, the request record (credentials masked), the routing
//! of every path to the API that serves it, the test's admin endpoints and the scripted faults.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};

use super::encoding::{fault_response, multipart_field, plain};
use super::request::{FakeRequest, Generation};
use super::{RecordedRequest, State, erp, identity, lock, registration, scx, session_tokens};

/// Where ERP requests may be sent: the Cloud prefix and the OnPremise prefix.
const ERP_PREFIXES: [&str; 2] = ["/erp", "/api/eazybusiness"];
const MAX_BODY: usize = 1024 * 1024;

/// Serves every connection `listener` accepts until the task is aborted.
pub(super) fn spawn(
    listener: tokio::net::TcpListener,
    state: Arc<Mutex<State>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let state = state.clone();
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |request| serve(state.clone(), request));
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    })
}

async fn serve(
    state: Arc<Mutex<State>>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(plain(StatusCode::PAYLOAD_TOO_LARGE, "")),
    };
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    let request = FakeRequest {
        method: parts.method,
        path,
        headers: parts.headers,
        body,
    };
    let delay = {
        let mut state = lock(&state);
        state.requests.push(record(&request));
        state.delay
    };
    if !delay.is_zero() {
        // Real time, not the fake's clock: a delay exercises the clients' transport timeouts,
        // which reqwest measures on the real clock.
        tokio::time::sleep(delay).await;
    }
    let mut state = lock(&state);
    Ok(route(&mut state, &request))
}

fn record(request: &FakeRequest) -> RecordedRequest {
    let headers = request
        .headers
        .iter()
        .map(|(name, value)| {
            let value = value.to_str().unwrap_or("<binary>");
            let masked = match name.as_str() {
                "authorization" => format!("{} ***", value.split(' ').next().unwrap_or_default()),
                "x-api-key" | "x-sessionid" => "***".to_owned(),
                _ => value.to_owned(),
            };
            (name.as_str().to_owned(), masked)
        })
        .collect();
    let mut body = String::from_utf8_lossy(&request.body).into_owned();
    if let Some(token) = multipart_field(&request.body, "refreshToken") {
        body = body.replace(&token, "***");
    }
    if let Some(masked) = erp::mask_password(&request.body) {
        body = masked;
    }
    if let Some(masked) = identity::mask_form(request) {
        body = masked;
    }
    RecordedRequest {
        method: request.method.to_string(),
        path: request.path.clone(),
        headers,
        body,
    }
}

fn route(state: &mut State, request: &FakeRequest) -> Response<Full<Bytes>> {
    let path = request.path.split('?').next().unwrap_or_default();
    match (&request.method, path) {
        (&Method::POST, "/oauth2/token") => identity::legacy_token(state, request),
        (&Method::POST, "/v1/auth") => scx::token(state, request),
        (&Method::GET, session_tokens::JWKS_PATH) => session_tokens::jwks(state, request),
        (_, p) if identity::serves(p) => {
            let origin = format!("http://{}", request.header("host").unwrap_or_default());
            identity::route(state, request, p, &origin)
        }
        (&Method::POST, p) if p.starts_with("/_fake/") => admin(state, p),
        _ => match ERP_PREFIXES
            .iter()
            .find_map(|prefix| path.strip_prefix(prefix))
        {
            Some(erp_path) => match state.faults.pop_front() {
                Some(fault) => fault_response(&fault),
                None => route_erp(state, request, erp_path),
            },
            None => plain(StatusCode::NOT_FOUND, "no such endpoint"),
        },
    }
}

/// The ERP routes. The 2.0 document's paths are under `/v2` and answer in PascalCase, as it
/// declares; the unversioned paths are 1.0 (PascalCase) or, with `api-version: 2.0`, the
/// OnPremise server of seed 002 (camelCase answers). The paths without `/v2` of seed 001 (foreign
/// apps) are served too. The operations beyond registration go first: their paths
/// (`POST /authentication/login`, …) would otherwise read as a registration id.
fn route_erp(state: &mut State, request: &FakeRequest, path: &str) -> Response<Full<Bytes>> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (generation, segments) = match segments.split_first() {
        Some((&"v2", rest)) => (Generation::V2, rest),
        _ if request.header("api-version") == Some("2.0") => {
            (Generation::V2Unversioned, &segments[..])
        }
        _ => (Generation::V1, &segments[..]),
    };
    erp::route(state, request, segments, generation.casing())
        .or_else(|| registration::route(state, request, segments, generation))
        .unwrap_or_else(|| plain(StatusCode::NOT_FOUND, "no such endpoint"))
}

/// `POST /_fake/approve/{id}` and `POST /_fake/reject/{id}`, for the stand-alone binary.
fn admin(state: &mut State, path: &str) -> Response<Full<Bytes>> {
    let segments: Vec<&str> = path.trim_start_matches("/_fake/").split('/').collect();
    let result = match segments.as_slice() {
        ["approve", id] => registration::accept_everything(state, id),
        ["reject", id] => registration::reject(state, id),
        _ => return plain(StatusCode::NOT_FOUND, "no such admin endpoint"),
    };
    match result {
        Ok(()) => plain(StatusCode::NO_CONTENT, ""),
        Err(e) => plain(StatusCode::CONFLICT, &e.to_string()),
    }
}
