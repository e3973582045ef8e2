//! The test harness itself: a mock server dropped with its task's budget spent does not hang
//! (the root cause of issue 22's hangs), and no test bypasses the deadline attribute or the
//! mock-server wrapper.

use std::path::Path;

use jtl_erp_tests::MockServer;

/// Spends the current task's cooperative budget without yielding: every acquisition of an
/// available permit is ready at once and costs one unit.
async fn spend_the_budget() {
    let permits = tokio::sync::Semaphore::new(1);
    while tokio::task::coop::has_budget_remaining() {
        drop(permits.acquire().await.expect("open"));
    }
}

/// wiremock's own drop would spin forever here: `block_on(verify())` polls a tokio `RwLock`
/// that answers `Pending` on a spent budget, and nothing inside `block_on` refills it. Run
/// against `wiremock::MockServer` instead of the wrapper, this test stops at its deadline.
#[jtl_erp_tests::test(flavor = "multi_thread", worker_threads = 2, deadline = 20)]
async fn a_mock_server_dropped_with_its_task_budget_spent_does_not_hang() {
    let server = MockServer::start().await;
    spend_the_budget().await;
    assert!(
        !tokio::task::coop::has_budget_remaining(),
        "the budget is spent before the drop"
    );
    drop(server);
}

/// A failed expectation still fails the test: the wrapper re-raises the verification panic of
/// the thread that dropped the server.
#[jtl_erp_tests::test]
async fn a_failed_expectation_still_fails_the_test() {
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(server)));
    let panic = dropped.expect_err("one expected request never came: verification fails");
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    assert!(message.contains("Verifications failed"), "{message}");
}

/// Every test file of the suite, its path relative to `tests/`, and its text.
fn test_sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).expect("below tests/");
                out.push((
                    relative.display().to_string(),
                    std::fs::read_to_string(&path).expect("UTF-8"),
                ));
            }
        }
    }
    let root = jtl_erp_tests::repo_root().join("tests");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out
}

#[test]
fn every_async_test_has_a_deadline_and_every_mock_server_the_wrapper() {
    let tokio_test = ["#[tokio", "::test"].concat();
    let raw_start = ["wiremock::MockServer", "::start"].concat();
    let mut offenders = Vec::new();
    for (file, text) in test_sources() {
        if file.starts_with("macros/") || file == "src/mock_server.rs" {
            continue;
        }
        for (line, content) in text.lines().enumerate() {
            if content.contains(&tokio_test) {
                offenders.push(format!(
                    "{file}:{}: `{tokio_test}` has no deadline; use #[jtl_erp_tests::test]",
                    line + 1
                ));
            }
            if content.contains(&raw_start)
                || (content.starts_with("use wiremock::") && content.contains("MockServer"))
            {
                offenders.push(format!(
                    "{file}:{}: wiremock's MockServer can hang in its drop; use jtl_erp_tests::MockServer",
                    line + 1
                ));
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}
