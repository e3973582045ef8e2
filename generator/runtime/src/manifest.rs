//! The Cloud App manifest (`manifest.json`): a typed model of every field the vendor documents
//! that reads and writes any manifest without losing a field, and checks that report problems by
//! JSON pointer without ever blocking reading.
//!
//! Every object keeps the members this model does not know in its `extra` map, so a manifest
//! read and written again is equal to the original as JSON, whatever newer platform versions add.
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

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::scopes::{Scope, ScopeError};

/// Members a model does not know, kept as they were read.
pub type Extra = Map<String, Value>;

/// A whole Cloud App manifest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// `manifestVersion`: the version of the manifest format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_version: Option<String>,
    /// `version`: the app's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ShortAndFull>,
    /// `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<ShortAndFull>,
    /// `defaultLocale`, e.g. `de-DE`: the locale every text key must exist in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_locale: Option<String>,
    /// `locales`: per locale, texts by key (the values are kept as JSON, usually strings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locales: Option<BTreeMap<String, Map<String, Value>>>,
    /// `icon`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<Icon>,
    /// `communication`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communication: Option<Communication>,
    /// `legal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal: Option<Legal>,
    /// `lifecycle`: the URLs the platform calls when a merchant sets the app up, connects or
    /// disconnects it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,
    /// `requirements`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirements: Option<Requirements>,
    /// `capabilities`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Capabilities>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `name` and `description`: `{short, full}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShortAndFull {
    /// `short`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
    /// `full`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full: Option<String>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `icon`: `{light, dark}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Icon {
    /// `light`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub light: Option<String>,
    /// `dark`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dark: Option<String>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `communication`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Communication {
    /// `supportUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_url: Option<String>,
    /// `guideUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide_url: Option<String>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `legal`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Legal {
    /// `gdprRequestUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gdpr_request_url: Option<String>,
    /// `gdprDeleteUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gdpr_delete_url: Option<String>,
    /// `privacyUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_url: Option<String>,
    /// `termsOfUseUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_of_use_url: Option<String>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `lifecycle`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lifecycle {
    /// `setupUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup_url: Option<String>,
    /// `connectUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_url: Option<String>,
    /// `disconnectUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disconnect_url: Option<String>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `requirements`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Requirements {
    /// `minCloudApiVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_cloud_api_version: Option<String>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `capabilities`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// `capabilities.hub`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub: Option<HubCapability>,
    /// `capabilities.erp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erp: Option<ErpCapability>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `capabilities.hub`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HubCapability {
    /// `capabilities.hub.appLauncher`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_launcher: Option<AppLauncher>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `capabilities.hub.appLauncher`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppLauncher {
    /// `redirectUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `capabilities.erp`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErpCapability {
    /// `headless`: a backend without a page of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headless: Option<Headless>,
    /// `menuItems`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub menu_items: Option<Vec<MenuItem>>,
    /// `tabs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tabs: Option<Vec<Tab>>,
    /// `pane`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pane: Option<Vec<Pane>>,
    /// `api`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<ApiCapability>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `capabilities.erp.headless`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Headless {
    /// `url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An entry of `capabilities.erp.menuItems`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MenuItem {
    /// `id`: unique among the menu items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An entry of `capabilities.erp.tabs`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tab {
    /// `context`: where in JTL-Wawi the tab appears.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `features`: their shape is not documented, so they are kept as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<Value>>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An entry of `capabilities.erp.pane`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pane {
    /// `title`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `requiredScopes`: each must be declared in `capabilities.erp.api.scopes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_scopes: Option<Vec<String>>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `capabilities.erp.api`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiCapability {
    /// `scopes`: the scopes the app may use, exactly as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// Members this model does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Text that does not have the manifest's shape (not JSON, or a documented member of another
/// type than the vendor documents).
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

    fn erp(&self) -> Option<&ErpCapability> {
        self.capabilities.as_ref().and_then(|c| c.erp.as_ref())
    }

    /// Every problem, each at its JSON pointer; empty when there is none. Problems are warnings:
    /// the platform has the last word, and reading never depends on them.
    pub fn validate(&self) -> Vec<ManifestProblem> {
        let mut problems = Vec::new();
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
                                format!("/locales/{}/{}", escape(locale), escape(key)),
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

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A JSON pointer reference token (RFC 6901): `~` and `/` escaped.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
