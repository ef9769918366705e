//! Voice signalling between the participants of a call.

use hub_tests::{Backend, TestServer};
use serde_json::json;

use super::three_people;

hub_tests::on_both_databases!(
    voice_signalling_reaches_only_the_named_peer,
    a_kicked_or_banned_participant_leaves_the_call_and_cannot_signal,
    a_calls_lists_arrive_in_the_order_it_changed,
);

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

fn has_participants(room: &str, count: usize) -> impl Fn(&serde_json::Value) -> bool {
    let room = room.to_owned();
    move |frame: &serde_json::Value| {
        frame["type"] == "voice.participants"
            && frame["channel_id"] == room.as_str()
            && frame["participants"].as_array().is_some_and(|p| p.len() == count)
    }
}

/// #16, finding 2: the call list followed the socket, not the membership, so a kicked or banned
/// member stayed listed and could go on signalling.
async fn a_kicked_or_banned_participant_leaves_the_call_and_cannot_signal(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, bob, carol, _general, _side) = three_people(&server).await;
    let room = server.new_channel(&alice, "standup", "voice").await;
    server.join(&bob, &room).await;
    server.join(&carol, &room).await;
    let mut alice_socket = server.ws_connect(&alice.access_token).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    let mut carol_socket = server.ws_connect(&carol.access_token).await;
    for socket in [&mut alice_socket, &mut bob_socket, &mut carol_socket] {
        socket.send(json!({"type": "voice.join", "channel_id": room})).await;
    }
    alice_socket.wait_for(has_participants(&room, 3)).await;

    // Alice (the owner) kicks bob: the call lists two, and bob's signal is refused, not relayed.
    server
        .delete(
            &format!("/api/v1/channels/{room}/members/{}?reason=noise", bob.id),
            &alice.access_token,
        )
        .await
        .expect(204);
    let two = alice_socket.wait_for(has_participants(&room, 2)).await;
    assert!(
        !two["participants"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["user_id"] == bob.id.as_str())),
        "bob is still listed: {two}"
    );
    bob_socket
        .send(json!({"type": "voice.signal", "channel_id": room, "to_user_id": alice.id, "signal": {"sdp": "kicked"}}))
        .await;
    let refused = bob_socket.wait_for(|frame| frame["type"] == "error").await;
    assert_eq!(refused["code"], "forbidden", "{refused}");

    // A ban does the same for carol.
    server
        .put(
            &format!("/api/v1/channels/{room}/bans/{}", carol.id),
            &alice.access_token,
            json!({"reason": "trolling"}),
        )
        .await
        .expect(200);
    alice_socket.wait_for(has_participants(&room, 1)).await;
    carol_socket
        .send(json!({"type": "voice.signal", "channel_id": room, "to_user_id": alice.id, "signal": {"sdp": "banned"}}))
        .await;
    let refused = carol_socket.wait_for(|frame| frame["type"] == "error").await;
    assert!(
        refused["code"] == "forbidden" || refused["code"] == "not_found",
        "{refused}"
    );
    assert!(
        !alice_socket.saw(|frame| frame["type"] == "voice.signal"),
        "no signal from the removed reached alice"
    );
    server.stop().await;
}

/// Lists of one call made together raced to the bus, so a member could see an older list last
/// (a caller missing who had joined). Eight join at once: the lists a member watches only grow,
/// and their versions with them.
async fn a_calls_lists_arrive_in_the_order_it_changed(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let owner = server.new_user("owner").await;
    let room = server.new_channel(&owner, "standup", "voice").await;
    let mut watching = server.ws_connect(&owner.access_token).await;
    let mut callers = Vec::new();
    for n in 0..8 {
        let caller = server.new_user(&format!("caller{n}")).await;
        server.join(&caller, &room).await;
        callers.push(server.ws_connect(&caller.access_token).await);
    }
    for socket in &mut callers {
        socket.send(json!({"type": "voice.join", "channel_id": room})).await;
    }
    watching.wait_for(has_participants(&room, 8)).await;
    // One more change, after all of them: every list made before it arrives before it.
    callers[0]
        .send(json!({"type": "voice.join", "channel_id": room, "muted": true}))
        .await;
    watching
        .wait_for(|frame| {
            has_participants(&room, 8)(frame)
                && frame["participants"]
                    .as_array()
                    .is_some_and(|p| p.iter().any(|p| p["muted"] == true))
        })
        .await;
    let lists: Vec<(i64, usize)> = watching
        .received
        .iter()
        .filter(|frame| frame["type"] == "voice.participants")
        .filter_map(|frame| Some((frame["version"].as_i64()?, frame["participants"].as_array()?.len())))
        .collect();
    assert_eq!(lists.len(), 9, "every list carries its version: {lists:?}");
    assert!(
        lists.windows(2).all(|pair| pair[0].1 <= pair[1].1),
        "a list arrived after a newer one: {lists:?}"
    );
    assert!(
        lists.windows(2).all(|pair| pair[0].0 < pair[1].0),
        "each later list has a higher version: {lists:?}"
    );
    server.stop().await;
}
