//! History paging: `before` walks newest first, `after` oldest first, thread replies stay out,
//! and a walk over ten thousand messages (two thousand on PostgreSQL) sees each exactly once, in
//! order, both ways.

use std::collections::HashSet;

use hub_core::model::ChannelId;
use hub_core::protocol::v1::SendMessageRequest;
use hub_tests::{Backend, TestServer, TestUser};
use serde_json::{Value, json};

hub_tests::on_both_databases!(
    history_walks_see_every_message_once_in_order_both_ways,
    history_cursors_and_page_sizes,
);

fn messages_path(channel: &str) -> String {
    format!("/api/v1/channels/{channel}/messages")
}

/// Sends `count` messages through the services (what the routes call, without the HTTP
/// round trips), from several tasks at once; returns their ids.
async fn seed(server: &TestServer, author: &TestUser, channel: &str, count: usize) -> Vec<String> {
    const WORKERS: usize = 8;
    let caller = server.hub.authenticate(&author.access_token).await.expect("caller");
    let channel = ChannelId::from_string(channel);
    let mut tasks = Vec::new();
    for worker in 0..WORKERS {
        let hub = server.hub.clone();
        let caller = caller.clone();
        let channel = channel.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in (worker..count).step_by(WORKERS) {
                let request = SendMessageRequest {
                    content: format!("message {n}"),
                    client_id: None,
                    parent_id: None,
                    file_ids: Vec::new(),
                };
                let (message, stored) = hub
                    .send_message(&caller, &channel, request)
                    .await
                    .expect("message sent");
                assert!(stored);
                ids.push(message.id.to_string());
            }
            ids
        }));
    }
    let mut ids = Vec::with_capacity(count);
    for task in tasks {
        ids.extend(task.await.unwrap());
    }
    ids
}

/// Walks the history newest first with `before`, 200 at a time; returns every message served.
async fn walk_newest_first(server: &TestServer, viewer: &TestUser, channel: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("{}?limit=200&before={cursor}", messages_path(channel)),
            None => format!("{}?limit=200", messages_path(channel)),
        };
        let page = server.get(&path, &viewer.access_token).await;
        page.expect(200);
        assert!(page.items().len() <= 200, "pages hold at most the limit");
        let next = page.body["next_cursor"].as_str().map(str::to_owned);
        assert!(
            next.is_none() || page.items().len() == 200,
            "only the last page is short, and a cursor always leads to more: {path}"
        );
        seen.extend(page.items().iter().cloned());
        match next {
            Some(next) => cursor = Some(next),
            None => return seen,
        }
        assert!(seen.len() <= 20_000, "the walk does not end");
    }
}

async fn history_walks_see_every_message_once_in_order_both_ways(backend: Backend) {
    // Ten thousand on both databases (on PostgreSQL each send is a transaction serialized on the
    // channel's counter row, so seeding takes about a minute on a small machine).
    let count = match backend {
        Backend::Sqlite => 10_000,
        Backend::Postgres(_) => 10_000,
    };
    // Seeding sends as one user as fast as the database takes them.
    let server = TestServer::start_with(&backend, |config| {
        config.gateway.messages_per_second = 1_000_000.0;
        config.gateway.messages_burst = 1_000_000.0;
    })
    .await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let channel = server.new_channel(&alice, "archive", "public").await;
    let seeded = seed(&server, &alice, &channel, count).await;
    let seeded: HashSet<String> = seeded.into_iter().collect();
    assert_eq!(seeded.len(), count);

    let newest_first = walk_newest_first(&server, &bob, &channel).await;
    let ids: Vec<&str> = newest_first.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), count, "every message once");
    assert_eq!(
        ids.iter().copied().collect::<HashSet<_>>(),
        seeded.iter().map(String::as_str).collect(),
        "exactly the messages sent"
    );
    let seqs: Vec<i64> = newest_first.iter().map(|m| m["seq"].as_i64().unwrap()).collect();
    assert!(
        seqs.windows(2).all(|pair| pair[0] > pair[1]),
        "newest first: seq strictly falls"
    );

    let oldest = ids[count - 1];
    let mut oldest_first = vec![oldest.to_owned()];
    let mut cursor = oldest.to_owned();
    let mut previous_seq = seqs[count - 1];
    loop {
        let path = format!("{}?limit=200&after={cursor}", messages_path(&channel));
        let page = server.get(&path, &bob.access_token).await;
        page.expect(200);
        let next = page.body["next_cursor"].as_str().map(str::to_owned);
        assert!(
            next.is_none() || page.items().len() == 200,
            "only the last page is short: {path}"
        );
        for message in page.items() {
            let seq = message["seq"].as_i64().unwrap();
            assert!(seq > previous_seq, "oldest first: seq strictly rises");
            previous_seq = seq;
            oldest_first.push(message["id"].as_str().unwrap().to_owned());
        }
        match next {
            Some(next) => cursor = next,
            None => break,
        }
        assert!(oldest_first.len() <= count, "the walk does not end");
    }
    let mut reversed: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
    reversed.reverse();
    assert_eq!(oldest_first, reversed, "both walks see the same sequence");
    server.stop().await;
}

async fn history_cursors_and_page_sizes(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let channel = server.new_channel(&alice, "lobby", "public").await;
    let mut sent = Vec::new();
    for n in 0..7 {
        let message = server.send_message(&alice, &channel, &format!("m{n}")).await;
        sent.push(message["id"].as_str().unwrap().to_owned());
        if n == 2 {
            server
                .post(
                    &messages_path(&channel),
                    &alice.access_token,
                    json!({"content": "a reply", "parent_id": sent[2]}),
                )
                .await
                .expect(201);
        }
    }
    let page = async |query: &str| {
        let reply = server
            .get(&format!("{}{query}", messages_path(&channel)), &alice.access_token)
            .await;
        reply.expect(200);
        let contents: Vec<String> = reply
            .items()
            .iter()
            .map(|m| m["content"].as_str().unwrap().to_owned())
            .collect();
        (contents, reply.body["next_cursor"].as_str().map(str::to_owned))
    };

    // Top-level messages only, newest first.
    let (all, next) = page("").await;
    assert_eq!(all, ["m6", "m5", "m4", "m3", "m2", "m1", "m0"]);
    assert_eq!(next, None);

    let (first, next) = page("?limit=3").await;
    assert_eq!(first, ["m6", "m5", "m4"]);
    let next = next.expect("more before");
    let (second, next) = page(&format!("?limit=3&before={next}")).await;
    assert_eq!(second, ["m3", "m2", "m1"]);
    let (third, next) = page(&format!("?limit=3&before={}", next.unwrap())).await;
    assert_eq!(third, ["m0"]);
    assert_eq!(next, None, "null at the end");

    let (older, _) = page(&format!("?before={}", sent[3])).await;
    assert_eq!(older, ["m2", "m1", "m0"]);
    let (newer, next) = page(&format!("?after={}&limit=2", sent[3])).await;
    assert_eq!(newer, ["m4", "m5"], "after walks oldest first");
    let (rest, next) = page(&format!("?after={}&limit=2", next.unwrap())).await;
    assert_eq!(rest, ["m6"]);
    assert_eq!(next, None);
    let (none, next) = page(&format!("?after={}", sent[6])).await;
    assert!(none.is_empty());
    assert_eq!(next, None);

    let (full, _) = page("?limit=200").await;
    assert_eq!(full.len(), 7);
    for bad in ["0", "201", "lots", "-1"] {
        let reply = server
            .get(&format!("{}?limit={bad}", messages_path(&channel)), &alice.access_token)
            .await;
        reply.expect_error(422, "invalid_input");
        assert_eq!(reply.field(), "limit", "limit={bad}");
    }
    server.stop().await;
}
