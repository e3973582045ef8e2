//! Unification: schemas that differ only in the casing of their property names become one model.
//!
//! Two object schemas are one concept when they name the same thing (their names equal once a
//! leading verb such as `Create` or `Update` is dropped, or the same `x-jtl-model-name`), their
//! property names are equal ignoring ASCII case, and each property has the same type (models
//! compared by concept, recursively; enums by values and names). Descriptions, examples and
//! required sets may differ. Schemas of one concept that disagree (a property of another type,
//! the same casing in another key order) stay separate types, each named after its own schema,
//! with a warning naming both; schemas with other property names stay apart silently.

use std::collections::{BTreeMap, HashMap};

use super::naming::{common_word_suffix, field_name, first_free, type_name};
use crate::diagnostics::{Diagnostic, Kind, Location, Severity, Sink};
use crate::ir::{
    Casing, CasingKeys, Concept, EnumDef, Field, MemberSchema, SchemaKey, Ty, WireKey,
};
use crate::load::Loaded;

/// The concepts, and for each member schema its model and dialect.
pub type Unified = (Vec<Concept>, BTreeMap<SchemaKey, (usize, Casing)>);

/// Groups `schemas` into concepts.
pub fn unify(
    schemas: &[MemberSchema],
    enums: &[EnumDef],
    docs: &[Loaded],
    modules: &[String],
    sink: &mut Sink,
) -> Unified {
    let index: HashMap<&SchemaKey, usize> = schemas
        .iter()
        .enumerate()
        .map(|(i, v)| (&v.key, i))
        .collect();
    let group = partition(schemas, enums, &index);
    report_splits(schemas, enums, &index, &group, docs, sink);
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (member, g) in group.iter().enumerate() {
        members.entry(*g).or_default().push(member);
    }
    let member_lists: Vec<Vec<usize>> = members
        .values()
        .flat_map(|list| split_by_key_order(schemas, list, docs, sink))
        .collect();
    let mut concepts = Vec::new();
    let mut concept_of = BTreeMap::new();
    for member_list in &member_lists {
        let Some(model) = build_model(schemas, &index, member_list, docs, sink) else {
            continue;
        };
        for &m in member_list {
            concept_of.insert(schemas[m].key.clone(), (concepts.len(), schemas[m].casing));
        }
        concepts.push(model);
    }
    disambiguate_names(&mut concepts, modules, docs, schemas, sink);
    (concepts, concept_of)
}

/// Coarsest partition in which members of a group have equal signatures.
fn partition(
    schemas: &[MemberSchema],
    enums: &[EnumDef],
    index: &HashMap<&SchemaKey, usize>,
) -> Vec<usize> {
    let mut group = vec![0usize; schemas.len()];
    let mut count = 1;
    loop {
        let mut ids: HashMap<String, usize> = HashMap::new();
        let next: Vec<usize> = schemas
            .iter()
            .map(|v| {
                let sig = signature(v, enums, index, &group);
                let len = ids.len();
                *ids.entry(sig).or_insert(len)
            })
            .collect();
        let stable = ids.len() == count;
        group = next;
        count = ids.len();
        if stable {
            return group;
        }
    }
}

fn signature(
    v: &MemberSchema,
    enums: &[EnumDef],
    index: &HashMap<&SchemaKey, usize>,
    group: &[usize],
) -> String {
    let mut props: Vec<String> = v
        .props
        .iter()
        .map(|p| {
            format!(
                "{}:{}",
                p.wire.to_ascii_lowercase(),
                ty_sig(&p.ty, enums, index, group)
            )
        })
        .collect();
    props.sort();
    format!("{}|{}", concept(v), props.join(","))
}

/// Verbs the vendor puts before a concept's name (`CreateAppRegistrationRequest`).
const VERB_PREFIXES: &[&str] = &[
    "Create", "Update", "Patch", "Put", "Post", "Get", "New", "Legacy",
];

/// The concept a schema names: `x-jtl-model-name`, else its name without a leading verb,
/// lowercased. Only schemas of one concept are unified: `Item` and `Customer` may have the same
/// properties and still be different things.
pub fn concept(v: &MemberSchema) -> String {
    if let Some(name) = &v.name_override {
        return name.to_ascii_lowercase();
    }
    let name = v.key.name.as_str();
    let stripped = VERB_PREFIXES
        .iter()
        .find_map(|verb| {
            name.strip_prefix(verb)
                .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
        })
        .unwrap_or(name);
    stripped.to_ascii_lowercase()
}

fn ty_sig(
    ty: &Ty,
    enums: &[EnumDef],
    index: &HashMap<&SchemaKey, usize>,
    group: &[usize],
) -> String {
    match ty {
        Ty::Concept(key) => format!("model#{}", index.get(key).map_or(usize::MAX, |&i| group[i])),
        Ty::Enum(i) => format!("enum{:?}", enums[*i].kind),
        Ty::List(inner) => format!("[{}]", ty_sig(inner, enums, index, group)),
        Ty::Map(inner) => format!("{{{}}}", ty_sig(inner, enums, index, group)),
        other => format!("{other:?}"),
    }
}

fn lowercase_keys(v: &MemberSchema) -> Vec<String> {
    let mut keys: Vec<String> = v
        .props
        .iter()
        .map(|p| p.wire.to_ascii_lowercase())
        .collect();
    keys.sort();
    keys
}

fn at(docs: &[Loaded], v: &MemberSchema) -> String {
    format!("{}#{}", docs[v.key.doc].file, v.pointer)
}

/// A problem of the member schema `v`, at its pointer.
fn problem(
    severity: Severity,
    docs: &[Loaded],
    v: &MemberSchema,
    kind: Kind,
    message: String,
) -> Diagnostic {
    let at = Location::Pointer(v.pointer.clone());
    Diagnostic::new(severity, &docs[v.key.doc].file, at, kind, message)
}

/// Same concept and property names, different types: the schemas stay separate types (the
/// vendor's Create/Update pairs whose nested items differ, `Address` and `UpdateAddress`), each
/// named after itself, with a warning naming both so that a maintainer can make them agree.
fn report_splits(
    schemas: &[MemberSchema],
    enums: &[EnumDef],
    index: &HashMap<&SchemaKey, usize>,
    group: &[usize],
    docs: &[Loaded],
    sink: &mut Sink,
) {
    let mut first_of_group: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, g) in group.iter().enumerate() {
        first_of_group.entry(*g).or_insert(i);
    }
    let firsts: Vec<usize> = first_of_group.values().copied().collect();
    for (n, &a) in firsts.iter().enumerate() {
        for &b in &firsts[n + 1..] {
            let (va, vb) = (&schemas[a], &schemas[b]);
            if concept(va) != concept(vb) || lowercase_keys(va) != lowercase_keys(vb) {
                continue;
            }
            let differing = va.props.iter().find_map(|pa| {
                let pb = vb
                    .props
                    .iter()
                    .find(|pb| pb.wire.eq_ignore_ascii_case(&pa.wire))?;
                (ty_sig(&pa.ty, enums, index, group) != ty_sig(&pb.ty, enums, index, group))
                    .then(|| pa.wire.clone())
            });
            let what = differing.map_or_else(
                || "a nested schema".to_owned(),
                |p| format!("property `{p}`"),
            );
            sink.push(problem(
                Severity::Warning,
                docs,
                vb,
                Kind::ConceptSplit,
                format!(
                    "schema `{}` and schema `{}` ({}) name one concept but differ in {what}; \
                     they stay separate types",
                    vb.key.name,
                    va.key.name,
                    at(docs, va)
                ),
            ));
        }
    }
}

/// Members of one group that write the same casing in another key order cannot share one
/// `WireSerialize` of that casing: they are split into as few lists as needed, with a warning.
fn split_by_key_order(
    schemas: &[MemberSchema],
    members: &[usize],
    docs: &[Loaded],
    sink: &mut Sink,
) -> Vec<Vec<usize>> {
    let order =
        |m: usize| -> Vec<&str> { schemas[m].props.iter().map(|p| p.wire.as_str()).collect() };
    let mut lists: Vec<Vec<usize>> = Vec::new();
    for &m in members {
        let fits = |list: &Vec<usize>| {
            list.iter()
                .all(|&o| schemas[o].casing != schemas[m].casing || order(o) == order(m))
        };
        if lists.is_empty() {
            lists.push(vec![m]);
            continue;
        }
        match lists.iter_mut().find(|l| fits(l)) {
            Some(list) => list.push(m),
            None => {
                let other = &schemas[lists[0][0]];
                sink.push(problem(
                    Severity::Warning,
                    docs,
                    &schemas[m],
                    Kind::ConceptSplit,
                    format!(
                        "schema `{}` writes the keys of `{}` ({}) in another order in the same casing; \
                         they stay separate types",
                        schemas[m].key.name,
                        other.key.name,
                        at(docs, other)
                    ),
                ));
                lists.push(vec![m]);
            }
        }
    }
    lists
}

fn build_model(
    schemas: &[MemberSchema],
    index: &HashMap<&SchemaKey, usize>,
    members: &[usize],
    docs: &[Loaded],
    sink: &mut Sink,
) -> Option<Concept> {
    let first = &schemas[members[0]];
    let name = model_name(schemas, members, docs, sink)?;
    let mut fields: Vec<Field> = first
        .props
        .iter()
        .map(|p| Field {
            rust_name: field_name(&p.wire),
            ty: p.ty.clone(),
            required: true,
            description: None,
            spellings: Vec::new(),
            setter: String::new(),
        })
        .collect();
    let mut dialects: Vec<(CasingKeys, usize)> = Vec::new();
    for &m in members {
        let v = &schemas[m];
        let mut keys = Vec::new();
        // Keys that differ only in case within one schema (`a` and `A`) are two fields: each
        // key takes the exact spelling first, else the first field of its case not yet taken.
        let mut taken = vec![false; first.props.len()];
        for p in &v.props {
            let free = |f: &(usize, &crate::ir::Prop)| !taken[f.0];
            let i = first
                .props
                .iter()
                .enumerate()
                .filter(free)
                .find(|(_, f)| f.wire == p.wire)
                .or_else(|| {
                    first
                        .props
                        .iter()
                        .enumerate()
                        .filter(free)
                        .find(|(_, f)| f.wire.eq_ignore_ascii_case(&p.wire))
                })?
                .0;
            taken[i] = true;
            let field = &mut fields[i];
            field.required &= p.required;
            if field.description.is_none() {
                field.description.clone_from(&p.description);
            }
            if !field.spellings.contains(&p.wire) {
                field.spellings.push(p.wire.clone());
            }
            let nested =
                p.ty.model()
                    .and_then(|key| index.get(key))
                    .map(|&n| schemas[n].casing);
            keys.push(WireKey {
                field: i,
                wire: p.wire.clone(),
                nested,
                null_for_none: p.null_for_none,
            });
        }
        match dialects.iter().find(|(d, _)| d.casing == v.casing) {
            // split_by_key_order put members of one casing and another order apart.
            Some(_) => {}
            None => dialects.push((
                CasingKeys {
                    casing: v.casing,
                    keys,
                },
                m,
            )),
        }
    }
    rename_clashing_fields(&mut fields, first, docs, sink);
    name_setters(&mut fields, first, docs, sink);
    Some(Concept {
        name,
        description: members.iter().find_map(|&m| schemas[m].description.clone()),
        fields,
        casings: dialects.into_iter().map(|(d, _)| d).collect(),
        members: members
            .iter()
            .map(|&m| (schemas[m].key.clone(), schemas[m].casing))
            .collect(),
    })
}

/// Keys that become the same Rust field (`appId` and `app_id`): later ones get `_2`, `_3`, …
fn rename_clashing_fields(
    fields: &mut [Field],
    first: &MemberSchema,
    docs: &[Loaded],
    sink: &mut Sink,
) {
    for i in 0..fields.len() {
        let base = fields[i].rust_name.clone();
        let taken = |name: &str| fields[..i].iter().any(|o| o.rust_name == name);
        if taken(&base) {
            // `self_` + 2 is `self_2`: one underscore, or the name is not snake case.
            let plain = base.trim_start_matches("r#").trim_end_matches('_');
            fields[i].rust_name = first_free([], plain, "_", taken);
        }
        if fields[i].rust_name != base {
            sink.push(problem(
                Severity::Warning,
                docs,
                first,
                Kind::FieldRenamed,
                format!("property `{}` would be the Rust field `{base}` like an earlier one; it becomes `{}`", fields[i].spellings.first().map_or("", String::as_str), fields[i].rust_name),
            ));
        }
    }
}

/// The model's methods a setter must not take: its constructor and, for the checks of required
/// properties before sending, every `missing_in_…` (`emit/required.rs`).
fn is_model_method(name: &str) -> bool {
    name == "new" || name.starts_with("missing_in_")
}

/// Every field's setter, `with_` and the field's name (without a leading `_`); distinct from each other and from the
/// model's other methods (the field names are distinct, so this changes a name only where a
/// later rule would make two alike), with a warning naming the property.
fn name_setters(fields: &mut [Field], first: &MemberSchema, docs: &[Loaded], sink: &mut Sink) {
    for i in 0..fields.len() {
        // `_9lives` (a name that cannot start an identifier) has its setter `with_9lives`.
        let plain = fields[i].rust_name.trim_start_matches("r#");
        let wanted = format!("with_{}", plain.trim_start_matches('_'));
        let taken =
            |name: &str| is_model_method(name) || fields[..i].iter().any(|o| o.setter == name);
        let setter = first_free([wanted.clone()], wanted.trim_end_matches('_'), "_", taken);
        if setter != wanted {
            sink.push(problem(
                Severity::Warning,
                docs,
                first,
                Kind::FieldRenamed,
                format!(
                    "the setter of property `{}` would be `{wanted}` like another method of the model; it becomes `{setter}`",
                    fields[i].spellings.first().map_or("", String::as_str)
                ),
            ));
        }
        fields[i].setter = setter;
    }
}

/// `x-jtl-model-name` if set, else the words all member names end with, else the first name.
fn model_name(
    schemas: &[MemberSchema],
    members: &[usize],
    docs: &[Loaded],
    sink: &mut Sink,
) -> Option<String> {
    let overrides: Vec<&MemberSchema> = members
        .iter()
        .map(|&m| &schemas[m])
        .filter(|v| v.name_override.is_some())
        .collect();
    if let Some(first) = overrides.first() {
        if let Some(other) = overrides
            .iter()
            .find(|v| v.name_override != first.name_override)
        {
            sink.push(problem(
                Severity::Error,
                docs,
                other,
                Kind::ModelNameConflict,
                format!(
                    "x-jtl-model-name `{}` disagrees with `{}` at {}",
                    other.name_override.as_deref().unwrap_or_default(),
                    first.name_override.as_deref().unwrap_or_default(),
                    at(docs, first)
                ),
            ));
            return None;
        }
        return first.name_override.as_deref().map(type_name);
    }
    let mut names: Vec<&str> = members
        .iter()
        .map(|&m| schemas[m].key.name.as_str())
        .collect();
    names.dedup();
    Some(type_name(
        &common_word_suffix(&names).unwrap_or_else(|| names[0].to_owned()),
    ))
}

/// Separate concepts that got one name: the later one takes its first schema's own name, else
/// that name with its module's appended, else a number; with a warning.
fn disambiguate_names(
    concepts: &mut [Concept],
    modules: &[String],
    docs: &[Loaded],
    schemas: &[MemberSchema],
    sink: &mut Sink,
) {
    for i in 0..concepts.len() {
        if !concepts[..i].iter().any(|m| m.name == concepts[i].name) {
            continue;
        }
        let key = concepts[i].members[0].0.clone();
        let own = type_name(&key.name);
        let module = type_name(&modules[key.doc]);
        let base = concepts[i].name.clone();
        let candidates = [
            own.clone(),
            format!("{base}{module}"),
            format!("{own}{module}"),
        ];
        let renamed = first_free(candidates, &base, "", |name| {
            concepts.iter().any(|m| m.name == name)
        });
        let pointer = schemas
            .iter()
            .find(|v| v.key == key)
            .map_or_else(String::new, |v| v.pointer.clone());
        sink.push(Diagnostic::new(
            Severity::Warning,
            &docs[key.doc].file,
            Location::Pointer(pointer),
            Kind::ModelRenamed,
            format!("another concept is named `{base}` already; this one becomes `{renamed}`"),
        ));
        concepts[i].name = renamed;
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Kind;
    use crate::normalize::test_support::{doc, normalize_yaml};

    fn concept_names(schemas: &str) -> (Vec<String>, Vec<Kind>) {
        let (api, diagnostics) = normalize_yaml(&doc("  {}", schemas));
        (
            api.concepts.iter().map(|c| c.name.clone()).collect(),
            diagnostics.iter().map(|d| d.kind).collect(),
        )
    }

    #[test]
    fn a_create_update_pair_in_two_casings_is_one_concept() {
        let (names, kinds) = concept_names(
            "    CreateThing: {type: object, properties: {Name: {type: string}}}\n    UpdateThing: {type: object, properties: {name: {type: string}}}\n",
        );
        assert_eq!(names, ["Thing"]);
        assert!(kinds.is_empty(), "{kinds:?}");
    }

    #[test]
    fn members_whose_nested_items_disagree_stay_apart_without_a_cascade() {
        let (names, kinds) = concept_names(
            "    Address: {type: object, properties: {City: {type: string}}}\n    UpdateAddress: {type: object, properties: {City: {type: string}, Zip: {type: string}}}\n    OtherAddresses: {type: object, properties: {Items: {type: array, items: {$ref: '#/components/schemas/Address'}}}}\n    UpdateOtherAddresses: {type: object, properties: {Items: {type: array, items: {$ref: '#/components/schemas/UpdateAddress'}}}}\n",
        );
        assert_eq!(
            names,
            [
                "Address",
                "UpdateAddress",
                "OtherAddresses",
                "UpdateOtherAddresses"
            ]
        );
        assert_eq!(kinds, [Kind::ConceptSplit]);
    }

    #[test]
    fn one_casing_in_two_key_orders_is_split_instead_of_refused() {
        let (names, kinds) = concept_names(
            "    CreateThing: {type: object, properties: {a: {type: string}, b: {type: string}}}\n    UpdateThing: {type: object, properties: {b: {type: string}, a: {type: string}}}\n",
        );
        assert_eq!(names.len(), 2, "{names:?}");
        assert_eq!(kinds, [Kind::ConceptSplit]);
    }

    #[test]
    fn keys_differing_only_in_case_are_two_fields_not_a_panic() {
        let (api, diagnostics) = normalize_yaml(&doc(
            "  {}",
            "    Cased: {type: object, properties: {a: {type: string}, A: {type: integer}, self: {type: string}, Self: {type: boolean}}}\n",
        ));
        let fields: Vec<&str> = api.concepts[0]
            .fields
            .iter()
            .map(|f| f.rust_name.as_str())
            .collect();
        assert_eq!(fields, ["a", "a_2", "self_", "self_2"]);
        assert_eq!(diagnostics.len(), 2);
    }
}
