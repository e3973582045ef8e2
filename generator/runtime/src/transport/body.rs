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

    /// A `multipart/form-data` body of text fields (RFC 7578). The boundary is chosen so that
    /// it occurs in no value, which keeps the encoding deterministic for a given input.
    pub fn multipart<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self::multipart_parts(
            fields
                .into_iter()
                .map(|(name, value)| FormPart::text(name, value)),
        )
    }

    /// A `multipart/form-data` body of parts (RFC 7578): text fields, JSON values and files,
    /// several parts under one name for a list. The boundary is chosen so that it occurs in
    /// no part (name, content type or bytes), which keeps the encoding deterministic for a
    /// given input.
    pub fn multipart_parts(parts: impl IntoIterator<Item = FormPart>) -> Self {
        let parts: Vec<FormPart> = parts.into_iter().collect();
        let mut boundary = String::from("jtl-erp-client-boundary");
        while parts.iter().any(|p| p.contains(boundary.as_bytes())) {
            boundary.push('x');
        }
        let mut body = Vec::new();
        for part in &parts {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\ncontent-disposition: form-data; name=\"{}\"",
                    part.name
                )
                .as_bytes(),
            );
            if let Some(file_name) = &part.file_name {
                body.extend_from_slice(format!("; filename=\"{file_name}\"").as_bytes());
            }
            body.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                body.extend_from_slice(format!("content-type: {content_type}\r\n").as_bytes());
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(&part.bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let content_type =
            HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
                .expect("boundary is ASCII");
        Self {
            content_type,
            bytes: body.into(),
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

/// One part of a `multipart/form-data` body: its field name, a file's name, its `Content-Type`
/// (none: text, RFC 7578's `text/plain` default) and its bytes.
#[derive(Clone)]
pub struct FormPart {
    /// Escaped for the quoted `name` parameter ([`quoted`]).
    name: String,
    /// Escaped for the quoted `filename` parameter ([`quoted`]).
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Bytes,
}

/// A name as a quoted parameter of `Content-Disposition` holds it: `"`, CR and LF
/// percent-encoded, as browsers do (the HTML standard's multipart encoding); other characters,
/// UTF-8 included, as they are.
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

impl FormPart {
    /// A text field.
    pub fn text(name: &str, value: impl Into<String>) -> Self {
        Self::new(name, None, value.into().into_bytes())
    }

    /// A part of `content_type` (a JSON value). A content type that would break the part's
    /// header (a line break, a non-ASCII character) is sent as `application/octet-stream`.
    pub fn new(name: &str, content_type: Option<&str>, bytes: impl Into<Bytes>) -> Self {
        let name = quoted(name);
        let content_type = content_type.map(|c| {
            if c.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
                c.to_owned()
            } else {
                "application/octet-stream".to_owned()
            }
        });
        Self {
            name,
            file_name: None,
            content_type,
            bytes: bytes.into(),
        }
    }

    /// A file's part: `file_name`, or the field's name when the caller gave none (a server
    /// takes a part as a file only when it names one; RFC 7578 4.2).
    pub fn file(
        name: &str,
        content_type: &str,
        file_name: Option<&str>,
        bytes: impl Into<Bytes>,
    ) -> Self {
        Self {
            file_name: Some(quoted(file_name.unwrap_or(name))),
            ..Self::new(name, Some(content_type), bytes)
        }
    }

    fn contains(&self, boundary: &[u8]) -> bool {
        let has = |haystack: &[u8]| haystack.windows(boundary.len()).any(|w| w == boundary);
        has(self.name.as_bytes())
            || self.file_name.as_deref().is_some_and(|f| has(f.as_bytes()))
            || self
                .content_type
                .as_deref()
                .is_some_and(|c| has(c.as_bytes()))
            || has(&self.bytes)
    }
}

impl fmt::Debug for FormPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Parts may carry secrets: show the size only.
        f.debug_struct("FormPart")
            .field("name", &self.name)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{FormPart, RequestBody};

    fn boundary(body: &RequestBody) -> String {
        let content_type = body.content_type().to_str().expect("ASCII");
        content_type
            .strip_prefix("multipart/form-data; boundary=")
            .expect("multipart")
            .to_owned()
    }

    /// The bytes between the boundary lines: each part's header and content.
    fn parts(body: &RequestBody) -> Vec<Vec<u8>> {
        let delimiter = format!("\r\n--{}", boundary(body)).into_bytes();
        let mut bytes = b"\r\n".to_vec();
        bytes.extend_from_slice(body.bytes());
        let mut found = Vec::new();
        let mut rest = &bytes[..];
        while let Some(at) = rest.windows(delimiter.len()).position(|w| w == delimiter) {
            found.push(rest[..at].to_vec());
            rest = &rest[at + delimiter.len()..];
        }
        assert_eq!(rest, b"--\r\n", "closed by the final delimiter");
        found.remove(0); // before the first delimiter: nothing
        found
    }

    #[test]
    fn parts_are_written_with_their_headers_and_exact_bytes() {
        let body = RequestBody::multipart_parts([
            FormPart::text("name", "Ann"),
            FormPart::new("point", Some("application/json"), br#"{"x":1}"#.to_vec()),
            FormPart::file(
                "file",
                "application/octet-stream",
                Some("scan \"1\".pdf"),
                vec![0, 255, 13, 10],
            ),
            FormPart::file("picture", "image/png", None, vec![1]),
            FormPart::text("tag", "a"),
            FormPart::text("tag", "b"),
        ]);
        assert_eq!(
            body.content_type(),
            "multipart/form-data; boundary=jtl-erp-client-boundary"
        );
        let expected: &[u8] = b"--jtl-erp-client-boundary\r\n\
content-disposition: form-data; name=\"name\"\r\n\r\nAnn\r\n\
--jtl-erp-client-boundary\r\n\
content-disposition: form-data; name=\"point\"\r\ncontent-type: application/json\r\n\r\n{\"x\":1}\r\n\
--jtl-erp-client-boundary\r\n\
content-disposition: form-data; name=\"file\"; filename=\"scan %221%22.pdf\"\r\ncontent-type: application/octet-stream\r\n\r\n\x00\xff\r\n\r\n\
--jtl-erp-client-boundary\r\n\
content-disposition: form-data; name=\"picture\"; filename=\"picture\"\r\ncontent-type: image/png\r\n\r\n\x01\r\n\
--jtl-erp-client-boundary\r\n\
content-disposition: form-data; name=\"tag\"\r\n\r\na\r\n\
--jtl-erp-client-boundary\r\n\
content-disposition: form-data; name=\"tag\"\r\n\r\nb\r\n\
--jtl-erp-client-boundary--\r\n";
        assert_eq!(body.bytes().as_ref(), expected);
        assert_eq!(parts(&body).len(), 6);
    }

    #[test]
    fn the_boundary_occurs_in_no_part_text_or_binary() {
        let boundary_bytes = b"jtl-erp-client-boundary".to_vec();
        let mut binary = vec![0xff, 0x00];
        binary.extend_from_slice(&boundary_bytes);
        binary.extend_from_slice(b"x\r\n--jtl-erp-client-boundaryxx--");
        let text = "--jtl-erp-client-boundaryxxx\r\n";
        let body = RequestBody::multipart_parts([
            FormPart::new("file", Some("application/octet-stream"), binary.clone()),
            FormPart::text("note", text),
            FormPart::text("jtl-erp-client-boundaryxxxx", "named"),
            FormPart::file(
                "f",
                "text/plain",
                Some("jtl-erp-client-boundaryxxxxx.txt"),
                b"x".to_vec(),
            ),
        ]);
        let chosen = boundary(&body);
        assert_eq!(chosen, "jtl-erp-client-boundaryxxxxxx");
        let contents = parts(&body);
        assert_eq!(contents.len(), 4, "no part is cut by the boundary");
        for (part, content) in contents.iter().zip([binary, text.as_bytes().to_vec()]) {
            assert!(part.ends_with(&content), "the part's bytes are whole");
        }
        assert!(
            !binary_contains(&contents.concat(), chosen.as_bytes()),
            "the boundary is inside no part"
        );
    }

    fn binary_contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn names_and_content_types_cannot_break_a_part_header() {
        let body = RequestBody::multipart_parts([FormPart::new(
            "a\"b\r\nc",
            Some("text/plain\r\nx-evil: 1"),
            b"v".to_vec(),
        )]);
        let text = String::from_utf8(body.bytes().to_vec()).expect("text");
        assert!(
            text.contains("name=\"a%22b%0D%0Ac\"\r\ncontent-type: application/octet-stream\r\n"),
            "{text}"
        );
        assert!(!text.contains("x-evil"));
    }

    #[test]
    fn text_fields_are_parts_without_a_content_type() {
        let body = RequestBody::multipart([("refreshToken", "s3cret")]);
        assert_eq!(
            body.bytes().as_ref(),
            b"--jtl-erp-client-boundary\r\ncontent-disposition: form-data; name=\"refreshToken\"\r\n\r\ns3cret\r\n--jtl-erp-client-boundary--\r\n"
        );
        assert!(!format!("{:?}", FormPart::text("t", "s3cret")).contains("s3cret"));
    }

    #[test]
    fn form_fields_are_percent_encoded_pairs_in_order() {
        let body = RequestBody::form([("k", "a b&c"), ("k", "ä"), ("x[y]", "1")]);
        assert_eq!(body.content_type(), "application/x-www-form-urlencoded");
        assert_eq!(body.bytes().as_ref(), b"k=a+b%26c&k=%C3%A4&x%5By%5D=1");
    }
}
