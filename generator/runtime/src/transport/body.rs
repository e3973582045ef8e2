//! Request bodies, encoded once so that a retry sends the same bytes.

use std::fmt;

use bytes::Bytes;
use http::HeaderValue;

/// A request body, encoded once so that a retry sends the same bytes.
#[derive(Clone)]
pub struct RequestBody {
    content_type: HeaderValue,
    bytes: Bytes,
}

impl RequestBody {
    /// A JSON body (already serialized in the operation's dialect).
    pub fn json(bytes: Vec<u8>) -> Self {
        Self {
            content_type: HeaderValue::from_static("application/json"),
            bytes: bytes.into(),
        }
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn form<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut encoder = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in fields {
            encoder.append_pair(name, value);
        }
        Self {
            content_type: HeaderValue::from_static("application/x-www-form-urlencoded"),
            bytes: encoder.finish().into_bytes().into(),
        }
    }

    /// A `multipart/form-data` body of text fields. The boundary is chosen so that it occurs in
    /// no value, which keeps the encoding deterministic for a given input.
    pub fn multipart<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)> + Clone) -> Self {
        let mut boundary = String::from("jtl-erp-client-boundary");
        while fields
            .clone()
            .into_iter()
            .any(|(n, v)| n.contains(&boundary) || v.contains(&boundary))
        {
            boundary.push('x');
        }
        let mut body = String::new();
        for (name, value) in fields {
            let name = name.replace('"', "%22");
            body.push_str(&format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let content_type =
            HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
                .expect("boundary is ASCII");
        Self {
            content_type,
            bytes: body.into_bytes().into(),
        }
    }

    /// The `Content-Type` it is sent with.
    pub fn content_type(&self) -> &HeaderValue {
        &self.content_type
    }

    /// The encoded bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies may carry secrets (refresh tokens): show the size only.
        f.debug_struct("RequestBody")
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl RequestBody {
    /// A body sent as it is, under the document's media type (`text/plain`,
    /// `application/octet-stream`, `application/merge-patch+json`, …). A media type that is no
    /// valid header value is sent as `application/octet-stream`.
    pub fn raw(content_type: &str, bytes: impl Into<Bytes>) -> Self {
        Self {
            content_type: HeaderValue::from_str(content_type)
                .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
            bytes: bytes.into(),
        }
    }
}
