//! Resuming after a cut: every missed event once, or a refetch past the window.

use std::collections::HashSet;

use hub_tests::ws::WsClient;
use hub_tests::{Backend, TestServer};
use serde_json::json;

use super::{is_message, three_people};

hub_tests::on_both_databases!(
    a_reconnecting_client_gets_every_missed_event_once,
    resuming_past_the_window_asks_for_a_refetch,
    pruned_events_are_gone_and_a_resume_across_them_resyncs,
    a_second_resume_replays_from_the_position_it_names,
);

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

/// Retention (`Hub::prune_event_logs`, run by the server every
/// `gateway.event_prune_interval_secs`): events before the cutoff go, each log's newest stays,
/// and a resume from before the cut learns it must refetch instead of silently missing events.
async fn pruned_events_are_gone_and_a_resume_across_them_resyncs(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| config.gateway.event_prune_batch = 2).await;
    let (alice, bob, _carol, general, _side) = three_people(&server).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    for index in 0..5 {
        server.send_message(&alice, &general, &format!("old {index}")).await;
    }
    let newest = bob_socket.wait_for(is_message("old 4")).await["seq"].as_i64().unwrap();
    let post = server
        .post("/api/v1/posts", &alice.access_token, json!({"title": "first"}))
        .await;
    post.expect(201);
    server
        .post("/api/v1/posts", &alice.access_token, json!({"title": "second"}))
        .await
        .expect(201);
    drop(bob_socket);

    let cutoff = chrono::Utc::now() + chrono::Duration::seconds(1);
    let pruned = server.hub.prune_event_logs_before(cutoff).await.unwrap();
    // Everything but the newest event of each log, in batches of two.
    assert!(pruned.channel_events >= 4, "{pruned:?}");
    assert_eq!(pruned.forum_events, 1, "{pruned:?}");
    let again = server.hub.prune_event_logs_before(cutoff).await.unwrap();
    assert_eq!(
        (again.channel_events, again.forum_events),
        (0, 0),
        "nothing left to prune"
    );

    let mut socket = WsClient::open(&server.ws_url(Some(&bob.access_token))).await;
    socket.wait_for(|frame| frame["type"] == "hello").await;
    // Right behind the newest event: it is still there to replay.
    socket
        .send(json!({"type": "resume", "positions": {general.clone(): newest - 1}}))
        .await;
    let resumed = socket.wait_for(|frame| frame["type"] == "resumed").await;
    assert_eq!(resumed["replayed"], 1, "{resumed}");
    // From before the pruned stretch: a resync, not an empty catch-up.
    socket
        .send(json!({"type": "resume", "positions": {general.clone(): 1}}))
        .await;
    socket
        .wait_for(|frame| frame["type"] == "resync" && frame["channel_id"] == general.as_str())
        .await;
    // The messages themselves are kept: only the log of changes is pruned.
    let history = server
        .get(&format!("/api/v1/channels/{general}/messages"), &bob.access_token)
        .await;
    assert!(history.items().len() >= 5);
    server.stop().await;
}

/// A live event can reach a new connection before an older one of its channel is replayed (the
/// dispatcher delivered the older one before the connection subscribed). A later `resume` from
/// before both must still replay both, in order: the position the client names wins over what
/// the connection delivered live.
async fn a_second_resume_replays_from_the_position_it_names(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, bob, _carol, general, _side) = three_people(&server).await;
    let mut socket = server.ws_connect(&bob.access_token).await;
    let first = server.send_message(&alice, &general, "first").await;
    let second = server.send_message(&alice, &general, "second").await;
    socket.wait_for(is_message("second")).await;
    let before_first = first["seq"].as_i64().unwrap() - 1;
    socket
        .send(json!({"type": "resume", "positions": {general.clone(): before_first}}))
        .await;
    let resumed = socket.wait_for(|frame| frame["type"] == "resumed").await;
    assert_eq!(resumed["replayed"], 2, "{resumed}");
    let seqs: Vec<i64> = socket
        .received
        .iter()
        .filter(|frame| frame["type"] == "message.created")
        .map(|frame| frame["seq"].as_i64().unwrap())
        .collect();
    let (first, second) = (first["seq"].as_i64().unwrap(), second["seq"].as_i64().unwrap());
    assert_eq!(seqs, [first, second, first, second], "live, then replayed in order");
}
