//! `cargo xtask conformance` (the jtl-erp-conformance crate) end to end: every document in spec/ in both modes passes; a
//! document built to fail is failed for the right reasons; bad input and environment give the
//! distinct failure (exit code 2) with temporary files removed.

use std::path::PathBuf;

use jtl_erp_conformance::{Failure, Mode, Options, Report, run};
use jtl_erp_runtime::serde_json::{self, Value};
use jtl_erp_tests::{node_tool, repo_root};

fn options(specs: Vec<PathBuf>, mode: Mode, out: Option<PathBuf>) -> Options {
    Options {
        specs,
        mode,
        runs: 1,
        seed: 1,
        out,
        json: None,
        prism: Some(node_tool("prism")),
        port: None,
        concurrency: 4,
        progress: false,
    }
}

fn call<'a>(report: &'a Report, id: &str) -> &'a jtl_erp_conformance::Call {
    let op = report
        .operations
        .iter()
        .find(|o| o.id == id)
        .unwrap_or_else(|| panic!("{id} is in the report"));
    &op.calls[0]
}

/// Runs without --out share the temporary directory's name prefix: one at a time, so that each
/// can check it left nothing behind.
static TEMPORARY: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Temporary directories of this process that conformance runs left behind.
fn leftovers() -> Vec<PathBuf> {
    let prefix = format!("jtl-erp-conformance-{}-", std::process::id());
    std::fs::read_dir(std::env::temp_dir())
        .expect("temp dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        })
        .collect()
}

#[jtl_erp_tests::test(deadline = 600)]
fn every_spec_document_conforms_in_both_modes() {
    let root = repo_root();
    let specs = jtl_erp_regen::default_specs(&root).expect("spec/");
    // One kept directory: the second mode reuses the first one's build.
    let out = root.join("target/conformance-spec");
    let expected: usize = {
        let docs = jtl_erp_tests::spec_documents();
        docs.iter()
            .map(|d| d.text.matches("operationId:").count())
            .sum()
    };
    for mode in [Mode::Dynamic, Mode::Examples] {
        let json = out.join(format!("{}.json", mode.name()));
        let options = Options {
            runs: 2,
            json: Some(json.clone()),
            ..options(specs.clone(), mode, Some(out.clone()))
        };
        let (report, _) = run(&root, &options).unwrap_or_else(|f| panic!("{f}"));
        assert!(report.passed(), "{}", report.text());
        assert_eq!(report.operations.len(), expected, "{}", report.text());
        let written: Value =
            serde_json::from_str(&std::fs::read_to_string(&json).expect("--json written"))
                .expect("JSON");
        assert_eq!(written["mode"], mode.name());
        assert_eq!(written["passed"], true);
        let operations = written["operations"].as_array().expect("operations");
        assert_eq!(operations.len(), expected);
        for op in operations {
            let calls = op["calls"].as_array().expect("calls");
            assert_eq!(calls.len(), 2, "{op}");
            for call in calls {
                assert_eq!(call["request_valid"], true, "{op}");
                assert_eq!(call["decoded"], true, "{op}");
                let status = call["status"].as_u64().expect("answered");
                assert!((200..300).contains(&status), "{op}");
            }
        }
        // The registration operations keep a schema-less error answer: listed as degraded.
        let register = report
            .operations
            .iter()
            .find(|o| o.module == "erp_v1" && o.id == "RegisterApp")
            .expect("RegisterApp");
        assert!(
            register.degraded[0].starts_with("schema-less-media-type"),
            "{:?}",
            register.degraded
        );
    }
}

#[jtl_erp_tests::test(deadline = 600)]
fn the_judge_says_no_for_the_right_reasons() {
    let root = repo_root();
    let spec = root.join("tests/fixtures/conformance/judged.yaml");
    let _one_at_a_time = TEMPORARY.lock().unwrap_or_else(|e| e.into_inner());
    let (report, _) =
        run(&root, &options(vec![spec], Mode::Examples, None)).unwrap_or_else(|f| panic!("{f}"));
    assert!(!report.passed(), "{}", report.text());
    assert!(
        report.text().ends_with("failures: FAIL\n"),
        "{}",
        report.text()
    );

    // A value that breaks the parameter's pattern: Prism refuses it, the run fails.
    let code = call(&report, "GetCode");
    assert!(!code.request_valid);
    assert_eq!(code.status, Some(422));
    let failure = code.failure.as_deref().expect("a failure");
    assert!(
        failure.starts_with("invalid request: Invalid request (query.code: "),
        "{failure}"
    );

    // The wrong-typed example: flagged by Prism itself, not decoded, and not a failure.
    let legacy = call(&report, "GetLegacy");
    assert!(legacy.request_valid);
    assert!(!legacy.decoded);
    assert_eq!(legacy.failure, None);
    assert_eq!(
        legacy.response_violations,
        ["response.body.status: Response body property status must be integer"]
    );
    let decode_error = legacy.decode_error.as_deref().expect("decode error");
    assert!(!decode_error.contains("Pending"), "masked: {decode_error}");
    assert!(
        decode_error.contains(r#"invalid type: string "…""#)
            && decode_error.contains(r#""status""#),
        "values masked, keys kept: {decode_error}"
    );

    // Bounded path parameter, optional query parameters, combined security with the API key
    // declared as a `format: uuid` header (a placeholder key would get a 422): all valid.
    let item = call(&report, "GetItem");
    assert!(item.request_valid, "{:?}", item.request_problem);
    assert!(item.decoded);
    assert_eq!(item.failure, None);
    assert!(leftovers().is_empty(), "{:?}", leftovers());
}

#[jtl_erp_tests::test(deadline = 600)]
fn bad_input_and_environment_are_told_apart_and_leave_nothing_behind() {
    let root = repo_root();
    let dir = root.join("target/conformance-bad");
    std::fs::create_dir_all(&dir).expect("dir");
    let swagger = dir.join("swagger.yaml");
    std::fs::write(
        &swagger,
        "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\npaths: {}\n",
    )
    .expect("write");
    let spec = root.join("tests/fixtures/conformance/judged.yaml");
    let _one_at_a_time = TEMPORARY.lock().unwrap_or_else(|e| e.into_inner());

    let refused = run(&root, &options(vec![swagger], Mode::Dynamic, None)).expect_err("refused");
    assert!(matches!(refused, Failure::Environment(_)), "{refused}");
    assert_eq!(refused.exit_code(), 2);
    assert!(
        refused
            .to_string()
            .starts_with("the generator refuses the documents:"),
        "{refused}"
    );

    let missing = Options {
        prism: Some(dir.join("no-prism-here")),
        ..options(vec![spec.clone()], Mode::Dynamic, None)
    };
    let missing = run(&root, &missing).expect_err("no Prism");
    assert_eq!(missing.exit_code(), 2);
    assert_eq!(
        missing.to_string(),
        format!(
            "Prism not found at {} (--prism)",
            dir.join("no-prism-here").display()
        )
    );

    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("address").port();
    let busy = Options {
        port: Some(port),
        ..options(vec![spec.clone()], Mode::Dynamic, None)
    };
    let busy = run(&root, &busy).expect_err("port in use");
    assert_eq!(busy.exit_code(), 2);
    assert!(
        busy.to_string()
            .starts_with(&format!("port 127.0.0.1:{port} is in use")),
        "{busy}"
    );

    // After the build: a Prism that exits at once, with what it said.
    let failing = dir.join("failing-prism");
    std::fs::write(
        &failing,
        "#!/bin/sh\necho 'cannot read the document' >&2\nexit 3\n",
    )
    .expect("write");
    std::fs::set_permissions(
        &failing,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    let broken = Options {
        prism: Some(failing),
        ..options(vec![spec], Mode::Dynamic, None)
    };
    let broken = run(&root, &broken).expect_err("Prism fails");
    assert_eq!(broken.exit_code(), 2);
    assert!(
        broken.to_string().starts_with("Prism failed to start for ")
            && broken
                .to_string()
                .ends_with("(exit status: 3): cannot read the document"),
        "{broken}"
    );
    assert!(leftovers().is_empty(), "{:?}", leftovers());
}
