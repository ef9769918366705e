//! Typing, presence and read markers, set over the socket or over REST alike.

use hub_tests::{Backend, TestServer};
use serde_json::{Value, json};

use super::three_people;

hub_tests::on_both_databases!(
    typing_goes_to_the_others,
    presence_follows_connections,
    a_status_set_over_rest_is_announced_like_presence_set,
    a_read_marker_moved_over_rest_reaches_the_readers_other_connections,
);

async fn typing_goes_to_the_others(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, bob, carol, general, _side) = three_people(&server).await;
    let mut alice_socket = server.ws_connect(&alice.access_token).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    let mut carol_socket = server.ws_connect(&carol.access_token).await;

    alice_socket
        .send(json!({"type": "typing", "channel_id": general}))
        .await;
    let typing = bob_socket.wait_for(|frame| frame["type"] == "typing").await;
    assert_eq!(typing["user_id"], alice.id.as_str());
    assert!(typing["expires_in_ms"].as_u64().is_some_and(|ms| ms > 0));

    // Carol is no member: typing in #general is refused for her, and she heard nothing.
    carol_socket
        .send(json!({"type": "typing", "channel_id": general}))
        .await;
    let refused = carol_socket.wait_for(|frame| frame["type"] == "error").await;
    assert_eq!(refused["code"], "forbidden");
    assert!(!carol_socket.saw(|frame| frame["type"] == "typing"));
    // The typist does not hear themselves: Bob's typing, relayed after Alice's through the same
    // bus, reaches her, and nothing came before it.
    bob_socket.send(json!({"type": "typing", "channel_id": general})).await;
    let first = alice_socket.wait_for(|frame| frame["type"] == "typing").await;
    assert_eq!(first["user_id"], bob.id.as_str(), "the typist heard their own typing");
    server.stop().await;
}

async fn presence_follows_connections(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, bob, _carol, _general, _side) = three_people(&server).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;

    let alice_socket = server.ws_connect(&alice.access_token).await;
    let online = bob_socket
        .wait_for(|frame| frame["type"] == "presence" && frame["user_id"] == alice.id.as_str())
        .await;
    assert_eq!(online["status"], "online");
    let seen = server
        .get(&format!("/api/v1/users/{}", alice.id), &bob.access_token)
        .await;
    assert_eq!(seen.body["status"], "online", "REST shows presence too");

    drop(alice_socket);
    let offline = bob_socket
        .wait_for(|frame| {
            frame["type"] == "presence" && frame["user_id"] == alice.id.as_str() && frame["status"] == "offline"
        })
        .await;
    assert!(offline["last_seen_at"].is_string(), "{offline}");
    let seen = server
        .get(&format!("/api/v1/users/{}", alice.id), &bob.access_token)
        .await;
    assert_eq!(seen.body["status"], "offline");
    assert!(seen.body["last_seen_at"].is_string());

    // Away while connected.
    let mut alice_socket = server.ws_connect(&alice.access_token).await;
    alice_socket
        .send(json!({"type": "presence.set", "status": "away"}))
        .await;
    bob_socket
        .wait_for(|frame| {
            frame["type"] == "presence" && frame["user_id"] == alice.id.as_str() && frame["status"] == "away"
        })
        .await;
    server.stop().await;
}

/// `PUT /users/me/status` is the same use case as `presence.set`: the people who share a channel
/// with the user hear it live.
async fn a_status_set_over_rest_is_announced_like_presence_set(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, bob, _carol, _general, _side) = three_people(&server).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    // Alice's front end keeps a socket open and sets her status over REST.
    let _alice_socket = server.ws_connect(&alice.access_token).await;
    bob_socket
        .wait_for(|frame| frame["type"] == "presence" && frame["user_id"] == alice.id.as_str())
        .await;

    let reply = server
        .put(
            "/api/v1/users/me/status",
            &alice.access_token,
            json!({"status": "busy"}),
        )
        .await;
    reply.expect(200);
    let busy = bob_socket
        .wait_for(|frame| {
            frame["type"] == "presence" && frame["user_id"] == alice.id.as_str() && frame["status"] == "busy"
        })
        .await;
    assert!(busy.get("last_seen_at").is_some(), "{busy}");
    server.stop().await;
}

/// `POST /channels/{id}/read` is the same use case as the `read` frame: every open connection
/// of the reader moves its marker (over the socket, all but the one that sent the frame).
async fn a_read_marker_moved_over_rest_reaches_the_readers_other_connections(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, bob, _carol, general, _side) = three_people(&server).await;
    let first = server.send_message(&alice, &general, "first").await;
    let second = server.send_message(&alice, &general, "second").await;
    let mut phone = server.ws_connect(&bob.access_token).await;
    let mut laptop = server.ws_connect(&bob.access_token).await;
    let read_to = |message: &Value| {
        let (channel, message) = (general.clone(), message["id"].clone());
        move |frame: &Value| {
            frame["type"] == "read.updated" && frame["channel_id"] == channel.as_str() && frame["message_id"] == message
        }
    };

    server
        .post(
            &format!("/api/v1/channels/{general}/read"),
            &bob.access_token,
            json!({"message_id": first["id"]}),
        )
        .await
        .expect(204);
    phone.wait_for(read_to(&first)).await;
    laptop.wait_for(read_to(&first)).await;

    phone
        .send(json!({"type": "read", "channel_id": general, "message_id": second["id"]}))
        .await;
    laptop.wait_for(read_to(&second)).await;
    // The phone sent it and is not told; whatever was on its way has arrived by now.
    phone.send(json!({"type": "ping", "nonce": "after read"})).await;
    phone.wait_for(|frame| frame["type"] == "pong").await;
    while phone.next_frame(std::time::Duration::from_millis(300)).await.is_some() {}
    assert!(
        !phone.saw(read_to(&second)),
        "the connection that moved the marker is not told"
    );
    let unread = server.my_channel(&bob, &general).await;
    assert_eq!(unread["unread_count"], 0, "{unread}");
    server.stop().await;
}
