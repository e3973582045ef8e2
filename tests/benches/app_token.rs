//! Verifying app tokens (RS256 and EdDSA) with cached keys, against `jsonwebtoken`'s bare
//! signature check of the same tokens in the same run (goal: at most 1.2×).
//!
//! `cargo bench -p jtl-erp-tests --bench app_token`. All four run inside the same Tokio runtime,
//! so the executor's share is in each; the difference is the JWS header parsing, the key
//! selection, the claims decoding and the claim checks.

use std::time::{Duration, SystemTime};

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
    let (_server, verifier, rs_token, ed_token) = runtime.block_on(async {
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
            .respond_with(ResponseTemplate::new(200).set_body_json(jwks_document([&rsa, &ed])))
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
        let (rs_token, ed_token) = (token(&rsa), token(&ed));
        verifier.verify(&rs_token).await.expect("warm key cache");
        verifier.verify(&ed_token).await.expect("warm key cache");
        (server, verifier, rs_token, ed_token)
    });
    let key = |signer: &AppTokenSigner| {
        let jwk: Jwk = serde_json::from_value(signer.public_jwk()).expect("JWK");
        DecodingKey::from_jwk(&jwk).expect("key")
    };
    let cases = [
        ("rs256", &rs_token, key(&rsa), Algorithm::RS256),
        ("eddsa", &ed_token, key(&ed), Algorithm::EdDSA),
    ];
    let mut group = c.benchmark_group("app_token");
    for (name, token, key, alg) in &cases {
        let (input, signature) = token.rsplit_once('.').expect("three parts");
        group.bench_function(format!("{name}_baseline_jsonwebtoken_crypto_verify"), |b| {
            b.to_async(&runtime).iter(|| async {
                assert!(
                    jsonwebtoken::crypto::verify(signature, input.as_bytes(), key, *alg)
                        .expect("verifies")
                )
            })
        });
        group.bench_function(format!("{name}_app_token_verifier_cached_keys"), |b| {
            b.to_async(&runtime)
                .iter(|| async { verifier.verify(token).await.expect("valid") })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
