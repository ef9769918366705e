//! Durability (#16): a message the server acknowledged is stored, even when the server is
//! killed with SIGKILL while sends are in flight. The real server binary runs in a process of
//! its own; each round it takes pipelined sends over the gateway and is killed at a different
//! moment, then starts again on the same data. At the end every acknowledged `client_id` is in
//! the channel's history, and none twice. `HUB_TEST_KILL_ROUNDS` sets the rounds (10).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use hub_tests::ws::WsClient;
use hub_tests::{Backend, PASSWORD};
use serde_json::{Value, json};

use crate::server_process::ServerProcess;

hub_tests::on_both_databases!(acknowledged_messages_survive_kill_9);

/// Sends kept unacknowledged on the wire.
const WINDOW: usize = 32;

async fn acknowledged_messages_survive_kill_9(backend: Backend) {
    let rounds: usize = std::env::var("HUB_TEST_KILL_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(10);
    let data_dir = tempfile::tempdir().expect("temp dir");
    let database_url = match &backend {
        Backend::Sqlite => format!("sqlite://{}", data_dir.path().join("hub.db").display()),
        Backend::Postgres(base) => hub_tests::postgres_schema_url(base).await,
    };
    let server = ServerProcess::start(data_dir.path(), &database_url, &[], None).await;
    let account = server
        .post(
            "/api/v1/auth/register",
            None,
            json!({"username": "alice", "password": PASSWORD}),
        )
        .await;
    let token = account["access_token"].as_str().expect("a token").to_owned();
    let channel = server
        .post(
            "/api/v1/channels",
            Some(&token),
            json!({"name": "log", "kind": "public"}),
        )
        .await;
    let channel_id = channel["id"].as_str().expect("a channel id").to_owned();
    drop(server);

    let mut acked = BTreeSet::new();
    for round in 0..rounds {
        let mut server = ServerProcess::start(data_dir.path(), &database_url, &[], None).await;
        let url = format!(
            "{}/api/v1/ws?token={token}",
            server.base.replacen("http://", "ws://", 1)
        );
        let mut socket = WsClient::open(&url).await;
        // A different moment each round, from just after the first sends to well into them.
        let kill_after = Duration::from_millis(20 + (round as u64 * 137) % 400);
        let started = Instant::now();
        let mut sent = 0usize;
        let mut in_flight = 0usize;
        let mut killed = false;
        loop {
            while !killed && in_flight < WINDOW {
                let frame = json!({
                    "type": "message.send",
                    "channel_id": channel_id,
                    "content": format!("round {round} message {sent}"),
                    "client_id": format!("r{round}-{sent}"),
                });
                if socket.send_text(frame.to_string()).await.is_err() {
                    break;
                }
                sent += 1;
                in_flight += 1;
            }
            if !killed && started.elapsed() >= kill_after {
                server.kill();
                killed = true;
            }
            match socket.next_frame(Duration::from_millis(500)).await {
                Some(frame) if frame["type"] == "ack" => {
                    acked.insert(frame["client_id"].as_str().unwrap_or_default().to_owned());
                    in_flight -= 1;
                }
                Some(frame) if frame["type"] == "error" => in_flight -= 1,
                Some(_) => {}
                None if killed => break,
                None => {}
            }
        }
    }
    assert!(
        acked.len() > rounds,
        "too few sends were acknowledged to say anything: {}",
        acked.len()
    );

    // Once more, and read the whole channel back.
    let server = ServerProcess::start(data_dir.path(), &database_url, &[], None).await;
    let http = reqwest::Client::new();
    let mut stored: BTreeMap<String, usize> = BTreeMap::new();
    let mut before: Option<String> = None;
    loop {
        let mut url = format!("{}/api/v1/channels/{channel_id}/messages?limit=100", server.base);
        if let Some(before) = &before {
            url.push_str(&format!("&before={before}"));
        }
        let page: Value = http
            .get(url)
            .bearer_auth(&token)
            .send()
            .await
            .expect("history")
            .json()
            .await
            .expect("JSON");
        let items = page["items"].as_array().cloned().unwrap_or_default();
        for message in &items {
            if let Some(client_id) = message["client_id"].as_str() {
                *stored.entry(client_id.to_owned()).or_default() += 1;
            }
        }
        match page["next_cursor"].as_str() {
            Some(cursor) if !items.is_empty() => before = Some(cursor.to_owned()),
            _ => break,
        }
    }
    let lost: Vec<&String> = acked.iter().filter(|id| !stored.contains_key(*id)).collect();
    assert!(lost.is_empty(), "acknowledged and lost after kill -9: {lost:?}");
    let doubled: Vec<&String> = stored
        .iter()
        .filter(|(_, count)| **count > 1)
        .map(|(id, _)| id)
        .collect();
    assert!(doubled.is_empty(), "stored twice: {doubled:?}");
}
