//! The generator: regeneration fresh and deterministic, the runtime contract, bad input, the
//! output of each construct (snapshots), generated crates that compile, mutated documents.

mod compile;
mod contract;
mod errors;
mod output;
mod regen;
mod snapshots;
