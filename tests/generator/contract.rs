//! Generator and runtime agree: every runtime item the generator emits exists, and both read
//! the same context headers.
//!
//! `contract_probe.rs` is what `jtl_erp_generator::runtime_probe()` writes: one `use` of
//! each item of the contract. It is compiled into this test binary, so a runtime item that was
//! renamed or removed fails the build right there, naming the item; a contract that changed
//! without the probe fails `the_probe_names_the_whole_contract` with a diff
//! (`EXPECTORATE=overwrite cargo test -p jtl-erp-tests --test generator contract` updates it).

// Written by `probe()`, not by rustfmt.
#[rustfmt::skip]
#[path = "contract_probe.rs"]
mod contract_probe;

use jtl_erp_generator::ContextKey as GeneratorKey;
use jtl_erp_runtime::{Context, ContextKey};

#[jtl_erp_tests::test(deadline = 600)]
fn the_probe_names_the_whole_contract() {
    expectorate::assert_contents(
        "generator/contract_probe.rs",
        &jtl_erp_generator::runtime_probe(),
    );
}

#[test]
fn generator_and_runtime_know_the_same_context_headers() {
    let runtime: Vec<(String, &[&str])> = ContextKey::ALL
        .iter()
        .map(|k| (format!("{k:?}"), k.header_names()))
        .collect();
    let generator: Vec<(String, &[&str])> = GeneratorKey::ALL
        .iter()
        .map(|k| (format!("{k:?}"), k.header_names()))
        .collect();
    assert_eq!(generator, runtime);
    for key in ContextKey::ALL {
        for header in key.header_names() {
            assert_eq!(
                ContextKey::for_header(&header.to_ascii_uppercase()),
                Some(key)
            );
        }
    }
    assert_eq!(ContextKey::for_header("x-unknown"), None);
}

#[test]
fn every_context_key_has_a_value_on_the_client_context() {
    let context = Context::new()
        .tenant_id(jtl_erp_runtime::uuid::Uuid::nil())
        .app_id("app/1")
        .app_version("1")
        .run_as("7")
        .session_id(jtl_erp_runtime::uuid::Uuid::nil())
        .company_id("3")
        .challenge_code("code");
    for key in ContextKey::ALL {
        assert!(
            context.value(key).is_some(),
            "{key:?} has no setter or value"
        );
    }
}
