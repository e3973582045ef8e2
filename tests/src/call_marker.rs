//! Pairs each request with the call that made it, through a channel of the tests' own, apart
//! from the client's context machinery: a task-local call number that [`MarkCall`] copies into
//! an `x-test-call` header. Tenant-isolation tests assert every request against its call.

use jtl_erp_runtime::Operation;
use jtl_erp_runtime::auth::BoxFuture;
use jtl_erp_runtime::hooks::{Hook, HookError};
use jtl_erp_runtime::reqwest::{self, header::HeaderValue};

/// The header the call number travels in.
pub const HEADER: &str = "x-test-call";

tokio::task_local! {
    /// The number of the call the current task is making (or serving).
    pub static CALL: usize;
}

/// Copies [`CALL`] into [`HEADER`]; a request sent outside a marked call is refused, so that an
/// unmarked request cannot go unnoticed.
#[derive(Debug)]
pub struct MarkCall;

impl Hook for MarkCall {
    fn before_send<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _: &'a Operation,
    ) -> BoxFuture<'a, Result<(), HookError>> {
        let marked = CALL
            .try_with(|call| {
                request
                    .headers_mut()
                    .insert(HEADER, HeaderValue::from(*call));
            })
            .map_err(|_| HookError::new("a request outside a marked call"));
        Box::pin(async move { marked })
    }
}
