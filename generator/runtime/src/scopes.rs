//! API scopes: `resource.permission` strings, the mandatory and optional sets an app asks for,
//! what was granted, and the Cloud manifest's declarations.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The access level of a scope. `write` does not imply `read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    /// GET requests.
    Read,
    /// POST, PATCH and DELETE requests.
    Write,
}

impl Permission {
    /// The permission an HTTP method needs.
    pub fn for_method(method: &http::Method) -> Self {
        if matches!(
            *method,
            http::Method::GET | http::Method::HEAD | http::Method::OPTIONS
        ) {
            Self::Read
        } else {
            Self::Write
        }
    }
}

/// One scope, e.g. `items.read`. Resources are not restricted to a known list: the platform
/// adds new ones.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope {
    resource: String,
    permission: Permission,
}

/// Why a string is not a scope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a scope (`resource.read` or `resource.write`): {reason}")]
pub struct ScopeError {
    input: String,
    reason: &'static str,
}

impl Scope {
    /// A scope from its parts.
    pub fn new(resource: &str, permission: Permission) -> Result<Self, ScopeError> {
        let name = format!(
            "{resource}.{}",
            if permission == Permission::Read {
                "read"
            } else {
                "write"
            }
        );
        name.parse()
    }
    /// The resource, e.g. `items`.
    pub fn resource(&self) -> &str {
        &self.resource
    }
    /// The permission.
    pub fn permission(&self) -> Permission {
        self.permission
    }
}

impl FromStr for Scope {
    type Err = ScopeError;
    fn from_str(input: &str) -> Result<Self, ScopeError> {
        let fail = |reason| ScopeError {
            input: input.to_owned(),
            reason,
        };
        let (resource, permission) = input
            .rsplit_once('.')
            .ok_or_else(|| fail("no `.` between resource and permission"))?;
        let permission = match permission {
            "read" => Permission::Read,
            "write" => Permission::Write,
            _ => return Err(fail("the permission must be `read` or `write`")),
        };
        if resource.is_empty() {
            return Err(fail("the resource is empty"));
        }
        if !resource
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(fail(
                "the resource may hold ASCII letters, digits, `-`, `_` and `.` only",
            ));
        }
        Ok(Self {
            resource: resource.to_owned(),
            permission,
        })
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let permission = match self.permission {
            Permission::Read => "read",
            Permission::Write => "write",
        };
        write!(f, "{}.{permission}", self.resource)
    }
}

impl Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Parses a list of scope strings, naming every bad one.
pub fn parse_scopes<'a>(
    items: impl IntoIterator<Item = &'a str>,
) -> Result<BTreeSet<Scope>, Vec<ScopeError>> {
    let (good, bad): (Vec<_>, Vec<_>) = items
        .into_iter()
        .map(str::parse::<Scope>)
        .partition(Result::is_ok);
    if bad.is_empty() {
        Ok(good.into_iter().map(Result::unwrap).collect())
    } else {
        Err(bad.into_iter().map(|e| e.unwrap_err()).collect())
    }
}

/// What an app asks for: scopes it cannot work without, and scopes it uses when granted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestedScopes {
    /// `mandatoryApiScopes`.
    pub mandatory: BTreeSet<Scope>,
    /// `optionalApiScopes`.
    pub optional: BTreeSet<Scope>,
}

/// A merchant granted less than the app cannot do without.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mandatory scopes not granted: {}", list(missing))]
pub struct MissingMandatoryScopes {
    /// The mandatory scopes missing from the grant.
    pub missing: BTreeSet<Scope>,
}

/// The scopes an app was granted, checked against what it asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GrantedScopes {
    granted: BTreeSet<Scope>,
    /// Optional scopes the merchant did not grant: features to switch off.
    pub missing_optional: BTreeSet<Scope>,
    /// Granted strings that are not scopes (kept, so nothing the server said is lost).
    pub unparsed: Vec<String>,
}

impl RequestedScopes {
    /// Parses the two lists of a registration request.
    pub fn parse<'a>(
        mandatory: impl IntoIterator<Item = &'a str>,
        optional: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, Vec<ScopeError>> {
        let mandatory = parse_scopes(mandatory);
        let optional = parse_scopes(optional);
        match (mandatory, optional) {
            (Ok(mandatory), Ok(optional)) => Ok(Self {
                mandatory,
                optional,
            }),
            (m, o) => Err(m
                .err()
                .into_iter()
                .flatten()
                .chain(o.err().into_iter().flatten())
                .collect()),
        }
    }

    /// Compares a grant with the request: a missing mandatory scope is an error, missing
    /// optional ones are reported.
    pub fn check_granted<'a>(
        &self,
        granted: impl IntoIterator<Item = &'a str>,
    ) -> Result<GrantedScopes, MissingMandatoryScopes> {
        let mut set = BTreeSet::new();
        let mut unparsed = Vec::new();
        for item in granted {
            match item.parse::<Scope>() {
                Ok(scope) => {
                    set.insert(scope);
                }
                Err(_) => unparsed.push(item.to_owned()),
            }
        }
        let missing: BTreeSet<Scope> = self.mandatory.difference(&set).cloned().collect();
        if !missing.is_empty() {
            return Err(MissingMandatoryScopes { missing });
        }
        let missing_optional = self.optional.difference(&set).cloned().collect();
        Ok(GrantedScopes {
            granted: set,
            missing_optional,
            unparsed,
        })
    }
}

impl GrantedScopes {
    /// Whether `scope` was granted.
    pub fn contains(&self, scope: &Scope) -> bool {
        self.granted.contains(scope)
    }
    /// Checks before a call that the scope it needs was granted.
    pub fn require(&self, scope: &Scope) -> Result<(), MissingMandatoryScopes> {
        if self.contains(scope) {
            Ok(())
        } else {
            Err(MissingMandatoryScopes {
                missing: BTreeSet::from([scope.clone()]),
            })
        }
    }
    /// All granted scopes.
    pub fn iter(&self) -> impl Iterator<Item = &Scope> {
        self.granted.iter()
    }
}

fn list(scopes: &BTreeSet<Scope>) -> String {
    scopes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The scope part of a Cloud App's `manifest.json`: `capabilities.erp.api.scopes` and the
/// panes' `requiredScopes`. Unknown manifest fields are outside this type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestCapabilities {
    /// `capabilities`.
    pub capabilities: Capabilities,
}

/// `capabilities`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// `capabilities.erp`.
    pub erp: ErpCapability,
}

/// `capabilities.erp`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErpCapability {
    /// `capabilities.erp.api`.
    pub api: ApiCapability,
    /// `capabilities.erp.pane`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pane: Vec<Pane>,
}

/// `capabilities.erp.api`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiCapability {
    /// The scopes the app may use.
    pub scopes: BTreeSet<Scope>,
}

/// A pane of the App Shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pane {
    /// Title shown to the merchant.
    pub title: String,
    /// The page of the pane.
    pub url: String,
    /// Scopes the pane needs.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub required_scopes: BTreeSet<Scope>,
}

impl ManifestCapabilities {
    /// A manifest declaring `scopes`.
    pub fn with_scopes(scopes: impl IntoIterator<Item = Scope>) -> Self {
        let mut manifest = Self::default();
        manifest.capabilities.erp.api.scopes = scopes.into_iter().collect();
        manifest
    }

    /// Every pane's required scopes must be declared by the app.
    pub fn validate(&self) -> Result<(), String> {
        let declared = &self.capabilities.erp.api.scopes;
        let problems: Vec<String> = self
            .capabilities
            .erp
            .pane
            .iter()
            .flat_map(|pane| {
                pane.required_scopes
                    .difference(declared)
                    .map(move |s| format!("pane `{}` requires `{s}`, which capabilities.erp.api.scopes does not declare", pane.title))
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}
