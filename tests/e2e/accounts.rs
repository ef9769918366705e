//! Register, login (JSON and form), me, refresh rotation, reuse detection, logout, suspension.

use hub_tests::{Backend, PASSWORD, TestServer};
use reqwest::Method;
use serde_json::json;

hub_tests::on_both_databases!(
    register_then_me,
    login_with_json_and_with_a_form,
    refresh_rotates_and_reuse_revokes_the_family,
    logout_ends_the_session,
    suspended_users_are_refused,
    data_survives_a_restart,
    failed_logins_are_limited_per_username,
);

async fn register_then_me(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let reply = server
        .post_anon(
            "/api/v1/auth/register",
            json!({"username": "alice", "password": PASSWORD, "email": "alice@example.com", "full_name": "Alice A"}),
        )
        .await;
    reply.expect(201);
    assert_eq!(reply.body["token_type"], "bearer");
    assert_eq!(reply.body["expires_in"], 900);
    let token = reply.body["access_token"].as_str().unwrap();
    let me = server.get("/api/v1/auth/me", token).await;
    me.expect(200);
    assert_eq!(me.body["username"], "alice");
    assert_eq!(me.body["full_name"], "Alice A");
    assert_eq!(me.body["email"], "alice@example.com");
    assert_eq!(me.body["is_superuser"], false);
    assert_eq!(me.body["id"], reply.body["user"]["id"]);
    server.stop().await;
}

async fn login_with_json_and_with_a_form(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;

    let by_json = server.login("Alice", PASSWORD).await;
    by_json.expect(200);
    assert_eq!(by_json.body["user"]["id"], alice.id.as_str());

    let form = [
        ("grant_type", "password"),
        ("username", "alice"),
        ("password", PASSWORD),
        ("scope", ""),
    ];
    let by_form = TestServer::reply(
        server
            .http
            .post(server.url("/api/v1/auth/login"))
            .form(&form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    by_form.expect(200);
    let token = by_form.body["access_token"].as_str().unwrap();
    server.get("/api/v1/auth/me", token).await.expect(200);

    server
        .login("alice", "wrong password!!")
        .await
        .expect_error(401, "invalid_credentials");
    server
        .login("nobody", PASSWORD)
        .await
        .expect_error(401, "invalid_credentials");
    server.stop().await;
}

async fn refresh_rotates_and_reuse_revokes_the_family(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;

    let first = server
        .post_anon("/api/v1/auth/refresh", json!({"refresh_token": alice.refresh_token}))
        .await;
    first.expect(200);
    let second_refresh = first.body["refresh_token"].as_str().unwrap().to_owned();
    let second_access = first.body["access_token"].as_str().unwrap().to_owned();
    assert_ne!(
        second_refresh, alice.refresh_token,
        "a refresh token is never handed out twice"
    );
    server.get("/api/v1/auth/me", &second_access).await.expect(200);

    // The first token again: a thief (or a replay). The whole family goes.
    server
        .post_anon("/api/v1/auth/refresh", json!({"refresh_token": alice.refresh_token}))
        .await
        .expect_error(401, "refresh_token_reused");
    server
        .post_anon("/api/v1/auth/refresh", json!({"refresh_token": second_refresh}))
        .await
        .expect_error(401, "invalid_token");
    server
        .get("/api/v1/auth/me", &second_access)
        .await
        .expect_error(401, "invalid_token");
    server
        .get("/api/v1/auth/me", &alice.access_token)
        .await
        .expect_error(401, "invalid_token");

    // Other sessions of the same user are untouched.
    let other = server.login("alice", PASSWORD).await.into_user();
    server.get("/api/v1/auth/me", &other.access_token).await.expect(200);

    server
        .post_anon("/api/v1/auth/refresh", json!({"refresh_token": "hubrt_made_up"}))
        .await
        .expect_error(401, "invalid_token");
    server.stop().await;
}

async fn logout_ends_the_session(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let reply = server
        .post_anon("/api/v1/auth/logout", json!({"refresh_token": alice.refresh_token}))
        .await;
    reply.expect(204);
    server
        .get("/api/v1/auth/me", &alice.access_token)
        .await
        .expect_error(401, "invalid_token");
    server
        .post_anon("/api/v1/auth/refresh", json!({"refresh_token": alice.refresh_token}))
        .await
        .expect_error(401, "invalid_token");
    // Logging out twice is harmless.
    server
        .post_anon("/api/v1/auth/logout", json!({"refresh_token": alice.refresh_token}))
        .await
        .expect(204);
    server.stop().await;
}

async fn suspended_users_are_refused(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let admin = server.new_admin("boss").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let suspend = format!("/api/v1/admin/users/{}/suspend", bob.id);

    server
        .call(Method::POST, &suspend, Some(&carol.access_token), None)
        .await
        .expect_error(403, "forbidden");

    let reply = server
        .call(Method::POST, &suspend, Some(&admin.access_token), None)
        .await;
    reply.expect(200);
    assert_eq!(reply.body["is_suspended"], true);

    server
        .get("/api/v1/auth/me", &bob.access_token)
        .await
        .expect_error(403, "account_suspended");
    server
        .login("bob", PASSWORD)
        .await
        .expect_error(403, "account_suspended");
    server
        .post_anon("/api/v1/auth/refresh", json!({"refresh_token": bob.refresh_token}))
        .await
        .expect_error(401, "invalid_token");
    // Hidden from people search and profiles, except for admins.
    let found = server.get("/api/v1/users?q=bob", &carol.access_token).await;
    assert_eq!(found.body["items"].as_array().unwrap().len(), 0);
    server
        .get(&format!("/api/v1/users/{}", bob.id), &carol.access_token)
        .await
        .expect(404);
    server
        .get(&format!("/api/v1/users/{}", bob.id), &admin.access_token)
        .await
        .expect(200);

    let restore = format!("/api/v1/admin/users/{}/restore", bob.id);
    server
        .call(Method::POST, &restore, Some(&admin.access_token), None)
        .await
        .expect(200);
    server.login("bob", PASSWORD).await.expect(200);
    server
        .call(
            Method::POST,
            &format!("/api/v1/admin/users/{}/suspend", admin.id),
            Some(&admin.access_token),
            None,
        )
        .await
        .expect_error(422, "invalid_input");
    server
        .call(
            Method::POST,
            "/api/v1/admin/users/no-such-user/suspend",
            Some(&admin.access_token),
            None,
        )
        .await
        .expect_error(404, "not_found");
    server.stop().await;
}

async fn data_survives_a_restart(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let config = server.config.clone();
    let data_dir = server.stop().await;

    let again = TestServer::start_config(config).await;
    let reply = again.login("alice", PASSWORD).await;
    reply.expect(200);
    assert_eq!(reply.body["user"]["id"], alice.id.as_str());
    // Tokens issued before the restart still work: the secret and the sessions were kept.
    again.get("/api/v1/auth/me", &alice.access_token).await.expect(200);
    again.stop().await;
    drop(data_dir);
}

/// `auth.failed_login_burst` wrong passwords for one username, then every login for it is
/// refused with 429 and `Retry-After` (before any hashing) until the per-minute rate gives one
/// back; other usernames are not affected.
async fn failed_logins_are_limited_per_username(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.auth.failed_login_burst = 3.0;
        config.auth.failed_logins_per_minute = 60.0;
    })
    .await;
    server.new_user("alice").await;
    server.new_user("bob").await;
    for _ in 0..3 {
        server
            .login("alice", "not her password")
            .await
            .expect_error(401, "invalid_credentials");
    }
    // Spent: even the right password waits, and the name's case does not matter.
    let refused = server.login("Alice", PASSWORD).await;
    refused.expect_error(429, "rate_limited");
    assert!(refused.headers.contains_key("retry-after"), "{:?}", refused.headers);
    server.login("bob", PASSWORD).await.expect(200);
    // One a second comes back.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    server.login("alice", PASSWORD).await.expect(200);
    server.stop().await;
}
