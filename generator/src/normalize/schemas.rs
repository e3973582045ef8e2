//! Lowering schemas: object schemas (named, inline, or `allOf` of objects) become
//! [`MemberSchema`]s, everything else a [`Ty`]. Integer enums are named from `x-enumNames`; an
//! `allOf` of one part is that part; `oneOf`/`anyOf` of string enums is one enum of all their
//! values, of scalars of one type that type, of strings and enums `String`; what else the
//! generator does not model (other `oneOf`, `anyOf`, `not`) stays JSON, with a warning.

use std::collections::HashMap;

use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::naming::{casing_of, first_free, type_name};
use crate::diagnostics::{Diagnostic, Kind, Location, Severity, Sink, escape_token};
use crate::ir::{EnumDef, EnumKind, MemberSchema, Prop, SchemaKey, Ty, UnionDef};
use crate::json_pointer::unescape_token;
use crate::load::Loaded;

// A child module (in `normalize/unions.rs`) so that it shares the lowering's private parts.
#[path = "unions.rs"]
mod unions;
pub(crate) use unions::is_scalar;

const SCHEMA_PREFIX: &str = "#/components/schemas/";
/// `allOf` nests this deep at most (deeper is taken for a cycle).
const MAX_ALL_OF_DEPTH: usize = 16;

/// Lowers the schemas of all documents.
pub struct Schemas<'a> {
    docs: &'a [Loaded],
    /// Object schemas: components first (document and declaration order), then inline ones in
    /// the order they are met.
    pub members: Vec<MemberSchema>,
    /// Enums, deduplicated by name and values.
    pub enums: Vec<EnumDef>,
    /// `oneOf`/`anyOf` unions (see `unions.rs`).
    pub unions: Vec<UnionDef>,
    /// The aliases being resolved, each with how many inline objects were being lowered when
    /// it was met: an alias met again inside an object of its own (`Tree: {type: array, items:
    /// {properties: {children: {$ref: Tree}}}}`) is a recursive type, not an alias of itself.
    resolving: Vec<(SchemaKey, usize)>,
    /// How many inline objects are being lowered now.
    objects: usize,
    /// Schemas a `$ref` names where they stand (not in `components/schemas`), by document and
    /// pointer: typed once, and each being typed on the stack, for cycles.
    typed_at: std::collections::HashMap<(usize, String), Ty>,
    typing_at: Vec<(usize, String)>,
}

/// Where a schema sits, for names and diagnostics.
struct Site<'s> {
    doc: usize,
    pointer: String,
    /// The property the schema describes, if any (names inline enums).
    property: Option<&'s str>,
    /// The schema that owns the property (disambiguates enum names).
    owner: Option<&'s str>,
    /// The name an inline object schema here gets.
    name: String,
    /// A parameter's enum: an enum with the same values and names that exists already is
    /// reused (`PaymentStatus` rather than a second `PaymentStatusParam`).
    reuse_equal: bool,
}

impl Site<'_> {
    /// The site of a schema that is no property's (a parameter's, a body's, a response's);
    /// an inline object schema there is named `name`.
    fn top(doc: usize, pointer: String, name: &str, reuse_equal: bool) -> Site<'static> {
        Site {
            doc,
            pointer,
            property: None,
            owner: None,
            name: type_name(name),
            reuse_equal,
        }
    }

    fn child(&self, pointer: String, suffix: &str) -> Site<'_> {
        Site {
            doc: self.doc,
            pointer,
            property: self.property,
            owner: self.owner,
            name: format!("{}{suffix}", self.name),
            reuse_equal: self.reuse_equal,
        }
    }
}

/// A property of an object, as gathered from the schema (and its `allOf` parts).
struct RawProp<'s> {
    key: String,
    schema: &'s ReferenceOr<Box<Schema>>,
    required: bool,
    pointer: String,
    /// Named in `required` but not declared in `properties`: the value may be anything.
    undeclared: bool,
}

/// The schema of a property that is required but not declared: any JSON value.
static UNDECLARED: std::sync::LazyLock<ReferenceOr<Box<Schema>>> = std::sync::LazyLock::new(|| {
    ReferenceOr::Item(Box::new(Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Any(Default::default()),
    }))
});

impl<'a> Schemas<'a> {
    pub fn new(docs: &'a [Loaded]) -> Self {
        Self {
            docs,
            members: Vec::new(),
            enums: Vec::new(),
            unions: Vec::new(),
            resolving: Vec::new(),
            objects: 0,
            typed_at: std::collections::HashMap::new(),
            typing_at: Vec::new(),
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
                let pointer = format!("/components/schemas/{}", escape_token(name));
                if let Some(props) = object_props(self.docs, doc, schema, &pointer, 0) {
                    let member = self.lower_object(doc, name, schema, props, pointer, sink);
                    self.members.push(member);
                }
            }
        }
    }
}

/// The properties of an object schema, `allOf` parts merged (later parts win); `None` if the
/// schema is not an object with properties.
fn object_props<'s>(
    docs: &'s [Loaded],
    doc: usize,
    schema: &'s Schema,
    pointer: &str,
    depth: usize,
) -> Option<Vec<RawProp<'s>>> {
    if depth > MAX_ALL_OF_DEPTH {
        return None;
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
            let declared = object.properties.iter().map(|(key, prop)| RawProp {
                key: key.clone(),
                schema: prop,
                required: object.required.contains(key),
                pointer: format!("{pointer}/properties/{}", escape_token(key)),
                undeclared: false,
            });
            // A schema may require a property it does not declare (legal, if odd): the struct
            // still needs a field for it, or no value of it could be sent.
            let undeclared = undeclared_props(&object.required, pointer)
                .into_iter()
                .filter(|p| !object.properties.contains_key(&p.key));
            Some(declared.chain(undeclared).collect())
        }
        SchemaKind::AllOf { all_of } if !all_of.is_empty() => {
            let mut merged: Vec<RawProp<'s>> = Vec::new();
            for (i, part) in all_of.iter().enumerate() {
                let (part, part_pointer) = match part {
                    ReferenceOr::Item(item) => (item, format!("{pointer}/allOf/{i}")),
                    ReferenceOr::Reference { reference } => {
                        let name = reference.strip_prefix(SCHEMA_PREFIX)?;
                        match docs[doc].api.components.as_ref()?.schemas.get(name)? {
                            ReferenceOr::Item(item) => {
                                (item, format!("/components/schemas/{}", escape_token(name)))
                            }
                            ReferenceOr::Reference { .. } => return None,
                        }
                    }
                };
                let props = match required_only(part) {
                    // `allOf: [{$ref: Base}, {required: [id]}]`: a part that only requires.
                    Some(required) => undeclared_props(required, &part_pointer),
                    None => object_props(docs, doc, part, &part_pointer, depth + 1)?,
                };
                for prop in props {
                    // A part that only requires a property another part declares makes it
                    // required; it does not replace its declaration.
                    if prop.undeclared
                        && let Some(existing) = merged.iter_mut().find(|p| p.key == prop.key)
                    {
                        existing.required = true;
                        continue;
                    }
                    merged.retain(|p| p.key != prop.key);
                    merged.push(prop);
                }
            }
            Some(merged)
        }
        _ => None,
    }
}

/// The `required` list of a schema that says nothing else about an object (no properties, no
/// type but `object`): in an `allOf`, it makes properties of the other parts required.
fn required_only(schema: &Schema) -> Option<&[String]> {
    let required = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object))
            if object.properties.is_empty() && object.additional_properties.is_none() =>
        {
            &object.required
        }
        SchemaKind::Any(any)
            if any.properties.is_empty()
                && any.additional_properties.is_none()
                && any.typ.as_deref().is_none_or(|t| t == "object")
                && any.items.is_none()
                && any.one_of.is_empty()
                && any.all_of.is_empty()
                && any.any_of.is_empty()
                && any.not.is_none() =>
        {
            &any.required
        }
        _ => return None,
    };
    (!required.is_empty()).then_some(required.as_slice())
}

/// Required keys a schema does not declare, as properties of unknown type.
fn undeclared_props<'s>(required: &'s [String], pointer: &str) -> Vec<RawProp<'s>> {
    required
        .iter()
        .enumerate()
        .map(|(i, key)| RawProp {
            key: key.clone(),
            schema: &UNDECLARED,
            required: true,
            pointer: format!("{pointer}/required/{i}"),
            undeclared: true,
        })
        .collect()
}

impl Schemas<'_> {
    fn lower_object(
        &mut self,
        doc: usize,
        name: &str,
        schema: &Schema,
        props: Vec<RawProp<'_>>,
        pointer: String,
        sink: &mut Sink,
    ) -> MemberSchema {
        // `additionalProperties: false` (every object of the vendor's ERP 2.0 document) allows
        // no extra properties: a model of the declared ones loses nothing.
        if let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind
            && object
                .additional_properties
                .as_ref()
                .is_some_and(|a| *a != AdditionalProperties::Any(false))
        {
            sink.push(Diagnostic::warning(
                &self.docs[doc].file,
                format!("{pointer}/additionalProperties"),
                Kind::AdditionalPropertiesIgnored,
                format!("schema `{name}` has both properties and additionalProperties; the extra properties are ignored"),
            ));
        }
        for raw in props.iter().filter(|p| p.undeclared) {
            sink.push(Diagnostic::warning(
                &self.docs[doc].file,
                raw.pointer.clone(),
                Kind::RequiredUndeclared,
                format!(
                    "schema `{name}` requires property `{}` without declaring it; its field is a serde_json::Value",
                    raw.key
                ),
            ));
        }
        let props = props
            .into_iter()
            .map(|raw| {
                let site = Site {
                    doc,
                    pointer: raw.pointer.clone(),
                    property: Some(&raw.key),
                    owner: Some(name),
                    name: format!("{}{}", type_name(name), type_name(&raw.key)),
                    reuse_equal: false,
                };
                let ty = self.ty_of_boxed(raw.schema, &site, sink);
                // JSON holds `null` itself, and a nullable union is an `Option` already.
                let null_for_none = raw.required
                    && !matches!(ty, Ty::Json | Ty::Union(_))
                    && allows_null(self.docs, doc, raw.schema);
                Prop {
                    wire: raw.key.clone(),
                    ty,
                    required: raw.required && !null_for_none,
                    null_for_none,
                    description: description_of(self.docs, doc, raw.schema),
                }
            })
            .collect::<Vec<_>>();
        MemberSchema {
            key: SchemaKey {
                doc,
                name: name.to_owned(),
            },
            casing: casing_of(props.iter().map(|p| p.wire.as_str())),
            props,
            pointer,
            description: schema.schema_data.description.clone(),
            name_override: extension_str(schema, "x-jtl-model-name"),
        }
    }

    /// The type of a parameter, request-body or response schema of document `doc` at
    /// `pointer`; an inline object schema there becomes a model named `name`.
    pub fn ty_named(
        &mut self,
        doc: usize,
        schema: &ReferenceOr<Schema>,
        pointer: String,
        name: &str,
        sink: &mut Sink,
    ) -> Ty {
        self.ty_of(schema, &Site::top(doc, pointer, name, false), sink)
    }

    /// The type of a parameter's schema: like [`Self::ty_named`], and the parameter's own
    /// `x-enumNames` (where the vendor puts them) names an inline integer enum without names;
    /// an enum equal to one met before is that one.
    pub fn parameter_ty(
        &mut self,
        doc: usize,
        schema: &ReferenceOr<Schema>,
        pointer: String,
        name: &str,
        enum_names: Option<&serde_json::Value>,
        sink: &mut Sink,
    ) -> Ty {
        let site = Site::top(doc, pointer, name, true);
        match (schema, enum_names) {
            (ReferenceOr::Item(item), Some(names))
                if !item.schema_data.extensions.contains_key("x-enumNames") =>
            {
                let mut named = item.clone();
                named
                    .schema_data
                    .extensions
                    .insert("x-enumNames".to_owned(), names.clone());
                self.ty_of_schema(&named, &site, sink)
            }
            _ => self.ty_of(schema, &site, sink),
        }
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
        // Into another file: validation said so (`external-ref`), the value is any JSON.
        if !reference.starts_with('#') {
            return Ty::Json;
        }
        let Some(name) = reference
            .strip_prefix(SCHEMA_PREFIX)
            .filter(|name| !name.contains('/'))
        else {
            return self.ty_at(reference, site, sink);
        };
        let name = unescape_token(name);
        let target = self.docs[site.doc]
            .api
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(&name));
        let key = SchemaKey {
            doc: site.doc,
            name: name.clone(),
        };
        let target_pointer = format!("/components/schemas/{}", escape_token(&name));
        match target {
            // Validation reported dangling references already.
            None => Ty::Json,
            Some(ReferenceOr::Item(schema))
                if object_props(self.docs, site.doc, schema, &target_pointer, 0).is_some() =>
            {
                Ty::Concept(key)
            }
            Some(target) => {
                // A union refers to itself through an alternative: the union being lowered.
                if let Some(index) = self.union_at(site.doc, &target_pointer) {
                    return Ty::Union(index);
                }
                let met = self.resolving.iter().find(|(k, _)| *k == key);
                if let Some(&(_, objects)) = met
                    && self.objects > objects
                {
                    sink.push(Diagnostic::warning(
                        file,
                        format!("{}/$ref", site.pointer),
                        Kind::KeptAsJson,
                        format!("schema `{name}` is not an object and refers to itself through an object inside it; this reference to it is kept as serde_json::Value"),
                    ));
                    return Ty::Json;
                }
                if met.is_some() {
                    sink.push(Diagnostic::new(
                        Severity::Error,
                        file,
                        Location::Pointer(format!("{}/$ref", site.pointer)),
                        Kind::CyclicAlias,
                        format!("schema `{name}` is an alias of itself (through `$ref`s)"),
                    ));
                    return Ty::Json;
                }
                self.resolving.push((key, self.objects));
                let alias_site = Site {
                    doc: site.doc,
                    pointer: target_pointer,
                    property: Some(&name),
                    owner: None,
                    name: type_name(&name),
                    reuse_equal: site.reuse_equal,
                };
                let ty = self.ty_of(&target.clone(), &alias_site, sink);
                self.resolving.pop();
                ty
            }
        }
    }

    /// The type of a schema a `$ref` names where it stands, not in `components/schemas` (a
    /// parameter's `…/parameters/x/schema`, a property `…/schemas/A/properties/b`): typed there,
    /// once, named after the place. A reference to what is no schema (a response), or to a
    /// schema being typed (it would contain itself with no name to do so), degrades to
    /// `serde_json::Value` (`ref-kind`, `kept-as-json`), never a refusal.
    fn ty_at(&mut self, reference: &str, site: &Site<'_>, sink: &mut Sink) -> Ty {
        let file = &self.docs[site.doc].file;
        let pointer = reference.trim_start_matches('#').to_owned();
        let key = (site.doc, pointer.clone());
        if let Some(ty) = self.typed_at.get(&key) {
            return ty.clone();
        }
        let schema = self.docs[site.doc]
            .raw
            .pointer(&pointer)
            .filter(|_| crate::tree::is_schema_at(&pointer))
            .and_then(|value| serde_json::from_value::<ReferenceOr<Schema>>(value.clone()).ok());
        let Some(schema) = schema else {
            sink.push(Diagnostic::warning(
                file,
                format!("{}/$ref", site.pointer),
                Kind::RefKind,
                format!("`{reference}` names no schema; the value is kept as serde_json::Value"),
            ));
            return Ty::Json;
        };
        if self.typing_at.contains(&key) {
            sink.push(Diagnostic::warning(
                file,
                format!("{}/$ref", site.pointer),
                Kind::KeptAsJson,
                format!("`{reference}` contains this reference to itself and is no component schema, so no type can name it; this reference is kept as serde_json::Value"),
            ));
            return Ty::Json;
        }
        // Named after the place: the names in the pointer, without OpenAPI's own words
        // (`/components/parameters/audit_method_type/schema` is `AuditMethodType`).
        let words: Vec<String> = pointer
            .split('/')
            .map(unescape_token)
            .filter(|segment| {
                !segment.is_empty()
                    && !matches!(
                        segment.as_str(),
                        "components"
                            | "schemas"
                            | "parameters"
                            | "headers"
                            | "requestBodies"
                            | "responses"
                            | "content"
                            | "schema"
                            | "properties"
                            | "items"
                            | "additionalProperties"
                            | "allOf"
                            | "oneOf"
                            | "anyOf"
                            | "not"
                            | "paths"
                    )
            })
            .collect();
        let property = words.last().cloned();
        let owner = words.len().checked_sub(2).map(|i| words[i].clone());
        self.typing_at.push(key.clone());
        let target_site = Site {
            doc: site.doc,
            pointer: pointer.clone(),
            property: property.as_deref(),
            owner: owner.as_deref(),
            name: type_name(&words.join("_")),
            reuse_equal: true,
        };
        let ty = self.ty_of(&schema, &target_site, sink);
        self.typing_at.pop();
        self.typed_at.insert(key, ty.clone());
        ty
    }

    fn ty_of_schema(&mut self, schema: &Schema, site: &Site<'_>, sink: &mut Sink) -> Ty {
        let file = &self.docs[site.doc].file;
        let json_with = |sink: &mut Sink, what: &str| {
            sink.push(Diagnostic::warning(
                file,
                site.pointer.clone(),
                Kind::KeptAsJson,
                format!("{what} is kept as serde_json::Value"),
            ));
            Ty::Json
        };
        // `allOf: [$ref]` is how documents add a description to a reference: the part itself.
        if let SchemaKind::AllOf { all_of } = &schema.schema_kind
            && let [part] = all_of.as_slice()
        {
            let part_site = site.child(format!("{}/allOf/0", site.pointer), "");
            return self.ty_of(part, &part_site, sink);
        }
        if let Some(props) = object_props(self.docs, site.doc, schema, &site.pointer, 0) {
            return self.inline_object(schema, props, site, sink);
        }
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
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Ty::Binary,
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
                    let item_site = site.child(format!("{}/items", site.pointer), "Item");
                    Ty::List(Box::new(self.ty_of_boxed(items, &item_site, sink)))
                }
                None => Ty::List(Box::new(Ty::Json)),
            },
            SchemaKind::Type(Type::Object(object)) => match &object.additional_properties {
                Some(AdditionalProperties::Schema(values)) => {
                    let value_site =
                        site.child(format!("{}/additionalProperties", site.pointer), "Value");
                    Ty::Map(Box::new(self.ty_of(values, &value_site, sink)))
                }
                Some(AdditionalProperties::Any(true)) => Ty::Map(Box::new(Ty::Json)),
                _ => Ty::Json,
            },
            SchemaKind::AllOf { .. } => json_with(
                sink,
                "an allOf with a part that declares no properties (a map, a scalar, a list, or more than 16 allOf levels deep)",
            ),
            SchemaKind::OneOf { one_of: parts } | SchemaKind::AnyOf { any_of: parts } => {
                let any_of = matches!(schema.schema_kind, SchemaKind::AnyOf { .. });
                match self.scalar_union(schema, parts, site, sink) {
                    Some(ty) => ty,
                    // A typed union, or JSON with the warning saying why.
                    None => self
                        .union(schema, parts, any_of, site, sink)
                        .unwrap_or(Ty::Json),
                }
            }
            SchemaKind::Not { .. } => json_with(sink, "a `not` schema"),
            SchemaKind::Any(_) => Ty::Json,
        }
    }

    /// `oneOf`/`anyOf` whose parts are all scalars or enums: string enums only → one enum of all
    /// values; one scalar type → that type; strings and string enums → `String`. Else `None`.
    fn scalar_union(
        &mut self,
        schema: &Schema,
        parts: &[ReferenceOr<Schema>],
        site: &Site<'_>,
        sink: &mut Sink,
    ) -> Option<Ty> {
        // Only scalars are lowered: an inline object part would leave a model behind.
        let scalar_part = |part: &ReferenceOr<Schema>| match part {
            ReferenceOr::Reference { .. } => true,
            ReferenceOr::Item(item) => matches!(
                item.schema_kind,
                SchemaKind::Type(
                    Type::String(_) | Type::Integer(_) | Type::Number(_) | Type::Boolean(_)
                )
            ),
        };
        // A value or a list of such values (`id=a` or `id=a&id=b`): the list says both.
        if let [first, second] = parts {
            let items_of = |part: &ReferenceOr<Schema>| match part {
                ReferenceOr::Item(Schema {
                    schema_kind: SchemaKind::Type(Type::Array(array)),
                    ..
                }) => array.items.clone(),
                _ => None,
            };
            let unboxed = |items: ReferenceOr<Box<Schema>>| match items {
                ReferenceOr::Item(item) => ReferenceOr::Item(*item),
                ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference },
            };
            let pair = match (items_of(first), items_of(second)) {
                (None, Some(items)) => Some((first, unboxed(items))),
                (Some(items), None) => Some((second, unboxed(items))),
                _ => None,
            };
            if let Some((single, items)) = pair
                && scalar_part(single)
                && scalar_part(&items)
            {
                let mut scratch = Sink::default();
                let one = self.ty_of(single, site, &mut scratch);
                let many = self.ty_of(&items, site, &mut scratch);
                if one == many {
                    return Some(Ty::List(Box::new(one)));
                }
            }
        }
        if !parts.iter().all(scalar_part) {
            return None;
        }
        // Enums registered for the parts alone are dropped again when the union becomes one
        // enum or a string: they would be emitted, unused. Parts are scalars, so no model was
        // made and nothing else holds these indices.
        let enums_before = self.enums.len();
        let mut tys = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let part_site = site.child(format!("{}/{i}", site.pointer), "");
            // Lowered into a scratch sink: a part that is no scalar makes the whole union JSON.
            let mut scratch = Sink::default();
            let ty = self.ty_of(part, &part_site, &mut scratch);
            if !is_scalar(&ty) {
                return None;
            }
            tys.push(ty);
        }
        let first = tys.first()?.clone();
        if tys.iter().all(|t| *t == first) {
            return Some(first);
        }
        let string_values: Option<Vec<String>> =
            tys.iter().try_fold(Vec::new(), |mut all, t| match t {
                Ty::Enum(i) => match &self.enums[*i].kind {
                    EnumKind::Str(values) => {
                        for (v, _) in values {
                            if !all.contains(v) {
                                all.push(v.clone());
                            }
                        }
                        Some(all)
                    }
                    EnumKind::Int(_) => None,
                },
                _ => None,
            });
        if let Some(values) = string_values {
            self.enums.truncate(enums_before);
            return Some(self.string_enum(schema, values, site));
        }
        let stringly = tys.iter().all(|t| match t {
            Ty::String => true,
            Ty::Enum(i) => matches!(self.enums[*i].kind, EnumKind::Str(_)),
            _ => false,
        });
        if stringly {
            self.enums.truncate(enums_before);
            sink.push(Diagnostic::warning(
                &self.docs[site.doc].file,
                site.pointer.clone(),
                Kind::UnionAsString,
                "a oneOf/anyOf of strings and string enums is a String (the enum values are not checked)",
            ));
            return Some(Ty::String);
        }
        None
    }

    /// An object schema without a name of its own: a model named after where it sits.
    fn inline_object(
        &mut self,
        schema: &Schema,
        props: Vec<RawProp<'_>>,
        site: &Site<'_>,
        sink: &mut Sink,
    ) -> Ty {
        if let Some(existing) = self
            .members
            .iter()
            .find(|v| v.key.doc == site.doc && v.pointer == site.pointer)
        {
            return Ty::Concept(existing.key.clone());
        }
        let name = self.free_name(site.doc, &site.name);
        self.objects += 1;
        let member = self.lower_object(site.doc, &name, schema, props, site.pointer.clone(), sink);
        self.objects -= 1;
        let key = member.key.clone();
        self.members.push(member);
        Ty::Concept(key)
    }

    /// `base`, or `base2`, `base3`, … if a schema of the document has that name already.
    fn free_name(&self, doc: usize, base: &str) -> String {
        let taken = |name: &str| {
            self.docs[doc]
                .api
                .components
                .as_ref()
                .is_some_and(|c| c.schemas.contains_key(name))
                || self
                    .members
                    .iter()
                    .any(|v| v.key.doc == doc && v.key.name == name)
        };
        let base = if base.is_empty() {
            "Inline".to_owned()
        } else {
            base.to_owned()
        };
        first_free([base.clone()], &base, "", taken)
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
            Some(names) if names.len() == values.len() && !has_duplicates(&names) => names,
            Some(_) => {
                sink.push(Diagnostic::warning(
                    &self.docs[site.doc].file,
                    format!("{}/x-enumNames", site.pointer),
                    Kind::EnumNamesMismatch,
                    "x-enumNames does not name every value once; values are named `ValueN`",
                ));
                values.iter().map(|v| value_name(*v)).collect()
            }
            None => values.iter().map(|v| value_name(*v)).collect(),
        };
        // JSON Schema asks for unique values without requiring them: a repeated value says
        // nothing more, and is one variant (named as where it first stands).
        let mut pairs: Vec<(i64, String)> = Vec::new();
        for (value, name) in values.into_iter().zip(names) {
            if !pairs.iter().any(|(v, _)| *v == value) {
                pairs.push((value, name));
            }
        }
        Ty::Enum(self.register_enum(schema, EnumKind::Int(pairs), site))
    }

    fn string_enum(&mut self, schema: &Schema, mut values: Vec<String>, site: &Site<'_>) -> Ty {
        // A repeated value is one variant, as for integers.
        let mut unique = std::collections::HashSet::new();
        values.retain(|v| unique.insert(v.clone()));
        let mut seen: Vec<String> = Vec::new();
        let kind = EnumKind::Str(
            values
                .into_iter()
                .map(|v| {
                    // Values that differ only in case or punctuation still need distinct schemas.
                    let base = type_name(&v);
                    let name = first_free([base.clone()], &base, "", |n| {
                        seen.iter().any(|s| s == n) || n == "Unknown"
                    });
                    seen.push(name.clone());
                    (v, name)
                })
                .collect(),
        );
        Ty::Enum(self.register_enum(schema, kind, site))
    }

    /// Same name and values: one enum. A name taken by other values: the owner's name goes first.
    fn register_enum(&mut self, schema: &Schema, kind: EnumKind, site: &Site<'_>) -> usize {
        let base = extension_str(schema, "x-jtl-type-name")
            .as_deref()
            .or(site.property)
            .map(type_name)
            .unwrap_or_else(|| site.name.clone());
        let candidates = [
            base.clone(),
            format!("{}{base}", site.owner.map(type_name).unwrap_or_default()),
        ];
        if site.reuse_equal
            && let Some(index) = self.enums.iter().position(|e| e.kind == kind)
        {
            return index;
        }
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

fn has_duplicates(names: &[String]) -> bool {
    names
        .iter()
        .enumerate()
        .any(|(i, n)| names[..i].contains(n) || n == "Unknown")
}

fn value_name(value: i64) -> String {
    if value < 0 {
        format!("ValueMinus{}", value.unsigned_abs())
    } else {
        format!("Value{value}")
    }
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

/// Whether a property's schema takes `null`: `nullable` on it, on the one part of its `allOf`
/// (how a reference is made nullable), or on the component schema it refers to.
fn allows_null(docs: &[Loaded], doc: usize, schema: &ReferenceOr<Box<Schema>>) -> bool {
    fn schema_allows(docs: &[Loaded], doc: usize, schema: &Schema, depth: usize) -> bool {
        if schema.schema_data.nullable {
            return true;
        }
        match &schema.schema_kind {
            SchemaKind::AllOf { all_of } if depth < MAX_ALL_OF_DEPTH => match all_of.as_slice() {
                [ReferenceOr::Item(part)] => schema_allows(docs, doc, part, depth + 1),
                [ReferenceOr::Reference { reference }] => {
                    reference_allows(docs, doc, reference, depth + 1)
                }
                _ => false,
            },
            _ => false,
        }
    }
    fn reference_allows(docs: &[Loaded], doc: usize, reference: &str, depth: usize) -> bool {
        let target = reference.strip_prefix(SCHEMA_PREFIX).and_then(|name| {
            docs[doc]
                .api
                .components
                .as_ref()?
                .schemas
                .get(&unescape_token(name))
        });
        match target {
            Some(ReferenceOr::Item(schema)) => schema_allows(docs, doc, schema, depth),
            _ => false,
        }
    }
    match schema {
        ReferenceOr::Item(schema) => schema_allows(docs, doc, schema, 0),
        ReferenceOr::Reference { reference } => reference_allows(docs, doc, reference, 0),
    }
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

#[cfg(test)]
mod tests {
    use crate::ir::{EnumKind, Ty};
    use crate::normalize::test_support::{doc, normalize_schemas, normalize_yaml};

    #[test]
    fn one_of_string_enums_is_one_enum_and_a_single_all_of_is_its_part() {
        let api = normalize_schemas(
            "    Kind: {type: string, enum: [a, b]}\n    Thing:\n      type: object\n      properties:\n        kind: {allOf: [{$ref: '#/components/schemas/Kind'}], description: d}\n        sort: {oneOf: [{type: string, enum: [x]}, {type: string, enum: [y, z]}]}\n        mixed: {oneOf: [{type: string}, {type: integer}]}\n        ids: {oneOf: [{type: string}, {type: array, items: {type: string}}]}\n        codes: {oneOf: [{type: array, items: {type: integer}}, {type: integer}]}\n",
        );
        let props = &api.member_props.values().next().expect("Thing").clone();
        let Ty::Enum(kind) = props[0].ty else {
            panic!("{:?}", props[0].ty)
        };
        assert_eq!(api.enums[kind].name, "Kind");
        let Ty::Enum(sort) = props[1].ty else {
            panic!("{:?}", props[1].ty)
        };
        assert_eq!(
            api.enums[sort].kind,
            EnumKind::Str(vec![
                ("x".into(), "X".into()),
                ("y".into(), "Y".into()),
                ("z".into(), "Z".into())
            ])
        );
        // A string or an integer: a union of the two (normalize/unions.rs).
        assert_eq!(props[2].ty, Ty::Union(0));
        assert_eq!(props[3].ty, Ty::List(Box::new(Ty::String)));
        // The list may come first.
        assert_eq!(props[4].ty, Ty::List(Box::new(Ty::I64)));
        assert_eq!(api.enums.len(), 2, "no orphan enums of the oneOf parts");
    }

    #[test]
    fn a_repeated_enum_value_is_one_variant() {
        let api = normalize_schemas(
            "    Thing:\n      type: object\n      properties:\n        kind: {type: string, enum: [one, one, two]}\n        num: {type: integer, enum: [1, 1, 2], x-enumNames: [First, Again, Second]}\n",
        );
        let kinds: Vec<&EnumKind> = api.enums.iter().map(|e| &e.kind).collect();
        assert_eq!(
            kinds,
            [
                &EnumKind::Str(vec![
                    ("one".into(), "One".into()),
                    ("two".into(), "Two".into())
                ]),
                &EnumKind::Int(vec![(1, "First".into()), (2, "Second".into())]),
            ]
        );
    }

    #[test]
    fn an_array_that_holds_itself_through_an_object_degrades_that_reference_only() {
        let (api, diagnostics) = normalize_yaml(&doc(
            "  /t:\n    get:\n      operationId: T\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Tree'}}}}\n",
            "    Tree: {type: array, items: {type: object, properties: {name: {type: string}, children: {$ref: '#/components/schemas/Tree'}}}}\n",
        ));
        let found: Vec<(crate::Severity, crate::Kind, String)> = diagnostics
            .iter()
            .map(|d| match &d.location {
                crate::Location::Pointer(p) => (d.severity, d.kind, p.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            found,
            [(
                crate::Severity::Warning,
                crate::Kind::KeptAsJson,
                "/components/schemas/Tree/items/properties/children/$ref".to_owned()
            )]
        );
        let op = &api.modules[0].operations[0];
        let Some(Ty::List(item)) = op.success.ty.clone() else {
            panic!("{:?}", op.success)
        };
        let Ty::Concept(key) = *item else {
            panic!("{item:?}")
        };
        let props = &api.member_props[&key];
        let types: Vec<(&str, &Ty)> = props.iter().map(|p| (p.wire.as_str(), &p.ty)).collect();
        assert_eq!(types, [("name", &Ty::String), ("children", &Ty::Json)]);
    }

    #[test]
    fn an_all_of_with_a_map_part_is_json_and_the_warning_says_why() {
        let (api, diagnostics) = normalize_yaml(&doc(
            "  {}",
            "    Holder: {type: object, properties: {dog: {allOf: [{type: object, properties: {loud: {type: boolean}}}, {type: object, additionalProperties: {type: integer}}]}}}\n",
        ));
        let messages: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "warning: t.yaml#/components/schemas/Holder/properties/dog: an allOf with a part that declares no properties (a map, a scalar, a list, or more than 16 allOf levels deep) is kept as serde_json::Value"
            ]
        );
        let props = api.member_props.values().next().expect("Holder");
        assert_eq!(props[0].ty, Ty::Json);
    }

    #[test]
    fn a_required_nullable_property_is_an_option_written_as_null() {
        let api = normalize_schemas(
            "    Other: {type: object, nullable: true, properties: {x: {type: string}}}\n    Thing:\n      type: object\n      required: [a, b, c, d, e]\n      properties:\n        a: {type: string, nullable: true}\n        b: {$ref: '#/components/schemas/Other'}\n        c: {allOf: [{type: integer}], nullable: true}\n        d: {type: string}\n        e: {nullable: true}\n        f: {type: string, nullable: true}\n",
        );
        let thing = api
            .member_props
            .iter()
            .find(|(key, _)| key.name == "Thing")
            .map(|(_, props)| props)
            .expect("Thing");
        let flags: Vec<(&str, bool, bool)> = thing
            .iter()
            .map(|p| (p.wire.as_str(), p.required, p.null_for_none))
            .collect();
        assert_eq!(
            flags,
            [
                ("a", false, true),
                ("b", false, true),
                ("c", false, true),
                ("d", true, false),
                // JSON holds `null` itself; an optional property is left out when `None`.
                ("e", true, false),
                ("f", false, false),
            ]
        );
    }

    #[test]
    fn x_enum_names_on_a_parameter_name_it_and_reuse_the_schema_enum() {
        let (api, _) = normalize_yaml(&doc(
            "  /x:\n    get:\n      operationId: X\n      parameters:\n        - {name: status, in: query, schema: {type: integer, enum: [0, 1]}, x-enumNames: [Open, Payed]}\n      responses:\n        '204': {description: ok}\n",
            "    PaymentStatus: {type: integer, enum: [0, 1], x-enumNames: [Open, Payed]}\n    Order: {type: object, properties: {status: {$ref: '#/components/schemas/PaymentStatus'}}}\n",
        ));
        let Ty::Enum(i) = api.modules[0].operations[0].query_params[0].ty else {
            panic!()
        };
        assert_eq!(api.enums[i].name, "PaymentStatus");
        assert_eq!(api.enums.len(), 1);
    }
}
