//! Verifying an App Shell session token with a cached key, against `aws-lc-rs`'s bare Ed25519
//! signature check of the same token in the same run (goal: at most 1.5×).
//!
//! `cargo bench -p jtl-erp-tests --bench session`. Both run inside the same Tokio runtime, so
//! the executor's share is in both; the difference is the JWS parsing, the key lookup, the
//! claims decoding and the time checks.

use aws_lc_rs::signature::{ED25519, UnparsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use jtl_erp_client::fake::FakeJtl;
use jtl_erp_client::runtime::auth::ClientCredentials;
use jtl_erp_client::runtime::session_token::SessionTokenVerifier;
use std::sync::Arc;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (_fake, verifier, token, public_key) = runtime.block_on(async {
        let fake = FakeJtl::start().await.expect("fake");
        fake.identity().add_client("app", "secret");
        let auth = ClientCredentials::builder("app", "secret")
            .token_url(fake.token_url())
            .build()
            .expect("provider");
        let verifier = SessionTokenVerifier::builder(Arc::new(auth))
            .jwks_url(fake.jwks_url())
            .key_cache(Duration::from_secs(3600))
            .build()
            .expect("verifier");
        let token = fake.session_tokens().issue(
            "6f1c2b3a-1111-4222-8333-944455556666",
            Some("user-1"),
            Duration::from_secs(3600),
        );
        verifier.verify(&token).await.expect("warm key cache");
        let x = fake.session_tokens().jwks()["keys"][0]["x"]
            .as_str()
            .expect("x")
            .to_owned();
        let key = URL_SAFE_NO_PAD.decode(x).expect("base64url");
        (fake, verifier, token, key)
    });
    let (input, signature) = token.rsplit_once('.').expect("three parts");
    let signature = URL_SAFE_NO_PAD.decode(signature).expect("signature");

    let mut group = c.benchmark_group("session_token");
    group.bench_function("baseline_ring_ed25519_verify", |b| {
        b.to_async(&runtime).iter(|| async {
            UnparsedPublicKey::new(&ED25519, &public_key)
                .verify(input.as_bytes(), &signature)
                .expect("valid")
        })
    });
    group.bench_function("session_verifier_cached_key", |b| {
        b.to_async(&runtime)
            .iter(|| async { verifier.verify(&token).await.expect("valid") })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
