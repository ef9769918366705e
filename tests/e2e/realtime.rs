//! The WebSocket gateway with real clients: delivery to members only, edits, deletes, reactions,
//! typing, presence, membership changes while connected, idempotent sends, voice signalling,
//! resume after a cut, and the limits.

use std::collections::HashSet;

use hub_tests::ws::WsClient;
use hub_tests::{Backend, TestServer, TestUser};
use reqwest::Method;
use serde_json::{Value, json};

hub_tests::on_both_databases!(
    events_reach_members_only,
    edits_deletes_and_reactions_are_pushed,
    typing_goes_to_the_others,
    presence_follows_connections,
    joining_and_leaving_change_what_a_live_connection_gets,
    message_send_over_the_socket_is_idempotent,
    voice_signalling_reaches_only_the_named_peer,
    a_reconnecting_client_gets_every_missed_event_once,
    connection_limits_and_bad_frames,
    a_reader_that_never_reads_is_dropped_alone,
    silent_connections_time_out,
    resuming_past_the_window_asks_for_a_refetch,
    a_fast_sender_that_reads_is_never_closed_as_slow,
    sends_without_waiting_are_stored_in_the_order_sent,
    suspension_closes_open_connections,
    a_busy_connection_gets_events_in_shared_writes,
);

fn is_event(kind: &'static str, channel: &str) -> impl Fn(&Value) -> bool {
    let channel = channel.to_owned();
    move |frame: &Value| frame["type"] == kind && frame["channel_id"] == channel.as_str()
}

fn is_message(content: &str) -> impl Fn(&Value) -> bool {
    let content = content.to_owned();
    move |frame: &Value| frame["type"] == "message.created" && frame["message"]["content"] == content.as_str()
}

/// Three people: alice owns #general (bob is in it), carol is not; carol has her own #side.
async fn three_people(server: &TestServer) -> (TestUser, TestUser, TestUser, String, String) {
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let general = server.new_channel(&alice, "general", "public").await;
    server.join(&bob, &general).await;
    let side = server.new_channel(&carol, "side", "private").await;
    (alice, bob, carol, general, side)
}

async fn events_reach_members_only(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, bob, carol, general, side) = three_people(&server).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    let mut carol_socket = server.ws_connect(&carol.access_token).await;

    server.send_message(&alice, &general, "for members").await;
    let created = bob_socket.wait_for(is_message("for members")).await;
    assert_eq!(created["channel_id"], general.as_str());
    assert!(
        created["seq"].as_i64().is_some_and(|seq| seq > 0),
        "events carry their position"
    );

    // Carol's own channel is the barrier: the dispatcher delivers in publish order, so once she
    // has the later message, the earlier one would have reached her if it were for her.
    server.send_message(&carol, &side, "barrier").await;
    carol_socket.wait_for(is_message("barrier")).await;
    assert!(
        !carol_socket.saw(is_message("for members")),
        "a non-member got a channel's message"
    );
    assert!(!bob_socket.saw(is_message("barrier")));
    server.stop().await;
}

async fn edits_deletes_and_reactions_are_pushed(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, bob, _carol, general, _side) = three_people(&server).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    let message = server.send_message(&alice, &general, "first draft").await;
    let id = message["id"].as_str().unwrap();

    server
        .patch(
            &format!("/api/v1/messages/{id}"),
            &alice.access_token,
            json!({"content": "final"}),
        )
        .await
        .expect(200);
    let updated = bob_socket.wait_for(is_event("message.updated", &general)).await;
    assert_eq!(updated["message"]["content"], "final");

    server
        .bodiless(
            Method::PUT,
            &format!("/api/v1/messages/{id}/reactions/thumbsup"),
            &alice.access_token,
        )
        .await
        .expect(204);
    let reacted = bob_socket.wait_for(is_event("reaction.added", &general)).await;
    assert_eq!(reacted["emoji"], "thumbsup");
    assert_eq!(reacted["user_id"], alice.id.as_str());
    server
        .delete(
            &format!("/api/v1/messages/{id}/reactions/thumbsup"),
            &alice.access_token,
        )
        .await
        .expect(204);
    bob_socket.wait_for(is_event("reaction.removed", &general)).await;

    server
        .delete(&format!("/api/v1/messages/{id}"), &alice.access_token)
        .await
        .expect(204);
    let deleted = bob_socket.wait_for(is_event("message.deleted", &general)).await;
    assert_eq!(deleted["message_id"], id);

    // Positions only grow, one at a time.
    let seqs: Vec<i64> = bob_socket
        .received
        .iter()
        .filter(|frame| frame["channel_id"] == general.as_str())
        .filter_map(|frame| frame["seq"].as_i64())
        .collect();
    assert!(seqs.windows(2).all(|pair| pair[1] == pair[0] + 1), "{seqs:?}");
    server.stop().await;
}

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

async fn joining_and_leaving_change_what_a_live_connection_gets(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, _bob, carol, general, side) = three_people(&server).await;
    let mut carol_socket = server.ws_connect(&carol.access_token).await;

    server.join(&carol, &general).await;
    carol_socket.wait_for(is_event("member.joined", &general)).await;
    server.send_message(&alice, &general, "welcome carol").await;
    carol_socket.wait_for(is_message("welcome carol")).await;

    server
        .bodiless(
            Method::POST,
            &format!("/api/v1/channels/{general}/leave"),
            &carol.access_token,
        )
        .await
        .expect(204);
    let left = carol_socket.wait_for(is_event("member.left", &general)).await;
    assert_eq!(left["user_id"], carol.id.as_str());
    server.send_message(&alice, &general, "after carol left").await;
    server.send_message(&carol, &side, "barrier").await;
    carol_socket.wait_for(is_message("barrier")).await;
    assert!(!carol_socket.saw(is_message("after carol left")));
    server.stop().await;
}

async fn message_send_over_the_socket_is_idempotent(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, bob, _carol, general, _side) = three_people(&server).await;
    let mut alice_socket = server.ws_connect(&alice.access_token).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    let send = json!({"type": "message.send", "channel_id": general, "content": "once", "client_id": "tap-1"});

    alice_socket.send(send.clone()).await;
    let first = alice_socket.wait_for(|frame| frame["type"] == "ack").await;
    alice_socket.send(send).await;
    // Sends are acked from a task beside the connection: wait for the second ack itself.
    while alice_socket
        .received
        .iter()
        .filter(|frame| frame["type"] == "ack")
        .count()
        < 2
    {
        assert!(
            alice_socket.next_frame(hub_tests::ws::FRAME_TIMEOUT).await.is_some(),
            "the retry was not acked"
        );
    }
    let acks: Vec<&Value> = alice_socket
        .received
        .iter()
        .filter(|frame| frame["type"] == "ack")
        .collect();
    assert_eq!(acks.len(), 2, "each send is acked");
    let second = acks[1].clone();
    assert_eq!(first["client_id"], "tap-1");
    assert_eq!(
        first["message"]["id"], second["message"]["id"],
        "a retry acks the first message"
    );
    bob_socket.wait_for(is_message("once")).await;

    let history = server
        .get(&format!("/api/v1/channels/{general}/messages"), &bob.access_token)
        .await;
    let stored: Vec<&Value> = history
        .items()
        .iter()
        .filter(|item| item["content"] == "once")
        .collect();
    assert_eq!(stored.len(), 1);

    // A send that breaks a rule gets an error frame naming its client_id; the socket stays open.
    alice_socket
        .send(json!({"type": "message.send", "channel_id": general, "content": "   ", "client_id": "blank"}))
        .await;
    let refused = alice_socket.wait_for(|frame| frame["type"] == "error").await;
    assert_eq!(refused["code"], "invalid_input");
    assert_eq!(refused["ref"], "blank");
    alice_socket.send(json!({"type": "ping"})).await;
    alice_socket.wait_for(|frame| frame["type"] == "pong").await;
    server.stop().await;
}

async fn voice_signalling_reaches_only_the_named_peer(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, bob, carol, _general, _side) = three_people(&server).await;
    let room = server.new_channel(&alice, "standup", "voice").await;
    server.join(&bob, &room).await;
    server.join(&carol, &room).await;
    let mut alice_socket = server.ws_connect(&alice.access_token).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    let mut carol_socket = server.ws_connect(&carol.access_token).await;

    alice_socket
        .send(json!({"type": "voice.join", "channel_id": room}))
        .await;
    bob_socket
        .send(json!({"type": "voice.join", "channel_id": room, "muted": true}))
        .await;
    let both = carol_socket
        .wait_for(|frame| {
            frame["type"] == "voice.participants" && frame["participants"].as_array().is_some_and(|p| p.len() == 2)
        })
        .await;
    assert!(
        both["participants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["user_id"] == bob.id.as_str() && p["muted"] == true)
    );

    let offer = json!({"sdp": "v=0 offer", "kind": "offer"});
    alice_socket
        .send(json!({"type": "voice.signal", "channel_id": room, "to_user_id": bob.id, "signal": offer}))
        .await;
    let got_offer = bob_socket.wait_for(|frame| frame["type"] == "voice.signal").await;
    assert_eq!(got_offer["from_user_id"], alice.id.as_str());
    assert_eq!(got_offer["signal"], offer);
    let answer = json!({"sdp": "v=0 answer", "kind": "answer"});
    bob_socket
        .send(json!({"type": "voice.signal", "channel_id": room, "to_user_id": alice.id, "signal": answer}))
        .await;
    let got_answer = alice_socket.wait_for(|frame| frame["type"] == "voice.signal").await;
    assert_eq!(got_answer["signal"], answer);
    let candidate = json!({"candidate": "candidate:1 1 UDP 2130706431 10.0.0.1 5000 typ host"});
    alice_socket
        .send(json!({"type": "voice.signal", "channel_id": room, "to_user_id": bob.id, "signal": candidate}))
        .await;
    bob_socket
        .wait_for(|frame| frame["type"] == "voice.signal" && frame["signal"] == candidate)
        .await;

    // Carol is not in the call: she may not signal, and she saw no signal, only the participants.
    carol_socket
        .send(json!({"type": "voice.signal", "channel_id": room, "to_user_id": bob.id, "signal": {}}))
        .await;
    let refused = carol_socket.wait_for(|frame| frame["type"] == "error").await;
    assert_eq!(refused["code"], "forbidden");
    assert!(!carol_socket.saw(|frame| frame["type"] == "voice.signal"));
    let huge = json!({"sdp": "x".repeat(20_000)});
    alice_socket
        .send(json!({"type": "voice.signal", "channel_id": room, "to_user_id": bob.id, "signal": huge}))
        .await;
    let too_big = alice_socket.wait_for(|frame| frame["type"] == "error").await;
    assert_eq!(too_big["code"], "payload_too_large");

    // A closed connection leaves the call.
    drop(bob_socket);
    carol_socket
        .wait_for(|frame| {
            frame["type"] == "voice.participants" && frame["participants"].as_array().is_some_and(|p| p.len() == 1)
        })
        .await;
    server.stop().await;
}

async fn a_reconnecting_client_gets_every_missed_event_once(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, bob, _carol, general, _side) = three_people(&server).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    server.send_message(&alice, &general, "before the cut").await;
    let last_seen = bob_socket.wait_for(is_message("before the cut")).await["seq"]
        .as_i64()
        .unwrap();
    drop(bob_socket);

    let mut sent = Vec::new();
    for index in 0..100 {
        let message = server.send_message(&alice, &general, &format!("missed {index}")).await;
        sent.push(message["id"].as_str().unwrap().to_owned());
    }

    let mut again = WsClient::open(&server.ws_url(Some(&bob.access_token))).await;
    again.wait_for(|frame| frame["type"] == "hello").await;
    again
        .send(json!({"type": "resume", "positions": {general.clone(): last_seen}}))
        .await;
    let resumed = again.wait_for(|frame| frame["type"] == "resumed").await;
    assert_eq!(resumed["replayed"], 100);
    let replayed: Vec<String> = again
        .received
        .iter()
        .filter(|frame| frame["type"] == "message.created")
        .map(|frame| frame["message"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(replayed, sent, "all 100, in order, no duplicate");

    // Live events continue after the replay, without repeating it.
    server.send_message(&alice, &general, "live again").await;
    again.wait_for(is_message("live again")).await;
    let ids: Vec<&str> = again
        .received
        .iter()
        .filter_map(|frame| frame["message"]["id"].as_str())
        .collect();
    let unique: HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no event twice");
    server.stop().await;
}

async fn connection_limits_and_bad_frames(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.gateway.max_frame_bytes = 4096;
        config.gateway.messages_per_second = 2.0;
        config.gateway.messages_burst = 3.0;
    })
    .await;
    let (_alice, bob, _carol, general, _side) = three_people(&server).await;

    // No token, a bad token, and no auth frame: closed with 4001.
    let mut anonymous = WsClient::open(&server.ws_url(None)).await;
    anonymous.send(json!({"type": "ping"})).await;
    assert_eq!(anonymous.close_code().await, Some(4001));
    let mut forged = WsClient::open(&server.ws_url(Some("not-a-token"))).await;
    assert_eq!(forged.close_code().await, Some(4001));
    // An auth frame works as well as ?token=.
    let mut by_frame = WsClient::open(&server.ws_url(None)).await;
    by_frame.send(json!({"type": "auth", "token": bob.access_token})).await;
    by_frame.wait_for(|frame| frame["type"] == "hello").await;

    // Five connections per user (the one above is the first); the sixth is refused.
    let mut open = vec![by_frame];
    for _ in 0..4 {
        open.push(server.ws_connect(&bob.access_token).await);
    }
    let mut sixth = WsClient::open(&server.ws_url(Some(&bob.access_token))).await;
    assert_eq!(sixth.close_code().await, Some(4009));

    // A flood past the rate limit gets rate_limited error frames; the connection stays usable.
    let flooder = &mut open[1];
    for index in 0..10 {
        flooder
            .send(json!({"type": "message.send", "channel_id": general, "content": format!("flood {index}"), "client_id": format!("f{index}")}))
            .await;
    }
    let limited = flooder
        .wait_for(|frame| frame["type"] == "error" && frame["code"] == "rate_limited")
        .await;
    assert!(limited["retry_after_ms"].as_u64().is_some());
    flooder.send(json!({"type": "ping", "nonce": "still here"})).await;
    flooder.wait_for(|frame| frame["type"] == "pong").await;

    // A frame that is not JSON gets an error; one over the size limit closes with 1009.
    let talker = &mut open[2];
    talker.send_text("hello?".to_owned()).await.unwrap();
    let bad = talker.wait_for(|frame| frame["type"] == "error").await;
    assert_eq!(bad["code"], "invalid_json");
    let oversized = json!({"type": "typing", "channel_id": "x".repeat(8000)}).to_string();
    let _ = talker.send_text(oversized).await;
    assert_eq!(talker.close_code().await, Some(1009));

    // The other connections still work.
    let survivor = &mut open[3];
    survivor.send(json!({"type": "ping", "nonce": "ok"})).await;
    survivor.wait_for(|frame| frame["type"] == "pong").await;
    server.stop().await;
}

async fn a_reader_that_never_reads_is_dropped_alone(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.gateway.outgoing_queue_frames = 8;
        config.gateway.write_timeout_ms = 500;
        config.limits.max_message_length = 60_000;
    })
    .await;
    let (alice, bob, carol, general, _side) = three_people(&server).await;
    server.join(&carol, &general).await;
    let _sleeper = {
        // Connected and resumed, then never read from again.
        server.ws_connect(&bob.access_token).await
    };
    let mut reader = server.ws_connect(&carol.access_token).await;
    let gauge = |metrics: &str| hub_tests::metric_value(metrics, "hub_ws_connections");
    let metrics = server.metrics().await;
    assert_eq!(gauge(&metrics), Some(2));

    // About 12 MB of messages: more than the socket buffers and the queue hold.
    let big = "x".repeat(50_000);
    for index in 0..240 {
        let content = format!("{index} {big}");
        let reply = server
            .post(
                &format!("/api/v1/channels/{general}/messages"),
                &alice.access_token,
                json!({"content": content}),
            )
            .await;
        reply.expect(201);
        let seen = reader.wait_for(|frame| frame["type"] == "message.created").await;
        assert!(
            seen["message"]["content"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{index} "))
        );
    }
    // The sleeper was closed for being too slow; the reader got everything.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let metrics = server.metrics().await;
        if gauge(&metrics) == Some(1) {
            assert!(metrics.contains("hub_ws_closed_too_slow_total 1"), "{metrics}");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the slow reader was never dropped:\n{metrics}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    server.stop().await;
}

async fn silent_connections_time_out(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.gateway.heartbeat_interval_secs = 1;
        config.gateway.idle_timeout_secs = 1;
    })
    .await;
    let bob = server.new_user("bob").await;
    // Opened, authenticated by token, and then silent: not even answering pings, since this
    // client does not read until the end.
    let mut silent = WsClient::open(&server.ws_url(Some(&bob.access_token))).await;
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    assert_eq!(silent.close_code().await, Some(4003));
    server.stop().await;
}

async fn resuming_past_the_window_asks_for_a_refetch(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.gateway.resume_window_secs = 1;
        config.gateway.max_replay_events = 5;
    })
    .await;
    let (alice, bob, carol, general, _side) = three_people(&server).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    server.send_message(&alice, &general, "seen").await;
    let seen = bob_socket.wait_for(is_message("seen")).await["seq"].as_i64().unwrap();
    drop(bob_socket);

    // Too many missed in #general; too old in a channel Bob belongs to as well.
    for index in 0..6 {
        server.send_message(&alice, &general, &format!("missed {index}")).await;
    }
    let lounge = server.new_channel(&carol, "lounge", "public").await;
    server.join(&bob, &lounge).await;
    server.send_message(&carol, &lounge, "old news").await;
    let lounge_position = 0;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;

    let mut again = WsClient::open(&server.ws_url(Some(&bob.access_token))).await;
    again.wait_for(|frame| frame["type"] == "hello").await;
    again
        .send(json!({"type": "resume", "positions": {general.clone(): seen, lounge.clone(): lounge_position}}))
        .await;
    let resumed = again.wait_for(|frame| frame["type"] == "resumed").await;
    assert_eq!(resumed["replayed"], 0);
    for channel in [&general, &lounge] {
        assert!(
            again.saw(|frame| frame["type"] == "resync" && frame["channel_id"] == channel.as_str()),
            "no resync for {channel}: {:?}",
            again.received
        );
    }
    server.stop().await;
}

/// Regression: storing a connection's own sends must not stop it from writing what it is
/// sent, or senders that read at full speed in a busy channel overflow their own queues and are
/// closed with 4008.
async fn a_fast_sender_that_reads_is_never_closed_as_slow(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.gateway.outgoing_queue_frames = 16;
        config.gateway.messages_per_second = 10_000.0;
        config.gateway.messages_burst = 10_000.0;
    })
    .await;
    let owner = server.new_user("owner").await;
    let general = server.new_channel(&owner, "general", "public").await;
    let mut senders = Vec::new();
    for name in ["ann", "ben", "cat", "dan"] {
        let user = server.new_user(name).await;
        server.join(&user, &general).await;
        senders.push(server.ws_connect(&user.access_token).await);
    }
    // Every sender pipelines 50 sends, reading whatever has arrived as it goes (a client that
    // never reads fills its socket and is rightly closed as slow); each send reaches all four.
    for index in 0..50 {
        for (who, socket) in senders.iter_mut().enumerate() {
            socket
                .send(json!({"type": "message.send", "channel_id": general, "content": format!("{who}-{index}"), "client_id": format!("c{index}")}))
                .await;
        }
        for socket in senders.iter_mut() {
            while socket.next_frame(std::time::Duration::from_millis(1)).await.is_some() {}
        }
    }
    for (who, socket) in senders.iter_mut().enumerate() {
        while socket
            .received
            .iter()
            .filter(|frame| frame["type"] == "message.created")
            .count()
            < 200
        {
            let frame = socket.next_frame(hub_tests::ws::FRAME_TIMEOUT).await;
            assert!(
                frame.is_some(),
                "sender {who} was cut off after {} frames",
                socket.received.len()
            );
        }
        let order: Vec<&str> = socket
            .received
            .iter()
            .filter(|frame| frame["type"] == "ack")
            .filter_map(|frame| frame["client_id"].as_str())
            .collect();
        let expected: Vec<String> = (0..50).map(|index| format!("c{index}")).collect();
        assert_eq!(order, expected, "sender {who}: every send acked, in order");
    }
    server.stop().await;
}

/// A client that sends without waiting for acks: its sends are stored, acked and listed in the
/// order sent, though the gateway stores several of one connection's sends at once
/// (`gateway.sends_in_flight`).
async fn sends_without_waiting_are_stored_in_the_order_sent(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.gateway.messages_per_second = 10_000.0;
        config.gateway.messages_burst = 10_000.0;
    })
    .await;
    let alice = server.new_user("alice").await;
    let general = server.new_channel(&alice, "general", "public").await;
    let mut socket = server.ws_connect(&alice.access_token).await;
    const SENDS: usize = 100;
    for index in 0..SENDS {
        socket
            .send(json!({"type": "message.send", "channel_id": general, "content": format!("m{index}"), "client_id": format!("c{index}")}))
            .await;
    }
    while socket.received.iter().filter(|frame| frame["type"] == "ack").count() < SENDS {
        let frame = socket.next_frame(hub_tests::ws::FRAME_TIMEOUT).await;
        assert!(frame.is_some(), "cut off after {} frames", socket.received.len());
    }
    let acks: Vec<(String, i64)> = socket
        .received
        .iter()
        .filter(|frame| frame["type"] == "ack")
        .map(|frame| {
            (
                frame["client_id"].as_str().unwrap().to_owned(),
                frame["message"]["seq"].as_i64().unwrap(),
            )
        })
        .collect();
    let sent: Vec<String> = (0..SENDS).map(|index| format!("c{index}")).collect();
    let acked: Vec<String> = acks.iter().map(|(client_id, _)| client_id.clone()).collect();
    assert_eq!(acked, sent, "acks come in the order of the sends");
    assert!(
        acks.windows(2).all(|pair| pair[0].1 < pair[1].1),
        "each send is stored after the one sent before it: {acks:?}"
    );
    let page = server
        .get(
            &format!("/api/v1/channels/{general}/messages?limit={SENDS}"),
            &alice.access_token,
        )
        .await;
    page.expect(200);
    let mut listed: Vec<String> = page
        .items()
        .iter()
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .collect();
    listed.reverse();
    let contents: Vec<String> = (0..SENDS).map(|index| format!("m{index}")).collect();
    assert_eq!(listed, contents, "history lists them in the order sent");
    server.stop().await;
}

async fn suspension_closes_open_connections(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let admin = server.new_admin("boss").await;
    let bob = server.new_user("bob").await;
    let mut first = server.ws_connect(&bob.access_token).await;
    let mut second = server.ws_connect(&bob.access_token).await;
    server
        .bodiless(
            Method::POST,
            &format!("/api/v1/admin/users/{}/suspend", bob.id),
            &admin.access_token,
        )
        .await
        .expect(200);
    assert_eq!(first.close_code().await, Some(4004));
    assert_eq!(second.close_code().await, Some(4004));
    // And they cannot come back.
    let mut again = WsClient::open(&server.ws_url(Some(&bob.access_token))).await;
    assert_eq!(again.close_code().await, Some(4001));
    server.stop().await;
}

async fn a_busy_connection_gets_events_in_shared_writes(backend: Backend) {
    // One second between writes to a connection: everything sent within it shares one write.
    let server = TestServer::start_with(&backend, |config| config.gateway.flush_interval_us = 1_000_000).await;
    let (alice, bob, _carol, general, _side) = three_people(&server).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    let counter = |metrics: &str, name: &str| hub_tests::metric_value(metrics, name).unwrap_or(0);
    let before = server.metrics().await;

    for index in 0..10 {
        server.send_message(&alice, &general, &format!("burst {index}")).await;
    }
    for index in 0..10 {
        bob_socket.wait_for(is_message(&format!("burst {index}"))).await;
    }

    let after = server.metrics().await;
    let frames =
        counter(&after, "hub_ws_queued_frames_written_total") - counter(&before, "hub_ws_queued_frames_written_total");
    let flushes = counter(&after, "hub_ws_flushes_total") - counter(&before, "hub_ws_flushes_total");
    assert!(frames >= 10, "all ten events were written: {frames}");
    assert!(
        (1..=5).contains(&flushes),
        "ten events within a few flush intervals take a few writes, not ten: {flushes}"
    );
    server.stop().await;
}
