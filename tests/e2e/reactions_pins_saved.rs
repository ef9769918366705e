//! Reactions (the catalog, custom ones, reacting by code or glyph), pins and saved messages.

use hub_tests::{Backend, TestServer, TestUser};
use reqwest::Method;
use serde_json::{Value, json};

hub_tests::on_both_databases!(
    the_reaction_catalog_and_custom_reactions,
    reactions_count_each_person_once,
    pins_are_kept_by_channel_admins,
    saved_messages_are_private_to_the_saver,
);

/// `👍`, percent-encoded for a path.
const THUMBSUP_GLYPH: &str = "%F0%9F%91%8D";
/// `🦀`, which is not in the catalog.
const CRAB_GLYPH: &str = "%F0%9F%A6%80";

fn message_path(message: &Value) -> String {
    format!("/api/v1/messages/{}", message["id"].as_str().unwrap())
}

async fn react(server: &TestServer, user: &TestUser, message: &Value, emoji: &str) -> hub_tests::Reply {
    server
        .bodiless(
            Method::PUT,
            &format!("{}/reactions/{emoji}", message_path(message)),
            &user.access_token,
        )
        .await
}

async fn unreact(server: &TestServer, user: &TestUser, message: &Value, emoji: &str) -> hub_tests::Reply {
    server
        .delete(
            &format!("{}/reactions/{emoji}", message_path(message)),
            &user.access_token,
        )
        .await
}

/// A message's reactions as `viewer` sees them, sorted by code.
async fn reactions_seen_by(server: &TestServer, viewer: &TestUser, message: &Value) -> Vec<Value> {
    let reply = server.get(&message_path(message), &viewer.access_token).await;
    reply.expect(200);
    let mut reactions = reply.body["reactions"].as_array().unwrap().clone();
    reactions.sort_by_key(|r| r["emoji"].as_str().unwrap().to_owned());
    reactions
}

async fn the_reaction_catalog_and_custom_reactions(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let bob = server.new_user("bob").await;
    let root = server.new_admin("siteadmin").await;

    let catalog = server.get("/api/v1/reactions", &bob.access_token).await;
    catalog.expect(200);
    let entry = |code: &str| {
        catalog
            .items()
            .iter()
            .find(|r| r["emoji"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("{code} is in the catalog: {}", catalog.body))
    };
    let thumbsup = entry("thumbsup");
    assert_eq!(thumbsup["glyph"], "👍");
    assert_eq!(thumbsup["custom"], false);
    assert!(thumbsup["image_url"].is_null());
    for code in ["heart", "smile", "tada", "eyes"] {
        let system = entry(code);
        assert!(system["glyph"].is_string(), "{code}");
        assert_eq!(system["custom"], false);
    }

    let parrot = json!({"emoji": "party_parrot", "image_url": "https://img.example/parrot.gif"});
    server
        .post("/api/v1/reactions", &bob.access_token, parrot.clone())
        .await
        .expect_error(403, "forbidden");
    let created = server
        .post("/api/v1/reactions", &root.access_token, parrot.clone())
        .await;
    created.expect(201);
    assert_eq!(created.body["emoji"], "party_parrot");
    assert_eq!(created.body["custom"], true);
    assert_eq!(created.body["image_url"], "https://img.example/parrot.gif");
    assert!(created.body["glyph"].is_null());
    server
        .post("/api/v1/reactions", &root.access_token, parrot)
        .await
        .expect_error(409, "conflict");
    server
        .post(
            "/api/v1/reactions",
            &root.access_token,
            json!({"emoji": "thumbsup", "image_url": "https://img.example/up.png"}),
        )
        .await
        .expect_error(409, "conflict");
    let reply = server
        .post(
            "/api/v1/reactions",
            &root.access_token,
            json!({"emoji": "two words", "image_url": "https://img.example/x.png"}),
        )
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "emoji");
    let reply = server
        .post(
            "/api/v1/reactions",
            &root.access_token,
            json!({"emoji": "sneaky", "image_url": "javascript:alert(1)"}),
        )
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "image_url");

    let catalog = server.get("/api/v1/reactions", &bob.access_token).await;
    let custom: Vec<&Value> = catalog.items().iter().filter(|r| r["custom"] == true).collect();
    assert_eq!(custom.len(), 1);
    assert_eq!(custom[0]["emoji"], "party_parrot");

    // A custom reaction is used like any other.
    let channel = server.new_channel(&bob, "lobby", "public").await;
    let message = server.send_message(&bob, &channel, "party").await;
    react(&server, &bob, &message, "party_parrot").await.expect(204);
    assert_eq!(
        reactions_seen_by(&server, &bob, &message).await,
        [json!({"emoji": "party_parrot", "count": 1, "me": true})]
    );
    server.stop().await;
}

async fn reactions_count_each_person_once(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let channel = server.new_channel(&alice, "lobby", "public").await;
    server.join(&bob, &channel).await;
    server.join(&carol, &channel).await;
    let message = server.send_message(&alice, &channel, "ship it?").await;

    react(&server, &bob, &message, "thumbsup").await.expect(204);
    react(&server, &bob, &message, "thumbsup").await.expect(204);
    // The glyph names the same reaction.
    react(&server, &carol, &message, THUMBSUP_GLYPH).await.expect(204);
    react(&server, &bob, &message, "heart").await.expect(204);

    assert_eq!(
        reactions_seen_by(&server, &alice, &message).await,
        [
            json!({"emoji": "heart", "count": 1, "me": false}),
            json!({"emoji": "thumbsup", "count": 2, "me": false}),
        ]
    );
    assert_eq!(
        reactions_seen_by(&server, &bob, &message).await,
        [
            json!({"emoji": "heart", "count": 1, "me": true}),
            json!({"emoji": "thumbsup", "count": 2, "me": true}),
        ]
    );
    let who = server
        .get(&format!("{}/reactions", message_path(&message)), &carol.access_token)
        .await;
    who.expect(200);
    let thumbs = who
        .items()
        .iter()
        .find(|r| r["emoji"] == "thumbsup")
        .expect("thumbsup listed");
    assert_eq!(thumbs["count"], 2);
    assert_eq!(thumbs["me"], true);
    let mut user_ids: Vec<&str> = thumbs["user_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap())
        .collect();
    user_ids.sort_unstable();
    let mut expected = vec![bob.id.as_str(), carol.id.as_str()];
    expected.sort_unstable();
    assert_eq!(user_ids, expected);

    // History shows the same counts.
    let history = server
        .get(&format!("/api/v1/channels/{channel}/messages"), &bob.access_token)
        .await;
    let listed = &history.items()[0]["reactions"];
    assert!(
        listed
            .as_array()
            .unwrap()
            .contains(&json!({"emoji": "thumbsup", "count": 2, "me": true}))
    );

    unreact(&server, &bob, &message, "thumbsup").await.expect(204);
    unreact(&server, &bob, &message, "thumbsup").await.expect(204);
    assert_eq!(
        reactions_seen_by(&server, &bob, &message).await,
        [
            json!({"emoji": "heart", "count": 1, "me": true}),
            json!({"emoji": "thumbsup", "count": 1, "me": false}),
        ]
    );
    unreact(&server, &carol, &message, THUMBSUP_GLYPH).await.expect(204);
    unreact(&server, &bob, &message, "heart").await.expect(204);
    assert!(reactions_seen_by(&server, &alice, &message).await.is_empty());

    for unknown in ["not_an_emoji", CRAB_GLYPH] {
        react(&server, &bob, &message, unknown)
            .await
            .expect_error(404, "not_found");
    }
    assert!(reactions_seen_by(&server, &alice, &message).await.is_empty());
    server.stop().await;
}

async fn pins_are_kept_by_channel_admins(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let channel = server.new_channel(&alice, "lobby", "public").await;
    server.join(&bob, &channel).await;
    server.join(&carol, &channel).await;
    server
        .put(
            &format!("/api/v1/channels/{channel}/members/{}/role", bob.id),
            &alice.access_token,
            json!({"role": "admin"}),
        )
        .await
        .expect(200);
    let first = server.send_message(&carol, &channel, "the plan").await;
    let second = server.send_message(&carol, &channel, "the date").await;
    let pin_path = |message: &Value| format!("/api/v1/channels/{channel}/pins/{}", message["id"].as_str().unwrap());
    let pinned_ids = async || {
        let pins = server
            .get(&format!("/api/v1/channels/{channel}/pins"), &carol.access_token)
            .await;
        pins.expect(200);
        let mut ids: Vec<String> = pins
            .items()
            .iter()
            .map(|p| p["message"]["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };

    server
        .bodiless(Method::PUT, &pin_path(&first), &carol.access_token)
        .await
        .expect_error(403, "forbidden");
    let pin = server.bodiless(Method::PUT, &pin_path(&first), &bob.access_token).await;
    pin.expect(200);
    assert_eq!(pin.body["message"]["id"], first["id"]);
    assert_eq!(pin.body["message"]["content"], "the plan");
    assert_eq!(pin.body["pinned_by"], bob.id.as_str());
    assert!(pin.body["pinned_at"].is_string());
    let again = server.bodiless(Method::PUT, &pin_path(&first), &bob.access_token).await;
    again.expect(200);
    assert_eq!(again.body["message"]["id"], first["id"]);
    assert_eq!(pinned_ids().await, [first["id"].as_str().unwrap()], "pinned once");
    server
        .bodiless(Method::PUT, &pin_path(&second), &alice.access_token)
        .await
        .expect(200);
    let mut both = vec![
        first["id"].as_str().unwrap().to_owned(),
        second["id"].as_str().unwrap().to_owned(),
    ];
    both.sort();
    assert_eq!(pinned_ids().await, both);

    server
        .delete(&pin_path(&first), &carol.access_token)
        .await
        .expect_error(403, "forbidden");
    server.delete(&pin_path(&first), &alice.access_token).await.expect(204);
    assert_eq!(pinned_ids().await, [second["id"].as_str().unwrap()]);

    // Only this channel's messages can be pinned here.
    let elsewhere = server.new_channel(&alice, "elsewhere", "public").await;
    let foreign = server.send_message(&alice, &elsewhere, "over here").await;
    let reply = server
        .bodiless(Method::PUT, &pin_path(&foreign), &alice.access_token)
        .await;
    reply.expect_error(404, "not_found");
    assert_eq!(reply.field(), "message_id");
    assert_eq!(pinned_ids().await, [second["id"].as_str().unwrap()]);

    // In a direct conversation either person pins.
    let dm = server
        .post("/api/v1/dms", &alice.access_token, json!({"user_ids": [carol.id]}))
        .await;
    dm.expect(201);
    let dm = dm.body["id"].as_str().unwrap().to_owned();
    let note = server.send_message(&alice, &dm, "remember this").await;
    server
        .bodiless(
            Method::PUT,
            &format!("/api/v1/channels/{dm}/pins/{}", note["id"].as_str().unwrap()),
            &carol.access_token,
        )
        .await
        .expect(200);
    server.stop().await;
}

async fn saved_messages_are_private_to_the_saver(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let channel = server.new_channel(&alice, "lobby", "public").await;
    server.join(&bob, &channel).await;
    let first = server.send_message(&alice, &channel, "keep this").await;
    let second = server.send_message(&alice, &channel, "and this").await;
    let save_path = |message: &Value| format!("/api/v1/users/me/saved/{}", message["id"].as_str().unwrap());
    let saved = async |user: &TestUser| {
        let reply = server.get("/api/v1/users/me/saved", &user.access_token).await;
        reply.expect(200);
        reply.items().to_vec()
    };

    server
        .bodiless(Method::PUT, &save_path(&first), &bob.access_token)
        .await
        .expect(204);
    server
        .bodiless(Method::PUT, &save_path(&second), &bob.access_token)
        .await
        .expect(204);
    let list = saved(&bob).await;
    let contents: Vec<&str> = list.iter().map(|s| s["message"]["content"].as_str().unwrap()).collect();
    assert_eq!(contents, ["and this", "keep this"], "newest saved first");
    assert!(list.iter().all(|s| s["saved_at"].is_string()));
    assert!(saved(&alice).await.is_empty(), "saves are the saver's alone");

    server
        .bodiless(Method::PUT, &save_path(&first), &bob.access_token)
        .await
        .expect(204);
    assert_eq!(saved(&bob).await.len(), 2, "saving twice keeps one entry");

    server.delete(&save_path(&second), &bob.access_token).await.expect(204);
    let list = saved(&bob).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["message"]["id"], first["id"]);

    server
        .bodiless(
            Method::PUT,
            &format!("/api/v1/users/me/saved/{}", uuid::Uuid::now_v7()),
            &bob.access_token,
        )
        .await
        .expect_error(404, "not_found");
    server.stop().await;
}
