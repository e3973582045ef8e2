//! Interceptors: the user's own code around every request.
//!
//! Hooks run in the order they were added, for every attempt of every operation.
//!
//! | hook | runs | sees | an error |
//! |---|---|---|---|
//! | [`Hook::before_send`] | after the context headers and credentials were set, right before the request goes out | the whole request (may change it) and the operation | aborts the call with [`crate::Error::Hook`]; nothing is sent |
//! | [`Hook::after_receive`] | after the response body was read, before it is decoded | status, headers, body and the operation | aborts the call with [`crate::Error::Hook`] |

use std::fmt;

use crate::auth::BoxFuture;
use crate::operation::Operation;
use crate::response::RawResponse;

/// Why a hook stopped a call.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HookError(pub String);

/// A user interceptor. Both methods default to doing nothing.
pub trait Hook: Send + Sync + fmt::Debug {
    /// Runs before each attempt is sent; may modify the request (sign it, add a header).
    fn before_send<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), HookError>> {
        let _ = (request, operation);
        Box::pin(async { Ok(()) })
    }

    /// Runs after each response was read in full.
    fn after_receive<'a>(
        &'a self,
        response: &'a RawResponse,
        operation: &'a Operation,
    ) -> BoxFuture<'a, Result<(), HookError>> {
        let _ = (response, operation);
        Box::pin(async { Ok(()) })
    }
}
