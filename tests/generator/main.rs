//! The generator: regeneration fresh and deterministic, the runtime contract, bad input, the
//! output of each construct (snapshots), generated crates that compile, mutated documents, the
//! vendor's deviations repaired, what a regeneration changes (release.rs), and
//! whether it breaks a crate downstream (evolution.rs).

/// The methods every generated `Client` has besides its operations' (its handles).
const CLIENT_HANDLES: [&str; 6] = [
    "builder",
    "transport",
    "for_tenant",
    "with_context",
    "with_retry",
    "with_timeout",
];

mod compile;
mod contract;
mod diagnostic_kinds;
mod errors;
mod evolution;
mod fixture_client;
mod formatting;
mod forms;
mod http;
mod identifiers;
mod inlineable;
mod openapi31;
mod openapi32;
mod output;
mod paged;
mod regen;
mod release;
mod repairs;
mod select;
mod snapshots;
mod unions;

// The client generated from the bodies, responses, paging, identifiers and unions fixtures, the
// OpenAPI 3.1 type-lists fixture and the OpenAPI 3.2 query and querystring fixtures
// (fixture_client.rs keeps it fresh),
// compiled into this binary as its `crate::models`, `crate::bodies` and `crate::responses`, the
// paths the generated code names. Formatted by the generator, hence `rustfmt::skip`.
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "fixture_client/models.rs"]
mod models;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "fixture_client/bodies.rs"]
mod bodies;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "fixture_client/responses.rs"]
mod responses;
#[rustfmt::skip]
#[allow(dead_code, deprecated, clippy::all)]
#[path = "fixture_client/paging.rs"]
mod paging;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "fixture_client/identifiers.rs"]
mod identifiers_client;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "fixture_client/unions.rs"]
mod unions_client;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "fixture_client/forms.rs"]
mod forms_client;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "fixture_client/path_parameters.rs"]
mod path_parameters;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "fixture_client/type_lists.rs"]
mod type_lists_client;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "fixture_client/query.rs"]
mod query_client;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "fixture_client/querystring.rs"]
mod querystring_client;
