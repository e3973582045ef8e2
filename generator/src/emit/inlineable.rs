//! Inlineable modules: hand-written Rust in `generator/inlineable/src/`, a crate of its own that
//! is compiled, linted and tested where it is written, copied into the generated crate when the
//! documents have every operation it calls. When the documents have some of those operations
//! but not all (an operation was renamed or removed), the module is left out with a warning
//! naming what is missing, never silently.

use super::manifest::{Bin, Dependency, Feature, Manifest};
use crate::diagnostics::{Diagnostic, Kind, Location, Severity, Sink};
use crate::ir::Api;

/// A hand-written file and the operations (module, operation id) it calls.
struct Inlineable {
    /// Path in the generated crate, and in `generator/inlineable/`.
    file: &'static str,
    /// The module it declares in `lib.rs` (`None` for binaries).
    module: Option<&'static str>,
    source: &'static str,
    needs: &'static [(&'static str, &'static str)],
    /// The cargo feature the module or binary needs.
    feature: Option<Feature>,
    dependencies: &'static [Dependency],
    /// A `[[bin]]` of this name.
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

const fn optional(name: &'static str, version: &'static str) -> Dependency {
    Dependency {
        name,
        version,
        features: &[],
        optional: true,
    }
}

const FAKE_DEPENDENCIES: &[Dependency] = &[
    optional("base64", "0.22"),
    optional("http-body-util", "0.1"),
    Dependency {
        features: &["http1", "server"],
        ..optional("hyper", "1")
    },
    Dependency {
        features: &["tokio"],
        ..optional("hyper-util", "0.1")
    },
    Dependency {
        features: &["macros", "net", "rt", "signal", "time"],
        ..optional("tokio", "1")
    },
    optional("url", "2"),
];

const FAKE: Feature = Feature {
    name: "fake",
    enables: &[
        "test-util",
        "dep:base64",
        "dep:http-body-util",
        "dep:hyper",
        "dep:hyper-util",
        "dep:tokio",
        "dep:url",
    ],
};

const INLINEABLE: &[Inlineable] = &[
    Inlineable {
        file: "src/registration.rs",
        module: Some("registration"),
        source: include_str!("../../inlineable/src/registration.rs"),
        needs: REGISTRATION_OPERATIONS,
        feature: None,
        dependencies: &[Dependency {
            name: "thiserror",
            version: "2",
            features: &[],
            optional: false,
        }],
        bin: None,
    },
    Inlineable {
        file: "src/wawi_session.rs",
        module: Some("wawi_session"),
        source: include_str!("../../inlineable/src/wawi_session.rs"),
        needs: &[("erp_v2", "Login"), ("erp_v2", "Logout")],
        feature: None,
        dependencies: &[Dependency {
            name: "thiserror",
            version: "2",
            features: &[],
            optional: false,
        }],
        bin: None,
    },
    Inlineable {
        file: "src/fake.rs",
        module: Some("fake"),
        source: include_str!("../../inlineable/src/fake.rs"),
        needs: REGISTRATION_OPERATIONS,
        feature: Some(FAKE),
        dependencies: FAKE_DEPENDENCIES,
        bin: None,
    },
    fake_module(
        "src/fake/encoding.rs",
        include_str!("../../inlineable/src/fake/encoding.rs"),
    ),
    fake_module(
        "src/fake/erp.rs",
        include_str!("../../inlineable/src/fake/erp.rs"),
    ),
    fake_module(
        "src/fake/erp2.rs",
        include_str!("../../inlineable/src/fake/erp2.rs"),
    ),
    fake_module(
        "src/fake/identity.rs",
        include_str!("../../inlineable/src/fake/identity.rs"),
    ),
    fake_module(
        "src/fake/scx.rs",
        include_str!("../../inlineable/src/fake/scx.rs"),
    ),
    fake_module(
        "src/fake/server.rs",
        include_str!("../../inlineable/src/fake/server.rs"),
    ),
    fake_module(
        "src/fake/session.rs",
        include_str!("../../inlineable/src/fake/session.rs"),
    ),
    Inlineable {
        file: "src/bin/jtl-erp-fake.rs",
        module: None,
        source: include_str!("../../inlineable/src/bin/jtl-erp-fake.rs"),
        needs: REGISTRATION_OPERATIONS,
        feature: Some(FAKE),
        dependencies: &[],
        bin: Some("jtl-erp-fake"),
    },
];

/// A submodule of the fake (declared by `fake.rs`, one per API it imitates).
const fn fake_module(file: &'static str, source: &'static str) -> Inlineable {
    Inlineable {
        file,
        module: None,
        source,
        needs: REGISTRATION_OPERATIONS,
        feature: Some(FAKE),
        dependencies: &[],
        bin: None,
    }
}

/// What the copied modules add to the crate.
#[derive(Default)]
pub struct Inlined {
    /// (path, text) of each copied file.
    pub files: Vec<(String, String)>,
    /// (module, feature gate) declared in `lib.rs`.
    pub modules: Vec<(&'static str, Option<&'static str>)>,
    /// The manifest's dependencies, features and binaries.
    pub manifest: Manifest,
    /// The guide of the crate's front page (`README.md`), when the modules it shows are copied.
    pub front_page: Option<&'static str>,
}

/// The guide of the JTL crate's front page (readme.rs): its Rust blocks use the registration
/// flow and the fake, so it goes with them.
const FRONT_PAGE: &str = include_str!("../../inlineable/front-page.md");

/// The modules whose operations all exist, with their "copied from" header; a warning for each
/// module whose operations exist only in part.
pub fn inline(api: &Api, sink: &mut Sink) -> Inlined {
    let mut inlined = Inlined::default();
    for item in INLINEABLE {
        let missing: Vec<String> = item
            .needs
            .iter()
            .filter(|(module, id)| !has_operation(api, module, id))
            .map(|(module, id)| format!("`{module}::{id}`"))
            .collect();
        if missing.len() == item.needs.len() {
            // Documents of another API altogether: nothing of this module applies.
            continue;
        }
        if !missing.is_empty() {
            // A part of a module (a submodule of the fake) goes with its module, whose warning
            // says so once.
            if item.module.is_none() && item.bin.is_none() {
                continue;
            }
            sink.push(Diagnostic::new(
                Severity::Warning,
                "generator/inlineable",
                Location::File,
                Kind::InlineableLeftOut,
                format!(
                    "{} is not copied into the crate: the documents lack {}, which it calls",
                    item.file,
                    missing.join(", ")
                ),
            ));
            continue;
        }
        let text = format!(
            "// copied from generator/inlineable/{} by `cargo xtask regen`\n{}",
            item.file, item.source
        );
        inlined.files.push((item.file.to_owned(), text));
        if let Some(module) = item.module {
            inlined.modules.push((module, item.feature.map(|f| f.name)));
        }
        inlined.manifest.depend(item.dependencies);
        if let Some(feature) = item.feature
            && !inlined.manifest.features.contains(&feature)
        {
            inlined.manifest.features.push(feature);
        }
        if let Some(name) = item.bin {
            inlined.manifest.bins.push(Bin {
                name,
                path: item.file.to_owned(),
                required_feature: item.feature.map(|f| f.name),
            });
        }
    }
    let copied = |name: &str| inlined.modules.iter().any(|(module, _)| *module == name);
    if copied("registration") && copied("fake") {
        inlined.front_page = Some(FRONT_PAGE);
    }
    inlined
}

/// Every dependency an inlineable module may add (for the version check).
#[cfg(test)]
pub fn all_dependencies() -> impl Iterator<Item = &'static Dependency> {
    INLINEABLE.iter().flat_map(|i| i.dependencies)
}

fn has_operation(api: &Api, module: &str, id: &str) -> bool {
    api.modules
        .iter()
        .any(|m| m.name == module && m.operations.iter().any(|o| o.id == id))
}
