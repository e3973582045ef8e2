//! Release: what a regeneration means for the crate's users. The API surface of the new crate
//! ([`surface`]) is compared with the previous release's ([`diff`]); the changes decide the
//! version (semver: breaking raises the minor in 0.x, the major from 1.0; additive the patch in
//! 0.x, the minor from 1.0) unless the maintainer gives one, and are recorded at the top of the
//! crate's `CHANGELOG.md`; `api.json` records the new surface for the next regeneration. Pure:
//! the previous release comes in through [`crate::Settings::previous`].

pub mod diff;
pub mod surface;

use std::fmt;

use semver::Version;

use self::diff::{Change, Class};
use self::surface::Surface;
use crate::diagnostics::{Diagnostic, Kind, Location, Severity, Sink};
use crate::ir::Api;
use crate::{Report, Settings};

/// The release a generation replaces: what the crate's users last saw. The generator reads no
/// files; the xtask reads these from the last commit of the output directory, else from disk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreviousRelease {
    /// Where it was read, for messages (`generated/ at HEAD`).
    pub origin: String,
    /// Its package version (`version` of its `Cargo.toml`); `None`: the one its `api.json`
    /// records.
    pub version: Option<String>,
    /// Its `api.json`: the API surface it was released with; `None` for a crate generated
    /// before surfaces were recorded (the regeneration records a first surface).
    pub surface: Option<String>,
    /// Its `CHANGELOG.md`, whose entries the new one keeps below its own.
    pub changelog: Option<String>,
}

/// What a generation changes, compared with [`crate::Settings::previous`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The version replaced; `None` when there was no recorded surface to compare with (the
    /// first recorded surface: no changes, no bump).
    pub previous_version: Option<String>,
    /// The version of the generated crate.
    pub version: String,
    /// Every change of the API: breaking ones first, then additive ones.
    pub changes: Vec<Change>,
    /// The format of the previous surface when it is older than this generator's: the crate is
    /// generated in a new API shape (the changelog entry says which), a breaking release whose
    /// changes are not listed one by one.
    pub reshaped_from: Option<u32>,
}

impl Release {
    /// The class of the whole release: the most severe of its changes, `None` without changes.
    pub fn class(&self) -> Option<Class> {
        if self.reshaped_from.is_some() {
            return Some(Class::Breaking);
        }
        self.changes.iter().map(|c| c.class).max()
    }

    /// How many changes of `class` it has.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }
}

/// The summary `cargo xtask regen` prints: `regen: 0.1.0 → 0.2.0 (breaking): 2 breaking, 3
/// additive` and a line per change, or `regen: no API change (0.1.0)`.
impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let version = &self.version;
        if let (Some(previous), Some(format)) = (&self.previous_version, self.reshaped_from) {
            return write!(
                f,
                "regen: {previous} → {version} (breaking): a new API shape (api.json format \
                 {format} → {}), the surface is recorded anew",
                surface::FORMAT
            );
        }
        match (&self.previous_version, self.class()) {
            (None, _) => write!(f, "regen: first recorded API surface ({version})"),
            (Some(previous), None) if previous == version => {
                write!(f, "regen: no API change ({version})")
            }
            (Some(previous), None) => {
                write!(f, "regen: {previous} → {version} (no API change)")
            }
            (Some(previous), Some(class)) => {
                write!(
                    f,
                    "regen: {previous} → {version} ({class}): {} breaking, {} additive",
                    self.count(Class::Breaking),
                    self.count(Class::Additive)
                )?;
                for change in &self.changes {
                    write!(f, "\n  {}: {}", change.class, change.line)?;
                }
                Ok(())
            }
        }
    }
}

/// The release of `api` and its two files (`api.json`, `CHANGELOG.md`), or an error about the
/// version (`--crate-version` below what the changes need, a version that is not semver).
/// An unreadable previous surface is a warning in `sink`; the crate is then compared with
/// nothing, as a first recorded surface.
pub(crate) fn release(
    api: &Api,
    settings: &Settings,
    sink: &mut Sink,
) -> Result<(Release, String, String), Report> {
    let previous = settings.previous.as_ref();
    let origin = previous.map_or("", |p| p.origin.as_str());
    // A surface of an older format was written for another API shape: nothing compares, and
    // the release is breaking as a whole.
    let reshaped_from = previous
        .and_then(|p| p.surface.as_deref())
        .and_then(surface::format_of)
        .filter(|format| *format < surface::FORMAT);
    let old = previous
        .and_then(|p| p.surface.as_deref())
        .filter(|_| reshaped_from.is_none())
        .and_then(|text| {
            Surface::from_json(text)
                .map_err(|why| {
                    sink.push(Diagnostic::new(
                        Severity::Warning,
                        &format!("api.json of {origin}"),
                        Location::File,
                        Kind::SurfaceUnreadable,
                        format!(
                            "the previous API surface does not read ({why}); nothing is compared, \
                         the surface is recorded anew"
                        ),
                    ));
                })
                .ok()
        });
    let recorded = previous
        .and_then(|p| p.version.clone())
        .or_else(|| old.as_ref().map(|s| s.version.clone()));
    let base = recorded
        .as_deref()
        .map(|text| {
            parse(text).map_err(|why| {
                version_error(
                    &format!("Cargo.toml of {origin}"),
                    format!("the previous version `{text}` is not a semver version ({why})"),
                )
            })
        })
        .transpose()?;
    let mut surface = Surface::of(api, &settings.crate_name, "");
    let changes = old
        .as_ref()
        .map(|old| diff::diff(old, &surface))
        .unwrap_or_default();
    let class = if reshaped_from.is_some() {
        Some(Class::Breaking)
    } else {
        changes.iter().map(|c| c.class).max()
    };
    // The lowest version this release may have: the previous one raised by the class of its
    // changes; anything for a crate that had none.
    let compared = old.is_some() || reshaped_from.is_some();
    let floor = base.as_ref().map(|base| match (compared, class) {
        (true, Some(class)) => bump(base, class),
        _ => base.clone(),
    });
    let version = match (&settings.crate_version, &floor) {
        (None, floor) => floor.clone().unwrap_or_else(|| Version::new(0, 1, 0)),
        (Some(given), floor) => {
            let wanted = parse(given).map_err(|why| {
                version_error(
                    "--crate-version",
                    format!("`{given}` is not a semver version ({why})"),
                )
            })?;
            let core = |v: &Version| (v.major, v.minor, v.patch);
            if let (Some(floor), Some(base)) = (floor, &base)
                && core(&wanted) < core(floor)
            {
                let need = match class {
                    Some(_) if reshaped_from.is_some() => {
                        format!("a new API shape since {base} needs {floor} or higher")
                    }
                    Some(class) if old.is_some() => format!(
                        "{} {class} change(s) since {base} need {floor} or higher",
                        changes.iter().filter(|c| c.class == class).count()
                    ),
                    _ => format!("the version must not go below {base}"),
                };
                return Err(version_error(
                    "--crate-version",
                    format!(
                        "{given} is below what this release needs: {need}; nothing was written"
                    ),
                ));
            }
            wanted
        }
    };
    let version = version.to_string();
    surface.version.clone_from(&version);
    let release = Release {
        // A recorded surface always has a version (the manifest's, else its own).
        previous_version: base.as_ref().filter(|_| compared).map(Version::to_string),
        version,
        changes,
        reshaped_from,
    };
    let changelog = changelog(
        &settings.crate_name,
        &release,
        &surface,
        previous.and_then(|p| p.changelog.as_deref()),
    );
    Ok((release, surface.to_json(), changelog))
}

fn version_error(file: &str, message: String) -> Report {
    Report {
        diagnostics: vec![Diagnostic::new(
            Severity::Error,
            file,
            Location::File,
            Kind::CrateVersion,
            message,
        )],
    }
}

fn parse(text: &str) -> Result<Version, String> {
    Version::parse(text.trim()).map_err(|e| e.to_string())
}

/// The lowest version after `version` that a change of `class` needs (pre-release and build
/// metadata dropped).
pub fn bump(version: &Version, class: Class) -> Version {
    let (major, minor, patch) = (version.major, version.minor, version.patch);
    match (major, class) {
        (0, Class::Breaking) => Version::new(0, minor + 1, 0),
        (0, Class::Additive) => Version::new(0, minor, patch + 1),
        (_, Class::Breaking) => Version::new(major + 1, 0, 0),
        (_, Class::Additive) => Version::new(major, minor + 1, 0),
    }
}

/// The first line of `CHANGELOG.md`.
const CHANGELOG_HEADER: &str = "<!-- generated by `cargo xtask regen`, do not edit -->";

/// `CHANGELOG.md`: its header, the release's entry (when it has one), then the previous
/// changelog's entries.
fn changelog(
    crate_name: &str,
    release: &Release,
    surface: &Surface,
    previous: Option<&str>,
) -> String {
    let mut text = format!(
        "{CHANGELOG_HEADER}\n# Changes of `{crate_name}`\n\n\
         What each version changes in the crate's API, written by `cargo xtask regen`, which \
         compares the API surface of the crate it generates with the one the previous version \
         recorded (`api.json`). **Breaking** changes may need changes in code that uses the \
         crate; **additive** ones never do. Versions follow semver: in 0.x a breaking change \
         raises the minor version and an additive one the patch; from 1.0 on, the major and \
         the minor. A regeneration that changes only documentation changes no API and adds no \
         entry.\n"
    );
    let old_entries = previous.map(entries).unwrap_or_default();
    let heading = format!("## {}", release.version);
    let entry = entry(release, surface);
    let same_version = old_entries
        .iter()
        .any(|e| e.lines().next() == Some(heading.as_str()));
    let entry = match entry {
        // A first recorded surface does not replace what an entry of its version says.
        Some(_) if release.previous_version.is_none() && same_version => None,
        None if old_entries.is_empty() => Some(format!(
            "{heading}\n\nThe changelog starts at this version.\n"
        )),
        entry => entry,
    };
    if let Some(entry) = &entry {
        text.push('\n');
        text.push_str(entry);
    }
    for old in old_entries {
        if entry.is_some() && old.lines().next() == Some(heading.as_str()) {
            continue;
        }
        text.push('\n');
        text.push_str(&old);
    }
    text
}

/// The entry of a release, `None` when it changes neither the API nor the version.
fn entry(release: &Release, surface: &Surface) -> Option<String> {
    let heading = format!("## {}\n\n", release.version);
    let Some(previous) = &release.previous_version else {
        let counts = [
            (surface.modules.len(), "module"),
            (surface.operation_count(), "operation"),
            (surface.models.len(), "model"),
            (surface.enums.len(), "enum"),
            (surface.unions.len(), "union"),
        ]
        .map(|(n, noun)| format!("{n} {noun}{}", if n == 1 { "" } else { "s" }));
        return Some(format!(
            "{heading}First recorded API surface: {}.\n",
            counts.join(", ")
        ));
    };
    if let Some(format) = release.reshaped_from {
        return Some(format!(
            "{heading}Since {previous}: breaking, a new API shape (the API surface is recorded \
             anew in format {}, after format {format}, so changes are not listed one by one). {}\n",
            surface::FORMAT,
            surface::SHAPE
        ));
    }
    if release.changes.is_empty() {
        return (*previous != release.version)
            .then(|| format!("{heading}No API change since {previous}.\n"));
    }
    let (breaking, additive) = (
        release.count(Class::Breaking),
        release.count(Class::Additive),
    );
    let mut text =
        format!("{heading}Since {previous}: {breaking} breaking, {additive} additive.\n");
    for (class, title) in [(Class::Breaking, "Breaking"), (Class::Additive, "Additive")] {
        let lines: Vec<&str> = release
            .changes
            .iter()
            .filter(|c| c.class == class)
            .map(|c| c.line.as_str())
            .collect();
        if !lines.is_empty() {
            text.push_str(&format!("\n### {title}\n\n"));
            for line in lines {
                text.push_str(&format!("- {line}\n"));
            }
        }
    }
    Some(text)
}

/// The entries of a changelog: each `## ` heading with what follows it, up to the next one.
fn entries(changelog: &str) -> Vec<String> {
    let mut entries: Vec<String> = Vec::new();
    for line in changelog.lines() {
        if line.starts_with("## ") {
            entries.push(String::new());
        }
        if let Some(entry) = entries.last_mut() {
            entry.push_str(line);
            entry.push('\n');
        }
    }
    // Blank lines between entries are written anew.
    for entry in &mut entries {
        let trimmed = entry.trim_end().len();
        entry.truncate(trimmed);
        entry.push('\n');
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Generation, SourceDocument, generate};

    const DOC: &str = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /items:
    get:
      operationId: ListItems
      description: Lists the items.
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Item'}}}}}
components:
  schemas:
    Item:
      type: object
      required: [id]
      properties:
        id: {type: integer}
        name: {type: string}
"#;

    fn doc(text: &str) -> Vec<SourceDocument> {
        vec![SourceDocument {
            path: "t.yaml".to_owned(),
            text: text.to_owned(),
        }]
    }

    fn file<'a>(generation: &'a Generation, path: &str) -> &'a str {
        &generation
            .files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} is generated"))
            .contents
    }

    /// What a crate generated from `generation` hands the next regeneration.
    fn previous_of(generation: &Generation, version: Option<&str>) -> PreviousRelease {
        PreviousRelease {
            origin: "out/ on disk".to_owned(),
            version: version.map(str::to_owned),
            surface: Some(file(generation, "api.json").to_owned()),
            changelog: Some(file(generation, "CHANGELOG.md").to_owned()),
        }
    }

    fn regenerate(
        text: &str,
        previous: Option<PreviousRelease>,
        pinned: Option<&str>,
    ) -> Result<Generation, Report> {
        generate(
            &doc(text),
            &Settings {
                crate_name: "t-client".to_owned(),
                previous,
                crate_version: pinned.map(str::to_owned),
                ..Settings::default()
            },
        )
    }

    fn first() -> Generation {
        regenerate(DOC, None, None).expect("generates")
    }

    /// `DOC` with a breaking change (a property removed) and an additive one (an operation).
    fn evolved() -> String {
        DOC.replace("        name: {type: string}\n", "").replace(
            "components:",
            "  /ping:\n    get:\n      operationId: Ping\n      responses: {'204': {description: up}}\ncomponents:",
        )
    }

    #[test]
    fn versions_rise_by_the_class_of_the_change() {
        let v = |text: &str| Version::parse(text).expect("a version");
        for (from, class, to) in [
            ("0.1.0", Class::Breaking, "0.2.0"),
            ("0.1.3", Class::Additive, "0.1.4"),
            ("0.0.3", Class::Breaking, "0.1.0"),
            ("1.2.3", Class::Breaking, "2.0.0"),
            ("1.2.3", Class::Additive, "1.3.0"),
            ("0.3.1-beta.1", Class::Breaking, "0.4.0"),
        ] {
            assert_eq!(bump(&v(from), class), v(to), "{from} {class}");
        }
    }

    #[test]
    fn a_first_release_records_the_surface_without_a_bump() {
        let generation = first();
        assert_eq!(generation.release.previous_version, None);
        assert_eq!(generation.release.version, "0.1.0");
        assert_eq!(
            generation.release.to_string(),
            "regen: first recorded API surface (0.1.0)"
        );
        assert!(file(&generation, "Cargo.toml").contains("\nversion = \"0.1.0\"\n"));
        let changelog = file(&generation, "CHANGELOG.md");
        assert!(
            changelog.starts_with(
                "<!-- generated by `cargo xtask regen`, do not edit -->\n# Changes of `t-client`\n"
            ),
            "{changelog}"
        );
        assert!(
            changelog.ends_with("\n## 0.1.0\n\nFirst recorded API surface: 1 module, 1 operation, 1 model, 0 enums, 0 unions.\n"),
            "{changelog}"
        );
        let surface =
            Surface::from_json(file(&generation, "api.json")).expect("api.json reads back");
        assert_eq!(
            (surface.crate_name.as_str(), surface.version.as_str()),
            ("t-client", "0.1.0")
        );
        assert_eq!(surface.modules[0].operations[0].returns, "Vec<Item>");
    }

    #[test]
    fn a_crate_without_a_recorded_surface_starts_at_its_version() {
        let previous = PreviousRelease {
            origin: "out/ on disk".to_owned(),
            version: Some("0.4.2".to_owned()),
            ..PreviousRelease::default()
        };
        let generation = regenerate(DOC, Some(previous), None).expect("generates");
        assert_eq!(generation.release.version, "0.4.2");
        assert!(
            file(&generation, "CHANGELOG.md").contains("\n## 0.4.2\n\nFirst recorded API surface")
        );
    }

    #[test]
    fn no_api_change_keeps_the_version_and_the_changelog() {
        let before = first();
        // Documentation is no API.
        let text = DOC.replace("Lists the items.", "Lists every item.");
        let after =
            regenerate(&text, Some(previous_of(&before, Some("0.1.0"))), None).expect("generates");
        assert_eq!(after.release.to_string(), "regen: no API change (0.1.0)");
        assert!(after.release.changes.is_empty());
        for path in ["CHANGELOG.md", "api.json", "Cargo.toml"] {
            assert_eq!(file(&after, path), file(&before, path), "{path}");
        }
    }

    #[test]
    fn changes_raise_the_version_and_head_the_changelog() {
        let before = first();
        let after = regenerate(&evolved(), Some(previous_of(&before, Some("0.1.0"))), None)
            .expect("generates");
        assert_eq!(
            after.release.to_string(),
            "regen: 0.1.0 → 0.2.0 (breaking): 1 breaking, 1 additive\n  \
             breaking: model `Item`: property `name` removed\n  \
             additive: operation `t::ping` (`Ping`, `GET /ping`) added"
        );
        assert!(file(&after, "Cargo.toml").contains("\nversion = \"0.2.0\"\n"));
        let changelog = file(&after, "CHANGELOG.md");
        let entries = &changelog[changelog.find("\n## ").expect("entries")..];
        assert_eq!(
            entries,
            "\n## 0.2.0\n\nSince 0.1.0: 1 breaking, 1 additive.\n\n### Breaking\n\n- model `Item`: property `name` removed\n\n\
             ### Additive\n\n- operation `t::ping` (`Ping`, `GET /ping`) added\n\n\
             ## 0.1.0\n\nFirst recorded API surface: 1 module, 1 operation, 1 model, 0 enums, 0 unions.\n"
        );
        assert_eq!(
            Surface::from_json(file(&after, "api.json"))
                .expect("reads")
                .version,
            "0.2.0"
        );

        // Additive alone: the patch in 0.x.
        let text = DOC.replace(
            "        name: {type: string}\n",
            "        name: {type: string}\n        color: {type: string}\n",
        );
        let additive =
            regenerate(&text, Some(previous_of(&before, Some("0.1.0"))), None).expect("generates");
        assert_eq!(additive.release.version, "0.1.1");
        assert_eq!(additive.release.class(), Some(Class::Additive));
    }

    #[test]
    fn from_1_0_on_breaking_raises_the_major_and_additive_the_minor() {
        let before = regenerate(DOC, None, Some("1.4.2")).expect("generates");
        assert_eq!(before.release.version, "1.4.2");
        let previous = previous_of(&before, Some("1.4.2"));
        let breaking = regenerate(&evolved(), Some(previous.clone()), None).expect("generates");
        assert_eq!(breaking.release.version, "2.0.0");
        let text = DOC.replace(
            "components:",
            "  /ping:\n    get:\n      operationId: Ping\n      responses: {'204': {description: up}}\ncomponents:",
        );
        let additive = regenerate(&text, Some(previous), None).expect("generates");
        assert_eq!(additive.release.version, "1.5.0");
    }

    #[test]
    fn a_given_version_below_the_class_is_refused_and_others_are_taken() {
        let before = first();
        let previous = || Some(previous_of(&before, Some("0.1.0")));
        let report = regenerate(&evolved(), previous(), Some("0.1.1"))
            .expect_err("a patch for a breaking change");
        assert_eq!(
            report.to_string(),
            "error: --crate-version: 0.1.1 is below what this release needs: 1 breaking change(s) since 0.1.0 need 0.2.0 or higher; nothing was written\n1 error(s); nothing was generated"
        );
        assert_eq!(report.diagnostics[0].kind, Kind::CrateVersion);
        for given in ["0.2.0", "1.0.0"] {
            let generation = regenerate(&evolved(), previous(), Some(given)).expect("high enough");
            assert_eq!(generation.release.version, given);
        }
        // No change: any version from the previous one on; a higher one is an entry of its own.
        let report = regenerate(DOC, previous(), Some("0.0.9")).expect_err("below the previous");
        assert!(
            report
                .to_string()
                .contains("the version must not go below 0.1.0"),
            "{report}"
        );
        let release = regenerate(DOC, previous(), Some("1.0.0")).expect("generates");
        assert_eq!(
            release.release.to_string(),
            "regen: 0.1.0 → 1.0.0 (no API change)"
        );
        assert!(
            file(&release, "CHANGELOG.md")
                .contains("\n## 1.0.0\n\nNo API change since 0.1.0.\n\n## 0.1.0\n")
        );
        // A new crate takes any version.
        let new = regenerate(DOC, None, Some("0.0.1")).expect("a first version");
        assert_eq!(
            new.release.to_string(),
            "regen: first recorded API surface (0.0.1)"
        );
        let report = regenerate(DOC, previous(), Some("two")).expect_err("not semver");
        assert!(
            report
                .to_string()
                .starts_with("error: --crate-version: `two` is not a semver version"),
            "{report}"
        );
    }

    #[test]
    fn an_unreadable_previous_surface_is_a_warning_and_a_first_record() {
        let before = first();
        let mut previous = previous_of(&before, Some("0.1.0"));
        previous.surface = Some(format!(
            "{{\"format\": {}, \"modules\": 3}}",
            surface::FORMAT
        ));
        let generation = regenerate(&evolved(), Some(previous.clone()), None).expect("generates");
        assert_eq!(generation.release.previous_version, None);
        assert_eq!(generation.release.version, "0.1.0");
        let warning = generation
            .warnings
            .iter()
            .find(|w| w.kind == Kind::SurfaceUnreadable)
            .expect("a warning");
        assert!(
            warning.to_string().starts_with(
                "warning: api.json of out/ on disk: the previous API surface does not read ("
            ),
            "{warning}"
        );
        // The changelog keeps what it said about 0.1.0.
        assert_eq!(
            file(&generation, "CHANGELOG.md"),
            file(&before, "CHANGELOG.md")
        );
        previous.surface = Some("{\"format\": 99}".to_owned());
        let strict = generate(
            &doc(DOC),
            &Settings {
                previous: Some(previous),
                strict: true,
                ..Settings::default()
            },
        )
        .expect_err("strict: the comparison was lost");
        assert!(
            strict.to_string().contains(&format!(
                "it is in format 99, this generator reads format {}",
                surface::FORMAT
            )),
            "{strict}"
        );
    }

    #[test]
    fn a_surface_of_an_older_format_makes_a_breaking_release_that_says_why() {
        let before = first();
        let mut previous = previous_of(&before, Some("0.1.0"));
        let older = surface::FORMAT - 1;
        previous.surface = Some(file(&before, "api.json").replacen(
            &format!("\"format\": {}", surface::FORMAT),
            &format!("\"format\": {older}"),
            1,
        ));
        let generation = regenerate(DOC, Some(previous.clone()), None).expect("generates");
        assert!(generation.warnings.is_empty(), "{:?}", generation.warnings);
        assert_eq!(generation.release.version, "0.2.0");
        assert_eq!(generation.release.class(), Some(Class::Breaking));
        assert_eq!(
            generation.release.to_string(),
            format!(
                "regen: 0.1.0 → 0.2.0 (breaking): a new API shape (api.json format {older} → {}), \
                 the surface is recorded anew",
                surface::FORMAT
            )
        );
        let changelog = file(&generation, "CHANGELOG.md");
        assert!(
            changelog.contains(&format!(
                "\n## 0.2.0\n\nSince 0.1.0: breaking, a new API shape (the API surface is recorded \
                 anew in format {}, after format {older}, so changes are not listed one by one). {}\n",
                surface::FORMAT,
                surface::SHAPE
            )),
            "{changelog}"
        );
        assert!(changelog.contains("\n## 0.1.0\n"), "{changelog}");
        // A pinned version may not hide it.
        let refused = regenerate(DOC, Some(previous), Some("0.1.1")).expect_err("too low");
        assert!(
            refused
                .to_string()
                .contains("a new API shape since 0.1.0 needs 0.2.0 or higher"),
            "{refused}"
        );
    }

    #[test]
    fn regenerating_against_the_crate_just_written_changes_nothing() {
        let before = first();
        let after = regenerate(&evolved(), Some(previous_of(&before, Some("0.1.0"))), None)
            .expect("generates");
        let again = regenerate(&evolved(), Some(previous_of(&after, Some("0.2.0"))), None)
            .expect("generates");
        assert_eq!(again.files, after.files);
        assert_eq!(again.release.to_string(), "regen: no API change (0.2.0)");
    }
}
