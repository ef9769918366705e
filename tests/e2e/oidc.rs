//! Sign-in through an external OpenID Connect provider: RS256 tokens checked against a JWKS
//! served on loopback, users provisioned on first sight and linked by subject.

use hub_core::config::OidcConfig;
use hub_tests::oidc::{FakeProvider, SigningKey};
use hub_tests::{Backend, TestServer};
use serde_json::json;

hub_tests::on_both_databases!(provider_tokens_sign_users_in);

const AUDIENCE: &str = "https://hub.example/api";

async fn provider_tokens_sign_users_in(backend: Backend) {
    let first_key = SigningKey::generate("key-1");
    let provider = FakeProvider::start(&[&first_key]).await;
    let server = TestServer::start_with(&backend, |config| {
        config.oidc = Some(OidcConfig {
            issuer: provider.issuer.clone(),
            audience: AUDIENCE.to_owned(),
            jwks_url: Some(provider.jwks_url.clone()),
            jwks_cache_secs: 3600,
            jwks_min_refetch_secs: 0,
        });
    })
    .await;

    // First sight: the user is provisioned from the claims.
    let token = first_key.sign(&provider.claims(
        "auth0|jane",
        AUDIENCE,
        json!({"preferred_username": "jane.doe", "email": "jane@example.com", "name": "Jane Doe"}),
    ));
    let me = server.get("/api/v1/auth/me", &token).await;
    me.expect(200);
    assert_eq!(me.body["username"], "jane.doe");
    assert_eq!(me.body["full_name"], "Jane Doe");
    assert_eq!(me.body["email"], "jane@example.com");
    let jane_id = me.body["id"].as_str().unwrap().to_owned();

    // Second sight: the same user, and the cached keys (no second fetch).
    let again = server.get("/api/v1/auth/me", &token).await;
    assert_eq!(again.body["id"], jane_id.as_str());
    assert_eq!(provider.fetches(), 1);

    // A provider token can be traded for hub tokens.
    let exchanged = server.post_anon("/api/v1/auth/oidc", json!({"token": token})).await;
    exchanged.expect(200);
    assert_eq!(exchanged.body["user"]["id"], jane_id.as_str());
    let hub_token = exchanged.body["access_token"].as_str().unwrap();
    server.get("/api/v1/auth/me", hub_token).await.expect(200);

    // A second subject wanting the same username gets a free one.
    let other = first_key.sign(&provider.claims("auth0|other", AUDIENCE, json!({"preferred_username": "jane.doe"})));
    let other_me = server.get("/api/v1/auth/me", &other).await;
    other_me.expect(200);
    assert_ne!(other_me.body["id"], jane_id.as_str());
    assert_eq!(other_me.body["username"], "jane.doe-2");

    // The provider rotates its keys: an unknown kid makes the server refetch.
    let second_key = SigningKey::generate("key-2");
    provider.rotate_to(&[&second_key]).await;
    let rotated = second_key.sign(&provider.claims("auth0|jane", AUDIENCE, json!({})));
    let reply = server.get("/api/v1/auth/me", &rotated).await;
    reply.expect(200);
    assert_eq!(reply.body["id"], jane_id.as_str());
    assert_eq!(provider.fetches(), 2);

    // Wrong audience, wrong issuer, expired, and a forged key with a known kid are refused.
    let wrong_audience = second_key.sign(&provider.claims("auth0|jane", "https://other.example", json!({})));
    server
        .get("/api/v1/auth/me", &wrong_audience)
        .await
        .expect_error(401, "invalid_token");
    let wrong_issuer =
        second_key.sign(&provider.claims("auth0|jane", AUDIENCE, json!({"iss": "https://evil.example/"})));
    server
        .get("/api/v1/auth/me", &wrong_issuer)
        .await
        .expect_error(401, "invalid_token");
    let expired = second_key.sign(&provider.claims(
        "auth0|jane",
        AUDIENCE,
        json!({"exp": 1_000_000_000, "iat": 999_999_000}),
    ));
    server
        .get("/api/v1/auth/me", &expired)
        .await
        .expect_error(401, "token_expired");
    let forged = SigningKey::generate("key-2").sign(&provider.claims("auth0|jane", AUDIENCE, json!({})));
    server
        .get("/api/v1/auth/me", &forged)
        .await
        .expect_error(401, "invalid_token");
    server.stop().await;
}
