//! A socket lives no longer than the login session whose token opened it: logout, a
//! refresh-token reuse (the theft signal, which revokes the family) and a site admin's revoke
//! each close that session's sockets with 4005, and only that session's. Nor longer than its
//! token: an expired one closes it with 4006 after a grace, unless an `auth` frame brought a
//! fresh token of the same session.

use hub_tests::{Backend, PASSWORD, TestServer};
use reqwest::Method;
use serde_json::json;

use super::{is_message, three_people};

hub_tests::on_both_databases!(
    logout_closes_the_sessions_sockets_and_no_other,
    a_reused_refresh_token_closes_the_familys_sockets,
    an_admins_revoke_closes_that_sessions_sockets,
    an_expired_token_closes_its_socket_after_the_grace,
    a_fresh_token_in_an_auth_frame_keeps_the_socket_open,
    the_sdks_set_token_keeps_its_session_open,
    a_password_change_ends_every_session,
);

/// Access tokens that live two seconds, and one second of grace after.
async fn short_tokens(backend: &Backend) -> TestServer {
    TestServer::start_with(backend, |config| {
        config.auth.access_token_ttl_secs = 2;
        config.gateway.token_grace_secs = 1;
    })
    .await
}

async fn an_expired_token_closes_its_socket_after_the_grace(backend: Backend) {
    let server = short_tokens(&backend).await;
    let bob = server.new_user("bob").await;
    let opened = std::time::Instant::now();
    let mut socket = server.ws_connect(&bob.access_token).await;
    assert_eq!(socket.close_code().await, Some(4006), "closed for the expired token");
    // The token had at least a second left when issued (its `exp` is in whole seconds),
    // and the grace is one more.
    assert!(
        opened.elapsed() >= std::time::Duration::from_secs(1),
        "closed before the token expired and the grace was over"
    );
    server.stop().await;
}

async fn a_fresh_token_in_an_auth_frame_keeps_the_socket_open(backend: Backend) {
    let server = short_tokens(&backend).await;
    let (alice, bob, _, general, _) = three_people(&server).await;
    let mut socket = server.ws_connect(&bob.access_token).await;
    // Another user's token does not take the connection over.
    socket.send(json!({"type": "auth", "token": alice.access_token})).await;
    let refused = socket
        .wait_for(|frame| frame["type"] == "error" && frame["ref"] == "auth")
        .await;
    assert_eq!(refused["code"], "invalid_input", "{refused}");
    // Bob's own session, refreshed, twice over the old token's lifetime plus its grace.
    let mut refresh_token = bob.refresh_token.clone();
    for _ in 0..3 {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let renewed = server
            .post_anon("/api/v1/auth/refresh", json!({"refresh_token": refresh_token}))
            .await;
        renewed.expect(200);
        refresh_token = renewed.body["refresh_token"].as_str().unwrap().to_owned();
        let access = renewed.body["access_token"].as_str().unwrap().to_owned();
        socket.send(json!({"type": "auth", "token": access})).await;
    }
    // 4.5 s after opening, past the first token's expiry and grace: still delivered to.
    server.send_message(&alice, &general, "still with us").await;
    socket.wait_for(is_message("still with us")).await;
    assert!(
        !socket.saw(|frame| frame["type"] == "error" && frame["code"] != "invalid_input"),
        "a fresh token was refused"
    );
    server.stop().await;
}

async fn logout_closes_the_sessions_sockets_and_no_other(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, bob, _, general, _) = three_people(&server).await;
    // Bob signed in twice: his phone (the registration's session) and his laptop.
    let laptop = server.login("bob", PASSWORD).await;
    laptop.expect(200);
    let laptop_token = laptop.body["access_token"].as_str().unwrap().to_owned();
    let mut phone = server.ws_connect(&bob.access_token).await;
    let mut laptop_socket = server.ws_connect(&laptop_token).await;

    server
        .post_anon("/api/v1/auth/logout", json!({"refresh_token": bob.refresh_token}))
        .await
        .expect(204);
    assert_eq!(phone.close_code().await, Some(4005), "the phone's session ended");
    // The laptop's session goes on: it still hears the channel.
    server.send_message(&alice, &general, "still there?").await;
    laptop_socket.wait_for(is_message("still there?")).await;
    server.stop().await;
}

async fn a_reused_refresh_token_closes_the_familys_sockets(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let bob = server.new_user("bob").await;
    let mut socket = server.ws_connect(&bob.access_token).await;
    let refresh = json!({"refresh_token": bob.refresh_token});
    server
        .post_anon("/api/v1/auth/refresh", refresh.clone())
        .await
        .expect(200);
    // The same refresh token again: a stolen copy. The family is revoked, its socket closed.
    server
        .post_anon("/api/v1/auth/refresh", refresh)
        .await
        .expect_error(401, "refresh_token_reused");
    assert_eq!(socket.close_code().await, Some(4005));
    server.stop().await;
}

async fn an_admins_revoke_closes_that_sessions_sockets(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let admin = server.new_admin("boss").await;
    let bob = server.new_user("bob").await;
    let mut socket = server.ws_connect(&bob.access_token).await;
    let sessions_path = format!("/api/v1/admin/users/{}/sessions", bob.id);
    let sessions = server.get(&sessions_path, &admin.access_token).await;
    let session = sessions.body[0]["id"].as_str().unwrap().to_owned();
    server
        .call(
            Method::DELETE,
            &format!("{sessions_path}/{session}?reason=lost%20phone"),
            Some(&admin.access_token),
            None,
        )
        .await
        .expect(204);
    assert_eq!(socket.close_code().await, Some(4005));
    server.stop().await;
}

async fn the_sdks_set_token_keeps_its_session_open(backend: Backend) {
    use hub_core::client::{Client, SessionEvent, SessionOptions};
    use hub_core::protocol::v1::{ChannelEvent, ServerFrame};
    let server = short_tokens(&backend).await;
    let (alice, bob, _, general, _) = three_people(&server).await;
    let mut client = Client::new(&server.base)
        .expect("client")
        .with_token(bob.access_token.clone());
    let mut session = client
        .connect_session(SessionOptions {
            max_reconnect_attempts: Some(0),
            ..SessionOptions::default()
        })
        .await
        .expect("connected");
    let mut refresh_token = bob.refresh_token.clone();
    for _ in 0..3 {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let tokens = client.refresh(&refresh_token).await.expect("refreshed");
        refresh_token = tokens.refresh_token;
        session.set_token(&tokens.access_token);
    }
    server.send_message(&alice, &general, "over the renewed session").await;
    let arrived = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while let Some(event) = session.next().await {
            match event {
                SessionEvent::Frame(ServerFrame::Event(stored)) => {
                    if let ChannelEvent::MessageCreated { message } = stored.event
                        && message.content == "over the renewed session"
                    {
                        return Ok(());
                    }
                }
                SessionEvent::Disconnected { code, reason } | SessionEvent::Closed { code, reason } => {
                    return Err(format!("the session dropped: {code:?} {reason}"));
                }
                _ => {}
            }
        }
        Err("the session ended".to_owned())
    })
    .await
    .expect("in time");
    assert_eq!(arrived, Ok(()), "set_token kept the one connection open");
    server.stop().await;
}

async fn a_password_change_ends_every_session(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let bob = server.new_user("bob").await;
    let laptop = server.login("bob", PASSWORD).await;
    laptop.expect(200);
    let laptop_refresh = laptop.body["refresh_token"].as_str().unwrap().to_owned();
    let laptop_token = laptop.body["access_token"].as_str().unwrap().to_owned();
    let mut phone_socket = server.ws_connect(&bob.access_token).await;
    let mut laptop_socket = server.ws_connect(&laptop_token).await;
    let new_password = "a brand new staple for the horse";

    // The current password is checked, and the new one must meet the policy.
    let wrong = server
        .put(
            "/api/v1/users/me/password",
            &bob.access_token,
            json!({"current_password": "not it", "new_password": new_password}),
        )
        .await;
    wrong.expect_error(401, "invalid_credentials");
    assert_eq!(wrong.field(), "current_password");
    let weak = server
        .put(
            "/api/v1/users/me/password",
            &bob.access_token,
            json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await;
    weak.expect_error(422, "weak_password");
    assert_eq!(weak.field(), "new_password");

    let changed = server
        .put(
            "/api/v1/users/me/password",
            &bob.access_token,
            json!({"current_password": PASSWORD, "new_password": new_password}),
        )
        .await;
    changed.expect(200);
    // Both sessions ended: their sockets close, their refresh tokens are dead.
    assert_eq!(phone_socket.close_code().await, Some(4005));
    assert_eq!(laptop_socket.close_code().await, Some(4005));
    server
        .post_anon("/api/v1/auth/refresh", json!({"refresh_token": laptop_refresh}))
        .await
        .expect_error(401, "invalid_token");
    // The old password no longer signs in; the new one does, and so does the new session.
    server
        .login("bob", PASSWORD)
        .await
        .expect_error(401, "invalid_credentials");
    server.login("bob", new_password).await.expect(200);
    let fresh = changed.body["access_token"].as_str().unwrap();
    server.get("/api/v1/users/me", fresh).await.expect(200);
    server.stop().await;
}
