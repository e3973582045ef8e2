//! The Cloud App manifest: a manifest shaped like the vendor's demo (written here from the fields
//! the vendor documents) reads, round-trips equal as JSON, unknown members included, and
//! validates; every check reports at its JSON pointer and never blocks reading.

use jtl_erp_client::runtime::manifest::{Manifest, ManifestProblemKind};
use jtl_erp_client::runtime::scopes::Scope;
use jtl_erp_client::runtime::serde_json::{self, Value, json};
use proptest::prelude::*;

const DEMO: &str = include_str!("fixtures/demo-manifest.json");

fn demo_value() -> Value {
    serde_json::from_str(DEMO).expect("the fixture is JSON")
}

#[test]
fn the_demo_manifest_reads_every_field_and_round_trips_equal_as_json() {
    let manifest = Manifest::from_json(DEMO).expect("reads");

    assert_eq!(manifest.declared_scopes(), ["productRead", "productDelete"]);
    assert_eq!(manifest.manifest_version.as_deref(), Some("1.0.0"));
    assert_eq!(
        manifest.name.as_ref().and_then(|n| n.full.as_deref()),
        Some("Stock Glance for JTL-Wawi")
    );
    assert_eq!(manifest.default_locale.as_deref(), Some("de-DE"));
    let locales = manifest.locales.as_ref().expect("locales");
    assert_eq!(locales["en-GB"]["pane.title"], json!("Stock glance"));
    assert_eq!(
        manifest
            .lifecycle
            .as_ref()
            .and_then(|l| l.disconnect_url.as_deref()),
        Some("https://stock-glance.example.com/disconnect")
    );
    assert_eq!(
        manifest
            .legal
            .as_ref()
            .and_then(|l| l.terms_of_use_url.as_deref()),
        Some("https://stock-glance.example.com/terms")
    );
    assert_eq!(
        manifest
            .requirements
            .as_ref()
            .and_then(|r| r.min_cloud_api_version.as_deref()),
        Some("1.0.0")
    );
    let capabilities = manifest.capabilities.as_ref().expect("capabilities");
    assert_eq!(
        capabilities
            .hub
            .as_ref()
            .and_then(|h| h.app_launcher.as_ref())
            .and_then(|a| a.redirect_url.as_deref()),
        Some("https://stock-glance.example.com/launch")
    );
    let erp = capabilities.erp.as_ref().expect("erp");
    let tab = &erp.tabs.as_ref().expect("tabs")[0];
    assert_eq!(
        (tab.context.as_deref(), tab.features.as_deref()),
        (Some("product"), Some(&[json!("readonly")][..]))
    );
    let pane = &erp.pane.as_ref().expect("pane")[0];
    assert_eq!(
        pane.required_scopes.as_deref(),
        Some(&["productRead".to_owned()][..])
    );
    assert_eq!(
        pane.extra["x-preferredHeight"],
        json!(420),
        "unknown member kept"
    );
    assert_eq!(
        manifest.extra["x-buildInfo"],
        json!({"commit": "5f3a9c1", "flags": [true, null, 3.5], "notes": null})
    );

    assert_eq!(
        serde_json::to_value(&manifest).expect("writes"),
        demo_value()
    );
    let rewritten: Value = serde_json::from_str(&manifest.to_json_pretty()).expect("JSON");
    assert_eq!(rewritten, demo_value());
    assert_eq!(manifest.validate(), [], "the demo has no problem");
}

#[test]
fn every_problem_is_reported_at_its_pointer_and_reading_still_succeeds() {
    let mut value = demo_value();
    let erp = &mut value["capabilities"]["erp"];
    erp["pane"][0]["requiredScopes"] = json!(["productRead", "productWrite", "a b"]);
    erp["pane"]
        .as_array_mut()
        .expect("panes")
        .push(json!({"title": "Local", "url": "http://127.0.0.1:3000/pane"}));
    erp["menuItems"].as_array_mut().expect("items").extend([
        json!({"id": "orders", "url": "http://localhost:8080/orders"}),
        json!({"id": "products", "url": "https://stock-glance.example.com/again"}),
    ]);
    erp["tabs"][0]["url"] = json!("ftp://stock-glance.example.com/tab");
    erp["api"]["scopes"] = json!(["productRead", "productDelete", ""]);
    value["lifecycle"]["setupUrl"] = json!("http://stock-glance.example.com/setup");
    value["lifecycle"]["connectUrl"] = json!("http://[::1]:8443/connect");
    value["lifecycle"]["disconnectUrl"] = json!("/disconnect");
    value["locales"]["en-GB"]["pane.subtitle"] = json!("Low stock first");
    value["locales"]["en-GB"]["a/b~c"] = json!("escaped");

    let manifest: Manifest =
        serde_json::from_value(value.clone()).expect("problems never block reading");
    let problems: Vec<String> = manifest
        .validate()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            r#"/capabilities/erp/api/scopes/2: "" cannot be a scope: it is empty"#,
            "/lifecycle/setupUrl: `http://stock-glance.example.com/setup` must use https (plain http is for localhost only)",
            "/lifecycle/disconnectUrl: `/disconnect` is not an absolute URL: relative URL without a base",
            "/capabilities/erp/menuItems/2/id: menu item id `products` is used already at /capabilities/erp/menuItems/0/id",
            "/capabilities/erp/tabs/0/url: `ftp://stock-glance.example.com/tab` must use https (plain http is for localhost only)",
            "/capabilities/erp/pane/0/requiredScopes/1: scope `productWrite` is not declared in /capabilities/erp/api/scopes",
            r#"/capabilities/erp/pane/0/requiredScopes/2: "a b" cannot be a scope: it contains whitespace (U+0020) at character 1"#,
            "/locales/en-GB/a~1b~0c: key `a/b~c` is missing from the default locale `de-DE`",
            "/locales/en-GB/pane.subtitle: key `pane.subtitle` is missing from the default locale `de-DE`",
        ]
    );
    assert!(matches!(
        &manifest.validate()[5].kind,
        ManifestProblemKind::UndeclaredScope { scope } if scope == "productWrite"
    ));
    assert_eq!(serde_json::to_value(&manifest).expect("writes"), value);

    let mut value = demo_value();
    value["defaultLocale"] = json!("fr-FR");
    let manifest: Manifest = serde_json::from_value(value).expect("reads");
    let problems: Vec<String> = manifest
        .validate()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        ["/defaultLocale: the default locale `fr-FR` is not in /locales"]
    );
}

#[test]
fn nulls_and_members_of_another_shape_are_kept_as_read_and_reported() {
    let mut value = demo_value();
    value["manifestVersion"] = json!(2);
    value["communication"]["guideUrl"] = Value::Null;
    value["capabilities"]["erp"]["menuItems"] = json!({"id": "products"});
    value["capabilities"]["erp"]["api"]["scopes"] = json!(["productRead", 7]);
    value["capabilities"]["erp"]["pane"][0]["title"] = json!({"de-DE": "Lager"});

    let manifest: Manifest = serde_json::from_value(value.clone()).expect("reading never fails");
    assert_eq!(manifest.manifest_version, None);
    assert_eq!(manifest.extra["manifestVersion"], json!(2));
    assert_eq!(serde_json::to_value(&manifest).expect("writes"), value);
    let problems: Vec<String> = manifest
        .validate()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "/manifestVersion: a number that does not have the documented shape; kept as read",
            "/capabilities/erp/menuItems: an object that does not have the documented shape; kept as read",
            "/capabilities/erp/pane/0/title: an object that does not have the documented shape; kept as read",
            "/capabilities/erp/api/scopes: a list that does not have the documented shape; kept as read",
            // With the declared list unreadable, the pane's scope is undeclared.
            "/capabilities/erp/pane/0/requiredScopes/0: scope `productRead` is not declared in /capabilities/erp/api/scopes",
        ],
        "null is no problem: it reads as absent and is written back"
    );

    // Setting a documented member replaces the value kept as read.
    let mut manifest = manifest;
    manifest.manifest_version = Some("1.0.0".into());
    let written = serde_json::to_value(&manifest).expect("writes");
    assert_eq!(written["manifestVersion"], json!("1.0.0"));
    let text = serde_json::to_string(&manifest).expect("writes");
    assert_eq!(text.matches("\"manifestVersion\"").count(), 1, "{text}");
}

#[test]
fn only_text_that_is_no_json_object_is_refused_with_its_position() {
    let error = Manifest::from_json(r#"["manifestVersion"]"#).expect_err("a list");
    assert_eq!(
        error.to_string(),
        "not a Cloud App manifest: invalid type: sequence, expected a map at line 1 column 0"
    );
    let error = Manifest::from_json("{\"version\": \"1\",").expect_err("cut short");
    assert_eq!(
        error.to_string(),
        "not a Cloud App manifest: EOF while parsing a value at line 1 column 16"
    );
}

#[test]
fn scopes_are_declared_into_any_manifest_without_touching_the_rest() {
    let mut manifest = Manifest::default();
    manifest.declare_scopes([Scope::new("productRead").expect("scope")]);
    assert_eq!(
        serde_json::to_value(&manifest).expect("writes"),
        json!({"capabilities": {"erp": {"api": {"scopes": ["productRead"]}}}})
    );
    let mut demo = Manifest::from_json(DEMO).expect("reads");
    demo.declare_scopes([Scope::print("invoices").expect("scope")]);
    let mut expected = demo_value();
    expected["capabilities"]["erp"]["api"]["scopes"] =
        json!(["productRead", "productDelete", "invoices.print"]);
    assert_eq!(serde_json::to_value(&demo).expect("writes"), expected);
}

/// JSON values of any shape, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("\\PC{0,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Members the model does not know, of any shape, at the top, in a nested object and in a
    /// list item, survive a read and a write.
    #[test]
    fn unknown_members_of_any_shape_survive_a_round_trip(
        top in prop::collection::btree_map("x-\\PC{0,8}", any_json(), 0..4),
        nested in prop::collection::btree_map("x-\\PC{0,8}", any_json(), 0..3),
        in_pane in prop::collection::btree_map("x-\\PC{0,8}", any_json(), 0..3),
    ) {
        let mut value = demo_value();
        let object = value.as_object_mut().expect("object");
        object.extend(top);
        value["lifecycle"].as_object_mut().expect("object").extend(nested);
        value["capabilities"]["erp"]["pane"][0].as_object_mut().expect("object").extend(in_pane);
        let manifest: Manifest = serde_json::from_value(value.clone()).expect("reads");
        prop_assert_eq!(serde_json::to_value(&manifest).expect("writes"), value);
    }

    /// Documented members with values of any shape (the right one, another one, `null`), at
    /// the top and inside `capabilities.erp`, read without failing and write back unchanged.
    #[test]
    fn documented_members_of_any_shape_survive_a_round_trip(
        top in prop::collection::btree_map(
            prop::sample::select(&[
                "manifestVersion", "version", "name", "description", "defaultLocale", "locales",
                "icon", "communication", "legal", "lifecycle", "requirements",
            ][..]),
            any_json(),
            0..6,
        ),
        erp in prop::collection::btree_map(
            prop::sample::select(&["headless", "menuItems", "tabs", "pane", "api"][..]),
            any_json(),
            0..4,
        ),
    ) {
        let mut value = demo_value();
        for (key, member) in top {
            value[key] = member;
        }
        for (key, member) in erp {
            value["capabilities"]["erp"][key] = member;
        }
        let manifest: Manifest = serde_json::from_value(value.clone()).expect("reads");
        prop_assert_eq!(serde_json::to_value(&manifest).expect("writes"), value);
        // Checking any shape reports problems; it never panics.
        let _ = manifest.validate();
    }
}
