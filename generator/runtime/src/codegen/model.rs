//! The plumbing of generated models. A generated model is its struct (with its documentation)
//! and one [`model!`](crate::codegen::model) line per field and casing; the macro writes its
//! [`Model`] (name, keys in every spelling, [`Model::from_map`]), its `Deserialize`
//! ([`deserialize_model`]) and one `WireSerialize` per casing ([`StructWriter`]). The loops and
//! checks are generic code here, written once instead of once per model: the generator prints
//! less and the generated crate compiles less (issue 23).

/// The implementations of a generated model (its struct is written out, with its docs):
///
/// ```text
/// model! {
///     Name { 0 field ["Key", "otherSpelling"], 1 other ["Other"] }
///     new(field: String; other)
///     with { with_field field: String, with_other other: Vec<Inner> = Some }
///     Pascal { field field "Key", optional other "Other" }
///     Camel { field field "key", optional_nested(Camel) other "other" }
/// }
/// ```
///
/// The first group lists the fields in field order, each with its index and the spellings of
/// its key (the first is named in errors). `new` lists the required fields with their types
/// (the constructor's arguments, each taken as `impl Into<T>`), then the optional ones (set to
/// `None`). `with` names one chainable setter per field (`= Some` for an optional one). Then
/// one group per casing the model is written in, each naming the keys of that casing's schema
/// in its order and how each is written (a method of [`StructWriter`]: `field`, `optional`,
/// `nested(Casing)`, `optional_nested(Casing)`); the first casing is also the model's
/// `Serialize` (the casing of its first member schema, which the document declares). A
/// missing key is an error unless the field is an `Option` ([`Fields::finish`]). One arm, no
/// inner macro calls: each expansion costs the generated crate's build time.
#[doc(hidden)]
#[macro_export]
macro_rules! __codegen_model {
    (
        $name:ident { $($i:literal $field:ident [$($key:literal),+]),* $(,)? }
        new($($arg:ident : $aty:ty),* ; $($none:ident),*)
        with { $($with:ident $sfield:ident : $sty:ty $(= $wrap:ident)?),* $(,)? }
        $first:ident { $($fhow:ident $(($fnested:ident))? $ffield:ident $fkey:literal),* $(,)? }
        $($casing:ident { $($how:ident $(($nested:ident))? $wfield:ident $wkey:literal),* $(,)? })*
    ) => {
        impl $name {
            /// A value of the required fields (in field order); every optional field is `None`.
            #[allow(clippy::too_many_arguments)]
            pub fn new($($arg: impl ::core::convert::Into<$aty>),*) -> Self {
                Self { $($arg: $arg.into(),)* $($none: ::core::option::Option::None,)* }
            }
            $(
                #[doc = ::core::concat!(
                    "Sets `", ::core::stringify!($sfield), "`"
                    $(, " (to `", ::core::stringify!($wrap), "`)")?, "."
                )]
                pub fn $with(mut self, value: impl ::core::convert::Into<$sty>) -> Self {
                    self.$sfield = $($wrap)?(value.into());
                    self
                }
            )*
        }
        impl $crate::codegen::Model for $name {
            const NAME: &'static str = ::core::stringify!($name);
            const KEYS: &'static [&'static [&'static str]] = &[$(&[$($key),+]),*];
            fn from_map<'de, A: $crate::serde::de::MapAccess<'de>>(
                mut fields: $crate::codegen::Fields<'de, Self, A>,
            ) -> ::core::result::Result<Self, A::Error> {
                $(let mut $field = ::core::option::Option::None;)*
                while let ::core::option::Option::Some(index) = fields.next_field()? {
                    match index {
                        $($i => fields.read(&mut $field)?,)*
                        _ => {}
                    }
                }
                ::core::result::Result::Ok(Self { $($field: fields.finish($field, $i)?),* })
            }
        }
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::codegen::deserialize_model(deserializer)
            }
        }
        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::wire::WireSerialize::<$crate::wire::$first>::wire_serialize(self, serializer)
            }
        }
        impl $crate::wire::WireSerialize<$crate::wire::$first> for $name {
            fn wire_serialize<S: $crate::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                let len = 0 $(+ $crate::codegen::count::$fhow(&self.$ffield))*;
                let mut out = $crate::codegen::StructWriter::new(
                    serializer,
                    ::core::stringify!($name),
                    len,
                )?;
                $(out.$fhow $(::<$crate::wire::$fnested, _>)? ($fkey, &self.$ffield)?;)*
                out.end()
            }
        }
        $(impl $crate::wire::WireSerialize<$crate::wire::$casing> for $name {
            fn wire_serialize<S: $crate::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                let len = 0 $(+ $crate::codegen::count::$how(&self.$wfield))*;
                let mut out = $crate::codegen::StructWriter::new(
                    serializer,
                    ::core::stringify!($name),
                    len,
                )?;
                $(out.$how $(::<$crate::wire::$nested, _>)? ($wkey, &self.$wfield)?;)*
                out.end()
            }
        })*
    };
}

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::wire::{Wire, WireSerialize};

/// A generated model: its name (for error messages), the spellings of its keys, and how it is
/// read from the keys of a JSON object.
pub trait Model: Sized {
    /// The model's name, as errors say it (`a Translation object`).
    const NAME: &'static str;
    /// One entry per field, in field order, each with every spelling of its key (the first is
    /// the one named in errors).
    const KEYS: &'static [&'static [&'static str]];

    /// Reads the model from `fields`: a loop over [`Fields::next_field`] that [`Fields::read`]s each
    /// field's value into its slot, then the model from the slots ([`Fields::finish`]).
    fn from_map<'de, A: MapAccess<'de>>(fields: Fields<'de, Self, A>) -> Result<Self, A::Error>;
}

/// `Deserialize` of a [`Model`]: a JSON object whose keys may come in any declared spelling (or
/// in any ASCII case, as ASP.NET reads them); unknown keys are skipped, a key given twice (in
/// whatever spellings) and a missing required key are errors naming the key.
pub fn deserialize_model<'de, T: Model, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    struct Visitor<T>(PhantomData<fn() -> T>);
    impl<'de, T: Model> de::Visitor<'de> for Visitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a {} object", T::NAME)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_map(Fields {
                map,
                current: 0,
                marker: PhantomData,
            })
        }
    }
    deserializer.deserialize_map(Visitor(PhantomData))
}

/// The keys of one JSON object, read as the fields of model `T`.
pub struct Fields<'de, T, A> {
    map: A,
    /// The field of the key [`Fields::next_field`] returned last.
    current: usize,
    marker: PhantomData<fn(&'de ()) -> T>,
}

impl<'de, T: Model, A: MapAccess<'de>> Fields<'de, T, A> {
    /// The index of the field the next declared key names; keys of no field are skipped with
    /// their values. `None` after the last key.
    #[inline]
    pub fn next_field(&mut self) -> Result<Option<usize>, A::Error> {
        while let Some(FieldKey(index, _)) = self.map.next_key::<FieldKey<T>>()? {
            match index {
                Some(index) => {
                    self.current = index;
                    return Ok(Some(index));
                }
                None => {
                    self.map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(None)
    }

    /// The value of the key [`Fields::next_field`] returned, into the field's `slot`; an error when
    /// the slot is filled already (the key came twice, in whatever spellings).
    #[inline]
    pub fn read<V: Deserialize<'de>>(&mut self, slot: &mut Option<V>) -> Result<(), A::Error> {
        if slot.is_some() {
            return Err(de::Error::duplicate_field(T::KEYS[self.current][0]));
        }
        *slot = Some(self.map.next_value()?);
        Ok(())
    }

    /// The value of field `index` from its slot. When the object had no such key, an `Option`
    /// field is `None` and any other field is an error naming the key (serde's own rule for
    /// missing fields).
    #[inline]
    pub fn finish<V: Deserialize<'de>>(
        &self,
        slot: Option<V>,
        index: usize,
    ) -> Result<V, A::Error> {
        match slot {
            Some(value) => Ok(value),
            None => V::deserialize(Missing(T::KEYS[index][0], PhantomData)),
        }
    }
}

/// The value of a key the object does not have: `None` to an `Option`, a missing-field error to
/// any other type.
struct Missing<E>(&'static str, PhantomData<fn() -> E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: de::Visitor<'de>>(self, _: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// How many keys a field writes, by the [`StructWriter`] method that writes it: the length
/// `serialize_struct` is told.
pub mod count {
    /// A field written always.
    #[inline]
    pub fn field<T: ?Sized>(_: &T) -> usize {
        1
    }
    /// An optional field, written when `Some`.
    #[inline]
    pub fn optional<T>(value: &Option<T>) -> usize {
        usize::from(value.is_some())
    }
    /// A field of models, written always.
    #[inline]
    pub fn nested<T: ?Sized>(_: &T) -> usize {
        1
    }
    /// An optional field of models, written when `Some`.
    #[inline]
    pub fn optional_nested<T>(value: &Option<T>) -> usize {
        usize::from(value.is_some())
    }
}

/// A map key of model `T`: the index of the field it names, or `None` for an unknown key.
struct FieldKey<T>(Option<usize>, PhantomData<fn() -> T>);

impl<T: Model> FieldKey<T> {
    /// Finds the field a key names: an exact spelling first, then ignoring ASCII case.
    fn lookup(key: &str) -> Option<usize> {
        T::KEYS
            .iter()
            .position(|spellings| spellings.contains(&key))
            .or_else(|| {
                T::KEYS
                    .iter()
                    .position(|spellings| spellings[0].eq_ignore_ascii_case(key))
            })
    }
}

impl<'de, T: Model> Deserialize<'de> for FieldKey<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(PhantomData<fn() -> T>);
        impl<T: Model> de::Visitor<'_> for Visitor<T> {
            type Value = FieldKey<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
                Ok(FieldKey(FieldKey::<T>::lookup(key), PhantomData))
            }
            fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
                Ok(FieldKey(
                    std::str::from_utf8(key)
                        .ok()
                        .and_then(FieldKey::<T>::lookup),
                    PhantomData,
                ))
            }
        }
        deserializer.deserialize_identifier(Visitor(PhantomData))
    }
}

/// Writes a model's keys in one casing, in the schema's order: the body of every generated
/// `WireSerialize`, one line per field. Absent optional fields are left out, and models inside
/// are written in the casing their own schema declares.
pub struct StructWriter<S: Serializer>(S::SerializeStruct);

impl<S: Serializer> StructWriter<S> {
    /// Starts a struct of `len` fields (those that will be written) named `name`.
    #[inline]
    pub fn new(serializer: S, name: &'static str, len: usize) -> Result<Self, S::Error> {
        serializer.serialize_struct(name, len).map(Self)
    }

    /// A field written by its own `Serialize`.
    #[inline]
    pub fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        self.0.serialize_field(key, value)
    }

    /// An optional field: written when `Some`, left out when `None`.
    #[inline]
    pub fn optional<T: Serialize>(
        &mut self,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), S::Error> {
        match value {
            Some(value) => self.0.serialize_field(key, value),
            None => Ok(()),
        }
    }

    /// A field holding models, written in casing `D`.
    #[inline]
    pub fn nested<D, T: WireSerialize<D> + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        self.0.serialize_field(key, &Wire::<T, D>::new(value))
    }

    /// An optional field holding models, written in casing `D` when `Some`.
    #[inline]
    pub fn optional_nested<D, T: WireSerialize<D>>(
        &mut self,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), S::Error> {
        match value {
            Some(value) => self.0.serialize_field(key, &Wire::<T, D>::new(value)),
            None => Ok(()),
        }
    }

    /// Ends the struct.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}
