//! `#[jtl_erp_tests::test]`: every test that waits on the network or on tasks is bounded by a
//! deadline of its own, so that a hang fails in seconds with the test's name instead of holding a
//! CI slot until the job is killed.
//!
//! The attribute arms a watchdog (`jtl_erp_tests::deadline`) as the first statement of the test,
//! so it is disarmed last, after every local (mock servers included) has been dropped. A thread
//! watchdog rather than `tokio::time::timeout`: the hang it exists for (issue 22) spun inside a
//! synchronous `Drop`, where no timer of the test's own runtime can fire.
//!
//! ```text
//! #[jtl_erp_tests::test]                                   // current-thread tokio test, 60 s
//! #[jtl_erp_tests::test(flavor = "multi_thread", worker_threads = 2)]
//! #[jtl_erp_tests::test(deadline = 300)]                   // seconds; Prism needs `npm ci`
//! #[jtl_erp_tests::test] fn plain() { … }                  // a plain `#[test]`, bounded too
//! ```

use proc_macro::TokenStream;
use quote::quote;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{ItemFn, Meta, Token};

/// The deadline of a test that names none, in seconds: about ten times what the slowest client
/// test takes on a 2-core machine whose cores are kept busy by the repeat harness.
const DEFAULT_DEADLINE_SECS: u64 = 60;

/// A test bounded by a deadline; `async fn`s run on tokio (its `flavor`/`worker_threads`
/// arguments pass through), others are plain tests. `deadline = N` sets the bound in seconds.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    match expand(args.into(), item.into()) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}

fn expand(
    args: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> syn::Result<proc_macro2::TokenStream> {
    let mut function: ItemFn = syn::parse2(item)?;
    let mut deadline = DEFAULT_DEADLINE_SECS;
    let mut runtime_args = Vec::new();
    for meta in Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)? {
        match &meta {
            Meta::NameValue(pair) if pair.path.is_ident("deadline") => {
                let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(secs),
                    ..
                }) = &pair.value
                else {
                    return Err(syn::Error::new_spanned(
                        &pair.value,
                        "`deadline` takes a whole number of seconds",
                    ));
                };
                deadline = secs.base10_parse()?;
            }
            _ => runtime_args.push(meta),
        }
    }
    let is_async = function.sig.asyncness.is_some();
    if !is_async && !runtime_args.is_empty() {
        return Err(syn::Error::new_spanned(
            &function.sig,
            "runtime arguments (`flavor`, `worker_threads`) need an `async fn`",
        ));
    }
    let name = &function.sig.ident;
    let arm: syn::Stmt = syn::parse_quote! {
        let _deadline = ::jtl_erp_tests::deadline::Deadline::arm(
            ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#name)),
            ::std::time::Duration::from_secs(#deadline),
        );
    };
    function.block.stmts.insert(0, arm);
    let harness = if is_async {
        quote!(#[::tokio::test(#(#runtime_args),*)])
    } else {
        quote!(#[::core::prelude::v1::test])
    };
    Ok(quote! {
        #harness
        #function
    })
}
