//! Channels: creating them, the directory of open channels, the caller's own channels, editing
//! and archiving.

use hub_tests::{Backend, TestServer};
use serde_json::json;

hub_tests::on_both_databases!(
    creating_a_channel_checks_its_name_and_kind,
    the_directory_lists_open_channels_by_name,
    managers_edit_channels_and_owners_archive_them,
    my_channels_show_role_counts_and_last_message,
    unknown_channels_are_not_found,
);

async fn creating_a_channel_checks_its_name_and_kind(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let token = &alice.access_token;
    let create = async |body: serde_json::Value| server.post("/api/v1/channels", token, body).await;

    let reply = create(json!({
        "name": " General ",
        "kind": "public",
        "description": "Everything",
        "topic": "Welcome",
    }))
    .await;
    reply.expect(201);
    let channel = &reply.body;
    assert!(channel["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(channel["name"], "general", "names are trimmed and lowercased");
    assert_eq!(channel["kind"], "public");
    assert_eq!(channel["description"], "Everything");
    assert_eq!(channel["topic"], "Welcome");
    assert_eq!(channel["created_by"], alice.id.as_str());
    assert_eq!(channel["archived"], false);
    assert_eq!(channel["member_count"], 1);
    assert_eq!(channel["role"], "owner", "the creator owns the channel");
    assert_eq!(channel["notify"], "all");
    assert_eq!(channel["unread_count"], 0);
    assert_eq!(channel["mention_count"], 0);
    assert!(channel["last_message"].is_null());
    assert!(
        channel.get("members").is_none(),
        "only direct conversations list their members"
    );

    for kind in ["private", "voice"] {
        let reply = create(json!({"name": format!("a-{kind}"), "kind": kind})).await;
        reply.expect(201);
        assert_eq!(reply.body["kind"], kind);
        assert_eq!(reply.body["description"], "");
    }

    // Names are unique whatever their case and kind.
    create(json!({"name": "GENERAL", "kind": "public"}))
        .await
        .expect_error(409, "channel_name_taken");
    create(json!({"name": "general", "kind": "private"}))
        .await
        .expect_error(409, "channel_name_taken");

    for bad in ["", "two words", "-lead", "ünïcode"] {
        let reply = create(json!({"name": bad, "kind": "public"})).await;
        reply.expect_error(422, "invalid_input");
        assert_eq!(reply.field(), "name", "{bad:?}");
    }
    let reply = create(json!({"name": "x".repeat(81), "kind": "public"})).await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "name");
    assert_eq!(reply.body["error"]["details"]["max_length"], 80);
    create(json!({"name": "x".repeat(80), "kind": "public"}))
        .await
        .expect(201);

    for kind in ["dm", "bogus"] {
        let reply = create(json!({"name": "somewhere", "kind": kind})).await;
        reply.expect_error(422, "invalid_input");
        assert_eq!(reply.field(), "kind", "kind {kind}");
    }
    let reply = create(json!({"name": "somewhere"})).await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "kind");
    let reply = create(json!({"name": "somewhere", "kind": "public", "description": "d".repeat(251)})).await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "description");
    server.stop().await;
}

async fn the_directory_lists_open_channels_by_name(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    server.new_channel(&alice, "beta", "public").await;
    server.new_channel(&alice, "alpha", "public").await;
    server.new_channel(&alice, "gamma", "voice").await;
    server.new_channel(&alice, "secret", "private").await;
    let old = server.new_channel(&alice, "old", "public").await;
    server
        .delete(&format!("/api/v1/channels/{old}"), &alice.access_token)
        .await
        .expect(204);
    server
        .post("/api/v1/dms", &alice.access_token, json!({"user_ids": [bob.id]}))
        .await
        .expect(201);

    // Anyone signed in sees the open channels, members or not, in name order.
    let names = |reply: &hub_tests::Reply| -> Vec<String> {
        reply
            .items()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = server.get("/api/v1/channels", &bob.access_token).await;
    all.expect(200);
    assert_eq!(names(&all), ["alpha", "beta", "gamma"]);
    assert_eq!(all.items()[2]["kind"], "voice");
    assert!(all.body["next_cursor"].is_null());

    let found = server.get("/api/v1/channels?q=ALP", &bob.access_token).await;
    found.expect(200);
    assert_eq!(names(&found), ["alpha"]);
    let found = server.get("/api/v1/channels?q=sec", &bob.access_token).await;
    assert_eq!(names(&found), Vec::<String>::new(), "private channels stay hidden");

    // Pages of one walk the same list once.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/channels?limit=1&cursor={cursor}"),
            None => "/api/v1/channels?limit=1".to_owned(),
        };
        let page = server.get(&path, &bob.access_token).await;
        page.expect(200);
        assert!(page.items().len() <= 1);
        seen.extend(names(&page));
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(seen.len() <= 3, "paging does not end: {seen:?}");
    }
    assert_eq!(seen, ["alpha", "beta", "gamma"]);

    let reply = server.get("/api/v1/channels?limit=0", &bob.access_token).await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "limit");
    server
        .call(reqwest::Method::GET, "/api/v1/channels", None, None)
        .await
        .expect(401);
    server.stop().await;
}

async fn managers_edit_channels_and_owners_archive_them(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let id = server.new_channel(&alice, "plans", "public").await;
    server.new_channel(&alice, "taken", "public").await;
    server.join(&bob, &id).await;
    let path = format!("/api/v1/channels/{id}");
    let before = server.send_message(&bob, &id, "before the archive").await;

    let reply = server
        .patch(
            &path,
            &alice.access_token,
            json!({"name": "Roadmap", "description": "Where we go", "topic": "Q3"}),
        )
        .await;
    reply.expect(200);
    assert_eq!(reply.body["id"], id.as_str());
    assert_eq!(reply.body["name"], "roadmap");
    assert_eq!(reply.body["description"], "Where we go");
    assert_eq!(reply.body["topic"], "Q3");

    // Absent fields stay as they are.
    let reply = server.patch(&path, &alice.access_token, json!({"topic": "Q4"})).await;
    reply.expect(200);
    assert_eq!(reply.body["description"], "Where we go");
    assert_eq!(reply.body["topic"], "Q4");
    let shown = server.get(&path, &bob.access_token).await;
    shown.expect(200);
    assert_eq!(shown.body["name"], "roadmap");
    assert_eq!(shown.body["topic"], "Q4");
    assert_eq!(shown.body["member_count"], 2);
    assert_eq!(shown.body["archived"], false);

    server
        .patch(&path, &alice.access_token, json!({"name": "TAKEN"}))
        .await
        .expect_error(409, "channel_name_taken");
    let reply = server
        .patch(&path, &alice.access_token, json!({"name": "no spaces"}))
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "name");
    server
        .patch(&path, &bob.access_token, json!({"topic": "mine now"}))
        .await
        .expect_error(403, "forbidden");

    // Archiving keeps the channel and its history readable, and closes it to anything new.
    server
        .delete(&path, &bob.access_token)
        .await
        .expect_error(403, "forbidden");
    server.delete(&path, &alice.access_token).await.expect(204);
    let shown = server.get(&path, &bob.access_token).await;
    shown.expect(200);
    assert_eq!(shown.body["archived"], true);
    assert!(shown.body["archived_at"].is_string());
    let history = server.get(&format!("{path}/messages"), &bob.access_token).await;
    history.expect(200);
    assert_eq!(history.ids(), [before["id"].as_str().unwrap()]);
    server
        .post(
            &format!("{path}/messages"),
            &bob.access_token,
            json!({"content": "after the archive"}),
        )
        .await
        .expect_error(403, "forbidden");
    let carol = server.new_user("carol").await;
    server
        .post(&format!("{path}/join"), &carol.access_token, json!({}))
        .await
        .expect_error(403, "forbidden");
    let directory = server.get("/api/v1/channels", &bob.access_token).await;
    assert!(!directory.ids().contains(&id), "archived channels leave the directory");
    server.stop().await;
}

async fn my_channels_show_role_counts_and_last_message(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let shared = server.new_channel(&alice, "shared", "public").await;
    let bobs = server.new_channel(&bob, "bobs", "private").await;
    let elsewhere = server.new_channel(&alice, "elsewhere", "public").await;
    let joined = server
        .post(&format!("/api/v1/channels/{shared}/join"), &bob.access_token, json!({}))
        .await;
    joined.expect(200);
    assert_eq!(joined.body["role"], "member");
    assert_eq!(joined.body["member_count"], 2);
    server.send_message(&alice, &shared, "first").await;
    let last = server.send_message(&alice, &shared, "second").await;

    let mine = server.get("/api/v1/channels/mine", &bob.access_token).await;
    mine.expect(200);
    assert!(mine.body["next_cursor"].is_null());
    let mut ids = mine.ids();
    ids.sort();
    let mut expected = vec![shared.clone(), bobs.clone()];
    expected.sort();
    assert_eq!(ids, expected, "only the channels bob is in");
    assert!(!mine.ids().contains(&elsewhere));

    let entry = server.my_channel(&bob, &shared).await;
    assert_eq!(entry["name"], "shared");
    assert_eq!(entry["kind"], "public");
    assert_eq!(entry["role"], "member");
    assert_eq!(entry["notify"], "all");
    assert_eq!(entry["unread_count"], 2);
    assert_eq!(entry["mention_count"], 0);
    assert_eq!(entry["last_message"]["id"], last["id"]);
    assert_eq!(entry["last_message"]["content"], "second");
    assert!(entry["last_message_at"].is_string());

    let own = server.my_channel(&bob, &bobs).await;
    assert_eq!(own["role"], "owner");
    assert_eq!(own["kind"], "private");
    assert!(own["last_message"].is_null());

    // Alice's own messages are not unread to her.
    let entry = server.my_channel(&alice, &shared).await;
    assert_eq!(entry["role"], "owner");
    assert_eq!(entry["unread_count"], 0);
    server.stop().await;
}

async fn unknown_channels_are_not_found(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let token = &alice.access_token;
    let nowhere = format!("/api/v1/channels/{}", uuid::Uuid::now_v7());
    server.get(&nowhere, token).await.expect_error(404, "not_found");
    server
        .patch(&nowhere, token, json!({"topic": "x"}))
        .await
        .expect_error(404, "not_found");
    server
        .post(&format!("{nowhere}/join"), token, json!({}))
        .await
        .expect_error(404, "not_found");
    server
        .get(&format!("{nowhere}/messages"), token)
        .await
        .expect_error(404, "not_found");
    server
        .post(&format!("{nowhere}/messages"), token, json!({"content": "hello?"}))
        .await
        .expect_error(404, "not_found");
    server
        .get(&format!("/api/v1/messages/{}", uuid::Uuid::now_v7()), token)
        .await
        .expect_error(404, "not_found");
    server
        .get("/api/v1/channels/not-an-id", token)
        .await
        .expect_error(404, "not_found");
    server.stop().await;
}
