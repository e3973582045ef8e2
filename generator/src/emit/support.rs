//! Support modules: hand-written Rust in `generator/templates/`, copied into the crate when the
//! documents have the operations it builds on. They are compiled (and linted) as part of the
//! generated crate; edit the template, then `cargo xtask regen`.

use crate::ir::Api;

/// A template and the operations (module, operation id) it calls.
struct Template {
    /// Path in the crate.
    file: &'static str,
    /// The template it is copied from.
    template: &'static str,
    /// The module it declares in `lib.rs` (`None` for binaries).
    module: Option<&'static str>,
    source: &'static str,
    needs: &'static [(&'static str, &'static str)],
    /// The cargo feature the module or binary needs.
    feature: Option<&'static str>,
    /// `[dependencies]` lines of the manifest.
    dependencies: &'static [&'static str],
    /// `[features]` lines of the manifest.
    features: &'static [&'static str],
    /// A `[[bin]]`: (name) for binaries.
    bin: Option<&'static str>,
}

const REGISTRATION_OPERATIONS: &[(&str, &str)] = &[
    ("erp_v1", "RegisterApp"),
    ("erp_v1", "FetchRegistrationStatus"),
    ("erp_v1", "RegisterMultiInstanceApp"),
    ("erp_v1", "GetStatus"),
    ("erp_v2", "RegisterApp"),
    ("erp_v2", "FetchRegistrationStatus"),
    ("erp_v2", "GetStatus"),
    ("erp_v2", "RegisterForeignApp"),
    ("erp_v2", "UpdateForeignApp"),
    ("identity", "RequestToken"),
    ("scx", "RequestAccessToken"),
];

const FAKE_DEPENDENCIES: &[&str] = &[
    "base64 = { version = \"0.22\", optional = true }",
    "http-body-util = { version = \"0.1\", optional = true }",
    "hyper = { version = \"1\", features = [\"http1\", \"server\"], optional = true }",
    "hyper-util = { version = \"0.1\", features = [\"tokio\"], optional = true }",
    "tokio = { version = \"1\", features = [\"macros\", \"net\", \"rt\", \"signal\", \"time\"], optional = true }",
    "url = { version = \"2\", optional = true }",
];

const TEMPLATES: &[Template] = &[
    Template {
        file: "src/registration.rs",
        template: "registration.rs",
        module: Some("registration"),
        source: include_str!("../../templates/registration.rs"),
        needs: REGISTRATION_OPERATIONS,
        feature: None,
        dependencies: &["thiserror = \"2\""],
        features: &[],
        bin: None,
    },
    Template {
        file: "src/fake.rs",
        template: "fake.rs",
        module: Some("fake"),
        source: include_str!("../../templates/fake.rs"),
        needs: REGISTRATION_OPERATIONS,
        feature: Some("fake"),
        dependencies: FAKE_DEPENDENCIES,
        features: &[
            "fake = [\"dep:base64\", \"dep:http-body-util\", \"dep:hyper\", \"dep:hyper-util\", \"dep:tokio\", \"dep:url\"]",
        ],
        bin: None,
    },
    Template {
        file: "src/bin/jtl-erp-fake.rs",
        template: "fake_bin.rs",
        module: None,
        source: include_str!("../../templates/fake_bin.rs"),
        needs: REGISTRATION_OPERATIONS,
        feature: Some("fake"),
        dependencies: &[],
        features: &[],
        bin: Some("jtl-erp-fake"),
    },
];

/// What the chosen templates add to the crate.
#[derive(Default)]
pub struct Support {
    /// (path, text) of each copied file.
    pub files: Vec<(String, String)>,
    /// (module, feature gate) declared in `lib.rs`.
    pub modules: Vec<(&'static str, Option<&'static str>)>,
    /// Manifest `[dependencies]` lines.
    pub dependencies: Vec<&'static str>,
    /// Manifest `[features]` lines.
    pub features: Vec<&'static str>,
    /// Manifest `[[bin]]` sections.
    pub bins: Vec<String>,
}

/// The templates whose operations all exist, with their "copied from" header.
pub fn support(api: &Api) -> Support {
    let mut support = Support::default();
    for t in TEMPLATES.iter().filter(|t| {
        t.needs
            .iter()
            .all(|(module, id)| has_operation(api, module, id))
    }) {
        let text = format!(
            "// copied from generator/templates/{} by `cargo xtask regen`\n{}",
            t.template, t.source
        );
        support.files.push((t.file.to_owned(), text));
        if let Some(module) = t.module {
            support.modules.push((module, t.feature));
        }
        support.dependencies.extend(t.dependencies);
        support.features.extend(t.features);
        if let Some(name) = t.bin {
            let required = t
                .feature
                .map(|f| format!("required-features = [\"{f}\"]\n"))
                .unwrap_or_default();
            support.bins.push(format!(
                "[[bin]]\nname = \"{name}\"\npath = \"{}\"\n{required}",
                t.file
            ));
        }
    }
    support
}

fn has_operation(api: &Api, module: &str, id: &str) -> bool {
    api.modules
        .iter()
        .any(|m| m.name == module && m.operations.iter().any(|o| o.id == id))
}
