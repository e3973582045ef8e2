//! OpenAPI 3.2 documents through the generator and the client: a `query` operation sends `QUERY`
//! with its body, a form query string goes out as named query parameters (the fixtures
//! `openapi32/query` and `openapi32/querystring`, compiled into this binary), one API written in
//! 3.1 and in 3.2 gives the same client, and selections see 3.2's `query` and tag parents.

use jtl_erp_generator::{Selection, Settings, SourceDocument, generate};
use jtl_erp_tests::MockServer;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use super::snapshots::fixture32;
use crate::models::{Product, SearchProductsRequest, Status};

#[jtl_erp_tests::test]
async fn a_query_operation_sends_query_with_its_body_and_decodes_the_answer() {
    let server = MockServer::start().await;
    Mock::given(method("QUERY"))
        .and(path("/products"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!([{"id": 7, "name": "Chair"}])),
        )
        .mount(&server)
        .await;
    let client = crate::query_client::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let filter = SearchProductsRequest::new("oak".to_owned()).with_tags(vec!["garden".to_owned()]);
    let found = client
        .search_products(filter)
        .limit(5)
        .await
        .expect("a valid answer")
        .into_inner();
    assert_eq!(found, [Product::new(7, "Chair".to_owned())]);
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.method.as_str(), "QUERY");
    assert_eq!(request.url.path(), "/products");
    assert_eq!(request.url.query(), Some("limit=5"));
    assert_eq!(
        request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        r#"{"text":"oak","tags":["garden"]}"#
    );
}

#[jtl_erp_tests::test]
async fn a_form_query_string_goes_out_as_named_query_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/orders"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!(["A-1"])))
        .mount(&server)
        .await;
    let client = crate::querystring_client::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let orders = client
        .find_orders("C 7")
        .status([Status::Open, Status::Shipped])
        .total(r#"{"min":10}"#)
        .await
        .expect("a valid answer")
        .into_inner();
    assert_eq!(orders, ["A-1"]);
    // The cookie parameter is not sent; the rest as the form the query string was.
    client.find_orders("C8").await.expect("a valid answer");
    let received = server.received_requests().await.expect("recording is on");
    let queries: Vec<Option<&str>> = received.iter().map(|r| r.url.query()).collect();
    assert_eq!(
        queries,
        [
            Some("customer=C+7&status=open&status=shipped&total=%7B%22min%22%3A10%7D"),
            Some("customer=C8"),
        ]
    );
    assert!(received.iter().all(|r| !r.headers.contains_key("cookie")));
}

/// The generated files and warnings of one document under the name `name`.
fn generated(
    name: &str,
    text: String,
    settings: &Settings,
) -> (Vec<(String, String)>, Vec<String>) {
    let source = SourceDocument {
        path: name.to_owned(),
        text,
    };
    let generation = generate(&[source], settings).unwrap_or_else(|report| panic!("{report}"));
    (
        generation
            .files
            .into_iter()
            .map(|f| (f.path, f.contents))
            .collect(),
        generation
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect(),
    )
}

fn assert_same(a: &[(String, String)], b: &[(String, String)]) {
    assert_eq!(a.len(), b.len());
    for ((path, x), (_, y)) in a.iter().zip(b) {
        if x != y {
            let (i, (x, y)) = x
                .lines()
                .zip(y.lines())
                .enumerate()
                .find(|(_, (x, y))| x != y)
                .unwrap_or((0, ("(length)", "(length)")));
            panic!("{path} differs at line {}:\n  3.1: {x}\n  3.2: {y}", i + 1);
        }
    }
}

#[test]
fn one_api_written_in_openapi_31_and_in_32_gives_the_same_client() {
    let read = |file: &str| {
        std::fs::read_to_string(jtl_erp_tests::repo_root().join("tests/fixtures").join(file))
            .expect("fixture")
    };
    let settings = Settings::default();
    // The same name, so that the generated documentation names the same file.
    let (v31, warnings31) = generated("shop.yaml", read("openapi31/pair/shop-3.1.yaml"), &settings);
    let (v32, warnings32) = generated("shop.yaml", read("openapi32/pair/shop-3.2.yaml"), &settings);
    assert_eq!(warnings31, Vec::<String>::new());
    assert_eq!(warnings32, warnings31);
    assert_same(&v31, &v32);
    // The synthetic vendor-size document (375 operations): what 3.2 shares with 3.1 reads alike.
    let synthetic31 = jtl_erp_regen::synth::synthetic_document_31(75);
    let synthetic32 = synthetic31.replacen("openapi: 3.1.0", "openapi: 3.2.0", 1);
    assert_ne!(synthetic31, synthetic32);
    let (v31, warnings31) = generated("synthetic.yaml", synthetic31, &settings);
    let (v32, warnings32) = generated("synthetic.yaml", synthetic32, &settings);
    assert_eq!(warnings32, warnings31);
    assert_same(&v31, &v32);
}

/// The names of the operations' methods the module `src/<module>.rs` of a generation of `name`
/// has: the methods of its `Client` but the handles every client has.
fn methods(name: &str, module: &str, selection: Selection) -> Vec<String> {
    let settings = Settings {
        selection,
        ..Settings::default()
    };
    let generation = generate(&[fixture32(name)], &settings).unwrap_or_else(|r| panic!("{r}"));
    let file = generation
        .files
        .iter()
        .find(|f| f.path == format!("src/{module}.rs"))
        .expect("module");
    let file = syn::parse_file(&file.contents).expect("generated Rust parses");
    file.items
        .into_iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block)
                if block.trait_.is_none()
                    && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) =>
            {
                Some(block.items)
            }
            _ => None,
        })
        .flatten()
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .filter(|name| !crate::CLIENT_HANDLES.contains(&name.as_str()))
        .collect()
}

#[test]
fn a_selection_sees_query_operations_and_selecting_a_tag_selects_its_children() {
    let by_id = |ids: &[&str]| Selection {
        operations: ids.iter().map(|s| (*s).to_owned()).collect(),
        tags: Vec::new(),
    };
    let by_tag = |tags: &[&str]| Selection {
        operations: Vec::new(),
        tags: tags.iter().map(|s| (*s).to_owned()).collect(),
    };
    assert_eq!(
        methods("query", "query", by_id(&["searchProducts"])),
        ["search_products"]
    );
    assert_eq!(
        methods("query", "query", by_id(&["listProducts"])),
        ["list_products"]
    );
    // `reseller` is nested under `partner`, which is under `external`.
    for tag in ["reseller", "partner", "external"] {
        assert_eq!(
            methods("tags", "tags", by_tag(&[tag])),
            ["list_prices"],
            "{tag}"
        );
    }
    assert_eq!(
        methods("tags", "tags", by_tag(&["internal"])),
        ["get_stock"]
    );
}
