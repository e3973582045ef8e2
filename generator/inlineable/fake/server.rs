//! The fake's HTTP side: the accept loop's handler, the request record (credentials masked),
//! the routing of every path to the API that serves it, the test's admin endpoints and the
//! scripted faults.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};

use super::encoding::{fault_response, multipart_field, plain};
use super::erp::{accept_everything, erp, pending_mut};
use super::request::FakeRequest;
use super::scx::scx_token;
use super::session::{JWKS_PATH, jwks};
use super::{ERP_PREFIXES, MAX_BODY, RecordedRequest, State, erp2, identity, lock};
use crate::models::RegistrationStatus;

pub(super) async fn serve(
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

pub(super) fn record(request: &FakeRequest) -> RecordedRequest {
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
    if let Some(masked) = erp2::mask_password(&request.body) {
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

pub(super) fn route(state: &mut State, request: &FakeRequest) -> Response<Full<Bytes>> {
    let path = request.path.split('?').next().unwrap_or_default();
    match (&request.method, path) {
        (&Method::POST, "/oauth2/token") => identity::legacy_token(state, request),
        (&Method::POST, "/v1/auth") => scx_token(state, request),
        (&Method::GET, JWKS_PATH) => jwks(state, request),
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
                None => erp(state, request, erp_path),
            },
            None => plain(StatusCode::NOT_FOUND, "no such endpoint"),
        },
    }
}

/// `POST /_fake/approve/{id}` and `POST /_fake/reject/{id}`, for the stand-alone binary.
pub(super) fn admin(state: &mut State, path: &str) -> Response<Full<Bytes>> {
    let segments: Vec<&str> = path.trim_start_matches("/_fake/").split('/').collect();
    let result = match segments.as_slice() {
        ["approve", id] => accept_everything(state, id),
        ["reject", id] => pending_mut(state, id).map(|r| r.status = RegistrationStatus::Rejected),
        _ => return plain(StatusCode::NOT_FOUND, "no such admin endpoint"),
    };
    match result {
        Ok(()) => plain(StatusCode::NO_CONTENT, ""),
        Err(e) => plain(StatusCode::CONFLICT, &e.to_string()),
    }
}
