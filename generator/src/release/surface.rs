//! The API surface: what code that uses the generated crate can name, as data. Computed from the
//! IR after normalize (pure), recorded in the crate as `api.json`, and read back from the
//! previous release so that [`super::diff`] can tell what a regeneration changes.
//!
//! Types are written in one notation, the Rust types downstream code sees, without paths:
//! `String`, `bool`, `i32`, `i64`, `f64`, `Base64Bytes`, `Binary`, `DateTime<FixedOffset>`,
//! `NaiveDate`, `Uuid`, `Secret`, `Value` (JSON), `Vec<T>`, `BTreeMap<String, T>`, and models,
//! enums and unions by their Rust name (`Option<U>` for a nullable union). Sets whose order means nothing
//! (modules, operations, optional inputs, error statuses, scopes, models, enum values) are
//! sorted; lists whose order code depends on (required inputs, a model's properties, a union's
//! variants) keep it.

use serde::{Deserialize, Serialize};

use crate::ir::{self, Api, AuthNeed, EnumKind, Media, Ty};

/// The version of the generator's API shape, and with it of the `api.json` layout. Raised when the
/// code emitted for the same surface changes in a way callers see (a client's methods or trait
/// impls, how its models are built) as well as when the layout changes: what the surface records
/// cannot show such a change, so a release after a surface of an older format is breaking as a
/// whole and its changelog entry gives [`SHAPE`] instead of listing changes. A test pins the
/// generated clients' own items (derives, handles, trait impls) to this number
/// (tests/generator/release.rs, `a_clients_own_items_change_only_with_a_new_api_shape`).
pub const FORMAT: u32 = 4;

/// What changed for callers when [`FORMAT`] was last raised (earlier shapes are described in the
/// generated CHANGELOG's entries that raised them: 0.2.0, 0.3.0).
pub const SHAPE: &str = "Names that say the job. The runtime's transport, the value a client \
wraps and returns from `transport()` (it was `runtime()`), is `runtime::Transport` (it was \
`runtime::Client`; `Transport::builder(url)` builds a bare one). The settings given to every \
builder that talks HTTP are `runtime::HttpSettings` (it was `runtime::Transport`), set with \
`.http_settings(&settings)` (it was `.transport(&transport)`). What a fleet of replicas shares \
is set with `fleet_cache(store)` and `fleet_rate_limit(budget)` (they were `shared_cache` and \
`shared_rate_limit`), through `runtime::fleet::FleetTokenStore` and `FleetToken` (they were \
`SharedTokenStore`, `SharedToken`). The App Shell's session tokens are verified in \
`runtime::session_token` (it was `runtime::session`) by `SessionTokenVerifier` with \
`SessionTokenClaims` and signed in tests by `SessionTokenSigner` (they were `SessionVerifier`, \
`SessionClaims`, `SessionSigner`; `CloudConfig::session_token_verifier` was \
`session_verifier`), so that \"session\" alone names nothing: the Wawi login is \
`wawi_session`, the header `X-SessionId`. An operation whose method would be named \
`transport` is renamed. The fake (feature `fake`) is scripted through a handle per API: \
`fake.registration()`, `fake.erp()`, `fake.identity()`, `fake.scx()`, `fake.session_tokens()`; \
`FakeJtl`'s own methods for them moved there, named without the API in them (`approve` is \
`registration().approve`, `registrations` is `registration().list`, `session_token` is \
`session_tokens().issue`, `app_token_eddsa(…)` is `identity().app_token(AppTokenAlg::EdDsa, …)`, \
`rotate_issuer_keys` is `identity().rotate_keys`); `FakeJtl` keeps its start, addresses, fault \
switches and request record.";

/// The format a recorded surface says it is in, when it says so.
pub fn format_of(text: &str) -> Option<u32> {
    #[derive(Deserialize)]
    struct Head {
        format: u32,
    }
    serde_json::from_str::<Head>(text).ok().map(|h| h.format)
}

/// The whole surface of a generated crate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Surface {
    /// A note for whoever opens the file.
    #[serde(default)]
    pub note: String,
    /// [`FORMAT`].
    pub format: u32,
    /// The package name.
    #[serde(rename = "crate")]
    pub crate_name: String,
    /// The package version this surface was released as.
    pub version: String,
    pub modules: Vec<ModuleSurface>,
    pub models: Vec<ModelSurface>,
    pub enums: Vec<EnumSurface>,
    pub unions: Vec<UnionSurface>,
    /// The hand-written modules the crate holds (`registration`, `wawi_session`, `fake`): one is
    /// left out when the documents lack an operation it calls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handwritten: Vec<String>,
}

/// A module: one API, one `Client`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleSurface {
    /// The Rust module (`erp_v2`).
    pub name: String,
    /// By operation id.
    pub operations: Vec<OperationSurface>,
}

/// An operation: the client's method and what it takes and gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationSurface {
    /// The `operationId`.
    pub id: String,
    /// The client's method.
    pub method: String,
    /// Its request builder's type.
    pub builder: String,
    /// `GET /v2/items/{id}`.
    pub http: String,
    /// Inputs the method takes positionally, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<Input>,
    /// Inputs that may be left out, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub optional: Vec<Input>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodySurface>,
    /// What a success gives: a type, or per status when several successes differ.
    pub returns: String,
    /// Documented error statuses (`404`, `4XX`, `default`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// The error body type (`()` when no error answer has one).
    pub error_body: String,
    /// `none`, `optional` or `required`.
    pub auth: String,
    /// `x-jtl-scope`, the oauth2 scopes of its security requirements and the repaired apiKey
    /// scopes: every scope a token may need for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Request-context headers it reads from the client's `Context`, by header.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<ContextSurface>,
    /// The builder's methods that walk a paged list (`into_pages`, `into_items`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paging: Option<PagingSurface>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
}

/// A path, query or header parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// The Rust name.
    pub name: String,
    /// `path`, `query` or `header`.
    pub place: String,
    /// The name on the wire.
    pub wire: String,
    #[serde(rename = "type")]
    pub ty: String,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodySurface {
    #[serde(rename = "type")]
    pub ty: String,
    pub required: bool,
}

/// A request-context header an operation sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextSurface {
    pub header: String,
    pub required: bool,
}

/// How a paged operation's list is walked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PagingSurface {
    pub pages: String,
    pub stream: String,
    pub item: String,
}

/// A model: a struct of `models`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSurface {
    pub name: String,
    /// In declaration order (the order of `new(required…)`).
    pub properties: Vec<Property>,
}

/// A model's field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    /// The Rust name.
    pub name: String,
    /// Every spelling of the key on the wire, sorted.
    pub wire: Vec<String>,
    /// The type of the value (an optional property is an `Option` of it).
    #[serde(rename = "type")]
    pub ty: String,
    pub required: bool,
}

/// An enum of `models`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumSurface {
    pub name: String,
    /// `string` or `integer` values.
    pub kind: String,
    /// Sorted by value.
    pub values: Vec<EnumValue>,
}

/// One value of an enum and its variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumValue {
    /// The value on the wire (an integer's decimal digits).
    pub value: String,
    pub variant: String,
}

/// A `oneOf`/`anyOf` union: an enum with a variant per alternative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnionSurface {
    pub name: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    /// In the order they are tried.
    pub variants: Vec<VariantSurface>,
}

/// A union's variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantSurface {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
}

/// What `api.json` says to whoever opens it.
const NOTE: &str = "generated by `cargo xtask regen`, do not edit: the API surface of this \
                    version, which the next regeneration compares with";

impl Surface {
    /// The surface of `api`, released as `crate_name` `version`.
    pub fn of(api: &Api, crate_name: &str, version: &str) -> Self {
        let mut modules: Vec<ModuleSurface> = api
            .modules
            .iter()
            .map(|module| {
                let mut operations: Vec<_> = module
                    .operations
                    .iter()
                    .map(|op| operation(api, op))
                    .collect();
                operations.sort_by(|a, b| a.id.cmp(&b.id));
                ModuleSurface {
                    name: module.name.clone(),
                    operations,
                }
            })
            .collect();
        modules.sort_by(|a, b| a.name.cmp(&b.name));
        let mut models: Vec<ModelSurface> = api
            .concepts
            .iter()
            .map(|concept| ModelSurface {
                name: concept.name.clone(),
                properties: concept
                    .fields
                    .iter()
                    .map(|field| {
                        let mut wire = field.spellings.clone();
                        wire.sort();
                        wire.dedup();
                        Property {
                            name: field.rust_name.clone(),
                            wire,
                            ty: type_name(api, &field.ty),
                            required: field.required,
                        }
                    })
                    .collect(),
            })
            .collect();
        models.sort_by(|a, b| a.name.cmp(&b.name));
        let mut enums: Vec<EnumSurface> = api.enums.iter().map(enum_surface).collect();
        enums.sort_by(|a, b| a.name.cmp(&b.name));
        let mut unions: Vec<UnionSurface> = api
            .unions
            .iter()
            .map(|union| UnionSurface {
                name: union.name.clone(),
                nullable: union.nullable,
                variants: union
                    .variants
                    .iter()
                    .map(|v| VariantSurface {
                        name: v.name.clone(),
                        ty: type_name(api, &v.ty),
                    })
                    .collect(),
            })
            .collect();
        unions.sort_by(|a, b| a.name.cmp(&b.name));
        Self {
            note: NOTE.to_owned(),
            format: FORMAT,
            crate_name: crate_name.to_owned(),
            version: version.to_owned(),
            modules,
            models,
            enums,
            unions,
            handwritten: {
                let mut names: Vec<String> = crate::emit::handwritten_modules(api)
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                names.sort();
                names
            },
        }
    }

    /// `api.json`: pretty JSON, a newline at the end.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a surface is JSON");
        text.push('\n');
        text
    }

    /// A recorded surface; `Err` says why it does not read.
    pub fn from_json(text: &str) -> Result<Self, String> {
        #[derive(Deserialize)]
        struct Head {
            format: u32,
        }
        let head: Head = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if head.format != FORMAT {
            return Err(format!(
                "it is in format {}, this generator reads format {FORMAT}",
                head.format
            ));
        }
        let mut deserializer = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            let error = e.into_inner();
            if path == "." {
                error.to_string()
            } else {
                format!("at {path}: {error}")
            }
        })
    }

    /// How many operations it has.
    pub fn operation_count(&self) -> usize {
        self.modules.iter().map(|m| m.operations.len()).sum()
    }
}

fn operation(api: &Api, op: &ir::Operation) -> OperationSurface {
    // The signature is what callers write: required inputs are the method's arguments in
    // order, optional ones are known by their setter. The body is its own entry.
    let input = |i: &ir::Input| {
        let (place, p) = match i.place {
            ir::Place::Path(k) => ("path", &op.path_params[k]),
            ir::Place::Query(k) => ("query", &op.query_params[k]),
            ir::Place::Header(k) => ("header", &op.header_params[k]),
            ir::Place::Body => return None,
        };
        Some(Input {
            name: i
                .setters
                .as_ref()
                .map_or_else(|| i.name.clone(), |s| s.value.clone()),
            place: place.to_owned(),
            wire: p.name.clone(),
            ty: type_name(api, &i.ty),
        })
    };
    let required: Vec<Input> = op.signature.required.iter().filter_map(input).collect();
    let mut optional: Vec<Input> = op.signature.optional.iter().filter_map(input).collect();
    optional.sort_by(|a, b| a.name.cmp(&b.name));
    let mut errors: Vec<String> = op.errors.iter().map(status).collect();
    errors.sort();
    errors.dedup();
    let mut scopes: Vec<String> = op
        .scope
        .iter()
        .cloned()
        .chain(op.oauth2_scopes.iter().cloned())
        .chain(
            op.security
                .iter()
                .flatten()
                .flat_map(|(_, scopes)| scopes.iter().cloned()),
        )
        .collect();
    scopes.sort();
    scopes.dedup();
    let mut context: Vec<ContextSurface> = op
        .context
        .iter()
        .map(|c| ContextSurface {
            header: c.header.to_ascii_lowercase(),
            required: c.required,
        })
        .collect();
    context.sort_by(|a, b| a.header.cmp(&b.header));
    context.dedup_by(|a, b| a.header == b.header);
    OperationSurface {
        id: op.id.clone(),
        method: op.signature.method.clone(),
        builder: op.signature.builder.clone(),
        http: format!("{} {}", op.http_method, op.path),
        required,
        optional,
        body: op.body.as_ref().map(|b| BodySurface {
            ty: type_name(api, &b.ty),
            required: b.required,
        }),
        returns: returns(api, op),
        errors,
        error_body: op
            .error_ty
            .as_ref()
            .map_or_else(|| "()".to_owned(), |ty| type_name(api, ty)),
        auth: match op.auth {
            AuthNeed::None => "none",
            AuthNeed::Optional => "optional",
            AuthNeed::Required => "required",
        }
        .to_owned(),
        scopes,
        context,
        paging: op.paging.as_ref().map(|p| PagingSurface {
            pages: p.pages_method.clone(),
            stream: p.items_method.clone(),
            item: type_name(api, &p.item_ty),
        }),
        deprecated: op.deprecated,
    }
}

/// `404`, `4XX`, `default`.
fn status(response: &ir::Response) -> String {
    response
        .range
        .clone()
        .unwrap_or_else(|| response.status.to_string())
}

/// The body type of one response: `()` without one.
fn response_type(api: &Api, response: &ir::Response) -> String {
    match (response.media, &response.ty) {
        (Some(Media::Binary), _) => "Bytes".to_owned(),
        (Some(Media::Text), _) => "String".to_owned(),
        (_, Some(ty)) => type_name(api, ty),
        (_, None) => "()".to_owned(),
    }
}

/// What the method gives on success: one type (`Option<T>` next to a bodiless success), or,
/// when successes have different bodies, each status with its type (`200: T | 202: U | 204: ()`).
fn returns(api: &Api, op: &ir::Operation) -> String {
    if op.success_variants.is_empty() {
        let ty = response_type(api, &op.success);
        if op.success.optional {
            format!("Option<{ty}>")
        } else {
            ty
        }
    } else {
        op.success_variants
            .iter()
            .map(|r| format!("{}: {}", status(r), response_type(api, r)))
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

fn enum_surface(def: &ir::EnumDef) -> EnumSurface {
    let (kind, values) = match &def.kind {
        EnumKind::Int(values) => {
            let mut values = values.clone();
            values.sort();
            (
                "integer",
                values
                    .into_iter()
                    .map(|(value, variant)| EnumValue {
                        value: value.to_string(),
                        variant,
                    })
                    .collect(),
            )
        }
        EnumKind::Str(values) => {
            let mut values: Vec<EnumValue> = values
                .iter()
                .map(|(value, variant)| EnumValue {
                    value: value.clone(),
                    variant: variant.clone(),
                })
                .collect();
            values.sort_by(|a, b| a.value.cmp(&b.value));
            ("string", values)
        }
    };
    EnumSurface {
        name: def.name.clone(),
        kind: kind.to_owned(),
        values,
    }
}

/// The notation of a type (module docs).
pub fn type_name(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::String => "String".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::I32 => "i32".to_owned(),
        Ty::I64 => "i64".to_owned(),
        Ty::F64 => "f64".to_owned(),
        Ty::Bytes => "Base64Bytes".to_owned(),
        Ty::Binary => "Binary".to_owned(),
        Ty::DateTime => "DateTime<FixedOffset>".to_owned(),
        Ty::Date => "NaiveDate".to_owned(),
        Ty::Uuid => "Uuid".to_owned(),
        Ty::Secret => "Secret".to_owned(),
        Ty::Json => "Value".to_owned(),
        Ty::List(inner) => format!("Vec<{}>", type_name(api, inner)),
        Ty::Map(inner) => format!("BTreeMap<String, {}>", type_name(api, inner)),
        Ty::Concept(key) => api
            .concept_of
            .get(key)
            .map_or_else(|| key.name.clone(), |(i, _)| api.concepts[*i].name.clone()),
        Ty::Enum(i) => api.enums[*i].name.clone(),
        Ty::Union(i) => {
            let union = &api.unions[*i];
            if union.nullable {
                format!("Option<{}>", union.name)
            } else {
                union.name.clone()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::normalize_yaml;

    /// One operation with every kind of input, answer and need.
    const DOC: &str = include_str!("testdata/jobs.yaml");

    fn surface() -> Surface {
        let (api, _) = normalize_yaml(DOC);
        Surface::of(&api, "t-client", "0.3.0")
    }

    #[test]
    fn an_operation_is_its_method_inputs_answers_and_needs() {
        let surface = surface();
        let op = &surface.modules[0].operations[0];
        assert_eq!(
            (op.id.as_str(), op.method.as_str()),
            ("StartJob", "start_job")
        );
        assert_eq!(op.http, "POST /jobs/{id}");
        let inputs = |list: &[Input]| {
            list.iter()
                .map(|i| format!("{} {} {}: {}", i.place, i.wire, i.name, i.ty))
                .collect::<Vec<_>>()
        };
        // Required ones in the method's order; optional ones by name.
        assert_eq!(
            inputs(&op.required),
            ["path id id: Uuid", "header X-Trace x_trace: String"]
        );
        assert_eq!(
            inputs(&op.optional),
            [
                "query alpha alpha: DateTime<FixedOffset>",
                "query zeta zeta: i32"
            ]
        );
        assert_eq!(
            op.body,
            Some(BodySurface {
                ty: "BTreeMap<String, f64>".to_owned(),
                required: false
            })
        );
        assert_eq!(op.returns, "200: Job | 202: Vec<Job>");
        assert_eq!(op.errors, ["409", "5XX"]);
        assert_eq!(op.error_body, "Problem");
        assert_eq!(op.auth, "required");
        // x-jtl-scope, the oauth2 scopes and the apiKey's repaired ones, sorted.
        assert_eq!(
            op.scopes,
            ["a.read", "b.write", "jobs.manage", "jobs.write"]
        );
        assert_eq!(
            op.context,
            [ContextSurface {
                header: "tenant-id".to_owned(),
                required: true
            }]
        );
        assert!(op.deprecated);
    }

    #[test]
    fn models_and_enums_are_their_rust_names_wire_spellings_and_sorted_values() {
        let surface = surface();
        let job = surface
            .models
            .iter()
            .find(|m| m.name == "Job")
            .expect("Job");
        let enum_name = &job.properties[0].ty;
        assert_eq!(
            job.properties,
            [
                Property {
                    name: "state".to_owned(),
                    wire: vec!["state".to_owned()],
                    ty: enum_name.clone(),
                    required: true
                },
                Property {
                    name: "tags".to_owned(),
                    wire: vec!["Tags".to_owned()],
                    ty: "Vec<String>".to_owned(),
                    required: false
                },
            ]
        );
        let state = surface
            .enums
            .iter()
            .find(|e| &e.name == enum_name)
            .expect("the enum");
        assert_eq!(state.kind, "integer");
        assert_eq!(
            state
                .values
                .iter()
                .map(|v| format!("{}={}", v.value, v.variant))
                .collect::<Vec<_>>(),
            ["0=Queued", "1=Running", "2=Done"]
        );
    }

    #[test]
    fn the_json_is_pretty_deterministic_and_reads_back() {
        let json = surface().to_json();
        assert_eq!(json, surface().to_json());
        assert!(
            json.starts_with("{\n  \"note\": \"generated by `cargo xtask regen`, do not edit"),
            "{json}"
        );
        assert!(json.ends_with("}\n"));
        assert_eq!(Surface::from_json(&json), Ok(surface()));
        assert_eq!(
            Surface::from_json(&format!("{{\"format\": {FORMAT}, \"crate\": \"c\"}}")),
            Err("missing field `version` at line 1 column 27".to_owned())
        );
        assert_eq!(
            Surface::from_json(&json.replacen("\"required\": true", "\"required\": 3", 1)).map(|_| ()),
            Err("at modules[0].operations[0].context[0].required: invalid type: integer `3`, expected a boolean at line 63 column 27".to_owned())
        );
        assert_eq!(
            Surface::from_json("{\"format\": 1}"),
            Err(format!(
                "it is in format 1, this generator reads format {FORMAT}"
            ))
        );
    }
}
