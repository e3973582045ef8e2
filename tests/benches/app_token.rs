//! Verifying app tokens (RS256, ES256, ES512 and EdDSA) with cached keys, against the chosen
//! crate's bare signature check of the same tokens in the same run (goal: at most 1.2×):
//! `jsonwebtoken::crypto::verify` (on aws-lc-rs), and for ES512, which `jsonwebtoken` lacks,
//! `aws-lc-rs`'s own P-521 check, which the verifier calls for it (both decode the base64url
//! signature, as `crypto::verify` does).
//!
//! `cargo bench -p jtl-erp-tests --bench app_token`. All four run inside the same Tokio runtime,
//! so the executor's share is in each; the difference is the JWS header parsing, the key
//! selection, the claims decoding and the claim checks. Criterion's figures come one after the
//! other, so drift of a shared machine lands in one side only; the paired figure printed first
//! alternates batches of baseline and verifier (`BENCH_BATCH` calls each, `BENCH_PAIRS` pairs)
//! and reports the median of the pairwise ratios, which is the one tests/README.md gives. Those
//! batches are timed in the CPU time of the benchmark's thread where Linux reports it
//! (`/proc/thread-self/schedstat`, nanoseconds on the CPU): on a machine shared with other
//! builds, wall time also counts the time other processes held the core.

use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::{Algorithm, DecodingKey, jwk::Jwk};
use jtl_erp_client::runtime::app_token::{AppTokenSigner, AppTokenVerifier, jwks_document};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const RSA_KEY: &[u8] = include_bytes!("../fixtures/jose/rsa-2048.pk8");

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let rsa = AppTokenSigner::rsa_pkcs8(RSA_KEY, "rsa-1").expect("RSA key");
    let ed = AppTokenSigner::ed25519("ed-1").expect("Ed25519 key");
    let es256 = AppTokenSigner::es256("es256-1").expect("P-256 key");
    let es512 = AppTokenSigner::es512("es512-1").expect("P-521 key");
    let signers = [&rsa, &es256, &es512, &ed];
    let (_server, verifier, tokens) = runtime.block_on(async {
        let server = jtl_erp_tests::MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/.well-known/openid-configuration"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "issuer": server.uri(),
                "jwks_uri": format!("{}/oauth/v2/keys", server.uri()),
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/oauth/v2/keys"))
            .respond_with(ResponseTemplate::new(200).set_body_json(jwks_document(signers)))
            .mount(&server)
            .await;
        let verifier = AppTokenVerifier::builder(server.uri(), "app-1")
            .key_cache(Duration::from_secs(3600))
            .build()
            .expect("verifier");
        let token = |signer: &AppTokenSigner| {
            signer.app_token(
                &server.uri(),
                "app-1",
                "6f1c2b3a-1111-4222-8333-944455556666",
                Some("user-1"),
                Duration::from_secs(3600),
                SystemTime::now(),
            )
        };
        let tokens: Vec<String> = signers.iter().map(|s| token(s)).collect();
        for token in &tokens {
            verifier.verify(token).await.expect("warm key cache");
        }
        (server, verifier, tokens)
    });
    let key = |signer: &AppTokenSigner| {
        let jwk: Jwk = serde_json::from_value(signer.public_jwk()).expect("JWK");
        DecodingKey::from_jwk(&jwk).expect("key")
    };
    let p521 = {
        let jwk = es512.public_jwk();
        let coordinate = |name: &str| {
            URL_SAFE_NO_PAD
                .decode(jwk[name].as_str().expect("coordinate"))
                .expect("base64url")
        };
        [vec![4], coordinate("x"), coordinate("y")].concat()
    };
    let cases = [
        (
            "rs256",
            &tokens[0],
            Baseline::Jwt(key(&rsa), Algorithm::RS256),
        ),
        (
            "es256",
            &tokens[1],
            Baseline::Jwt(key(&es256), Algorithm::ES256),
        ),
        ("es512", &tokens[2], Baseline::P521(p521)),
        (
            "eddsa",
            &tokens[3],
            Baseline::Jwt(key(&ed), Algorithm::EdDSA),
        ),
    ];
    let batch = env_number("BENCH_BATCH", 2000);
    let pairs = env_number("BENCH_PAIRS", 40);
    for (name, token, check) in &cases {
        let (input, signature) = token.rsplit_once('.').expect("three parts");
        let baseline = || async { assert!(check.verifies(input, signature)) };
        let ours = || async {
            verifier.verify(token).await.expect("valid");
        };
        runtime.block_on(async {
            let mut ratios = Vec::with_capacity(pairs);
            let (mut a_total, mut b_total) = (0.0, 0.0);
            for _ in 0..pairs {
                let started = Clock::now();
                for _ in 0..batch {
                    baseline().await;
                }
                let a = started.elapsed() / batch as f64;
                let started = Clock::now();
                for _ in 0..batch {
                    ours().await;
                }
                let b = started.elapsed() / batch as f64;
                ratios.push(b / a);
                a_total += a;
                b_total += b;
            }
            ratios.sort_by(f64::total_cmp);
            println!(
                "{name} ({}): baseline {:.1} µs, verifier {:.1} µs per token (means over {pairs} pairs of {batch}); ratio verifier/baseline: median {:.3}x, quartiles {:.3}x to {:.3}x",
                Clock::name(),
                a_total / pairs as f64 * 1e6,
                b_total / pairs as f64 * 1e6,
                ratios[ratios.len() / 2],
                ratios[ratios.len() / 4],
                ratios[ratios.len() * 3 / 4]
            );
        });
    }

    let mut group = c.benchmark_group("app_token");
    for (name, token, check) in &cases {
        let (input, signature) = token.rsplit_once('.').expect("three parts");
        group.bench_function(format!("{name}_baseline_bare_signature_check"), |b| {
            b.to_async(&runtime)
                .iter(|| async { assert!(check.verifies(input, signature)) })
        });
        group.bench_function(format!("{name}_app_token_verifier_cached_keys"), |b| {
            b.to_async(&runtime)
                .iter(|| async { verifier.verify(token).await.expect("valid") })
        });
    }
    group.finish();
}

/// The chosen crate's bare signature check of one token.
enum Baseline {
    /// `jsonwebtoken::crypto::verify`.
    Jwt(DecodingKey, Algorithm),
    /// `aws-lc-rs`'s P-521 check (an uncompressed point).
    P521(Vec<u8>),
}

impl Baseline {
    fn verifies(&self, input: &str, signature: &str) -> bool {
        match self {
            Baseline::Jwt(key, alg) => {
                jsonwebtoken::crypto::verify(signature, input.as_bytes(), key, *alg)
                    .expect("verifies")
            }
            Baseline::P521(point) => {
                let signature = URL_SAFE_NO_PAD.decode(signature).expect("base64url");
                aws_lc_rs::signature::UnparsedPublicKey::new(
                    &aws_lc_rs::signature::ECDSA_P521_SHA512_FIXED,
                    point,
                )
                .verify(input.as_bytes(), &signature)
                .is_ok()
            }
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The thread's CPU time where Linux reports it, else wall time.
enum Clock {
    Cpu(u64),
    Wall(Instant),
}

impl Clock {
    fn name() -> &'static str {
        if Self::cpu_ns().is_some() {
            "thread CPU time"
        } else {
            "wall time"
        }
    }

    fn cpu_ns() -> Option<u64> {
        let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        text.split_whitespace().next()?.parse().ok()
    }

    fn now() -> Self {
        match Self::cpu_ns() {
            Some(ns) => Self::Cpu(ns),
            None => Self::Wall(Instant::now()),
        }
    }

    /// Seconds since `self`.
    fn elapsed(&self) -> f64 {
        match self {
            Self::Cpu(start) => Self::cpu_ns().map_or(0.0, |now| (now - start) as f64 / 1e9),
            Self::Wall(start) => start.elapsed().as_secs_f64(),
        }
    }
}
