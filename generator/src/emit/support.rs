//! Support modules: hand-written Rust in `generator/templates/`, copied into the crate when the
//! documents have the operations it builds on. They are compiled (and linted) as part of the
//! generated crate; edit the template, then `cargo xtask regen`.

use crate::ir::Api;

/// A template and the operations (module, operation id) it calls.
struct Template {
    file: &'static str,
    module: &'static str,
    source: &'static str,
    needs: &'static [(&'static str, &'static str)],
    /// Extra `[dependencies]` lines of the manifest.
    dependencies: &'static [&'static str],
}

const TEMPLATES: &[Template] = &[Template {
    file: "registration.rs",
    module: "registration",
    source: include_str!("../../templates/registration.rs"),
    needs: &[
        ("erp_v1", "RegisterApp"),
        ("erp_v1", "FetchRegistrationStatus"),
        ("erp_v1", "RegisterMultiInstanceApp"),
        ("erp_v2", "RegisterApp"),
        ("erp_v2", "FetchRegistrationStatus"),
    ],
    dependencies: &["thiserror = \"2\""],
}];

/// A support module to add: (file name, module name, text, manifest dependencies).
pub struct Support {
    pub file: String,
    pub module: &'static str,
    pub text: String,
    pub dependencies: &'static [&'static str],
}

/// The templates whose operations all exist, with their "copied from" header.
pub fn support_modules(api: &Api) -> Vec<Support> {
    TEMPLATES
        .iter()
        .filter(|t| {
            t.needs
                .iter()
                .all(|(module, id)| has_operation(api, module, id))
        })
        .map(|t| Support {
            file: format!("src/{}", t.file),
            module: t.module,
            text: format!(
                "// copied from generator/templates/{} by `cargo xtask regen`\n{}",
                t.file, t.source
            ),
            dependencies: t.dependencies,
        })
        .collect()
}

fn has_operation(api: &Api, module: &str, id: &str) -> bool {
    api.modules
        .iter()
        .any(|m| m.name == module && m.operations.iter().any(|o| o.id == id))
}
