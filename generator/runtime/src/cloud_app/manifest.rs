//! The Cloud App manifest (`manifest.json`): a typed model of every field the vendor documents
//! that reads and writes any manifest without losing a field, and checks that report problems by
//! JSON pointer without ever blocking reading.
//!
//! Every object keeps in its `extra` map the members this model does not know, and documented
//! members whose value it cannot take (`null`, or another type than the vendor documents), so a
//! manifest read and written again is equal to the original as JSON, whatever newer platform
//! versions add; [`Manifest::validate`] names the mistyped ones.
//! Scope strings stay strings: the platform decides which names exist (see [`crate::scopes`]);
//! one that cannot be sent at all is a problem reported by [`Manifest::validate`].
//!
//! ```
//! use jtl_erp_runtime::manifest::Manifest;
//!
//! let manifest = Manifest::from_json(r#"{
//!     "manifestVersion": "1.0",
//!     "capabilities": {"erp": {
//!         "api": {"scopes": ["productRead"]},
//!         "pane": [{"title": "Stock", "url": "https://app.example/pane", "requiredScopes": ["productDelete"]}]
//!     }}
//! }"#).unwrap();
//! let problems: Vec<String> = manifest.validate().iter().map(ToString::to_string).collect();
//! assert_eq!(problems, ["/capabilities/erp/pane/0/requiredScopes/0: scope `productDelete` is not declared in /capabilities/erp/api/scopes"]);
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::de::DeserializeOwned;
use serde::ser::SerializeMap as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::json_pointer::pointer;
use crate::scopes::{Scope, ScopeError};

/// Members a model does not know, and documented members of another type, kept as they were read.
pub type Extra = Map<String, Value>;

/// Takes a documented member out of the members read, when its value has the documented type;
/// otherwise (`null`, another type) it stays in `extra`, to be written back as it was.
fn take<T: DeserializeOwned>(members: &mut Extra, key: &str) -> Option<T> {
    let value = T::deserialize(members.get(key)?).ok()?;
    members.remove(key);
    Some(value)
}

/// Documented members found in `extra` with a value other than `null`: of another type than
/// the vendor documents.
fn mistyped<'a>(extra: &'a Extra, keys: &'static [&'static str]) -> Vec<&'a str> {
    extra
        .iter()
        .filter(|(key, value)| !value.is_null() && keys.contains(&key.as_str()))
        .map(|(key, _)| key.as_str())
        .collect()
}

/// What [`Manifest::validate`] reads of every object of the manifest, to report its mistyped
/// members wherever the object stands.
trait Object {
    fn extra(&self) -> &Extra;
    fn mistyped(&self) -> Vec<&str>;
}

/// Reports the mistyped members of `object`, when there is one, below the pointer `at`.
fn mistyped_at<T: Object>(problems: &mut Vec<ManifestProblem>, at: &str, object: Option<&T>) {
    let Some(object) = object else { return };
    for key in object.mistyped() {
        problems.push(ManifestProblem {
            pointer: format!("{at}{}", pointer([key])),
            kind: ManifestProblemKind::Mistyped {
                found: json_kind(&object.extra()[key]),
            },
        });
    }
}

/// Reports the mistyped members of each object of `list`, when there is one, below `at/<index>`.
fn mistyped_in<T: Object>(problems: &mut Vec<ManifestProblem>, at: &str, list: Option<&Vec<T>>) {
    for (i, object) in list.into_iter().flatten().enumerate() {
        mistyped_at(problems, &format!("{at}/{i}"), Some(object));
    }
}

/// An object of the manifest: its documented members as typed `Option` fields (each documented
/// by its key, then by what the table says), everything else in `extra`. Reading never fails for an object (a member it cannot take stays in `extra`);
/// writing puts a typed member before `extra`, which a set typed member overrides.
macro_rules! manifest_object {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$field_meta:meta])* $field:ident: $ty:ty = $key:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            $( #[doc = concat!("`", $key, "`.")] $(#[$field_meta])* pub $field: Option<$ty>, )*
            /// Members this model does not know, and documented members whose value it cannot
            /// take (`null`, another type), as read.
            pub extra: Extra,
        }

        impl $name {
            /// The documented member names.
            const KEYS: &'static [&'static str] = &[$($key),*];

            /// Documented members kept in `extra` because their type is not the documented one.
            pub fn mistyped(&self) -> Vec<&str> {
                mistyped(&self.extra, Self::KEYS)
            }
        }

        impl Object for $name {
            fn extra(&self) -> &Extra {
                &self.extra
            }
            fn mistyped(&self) -> Vec<&str> {
                $name::mistyped(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[allow(unused_mut)]
                let mut extra = Extra::deserialize(deserializer)?;
                Ok(Self {
                    $( $field: take(&mut extra, $key), )*
                    extra,
                })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(None)?;
                $(
                    if let Some(value) = &self.$field {
                        map.serialize_entry($key, value)?;
                    }
                )*
                for (key, value) in &self.extra {
                    let set = [$( ($key, self.$field.is_some()), )*]
                        .iter()
                        .any(|(k, set)| *set && k == key);
                    if !set {
                        map.serialize_entry(key, value)?;
                    }
                }
                map.end()
            }
        }
    };
}

manifest_object! {
    /// A whole Cloud App manifest.
    Manifest {
        /// The version of the manifest format.
        manifest_version: String = "manifestVersion",
        /// The app's version.
        version: String = "version",
        name: ShortAndFull = "name",
        description: ShortAndFull = "description",
        /// The locale every text key must exist in, e.g. `de-DE`.
        default_locale: String = "defaultLocale",
        /// Per locale, texts by key (the values are kept as JSON, usually strings).
        locales: BTreeMap<String, Map<String, Value>> = "locales",
        icon: Icon = "icon",
        communication: Communication = "communication",
        legal: Legal = "legal",
        /// The URLs the platform calls when a merchant sets the app up, connects or disconnects it.
        lifecycle: Lifecycle = "lifecycle",
        requirements: Requirements = "requirements",
        capabilities: Capabilities = "capabilities",
    }
}

manifest_object! {
    /// `name` and `description`: `{short, full}`.
    ShortAndFull {
        short: String = "short",
        full: String = "full",
    }
}

manifest_object! {
    /// `icon`: `{light, dark}`.
    Icon {
        light: String = "light",
        dark: String = "dark",
    }
}

manifest_object! {
    /// `communication`.
    Communication {
        support_url: String = "supportUrl",
        guide_url: String = "guideUrl",
    }
}

manifest_object! {
    /// `legal`.
    Legal {
        gdpr_request_url: String = "gdprRequestUrl",
        gdpr_delete_url: String = "gdprDeleteUrl",
        privacy_url: String = "privacyUrl",
        terms_of_use_url: String = "termsOfUseUrl",
    }
}

manifest_object! {
    /// `lifecycle`.
    Lifecycle {
        setup_url: String = "setupUrl",
        connect_url: String = "connectUrl",
        disconnect_url: String = "disconnectUrl",
    }
}

manifest_object! {
    /// `requirements`.
    Requirements {
        min_cloud_api_version: String = "minCloudApiVersion",
    }
}

manifest_object! {
    /// `capabilities`.
    Capabilities {
        hub: HubCapability = "hub",
        erp: ErpCapability = "erp",
    }
}

manifest_object! {
    /// `capabilities.hub`.
    HubCapability {
        app_launcher: AppLauncher = "appLauncher",
    }
}

manifest_object! {
    /// `capabilities.hub.appLauncher`.
    AppLauncher {
        redirect_url: String = "redirectUrl",
    }
}

manifest_object! {
    /// `capabilities.erp`.
    ErpCapability {
        /// A backend without a page of its own.
        headless: Headless = "headless",
        menu_items: Vec<MenuItem> = "menuItems",
        tabs: Vec<Tab> = "tabs",
        pane: Vec<Pane> = "pane",
        api: ApiCapability = "api",
    }
}

manifest_object! {
    /// `capabilities.erp.headless`.
    Headless {
        url: String = "url",
    }
}

manifest_object! {
    /// An entry of `capabilities.erp.menuItems`.
    MenuItem {
        /// Unique among the menu items.
        id: String = "id",
        name: String = "name",
        url: String = "url",
    }
}

manifest_object! {
    /// An entry of `capabilities.erp.tabs`.
    Tab {
        /// Where in JTL-Wawi the tab appears.
        context: String = "context",
        name: String = "name",
        url: String = "url",
        /// Their shape is not documented, so they are kept as JSON.
        features: Vec<Value> = "features",
    }
}

manifest_object! {
    /// An entry of `capabilities.erp.pane`.
    Pane {
        title: String = "title",
        url: String = "url",
        /// Each must be declared in `capabilities.erp.api.scopes`.
        required_scopes: Vec<String> = "requiredScopes",
    }
}

manifest_object! {
    /// `capabilities.erp.api`.
    ApiCapability {
        /// The scopes the app may use, exactly as written.
        scopes: Vec<String> = "scopes",
    }
}

/// Text that is not a manifest at all: not JSON, or not an object.
#[derive(Debug, thiserror::Error)]
#[error("not a Cloud App manifest: {0}")]
pub struct ManifestError(#[from] serde_json::Error);

/// A problem [`Manifest::validate`] found, at a JSON pointer into the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestProblem {
    /// Where, e.g. `/capabilities/erp/pane/0/requiredScopes/1`.
    pub pointer: String,
    /// What.
    pub kind: ManifestProblemKind,
}

/// What is wrong at a [`ManifestProblem`]'s pointer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestProblemKind {
    /// A documented member whose value does not have the documented shape (another type, or a
    /// list with an item of another type); it is kept as read in its object's `extra` and
    /// written back unchanged.
    #[error("{found} that does not have the documented shape; kept as read")]
    Mistyped {
        /// The kind of JSON value found.
        found: &'static str,
    },
    /// A pane requires a scope that `capabilities.erp.api.scopes` does not declare.
    #[error("scope `{scope}` is not declared in /capabilities/erp/api/scopes")]
    UndeclaredScope {
        /// The scope.
        scope: String,
    },
    /// A scope string that cannot be sent at all.
    #[error("{0}")]
    InvalidScope(ScopeError),
    /// A URL the platform loads or calls that is not https, on a host other than loopback.
    #[error("`{url}` must use https (plain http is for localhost only)")]
    InsecureUrl {
        /// The URL.
        url: String,
    },
    /// A URL that does not parse as an absolute URL.
    #[error("`{url}` is not an absolute URL: {reason}")]
    InvalidUrl {
        /// The text.
        url: String,
        /// What the parser said.
        reason: String,
    },
    /// Two menu items share an id.
    #[error("menu item id `{id}` is used already at {first}")]
    DuplicateMenuItemId {
        /// The id.
        id: String,
        /// The pointer of its first use.
        first: String,
    },
    /// `defaultLocale` names a locale that `locales` does not have.
    #[error("the default locale `{locale}` is not in /locales")]
    DefaultLocaleMissing {
        /// The default locale.
        locale: String,
    },
    /// A locale has a text key that the default locale lacks.
    #[error("key `{key}` is missing from the default locale `{default_locale}`")]
    MissingLocaleKey {
        /// The key.
        key: String,
        /// The default locale.
        default_locale: String,
    },
}

impl fmt::Display for ManifestProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.kind)
    }
}

impl Manifest {
    /// Reads `manifest.json`.
    pub fn from_json(text: &str) -> Result<Self, ManifestError> {
        Ok(serde_json::from_str(text)?)
    }

    /// Writes the manifest, indented.
    pub fn to_json_pretty(&self) -> String {
        // A model of strings, vectors and JSON maps always serializes.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The scopes `capabilities.erp.api.scopes` declares, as written.
    pub fn declared_scopes(&self) -> &[String] {
        self.erp()
            .and_then(|erp| erp.api.as_ref())
            .and_then(|api| api.scopes.as_deref())
            .unwrap_or_default()
    }

    /// Declares `scopes` in `capabilities.erp.api.scopes`, creating the path as needed and
    /// keeping everything else.
    pub fn declare_scopes(&mut self, scopes: impl IntoIterator<Item = Scope>) {
        let api = self
            .capabilities
            .get_or_insert_with(Default::default)
            .erp
            .get_or_insert_with(Default::default)
            .api
            .get_or_insert_with(Default::default);
        api.scopes
            .get_or_insert_with(Vec::new)
            .extend(scopes.into_iter().map(Scope::into_string));
    }

    /// Every documented member kept in `extra` for its type, at its pointer, parents first.
    fn mistyped_members(&self) -> Vec<ManifestProblem> {
        let mut problems = Vec::new();
        let p = &mut problems;
        mistyped_at(p, "", Some(self));
        mistyped_at(p, "/name", self.name.as_ref());
        mistyped_at(p, "/description", self.description.as_ref());
        mistyped_at(p, "/icon", self.icon.as_ref());
        mistyped_at(p, "/communication", self.communication.as_ref());
        mistyped_at(p, "/legal", self.legal.as_ref());
        mistyped_at(p, "/lifecycle", self.lifecycle.as_ref());
        mistyped_at(p, "/requirements", self.requirements.as_ref());
        let capabilities = self.capabilities.as_ref();
        mistyped_at(p, "/capabilities", capabilities);
        let hub = capabilities.and_then(|c| c.hub.as_ref());
        mistyped_at(p, "/capabilities/hub", hub);
        let launcher = hub.and_then(|h| h.app_launcher.as_ref());
        mistyped_at(p, "/capabilities/hub/appLauncher", launcher);
        let erp = self.erp();
        mistyped_at(p, "/capabilities/erp", erp);
        let headless = erp.and_then(|e| e.headless.as_ref());
        mistyped_at(p, "/capabilities/erp/headless", headless);
        let menu_items = erp.and_then(|e| e.menu_items.as_ref());
        mistyped_in(p, "/capabilities/erp/menuItems", menu_items);
        mistyped_in(
            p,
            "/capabilities/erp/tabs",
            erp.and_then(|e| e.tabs.as_ref()),
        );
        mistyped_in(
            p,
            "/capabilities/erp/pane",
            erp.and_then(|e| e.pane.as_ref()),
        );
        mistyped_at(p, "/capabilities/erp/api", erp.and_then(|e| e.api.as_ref()));
        problems
    }

    fn erp(&self) -> Option<&ErpCapability> {
        self.capabilities.as_ref().and_then(|c| c.erp.as_ref())
    }

    /// Every problem, each at its JSON pointer; empty when there is none. Problems are warnings:
    /// the platform has the last word, and reading never depends on them.
    pub fn validate(&self) -> Vec<ManifestProblem> {
        let mut problems = self.mistyped_members();
        let mut problem = |pointer: String, kind| problems.push(ManifestProblem { pointer, kind });

        let declared: BTreeSet<&str> = self.declared_scopes().iter().map(String::as_str).collect();
        for (i, scope) in self.declared_scopes().iter().enumerate() {
            if let Err(error) = Scope::new(scope.as_str()) {
                problem(
                    format!("/capabilities/erp/api/scopes/{i}"),
                    ManifestProblemKind::InvalidScope(error),
                );
            }
        }

        if let Some(lifecycle) = &self.lifecycle {
            for (name, url) in [
                ("setupUrl", &lifecycle.setup_url),
                ("connectUrl", &lifecycle.connect_url),
                ("disconnectUrl", &lifecycle.disconnect_url),
            ] {
                check_url(&mut problem, format!("/lifecycle/{name}"), url);
            }
        }
        let hub = self.capabilities.as_ref().and_then(|c| c.hub.as_ref());
        if let Some(launcher) = hub.and_then(|h| h.app_launcher.as_ref()) {
            check_url(
                &mut problem,
                "/capabilities/hub/appLauncher/redirectUrl".to_owned(),
                &launcher.redirect_url,
            );
        }

        if let Some(erp) = self.erp() {
            if let Some(headless) = &erp.headless {
                check_url(
                    &mut problem,
                    "/capabilities/erp/headless/url".to_owned(),
                    &headless.url,
                );
            }
            let mut ids: BTreeMap<&str, String> = BTreeMap::new();
            for (i, item) in erp.menu_items.iter().flatten().enumerate() {
                let at = format!("/capabilities/erp/menuItems/{i}");
                if let Some(id) = &item.id {
                    match ids.get(id.as_str()) {
                        Some(first) => problem(
                            format!("{at}/id"),
                            ManifestProblemKind::DuplicateMenuItemId {
                                id: id.clone(),
                                first: first.clone(),
                            },
                        ),
                        None => {
                            ids.insert(id.as_str(), format!("{at}/id"));
                        }
                    }
                }
                check_url(&mut problem, format!("{at}/url"), &item.url);
            }
            for (i, tab) in erp.tabs.iter().flatten().enumerate() {
                check_url(
                    &mut problem,
                    format!("/capabilities/erp/tabs/{i}/url"),
                    &tab.url,
                );
            }
            for (i, pane) in erp.pane.iter().flatten().enumerate() {
                let at = format!("/capabilities/erp/pane/{i}");
                check_url(&mut problem, format!("{at}/url"), &pane.url);
                for (j, scope) in pane.required_scopes.iter().flatten().enumerate() {
                    let pointer = format!("{at}/requiredScopes/{j}");
                    if let Err(error) = Scope::new(scope.as_str()) {
                        problem(pointer, ManifestProblemKind::InvalidScope(error));
                    } else if !declared.contains(scope.as_str()) {
                        problem(
                            pointer,
                            ManifestProblemKind::UndeclaredScope {
                                scope: scope.clone(),
                            },
                        );
                    }
                }
            }
        }

        if let (Some(default_locale), Some(locales)) = (&self.default_locale, &self.locales) {
            match locales.get(default_locale) {
                None => problem(
                    "/defaultLocale".to_owned(),
                    ManifestProblemKind::DefaultLocaleMissing {
                        locale: default_locale.clone(),
                    },
                ),
                Some(defaults) => {
                    for (locale, texts) in locales.iter().filter(|(l, _)| *l != default_locale) {
                        // Sorted, so that reports do not depend on how serde_json orders maps.
                        let mut missing: Vec<&String> = texts
                            .keys()
                            .filter(|k| !defaults.contains_key(*k))
                            .collect();
                        missing.sort();
                        for key in missing {
                            problem(
                                pointer(["locales", locale.as_str(), key.as_str()]),
                                ManifestProblemKind::MissingLocaleKey {
                                    key: key.clone(),
                                    default_locale: default_locale.clone(),
                                },
                            );
                        }
                    }
                }
            }
        }
        problems
    }
}

/// Reports a URL the platform loads or calls that is not https outside loopback.
fn check_url(
    problem: &mut impl FnMut(String, ManifestProblemKind),
    pointer: String,
    url: &Option<String>,
) {
    let Some(text) = url else { return };
    match url::Url::parse(text) {
        Err(error) => problem(
            pointer,
            ManifestProblemKind::InvalidUrl {
                url: text.clone(),
                reason: error.to_string(),
            },
        ),
        Ok(parsed) if parsed.scheme() == "https" => {}
        Ok(parsed) if parsed.scheme() == "http" && is_loopback(&parsed) => {}
        Ok(_) => problem(
            pointer,
            ManifestProblemKind::InsecureUrl { url: text.clone() },
        ),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
