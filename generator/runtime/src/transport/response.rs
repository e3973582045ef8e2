//! Responses: the raw answer as read off the wire, and the typed value handed to the caller.

use std::fmt;
use std::ops::Deref;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::transport::error::{ApiError, Error, ErrorKind};
use crate::transport::operation::Operation;

/// A response read in full (up to the client's body limit).
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// The wall-clock time (of the client's time source) its head arrived: what an HTTP date in
    /// `Retry-After` is measured from.
    received_at: SystemTime,
}

impl RawResponse {
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        received_at: SystemTime,
    ) -> Self {
        Self {
            status,
            headers,
            body,
            received_at,
        }
    }
    /// The server's `Retry-After` (seconds, or an HTTP date measured from when the answer was
    /// received on the client's clock).
    pub fn retry_after(&self) -> Option<Duration> {
        crate::transport::ratelimit::retry_after(&self.headers, self.received_at)
    }
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The body bytes.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Decodes a JSON success body.
    pub(crate) fn json<T: DeserializeOwned, E>(
        self,
        operation: &'static Operation,
    ) -> Result<ResponseValue<T>, Error<E>> {
        let fail = |message: String| {
            Error::new(
                operation.id,
                ErrorKind::Decode {
                    status: self.status,
                    message,
                    excerpt: crate::transport::excerpt::excerpt(&self.body),
                },
            )
        };
        if let Some(content_type) = self.content_type().filter(|c| !is_json(c)) {
            return Err(fail(format!(
                "expected a JSON body, got content type `{content_type}`"
            )));
        }
        if self.body.is_empty() {
            return Err(fail("the body is empty".to_owned()));
        }
        match serde_json::from_slice::<T>(&self.body) {
            Ok(value) => Ok(ResponseValue {
                value,
                status: self.status,
                headers: self.headers,
            }),
            Err(e) => Err(fail(crate::transport::excerpt::decode_failure::<T>(
                &self.body, &e,
            ))),
        }
    }

    /// A JSON body where the operation documents one, `None` for an answer without body
    /// (e.g. 204 next to 201).
    pub(crate) fn json_or_empty<T: DeserializeOwned, E>(
        self,
        operation: &'static Operation,
    ) -> Result<ResponseValue<Option<T>>, Error<E>> {
        if self.body.is_empty() {
            return Ok(ResponseValue {
                value: None,
                status: self.status,
                headers: self.headers,
            });
        }
        let value = self.json::<T, E>(operation)?;
        Ok(ResponseValue {
            status: value.status,
            headers: value.headers,
            value: Some(value.value),
        })
    }

    /// The media type of the body, without parameters, if the server named one.
    pub fn content_type(&self) -> Option<&str> {
        let value = self
            .headers
            .get(http::header::CONTENT_TYPE)?
            .to_str()
            .ok()?;
        Some(value.split(';').next().unwrap_or(value).trim())
    }

    /// A success body as raw bytes (`application/octet-stream` and other binary types).
    pub(crate) fn into_bytes<E>(self) -> Result<ResponseValue<Bytes>, Error<E>> {
        Ok(ResponseValue {
            value: self.body,
            status: self.status,
            headers: self.headers,
        })
    }

    /// A success body as text (`application/xml`, `text/*`).
    pub(crate) fn into_text<E>(
        self,
        operation: &'static Operation,
    ) -> Result<ResponseValue<String>, Error<E>> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(value) => Ok(ResponseValue {
                value,
                status: self.status,
                headers: self.headers,
            }),
            Err(e) => Err(Error::new(
                operation.id,
                ErrorKind::Decode {
                    status: self.status,
                    message: format!("the body is not UTF-8: {e}"),
                    excerpt: crate::transport::excerpt::excerpt(&self.body),
                },
            )),
        }
    }

    /// A success without a body the client reads.
    pub(crate) fn empty<E>(self) -> Result<ResponseValue<()>, Error<E>> {
        Ok(ResponseValue {
            value: (),
            status: self.status,
            headers: self.headers,
        })
    }

    /// Turns a non-success answer into an [`ApiError`], reading the body as `E` where it can.
    pub(crate) fn into_error<E: DeserializeOwned>(self, operation: &'static Operation) -> Error<E> {
        let body = if self.body.is_empty() {
            None
        } else {
            serde_json::from_slice::<E>(&self.body).ok()
        };
        let retry_after = self.retry_after();
        Error::new(
            operation.id,
            ErrorKind::Api(ApiError {
                retry_after,
                status: self.status,
                description: operation.describe_status(self.status.as_u16()),
                body,
                excerpt: crate::transport::excerpt::excerpt(&self.body),
                likely_missing_scope: operation
                    .scope
                    .filter(|_| self.status == http::StatusCode::FORBIDDEN),
                headers: Box::new(self.headers),
            }),
        )
    }
}

/// JSON media types: `application/json`, `text/json`, `*/*+json`.
fn is_json(media: &str) -> bool {
    // Compared as bytes: a suffix of a media type with non-ASCII characters is no `str`.
    let media = media.as_bytes();
    media.eq_ignore_ascii_case(b"application/json")
        || media.eq_ignore_ascii_case(b"text/json")
        || media.len() >= 5 && media[media.len() - 5..].eq_ignore_ascii_case(b"+json")
}

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn json_media_types_are_recognized_in_any_case() {
        for media in [
            "application/json",
            "Application/JSON",
            "text/json",
            "application/problem+json",
            "application/vnd.jtl.ä+JSON",
            "+json",
        ] {
            assert!(is_json(media), "{media}");
        }
        for media in [
            "text/plain",
            "application/jsonx",
            "json",
            "€€json",
            "",
            "application/xml",
        ] {
            assert!(!is_json(media), "{media}");
        }
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// A decoded success value with the status and headers it came with.
#[derive(Debug)]
pub struct ResponseValue<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> ResponseValue<T> {
    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl<T> Deref for ResponseValue<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> ResponseValue<T> {
    /// The same answer with its value turned into another (generated code wraps the body of each
    /// success status into the operation's response enum).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue {
            value: f(self.value),
            status: self.status,
            headers: self.headers,
        }
    }
}
