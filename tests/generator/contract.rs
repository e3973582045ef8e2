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

/// The runtime README's promise: public error enums and policy structs are `#[non_exhaustive]`,
/// so that a new variant or setting is additive for the crates that match on them. Read from
/// the sources of the runtime and the hand-written client modules with syn.
#[test]
fn public_error_enums_and_policy_structs_are_non_exhaustive() {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("a source directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    fn walk(items: &[syn::Item], file: &str, checked: &mut usize, open: &mut Vec<String>) {
        let non_exhaustive =
            |attrs: &[syn::Attribute]| attrs.iter().any(|a| a.path().is_ident("non_exhaustive"));
        for item in items {
            let (name, attrs) = match item {
                syn::Item::Enum(e)
                    if matches!(e.vis, syn::Visibility::Public(_))
                        && e.ident.to_string().ends_with("Error") =>
                {
                    (e.ident.to_string(), &e.attrs)
                }
                syn::Item::Struct(s)
                    if matches!(s.vis, syn::Visibility::Public(_))
                        && s.ident.to_string().ends_with("Policy") =>
                {
                    (s.ident.to_string(), &s.attrs)
                }
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        walk(inner, file, checked, open);
                    }
                    continue;
                }
                _ => continue,
            };
            *checked += 1;
            if !non_exhaustive(attrs) {
                open.push(format!("{name} ({file})"));
            }
        }
    }
    let root = jtl_erp_tests::repo_root();
    let mut sources = Vec::new();
    for dir in ["generator/runtime/src", "generator/inlineable"] {
        files(&root.join(dir), &mut sources);
    }
    let (mut checked, mut open) = (0, Vec::new());
    for path in &sources {
        let text = std::fs::read_to_string(path).expect("a source file");
        let file = syn::parse_file(&text).expect("the source parses");
        let shown = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        walk(&file.items, &shown, &mut checked, &mut open);
    }
    // AuthError, EnvError, SignatureError, KeysError, SessionTokenError, WawiSessionError, …
    assert!(
        checked >= 10,
        "only {checked} error enums and policies found"
    );
    assert!(open.is_empty(), "not #[non_exhaustive]: {open:?}");
}
