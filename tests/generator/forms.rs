//! The forms fixture's client over loopback HTTP: form and multipart bodies with scalars,
//! arrays, nested objects, files and absent optional properties go out with the exact bytes
//! and `Content-Type` the Encoding Object gives them.

use jtl_erp_runtime::Binary;
use jtl_erp_tests::MockServer;
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

use crate::models::{
    FormDegraded, FormDegradedNested, FormKind, FormPoint, FormStyled, FormSubmission, FormUpload,
};

fn point(x: i64, y: i64, label: Option<&str>) -> FormPoint {
    FormPoint {
        x,
        y,
        label: label.map(str::to_owned),
    }
}

fn at() -> jtl_erp_client::runtime::chrono::DateTime<jtl_erp_client::runtime::chrono::FixedOffset> {
    "2024-05-06T07:08:09+02:00".parse().expect("date-time")
}

/// The received requests' `Content-Type` and body bytes, in order.
async fn sent(server: &MockServer) -> Vec<(String, Vec<u8>)> {
    server
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .map(|r| {
            let content_type = r
                .headers
                .get("content-type")
                .map(|v| v.to_str().expect("ASCII").to_owned())
                .unwrap_or_default();
            (content_type, r.body.clone())
        })
        .collect()
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

#[jtl_erp_tests::test]
async fn form_bodies_repeat_arrays_explode_objects_and_leave_absent_fields_out() {
    let server = server().await;
    let client = crate::forms_client::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let required = FormSubmission {
        name: "a b&c=ä".to_owned(),
        count: 3,
        active: true,
        ratio: 0.5,
        kind: FormKind::Fancy,
        at: at(),
        tags: vec!["x".to_owned(), "y z".to_owned()],
        sizes: vec![1, 2],
        point: point(4, 5, None),
        note: None,
        limit: None,
        flag: None,
        scale: None,
        mode: None,
        until: None,
        labels: None,
        levels: None,
        origin: None,
    };
    client
        .submit_form(required.clone())
        .await
        .expect("required only");
    let all = FormSubmission {
        note: Some("n".to_owned()),
        limit: Some(9),
        flag: Some(false),
        scale: Some(1.25),
        mode: Some(FormKind::Plain),
        until: Some(at()),
        labels: Some(vec![]),
        levels: Some(vec![7]),
        origin: Some(point(0, -1, Some("o"))),
        ..required
    };
    client.submit_form(all).await.expect("every field");
    client
        .submit_styled_form(FormStyled {
            ids: vec![1, 2, 3],
            words: vec!["a".to_owned(), "b".to_owned()],
            codes: vec!["c".to_owned(), "d".to_owned()],
            filter: point(1, 2, Some("f")),
            point: point(3, 4, None),
        })
        .await
        .expect("styles");
    let mut attrs = std::collections::BTreeMap::new();
    attrs.insert("k".to_owned(), "v".to_owned());
    client
        .submit_degraded()
        .body(FormDegraded {
            ids: Some(vec![1, 2]),
            token: Some("a/b".to_owned()),
            scan: Some(Binary::from(b"\xffok".to_vec())),
            meta: Some(point(1, 2, None)),
            attrs: Some(attrs),
            nested: Some(FormDegradedNested {
                inner: Some(point(1, 2, None)),
            }),
        })
        .await
        .expect("degraded");
    let form = "application/x-www-form-urlencoded".to_owned();
    let at = "2024-05-06T07%3A08%3A09%2B02%3A00";
    let bodies: Vec<(String, String)> = sent(&server)
        .await
        .into_iter()
        .map(|(t, b)| (t, String::from_utf8(b).expect("form bodies are ASCII")))
        .collect();
    assert_eq!(
        bodies,
        [
            (
                form.clone(),
                format!(
                    "name=a+b%26c%3D%C3%A4&count=3&active=true&ratio=0.5&kind=fancy&at={at}\
                     &tags=x&tags=y+z&sizes=1&sizes=2&x=4&y=5"
                )
            ),
            (
                form.clone(),
                format!(
                    "name=a+b%26c%3D%C3%A4&count=3&active=true&ratio=0.5&kind=fancy&at={at}\
                     &tags=x&tags=y+z&sizes=1&sizes=2&x=4&y=5&note=n&limit=9&flag=false\
                     &scale=1.25&mode=plain&until={at}&levels=7&x=0&y=-1&label=o"
                )
            ),
            (
                form.clone(),
                "ids=1%2C2%2C3&words=a+b&codes=c%7Cd&filter%5Bx%5D=1&filter%5By%5D=2\
                 &filter%5Blabel%5D=f&point=x%2C3%2Cy%2C4"
                    .to_owned()
            ),
            (
                form,
                "ids=1&ids=2&token=a%2Fb&scan=%EF%BF%BDok&meta=%7B%22x%22%3A1%2C%22y%22%3A2%7D&k=v\
                 &nested=%7B%22inner%22%3A%7B%22x%22%3A1%2C%22y%22%3A2%7D%7D"
                    .to_owned()
            ),
        ]
    );
}

#[jtl_erp_tests::test]
async fn multipart_bodies_send_a_part_per_item_json_objects_and_file_parts() {
    let server = server().await;
    let client = crate::forms_client::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let upload = FormUpload {
        name: "Ann".to_owned(),
        count: 3,
        active: true,
        ratio: 0.5,
        kind: FormKind::Plain,
        at: at(),
        tags: vec!["x".to_owned(), "y".to_owned()],
        sizes: vec![],
        point: point(4, 5, Some("p")),
        file: Binary::from(b"%PDF\xff\r\n--jtl-erp-client-boundary\r\n".to_vec())
            .with_file_name("scan \"1\".pdf"),
        note: None,
        limit: Some(9),
        flag: None,
        scale: None,
        mode: None,
        until: None,
        labels: None,
        levels: Some(vec![1, 2]),
        origin: Some(point(0, 0, None)),
        picture: Some(Binary::from(vec![0x89, b'P', b'N', b'G'])),
        attachments: Some(vec![
            Binary::from("a")
                .with_file_name("a.txt")
                .with_content_type("text/plain"),
            Binary::from(vec![0, 1]),
        ]),
    };
    client.upload(upload).await.expect("multipart");
    let [(content_type, body)] = &sent(&server).await[..] else {
        panic!("one request");
    };
    let b = "jtl-erp-client-boundaryx";
    assert_eq!(content_type, &format!("multipart/form-data; boundary={b}"));
    let part = |name: &str, content_type: Option<&str>, value: &str| {
        let header = content_type.map_or(String::new(), |t| format!("content-type: {t}\r\n"));
        format!(
            "--{b}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n{header}\r\n{value}\r\n"
        )
        .into_bytes()
    };
    // A file's part names the file (the field's name when the caller gave none) and holds its
    // bytes as they are.
    let file = |name: &str, file_name: &str, content_type: &str, value: &[u8]| {
        let mut part = format!(
            "--{b}\r\ncontent-disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
             content-type: {content_type}\r\n\r\n"
        )
        .into_bytes();
        part.extend_from_slice(value);
        part.extend_from_slice(b"\r\n");
        part
    };
    let expected = [
        part("name", None, "Ann"),
        part("count", None, "3"),
        part("active", None, "true"),
        part("ratio", None, "0.5"),
        part("kind", None, "plain"),
        part("at", None, "2024-05-06T07:08:09+02:00"),
        part("tags", None, "x"),
        part("tags", None, "y"),
        part(
            "point",
            Some("application/json"),
            r#"{"x":4,"y":5,"label":"p"}"#,
        ),
        file(
            "file",
            "scan %221%22.pdf",
            "application/octet-stream",
            b"%PDF\xff\r\n--jtl-erp-client-boundary\r\n",
        ),
        part("limit", None, "9"),
        part("levels", None, "1"),
        part("levels", None, "2"),
        part("origin", Some("application/json"), r#"{"x":0,"y":0}"#),
        file("picture", "picture", "image/png", &[0x89, b'P', b'N', b'G']),
        file("attachments", "a.txt", "text/plain", b"a"),
        file(
            "attachments",
            "attachments",
            "application/octet-stream",
            &[0, 1],
        ),
        format!("--{b}--\r\n").into_bytes(),
    ]
    .concat();
    assert_eq!(
        body,
        &expected,
        "{}",
        String::from_utf8_lossy(body).escape_debug()
    );
}

/// Query parameters are written as form fields of their style: lists joined (`explode: false`,
/// `spaceDelimited`, `pipeDelimited`) or repeated, objects exploded into their own keys, as
/// `deepObject` keys or joined, maps by their entries, a nested object as its JSON text.
#[jtl_erp_tests::test]
async fn query_parameters_are_written_in_their_style() {
    let server = server().await;
    let client = crate::forms_client::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    client
        .search([1, 2, 3], point(3, 4, None))
        .await
        .expect("required only");
    let mut attrs = std::collections::BTreeMap::new();
    attrs.insert("color".to_owned(), "red & blue".to_owned());
    client
        .search([7], point(0, -1, Some("o")))
        .words(["a", "b"].map(str::to_owned))
        .codes(["c", "d"].map(str::to_owned))
        .labels(["x", "y"].map(str::to_owned))
        .filter(point(1, 2, Some("f")))
        .range(point(5, 6, None))
        .attrs(attrs)
        .tree(crate::models::FormTree {
            inner: Some(point(1, 2, None)),
        })
        .near([8, 9])
        .kind(FormKind::Fancy)
        .await
        .expect("every parameter");
    let queries: Vec<String> = server
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .map(|r| {
            assert_eq!(r.url.path(), "/search");
            r.url.query().unwrap_or_default().to_owned()
        })
        .collect();
    assert_eq!(
        queries,
        [
            "ids=1%2C2%2C3&x=3&y=4".to_owned(),
            "ids=7&words=a+b&codes=c%7Cd&labels=x&labels=y\
             &filter%5Bx%5D=1&filter%5By%5D=2&filter%5Blabel%5D=f&x=0&y=-1&label=o\
             &range=x%2C5%2Cy%2C6&color=red+%26+blue\
             &tree=%7B%22inner%22%3A%7B%22x%22%3A1%2C%22y%22%3A2%7D%7D&near=8&near=9&kind=fancy"
                .to_owned(),
        ]
    );
}
