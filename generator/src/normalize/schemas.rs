//! Lowering schemas: component object schemas become [`Variant`]s, everything else a [`Ty`].
//! Integer enums are named from `x-enumNames`; what the generator does not model stays JSON.

use std::collections::HashMap;

use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::naming::{style_of, type_name};
use crate::diagnostics::{Diagnostic, Sink, escape_token};
use crate::ir::{EnumDef, EnumKind, Prop, SchemaKey, Ty, Variant};
use crate::load::Loaded;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Lowers the schemas of all documents.
pub struct Schemas<'a> {
    docs: &'a [Loaded],
    /// Object schemas, in document and declaration order.
    pub variants: Vec<Variant>,
    /// Enums, deduplicated by name and values.
    pub enums: Vec<EnumDef>,
    resolving: Vec<SchemaKey>,
}

/// Where a schema sits, for names and diagnostics.
struct Site<'s> {
    doc: usize,
    pointer: String,
    /// The property the schema describes, if any (names inline enums).
    property: Option<&'s str>,
    /// The schema that owns the property (disambiguates enum names).
    owner: Option<&'s str>,
}

impl<'a> Schemas<'a> {
    pub fn new(docs: &'a [Loaded]) -> Self {
        Self {
            docs,
            variants: Vec::new(),
            enums: Vec::new(),
            resolving: Vec::new(),
        }
    }

    /// Lowers every component object schema of every document.
    pub fn lower_components(&mut self, sink: &mut Sink) {
        for doc in 0..self.docs.len() {
            let Some(components) = &self.docs[doc].api.components else {
                continue;
            };
            for (name, schema) in &components.schemas {
                let ReferenceOr::Item(schema) = schema else {
                    continue;
                };
                if is_model(schema) {
                    let variant = self.lower_object(doc, name, schema, sink);
                    self.variants.push(variant);
                }
            }
        }
    }

    fn lower_object(
        &mut self,
        doc: usize,
        name: &str,
        schema: &Schema,
        sink: &mut Sink,
    ) -> Variant {
        let pointer = format!("/components/schemas/{}", escape_token(name));
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            unreachable!("is_model admits objects only")
        };
        if object.additional_properties.is_some() {
            sink.push(Diagnostic::warning(
                &self.docs[doc].file,
                format!("{pointer}/additionalProperties"),
                "additional-properties-ignored",
                format!("schema `{name}` has both properties and additionalProperties; the extra properties are ignored"),
            ));
        }
        let props = object
            .properties
            .iter()
            .map(|(key, prop)| {
                let site = Site {
                    doc,
                    pointer: format!("{pointer}/properties/{}", escape_token(key)),
                    property: Some(key),
                    owner: Some(name),
                };
                let description = description_of(self.docs, doc, prop);
                Prop {
                    wire: key.clone(),
                    ty: self.ty_of_boxed(prop, &site, sink),
                    required: object.required.contains(key),
                    description,
                }
            })
            .collect::<Vec<_>>();
        Variant {
            key: SchemaKey {
                doc,
                name: name.to_owned(),
            },
            style: style_of(props.iter().map(|p| p.wire.as_str())),
            props,
            pointer,
            description: schema.schema_data.description.clone(),
            name_override: extension_str(schema, "x-jtl-model-name"),
        }
    }

    /// The type of a request-body or response schema of document `doc` at `pointer`.
    pub fn ty_at(
        &mut self,
        doc: usize,
        schema: &ReferenceOr<Schema>,
        pointer: String,
        sink: &mut Sink,
    ) -> Ty {
        let site = Site {
            doc,
            pointer,
            property: None,
            owner: None,
        };
        self.ty_of(schema, &site, sink)
    }

    fn ty_of_boxed(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        site: &Site<'_>,
        sink: &mut Sink,
    ) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.ty_of_ref(reference, site, sink),
            ReferenceOr::Item(schema) => self.ty_of_schema(schema, site, sink),
        }
    }

    fn ty_of(&mut self, schema: &ReferenceOr<Schema>, site: &Site<'_>, sink: &mut Sink) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.ty_of_ref(reference, site, sink),
            ReferenceOr::Item(schema) => self.ty_of_schema(schema, site, sink),
        }
    }

    fn ty_of_ref(&mut self, reference: &str, site: &Site<'_>, sink: &mut Sink) -> Ty {
        let file = &self.docs[site.doc].file;
        let Some(name) = reference.strip_prefix(SCHEMA_PREFIX) else {
            sink.push(Diagnostic::error(
                file,
                format!("{}/$ref", site.pointer),
                "ref-kind",
                format!("`{reference}` is not a schema reference (#/components/schemas/...)"),
            ));
            return Ty::Json;
        };
        let name = name.replace("~1", "/").replace("~0", "~");
        let target = self.docs[site.doc]
            .api
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(&name));
        let key = SchemaKey {
            doc: site.doc,
            name: name.clone(),
        };
        match target {
            // Validation reported dangling references already.
            None => Ty::Json,
            Some(ReferenceOr::Item(schema)) if is_model(schema) => Ty::Model(key),
            Some(target) => {
                if self.resolving.contains(&key) {
                    sink.push(Diagnostic::error(
                        file,
                        format!("{}/$ref", site.pointer),
                        "cyclic-alias",
                        format!("schema `{name}` is an alias of itself (through `$ref`s)"),
                    ));
                    return Ty::Json;
                }
                self.resolving.push(key);
                let alias_site = Site {
                    doc: site.doc,
                    pointer: format!("/components/schemas/{}", escape_token(&name)),
                    property: Some(&name),
                    owner: None,
                };
                let ty = self.ty_of(&target.clone(), &alias_site, sink);
                self.resolving.pop();
                ty
            }
        }
    }

    fn ty_of_schema(&mut self, schema: &Schema, site: &Site<'_>, sink: &mut Sink) -> Ty {
        let file = &self.docs[site.doc].file;
        let json_with = |sink: &mut Sink, what: &str| {
            sink.push(Diagnostic::warning(
                file,
                site.pointer.clone(),
                "kept-as-json",
                format!("{what} is kept as serde_json::Value"),
            ));
            Ty::Json
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if extension_bool(schema, "x-jtl-secret") {
                    return Ty::Secret;
                }
                let values: Vec<String> = string.enumeration.iter().flatten().cloned().collect();
                if !values.is_empty() {
                    return self.string_enum(schema, values, site);
                }
                match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Ty::Bytes,
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::DateTime,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Ty::Date,
                    VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => Ty::Uuid,
                    _ => Ty::String,
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                let values: Vec<i64> = integer.enumeration.iter().flatten().copied().collect();
                if !values.is_empty() {
                    return self.int_enum(schema, values, site, sink);
                }
                match integer.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Ty::I32,
                    _ => Ty::I64,
                }
            }
            SchemaKind::Type(Type::Number(_)) => Ty::F64,
            SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => {
                    let item_site = Site {
                        doc: site.doc,
                        pointer: format!("{}/items", site.pointer),
                        property: site.property,
                        owner: site.owner,
                    };
                    Ty::List(Box::new(self.ty_of_boxed(items, &item_site, sink)))
                }
                None => Ty::List(Box::new(Ty::Json)),
            },
            SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => {
                match &object.additional_properties {
                    Some(AdditionalProperties::Schema(values)) => {
                        let value_site = Site {
                            doc: site.doc,
                            pointer: format!("{}/additionalProperties", site.pointer),
                            property: site.property,
                            owner: site.owner,
                        };
                        Ty::Map(Box::new(self.ty_of(values, &value_site, sink)))
                    }
                    Some(AdditionalProperties::Any(true)) => Ty::Map(Box::new(Ty::Json)),
                    _ => Ty::Json,
                }
            }
            SchemaKind::Type(Type::Object(_)) => json_with(
                sink,
                "an inline object schema (give it a name under components/schemas to get a type)",
            ),
            SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::AllOf { .. }
            | SchemaKind::Not { .. } => {
                json_with(sink, "a composed schema (oneOf/anyOf/allOf/not)")
            }
            SchemaKind::Any(_) => Ty::Json,
        }
    }

    fn int_enum(
        &mut self,
        schema: &Schema,
        values: Vec<i64>,
        site: &Site<'_>,
        sink: &mut Sink,
    ) -> Ty {
        let names: Option<Vec<String>> =
            schema
                .schema_data
                .extensions
                .get("x-enumNames")
                .and_then(|v| {
                    v.as_array()
                        .map(|a| a.iter().filter_map(|n| n.as_str().map(type_name)).collect())
                });
        let names = match names {
            Some(names) if names.len() == values.len() => names,
            Some(_) => {
                sink.push(Diagnostic::warning(
                    &self.docs[site.doc].file,
                    format!("{}/x-enumNames", site.pointer),
                    "enum-names-mismatch",
                    "x-enumNames does not name every value; values are named `ValueN`",
                ));
                values.iter().map(|v| value_name(*v)).collect()
            }
            None => values.iter().map(|v| value_name(*v)).collect(),
        };
        let kind = EnumKind::Int(values.into_iter().zip(names).collect());
        Ty::Enum(self.register_enum(schema, kind, site))
    }

    fn string_enum(&mut self, schema: &Schema, values: Vec<String>, site: &Site<'_>) -> Ty {
        let kind = EnumKind::Str(
            values
                .into_iter()
                .map(|v| {
                    let n = type_name(&v);
                    (v, n)
                })
                .collect(),
        );
        Ty::Enum(self.register_enum(schema, kind, site))
    }

    /// Same name and values: one enum. A name taken by other values: the owner's name goes first.
    fn register_enum(&mut self, schema: &Schema, kind: EnumKind, site: &Site<'_>) -> usize {
        let base = extension_str(schema, "x-jtl-type-name")
            .or_else(|| site.property.map(type_name))
            .unwrap_or_else(|| "Enum".to_owned());
        let candidates = [
            base.clone(),
            format!("{}{base}", site.owner.map(type_name).unwrap_or_default()),
        ];
        for name in candidates
            .iter()
            .cloned()
            .chain((2..).map(|n| format!("{base}{n}")))
        {
            match self.enums.iter().position(|e| e.name == name) {
                Some(index) if self.enums[index].kind == kind => return index,
                Some(_) => continue,
                None => {
                    self.enums.push(EnumDef {
                        name,
                        description: schema.schema_data.description.clone(),
                        kind,
                    });
                    return self.enums.len() - 1;
                }
            }
        }
        unreachable!("the numbered names are endless")
    }

    /// Names every enum must avoid: the model names.
    pub fn rename_enums_clashing_with(&mut self, taken: &HashMap<String, ()>) {
        for index in 0..self.enums.len() {
            while taken.contains_key(&self.enums[index].name)
                || self.enums[..index]
                    .iter()
                    .any(|e| e.name == self.enums[index].name)
            {
                self.enums[index].name.push_str("Kind");
            }
        }
    }
}

fn value_name(value: i64) -> String {
    if value < 0 {
        format!("ValueMinus{}", value.unsigned_abs())
    } else {
        format!("Value{value}")
    }
}

/// Objects with declared properties become models; everything else is inlined.
fn is_model(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty())
}

fn extension_str(schema: &Schema, name: &str) -> Option<String> {
    schema
        .schema_data
        .extensions
        .get(name)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

fn extension_bool(schema: &Schema, name: &str) -> bool {
    schema
        .schema_data
        .extensions
        .get(name)
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false)
}

/// A property's description: its own, or the referenced schema's.
fn description_of(
    docs: &[Loaded],
    doc: usize,
    schema: &ReferenceOr<Box<Schema>>,
) -> Option<String> {
    match schema {
        ReferenceOr::Item(schema) => schema.schema_data.description.clone(),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix(SCHEMA_PREFIX)?;
            match docs[doc].api.components.as_ref()?.schemas.get(name)? {
                ReferenceOr::Item(schema) => schema.schema_data.description.clone(),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}
