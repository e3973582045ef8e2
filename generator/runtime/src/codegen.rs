//! What generated code needs and users do not: the send path, bodies, query strings, path
//! encoding, decoding into the operation's result, and the plumbing of the generated models,
//! enums and request builders (`codegen/model.rs`, `codegen/enums.rs`, `codegen/request.rs`). Hidden from the documentation; the
//! generator names every item it uses from here in one place (`generator/src/emit/runtime.rs`),
//! and `tests/generator/contract.rs` checks that each of them exists.

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

mod enums;
mod model;
mod request;

pub use crate::{
    __codegen_int_enum as int_enum, __codegen_model as model, __codegen_request as request,
    __codegen_str_enum as str_enum,
};
pub use enums::{deserialize_int_enum, deserialize_str_enum};
pub use model::{Fields, Model, StructWriter, count, deserialize_model};

pub use crate::transport::body::{FormPart, RequestBody};
use crate::transport::client::Transport;
use crate::transport::error::{Error, ErrorKind};
use crate::transport::operation::Operation;
pub use crate::transport::query::{Query, QueryValue};
use crate::transport::response::{RawResponse, ResponseValue};
use crate::wire::{Wire, WireSerialize};

/// What [`ClientBuilder::build`](crate::ClientBuilder::build) builds: the runtime's
/// [`Transport`] itself, or a generated API client wrapping the one built for its document. Not a
/// `From` conversion on purpose: a client built for one document's base URL and context never
/// silently becomes another document's client.
pub trait ApiClient {
    /// Wraps the client its builder just built.
    fn from_built(client: Transport) -> Self;
}

impl ApiClient for Transport {
    fn from_built(client: Transport) -> Self {
        client
    }
}

/// A boxed future that can be sent to another thread.
pub type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'static>>;

/// What a call of `R` gives.
pub type Outcome<R> = Result<ResponseValue<<R as Request>::Output>, Error<<R as Request>::Error>>;

/// What [`Request::prepare`] gives.
pub type Prepare<R> = Result<Prepared, Error<<R as Request>::Error>>;

/// How `R`'s answer is read: one of the decoders below ([`json`], [`empty`], …) or the
/// generated match on the status of an operation with several success bodies.
pub type Decoder<R> = fn(RawResponse, &'static Operation) -> Outcome<R>;

/// A generated request builder: how its operation is encoded and its answer decoded. The
/// asynchronous part, sending, is [`send`], written once here for every operation: a generated
/// crate has no `async` code of its own, so that the compiler proves once, not per operation,
/// that the future of a call is `Send` (for Oxide's nexus, proving it for each operation's own
/// future was a third of the generated crate's build time).
pub trait Request: Sized + Send + 'static {
    /// The value of a success (`T` of `ResponseValue<T>`).
    type Output: Send + 'static;
    /// The error body (`E` of `Error<E>`).
    type Error: Send + 'static;
    /// The operation.
    const OPERATION: &'static Operation;
    /// Reads an answer (a non-success one is the operation's error).
    const DECODE: Decoder<Self>;
    /// The request, encoded: what the operation requires of it checked, its body written, its
    /// path, query and headers expanded; an error of the caller's values stops it here.
    fn prepare(self) -> Prepare<Self>;
}

/// A request ready to send: its client, its expanded and percent-encoded path with its query,
/// its header parameters (context and credential headers are the client's) and its body.
pub struct Prepared {
    client: Transport,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Option<RequestBody>,
}

impl Prepared {
    /// A request of `client`.
    #[inline]
    pub fn new(
        client: Transport,
        path: String,
        headers: Vec<(&'static str, String)>,
        body: Option<RequestBody>,
    ) -> Self {
        Self {
            client,
            path,
            headers,
            body,
        }
    }
}

/// Sends `request` (prepared first, synchronously) and decodes its answer: the `send` and the
/// `IntoFuture` of every generated request builder.
pub fn send<R: Request>(request: R) -> BoxFuture<Outcome<R>> {
    let prepared = request.prepare();
    Box::pin(async move {
        let Prepared {
            client,
            path,
            headers,
            body,
        } = prepared?;
        let response = client.execute(R::OPERATION, &path, &headers, body).await?;
        (R::DECODE)(response, R::OPERATION)
    })
}

/// Characters a path segment keeps; everything else is percent-encoded.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a path parameter so that it stays one segment (`/` and `?` included).
pub fn encode_path_segment(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// A path parameter's list: each item percent-encoded as [`encode_path_segment`] does (a `,`
/// inside an item too), joined by `separator` (`,`; `.` or `;name=` for exploded `label` and
/// `matrix`), which is written as it is.
pub fn encode_path_list<T: QueryValue>(values: &[T], separator: &str) -> String {
    let mut path = String::new();
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            path.push_str(separator);
        }
        path.push_str(&encode_path_segment(&value.query_text()));
    }
    path
}

/// A JSON body written in dialect `D` (the casing of the operation's schema), sent under the
/// media type the document declares (`application/json; charset=utf-8`, `…+json` too).
pub fn json_body<T: WireSerialize<D> + ?Sized, D, E>(
    operation: &'static Operation,
    content_type: &'static str,
    value: &T,
) -> Result<RequestBody, Error<E>> {
    encoded_json(operation, content_type, &Wire::<T, D>::new(value))
}

/// A JSON body of a type that is no concept (a list of scalars, an enum, a JSON value), written
/// by its own serde implementation, under the declared media type.
pub fn serde_json_body<T: Serialize + ?Sized, E>(
    operation: &'static Operation,
    content_type: &'static str,
    value: &T,
) -> Result<RequestBody, Error<E>> {
    encoded_json(operation, content_type, value)
}

/// The JSON text of a form field's value or a multipart part's (a concept through `Wire`).
pub fn json_text<T: Serialize + ?Sized, E>(
    operation: &'static Operation,
    value: &T,
) -> Result<String, Error<E>> {
    serde_json::to_string(value).map_err(|e| {
        Error::new(
            operation.id,
            ErrorKind::InvalidRequest {
                reason: e.to_string(),
            },
        )
    })
}

fn encoded_json<T: Serialize + ?Sized, E>(
    operation: &'static Operation,
    content_type: &'static str,
    value: &T,
) -> Result<RequestBody, Error<E>> {
    let bytes = serde_json::to_vec(value).map_err(|e| {
        Error::new(
            operation.id,
            ErrorKind::InvalidRequest {
                reason: e.to_string(),
            },
        )
    })?;
    Ok(if content_type == "application/json" {
        RequestBody::json(bytes)
    } else {
        RequestBody::raw(content_type, bytes)
    })
}

/// A property the operation's schema requires is `None` (named by its path in the body).
pub fn missing_property<E>(operation: &'static Operation, path: &str) -> Error<E> {
    let reason = format!("property `{path}` is required by this operation");
    Error::new(operation.id, ErrorKind::InvalidRequest { reason })
}

// The decoders below take any answer: a non-success one is the operation's error
// ([`api_error`]), so that a generated method ends in one call.

/// Decodes a JSON success body.
pub fn json<T: DeserializeOwned, E: DeserializeOwned>(
    response: RawResponse,
    operation: &'static Operation,
) -> Result<ResponseValue<T>, Error<E>> {
    success(response, operation)?.json(operation)
}

/// A JSON body, or `None` for an answer without body (e.g. 204 next to 201).
pub fn json_or_empty<T: DeserializeOwned, E: DeserializeOwned>(
    response: RawResponse,
    operation: &'static Operation,
) -> Result<ResponseValue<Option<T>>, Error<E>> {
    success(response, operation)?.json_or_empty(operation)
}

/// A success body as raw bytes.
pub fn bytes<E: DeserializeOwned>(
    response: RawResponse,
    operation: &'static Operation,
) -> Result<ResponseValue<Bytes>, Error<E>> {
    success(response, operation)?.into_bytes()
}

/// A success body as UTF-8 text.
pub fn text<E: DeserializeOwned>(
    response: RawResponse,
    operation: &'static Operation,
) -> Result<ResponseValue<String>, Error<E>> {
    success(response, operation)?.into_text(operation)
}

/// A success without a body the client reads.
pub fn empty<E: DeserializeOwned>(
    response: RawResponse,
    operation: &'static Operation,
) -> Result<ResponseValue<()>, Error<E>> {
    success(response, operation)?.empty()
}

/// The answer when it is a success, else the operation's error.
fn success<E: DeserializeOwned>(
    response: RawResponse,
    operation: &'static Operation,
) -> Result<RawResponse, Error<E>> {
    if response.status().is_success() {
        Ok(response)
    } else {
        Err(api_error(response, operation))
    }
}

/// A non-success answer as [`ErrorKind::Api`], its body read as `E` where it can be.
pub fn api_error<E: DeserializeOwned>(
    response: RawResponse,
    operation: &'static Operation,
) -> Error<E> {
    response.into_error(operation)
}
