//! A fleet of replicas sharing one token and one rate-limit budget through a real `redis-server`
//! on 127.0.0.1 (issue 27): several client instances in one process, each with a connection of
//! its own, as replicas; Redis killed and restarted mid-run; a flushed key space; two apps
//! under different prefixes. Token lifetimes and windows run on an injected clock.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jtl_erp_client::erp_v2;
use jtl_erp_client::runtime::HttpSettings;
use jtl_erp_client::runtime::auth::{ClientCredentials, WawiKey};
use jtl_erp_client::runtime::fleet::{LocalBudget, RateBudget, RedisFleet};
use jtl_erp_client::runtime::time::{ManualTimeSource, TimeSource};
use jtl_erp_client::runtime::{Context, RetryPolicy};
use jtl_erp_tests::MockServer;
use jtl_erp_tests::redis_server::RedisServer;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

const SECRET: &str = "fleet-client-secret";
const STATUS: &str =
    r#"{"version":"1","timestamp":"2025-03-20T08:57:00+01:00","tenant":"t","type":"x"}"#;
/// The token lifetime, and how far to move the clock so that a token is due (5 min margin).
const LIFETIME: u64 = 3600;
const DUE: Duration = Duration::from_secs(LIFETIME - 300 + 1);
const WINDOW: Duration = Duration::from_secs(45);

/// Issues `<app>-token-1`, `<app>-token-2`, … a little slowly, so that replicas overlap.
#[derive(Clone)]
struct Tokens {
    app: &'static str,
    issued: Arc<AtomicUsize>,
}

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_body_raw(
                format!(
                    r#"{{"access_token":"{}-token-{n}","token_type":"Bearer","expires_in":{LIFETIME}}}"#,
                    self.app
                ),
                "application/json",
            )
            .set_delay(Duration::from_millis(50))
    }
}

impl Tokens {
    async fn serve(app: &'static str) -> (Self, MockServer) {
        let tokens = Tokens {
            app,
            issued: Arc::default(),
        };
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/oauth2/token"))
            .respond_with(tokens.clone())
            .mount(&server)
            .await;
        (tokens, server)
    }
    fn issued(&self) -> usize {
        self.issued.load(Ordering::SeqCst)
    }
}

/// Allows `limit` calls per 45 s window of `clock` (a window opens at the first call after the
/// last one closed), 429 without `Retry-After` beyond.
#[derive(Clone)]
struct Window {
    clock: ManualTimeSource,
    limit: u64,
    state: Arc<Mutex<Option<(Instant, u64)>>>,
    served: Arc<AtomicUsize>,
    refused: Arc<AtomicUsize>,
}

impl Respond for Window {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let now = self.clock.now();
        let mut state = self.state.lock().expect("lock");
        let (_, used) = state
            .filter(|(start, _)| now < *start + WINDOW)
            .get_or_insert((now, 0))
            .to_owned();
        let headers = |response: ResponseTemplate, remaining: u64| {
            response
                .insert_header("x-ratelimit-limit", self.limit.to_string().as_str())
                .insert_header("x-ratelimit-remaining", remaining.to_string().as_str())
                .insert_header("x-ratelimit-interval-length-seconds", "45")
        };
        let start = state
            .filter(|(start, _)| now < *start + WINDOW)
            .map_or(now, |(start, _)| start);
        if used < self.limit {
            *state = Some((start, used + 1));
            self.served.fetch_add(1, Ordering::SeqCst);
            headers(
                ResponseTemplate::new(200).set_body_raw(STATUS, "application/json"),
                self.limit - used - 1,
            )
        } else {
            *state = Some((start, used));
            self.refused.fetch_add(1, Ordering::SeqCst);
            headers(ResponseTemplate::new(429), 0)
        }
    }
}

impl Window {
    async fn serve(clock: &ManualTimeSource, limit: u64) -> (Self, MockServer) {
        let window = Window {
            clock: clock.clone(),
            limit,
            state: Arc::default(),
            served: Arc::default(),
            refused: Arc::default(),
        };
        let server = MockServer::start().await;
        Mock::given(path("/v2/info"))
            .respond_with(window.clone())
            .mount(&server)
            .await;
        (window, server)
    }
}

/// One replica's view of the shared Redis: a connection of its own, as in another process.
fn fleet(redis: &RedisServer, prefix: &str) -> RedisFleet {
    RedisFleet::builder(redis.url(), prefix)
        .timeout(Duration::from_millis(300))
        // Try Redis again at every call, so that the test sees the return at once.
        .retry_after(Duration::ZERO)
        .build()
        .expect("fleet")
}

fn provider(
    tokens: &MockServer,
    fleet: &RedisFleet,
    clock: &ManualTimeSource,
) -> ClientCredentials {
    ClientCredentials::builder("fleet-client", SECRET)
        .token_url(format!("{}/oauth2/token", tokens.uri()))
        .http_settings(&HttpSettings::new().time_source(clock.clone()))
        .fleet_cache(fleet.token_store("cloud"))
        .build()
        .expect("provider")
}

fn api(
    base: &str,
    clock: &ManualTimeSource,
    auth: ClientCredentials,
    budget: impl RateBudget + 'static,
) -> erp_v2::Client {
    erp_v2::Client::builder()
        .base_url(base)
        .auth(auth)
        .http_settings(&HttpSettings::new().time_source(clock.clone()))
        .retry(RetryPolicy::default())
        .fleet_rate_limit(budget)
        .context(
            Context::new()
                .tenant_id(
                    "6f1c2b3a-1111-4222-8333-944455556666"
                        .parse()
                        .expect("uuid"),
                )
                .app_id("A/1")
                .app_version("1"),
        )
        .build()
        .expect("client")
}

fn wawi_api(
    base: &str,
    clock: &ManualTimeSource,
    budget: impl RateBudget + 'static,
) -> erp_v2::Client {
    erp_v2::Client::builder()
        .base_url(base)
        .auth(WawiKey::new("k"))
        .http_settings(&HttpSettings::new().time_source(clock.clone()))
        .fleet_rate_limit(budget)
        .context(Context::new().app_id("A/1").app_version("1"))
        .build()
        .expect("client")
}

/// Every replica asks for a token `per_replica` times at once; the tokens they got.
async fn all_ask(replicas: &[Arc<ClientCredentials>], per_replica: usize) -> Vec<String> {
    let mut tasks = tokio::task::JoinSet::new();
    for replica in replicas {
        for _ in 0..per_replica {
            let replica = replica.clone();
            tasks.spawn(async move { replica.token().await.expect("token").expose().to_owned() });
        }
    }
    tasks.join_all().await
}

#[jtl_erp_tests::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_fetch_one_token_for_the_fleet_per_refresh() {
    let Some(redis) =
        RedisServer::start_or_skip("replicas_fetch_one_token_for_the_fleet_per_refresh")
    else {
        return;
    };
    let clock = ManualTimeSource::new();
    let (tokens, server) = Tokens::serve("a").await;
    let replicas: Vec<Arc<ClientCredentials>> = (0..4)
        .map(|_| Arc::new(provider(&server, &fleet(&redis, "jtl:a:prod"), &clock)))
        .collect();

    let got = all_ask(&replicas, 5).await;
    assert!(got.iter().all(|t| t == "a-token-1"), "{got:?}");
    assert_eq!(tokens.issued(), 1, "one fetch for four replicas");

    // Stored with its absolute expiry, and kept no longer than the token lives.
    let stored = redis
        .command(&["GET", "jtl:a:prod:token:cloud"])
        .expect("GET");
    let (expiry, token) = stored.split_once(':').expect("<expiry>:<token>");
    assert_eq!(token, "a-token-1");
    let expiry_ms: u128 = expiry.parse().expect("milliseconds");
    let wall_ms = clock
        .wall_clock()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis();
    assert!(
        (LIFETIME as u128 * 1000 - 5_000..=LIFETIME as u128 * 1000)
            .contains(&(expiry_ms - wall_ms)),
        "{expiry_ms} - {wall_ms}"
    );
    let ttl: u64 = redis
        .command(&["PTTL", "jtl:a:prod:token:cloud"])
        .expect("PTTL")
        .parse()
        .expect("number");
    assert!(ttl > 0 && ttl <= LIFETIME * 1000, "{ttl}");
    // The lock was released.
    assert_eq!(
        redis.command(&["EXISTS", "jtl:a:prod:token:cloud:lock"]),
        Ok("0".to_owned())
    );

    clock.advance(DUE);
    let got = all_ask(&replicas, 5).await;
    assert!(got.iter().all(|t| t == "a-token-2"), "{got:?}");
    assert_eq!(tokens.issued(), 2, "one refresh for the fleet");
}

#[jtl_erp_tests::test]
async fn replicas_share_one_rate_limit_budget_and_the_server_never_refuses() {
    let Some(redis) = RedisServer::start_or_skip(
        "replicas_share_one_rate_limit_budget_and_the_server_never_refuses",
    ) else {
        return;
    };
    // Four replicas, calls taking turns: sharing, the window of 3 holds for all.
    let clock = ManualTimeSource::new();
    let (window, server) = Window::serve(&clock, 3).await;
    let replicas: Vec<erp_v2::Client> = (0..4)
        .map(|_| wawi_api(&server.uri(), &clock, fleet(&redis, "jtl:a:prod").budget()))
        .collect();
    for call in 0..24 {
        replicas[call % 4]
            .get_status()
            .await
            .unwrap_or_else(|e| panic!("call {call}: {e:?}"));
    }
    assert_eq!(window.served.load(Ordering::SeqCst), 24);
    assert_eq!(window.refused.load(Ordering::SeqCst), 0, "no 429 at all");
    let waits = clock.sleeps();
    assert_eq!(waits.len(), 7, "one wait per used-up window: {waits:?}");
    assert!(
        waits
            .iter()
            .all(|w| (WINDOW..=WINDOW + WINDOW / 20).contains(w)),
        "{waits:?}"
    );
    let budget = redis
        .command(&["HGETALL", "jtl:a:prod:budget:app"])
        .expect("HGETALL");
    assert!(
        budget.contains("limit\n3") && budget.contains("interval\n45000"),
        "{budget}"
    );

    // The same turns, each replica counting alone: the server refuses.
    let clock = ManualTimeSource::new();
    let (window, server) = Window::serve(&clock, 3).await;
    let replicas: Vec<erp_v2::Client> = (0..4)
        .map(|_| wawi_api(&server.uri(), &clock, LocalBudget::new()))
        .collect();
    for call in 0..24 {
        let _ = replicas[call % 4].get_status().await;
    }
    assert!(
        window.refused.load(Ordering::SeqCst) > 0,
        "without sharing four replicas overrun the window"
    );
}

#[jtl_erp_tests::test(deadline = 120)]
async fn redis_killed_and_restarted_mid_run_costs_no_call() {
    let Some(mut redis) =
        RedisServer::start_or_skip("redis_killed_and_restarted_mid_run_costs_no_call")
    else {
        return;
    };
    let capture = crate::trace_capture::capture(tracing::Level::INFO);
    let clock = ManualTimeSource::new();
    let (tokens, token_server) = Tokens::serve("a").await;
    let (window, api_server) = Window::serve(&clock, 1000).await;
    let replicas: Vec<erp_v2::Client> = (0..2)
        .map(|_| {
            let fleet = fleet(&redis, "jtl:a:prod");
            api(
                &api_server.uri(),
                &clock,
                provider(&token_server, &fleet, &clock),
                fleet.budget(),
            )
        })
        .collect();
    for replica in &replicas {
        replica.get_status().await.expect("shared");
    }
    assert_eq!(tokens.issued(), 1);

    redis.kill();
    clock.advance(DUE);
    for round in 0..3 {
        for replica in &replicas {
            replica
                .get_status()
                .await
                .unwrap_or_else(|e| panic!("round {round}, Redis down: {e:?}"));
        }
    }
    assert_eq!(tokens.issued(), 3, "each replica fetched for itself");
    let logs = capture.logs.text();
    let warnings = logs.matches("Redis unavailable").count();
    assert_eq!(warnings, 2, "once per replica:\n{logs}");
    assert!(logs.contains("WARN"), "{logs}");

    redis.restart();
    for replica in &replicas {
        replica.get_status().await.expect("Redis back");
    }
    let logs = capture.logs.text();
    assert_eq!(
        logs.matches("Redis answers again: sharing").count(),
        2,
        "{logs}"
    );
    assert_eq!(
        redis.command(&["EXISTS", "jtl:a:prod:budget:app"]),
        Ok("1".to_owned()),
        "the budget is shared again"
    );
    clock.advance(DUE);
    for replica in &replicas {
        replica.get_status().await.expect("shared again");
    }
    assert_eq!(tokens.issued(), 4, "one refresh for the fleet again");
    assert_eq!(window.refused.load(Ordering::SeqCst), 0);
    for secret in [SECRET, "a-token-"] {
        assert!(!logs.contains(secret), "`{secret}` in the logs:\n{logs}");
    }
}

#[jtl_erp_tests::test]
async fn a_flushed_key_space_costs_one_fetch_for_the_fleet() {
    let Some(redis) =
        RedisServer::start_or_skip("a_flushed_key_space_costs_one_fetch_for_the_fleet")
    else {
        return;
    };
    let clock = ManualTimeSource::new();
    let (tokens, token_server) = Tokens::serve("a").await;
    let (window, api_server) = Window::serve(&clock, 3).await;
    let replicas: Vec<erp_v2::Client> = (0..3)
        .map(|_| {
            let fleet = fleet(&redis, "jtl:a:prod");
            api(
                &api_server.uri(),
                &clock,
                provider(&token_server, &fleet, &clock),
                fleet.budget(),
            )
        })
        .collect();
    for replica in &replicas {
        replica.get_status().await.expect("first");
    }
    assert_eq!(tokens.issued(), 1);

    assert_eq!(redis.command(&["FLUSHALL"]), Ok("OK".to_owned()));
    // Each replica still holds the token: nothing is fetched while it is fresh.
    for replica in &replicas {
        replica.get_status().await.expect("after the flush");
    }
    assert_eq!(tokens.issued(), 1);
    clock.advance(DUE);
    for replica in &replicas {
        replica.get_status().await.expect("due");
    }
    assert_eq!(
        tokens.issued(),
        2,
        "one fetch for the fleet after the flush"
    );
    // The flush lost the window's count: the first call after it learns the window anew, and
    // a 429 it may meet is retried after the window, holding the other replicas back.
    assert!(
        window.refused.load(Ordering::SeqCst) <= 1,
        "the budget was learned anew"
    );
    assert_eq!(
        window.served.load(Ordering::SeqCst),
        9,
        "every call was served"
    );
}

#[jtl_erp_tests::test]
async fn two_apps_under_different_prefixes_stay_apart() {
    let Some(redis) = RedisServer::start_or_skip("two_apps_under_different_prefixes_stay_apart")
    else {
        return;
    };
    let (tokens_a, server_a) = Tokens::serve("a").await;
    let (tokens_b, server_b) = Tokens::serve("b").await;
    let clock_a = ManualTimeSource::new();
    let clock_b = ManualTimeSource::new();
    let (_, api_a) = Window::serve(&clock_a, 2).await;
    let (window_b, api_b) = Window::serve(&clock_b, 2).await;
    let app =
        |tokens: &MockServer, api_server: &MockServer, prefix: &str, clock: &ManualTimeSource| {
            let fleet = fleet(&redis, prefix);
            api(
                &api_server.uri(),
                clock,
                provider(tokens, &fleet, clock),
                fleet.budget(),
            )
        };
    let a = [
        app(&server_a, &api_a, "jtl:a:prod", &clock_a),
        app(&server_a, &api_a, "jtl:a:prod", &clock_a),
    ];
    let b = app(&server_b, &api_b, "jtl:b:prod", &clock_b);

    // A uses up its window of 2.
    a[0].get_status().await.expect("a");
    a[1].get_status().await.expect("a");
    // B has its own token and its own window.
    b.get_status().await.expect("b");
    b.get_status().await.expect("b");
    assert_eq!(
        clock_b.sleeps(),
        Vec::<Duration>::new(),
        "B never waited for A's window"
    );
    assert_eq!(window_b.refused.load(Ordering::SeqCst), 0);
    assert_eq!((tokens_a.issued(), tokens_b.issued()), (1, 1));
    let token = |key: &str| redis.command(&["GET", key]).expect("GET");
    assert!(token("jtl:a:prod:token:cloud").ends_with(":a-token-1"));
    assert!(token("jtl:b:prod:token:cloud").ends_with(":b-token-1"));
    // A's next call waits for A's window, B's does not.
    a[0].get_status().await.expect("a");
    assert_eq!(clock_a.sleeps().len(), 1, "{:?}", clock_a.sleeps());
    assert_eq!(clock_b.sleeps().len(), 0);
}

#[jtl_erp_tests::test(deadline = 120)]
async fn replicas_as_separate_processes_fetch_one_token() {
    let Some(redis) = RedisServer::start_or_skip("replicas_as_separate_processes_fetch_one_token")
    else {
        return;
    };
    let (tokens, server) = Tokens::serve("p").await;
    let children: Vec<std::process::Child> = (0..3)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_fleet-replica"))
                .env("REDIS_URL", redis.url())
                .env("PREFIX", "jtl:p:prod")
                .env("TOKEN_URL", format!("{}/oauth2/token", server.uri()))
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("replica process")
        })
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|child| child.wait_with_output().expect("replica ran"))
            .collect::<Vec<_>>()
    })
    .await
    .expect("joined");
    for output in &outputs {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "p-token-1");
    }
    assert_eq!(tokens.issued(), 1, "one fetch for three processes");
}

#[jtl_erp_tests::test]
fn the_fleet_never_shows_the_redis_password() {
    let fleet = RedisFleet::builder("redis://:pw-SECRET@127.0.0.1:1/", "jtl:x:prod")
        .build()
        .expect("fleet");
    for shown in [
        format!("{fleet:?}"),
        format!("{:?}", fleet.token_store("cloud")),
        format!("{:?}", fleet.budget()),
    ] {
        assert!(!shown.contains("pw-SECRET"), "{shown}");
        assert!(shown.contains("jtl:x:prod"), "{shown}");
    }
    let error = RedisFleet::builder("redis://:pw-SECRET@[bad/", "jtl:x:prod")
        .build()
        .expect_err("bad URL");
    assert!(!error.to_string().contains("pw-SECRET"), "{error}");
    let error = RedisFleet::builder("redis://127.0.0.1/", " ")
        .build()
        .expect_err("empty prefix");
    assert!(error.to_string().contains("prefix is empty"), "{error}");
}

#[jtl_erp_tests::test(deadline = 60)]
async fn a_slow_redis_costs_one_bounded_timeout_then_the_local_fallback() {
    let Some(redis) = RedisServer::start_or_skip(
        "a_slow_redis_costs_one_bounded_timeout_then_the_local_fallback",
    ) else {
        return;
    };
    let capture = crate::trace_capture::capture(tracing::Level::INFO);
    let clock = ManualTimeSource::new();
    let (tokens, token_server) = Tokens::serve("a").await;
    let (window, api_server) = Window::serve(&clock, 1000).await;
    // A timeout long enough that "one timeout" and "a timeout per call" are far apart on any
    // machine: 2 s against the 10 s five calls would spend if each waited on Redis.
    let timeout = Duration::from_secs(2);
    let fleet = RedisFleet::builder(redis.url(), "jtl:a:prod")
        .timeout(timeout)
        .retry_after(Duration::from_secs(30))
        .build()
        .expect("fleet");
    let replica = api(
        &api_server.uri(),
        &clock,
        provider(&token_server, &fleet, &clock),
        fleet.budget(),
    );
    replica.get_status().await.expect("shared");
    assert!(!fleet.degraded());

    // Redis stops answering anyone, for longer than the calls below take.
    assert_eq!(
        redis.command(&["CLIENT", "PAUSE", "30000", "ALL"]),
        Ok("OK".to_owned())
    );
    clock.advance(DUE);
    let started = Instant::now();
    for call in 0..5 {
        replica
            .get_status()
            .await
            .unwrap_or_else(|e| panic!("call {call} with Redis paused: {e:?}"));
    }
    let spent = started.elapsed();
    assert!(
        spent >= timeout,
        "the first call waited for the timeout: {spent:?}"
    );
    assert!(
        spent < timeout * 5 / 2,
        "one 2 s timeout, then no more waits on Redis (five would be 10 s): {spent:?}"
    );
    assert!(fleet.degraded());
    assert_eq!(tokens.issued(), 2, "the replica fetched for itself");
    assert_eq!(window.served.load(Ordering::SeqCst), 6);
    let logs = capture.logs.text();
    assert_eq!(logs.matches("Redis unavailable:").count(), 1, "{logs}");
    assert!(
        logs.contains("timeout"),
        "the reason is the timeout: {logs}"
    );
}

#[jtl_erp_tests::test]
async fn a_per_tenant_budget_keeps_one_window_per_tenant() {
    let Some(redis) = RedisServer::start_or_skip("a_per_tenant_budget_keeps_one_window_per_tenant")
    else {
        return;
    };
    let clock = ManualTimeSource::new();
    let (_, api_server) = Window::serve(&clock, 1000).await;
    let fleet = fleet(&redis, "jtl:a:prod");
    let client = wawi_api(&api_server.uri(), &clock, fleet.budget().per_tenant());
    let tenants = [
        "6f1c2b3a-1111-4222-8333-944455556666",
        "0b8e4d2c-2222-4333-8444-a55566667777",
    ];
    for tenant in tenants {
        client
            .for_tenant(tenant.parse().expect("uuid"))
            .get_status()
            .await
            .expect("call");
    }
    for tenant in tenants {
        let key = format!("jtl:a:prod:budget:{tenant}");
        assert_eq!(
            redis.command(&["EXISTS", &key]),
            Ok("1".to_owned()),
            "{key}"
        );
    }
    assert_eq!(
        redis.command(&["EXISTS", "jtl:a:prod:budget:app"]),
        Ok("0".to_owned())
    );
}
