//! Several nodes (#15): two servers on one PostgreSQL database and one Redis, as a load
//! balancer would run them. Events committed on one node reach clients of the other, ephemeral
//! frames too (typing), a session ended on one node closes its socket on the other, a Redis
//! that drops its subscriptions loses no message (the gap is filled from the database), and
//! each node names itself and its bus in `/readyz`. Skipped without `HUB_TEST_POSTGRES_URL` and
//! `HUB_TEST_REDIS_URL` (`.ci/run` sets both).

mod behind_nginx;
mod faults;
mod node_death;
mod voice;

use std::collections::BTreeMap;

use hub_tests::ws::{FRAME_TIMEOUT, WsClient};
use hub_tests::{Backend, TestServer, TestUser};
use serde_json::{Value, json};

use crate::realtime::is_message;

/// Node A and node B over one fresh schema and a Redis channel of their own (so that parallel
/// tests do not hear each other).
async fn two_nodes() -> Option<(TestServer, TestServer, String, tempfile::TempDir)> {
    let backend = Backend::postgres()?;
    let redis = hub_tests::redis_url()?;
    let Backend::Postgres(base) = &backend else { return None };
    let database_url = hub_tests::postgres_schema_url(base).await;
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut config = hub_tests::test_config(&backend, data_dir.path(), database_url);
    config.redis_url = Some(redis.clone());
    config.redis_channel = format!("hub:test:{}", uuid::Uuid::now_v7().simple());
    config.cluster.presence_ttl_secs = 1.5;
    config.node_id = Some("node-a".to_owned());
    let a = TestServer::start_config(config.clone()).await;
    config.node_id = Some("node-b".to_owned());
    let b = TestServer::start_config(config).await;
    Some((a, b, redis, data_dir))
}

/// A gateway connection to the server at `base`, resumed from `positions`.
async fn connect(base: &str, token: &str, positions: &BTreeMap<String, i64>) -> WsClient {
    let url = format!("{}/api/v1/ws?token={token}", base.replacen("http://", "ws://", 1));
    let mut client = WsClient::open(&url).await;
    client.wait_for(|frame| frame["type"] == "hello").await;
    client.send(json!({"type": "resume", "positions": positions})).await;
    client.wait_for(|frame| frame["type"] == "resumed").await;
    client
}

/// `message.created` frames of `channel` received so far, as (seq, content).
fn messages_in(received: &[Value], channel: &str) -> Vec<(i64, String)> {
    received
        .iter()
        .filter(|frame| frame["type"] == "message.created" && frame["channel_id"] == channel)
        .map(|frame| {
            (
                frame["seq"].as_i64().expect("seq"),
                frame["message"]["content"].as_str().expect("content").to_owned(),
            )
        })
        .collect()
}

/// Reads until `client` has `want` messages of `channel` (or the frame timeout passes).
async fn read_until(mut client: WsClient, channel: String, want: usize) -> WsClient {
    while messages_in(&client.received, &channel).len() < want {
        if client.next_frame(FRAME_TIMEOUT).await.is_none() {
            break;
        }
    }
    client
}

/// Sends `content` as `author` through the server at `base`.
async fn send(http: &reqwest::Client, base: &str, author: &TestUser, channel: &str, content: &str) {
    let reply = http
        .post(format!("{base}/api/v1/channels/{channel}/messages"))
        .bearer_auth(&author.access_token)
        .json(&json!({ "content": content }))
        .send()
        .await
        .expect("the node answers");
    assert_eq!(reply.status(), 201, "sending through {base}");
}

/// Checks each person got exactly the messages `expected` of their channel (person `p` is in
/// channel `p % channels.len()`), in order, once.
fn assert_every_message_once_in_order(clients: &[(usize, &[Value])], channels: &[String], expected: &[Vec<String>]) {
    for (person, received) in clients {
        let index = person % channels.len();
        let got = messages_in(received, &channels[index]);
        let seqs: Vec<i64> = got.iter().map(|(seq, _)| *seq).collect();
        assert!(
            seqs.windows(2).all(|pair| pair[0] < pair[1]),
            "person {person}: in order, none twice: {seqs:?}"
        );
        let contents: Vec<&str> = got.iter().map(|(_, content)| content.as_str()).collect();
        assert_eq!(contents, expected[index], "person {person} in channel {index}");
    }
}

async fn readiness(server: &TestServer) -> Value {
    let reply = server.http.get(server.url("/readyz")).send().await.expect("readyz");
    assert_eq!(reply.status(), 200);
    reply.json().await.expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn events_ephemeral_frames_and_session_ends_cross_nodes() {
    let Some((a, b, redis, _data)) = two_nodes().await else {
        return;
    };
    for (server, node) in [(&a, "node-a"), (&b, "node-b")] {
        // Each learns of the other at its next heartbeat.
        let mut ready = readiness(server).await;
        for _ in 0..100 {
            if ready["peers"].as_array().is_some_and(|peers| peers.len() == 2) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            ready = readiness(server).await;
        }
        assert_eq!(ready["node_id"], node, "{ready}");
        assert_eq!(ready["bus"], "redis", "{ready}");
        assert_eq!(ready["status"], "ok", "{ready}");
        let peers: Vec<(&str, bool)> = ready["peers"]
            .as_array()
            .expect("peers")
            .iter()
            .map(|peer| (peer["node_id"].as_str().expect("node id"), peer["this_node"] == true))
            .collect();
        let other = if node == "node-a" { "node-b" } else { "node-a" };
        assert!(
            peers.contains(&(node, true)) && peers.contains(&(other, false)),
            "{ready}"
        );
        let metrics = server.http.get(server.url("/metrics")).send().await.expect("metrics");
        let metrics = metrics.text().await.expect("text");
        assert!(
            metrics.contains(&format!("hub_node{{node_id=\"{node}\"}} 1")),
            "{metrics}"
        );
        assert!(metrics.contains("hub_cluster_peers_alive 1"), "{metrics}");
        assert!(metrics.contains("hub_bus_lag_seconds"), "{metrics}");
    }
    let alice = a.new_user("alice").await;
    let bob = b.new_user("bob").await;
    let general = a.new_channel(&alice, "general", "public").await;
    b.join(&bob, &general).await;
    let mut alice_socket = a.ws_connect(&alice.access_token).await;
    let mut bob_socket = b.ws_connect(&bob.access_token).await;

    // A REST send on A reaches Bob's socket on B; a socket send on B reaches Alice's on A.
    a.send_message(&alice, &general, "hello from node a").await;
    let seen = bob_socket.wait_for(is_message("hello from node a")).await;
    bob_socket
        .send(json!({"type": "message.send", "channel_id": general, "content": "hello from node b", "client_id": "b1"}))
        .await;
    bob_socket.wait_for(|frame| frame["type"] == "ack").await;
    let answer = alice_socket.wait_for(is_message("hello from node b")).await;
    assert_eq!(
        answer["seq"].as_i64(),
        seen["seq"].as_i64().map(|seq| seq + 1),
        "one log, in order"
    );

    // Typing travels on the bus only.
    alice_socket
        .send(json!({"type": "typing", "channel_id": general}))
        .await;
    bob_socket
        .wait_for(|frame| frame["type"] == "typing" && frame["user_id"] == alice.id.as_str())
        .await;

    // Bob logs out through node A: his socket on node B closes with 4005.
    a.post_anon("/api/v1/auth/logout", json!({"refresh_token": bob.refresh_token}))
        .await
        .expect(204);
    assert_eq!(bob_socket.close_code().await, Some(4005));

    // Redis drops every subscription (as when it restarts): what node A publishes meanwhile
    // node B misses, and fills from the log at the channel's next event. Nothing is lost or
    // doubled, and the order holds.
    let again = b.login("bob", hub_tests::PASSWORD).await;
    let token = again.body["access_token"].as_str().expect("a token").to_owned();
    let mut bob_socket = b.ws_connect(&token).await;
    let killed = std::process::Command::new("redis-cli")
        .args(["-u", &redis, "CLIENT", "KILL", "TYPE", "pubsub"])
        .status()
        .expect("redis-cli runs");
    assert!(killed.success());
    for index in 0..5 {
        a.send_message(&alice, &general, &format!("during {index}")).await;
    }
    for server in [&a, &b] {
        let mut tries = 0;
        while readiness(server).await["bus"] != "redis" {
            tries += 1;
            assert!(tries < 200, "the bus did not reconnect");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    a.send_message(&alice, &general, "after").await;
    bob_socket.wait_for(is_message("after")).await;
    let contents: Vec<&str> = bob_socket
        .received
        .iter()
        .filter(|frame| frame["type"] == "message.created")
        .filter_map(|frame| frame["message"]["content"].as_str())
        .collect();
    assert_eq!(
        contents,
        ["during 0", "during 1", "during 2", "during 3", "during 4", "after"],
        "every message once, in order"
    );
    a.stop().await;
    b.stop().await;
}
