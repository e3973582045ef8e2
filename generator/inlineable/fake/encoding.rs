//! Answers as the vendor writes them: JSON in a casing, the vendor's `ErrorResponse`, plain
//! text; and the request bodies the fake reads (forms, Basic credentials, multipart fields).

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Response, StatusCode};
use jtl_erp_runtime::serde;
use jtl_erp_runtime::serde::Serialize as _;
use jtl_erp_runtime::serde_json;
use jtl_erp_runtime::wire::{Pascal, Wire, WireSerialize};

use super::{Casing, Fault, State};
use crate::models::ErrorResponse;

pub(super) fn error(
    state: &State,
    status: StatusCode,
    code: &str,
    casing: Casing,
) -> Response<Full<Bytes>> {
    let body = ErrorResponse::new()
        .with_error_code(code)
        .with_error_message(code);
    json(state, status, &body, casing)
}

/// A JSON request body as `T`; else the vendor's 400 `InvalidBody: …`.
#[expect(
    clippy::result_large_err,
    reason = "the refusal is the answer, sent at once"
)]
pub(super) fn read_body<T: serde::de::DeserializeOwned>(
    state: &State,
    body: &[u8],
    casing: Casing,
) -> Result<T, Response<Full<Bytes>>> {
    serde_json::from_slice(body).map_err(|e| {
        error(
            state,
            StatusCode::BAD_REQUEST,
            &format!("InvalidBody: {e}"),
            casing,
        )
    })
}

/// A model in the endpoint's casing (or the other one, when that fault is on).
///
/// The documents declare PascalCase only; camelCase answers (seed 002's OnPremise server, public
/// 2.x integrations) are the PascalCase ones with each property name's first letter lowered.
/// Keys of maps are data and keep their case: the fake's only maps are the messages under
/// `Errors` and `ValidationErrors`.
pub(super) fn json<T: WireSerialize<Pascal>>(
    state: &State,
    status: StatusCode,
    value: &T,
    casing: Casing,
) -> Response<Full<Bytes>> {
    match pascal_bytes(value) {
        Some(bytes) => json_bytes(state, status, bytes, casing),
        None => plain(StatusCode::INTERNAL_SERVER_ERROR, "serialization failed"),
    }
}

/// A model written in PascalCase, keys in the schema's order.
pub(super) fn pascal_bytes<T: WireSerialize<Pascal>>(value: &T) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    Wire::<_, Pascal>::new(value)
        .serialize(&mut serde_json::Serializer::new(&mut bytes))
        .ok()?;
    Some(bytes)
}

/// JSON written with PascalCase property names, answered in the endpoint's casing.
pub(super) fn json_bytes(
    state: &State,
    status: StatusCode,
    mut bytes: Vec<u8>,
    casing: Casing,
) -> Response<Full<Bytes>> {
    let casing = match (casing, state.other_casing) {
        (Casing::Camel, true) => Casing::Pascal,
        (Casing::Pascal, true) => Casing::Camel,
        (casing, false) => casing,
    };
    if casing == Casing::Camel {
        let Ok(mut tree) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "serialization failed");
        };
        camel_case_keys(&mut tree);
        bytes = serde_json::to_vec(&tree).unwrap_or_default();
    }
    respond(status, "application/json; charset=utf-8", bytes)
}

/// Lowers the first letter of every property name, leaving the keys of the message maps alone.
pub(super) fn camel_case_keys(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(object) => {
            let entries = std::mem::take(object);
            for (key, mut child) in entries {
                if key != "Errors" && key != "ValidationErrors" {
                    camel_case_keys(&mut child);
                }
                let mut chars = key.chars();
                let camel = chars.next().map_or_else(String::new, |first| {
                    first.to_lowercase().chain(chars).collect()
                });
                object.insert(camel, child);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(camel_case_keys),
        _ => {}
    }
}

pub(super) fn plain(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    respond(status, "text/plain", text.as_bytes().to_vec())
}

pub(super) fn respond(
    status: StatusCode,
    content_type: &str,
    body: Vec<u8>,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert("content-type", content_type.parse().expect("ASCII"));
    response
}

pub(super) fn url_form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The client id and secret of OAuth 2.0 client authentication with HTTP Basic: each was
/// `application/x-www-form-urlencoded` before it went into the pair (RFC 6749 2.3.1), so each
/// is decoded as issuers decode it (oidc-provider: `+` is a space, `%XX` a byte, any other `%`
/// refuses the header). A secret that needed encoding and was sent raw does not match.
pub(super) fn decode_basic(encoded: &str) -> Option<(String, String)> {
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((form_decode(id)?, form_decode(secret)?))
}

/// One `application/x-www-form-urlencoded` value, strictly: `None` for a `%` without two hex
/// digits or bytes that are no UTF-8.
fn form_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(rest.get(..2)?).ok()?;
                bytes.push(u8::from_str_radix(hex, 16).ok()?);
                rest = &rest[2..];
            }
            _ => bytes.push(byte),
        }
    }
    String::from_utf8(bytes).ok()
}

/// The value of a text field of a multipart body.
pub(super) fn multipart_field(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let marker = format!("name=\"{name}\"");
    let after = &text[text.find(&marker)? + marker.len()..];
    let value = &after[after.find("\r\n\r\n")? + 4..];
    Some(value[..value.find("\r\n")?].to_owned())
}

/// The answer a scripted [`Fault`] gives.
pub(super) fn fault_response(fault: &Fault) -> Response<Full<Bytes>> {
    match fault {
        Fault::Unauthorized => plain(StatusCode::UNAUTHORIZED, ""),
        Fault::Status(status) => plain(
            StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "",
        ),
        Fault::RetryAfter { status, seconds } => {
            let mut response = plain(
                StatusCode::from_u16(*status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
                "",
            );
            response
                .headers_mut()
                .insert("retry-after", seconds.to_string().parse().expect("digits"));
            response
        }
    }
}
