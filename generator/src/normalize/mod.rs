//! Normalize: the loaded documents become one [`Api`]: operations with their repairs applied,
//! schemas unified across casings, enums named.

mod forms;
pub(crate) mod naming;
mod operations;
mod paging;
mod schemas;
mod signature;
mod unify;
mod webhooks;

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Kind, Location, Severity, Sink};
use crate::ir::{Api, Module};
use crate::load::Loaded;

pub(crate) use forms::{FieldRule, field_rule, query_rule};
use naming::module_name as module_identifier;
pub use naming::{field_name, is_identifier, is_keyword};
pub(crate) use schemas::is_scalar;

/// Builds the intermediate representation of all documents.
pub fn normalize(docs: &[Loaded], sink: &mut Sink) -> Api {
    let module_names: Vec<String> = docs.iter().map(module_name).collect();
    for (i, name) in module_names.iter().enumerate() {
        if let Some(first) = module_names[..i].iter().position(|n| n == name) {
            sink.push(Diagnostic::new(
                Severity::Error,
                &docs[i].file,
                Location::Pointer("/info".to_owned()),
                Kind::ModuleClash,
                format!("module `{name}` is generated from {} already; set `info.x-jtl-module` to another name", docs[first].file),
            ));
        }
    }
    let mut schemas = schemas::Schemas::new(docs);
    schemas.lower_components(sink);
    let operations: Vec<_> = (0..docs.len())
        .map(|d| operations::lower_operations(d, docs, &mut schemas, sink))
        .collect();
    let webhooks: Vec<_> = (0..docs.len())
        .map(|d| webhooks::lower_webhooks(d, docs, &mut schemas, sink))
        .collect();
    let (concepts, concept_of) =
        unify::unify(&schemas.members, &schemas.enums, docs, &module_names, sink);
    let mut taken: HashMap<String, ()> = concepts.iter().map(|m| (m.name.clone(), ())).collect();
    // Unions yield to models, enums to both.
    for union in &mut schemas.unions {
        while taken.contains_key(&union.name) {
            union.name.push_str("Union");
        }
        taken.insert(union.name.clone(), ());
    }
    schemas.rename_enums_clashing_with(&taken);
    let modules = docs
        .iter()
        .zip(module_names)
        .zip(operations.into_iter().zip(webhooks))
        .map(|((doc, name), (operations, webhooks))| Module {
            name,
            file: doc.file.clone(),
            title: doc.api.info.title.clone(),
            description: module_description(doc),
            default_base_url: default_base_url(doc),
            api_version: Some(doc.api.info.version.clone()),
            operations,
            webhooks,
        })
        .collect();
    let member_props = schemas
        .members
        .iter()
        .map(|v| (v.key.clone(), v.props.clone()))
        .collect();
    let mut api = Api {
        modules,
        concepts,
        enums: schemas.enums,
        unions: schemas.unions,
        concept_of,
        member_props,
    };
    let files: Vec<String> = docs.iter().map(|d| d.file.clone()).collect();
    forms::check(&api, &files, sink);
    paging::detect(&mut api, &files, sink);
    signature::settle(&mut api, &files, sink);
    api
}

/// `x-jtl-module` in `info`, else the file name in snake_case.
fn module_name(doc: &Loaded) -> String {
    if let Some(name) = doc
        .api
        .info
        .extensions
        .get("x-jtl-module")
        .and_then(|v| v.as_str())
    {
        return module_identifier(name);
    }
    let stem = doc.file.rsplit(['/', '\\']).next().unwrap_or(&doc.file);
    let stem = stem.split_once('.').map_or(stem, |(s, _)| s);
    module_identifier(stem)
}

/// `info.description`, after `info.summary` where an OpenAPI 3.1 document has one (openapiv3's
/// `Info` has no summary: it is read from the raw tree).
fn module_description(doc: &Loaded) -> Option<String> {
    let summary = doc
        .raw
        .pointer("/info/summary")
        .and_then(serde_json::Value::as_str)
        .filter(|s| doc.openapi31 && !s.trim().is_empty());
    match (summary, &doc.api.info.description) {
        (Some(summary), Some(description)) => Some(format!("{}\n\n{description}", summary.trim())),
        (Some(summary), None) => Some(summary.trim().to_owned()),
        (None, description) => description.clone(),
    }
}

/// The first server, its variables replaced by their defaults.
fn default_base_url(doc: &Loaded) -> String {
    let Some(server) = doc.api.servers.first() else {
        return String::new();
    };
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    url.trim_end_matches('/').to_owned()
}

/// Helpers for the unit tests of the normalize stages: a YAML document in, the IR and the
/// diagnostics out.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::diagnostics::{Diagnostic, Sink};
    use crate::ir::Api;
    use crate::{SourceDocument, load_all};

    /// Loads, validates and normalizes one document named `t.yaml`.
    pub fn normalize_yaml(yaml: &str) -> (Api, Vec<Diagnostic>) {
        let mut sink = Sink::default();
        let docs = load_all(
            &[SourceDocument {
                path: "t.yaml".to_owned(),
                text: yaml.to_owned(),
            }],
            &mut sink,
        );
        crate::validate::validate_all(&docs, &mut sink);
        let api = super::normalize(&docs, &mut sink);
        (api, sink.into_warnings())
    }

    /// Loads and normalizes a document of component schemas alone, which must raise no
    /// diagnostic.
    #[track_caller]
    pub fn normalize_schemas(schemas: &str) -> Api {
        let (api, diagnostics) = normalize_yaml(&doc("  {}", schemas));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        api
    }

    /// `yaml` with `openapi`, `info` and `paths` before it.
    pub fn doc(paths: &str, schemas: &str) -> String {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}\ncomponents:\n  schemas:\n{schemas}"
        )
    }
}
