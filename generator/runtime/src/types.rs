//! Value types the documents' formats map to: base64 bytes, binary content and secrets.

use std::fmt;

use bytes::Bytes;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Bytes that travel as standard base64 (`format: byte`).
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Base64Bytes(pub Vec<u8>);

impl Base64Bytes {
    /// Decodes standard base64; a `data:<type>;base64,` prefix (as browsers produce) is stripped.
    pub fn from_base64(text: &str) -> Result<Self, base64::DecodeError> {
        let payload = match text.split_once(";base64,") {
            Some((prefix, rest)) if prefix.starts_with("data:") => rest,
            _ => text,
        };
        STANDARD.decode(payload).map(Self)
    }

    /// The standard base64 text of these bytes.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }
}

impl From<Vec<u8>> for Base64Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl fmt::Debug for Base64Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64Bytes({} bytes)", self.0.len())
    }
}

impl Serialize for Base64Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Base64Bytes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a standard base64 string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Base64Bytes::from_base64(v)
                    .map_err(|e| E::custom(format_args!("invalid base64: {e}")))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// The octets of a `format: binary` string: a file's content, which a multipart body sends as
/// a file part, with its file name, byte for byte.
///
/// The part's `Content-Type` is the one given here, else the document's (the first of its
/// `encoding` entry's list, or `application/octet-stream`). Without a file name, the part's
/// `filename` is the property's name: servers (ASP.NET Core's
/// `IFormFile`, Spring's `MultipartFile`) take a part as a file only when it names one, and
/// RFC 7578 (4.2) says a file's part should. Elsewhere the content is a string: JSON carries it
/// as one (content that is not UTF-8 has no JSON text, and writing it is an error), and a form
/// field or a parameter as its UTF-8 text, invalid sequences replaced by U+FFFD (the generator
/// warns where a document puts binary content there).
///
/// ```
/// use jtl_erp_runtime::Binary;
///
/// let scan = Binary::new(vec![0x25, 0x50, 0x44, 0x46, 0xff])
///     .with_file_name("scan.pdf")
///     .with_content_type("application/pdf");
/// assert_eq!(scan.bytes().as_ref(), b"%PDF\xff");
/// assert_eq!(scan.file_name(), Some("scan.pdf"));
/// assert_eq!(
///     format!("{scan:?}"),
///     r#"Binary { len: 5, file_name: Some("scan.pdf"), content_type: Some("application/pdf") }"#
/// );
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Binary {
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl Binary {
    /// The content, without a file name.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Self {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// The file name a multipart part gives for it.
    #[must_use]
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// The media type a multipart part gives for it (`image/jpeg` where the document lists
    /// `image/png, image/jpeg`).
    #[must_use]
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The content.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The file name, if one was given.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The media type, if one was given.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<Bytes> for Binary {
    fn from(bytes: Bytes) -> Self {
        Self::new(bytes)
    }
}

impl From<&'static [u8]> for Binary {
    fn from(bytes: &'static [u8]) -> Self {
        Self::new(bytes)
    }
}

impl From<String> for Binary {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl From<&str> for Binary {
    fn from(text: &str) -> Self {
        Self::new(text.to_owned())
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A file may hold anything a user uploads: show its size only.
        f.debug_struct("Binary")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.bytes) {
            Ok(text) => serializer.serialize_str(text),
            Err(e) => Err(serde::ser::Error::custom(format_args!(
                "binary content of {} bytes is not UTF-8 (at byte {}), so no JSON string holds it",
                self.bytes.len(),
                e.valid_up_to()
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Binary;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string of binary content")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Binary::from(v))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                Ok(Binary::new(v.to_vec()))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// A credential: an API key, an access token, a client secret.
///
/// `Debug` and `Display` never show it; [`Secret::expose`] is the one way to read it, so that
/// every place that does is easy to find.
#[derive(Clone)]
pub struct Secret(secrecy::SecretString);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(secrecy::SecretString::from(value.into()))
    }

    /// The credential itself.
    pub fn expose(&self) -> &str {
        use secrecy::ExposeSecret as _;
        self.0.expose_secret()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// Secrets go on the wire as plain strings: that is what they are for.
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::Binary;
    use crate::codegen::QueryValue as _;

    #[test]
    fn binary_content_is_a_json_string_and_its_text_elsewhere() {
        let text = Binary::from("a \"quoted\" é").with_file_name("notes.txt");
        assert_eq!(
            serde_json::to_string(&text).expect("UTF-8 is a JSON string"),
            r#""a \"quoted\" é""#
        );
        let read: Binary = serde_json::from_str(r#""a \"quoted\" é""#).expect("a string");
        assert_eq!(read.bytes().as_ref(), "a \"quoted\" é".as_bytes());
        assert_eq!(read.file_name(), None, "JSON carries no file name");

        let pdf = Binary::from(b"%PDF\xff".to_vec());
        let error = serde_json::to_string(&pdf).expect_err("no JSON string holds 0xff");
        assert_eq!(
            error.to_string(),
            "binary content of 5 bytes is not UTF-8 (at byte 4), so no JSON string holds it"
        );
        assert_eq!(pdf.query_text(), "%PDF\u{fffd}");
        assert!(
            serde_json::from_str::<Binary>("[1, 2]").is_err(),
            "not a string"
        );
    }
}
