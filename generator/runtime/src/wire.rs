//! Wire dialects: one Rust value, written in the casing each operation's schema declares.
//!
//! The vendor speaks the same model in camelCase on some endpoints and in PascalCase on others.
//! The generator emits one public type per concept and, for each casing a schema of that concept
//! uses, an implementation of [`WireSerialize`] for a dialect marker ([`Camel`], [`Pascal`],
//! [`Snake`], [`Declared`]). Those implementations write the keys of that schema, in its order,
//! straight into the serializer: no intermediate `serde_json::Value`, no re-casing of keys that
//! are data (maps keep their keys).
//!
//! Reading needs no dialect: every generated `Deserialize` accepts each declared key in any of
//! its spellings (and, as ASP.NET does, case-insensitively).

use std::collections::BTreeMap;
use std::marker::PhantomData;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// Keys in camelCase (`appId`): the 2.x endpoints.
#[derive(Debug, Clone, Copy)]
pub enum Camel {}
/// Keys in PascalCase (`AppId`): ERP API 1.0 and some 2.x endpoints.
#[derive(Debug, Clone, Copy)]
pub enum Pascal {}
/// Keys in snake_case (`access_token`): OAuth 2.0 bodies.
#[derive(Debug, Clone, Copy)]
pub enum Snake {}
/// Keys exactly as declared when they follow none of the casings above.
#[derive(Debug, Clone, Copy)]
pub enum Declared {}

/// Serialization of a value in dialect `D`.
pub trait WireSerialize<D> {
    /// Writes `self` with the keys of dialect `D`.
    fn wire_serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

/// A borrowed view that serializes `T` in dialect `D`.
pub struct Wire<'a, T: ?Sized, D>(&'a T, PhantomData<fn() -> D>);

impl<'a, T: ?Sized, D> Wire<'a, T, D> {
    /// Views `value` in dialect `D`.
    pub fn new(value: &'a T) -> Self {
        Self(value, PhantomData)
    }
}

impl<T: ?Sized + WireSerialize<D>, D> Serialize for Wire<'_, T, D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.wire_serialize(serializer)
    }
}

impl<T: WireSerialize<D>, D> WireSerialize<D> for [T] {
    fn wire_serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for item in self {
            seq.serialize_element(&Wire::<T, D>::new(item))?;
        }
        seq.end()
    }
}

impl<T: WireSerialize<D>, D> WireSerialize<D> for Vec<T> {
    fn wire_serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_slice().wire_serialize(serializer)
    }
}

impl<T: WireSerialize<D>, D> WireSerialize<D> for Box<T> {
    fn wire_serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).wire_serialize(serializer)
    }
}

/// A required key whose value may be `null` (OpenAPI's `nullable`, 3.1's `type: [T, "null"]`):
/// `None` is written as `null`.
impl<T: WireSerialize<D>, D> WireSerialize<D> for Option<T> {
    fn wire_serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&Wire::<T, D>::new(value)),
            None => serializer.serialize_none(),
        }
    }
}

/// Map keys are data: they are written as they are, only the values take the dialect.
impl<T: WireSerialize<D>, D> WireSerialize<D> for BTreeMap<String, T> {
    fn wire_serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self {
            map.serialize_entry(key, &Wire::<T, D>::new(value))?;
        }
        map.end()
    }
}
