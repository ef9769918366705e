//! A socket lives no longer than the login session whose token opened it: logout, a
//! refresh-token reuse (the theft signal, which revokes the family) and a site admin's revoke
//! each close that session's sockets with 4005, and only that session's.

use hub_tests::{Backend, PASSWORD, TestServer};
use reqwest::Method;
use serde_json::json;

use super::{is_message, three_people};

hub_tests::on_both_databases!(
    logout_closes_the_sessions_sockets_and_no_other,
    a_reused_refresh_token_closes_the_familys_sockets,
    an_admins_revoke_closes_that_sessions_sockets,
);

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
