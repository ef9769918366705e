//! Threads, mentions, read markers with their unread and mention counts, and notification levels.

use hub_tests::{Backend, TestServer, TestUser};
use serde_json::{Value, json};

hub_tests::on_both_databases!(
    replies_gather_in_threads,
    mentions_reach_members_only,
    unread_and_mention_counts_follow_the_read_marker,
    notification_levels_decide_what_counts,
);

fn messages_path(channel: &str) -> String {
    format!("/api/v1/channels/{channel}/messages")
}

async fn reply_to(server: &TestServer, author: &TestUser, channel: &str, parent: &Value, text: &str) -> Value {
    let reply = server
        .post(
            &messages_path(channel),
            &author.access_token,
            json!({"content": text, "parent_id": parent["id"]}),
        )
        .await;
    reply.expect(201);
    reply.body
}

/// The caller's mentions as `(content, kind, read)`, newest first.
async fn mentions(server: &TestServer, user: &TestUser, query: &str) -> Vec<(String, String, bool)> {
    let reply = server
        .get(&format!("/api/v1/mentions{query}"), &user.access_token)
        .await;
    reply.expect(200);
    reply
        .items()
        .iter()
        .map(|m| {
            (
                m["message"]["content"].as_str().unwrap().to_owned(),
                m["kind"].as_str().unwrap().to_owned(),
                m["read"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn mention(content: &str, kind: &str, read: bool) -> (String, String, bool) {
    (content.to_owned(), kind.to_owned(), read)
}

/// `(unread_count, mention_count)` of the caller's entry in `GET /channels/mine`.
async fn counts(server: &TestServer, user: &TestUser, channel: &str) -> (i64, i64) {
    let entry = server.my_channel(user, channel).await;
    (
        entry["unread_count"].as_i64().unwrap(),
        entry["mention_count"].as_i64().unwrap(),
    )
}

async fn mark_read(server: &TestServer, user: &TestUser, channel: &str, message: &Value) {
    server
        .post(
            &format!("/api/v1/channels/{channel}/read"),
            &user.access_token,
            json!({"message_id": message["id"]}),
        )
        .await
        .expect(204);
}

async fn replies_gather_in_threads(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let channel = server.new_channel(&alice, "lobby", "public").await;
    server.join(&bob, &channel).await;
    let parent = server.send_message(&alice, &channel, "what shall we build?").await;
    let first = reply_to(&server, &bob, &channel, &parent, "a chat hub").await;
    assert_eq!(first["parent_id"], parent["id"]);
    let second = reply_to(&server, &alice, &channel, &parent, "in Rust").await;
    let third = reply_to(&server, &bob, &channel, &parent, "with threads").await;
    let parent_path = format!("/api/v1/messages/{}", parent["id"].as_str().unwrap());

    let thread = server.get(&format!("{parent_path}/thread"), &bob.access_token).await;
    thread.expect(200);
    assert_eq!(thread.body["parent"]["id"], parent["id"]);
    assert_eq!(thread.body["parent"]["reply_count"], 3);
    assert_eq!(thread.body["parent"]["last_reply_at"], third["created_at"]);
    let ids: Vec<&Value> = thread.items().iter().map(|m| &m["id"]).collect();
    assert_eq!(ids, [&first["id"], &second["id"], &third["id"]], "oldest first");
    assert!(thread.body["next_cursor"].is_null());

    let shown = server.get(&parent_path, &bob.access_token).await;
    assert_eq!(shown.body["reply_count"], 3);
    assert_eq!(shown.body["last_reply_at"], third["created_at"]);

    // Thread pages continue with `after`.
    let page = server
        .get(&format!("{parent_path}/thread?limit=2"), &bob.access_token)
        .await;
    page.expect(200);
    assert_eq!(page.items().len(), 2);
    assert_eq!(page.items()[1]["id"], second["id"]);
    let next = page.body["next_cursor"].as_str().expect("more replies");
    let page = server
        .get(&format!("{parent_path}/thread?limit=2&after={next}"), &bob.access_token)
        .await;
    assert_eq!(page.ids(), [third["id"].as_str().unwrap()]);
    assert!(page.body["next_cursor"].is_null());

    // Replies stay out of the channel's history and its last message.
    let history = server.get(&messages_path(&channel), &bob.access_token).await;
    assert_eq!(history.ids(), [parent["id"].as_str().unwrap()]);
    let entry = server.my_channel(&bob, &channel).await;
    assert_eq!(entry["last_message"]["id"], parent["id"]);

    // Threads are one level deep, and live in their parent's channel.
    let reply = server
        .post(
            &messages_path(&channel),
            &alice.access_token,
            json!({"content": "nested", "parent_id": first["id"]}),
        )
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "parent_id");
    let elsewhere = server.new_channel(&alice, "elsewhere", "public").await;
    let foreign = server.send_message(&alice, &elsewhere, "over here").await;
    let reply = server
        .post(
            &messages_path(&channel),
            &alice.access_token,
            json!({"content": "cross", "parent_id": foreign["id"]}),
        )
        .await;
    reply.expect_error(404, "not_found");
    assert_eq!(reply.field(), "parent_id");
    let reply = server
        .post(
            &messages_path(&channel),
            &alice.access_token,
            json!({"content": "lost", "parent_id": uuid::Uuid::now_v7().to_string()}),
        )
        .await;
    reply.expect_error(404, "not_found");
    assert_eq!(reply.field(), "parent_id");
    let thread = server.get(&format!("{parent_path}/thread"), &bob.access_token).await;
    assert_eq!(thread.items().len(), 3, "nothing refused was stored");
    server.stop().await;
}

async fn mentions_reach_members_only(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let dave = server.new_user("dave").await;
    let channel = server.new_channel(&alice, "lobby", "public").await;
    server.join(&bob, &channel).await;
    server.join(&dave, &channel).await;

    server.send_message(&alice, &channel, "hi @Bob and @carol").await;
    server.send_message(&bob, &channel, "@channel meeting at noon").await;
    server.send_message(&dave, &channel, "@here anyone?").await;
    server.send_message(&alice, &channel, "@everyone lunch").await;
    server.send_message(&alice, &channel, "mail bob@example.com").await;

    assert_eq!(
        mentions(&server, &bob, "").await,
        [
            mention("@everyone lunch", "channel", false),
            mention("@here anyone?", "here", false),
            mention("hi @Bob and @carol", "user", false),
        ]
    );
    assert_eq!(
        mentions(&server, &alice, "").await,
        [
            mention("@here anyone?", "here", false),
            mention("@channel meeting at noon", "channel", false),
        ],
        "authors are not mentioned by their own broadcasts"
    );
    assert_eq!(
        mentions(&server, &dave, "").await,
        [
            mention("@everyone lunch", "channel", false),
            mention("@channel meeting at noon", "channel", false),
        ]
    );
    assert!(
        mentions(&server, &carol, "").await.is_empty(),
        "mentions of non-members are not stored"
    );

    server.join(&carol, &channel).await;
    assert!(mentions(&server, &carol, "").await.is_empty(), "joining later does not");
    server.send_message(&bob, &channel, "welcome @carol").await;
    assert_eq!(
        mentions(&server, &carol, "").await,
        [mention("welcome @carol", "user", false)]
    );

    // Mentions page newest first with `before`.
    let page = server.get("/api/v1/mentions?limit=2", &bob.access_token).await;
    page.expect(200);
    assert_eq!(page.items().len(), 2);
    assert_eq!(page.items()[0]["message"]["channel_id"], channel.as_str());
    let next = page.body["next_cursor"].as_str().expect("one more");
    let rest = mentions(&server, &bob, &format!("?limit=2&before={next}")).await;
    assert_eq!(rest, [mention("hi @Bob and @carol", "user", false)]);
    let reply = server.get("/api/v1/mentions?limit=0", &bob.access_token).await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "limit");
    server.stop().await;
}

async fn unread_and_mention_counts_follow_the_read_marker(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let channel = server.new_channel(&alice, "lobby", "public").await;
    server.join(&bob, &channel).await;
    let first = server.send_message(&alice, &channel, "one").await;
    let second = server.send_message(&alice, &channel, "two, @bob").await;
    let third = server.send_message(&alice, &channel, "three").await;

    assert_eq!(counts(&server, &bob, &channel).await, (3, 1));
    assert_eq!(counts(&server, &alice, &channel).await, (0, 0), "own messages are read");
    assert_eq!(
        mentions(&server, &bob, "?unread_only=true").await,
        [mention("two, @bob", "user", false)]
    );

    mark_read(&server, &bob, &channel, &first).await;
    assert_eq!(counts(&server, &bob, &channel).await, (2, 1));
    mark_read(&server, &bob, &channel, &second).await;
    assert_eq!(counts(&server, &bob, &channel).await, (1, 0));
    assert!(mentions(&server, &bob, "?unread_only=true").await.is_empty());
    assert_eq!(
        mentions(&server, &bob, "?unread_only=false").await,
        [mention("two, @bob", "user", true)]
    );
    mark_read(&server, &bob, &channel, &third).await;
    assert_eq!(counts(&server, &bob, &channel).await, (0, 0));

    // The marker is set exactly where asked, backwards too.
    mark_read(&server, &bob, &channel, &first).await;
    assert_eq!(counts(&server, &bob, &channel).await, (2, 1));
    assert_eq!(mentions(&server, &bob, "").await, [mention("two, @bob", "user", false)]);
    mark_read(&server, &bob, &channel, &third).await;

    // Thread replies are not unread top-level messages; a new message is.
    reply_to(&server, &alice, &channel, &first, "a reply").await;
    assert_eq!(counts(&server, &bob, &channel).await.0, 0);
    server.send_message(&alice, &channel, "four").await;
    assert_eq!(counts(&server, &bob, &channel).await, (1, 0));

    // The message must be one of this channel's.
    let elsewhere = server.new_channel(&alice, "elsewhere", "public").await;
    let foreign = server.send_message(&alice, &elsewhere, "over here").await;
    let reply = server
        .post(
            &format!("/api/v1/channels/{channel}/read"),
            &bob.access_token,
            json!({"message_id": foreign["id"]}),
        )
        .await;
    reply.expect_error(404, "not_found");
    assert_eq!(reply.field(), "message_id");
    let reply = server
        .post(
            &format!("/api/v1/channels/{channel}/read"),
            &bob.access_token,
            json!({}),
        )
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "message_id");
    assert_eq!(counts(&server, &bob, &channel).await, (1, 0));
    server.stop().await;
}

async fn notification_levels_decide_what_counts(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let lobby = server.new_channel(&alice, "lobby", "public").await;
    let other = server.new_channel(&alice, "other", "public").await;
    server.join(&bob, &lobby).await;
    server.join(&bob, &other).await;
    let set_level = async |channel: &str, level: &str| {
        server
            .put(
                &format!("/api/v1/channels/{channel}/notifications"),
                &bob.access_token,
                json!({ "level": level }),
            )
            .await
    };

    server.send_message(&alice, &lobby, "@bob one").await;
    server.send_message(&alice, &other, "@bob elsewhere").await;
    assert_eq!(counts(&server, &bob, &lobby).await, (1, 1));

    let reply = set_level(&lobby, "mentions").await;
    reply.expect(200);
    assert_eq!(reply.body["id"], lobby.as_str());
    assert_eq!(reply.body["notify"], "mentions");
    assert_eq!(reply.body["mention_count"], 1);

    // Muted: no mention count, and the channel's mentions leave the list.
    let reply = set_level(&lobby, "nothing").await;
    reply.expect(200);
    assert_eq!(reply.body["notify"], "nothing");
    assert_eq!(reply.body["mention_count"], 0);
    server.send_message(&alice, &lobby, "@bob two").await;
    let entry = server.my_channel(&bob, &lobby).await;
    assert_eq!(entry["notify"], "nothing");
    assert_eq!(entry["mention_count"], 0);
    assert_eq!(
        mentions(&server, &bob, "").await,
        [mention("@bob elsewhere", "user", false)]
    );
    assert_eq!(
        counts(&server, &bob, &other).await,
        (1, 1),
        "other channels keep theirs"
    );

    // Unmuted, they are back.
    let reply = set_level(&lobby, "all").await;
    reply.expect(200);
    assert_eq!(reply.body["notify"], "all");
    assert_eq!(reply.body["mention_count"], 2);
    assert_eq!(
        mentions(&server, &bob, "").await,
        [
            mention("@bob two", "user", false),
            mention("@bob elsewhere", "user", false),
            mention("@bob one", "user", false),
        ]
    );

    let reply = set_level(&lobby, "loud").await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "level");
    server.stop().await;
}
