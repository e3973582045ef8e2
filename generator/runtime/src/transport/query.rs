//! Query strings of operations: values written as the OpenAPI `form` style expects
//! (arrays repeat the key), percent-encoded.

use std::fmt::Write as _;

/// A value that can stand in a query string.
pub trait QueryValue {
    /// The text of the value.
    fn query_text(&self) -> String;
}

macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn query_text(&self) -> String {
                self.to_string()
            }
        }
    )*};
}

display_query_value!(
    String,
    str,
    bool,
    i32,
    i64,
    u32,
    u64,
    f64,
    uuid::Uuid,
    chrono::NaiveDate
);

impl QueryValue for chrono::DateTime<chrono::FixedOffset> {
    fn query_text(&self) -> String {
        self.to_rfc3339()
    }
}

/// Its UTF-8 text, invalid sequences replaced (U+FFFD): a query, a path or a form field holds
/// text; the generator warns where a document puts binary content there.
impl QueryValue for crate::Binary {
    fn query_text(&self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn query_text(&self) -> String {
        (**self).query_text()
    }
}

/// Builds `?a=1&b=2`.
#[derive(Debug, Default)]
pub struct Query(String);

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name=value`.
    pub fn push<T: QueryValue + ?Sized>(&mut self, name: &str, value: &T) {
        let separator = if self.0.is_empty() { '?' } else { '&' };
        let _ = write!(
            self.0,
            "{separator}{}={}",
            encode(name),
            encode(&value.query_text())
        );
    }

    /// Adds `name=value` when there is a value.
    pub fn push_optional<T: QueryValue + ?Sized>(&mut self, name: &str, value: Option<&T>) {
        if let Some(value) = value {
            self.push(name, value);
        }
    }

    /// Adds `name=value` for each value, when there are values.
    pub fn push_all_optional<T: QueryValue>(&mut self, name: &str, values: Option<&[T]>) {
        if let Some(values) = values {
            self.push_all(name, values);
        }
    }

    /// Adds `name=value` for each value (`form` style, `explode: true`).
    pub fn push_all<T: QueryValue>(&mut self, name: &str, values: &[T]) {
        for value in values {
            self.push(name, value);
        }
    }

    /// The query string, empty or starting with `?`.
    pub fn finish(self) -> String {
        self.0
    }
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
