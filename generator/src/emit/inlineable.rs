//! Inlineable modules: hand-written Rust whose one home is `generator/inlineable/`, compiled as
//! modules of the generated crate. The crate's `lib.rs` declares each with a `#[path]` into that
//! folder (or, for a crate that must stand alone, the files are copied into it:
//! [`Inlineable::Copied`]).
//!
//! What a module calls is declared in its own file, in `// needs:` lines read here, and a test
//! compiles a crate of exactly the declared operations (tests/generator/inlineable.rs), so the
//! declaration cannot lie. A module is declared only where the documents have every operation it
//! needs; when they have some but not all (an operation was renamed or removed), it is left out
//! with an `inlineable-left-out` warning naming what is missing, never silently.

use super::manifest::{Bin, Dependency, Feature, Manifest};
use crate::Inlineable;
use crate::diagnostics::{Diagnostic, Kind, Location, Severity, Sink};
use crate::ir::Api;

/// A hand-written module and what the generated crate's manifest needs for it.
struct Module {
    /// The module's name in the crate root.
    name: &'static str,
    /// Its files: (path in `generator/inlineable/`, text); the first declares the module and
    /// what it needs.
    files: &'static [(&'static str, &'static str)],
    /// The cargo feature the module (and its binary) needs.
    feature: Option<Feature>,
    dependencies: &'static [Dependency],
    /// A `[[bin]]`: its name and its file (one of `files`).
    bin: Option<(&'static str, &'static str)>,
}

/// A file of `generator/inlineable/`: its path there and its text.
macro_rules! file {
    ($path:literal) => {
        ($path, include_str!(concat!("../../inlineable/", $path)))
    };
}

const THISERROR: Dependency = Dependency {
    name: "thiserror",
    version: "2",
    features: &[],
    optional: false,
};

const fn optional(name: &'static str, version: &'static str) -> Dependency {
    Dependency {
        name,
        version,
        features: &[],
        optional: true,
    }
}

/// The fake's Cargo metadata, in this one place: the feature, the optional dependencies it
/// turns on (versions checked against the workspace's by a test of `manifest.rs`), its binary.
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

const FAKE_DEPENDENCIES: &[Dependency] = &[
    THISERROR,
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

const MODULES: &[Module] = &[
    Module {
        name: "registration",
        files: &[file!("registration.rs")],
        feature: None,
        dependencies: &[THISERROR],
        bin: None,
    },
    Module {
        name: "wawi_session",
        files: &[file!("wawi_session.rs")],
        feature: None,
        dependencies: &[THISERROR],
        bin: None,
    },
    Module {
        name: "fake",
        files: &[
            file!("fake/mod.rs"),
            file!("fake/encoding.rs"),
            file!("fake/erp.rs"),
            file!("fake/identity.rs"),
            file!("fake/registration.rs"),
            file!("fake/request.rs"),
            file!("fake/scx.rs"),
            file!("fake/server.rs"),
            file!("fake/session_tokens.rs"),
            file!("bin/jtl-erp-fake.rs"),
        ],
        feature: Some(FAKE),
        dependencies: FAKE_DEPENDENCIES,
        bin: Some(("jtl-erp-fake", "bin/jtl-erp-fake.rs")),
    },
];

/// What the hand-written modules add to the crate.
#[derive(Default)]
pub struct Inlined {
    /// (path, text) of each copied file ([`Inlineable::Copied`] only).
    pub files: Vec<(String, String)>,
    /// The modules declared in `lib.rs`.
    pub modules: Vec<Declared>,
    /// The manifest's dependencies, features and binaries.
    pub manifest: Manifest,
    /// The guide of the crate's front page (`README.md`), when the modules it shows are copied.
    pub front_page: Option<&'static str>,
}

/// A hand-written module declared in `lib.rs`.
pub struct Declared {
    /// Its name.
    pub name: &'static str,
    /// Its feature gate.
    pub feature: Option<&'static str>,
    /// Its `#[path]`, relative to `src/` (`None`: copied into `src/`).
    pub path: Option<String>,
}

/// The guide of the JTL crate's front page (readme.rs): its Rust blocks use the registration
/// flow and the fake, so it goes with them.
const FRONT_PAGE: &str = include_str!("../../inlineable/front-page.md");

/// The modules whose operations all exist; a warning for each module whose operations exist
/// only in part.
pub fn inline(api: &Api, how: &Inlineable, sink: &mut Sink) -> Inlined {
    let mut inlined = Inlined::default();
    for module in MODULES {
        let root = module.files[0].0;
        match fit(api, module) {
            Fit::Holds => {}
            // Documents of another API altogether: nothing of this module applies.
            Fit::Foreign => continue,
            Fit::Lacks(missing) => {
                let binary = module
                    .bin
                    .map(|(name, _)| format!(" (and the `{name}` binary)"))
                    .unwrap_or_default();
                sink.push(Diagnostic::new(
                    Severity::Warning,
                    "generator/inlineable",
                    Location::File,
                    Kind::InlineableLeftOut,
                    format!(
                        "module `{}`{binary} is left out of the crate: the documents lack {}, which {root} needs",
                        module.name,
                        missing.join(", ")
                    ),
                ));
                continue;
            }
        }
        let (path, bin_path) = match how {
            Inlineable::Path(home) => (
                Some(format!("../{home}/{root}")),
                module.bin.map(|(_, file)| format!("{home}/{file}")),
            ),
            Inlineable::Copied => {
                for (file, text) in module.files {
                    inlined.files.push((
                        format!("src/{file}"),
                        format!(
                            "// copied from generator/inlineable/{file} by `cargo xtask regen`\n{text}"
                        ),
                    ));
                }
                (None, module.bin.map(|(_, file)| format!("src/{file}")))
            }
        };
        inlined.modules.push(Declared {
            name: module.name,
            feature: module.feature.map(|f| f.name),
            path,
        });
        inlined.manifest.depend(module.dependencies);
        if let Some(feature) = module.feature
            && !inlined.manifest.features.contains(&feature)
        {
            inlined.manifest.features.push(feature);
        }
        if let (Some((name, _)), Some(path)) = (module.bin, bin_path) {
            inlined.manifest.bins.push(Bin {
                name,
                path,
                required_feature: module.feature.map(|f| f.name),
            });
        }
    }
    let declared = |name: &str| inlined.modules.iter().any(|module| module.name == name);
    if declared("registration") && declared("fake") {
        inlined.front_page = Some(FRONT_PAGE);
    }
    inlined
}

/// The names of the hand-written modules a crate of `api` holds (those whose operations all
/// exist): what the release records, so that a module left out is a change
/// `regen` reports. The rule of [`inline`], without its warnings.
pub fn handwritten_modules(api: &Api) -> Vec<&'static str> {
    MODULES
        .iter()
        .filter(|module| matches!(fit(api, module), Fit::Holds))
        .map(|module| module.name)
        .collect()
}

/// How a module fits the documents.
enum Fit {
    /// Every operation it calls is there: the crate holds it.
    Holds,
    /// Some are missing (`module::OperationId` in code spans): left out, with a warning.
    Lacks(Vec<String>),
    /// None is there: documents of another API, nothing to say.
    Foreign,
}

fn fit(api: &Api, module: &Module) -> Fit {
    let needs = needs(module.files[0].1);
    let missing: Vec<String> = needs
        .iter()
        .filter(|(m, id)| !has_operation(api, m, id))
        .map(|(m, id)| format!("`{m}::{id}`"))
        .collect();
    if missing.len() == needs.len() {
        Fit::Foreign
    } else if missing.is_empty() {
        Fit::Holds
    } else {
        Fit::Lacks(missing)
    }
}

/// The operations a hand-written file declares it calls: `// needs: module::OperationId …`
/// lines, (module, operation id) in order.
fn needs(source: &str) -> Vec<(&str, &str)> {
    source
        .lines()
        .filter_map(|line| line.strip_prefix("// needs:"))
        .flat_map(str::split_whitespace)
        .filter_map(|need| need.split_once("::"))
        .collect()
}

/// Every dependency an inlineable module may add (for the version check).
#[cfg(test)]
pub fn all_dependencies() -> impl Iterator<Item = &'static Dependency> {
    MODULES.iter().flat_map(|m| m.dependencies)
}

fn has_operation(api: &Api, module: &str, id: &str) -> bool {
    api.modules
        .iter()
        .any(|m| m.name == module && m.operations.iter().any(|o| o.id == id))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No document's module takes a hand-written module's name (`normalize::naming`).
    #[test]
    fn every_hand_written_module_name_is_reserved() {
        for module in MODULES {
            assert!(
                crate::normalize::naming::RESERVED_MODULES.contains(&module.name),
                "`{}` is missing from RESERVED_MODULES",
                module.name
            );
        }
    }

    /// Every file of `generator/inlineable/` belongs to a module (so a copied crate has them all),
    /// and every module declares what it needs.
    #[test]
    fn every_hand_written_file_is_listed_and_every_module_declares_its_needs() {
        let home = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inlineable");
        let mut on_disk = Vec::new();
        let mut dirs = vec![home.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("generator/inlineable") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let relative = path.strip_prefix(&home).expect("under home");
                    on_disk.push(relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        on_disk.sort();
        let mut listed: Vec<String> = MODULES
            .iter()
            .flat_map(|m| m.files.iter().map(|(f, _)| (*f).to_owned()))
            .collect();
        listed.sort();
        assert_eq!(listed, on_disk);
        for module in MODULES {
            assert!(
                !needs(module.files[0].1).is_empty(),
                "{} declares no `// needs:` line",
                module.files[0].0
            );
        }
    }
}
