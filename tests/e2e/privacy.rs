//! A person's data: the export holds everything they made; erasure leaves no trace of the text
//! (rows, edit history, event logs, and on SQLite the database files' bytes) except the
//! evidence captured in reports; closing an account ends everything.

use hub_tests::{Backend, TestServer, TestUser};
use serde_json::{Value, json};

hub_tests::on_both_databases!(
    the_export_contains_every_item_the_user_made,
    erased_text_leaves_no_trace_but_report_evidence,
    closing_an_account_ends_it_everywhere,
);

/// A marker nobody else would write, so finding it anywhere means it was not erased.
fn secret(label: &str) -> String {
    format!("{label}-{}", uuid::Uuid::now_v7().simple())
}

struct Made {
    message: Value,
    post: Value,
    comment: Value,
}

/// Alice makes one of everything in Bob's company.
async fn make_everything(server: &TestServer, alice: &TestUser, bob: &TestUser) -> Made {
    let general = server.new_channel(bob, "general", "public").await;
    server.join(alice, &general).await;
    let message = server.send_message(alice, &general, &secret("message")).await;
    let others = server.send_message(bob, &general, "bob's").await;
    let id = |value: &Value| value["id"].as_str().unwrap().to_owned();
    server
        .put(
            &format!("/api/v1/messages/{}/reactions/thumbsup", id(&others)),
            &alice.access_token,
            json!({}),
        )
        .await
        .expect(204);
    server
        .put(
            &format!("/api/v1/users/me/saved/{}", id(&others)),
            &alice.access_token,
            json!({}),
        )
        .await
        .expect(204);
    let post = server
        .post(
            "/api/v1/posts",
            &alice.access_token,
            json!({"title": secret("post"), "body": secret("body")}),
        )
        .await
        .body;
    let bobs_post = server
        .post("/api/v1/posts", &bob.access_token, json!({"title": "bob's post"}))
        .await
        .body;
    let comment = server
        .post(
            &format!("/api/v1/posts/{}/comments", id(&bobs_post)),
            &alice.access_token,
            json!({"body": secret("comment")}),
        )
        .await
        .body;
    server
        .post(
            &format!("/api/v1/posts/{}/vote", id(&bobs_post)),
            &alice.access_token,
            json!({"value": 1}),
        )
        .await
        .expect(200);
    let carol = server.new_user("carol").await;
    server
        .post(
            "/api/v1/chat-requests",
            &alice.access_token,
            json!({"to_user_id": carol.id}),
        )
        .await
        .expect(201);
    server
        .put(
            &format!("/api/v1/users/me/mutes/{}", carol.id),
            &alice.access_token,
            json!({}),
        )
        .await
        .expect(204);
    Made { message, post, comment }
}

async fn the_export_contains_every_item_the_user_made(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let made = make_everything(&server, &alice, &bob).await;
    server
        .post(
            "/api/v1/reports",
            &alice.access_token,
            json!({"target_type": "user", "target_id": bob.id, "reason": "spam"}),
        )
        .await
        .expect(201);

    let response = server
        .http
        .get(server.url("/api/v1/users/me/export"))
        .bearer_auth(&alice.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let export: Value = response.json().await.expect("the export is one JSON document");
    assert_eq!(export["account"]["username"], "alice");
    assert_eq!(export["messages"][0]["id"], made.message["id"]);
    assert_eq!(export["messages"][0]["content"], made.message["content"]);
    assert_eq!(export["posts"][0]["title"], made.post["title"]);
    assert_eq!(export["comments"][0]["body"], made.comment["body"]);
    assert_eq!(export["post_votes"].as_array().unwrap().len(), 1);
    assert_eq!(export["reactions"][0]["value"], "thumbsup");
    assert_eq!(export["saved_messages"].as_array().unwrap().len(), 1);
    assert_eq!(export["chat_requests_sent"].as_array().unwrap().len(), 1);
    assert_eq!(export["mutes"].as_array().unwrap().len(), 1);
    assert!(export["blocks"].as_array().unwrap().is_empty());
    assert_eq!(export["reports"].as_array().unwrap().len(), 1);
    assert!(export["channels"].as_array().unwrap().len() == 1);
    let bobs = server.get("/api/v1/users/me/export", &bob.access_token).await;
    assert!(
        bobs.body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["author_id"] == bob.id.as_str())
    );
    server.stop().await;
}

async fn erased_text_leaves_no_trace_but_report_evidence(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let admin = server.new_admin("mod").await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let made = make_everything(&server, &alice, &bob).await;
    let id = |value: &Value| value["id"].as_str().unwrap().to_owned();
    let channel = made.message["channel_id"].as_str().unwrap().to_owned();
    // One message edited (its first version is history), one reported (its evidence stays).
    let edited_first = secret("first-version");
    let edited = server.send_message(&alice, &channel, &edited_first).await;
    server
        .patch(
            &format!("/api/v1/messages/{}", id(&edited)),
            &alice.access_token,
            json!({"content": secret("second")}),
        )
        .await
        .expect(200);
    let reported = server.send_message(&alice, &channel, &secret("reported")).await;
    let report = server
        .post(
            "/api/v1/reports",
            &bob.access_token,
            json!({"target_type": "message", "target_id": reported["id"], "reason": "harassment"}),
        )
        .await;
    report.expect(201);
    let gone = vec![
        made.message["content"].as_str().unwrap().to_owned(),
        made.post["title"].as_str().unwrap().to_owned(),
        made.post["body"].as_str().unwrap().to_owned(),
        made.comment["body"].as_str().unwrap().to_owned(),
        edited_first,
    ];

    for (path, at_least) in [("messages", 3), ("posts", 1), ("comments", 1)] {
        let erased = server
            .delete(&format!("/api/v1/users/me/{path}"), &alice.access_token)
            .await;
        erased.expect(200);
        assert!(
            erased.body["erased"].as_u64().unwrap() >= at_least,
            "{path}: {}",
            erased.body
        );
    }
    // Tombstones keep threads and trees: the places stay, the text does not.
    let message = server
        .get(&format!("/api/v1/messages/{}", id(&made.message)), &bob.access_token)
        .await;
    assert_eq!(
        (message.body["deleted"].clone(), message.body["content"].clone()),
        (json!(true), json!(""))
    );
    let versions = server
        .get(&format!("/api/v1/messages/{}/history", id(&edited)), &bob.access_token)
        .await;
    assert!(versions.items().is_empty(), "no edit history left: {}", versions.body);
    let post = server
        .get(&format!("/api/v1/posts/{}", id(&made.post)), &bob.access_token)
        .await;
    assert_eq!(post.body["deleted"], true);

    // Resume replays the logs from the start: nothing of the text.
    let socket = server
        .ws_resume(&bob.access_token, json!({channel.clone(): 0, "forum": 0}))
        .await;
    for text in &gone {
        assert!(
            !socket.saw(|frame| frame.to_string().contains(text.as_str())),
            "replayed: {text}"
        );
    }

    // Moderators still see what was reported.
    let detail = server
        .get(
            &format!("/api/v1/admin/reports/{}", report.body["id"].as_str().unwrap()),
            &admin.access_token,
        )
        .await;
    assert_eq!(detail.body["evidence"]["message"]["content"], reported["content"]);
    assert_eq!(detail.body["current"]["deleted"], true);

    // On SQLite, not in the bytes of the database files either (the erasure folds the WAL).
    if matches!(backend, Backend::Sqlite) {
        let database = server.config.data_dir.join("hub.db");
        let mut bytes = std::fs::read(&database).unwrap();
        bytes.extend(std::fs::read(database.with_extension("db-wal")).unwrap_or_default());
        let evidence = reported["content"].as_str().unwrap();
        assert!(contains(&bytes, evidence), "the check can find text that is there");
        for text in &gone {
            assert!(!contains(&bytes, text), "{text} is still in the database files");
        }
    }
    server.stop().await;
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle.as_bytes())
}

async fn closing_an_account_ends_it_everywhere(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let made = make_everything(&server, &alice, &bob).await;
    let mut socket = server.ws_connect(&alice.access_token).await;
    let wrong = server
        .call(
            reqwest::Method::DELETE,
            "/api/v1/users/me",
            Some(&alice.access_token),
            Some(json!({"password": "not it"})),
        )
        .await;
    wrong.expect_error(401, "invalid_credentials");
    server
        .call(
            reqwest::Method::DELETE,
            "/api/v1/users/me",
            Some(&alice.access_token),
            Some(json!({"password": hub_tests::PASSWORD})),
        )
        .await
        .expect(204);
    assert_eq!(socket.close_code().await, Some(4004));
    let me = server.get("/api/v1/auth/me", &alice.access_token).await;
    assert_ne!(me.status.as_u16(), 200, "{}", me.body);
    server
        .login("alice", hub_tests::PASSWORD)
        .await
        .expect_error(401, "invalid_credentials");
    server
        .post_anon(
            "/api/v1/auth/register",
            json!({"username": "alice", "password": hub_tests::PASSWORD}),
        )
        .await
        .expect_error(409, "username_taken");
    let message = server
        .get(
            &format!("/api/v1/messages/{}", made.message["id"].as_str().unwrap()),
            &bob.access_token,
        )
        .await;
    assert_eq!(message.body["deleted"], true, "content erased by default");
    let profile = server
        .get(&format!("/api/v1/users/{}", alice.id), &bob.access_token)
        .await;
    profile.expect_error(404, "not_found");
    server.stop().await;
}
