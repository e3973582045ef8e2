//! The fixture client over loopback HTTP: request bodies of every kind go out with the exact
//! bytes and `Content-Type` the document declares, an optional body can be left out, and
//! several success bodies are decoded by status into the operation's response enum.

use jtl_erp_tests::MockServer;
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

use crate::models::{CreateLineItem, Job, State};
use crate::responses::StartJobResponse;

async fn server(status: u16, body: Option<serde_json::Value>) -> MockServer {
    let server = MockServer::start().await;
    let mut response = ResponseTemplate::new(status);
    if let Some(body) = body {
        response = response.set_body_json(body);
    }
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn line_item() -> CreateLineItem {
    CreateLineItem {
        sku: "A-1".to_owned(),
        quantity: 2.5,
    }
}

#[jtl_erp_tests::test]
async fn bodies_of_every_kind_go_out_with_exact_bytes_and_content_type() {
    let server = server(204, None).await;
    let client = crate::bodies::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    client
        .add_category_items(7, [1, 2, 3])
        .await
        .expect("array of int32");
    client
        .add_line_items("o/1", &[line_item()])
        .await
        .expect("array of models");
    client.put_state(State::Running).await.expect("enum");
    client.put_count(42).await.expect("scalar, charset");
    client.put_name("héllo").await.expect("text");
    client.post_chunk([0, 1, 255]).await.expect("bytes");
    client.patch_line_item().await.expect("no body");
    client
        .patch_line_item()
        .body(line_item())
        .await
        .expect("merge patch");
    let received = server.received_requests().await.expect("recording is on");
    let seen: Vec<(String, String, Option<String>, Vec<u8>)> = received
        .iter()
        .map(|r| {
            (
                r.method.to_string(),
                r.url.path().to_owned(),
                r.headers
                    .get("content-type")
                    .map(|v| v.to_str().expect("ascii").to_owned()),
                r.body.clone(),
            )
        })
        .collect();
    let json = Some("application/json".to_owned());
    let expected: Vec<(String, String, Option<String>, Vec<u8>)> = vec![
        (
            "POST".into(),
            "/categories/7/items".into(),
            json.clone(),
            b"[1,2,3]".to_vec(),
        ),
        (
            "POST".into(),
            "/orders/o%2F1/lineitems".into(),
            json.clone(),
            br#"[{"Sku":"A-1","Quantity":2.5}]"#.to_vec(),
        ),
        (
            "PUT".into(),
            "/state".into(),
            json,
            br#""running""#.to_vec(),
        ),
        (
            "PUT".into(),
            "/count".into(),
            Some("application/json; charset=utf-8".into()),
            b"42".to_vec(),
        ),
        (
            "PUT".into(),
            "/name".into(),
            Some("text/plain".into()),
            "héllo".as_bytes().to_vec(),
        ),
        (
            "POST".into(),
            "/chunk".into(),
            Some("application/octet-stream".into()),
            vec![0, 1, 255],
        ),
        ("PATCH".into(), "/patch".into(), None, Vec::new()),
        (
            "PATCH".into(),
            "/patch".into(),
            Some("application/merge-patch+json".into()),
            br#"{"Sku":"A-1","Quantity":2.5}"#.to_vec(),
        ),
    ];
    assert_eq!(seen, expected);
}

#[jtl_erp_tests::test]
async fn several_success_bodies_are_decoded_by_status() {
    for (status, body, expected) in [
        (
            202,
            serde_json::json!({"jobId": "j-1"}),
            "Status202(Job { job_id: Some(\"j-1\") })",
        ),
        (
            200,
            serde_json::json!({"value": "done"}),
            "Status200(ResultModel { value: Some(\"done\") })",
        ),
        (
            201,
            serde_json::json!({"undocumented": true}),
            "Other(Some(Object {\"undocumented\": Bool(true)}))",
        ),
    ] {
        let server = server(status, Some(body)).await;
        let client = crate::responses::Client::builder()
            .base_url(server.uri())
            .build()
            .expect("client");
        let answer = client.start_job().await.expect("a success").into_inner();
        assert_eq!(format!("{answer:?}"), expected, "status {status}");
        if status == 202 {
            assert!(matches!(answer, StartJobResponse::Status202(Job { .. })));
        }
    }
}

/// A file documented as ASP.NET documents a file result (a `format: binary` string under the
/// JSON media types, inline or through a component) is the answer's bytes as they came: a PDF
/// or an image, which no JSON reader takes.
#[jtl_erp_tests::test]
async fn a_file_documented_under_json_is_the_answers_bytes() {
    let pdf: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n\x00\xff trailer";
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00";
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/invoices/7/output/pdf"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(pdf, "application/pdf"))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::path("/images/3"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(png, "image/png"))
        .mount(&server)
        .await;
    let client = crate::responses::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let answer: jtl_erp_runtime::bytes::Bytes =
        client.pdf_invoice(7).await.expect("the PDF").into_inner();
    assert_eq!(answer.as_ref(), pdf);
    let answer: jtl_erp_runtime::bytes::Bytes =
        client.image_data(3).await.expect("the image").into_inner();
    assert_eq!(answer.as_ref(), png);
    let received = server.received_requests().await.expect("recording is on");
    let seen: Vec<(String, String)> = received
        .iter()
        .map(|r| (r.method.to_string(), r.url.path().to_owned()))
        .collect();
    assert_eq!(
        seen,
        [
            ("POST".to_owned(), "/invoices/7/output/pdf".to_owned()),
            ("GET".to_owned(), "/images/3".to_owned()),
        ]
    );
}

/// Error answers are described from the document as OpenAPI resolves them: the status's own
/// entry, else its range (`4XX`), else `default` (here `/jobs` documents `4XX` and `default`,
/// `/health` only `5XX`).
#[jtl_erp_tests::test]
async fn error_answers_are_described_by_code_range_or_default() {
    for (status, expected) in [(418, Some("refused")), (500, Some("anything else"))] {
        let answering = server(status, Some(serde_json::json!({"title": "t"}))).await;
        let client = crate::responses::Client::builder()
            .base_url(answering.uri())
            .build()
            .expect("client");
        let error = client.start_job().await.expect_err("an error answer");
        match error.kind() {
            jtl_erp_runtime::ErrorKind::Api(api) => {
                assert_eq!(api.status, status);
                assert_eq!(api.description, expected, "status {status}");
            }
            other => panic!("status {status}: {other:?}"),
        }
    }
    let down = server(503, None).await;
    let client = crate::responses::Client::builder()
        .base_url(down.uri())
        .build()
        .expect("client");
    match client.health().await.expect_err("an error answer").kind() {
        jtl_erp_runtime::ErrorKind::Api(api) => assert_eq!(api.description, Some("unhealthy")),
        other => panic!("{other:?}"),
    }
    let missing = server(404, None).await;
    let client = crate::responses::Client::builder()
        .base_url(missing.uri())
        .build()
        .expect("client");
    match client.health().await.expect_err("an error answer").kind() {
        jtl_erp_runtime::ErrorKind::Api(api) => assert_eq!(api.description, None),
        other => panic!("{other:?}"),
    }
}

/// A server on loopback that answers every request `204` and keeps each request line as it
/// came over the wire, so that a path is checked byte for byte, before any URL parser reads it.
async fn request_lines() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bound");
    let address = listener.local_addr().expect("address");
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = lines.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0; 4096];
                loop {
                    // Requests without bodies: each ends with an empty line.
                    while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
                        buffer.drain(..end + 4);
                        let line = head.lines().next().unwrap_or_default().to_owned();
                        seen.lock().expect("not poisoned").push(line);
                        let answer = b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n";
                        if stream.write_all(answer).await.is_err() {
                            return;
                        }
                    }
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                    }
                }
            });
        }
    });
    (format!("http://{address}"), lines)
}

#[jtl_erp_tests::test]
async fn path_parameters_go_out_in_their_style_with_each_item_encoded_as_a_segment() {
    use crate::models::Shade;
    let (uri, lines) = request_lines().await;
    let client = crate::path_parameters::Client::builder()
        .base_url(uri)
        .build()
        .expect("client");
    client.get_things([1, 2, 3]).await.expect("simple");
    client
        .get_tags(["a,b".to_owned(), "c d/é".to_owned()])
        .await
        .expect("simple, exploded");
    client
        .get_states([Shade::Light, Shade::Dark])
        .await
        .expect("enums");
    client
        .get_label(["x".to_owned(), "y".to_owned()])
        .await
        .expect("label");
    client
        .get_label_exploded(["x".to_owned(), "y".to_owned()])
        .await
        .expect("label, exploded");
    client
        .get_matrix(["x".to_owned(), "y;z".to_owned()])
        .await
        .expect("matrix");
    client
        .get_matrix_exploded(["x".to_owned(), "y".to_owned()])
        .await
        .expect("matrix, exploded");
    client.get_things(Vec::<i64>::new()).await.expect("empty");
    client.get_one(5, "a;b").await.expect("scalars");
    client.get_filtered("c=red").await.expect("object as text");
    client
        .get_twice("a b")
        .q("x")
        .await
        .expect("one parameter named twice");
    client
        .get_item("7")
        .await
        .expect("the unused parameter is not sent");
    let lines = lines.lock().expect("not poisoned").clone();
    assert_eq!(
        lines,
        [
            "GET /things/1,2,3 HTTP/1.1",
            "GET /tags/a%2Cb,c%20d%2F%C3%A9 HTTP/1.1",
            "GET /states/light,dark HTTP/1.1",
            "GET /label/.x,y HTTP/1.1",
            "GET /label-exploded/.x.y HTTP/1.1",
            "GET /matrix/;ids=x,y%3Bz HTTP/1.1",
            "GET /matrix-exploded/;ids=x;ids=y HTTP/1.1",
            "GET /things/ HTTP/1.1",
            "GET /one/.5/;matrix=a%3Bb HTTP/1.1",
            "GET /filters/c%3Dred HTTP/1.1",
            "GET /twice/a%20b/again/a%20b?q=x HTTP/1.1",
            "GET /items/7 HTTP/1.1",
        ]
    );
}
