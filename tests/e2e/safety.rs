//! Consent and safety: chat availability and chat requests, block, and mute, as the people
//! involved see them over REST and the WebSocket.

use std::time::Duration;

use hub_core::model::ChatAvailability;
use hub_tests::ws::WsClient;
use hub_tests::{Backend, TestServer, TestUser};
use serde_json::{Value, json};

hub_tests::on_both_databases!(
    requests_availability_needs_an_accepted_chat_request,
    declined_cancelled_and_closed,
    a_blocked_person_cannot_reach_the_blocker,
    muted_content_is_absent_for_the_muter_only,
    mute_and_block_limits,
);

/// Reads what else arrives within a moment, so that a frame on its way is seen.
async fn drain(socket: &mut WsClient) {
    while socket.next_frame(Duration::from_millis(300)).await.is_some() {}
}

async fn with_requests(backend: &Backend) -> TestServer {
    TestServer::start_with(backend, |config| {
        config.safety.default_chat_availability = ChatAvailability::Requests;
        config.safety.max_mutes_and_blocks = 2;
    })
    .await
}

async fn ask(server: &TestServer, from: &TestUser, to: &TestUser) -> hub_tests::Reply {
    server
        .post(
            "/api/v1/chat-requests",
            &from.access_token,
            json!({"to_user_id": to.id, "message": "hi, can we talk?"}),
        )
        .await
}

async fn open_dm(server: &TestServer, from: &TestUser, to: &TestUser) -> hub_tests::Reply {
    server
        .post("/api/v1/dms", &from.access_token, json!({"user_ids": [to.id]}))
        .await
}

fn is_request(kind: &'static str, id: Value) -> impl Fn(&Value) -> bool {
    move |frame: &Value| frame["type"] == kind && frame["request"]["id"] == id
}

async fn requests_availability_needs_an_accepted_chat_request(backend: Backend) {
    let server = with_requests(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let me = server.get("/api/v1/users/me", &bob.access_token).await;
    assert_eq!(me.body["chat_availability"], "requests", "the default");

    open_dm(&server, &alice, &bob)
        .await
        .expect_error(403, "chat_request_required");
    let mut alice_socket = server.ws_connect(&alice.access_token).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    let asked = ask(&server, &alice, &bob).await;
    asked.expect(201);
    assert_eq!(asked.body["status"], "pending");
    let id = asked.body["id"].clone();
    let live = bob_socket
        .wait_for(is_request("chat_request.created", id.clone()))
        .await;
    assert_eq!(live["request"]["message"], "hi, can we talk?");
    alice_socket
        .wait_for(is_request("chat_request.created", id.clone()))
        .await;

    ask(&server, &alice, &bob).await.expect_error(409, "conflict");
    ask(&server, &bob, &alice).await.expect_error(409, "conflict");
    let incoming = server
        .get("/api/v1/chat-requests?status=pending", &bob.access_token)
        .await;
    assert_eq!(incoming.ids(), vec![id.as_str().unwrap().to_owned()]);
    let outgoing = server
        .get("/api/v1/chat-requests?direction=outgoing", &alice.access_token)
        .await;
    assert_eq!(outgoing.items().len(), 1);
    assert!(
        server
            .get("/api/v1/chat-requests", &alice.access_token)
            .await
            .items()
            .is_empty()
    );

    let accept = format!("/api/v1/chat-requests/{}/accept", id.as_str().unwrap());
    server
        .post(&accept, &alice.access_token, json!({}))
        .await
        .expect_error(403, "forbidden");
    server
        .post(&accept, &carol.access_token, json!({}))
        .await
        .expect_error(404, "not_found");
    let conversation = server.post(&accept, &bob.access_token, json!({})).await;
    conversation.expect(200);
    assert_eq!(conversation.body["kind"], "dm");
    let channel = conversation.body["id"].clone();
    let accepted = alice_socket
        .wait_for(is_request("chat_request.accepted", id.clone()))
        .await;
    assert_eq!(accepted["request"]["channel_id"], channel);
    bob_socket.wait_for(is_request("chat_request.accepted", id)).await;
    server
        .post(&accept, &bob.access_token, json!({}))
        .await
        .expect_error(409, "conflict");

    let again = open_dm(&server, &alice, &bob).await;
    again.expect(200);
    assert_eq!(again.body["id"], channel, "the same conversation");
    server
        .post(
            &format!("/api/v1/channels/{}/messages", channel.as_str().unwrap()),
            &alice.access_token,
            json!({"content": "thanks for accepting"}),
        )
        .await
        .expect(201);
    server.stop().await;
}

async fn declined_cancelled_and_closed(backend: Backend) {
    let server = with_requests(&backend).await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let dave = server.new_user("dave").await;
    let eve = server.new_user("eve").await;

    let asked = ask(&server, &carol, &bob).await;
    let declined = server
        .post(
            &format!("/api/v1/chat-requests/{}/decline", asked.body["id"].as_str().unwrap()),
            &bob.access_token,
            json!({}),
        )
        .await;
    declined.expect(200);
    assert_eq!(declined.body["status"], "declined");
    let too_soon = ask(&server, &carol, &bob).await;
    too_soon.expect_error(429, "rate_limited");
    assert!(too_soon.headers.contains_key("retry-after"));
    open_dm(&server, &carol, &bob)
        .await
        .expect_error(403, "chat_request_required");

    let asked = ask(&server, &dave, &bob).await;
    let id = asked.body["id"].as_str().unwrap();
    server
        .post(
            &format!("/api/v1/chat-requests/{id}/cancel"),
            &bob.access_token,
            json!({}),
        )
        .await
        .expect_error(403, "forbidden");
    let cancelled = server
        .post(
            &format!("/api/v1/chat-requests/{id}/cancel"),
            &dave.access_token,
            json!({}),
        )
        .await;
    assert_eq!(cancelled.body["status"], "cancelled");
    server
        .post(
            &format!("/api/v1/chat-requests/{id}/accept"),
            &bob.access_token,
            json!({}),
        )
        .await
        .expect_error(409, "conflict");
    ask(&server, &dave, &bob).await.expect(201);

    // Closed: nobody new, by request or directly; open: anyone.
    let closed = server
        .patch(
            "/api/v1/users/me",
            &bob.access_token,
            json!({"chat_availability": "closed"}),
        )
        .await;
    closed.expect(200);
    assert_eq!(closed.body["chat_availability"], "closed");
    ask(&server, &eve, &bob).await.expect_error(403, "chat_closed");
    open_dm(&server, &eve, &bob).await.expect_error(403, "chat_closed");
    server
        .patch(
            "/api/v1/users/me",
            &bob.access_token,
            json!({"chat_availability": "open"}),
        )
        .await
        .expect(200);
    open_dm(&server, &eve, &bob).await.expect(201);
    let bad = server
        .patch(
            "/api/v1/users/me",
            &bob.access_token,
            json!({"chat_availability": "sometimes"}),
        )
        .await;
    bad.expect_error(422, "invalid_input");
    server.stop().await;
}

async fn a_blocked_person_cannot_reach_the_blocker(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let general = server.new_channel(&carol, "general", "public").await;
    server.join(&alice, &general).await;
    server.join(&bob, &general).await;
    let dm = open_dm(&server, &alice, &bob).await;
    let dm = dm.body["id"].as_str().unwrap().to_owned();
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    let mut carol_socket = server.ws_connect(&carol.access_token).await;

    server
        .put(
            &format!("/api/v1/users/me/blocks/{}", alice.id),
            &bob.access_token,
            json!({}),
        )
        .await
        .expect(204);
    let blocks = server.get("/api/v1/users/me/blocks", &bob.access_token).await;
    assert_eq!(blocks.items()[0]["user"]["id"], alice.id.as_str());
    let dm_messages = format!("/api/v1/channels/{dm}/messages");
    for (who, text) in [(&alice, "are you there?"), (&bob, "one more thing")] {
        server
            .post(&dm_messages, &who.access_token, json!({"content": text}))
            .await
            .expect_error(403, "blocked");
    }
    let mut alice_socket = server.ws_connect(&alice.access_token).await;
    alice_socket
        .send(json!({"type": "message.send", "channel_id": dm, "content": "over the socket", "client_id": "b1"}))
        .await;
    let refused = alice_socket
        .wait_for(|frame| frame["type"] == "error" && frame["ref"] == "b1")
        .await;
    assert_eq!(refused["code"], "blocked");
    open_dm(&server, &alice, &bob).await.expect_error(403, "blocked");
    ask(&server, &alice, &bob).await.expect_error(403, "blocked");

    // Presence and typing: Carol sees Alice's, Bob does not.
    carol_socket
        .wait_for(|frame| frame["type"] == "presence" && frame["user_id"] == alice.id.as_str())
        .await;
    alice_socket
        .send(json!({"type": "typing", "channel_id": general}))
        .await;
    carol_socket
        .wait_for(|frame| frame["type"] == "typing" && frame["user_id"] == alice.id.as_str())
        .await;
    // A mention across a block is plain text: no mention for Bob; Carol's counts.
    let mention = server.send_message(&alice, &general, "@bob @carol look at this").await;
    carol_socket
        .wait_for(|frame| frame["type"] == "message.created" && frame["message"]["id"] == mention["id"])
        .await;
    drain(&mut bob_socket).await;
    assert!(
        !bob_socket.saw(|frame| frame["user_id"] == alice.id.as_str()),
        "no presence or typing of Alice reached Bob"
    );
    assert!(
        !bob_socket.saw(|frame| frame["message"]["id"] == mention["id"]),
        "Alice's message did not reach Bob live"
    );
    assert!(
        server
            .get("/api/v1/mentions", &bob.access_token)
            .await
            .items()
            .is_empty()
    );
    assert_eq!(
        server.get("/api/v1/mentions", &carol.access_token).await.items().len(),
        1
    );
    assert_eq!(server.my_channel(&bob, &general).await["mention_count"], 0);
    let bob_history = server
        .get(&format!("/api/v1/channels/{general}/messages"), &bob.access_token)
        .await;
    assert!(bob_history.items().iter().all(|m| m["author_id"] != alice.id.as_str()));
    // Both ways: Alice does not see Bob's messages either.
    server.send_message(&bob, &general, "bob speaking").await;
    let alice_history = server
        .get(&format!("/api/v1/channels/{general}/messages"), &alice.access_token)
        .await;
    assert!(alice_history.items().iter().all(|m| m["author_id"] != bob.id.as_str()));

    // Unblocking lets the conversation go on.
    server
        .delete(&format!("/api/v1/users/me/blocks/{}", alice.id), &bob.access_token)
        .await
        .expect(204);
    server
        .post(&dm_messages, &alice.access_token, json!({"content": "friends again"}))
        .await
        .expect(201);
    server.stop().await;
}

async fn muted_content_is_absent_for_the_muter_only(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let general = server.new_channel(&alice, "general", "public").await;
    server.join(&bob, &general).await;
    server.join(&carol, &general).await;
    let before = server.send_message(&bob, &general, "before the mute").await;
    let mut alice_socket = server.ws_connect(&alice.access_token).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    let mut carol_socket = server.ws_connect(&carol.access_token).await;
    server
        .put(
            &format!("/api/v1/users/me/mutes/{}", carol.id),
            &alice.access_token,
            json!({}),
        )
        .await
        .expect(204);

    let muted = server.send_message(&carol, &general, "@alice from carol").await;
    let after = server.send_message(&bob, &general, "after").await;
    let is_message = |message: &Value| {
        let id = message["id"].clone();
        move |frame: &Value| frame["type"] == "message.created" && frame["message"]["id"] == id
    };
    bob_socket.wait_for(is_message(&muted)).await;
    alice_socket.wait_for(is_message(&after)).await;
    assert!(!alice_socket.saw(is_message(&muted)), "live: absent for the muter");

    // History, mentions and counts.
    let history = |user: &TestUser| {
        let path = format!("/api/v1/channels/{general}/messages");
        let token = user.access_token.clone();
        let server = &server;
        async move { server.get(&path, &token).await.ids() }
    };
    let muted_id = muted["id"].as_str().unwrap().to_owned();
    assert!(!history(&alice).await.contains(&muted_id));
    assert!(history(&bob).await.contains(&muted_id));
    assert!(
        server
            .get("/api/v1/mentions", &alice.access_token)
            .await
            .items()
            .is_empty()
    );
    let mine = server.my_channel(&alice, &general).await;
    assert_eq!(mine["mention_count"], 0);
    assert_eq!(mine["unread_count"], 2, "Bob's two messages, not Carol's: {mine}");

    // Resume replay leaves it out too.
    drop(alice_socket);
    let seq = before["seq"].as_i64().unwrap();
    let again = server
        .ws_resume(&alice.access_token, json!({general.clone(): seq}))
        .await;
    assert!(again.saw(is_message(&after)));
    assert!(!again.saw(is_message(&muted)), "replay: absent for the muter");

    // A thread started by Carol stays reachable; her replies in Bob's thread are left out.
    let thread = server
        .post(
            &format!("/api/v1/channels/{general}/messages"),
            &bob.access_token,
            json!({"content": "thread", "parent_id": muted["id"]}),
        )
        .await;
    thread.expect(201);
    let carols_thread = server
        .get(&format!("/api/v1/messages/{muted_id}/thread"), &alice.access_token)
        .await;
    carols_thread.expect(200);
    assert_eq!(carols_thread.items().len(), 1, "Bob's reply");
    let bobs = server.send_message(&bob, &general, "bob's question").await;
    server
        .post(
            &format!("/api/v1/channels/{general}/messages"),
            &carol.access_token,
            json!({"content": "carol answers", "parent_id": bobs["id"]}),
        )
        .await
        .expect(201);
    let bobs_thread = server
        .get(
            &format!("/api/v1/messages/{}/thread", bobs["id"].as_str().unwrap()),
            &alice.access_token,
        )
        .await;
    assert!(bobs_thread.items().is_empty(), "{}", bobs_thread.body);

    // Carol is not told, and others are not affected.
    drain(&mut carol_socket).await;
    assert!(!carol_socket.saw(|frame| frame["type"].as_str().is_some_and(|kind| kind.contains("mute"))));
    assert!(
        server
            .get("/api/v1/users/me/mutes", &carol.access_token)
            .await
            .items()
            .is_empty()
    );
    let mutes = server.get("/api/v1/users/me/mutes", &alice.access_token).await;
    assert_eq!(mutes.items()[0]["user"]["username"], "carol");

    server
        .delete(&format!("/api/v1/users/me/mutes/{}", carol.id), &alice.access_token)
        .await
        .expect(204);
    assert!(history(&alice).await.contains(&muted_id), "unmuted: back in history");
    server.stop().await;
}

async fn mute_and_block_limits(backend: Backend) {
    let server = with_requests(&backend).await;
    let alice = server.new_user("alice").await;
    let others = [
        server.new_user("b1").await,
        server.new_user("b2").await,
        server.new_user("b3").await,
    ];
    let mute = |user: &TestUser| format!("/api/v1/users/me/mutes/{}", user.id);
    server
        .put(&mute(&others[0]), &alice.access_token, json!({}))
        .await
        .expect(204);
    server
        .put(&mute(&others[0]), &alice.access_token, json!({}))
        .await
        .expect(204);
    server
        .put(&mute(&others[1]), &alice.access_token, json!({}))
        .await
        .expect(204);
    let over = server.put(&mute(&others[2]), &alice.access_token, json!({})).await;
    over.expect_error(422, "invalid_input");
    assert_eq!(over.body["error"]["details"]["max_mutes_and_blocks"], 2);
    server
        .put(&mute(&alice), &alice.access_token, json!({}))
        .await
        .expect_error(422, "invalid_input");
    server
        .put(
            &format!("/api/v1/users/me/blocks/{}", alice.id),
            &alice.access_token,
            json!({}),
        )
        .await
        .expect_error(422, "invalid_input");
    server
        .put("/api/v1/users/me/blocks/nobody", &alice.access_token, json!({}))
        .await
        .expect_error(404, "not_found");
    // Blocks have a bound of their own.
    server
        .put(
            &format!("/api/v1/users/me/blocks/{}", others[2].id),
            &alice.access_token,
            json!({}),
        )
        .await
        .expect(204);
    server.stop().await;
}
