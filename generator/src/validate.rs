//! Validate: problems that would make later stages guess, all of them at once. Every local
//! `$ref` must point at something; one into another file degrades (the generator reads one file
//! per document): what it names is left out, a schema is `serde_json::Value`. Example data, defaults, enum values and extensions are
//! data, not schema: a `$ref` key inside them is an ordinary key and is not checked.

use crate::diagnostics::{Diagnostic, Kind, Location, Severity, Sink};
use crate::load::Loaded;
use crate::tree::Parent;

/// Checks every document; problems go to `sink`.
pub fn validate_all(docs: &[Loaded], sink: &mut Sink) {
    for doc in docs {
        crate::tree::refs(&doc.raw, Parent::Other, &mut |at, target| {
            check_ref(doc, target, at, sink);
        });
    }
}

fn check_ref(doc: &Loaded, target: &str, at: &str, sink: &mut Sink) {
    let Some(pointer) = target.strip_prefix('#') else {
        sink.push(Diagnostic::warning(
            &doc.file,
            format!("{at}/$ref"),
            Kind::ExternalRef,
            format!("`$ref: {target}` points into another file, which is not read (bundle the files into one first, e.g. `redocly bundle`): what it names is left out (a schema is serde_json::Value)"),
        ));
        return;
    };
    if doc.raw.pointer(pointer).is_none() {
        sink.push(Diagnostic::new(
            Severity::Error,
            &doc.file,
            Location::Pointer(format!("{at}/$ref")),
            Kind::DanglingRef,
            format!("`$ref` target `{target}` does not exist"),
        ));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn refs_in_a_default_response_are_checked_and_refs_in_examples_are_not() {
        let (_, diagnostics) = crate::normalize::test_support::normalize_yaml(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        default:\n          description: d\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n              example: {$ref: 'elsewhere.yaml'}\n",
        );
        let errors: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.severity == crate::diagnostics::Severity::Error)
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            [
                "error: t.yaml#/paths/~1x/get/responses/default/content/application~1json/schema/$ref: `$ref` target `#/components/schemas/Missing` does not exist"
            ]
        );
    }
}
