//! The plumbing of generated request builders: `Clone`, `Debug` and `IntoFuture` of a builder
//! are one [`request!`](crate::codegen::request) line, and every method of them is `#[inline]`,
//! so that none is compiled in the generated crate unless something there calls it (a
//! non-generic public function is compiled where it is defined; an `#[inline]` one where it is
//! used). `IntoFuture` is [`send`](crate::codegen::send), the one future of every call.

/// `Clone`, `Debug` and `IntoFuture` of a generated request builder:
///
/// ```text
/// request! { QueryItems; client, page_size }
/// ```
///
/// The builder's name (a [`Request`](crate::codegen::Request)), then its fields (all of them:
/// `Debug` shows each; no field holds a secret that its own `Debug` does not redact).
#[doc(hidden)]
#[macro_export]
macro_rules! __codegen_request {
    ($name:ident; $($field:ident),* $(,)?) => {
        impl ::core::clone::Clone for $name {
            #[inline]
            fn clone(&self) -> Self {
                Self { $($field: ::core::clone::Clone::clone(&self.$field)),* }
            }
        }
        impl ::core::fmt::Debug for $name {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(::core::stringify!($name))
                    $(.field(::core::stringify!($field), &self.$field))*
                    .finish()
            }
        }
        impl ::core::future::IntoFuture for $name {
            type Output = $crate::codegen::Outcome<Self>;
            type IntoFuture = $crate::codegen::BoxFuture<Self::Output>;
            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                $crate::codegen::send(self)
            }
        }
    };
}
