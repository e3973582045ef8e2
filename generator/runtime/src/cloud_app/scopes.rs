//! API scopes as the platform writes them: the exact strings an app asks for and is granted, with
//! typed helpers for the guides' `area.read|write|print` grammar and lints that never block.
//!
//! The platform, not the client, decides which scope names exist: it refuses unknown ones when an
//! app registers. Real names are wider than the guides' grammar (`customer.createcustomer`,
//! `Application.RunAs`, the upstream typo `cusomters.read`, the undotted `productRead` of the
//! vendor's demo manifest), so a [`Scope`] keeps its string exactly as written and is refused only
//! when it cannot be a scope on the wire at all: empty, or holding whitespace or control
//! characters. Everything else the guides would frown upon is a [`ScopeLint`], queried on demand.

use std::borrow::Borrow;
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The scope the `x-runas` header needs (`Context::run_as`).
pub const RUN_AS: &str = "Application.RunAs";

/// The permission words of the guides. `write` does not imply `read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Permission {
    /// `read`: GET requests.
    Read,
    /// `write`: POST, PATCH and DELETE requests.
    Write,
    /// `print`: PDF and print endpoints.
    Print,
}

impl Permission {
    /// The permission an HTTP method needs (print endpoints are documented per operation, so a
    /// method alone never yields [`Permission::Print`]).
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

    /// The word as scopes spell it: `read`, `write`, `print`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Print => "print",
        }
    }

    /// The permission a scope's action names, spelled exactly as the guides do.
    fn from_word(word: &str) -> Option<Self> {
        [Self::Read, Self::Write, Self::Print]
            .into_iter()
            .find(|p| p.as_str() == word)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One scope, kept exactly as written: `items.read`, `customer.createcustomer`,
/// `Application.RunAs`, `productRead`. Equal, ordered and hashed as its string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope(String);

/// Why a string cannot be sent as a scope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} cannot be a scope: {kind}")]
pub struct ScopeError {
    input: String,
    kind: ScopeErrorKind,
}

/// What makes a string unusable as a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeErrorKind {
    /// The empty string.
    #[error("it is empty")]
    Empty,
    /// Whitespace: the platform's lists and the merchant's dialog separate names by it.
    #[error("it contains whitespace (U+{:04X}) at character {position}", *.character as u32)]
    Whitespace {
        /// The character.
        character: char,
        /// Its index among the string's characters, from 0.
        position: usize,
    },
    /// A control character, which no header, log line or dialog shows faithfully.
    #[error("it contains a control character (U+{:04X}) at character {position}", *.character as u32)]
    Control {
        /// The character.
        character: char,
        /// Its index among the string's characters, from 0.
        position: usize,
    },
}

impl ScopeError {
    /// The refused string.
    pub fn input(&self) -> &str {
        &self.input
    }
    /// Why it was refused.
    pub fn kind(&self) -> ScopeErrorKind {
        self.kind
    }
}

/// Something the guides would not write, reported on demand and never refused: the platform
/// decides whether the name exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeLint {
    /// No `.`: an opaque or legacy name such as `productRead`.
    #[error("no `.` between area and action (an opaque or legacy name)")]
    Undotted,
    /// A `.` with nothing before or after it.
    #[error("an empty area or action around the last `.`")]
    EmptyPart,
    /// The action is not a permission word of the guides (`read`, `write`, `print`), e.g.
    /// `createcustomer`, or `READ` in another case.
    #[error("`{action}` is not a permission word of the guides (read, write, print)")]
    UnknownPermission {
        /// The part after the last `.`.
        action: String,
    },
}

impl Scope {
    /// A scope from its exact string; refused only when it cannot be sent as one.
    pub fn new(name: impl Into<String>) -> Result<Self, ScopeError> {
        let name = name.into();
        let fail = |kind| ScopeError {
            input: name.clone(),
            kind,
        };
        if name.is_empty() {
            return Err(fail(ScopeErrorKind::Empty));
        }
        for (position, character) in name.chars().enumerate() {
            if character.is_whitespace() {
                return Err(fail(ScopeErrorKind::Whitespace {
                    character,
                    position,
                }));
            }
            if character.is_control() {
                return Err(fail(ScopeErrorKind::Control {
                    character,
                    position,
                }));
            }
        }
        Ok(Self(name))
    }

    /// `area.permission`, e.g. `Scope::with_permission("items", Permission::Print)` is
    /// `items.print`.
    pub fn with_permission(area: &str, permission: Permission) -> Result<Self, ScopeError> {
        Self::new(format!("{area}.{permission}"))
    }

    /// `area.read`.
    pub fn read(area: &str) -> Result<Self, ScopeError> {
        Self::with_permission(area, Permission::Read)
    }

    /// `area.write`.
    pub fn write(area: &str) -> Result<Self, ScopeError> {
        Self::with_permission(area, Permission::Write)
    }

    /// `area.print`.
    pub fn print(area: &str) -> Result<Self, ScopeError> {
        Self::with_permission(area, Permission::Print)
    }

    /// `Application.RunAs`, which the `x-runas` header needs.
    pub fn run_as() -> Self {
        Self(RUN_AS.to_owned())
    }

    /// The scope as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the last `.` (`customer` of `customer.createcustomer`); `None` for an
    /// undotted name.
    pub fn area(&self) -> Option<&str> {
        self.0.rsplit_once('.').map(|(area, _)| area)
    }

    /// The part after the last `.` (`createcustomer`, `RunAs`, `read`); `None` for an undotted
    /// name.
    pub fn action(&self) -> Option<&str> {
        self.0.rsplit_once('.').map(|(_, action)| action)
    }

    /// The permission word of the action, when it is one of the guides' (spelled exactly).
    pub fn permission(&self) -> Option<Permission> {
        self.action().and_then(Permission::from_word)
    }

    /// Whether this is the scope `x-runas` needs.
    pub fn is_run_as(&self) -> bool {
        self.0 == RUN_AS
    }

    /// What the guides would not write. Empty for `items.read` and `Application.RunAs`.
    pub fn lints(&self) -> Vec<ScopeLint> {
        let Some((area, action)) = self.0.rsplit_once('.') else {
            return vec![ScopeLint::Undotted];
        };
        let mut lints = Vec::new();
        if area.is_empty() || action.is_empty() {
            lints.push(ScopeLint::EmptyPart);
        }
        if !action.is_empty() && Permission::from_word(action).is_none() && !self.is_run_as() {
            lints.push(ScopeLint::UnknownPermission {
                action: action.to_owned(),
            });
        }
        lints
    }

    /// The string, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl FromStr for Scope {
    type Err = ScopeError;
    fn from_str(input: &str) -> Result<Self, ScopeError> {
        Self::new(input)
    }
}

impl TryFrom<String> for Scope {
    type Error = ScopeError;
    fn try_from(input: String) -> Result<Self, ScopeError> {
        Self::new(input)
    }
}

impl AsRef<str> for Scope {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Scopes compare as their strings, so sets of them can be searched with a `&str`.
impl Borrow<str> for Scope {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::new(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// Parses a list of scope strings, naming every one that cannot be sent.
pub fn parse_scopes<'a>(
    items: impl IntoIterator<Item = &'a str>,
) -> Result<BTreeSet<Scope>, Vec<ScopeError>> {
    let mut good = BTreeSet::new();
    let mut bad = Vec::new();
    for item in items {
        match Scope::new(item) {
            Ok(scope) => {
                good.insert(scope);
            }
            Err(error) => bad.push(error),
        }
    }
    if bad.is_empty() { Ok(good) } else { Err(bad) }
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

/// The scopes an app was granted, exactly as the server wrote them, checked against what it
/// asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GrantedScopes {
    /// In the server's order; a string the client does not understand is still a grant.
    granted: Vec<String>,
    /// Optional scopes the merchant did not grant: features to switch off.
    pub missing_optional: BTreeSet<Scope>,
}

impl RequestedScopes {
    /// Parses the two lists of a registration request.
    pub fn parse<'a>(
        mandatory: impl IntoIterator<Item = &'a str>,
        optional: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, Vec<ScopeError>> {
        match (parse_scopes(mandatory), parse_scopes(optional)) {
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

    /// Compares a grant with the request, string by string as the server wrote them: a missing
    /// mandatory scope is an error, missing optional ones are reported.
    pub fn check_granted<'a>(
        &self,
        granted: impl IntoIterator<Item = &'a str>,
    ) -> Result<GrantedScopes, MissingMandatoryScopes> {
        let granted = GrantedScopes::from_grant(granted);
        let missing: BTreeSet<Scope> = self
            .mandatory
            .iter()
            .filter(|s| !granted.contains(s))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(MissingMandatoryScopes { missing });
        }
        let missing_optional = self
            .optional
            .iter()
            .filter(|s| !granted.contains(s))
            .cloned()
            .collect();
        Ok(GrantedScopes {
            missing_optional,
            ..granted
        })
    }
}

impl GrantedScopes {
    /// A grant as the server listed it (e.g. stored from an earlier registration), with no
    /// request to compare it with.
    pub fn from_grant<S: AsRef<str>>(granted: impl IntoIterator<Item = S>) -> Self {
        Self {
            granted: granted.into_iter().map(|s| s.as_ref().to_owned()).collect(),
            missing_optional: BTreeSet::new(),
        }
    }

    /// Whether the server listed exactly this string.
    pub fn contains(&self, scope: impl AsRef<str>) -> bool {
        let scope = scope.as_ref();
        self.granted.iter().any(|g| g == scope)
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

    /// Whether requests may act for another user (`x-runas`, `Context::run_as`): the grant
    /// holds `Application.RunAs`.
    pub fn allows_run_as(&self) -> bool {
        self.contains(RUN_AS)
    }

    /// Every granted string, in the server's order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.granted.iter().map(String::as_str)
    }
}

fn list(scopes: &BTreeSet<Scope>) -> String {
    scopes
        .iter()
        .map(Scope::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}
