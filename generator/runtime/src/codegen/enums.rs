//! The plumbing of generated enums. Each enum keeps its wire value in inherent methods
//! (`as_str`/`from_wire` for strings, `value`/`from_value`/`name`/`from_name` for integers);
//! [`str_enum!`](crate::codegen::str_enum) and [`int_enum!`](crate::codegen::int_enum) write
//! the trait implementations around them (`Serialize`, `Deserialize`, `QueryValue`), which
//! would otherwise be three `impl` blocks printed and compiled per enum (issue 23). Equality and
//! hashing are derived: a generated enum's `Unknown` holds only values the enum does not name,
//! so comparing variants is comparing wire values.

use std::fmt;

use serde::de::{self, Deserializer, Unexpected};

/// The trait implementations of a string enum with `as_str(&self) -> &str` and
/// `from_wire(&str) -> Self`: written as its wire string, read from any string (an unknown one
/// is kept), its query text the wire string.
#[doc(hidden)]
#[macro_export]
macro_rules! __codegen_str_enum {
    ($name:ident) => {
        $crate::__codegen_wire_enum!(
            $name,
            as_str,
            deserializer => $crate::codegen::deserialize_str_enum(deserializer, $name::from_wire)
        );
    };
}

/// The trait implementations of an integer enum with `value(self) -> i64`,
/// `from_value(i64) -> Self` and `from_name(&str) -> Option<Self>`: written as its integer, read
/// from an integer (an unknown one is kept) or from a name (some servers and mocks send the
/// name), its query text the integer.
#[doc(hidden)]
#[macro_export]
macro_rules! __codegen_int_enum {
    ($name:ident) => {
        $crate::__codegen_wire_enum!(
            $name,
            value,
            deserializer => $crate::codegen::deserialize_int_enum(
                deserializer,
                ::core::stringify!($name),
                $name::from_value,
                $name::from_name,
            )
        );
    };
}

/// What both kinds of enum share: written as their wire value (`$key`: `as_str` or `value`,
/// whose `Serialize` is `serialize_str` or `serialize_i64`), read by `$read` (the kind's own
/// rules, with `$deserializer` the deserializer), and their query text (the wire value again).
#[doc(hidden)]
#[macro_export]
macro_rules! __codegen_wire_enum {
    ($name:ident, $key:ident, $deserializer:ident => $read:expr) => {
        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::serde::Serialize::serialize(&self.$key(), serializer)
            }
        }
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                $deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $read
            }
        }
        $crate::__codegen_wire_value!($name, $key);
    };
}

/// The query text both kinds of enum write: their wire value (`$key`: `as_str` or `value`).
#[doc(hidden)]
#[macro_export]
macro_rules! __codegen_wire_value {
    ($name:ident, $key:ident) => {
        impl $crate::codegen::QueryValue for $name {
            fn query_text(&self) -> ::std::string::String {
                ::std::string::ToString::to_string(&self.$key())
            }
        }
    };
}

/// `Deserialize` of a string enum: any string, through `from_wire` (which keeps unknown ones).
pub fn deserialize_str_enum<'de, T, D: Deserializer<'de>>(
    deserializer: D,
    from_wire: fn(&str) -> T,
) -> Result<T, D::Error> {
    struct Visitor<T>(fn(&str) -> T);
    impl<T> de::Visitor<'_> for Visitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok((self.0)(v))
        }
    }
    deserializer.deserialize_str(Visitor(from_wire))
}

/// `Deserialize` of an integer enum named `name`: an integer through `from_value` (which keeps
/// unknown ones), or a name through `from_name` (an unknown name is an error).
pub fn deserialize_int_enum<'de, T, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    from_value: fn(i64) -> T,
    from_name: fn(&str) -> Option<T>,
) -> Result<T, D::Error> {
    struct Visitor<T> {
        name: &'static str,
        from_value: fn(i64) -> T,
        from_name: fn(&str) -> Option<T>,
    }
    impl<T> de::Visitor<'_> for Visitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "an integer (or the name) of {}", self.name)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            Ok((self.from_value)(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            i64::try_from(v)
                .map(self.from_value)
                .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            (self.from_name)(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
        }
    }
    deserializer.deserialize_any(Visitor {
        name,
        from_value,
        from_name,
    })
}
