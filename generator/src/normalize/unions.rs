//! Unions: a `oneOf`/`anyOf` that is not all scalars becomes one Rust enum ([`UnionDef`]) with
//! a variant per alternative, named after the referenced schema (inline alternatives: after
//! their tag value, their single property, or their type; `Variant{n}` else).
//!
//! Internally tagged where the schema declares a `discriminator` (its `mapping`, or the schema
//! names where it has none) or, like typify, where every alternative is an object that requires
//! one property declared as a string of a single value, distinct per alternative (how Dropshot
//! writes Rust enums); a value whose tag is missing or unknown is tried against the variants
//! in order (servers and mocks send tags the document does not list). Untagged otherwise: the alternatives are tried in declaration order,
//! except that those that accept (almost) any value go last: first objects without a required
//! property and maps, then strings and string enums (an enum keeps unknown strings); a tie keeps
//! the declaration order. `nullable` (or a `type: 'null'` alternative) makes it an `Option`.
//! An alternative the generator cannot type (`{}`, `not`, …) keeps the whole union JSON, with a
//! warning naming the alternative.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::{SCHEMA_PREFIX, Schemas, Site, object_props};
use crate::diagnostics::{Diagnostic, Kind, Sink, escape_token};
use crate::ir::{EnumKind, Ty, UnionDef, UnionVariant};
use crate::json_pointer::unescape_token;
use crate::normalize::naming::{first_free, type_name};

impl Schemas<'_> {
    /// The union at `site`: `None` (nothing registered, nothing reported) when an alternative
    /// cannot be typed; the warning saying which is pushed to `sink`.
    pub(super) fn union(
        &mut self,
        schema: &Schema,
        parts: &[ReferenceOr<Schema>],
        any_of: bool,
        site: &Site<'_>,
        sink: &mut Sink,
    ) -> Option<Ty> {
        if let Some(index) = self.union_at(site.doc, &site.pointer) {
            return Some(Ty::Union(index));
        }
        let file = self.docs[site.doc].file.clone();
        let keyword = if any_of { "anyOf" } else { "oneOf" };
        let mut nullable = schema.schema_data.nullable;
        let mut alternatives: Vec<(usize, &ReferenceOr<Schema>)> = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            if is_null(part) {
                nullable = true;
            } else {
                alternatives.push((i, part));
            }
        }
        let tagging = self.tagging(schema, &alternatives, site.doc);
        let (members, enums, unions) = (self.members.len(), self.enums.len(), self.unions.len());
        // Registered first: an alternative may lead back here (a recursive type).
        self.unions.push(UnionDef {
            name: self.free_union_name(&site.name),
            description: schema.schema_data.description.clone(),
            doc: site.doc,
            pointer: site.pointer.clone(),
            tag: tagging.as_ref().map(|(tag, _)| tag.clone()),
            nullable,
            any_of,
            variants: Vec::new(),
        });
        let mut scratch = Sink::default();
        let mut variants: Vec<UnionVariant> = Vec::new();
        let mut lost = None;
        for (n, &(i, part)) in alternatives.iter().enumerate() {
            let tags = tagging
                .as_ref()
                .map(|(_, tags)| tags[n].clone())
                .unwrap_or_default();
            let base = self.variant_base(part, &tags, i, site.doc);
            let name = first_free([base.clone()], &base, "", |candidate| {
                variants.iter().any(|v| v.name == candidate)
            });
            let part_site = site.child(format!("{}/{keyword}/{i}", site.pointer), &name);
            let ty = self.ty_of(part, &part_site, &mut scratch);
            if ty == Ty::Json {
                lost = Some(format!(
                    "alternative {i} of a {keyword} has no Rust type (it accepts any JSON), so the union is kept as serde_json::Value"
                ));
                break;
            }
            variants.push(UnionVariant {
                name,
                ty,
                tags,
                declared: i,
            });
        }
        if variants.is_empty() && lost.is_none() {
            lost = Some(format!(
                "a {keyword} without alternatives is kept as serde_json::Value"
            ));
        }
        if let Some(message) = lost {
            self.members.truncate(members);
            self.enums.truncate(enums);
            self.unions.truncate(unions);
            sink.push(Diagnostic::warning(
                &file,
                site.pointer.clone(),
                Kind::KeptAsJson,
                message,
            ));
            return None;
        }
        for diagnostic in scratch.into_warnings() {
            sink.push(diagnostic);
        }
        if tagging.is_none() {
            // Stable: a tie keeps the declaration order.
            variants.sort_by_key(|v| self.catch_all_rank(&v.ty));
        }
        self.unions[unions].variants = variants;
        Some(Ty::Union(unions))
    }

    /// A union of scalars and enums, not nullable: it fits a path segment, query string or
    /// header (the enum implements `QueryValue` by its variant's).
    pub(in crate::normalize) fn is_scalar_union(&self, index: usize) -> bool {
        let union = &self.unions[index];
        !union.nullable && union.variants.iter().all(|v| is_scalar(&v.ty))
    }

    pub(super) fn union_at(&self, doc: usize, pointer: &str) -> Option<usize> {
        self.unions
            .iter()
            .position(|u| u.doc == doc && u.pointer == pointer)
    }

    /// `base`, or `base2`, … when another union has that name (concepts and enums are settled
    /// after unification).
    fn free_union_name(&self, base: &str) -> String {
        let base = if base.is_empty() { "Union" } else { base };
        first_free([base.to_owned()], base, "", |name| {
            self.unions.iter().any(|u| u.name == name)
        })
    }

    /// How much of the input an alternative takes: 0 most values fail, 1 any object (a model
    /// without required properties, a map), 2 any string (strings, string enums with their
    /// `Unknown`).
    fn catch_all_rank(&self, ty: &Ty) -> u8 {
        match ty {
            Ty::String | Ty::Secret | Ty::Binary => 2,
            Ty::Enum(i) if matches!(self.enums[*i].kind, EnumKind::Str(_)) => 2,
            Ty::Map(_) => 1,
            Ty::Concept(key) => {
                let requires = self
                    .members
                    .iter()
                    .find(|m| &m.key == key)
                    .is_some_and(|m| m.props.iter().any(|p| p.required));
                u8::from(!requires)
            }
            _ => 0,
        }
    }

    /// The tag property and, per alternative, the tag values selecting it: from the
    /// discriminator, else inferred; `None` for an untagged union.
    fn tagging(
        &self,
        schema: &Schema,
        alternatives: &[(usize, &ReferenceOr<Schema>)],
        doc: usize,
    ) -> Option<(String, Vec<Vec<String>>)> {
        let consts: Vec<Vec<(String, String)>> = alternatives
            .iter()
            .map(|(_, part)| self.constant_props(part, doc))
            .collect();
        if let Some(discriminator) = &schema.schema_data.discriminator {
            let tag = &discriminator.property_name;
            let tags: Option<Vec<Vec<String>>> = alternatives
                .iter()
                .zip(&consts)
                .map(|((_, part), consts)| {
                    let mut values: Vec<String> = Vec::new();
                    if let ReferenceOr::Reference { reference } = part {
                        let name = reference.strip_prefix(SCHEMA_PREFIX)?;
                        values.extend(
                            discriminator
                                .mapping
                                .iter()
                                .filter(|(_, target)| {
                                    target.strip_prefix(SCHEMA_PREFIX).unwrap_or(target) == name
                                })
                                .map(|(value, _)| value.clone()),
                        );
                        if discriminator.mapping.is_empty() || values.is_empty() {
                            // The implicit mapping: the schema's name.
                            values.push(unescape_token(name));
                        }
                    } else if let Some((_, value)) = consts.iter().find(|(k, _)| k == tag) {
                        values.push(value.clone());
                    }
                    (!values.is_empty()).then_some(values)
                })
                .collect();
            if let Some(tags) = tags
                && all_distinct(&tags)
            {
                return Some((tag.clone(), tags));
            }
        }
        let first = consts.first()?;
        for (key, _) in first {
            let tags: Option<Vec<Vec<String>>> = consts
                .iter()
                .map(|c| {
                    c.iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| vec![v.clone()])
                })
                .collect();
            if let Some(tags) = tags
                && all_distinct(&tags)
            {
                return Some((key.clone(), tags));
            }
        }
        None
    }

    /// Required properties of an object alternative declared as a string of one value.
    fn constant_props(&self, part: &ReferenceOr<Schema>, doc: usize) -> Vec<(String, String)> {
        let Some((schema, pointer)) = self.resolved(part, doc) else {
            return Vec::new();
        };
        let Some(props) = object_props(self.docs, doc, schema, &pointer, 0) else {
            return Vec::new();
        };
        props
            .iter()
            .filter(|p| p.required && !p.undeclared)
            .filter_map(|p| {
                let value = match p.schema {
                    ReferenceOr::Item(item) => single_string(item),
                    ReferenceOr::Reference { reference } => self
                        .resolved(
                            &ReferenceOr::Reference {
                                reference: reference.clone(),
                            },
                            doc,
                        )
                        .and_then(|(s, _)| single_string(s)),
                }?;
                Some((p.key.clone(), value))
            })
            .collect()
    }

    /// The schema an alternative is (a component for a reference) and its pointer.
    fn resolved<'s>(
        &'s self,
        part: &'s ReferenceOr<Schema>,
        doc: usize,
    ) -> Option<(&'s Schema, String)> {
        match part {
            ReferenceOr::Item(item) => Some((item, String::new())),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix(SCHEMA_PREFIX)?;
                let name = unescape_token(name);
                match self.docs[doc].api.components.as_ref()?.schemas.get(&name)? {
                    ReferenceOr::Item(item) => {
                        Some((item, format!("/components/schemas/{}", escape_token(&name))))
                    }
                    ReferenceOr::Reference { .. } => None,
                }
            }
        }
    }

    /// The name an alternative's variant starts from.
    fn variant_base(
        &self,
        part: &ReferenceOr<Schema>,
        tags: &[String],
        index: usize,
        doc: usize,
    ) -> String {
        if let ReferenceOr::Reference { reference } = part
            && let Some(name) = reference.strip_prefix(SCHEMA_PREFIX)
        {
            return type_name(&unescape_token(name));
        }
        if let Some(tag) = tags.first() {
            return type_name(tag);
        }
        let ReferenceOr::Item(item) = part else {
            return format!("Variant{index}");
        };
        // `{allOf: [$ref]}`: the reference's name.
        if let SchemaKind::AllOf { all_of } = &item.schema_kind
            && let [ReferenceOr::Reference { reference }] = all_of.as_slice()
            && let Some(name) = reference.strip_prefix(SCHEMA_PREFIX)
        {
            return type_name(&unescape_token(name));
        }
        // `{Name: {...}}`: an externally tagged variant.
        if let Some(props) = object_props(self.docs, doc, item, "", 0)
            && let [prop] = props.as_slice()
        {
            return type_name(&prop.key);
        }
        if let Some(title) = &item.schema_data.title {
            return type_name(title);
        }
        match &item.schema_kind {
            SchemaKind::Type(Type::String(s)) => match &s.format {
                openapiv3::VariantOrUnknownOrEmpty::Item(f) => type_name(&format!("{f:?}")),
                openapiv3::VariantOrUnknownOrEmpty::Unknown(f) => type_name(f),
                openapiv3::VariantOrUnknownOrEmpty::Empty => "Text".to_owned(),
            },
            SchemaKind::Type(Type::Integer(_)) => "Integer".to_owned(),
            SchemaKind::Type(Type::Number(_)) => "Number".to_owned(),
            SchemaKind::Type(Type::Boolean(_)) => "Boolean".to_owned(),
            SchemaKind::Type(Type::Array(_)) => "List".to_owned(),
            SchemaKind::Type(Type::Object(_)) => "Object".to_owned(),
            _ => format!("Variant{index}"),
        }
    }
}

/// A type whose values have a text of their own (`QueryValue`).
pub(crate) fn is_scalar(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::String
            | Ty::Bool
            | Ty::I32
            | Ty::I64
            | Ty::F64
            | Ty::Uuid
            | Ty::Date
            | Ty::DateTime
            | Ty::Enum(_)
    )
}

/// `{type: 'null'}` (OpenAPI 3.1 style) or `{enum: [null]}`.
fn is_null(part: &ReferenceOr<Schema>) -> bool {
    match part {
        ReferenceOr::Item(item) => match &item.schema_kind {
            SchemaKind::Any(any) => {
                any.typ.as_deref() == Some("null")
                    || (!any.enumeration.is_empty() && any.enumeration.iter().all(|v| v.is_null()))
            }
            _ => false,
        },
        ReferenceOr::Reference { .. } => false,
    }
}

/// The value of a string schema of exactly one value.
fn single_string(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => match s.enumeration.as_slice() {
            [Some(value)] => Some(value.clone()),
            _ => None,
        },
        _ => None,
    }
}

fn all_distinct(tags: &[Vec<String>]) -> bool {
    let all: Vec<&String> = tags.iter().flatten().collect();
    all.iter().enumerate().all(|(i, t)| !all[..i].contains(t))
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, Ty, UnionDef};
    use crate::normalize::test_support::{doc, normalize_schemas, normalize_yaml};

    fn union_of<'a>(api: &'a Api, name: &str) -> &'a UnionDef {
        api.unions
            .iter()
            .find(|u| u.name == name)
            .unwrap_or_else(|| panic!("no union {name}: {:?}", api.unions))
    }

    fn variants(union: &UnionDef) -> Vec<(&str, Vec<&str>)> {
        union
            .variants
            .iter()
            .map(|v| (v.name.as_str(), v.tags.iter().map(String::as_str).collect()))
            .collect()
    }

    const PETS: &str = "    Cat: {type: object, required: [petType, lives], properties: {petType: {type: string}, lives: {type: integer}}}\n    Dog: {type: object, required: [petType], properties: {petType: {type: string}, bark: {type: string}}}\n";

    #[test]
    fn a_discriminator_tags_by_its_mapping_or_by_the_schema_names() {
        let api = normalize_schemas(&format!(
            "{PETS}    Mapped: {{oneOf: [{{$ref: '#/components/schemas/Cat'}}, {{$ref: '#/components/schemas/Dog'}}], discriminator: {{propertyName: petType, mapping: {{c: Cat, d: '#/components/schemas/Dog', kitty: Cat}}}}}}\n    Implicit: {{oneOf: [{{$ref: '#/components/schemas/Cat'}}, {{$ref: '#/components/schemas/Dog'}}], discriminator: {{propertyName: petType}}}}\n    Owner: {{type: object, properties: {{a: {{$ref: '#/components/schemas/Mapped'}}, b: {{$ref: '#/components/schemas/Implicit'}}}}}}\n"
        ));
        let mapped = union_of(&api, "Mapped");
        assert_eq!(mapped.tag.as_deref(), Some("petType"));
        assert_eq!(
            variants(mapped),
            [("Cat", vec!["c", "kitty"]), ("Dog", vec!["d"])]
        );
        let implicit = union_of(&api, "Implicit");
        assert_eq!(
            variants(implicit),
            [("Cat", vec!["Cat"]), ("Dog", vec!["Dog"])]
        );
        assert!(!implicit.nullable);
    }

    #[test]
    fn dropshot_enums_are_tagged_by_their_single_valued_property() {
        let api = normalize_schemas(
            "    Target:\n      oneOf:\n        - {type: object, required: [type, value], properties: {type: {type: string, enum: [ip]}, value: {type: string}}}\n        - {type: object, required: [type], properties: {type: {type: string, enum: [any_host]}}}\n    Rule: {type: object, properties: {target: {$ref: '#/components/schemas/Target'}}}\n",
        );
        let target = union_of(&api, "Target");
        assert_eq!(target.tag.as_deref(), Some("type"));
        assert_eq!(
            variants(target),
            [("Ip", vec!["ip"]), ("AnyHost", vec!["any_host"])]
        );
        // Inline alternatives become models named after the union and the variant.
        let Ty::Concept(key) = &target.variants[0].ty else {
            panic!("{:?}", target.variants[0].ty)
        };
        assert_eq!(key.name, "TargetIp");
    }

    #[test]
    fn untagged_unions_try_catch_alls_last_and_null_makes_them_nullable() {
        let api = normalize_schemas(&format!(
            "{PETS}    Loose: {{type: object, properties: {{x: {{type: string}}}}}}\n    Mixed:\n      nullable: true\n      anyOf:\n        - {{type: string}}\n        - {{$ref: '#/components/schemas/Loose'}}\n        - {{$ref: '#/components/schemas/Dog'}}\n        - {{type: integer}}\n    Holder: {{type: object, properties: {{m: {{$ref: '#/components/schemas/Mixed'}}}}}}\n"
        ));
        let mixed = union_of(&api, "Mixed");
        assert_eq!(mixed.tag, None);
        assert!(mixed.nullable && mixed.any_of);
        let order: Vec<(&str, usize)> = mixed
            .variants
            .iter()
            .map(|v| (v.name.as_str(), v.declared))
            .collect();
        assert_eq!(
            order,
            [("Dog", 2), ("Integer", 3), ("Loose", 1), ("Text", 0)]
        );
    }

    #[test]
    fn an_alternative_without_a_type_keeps_the_union_json_and_says_which() {
        let (api, warnings) = normalize_yaml(&doc(
            "  {}",
            &format!(
                "{PETS}    Holder: {{type: object, properties: {{m: {{oneOf: [{{$ref: '#/components/schemas/Cat'}}, {{description: anything}}]}}}}}}\n"
            ),
        ));
        assert!(api.unions.is_empty(), "{:?}", api.unions);
        let holder = api
            .member_props
            .iter()
            .find(|(k, _)| k.name == "Holder")
            .expect("Holder");
        assert_eq!(holder.1[0].ty, Ty::Json);
        let messages: Vec<String> = warnings
            .iter()
            .map(|w| format!("{}: {}", w.kind, w.message))
            .collect();
        assert_eq!(
            messages,
            [
                "kept-as-json: alternative 1 of a oneOf has no Rust type (it accepts any JSON), so the union is kept as serde_json::Value"
            ]
        );
    }
}
