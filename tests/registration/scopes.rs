//! Scopes as the platform writes them: exact strings kept, only unsendable ones refused, lints
//! queryable, grants compared as the server wrote them, run-as.

use jtl_erp_client::runtime::http::Method;
use jtl_erp_client::runtime::scopes::{
    GrantedScopes, Permission, RUN_AS, RequestedScopes, Scope, ScopeErrorKind, ScopeLint,
};
use jtl_erp_client::runtime::serde_json;

/// The scope strings of real integrations, the vendor's guide and its demo manifest.
pub const REAL_SCOPES: [&str; 9] = [
    "all.read",
    "customer.createcustomer",
    "salesorder.createsalesorder",
    "item.updateitem",
    "Application.RunAs",
    "cusomters.read",
    "productRead",
    "productDelete",
    "invoices.print",
];

fn unknown(action: &str) -> Vec<ScopeLint> {
    vec![ScopeLint::UnknownPermission {
        action: action.to_owned(),
    }]
}

/// A scope string with its expected area, action, permission and lints.
type Row = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<Permission>,
    Vec<ScopeLint>,
);

#[test]
fn real_scope_strings_parse_and_keep_their_exact_string() {
    let table: [Row; 9] = [
        (
            "all.read",
            Some("all"),
            Some("read"),
            Some(Permission::Read),
            vec![],
        ),
        (
            "customer.createcustomer",
            Some("customer"),
            Some("createcustomer"),
            None,
            unknown("createcustomer"),
        ),
        (
            "salesorder.createsalesorder",
            Some("salesorder"),
            Some("createsalesorder"),
            None,
            unknown("createsalesorder"),
        ),
        (
            "item.updateitem",
            Some("item"),
            Some("updateitem"),
            None,
            unknown("updateitem"),
        ),
        (
            "Application.RunAs",
            Some("Application"),
            Some("RunAs"),
            None,
            vec![],
        ),
        (
            "cusomters.read",
            Some("cusomters"),
            Some("read"),
            Some(Permission::Read),
            vec![],
        ),
        ("productRead", None, None, None, vec![ScopeLint::Undotted]),
        ("productDelete", None, None, None, vec![ScopeLint::Undotted]),
        (
            "invoices.print",
            Some("invoices"),
            Some("print"),
            Some(Permission::Print),
            vec![],
        ),
    ];
    assert_eq!(table.each_ref().map(|row| row.0), REAL_SCOPES);
    for (text, area, action, permission, lints) in table {
        let scope: Scope = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(scope.as_str(), text);
        assert_eq!(scope.to_string(), text);
        assert_eq!(
            (scope.area(), scope.action(), scope.permission()),
            (area, action, permission),
            "{text}"
        );
        assert_eq!(scope.lints(), lints, "{text}");
        assert_eq!(scope.is_run_as(), text == RUN_AS);
        let json = serde_json::to_string(&scope).expect("serializes");
        assert_eq!(json, format!("\"{text}\""));
        assert_eq!(
            serde_json::from_str::<Scope>(&json).expect("deserializes"),
            scope
        );
    }
}

#[test]
fn lints_cover_case_empty_parts_and_dotted_areas_and_never_refuse() {
    for (text, area, lints) in [
        ("items.READ", Some("items"), unknown("READ")),
        ("items.Read", Some("items"), unknown("Read")),
        (".read", Some(""), vec![ScopeLint::EmptyPart]),
        ("items.", Some("items"), vec![ScopeLint::EmptyPart]),
        ("my-resource.v2.read", Some("my-resource.v2"), vec![]),
        ("items.delete", Some("items"), unknown("delete")),
        ("Ärtikel.löschen", Some("Ärtikel"), unknown("löschen")),
        // Zero-width space is neither whitespace nor a control character: the platform decides.
        ("items\u{200B}.read", Some("items\u{200B}"), vec![]),
    ] {
        let scope = Scope::new(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!((scope.area(), scope.lints()), (area, lints), "{text}");
        assert_eq!(scope.as_str(), text);
    }
    assert_eq!(
        Scope::new("productRead").expect("scope").lints()[0].to_string(),
        "no `.` between area and action (an opaque or legacy name)"
    );
    assert_eq!(
        Scope::new("item.updateitem").expect("scope").lints()[0].to_string(),
        "`updateitem` is not a permission word of the guides (read, write, print)"
    );
    // `items.READ` reads no permission: the guides' words are spelled exactly.
    assert_eq!(Scope::new("items.READ").expect("scope").permission(), None);
}

#[test]
fn only_what_cannot_be_sent_is_refused_with_the_reason() {
    for (text, kind, message) in [
        (
            "",
            ScopeErrorKind::Empty,
            r#""" cannot be a scope: it is empty"#,
        ),
        (
            "items .read",
            ScopeErrorKind::Whitespace {
                character: ' ',
                position: 5,
            },
            r#""items .read" cannot be a scope: it contains whitespace (U+0020) at character 5"#,
        ),
        (
            "ä\u{A0}x",
            ScopeErrorKind::Whitespace {
                character: '\u{A0}',
                position: 1,
            },
            r#""ä\u{a0}x" cannot be a scope: it contains whitespace (U+00A0) at character 1"#,
        ),
        (
            "items.read\n",
            ScopeErrorKind::Whitespace {
                character: '\n',
                position: 10,
            },
            r#""items.read\n" cannot be a scope: it contains whitespace (U+000A) at character 10"#,
        ),
        (
            "items\u{7}.read",
            ScopeErrorKind::Control {
                character: '\u{7}',
                position: 5,
            },
            r#""items\u{7}.read" cannot be a scope: it contains a control character (U+0007) at character 5"#,
        ),
    ] {
        let error = Scope::new(text).expect_err(text);
        assert_eq!((error.input(), error.kind()), (text, kind));
        assert_eq!(error.to_string(), message);
    }
    assert!(serde_json::from_str::<Scope>(r#""a b""#).is_err());
}

#[test]
fn typed_helpers_build_read_write_print_and_run_as() {
    let built = [
        Scope::read("items").expect("read"),
        Scope::write("items").expect("write"),
        Scope::print("invoices").expect("print"),
        Scope::with_permission("salesorder", Permission::Write).expect("write"),
        Scope::run_as(),
    ];
    let texts: Vec<&str> = built.iter().map(Scope::as_str).collect();
    assert_eq!(
        texts,
        [
            "items.read",
            "items.write",
            "invoices.print",
            "salesorder.write",
            "Application.RunAs"
        ]
    );
    assert_eq!(
        Scope::read("it ems").expect_err("space").to_string(),
        r#""it ems.read" cannot be a scope: it contains whitespace (U+0020) at character 2"#
    );
    assert_eq!(Permission::for_method(&Method::PATCH), Permission::Write);
    assert_eq!(Permission::for_method(&Method::DELETE), Permission::Write);
    assert_eq!(Permission::for_method(&Method::GET), Permission::Read);
    assert_eq!(Permission::for_method(&Method::HEAD), Permission::Read);
}

#[test]
fn grants_compare_as_the_server_wrote_them() {
    let requested = RequestedScopes::parse(
        ["all.read", "Application.RunAs"],
        ["invoices.print", "productRead", "cusomters.read"],
    )
    .expect("sendable");
    let server = [
        "productRead",
        "all.read",
        "Application.RunAs",
        "some future grant",
        "cusomters.read",
    ];
    let granted = requested.check_granted(server).expect("mandatory granted");
    assert_eq!(
        granted.iter().collect::<Vec<_>>(),
        server,
        "server order, every string"
    );
    assert!(
        granted.contains("some future grant"),
        "a grant the client does not understand is still a grant"
    );
    let missing: Vec<&str> = granted.missing_optional.iter().map(Scope::as_str).collect();
    assert_eq!(missing, ["invoices.print"]);
    assert!(granted.allows_run_as());
    assert!(
        granted
            .require(&Scope::new("all.read").expect("scope"))
            .is_ok()
    );

    // Another case is another string: the server's spelling decides.
    let error = requested
        .check_granted(["All.Read", "application.runas"])
        .expect_err("not the requested strings");
    assert_eq!(
        error.to_string(),
        "mandatory scopes not granted: Application.RunAs, all.read"
    );

    let stored = GrantedScopes::from_grant(["all.read"]);
    assert!(!stored.allows_run_as());
    assert_eq!(
        stored
            .require(&Scope::run_as())
            .expect_err("run-as not granted")
            .to_string(),
        "mandatory scopes not granted: Application.RunAs"
    );

    let errors = RequestedScopes::parse(["all.read", ""], ["a b"]).expect_err("unsendable");
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            r#""" cannot be a scope: it is empty"#,
            r#""a b" cannot be a scope: it contains whitespace (U+0020) at character 1"#
        ]
    );
}

#[test]
fn sets_of_scopes_are_searched_with_their_strings() {
    let granted: std::collections::HashSet<Scope> = ["items.read", "Application.RunAs"]
        .into_iter()
        .map(|s| Scope::new(s).expect("scope"))
        .collect();
    assert!(granted.contains("items.read"));
    assert!(granted.contains("Application.RunAs"));
    assert!(!granted.contains("items.write"));
    assert!(!granted.contains(""));
}
