//! `cargo xtask regen --operations … --tags …`: only the selected operations are built, with the
//! models they reach; the selection is recorded in the crate's Cargo.toml, and `--check` (and a
//! plain `regen`) read it back.

use std::collections::BTreeSet;

use jtl_erp_tests::repo_root;

/// The names of the methods of every `impl` block and of the structs and enums of a file.
fn items(path: &std::path::Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let text = std::fs::read_to_string(path).expect("generated file");
    let file = syn::parse_file(&text).expect("generated Rust parses");
    let mut methods = BTreeSet::new();
    let mut types = BTreeSet::new();
    for item in file.items {
        match item {
            // The client's methods (the request builders' are their setters and `send`).
            syn::Item::Impl(block)
                if block.trait_.is_none()
                    && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) =>
            {
                for inner in block.items {
                    if let syn::ImplItem::Fn(f) = inner {
                        methods.insert(f.sig.ident.to_string());
                    }
                }
            }
            syn::Item::Struct(s) => {
                types.insert(s.ident.to_string());
            }
            syn::Item::Enum(e) => {
                types.insert(e.ident.to_string());
            }
            _ => {}
        }
    }
    (methods, types)
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

#[jtl_erp_tests::test(deadline = 600)]
fn a_selection_builds_its_operations_and_the_models_they_reach_and_is_recorded() {
    let root = repo_root();
    let dir = root.join("target/fixtures/select");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("target/fixtures/select");
    let spec = dir.join("synthetic-3.yaml");
    std::fs::write(&spec, jtl_erp_regen::synth::synthetic_document(3)).expect("written");
    let specs = [spec];
    let out = dir.join("client");
    let selection = jtl_erp_generator::Selection {
        operations: vec!["Item_Get".to_owned()],
        tags: vec!["Customer".to_owned()],
    };
    let options = jtl_erp_regen::RegenOptions {
        selection: jtl_erp_regen::SelectionOption::Given(selection.clone()),
        ..jtl_erp_regen::RegenOptions::default()
    };
    jtl_erp_regen::regen_with(&root, &specs, &out, &options).expect("generates");

    let (methods, _) = items(&out.join("src/synthetic.rs"));
    let client = set(&crate::CLIENT_HANDLES);
    let operations: BTreeSet<String> = methods.difference(&client).cloned().collect();
    assert_eq!(
        operations,
        set(&[
            "item_get",
            "query_customers",
            "create",
            "add_items",
            "customer_get",
            "update"
        ])
    );
    let (_, models) = items(&out.join("src/models.rs"));
    assert_eq!(
        models,
        set(&[
            "ErrorResponse",
            "Address",
            "UpdateAddress",
            "Item",
            "Customer",
            "CreateCustomer",
            "UpdateCustomer",
            "CustomerAddresses",
            "UpdateCustomerAddresses",
            "CustomerList",
            "State",
            "SortByParam",
            // What the enums' `Unknown` variants hold.
            "UnknownValue",
        ]),
        "only the models the selected operations reach"
    );

    // Recorded, and read back: --check without flags is fresh, with another selection stale.
    assert_eq!(
        jtl_erp_regen::recorded_selection(&out).expect("recorded"),
        selection
    );
    let check = |selection: jtl_erp_regen::SelectionOption| {
        let options = jtl_erp_regen::RegenOptions {
            check: true,
            selection,
            ..jtl_erp_regen::RegenOptions::default()
        };
        jtl_erp_regen::regen_with(&root, &specs, &out, &options)
            .expect("generates")
            .0
    };
    assert!(matches!(
        check(jtl_erp_regen::SelectionOption::Recorded),
        jtl_erp_regen::Outcome::Fresh { .. }
    ));
    let jtl_erp_regen::Outcome::Stale { report } = check(jtl_erp_regen::SelectionOption::All)
    else {
        panic!("every operation differs from the recorded selection");
    };
    assert!(report.contains("client/Cargo.toml"), "{report}");

    // An unknown name writes nothing and names it.
    let before = std::fs::read_to_string(out.join("Cargo.toml")).expect("manifest");
    let options = jtl_erp_regen::RegenOptions {
        selection: jtl_erp_regen::SelectionOption::Given(jtl_erp_generator::Selection {
            operations: vec!["Item_Gte".to_owned()],
            tags: vec![],
        }),
        ..jtl_erp_regen::RegenOptions::default()
    };
    let error =
        jtl_erp_regen::regen_with(&root, &specs, &out, &options).expect_err("unknown operation");
    let error = format!("{error:#}");
    assert!(
        error.contains("no operation `Item_Gte`") && error.contains("close names: Item_Get"),
        "{error}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("Cargo.toml")).expect("manifest"),
        before
    );

    // The selected crate compiles cleanly.
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).expect("lock file copied");
    let output = jtl_erp_regen::cargo_command(&root)
        .args(["rustc", "--lib", "--quiet", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .args([
            "--config",
            "profile.dev.debug=\"line-tables-only\"",
            "--config",
            "profile.dev.package.\"*\".debug=false",
        ])
        .args(["--", "-D", "warnings"])
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the selected crate does not compile cleanly:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
