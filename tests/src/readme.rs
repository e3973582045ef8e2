//! The README's Rust blocks, compiled (and run) as doctests of this crate by `cargo test
//! --workspace`, so that an integrator's first five minutes never meet code that stopped
//! compiling. Each block is a function the doctest defines and does not call: no network.

#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
