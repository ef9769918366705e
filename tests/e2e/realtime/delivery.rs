//! Live delivery: members only, edits, deletes and reactions pushed, membership changes
//! while connected, and busy connections sharing writes.

use hub_tests::{Backend, TestServer};
use reqwest::Method;
use serde_json::json;

use super::{is_event, is_message, three_people};

hub_tests::on_both_databases!(
    events_reach_members_only,
    edits_deletes_and_reactions_are_pushed,
    joining_and_leaving_change_what_a_live_connection_gets,
    a_busy_connection_gets_events_in_shared_writes,
);

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
