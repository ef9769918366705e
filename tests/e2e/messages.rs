//! Messages: sending, reading, editing with history, idempotent sends (also under concurrent
//! retries), content rules and deletion as tombstones.

use std::sync::Arc;

use hub_tests::{Backend, TestServer, TestUser};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::Barrier;

hub_tests::on_both_databases!(
    messages_are_sent_read_and_edited,
    a_client_id_stores_a_message_once,
    concurrent_retries_with_one_client_id_store_one_message,
    message_content_is_checked,
    the_message_length_limit_is_configurable,
    deleted_messages_stay_as_tombstones,
    the_newest_page_shows_every_change_at_once,
    the_newest_page_is_the_same_without_the_history_cache,
);

/// A channel owned by `owner` that `members` joined; returns its id.
async fn lobby(server: &TestServer, owner: &TestUser, members: &[&TestUser]) -> String {
    let id = server.new_channel(owner, "lobby", "public").await;
    for member in members {
        server.join(member, &id).await;
    }
    id
}

fn messages_path(channel: &str) -> String {
    format!("/api/v1/channels/{channel}/messages")
}

fn message_path(id: &Value) -> String {
    format!("/api/v1/messages/{}", id.as_str().unwrap())
}

async fn messages_are_sent_read_and_edited(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let channel = lobby(&server, &alice, &[&bob]).await;

    let sent = server.send_message(&bob, &channel, "hello @alice").await;
    assert!(sent["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(sent["channel_id"], channel.as_str());
    assert_eq!(sent["author_id"], bob.id.as_str());
    assert_eq!(sent["content"], "hello @alice");
    assert!(sent["client_id"].is_null());
    assert!(sent["parent_id"].is_null());
    assert!(sent["created_at"].is_string());
    assert!(sent["edited_at"].is_null());
    assert_eq!(sent["deleted"], false);
    assert_eq!(sent["reply_count"], 0);
    assert!(sent["last_reply_at"].is_null());
    assert_eq!(sent["reactions"], json!([]));
    let code = "  indented\n\tcode  ";
    let second = server.send_message(&alice, &channel, code).await;
    assert_eq!(second["content"], code, "content is kept as written");
    assert!(second["seq"].as_i64().unwrap() > sent["seq"].as_i64().unwrap());

    let read = server.get(&message_path(&sent["id"]), &alice.access_token).await;
    read.expect(200);
    assert_eq!(read.body, sent);

    // Only the author edits; every version is kept.
    let path = message_path(&sent["id"]);
    let edited = server
        .patch(&path, &bob.access_token, json!({"content": "hello again"}))
        .await;
    edited.expect(200);
    assert_eq!(edited.body["id"], sent["id"]);
    assert_eq!(edited.body["content"], "hello again");
    assert!(edited.body["edited_at"].is_string());
    assert_eq!(edited.body["created_at"], sent["created_at"]);
    server
        .patch(&path, &bob.access_token, json!({"content": "hello, finally"}))
        .await
        .expect(200);
    server
        .patch(&path, &alice.access_token, json!({"content": "owner's words"}))
        .await
        .expect_error(403, "forbidden");
    let reply = server.patch(&path, &bob.access_token, json!({"content": "  "})).await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "content");

    let history = server.get(&format!("{path}/history"), &alice.access_token).await;
    history.expect(200);
    let versions: Vec<(&str, bool)> = history
        .items()
        .iter()
        .map(|v| (v["content"].as_str().unwrap(), v["current"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        versions,
        [
            ("hello @alice", false),
            ("hello again", false),
            ("hello, finally", true)
        ]
    );
    let times: Vec<chrono::DateTime<chrono::Utc>> = history
        .items()
        .iter()
        .map(|v| v["written_at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");

    let listed = server.get(&messages_path(&channel), &bob.access_token).await;
    listed.expect(200);
    assert_eq!(listed.items()[1]["content"], "hello, finally");
    assert!(listed.items()[1]["edited_at"].is_string());
    server.stop().await;
}

async fn a_client_id_stores_a_message_once(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let channel = lobby(&server, &alice, &[&bob]).await;
    let send =
        async |user: &TestUser, body: Value| server.post(&messages_path(&channel), &user.access_token, body).await;

    let first = send(&bob, json!({"content": "first", "client_id": "retry-1"})).await;
    first.expect(201);
    assert_eq!(first.body["client_id"], "retry-1");
    let retry = send(&bob, json!({"content": "second try", "client_id": "retry-1"})).await;
    retry.expect(200);
    assert_eq!(retry.body["id"], first.body["id"]);
    assert_eq!(retry.body["content"], "first", "the first message wins");

    // Keys belong to their sender.
    let other = send(&alice, json!({"content": "mine", "client_id": "retry-1"})).await;
    other.expect(201);
    assert_ne!(other.body["id"], first.body["id"]);

    let history = server.get(&messages_path(&channel), &bob.access_token).await;
    let contents: Vec<&str> = history.items().iter().map(|m| m["content"].as_str().unwrap()).collect();
    assert_eq!(contents, ["mine", "first"]);

    for bad in ["has space", ""] {
        let reply = send(&bob, json!({"content": "x", "client_id": bad})).await;
        reply.expect_error(422, "invalid_input");
        assert_eq!(reply.field(), "client_id", "{bad:?}");
    }
    let reply = send(&bob, json!({"content": "x", "client_id": "k".repeat(65)})).await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "client_id");

    // A retry still answers with the stored message after posting is no longer allowed (the
    // reply to the first send may have been lost); a new send is refused.
    server
        .delete(&format!("/api/v1/channels/{channel}"), &alice.access_token)
        .await
        .expect(204);
    let retry = send(&bob, json!({"content": "first", "client_id": "retry-1"})).await;
    retry.expect(200);
    assert_eq!(retry.body["id"], first.body["id"]);
    send(&bob, json!({"content": "new", "client_id": "retry-2"}))
        .await
        .expect_error(403, "forbidden");
    let history = server.get(&messages_path(&channel), &bob.access_token).await;
    let contents: Vec<&str> = history.items().iter().map(|m| m["content"].as_str().unwrap()).collect();
    assert_eq!(contents, ["mine", "first"], "the refused send stored nothing");
    server.stop().await;
}

/// Eight tasks, each with its own client, send the same message with the same key at once;
/// five rounds so the race is really run.
async fn concurrent_retries_with_one_client_id_store_one_message(backend: Backend) {
    const TASKS: usize = 8;
    const ROUNDS: usize = 5;
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let channel = lobby(&server, &alice, &[&bob]).await;
    let url = server.url(&messages_path(&channel));

    let mut stored = Vec::new();
    for round in 0..ROUNDS {
        let barrier = Arc::new(Barrier::new(TASKS));
        let mut tasks = Vec::new();
        for attempt in 0..TASKS {
            let http = server.http.clone();
            let url = url.clone();
            let token = bob.access_token.clone();
            let barrier = barrier.clone();
            tasks.push(tokio::spawn(async move {
                let request = http.post(url).bearer_auth(token).json(&json!({
                    "content": format!("round {round}, attempt {attempt}"),
                    "client_id": format!("retry-{round}"),
                }));
                barrier.wait().await;
                TestServer::reply(request.send().await.unwrap()).await
            }));
        }
        let mut replies = Vec::new();
        for task in tasks {
            replies.push(task.await.unwrap());
        }
        let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            1,
            "one send stores, the others find it: {statuses:?}, bodies: {:?}",
            replies.iter().map(|r| &r.body).collect::<Vec<_>>()
        );
        assert!(statuses.iter().all(|s| *s == 201 || *s == 200), "{statuses:?}");
        let id = &replies[0].body["id"];
        let content = &replies[0].body["content"];
        for reply in &replies {
            assert_eq!(&reply.body["id"], id, "every retry answers with the same message");
            assert_eq!(&reply.body["content"], content);
        }
        stored.push(id.as_str().unwrap().to_owned());
    }

    let history = server
        .get(&format!("{}?limit=200", messages_path(&channel)), &alice.access_token)
        .await;
    history.expect(200);
    let mut listed = history.ids();
    listed.reverse();
    assert_eq!(listed, stored, "exactly one message a round");
    server.stop().await;
}

async fn message_content_is_checked(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let channel = lobby(&server, &alice, &[]).await;
    let send = async |body: Value| server.post(&messages_path(&channel), &alice.access_token, body).await;
    let refused = async |body: Value, field: &str| {
        let reply = send(body.clone()).await;
        reply.expect_error(422, "invalid_input");
        assert_eq!(reply.field(), field, "{body}");
        reply
    };

    refused(json!({"content": ""}), "content").await;
    refused(json!({"content": " \n\t "}), "content").await;
    refused(json!({}), "content").await;
    refused(json!({"content": 7}), "content").await;
    refused(json!({"content": "bell\u{7}"}), "content").await;
    let reply = refused(json!({"content": "x".repeat(4001)}), "content").await;
    assert_eq!(reply.body["error"]["details"]["max_length"], 4000);
    send(json!({"content": "x".repeat(4000)})).await.expect(201);

    // Attachments are not available yet.
    refused(json!({"content": "see file", "file_ids": ["f1"]}), "file_ids").await;
    send(json!({"content": "no files", "file_ids": []})).await.expect(201);

    let history = server.get(&messages_path(&channel), &alice.access_token).await;
    assert_eq!(history.items().len(), 2, "nothing refused was stored");
    server.stop().await;
}

async fn the_message_length_limit_is_configurable(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.limits.max_message_length = 100;
    })
    .await;
    let alice = server.new_user("alice").await;
    let channel = lobby(&server, &alice, &[]).await;
    let path = messages_path(&channel);

    let reply = server
        .post(&path, &alice.access_token, json!({"content": "x".repeat(101)}))
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "content");
    assert_eq!(reply.body["error"]["details"]["max_length"], 100);
    // The limit counts characters, not bytes.
    let sent = server.send_message(&alice, &channel, &"é".repeat(100)).await;

    let reply = server
        .patch(
            &message_path(&sent["id"]),
            &alice.access_token,
            json!({"content": "é".repeat(101)}),
        )
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "content");
    server.stop().await;
}

async fn deleted_messages_stay_as_tombstones(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let root = server.new_admin("siteadmin").await;
    let channel = lobby(&server, &alice, &[&bob, &carol]).await;
    let first = server.send_message(&bob, &channel, "first").await;
    let parent = server.send_message(&bob, &channel, "thread starter").await;
    let third = server.send_message(&bob, &channel, "third").await;
    let mut replies = Vec::new();
    for text in ["reply one", "reply two"] {
        let reply = server
            .post(
                &messages_path(&channel),
                &carol.access_token,
                json!({"content": text, "parent_id": parent["id"]}),
            )
            .await;
        reply.expect(201);
        replies.push(reply.body["id"].clone());
    }
    server
        .bodiless(
            reqwest::Method::PUT,
            &format!("{}/reactions/thumbsup", message_path(&parent["id"])),
            &carol.access_token,
        )
        .await
        .expect(204);

    let parent_path = message_path(&parent["id"]);
    server
        .delete(&parent_path, &carol.access_token)
        .await
        .expect_error(403, "forbidden");
    server.delete(&parent_path, &bob.access_token).await.expect(204);

    let tombstone = server.get(&parent_path, &carol.access_token).await;
    tombstone.expect(200);
    assert_eq!(tombstone.body["deleted"], true);
    assert_eq!(tombstone.body["content"], "");
    assert_eq!(tombstone.body["reactions"], json!([]));
    assert_eq!(tombstone.body["reply_count"], 2);

    // It keeps its place in history, and its thread keeps its replies.
    let history = server.get(&messages_path(&channel), &carol.access_token).await;
    history.expect(200);
    let ids: Vec<&Value> = history.items().iter().map(|m| &m["id"]).collect();
    assert_eq!(ids, [&third["id"], &parent["id"], &first["id"]]);
    assert_eq!(history.items()[1]["deleted"], true);
    assert_eq!(history.items()[1]["content"], "");
    let thread = server.get(&format!("{parent_path}/thread"), &carol.access_token).await;
    thread.expect(200);
    assert_eq!(thread.body["parent"]["deleted"], true);
    let reply_ids: Vec<&Value> = thread.items().iter().map(|m| &m["id"]).collect();
    assert_eq!(reply_ids, replies.iter().collect::<Vec<_>>());

    server
        .patch(&parent_path, &bob.access_token, json!({"content": "undo"}))
        .await
        .expect_error(409, "conflict");

    // Channel owners and site admins delete what others wrote.
    server
        .delete(&message_path(&third["id"]), &alice.access_token)
        .await
        .expect(204);
    server
        .delete(&message_path(&first["id"]), &root.access_token)
        .await
        .expect(204);
    let history = server.get(&messages_path(&channel), &carol.access_token).await;
    assert!(history.items().iter().all(|m| m["deleted"] == true));
    assert_eq!(history.items().len(), 3);
    server.stop().await;
}

/// The newest page as `reader` sees it: (content, reply_count, reactions) of each message.
async fn newest_page(server: &TestServer, reader: &TestUser, channel: &str) -> Vec<(String, i64, Value)> {
    let page = server
        .get(&format!("{}?limit=5", messages_path(channel)), &reader.access_token)
        .await;
    page.expect(200);
    page.items()
        .iter()
        .map(|m| {
            (
                m["content"].as_str().unwrap().to_owned(),
                m["reply_count"].as_i64().unwrap(),
                m["reactions"].clone(),
            )
        })
        .collect()
}

/// Reads the newest page after each kind of change: it must show the change at once, for
/// every reader, with each reader's own reactions (the page is kept in memory between reads).
async fn newest_page_follows_changes(server: &TestServer) {
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let channel = lobby(server, &alice, &[&bob]).await;
    let first = server.send_message(&alice, &channel, "one").await;
    let second = server.send_message(&alice, &channel, "two").await;
    let row = |content: &str, replies: i64, reactions: Value| (content.to_owned(), replies, reactions);
    let expected = vec![row("two", 0, json!([])), row("one", 0, json!([]))];
    assert_eq!(newest_page(server, &bob, &channel).await, expected);
    assert_eq!(newest_page(server, &bob, &channel).await, expected, "read twice");

    server.send_message(&bob, &channel, "three").await;
    let page = newest_page(server, &alice, &channel).await;
    assert_eq!(page[0], row("three", 0, json!([])), "a new message");

    server
        .patch(
            &message_path(&first["id"]),
            &alice.access_token,
            json!({"content": "one, edited"}),
        )
        .await
        .expect(200);
    assert_eq!(
        newest_page(server, &bob, &channel).await[2],
        row("one, edited", 0, json!([]))
    );

    let reaction = format!("{}/reactions/thumbsup", message_path(&second["id"]));
    server
        .bodiless(Method::PUT, &reaction, &bob.access_token)
        .await
        .expect(204);
    let thumbs = |me: bool| json!([{"emoji": "thumbsup", "count": 1, "me": me}]);
    assert_eq!(
        newest_page(server, &alice, &channel).await[1],
        row("two", 0, thumbs(false))
    );
    assert_eq!(
        newest_page(server, &bob, &channel).await[1],
        row("two", 0, thumbs(true)),
        "bob's own"
    );
    server.delete(&reaction, &bob.access_token).await.expect(204);
    assert_eq!(newest_page(server, &bob, &channel).await[1], row("two", 0, json!([])));

    server
        .post(
            &messages_path(&channel),
            &bob.access_token,
            json!({"content": "a reply", "parent_id": second["id"]}),
        )
        .await
        .expect(201);
    let page = newest_page(server, &alice, &channel).await;
    assert_eq!(page.len(), 3, "replies stay in their thread");
    assert_eq!(page[1], row("two", 1, json!([])), "the thread's reply count");

    server
        .delete(&message_path(&first["id"]), &alice.access_token)
        .await
        .expect(204);
    assert_eq!(
        newest_page(server, &bob, &channel).await[2],
        row("", 0, json!([])),
        "a tombstone"
    );

    // Another page size reads its own page.
    let small = server
        .get(&format!("{}?limit=1", messages_path(&channel)), &bob.access_token)
        .await;
    assert_eq!(small.items().len(), 1);
    assert_eq!(small.items()[0]["content"], "three");
    assert!(small.body["next_cursor"].is_string());
}

async fn the_newest_page_shows_every_change_at_once(backend: Backend) {
    let server = TestServer::start(&backend).await;
    newest_page_follows_changes(&server).await;
    server.stop().await;
}

async fn the_newest_page_is_the_same_without_the_history_cache(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| config.limits.history_cache_bytes = 0).await;
    newest_page_follows_changes(&server).await;
    server.stop().await;
}
