//! Direct conversations: the same people always get the same conversation, and nobody else
//! (not even a site admin) sees it.

use hub_tests::{Backend, TestServer};
use reqwest::Method;
use serde_json::json;

hub_tests::on_both_databases!(
    the_same_people_get_the_same_conversation,
    direct_conversations_are_only_for_their_people,
);

async fn the_same_people_get_the_same_conversation(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let start = async |token: &str, user_ids: Vec<&str>| {
        server.post("/api/v1/dms", token, json!({ "user_ids": user_ids })).await
    };

    let created = start(&alice.access_token, vec![bob.id.as_str()]).await;
    created.expect(201);
    let pair = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.body["kind"], "dm");
    let mut members: Vec<&str> = created.body["members"]
        .as_array()
        .expect("a conversation lists its members")
        .iter()
        .map(|m| m["username"].as_str().unwrap())
        .collect();
    members.sort_unstable();
    assert_eq!(members, ["alice", "bob"], "the caller is included");
    assert_eq!(created.body["member_count"], 2);

    // Asked again, in any order, with or without the caller: the same conversation.
    for (token, ids) in [
        (&bob.access_token, vec![alice.id.as_str()]),
        (&alice.access_token, vec![alice.id.as_str(), bob.id.as_str()]),
        (&bob.access_token, vec![alice.id.as_str(), bob.id.as_str()]),
    ] {
        let found = start(token, ids.clone()).await;
        found.expect(200);
        assert_eq!(found.body["id"], pair.as_str(), "{ids:?}");
    }

    let group = start(&alice.access_token, vec![bob.id.as_str(), carol.id.as_str()]).await;
    group.expect(201);
    let group_id = group.body["id"].as_str().unwrap().to_owned();
    assert_ne!(group_id, pair);
    assert_eq!(group.body["members"].as_array().unwrap().len(), 3);
    let found = start(&carol.access_token, vec![bob.id.as_str(), alice.id.as_str()]).await;
    found.expect(200);
    assert_eq!(found.body["id"], group_id.as_str());

    // Both show among each person's channels, with their members; they talk there.
    let entry = server.my_channel(&bob, &pair).await;
    assert_eq!(entry["kind"], "dm");
    assert_eq!(entry["members"].as_array().unwrap().len(), 2);
    server.send_message(&bob, &pair, "hi alice").await;
    let entry = server.my_channel(&alice, &pair).await;
    assert_eq!(entry["unread_count"], 1);
    assert_eq!(entry["last_message"]["content"], "hi alice");
    assert!(server.my_channel(&carol, &group_id).await.is_object());
    assert!(server.my_channel(&carol, &pair).await.is_null());

    start(&alice.access_token, vec![])
        .await
        .expect_error(422, "invalid_input");
    let reply = server.post("/api/v1/dms", &alice.access_token, json!({})).await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "user_ids");
    let unknown = uuid::Uuid::now_v7().to_string();
    start(&alice.access_token, vec![bob.id.as_str(), unknown.as_str()])
        .await
        .expect_error(404, "not_found");
    server.stop().await;
}

async fn direct_conversations_are_only_for_their_people(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let eve = server.new_user("eve").await;
    let root = server.new_admin("siteadmin").await;
    let dm = server
        .post("/api/v1/dms", &alice.access_token, json!({"user_ids": [bob.id]}))
        .await;
    dm.expect(201);
    let dm = dm.body["id"].as_str().unwrap().to_owned();
    let message = server.send_message(&alice, &dm, "just us").await;
    let message_path = format!("/api/v1/messages/{}", message["id"].as_str().unwrap());

    for outsider in [&eve, &root] {
        let token = &outsider.access_token;
        server
            .get(&format!("/api/v1/channels/{dm}"), token)
            .await
            .expect_error(404, "not_found");
        server
            .get(&format!("/api/v1/channels/{dm}/messages"), token)
            .await
            .expect_error(404, "not_found");
        server.get(&message_path, token).await.expect_error(404, "not_found");
        server.delete(&message_path, token).await.expect_error(404, "not_found");
        server
            .post(&format!("/api/v1/channels/{dm}/join"), token, json!({}))
            .await
            .expect_error(404, "not_found");
    }
    let directory = server.get("/api/v1/channels", &alice.access_token).await;
    directory.expect(200);
    assert!(!directory.ids().contains(&dm), "conversations are not listed");

    server
        .bodiless(Method::POST, &format!("/api/v1/channels/{dm}/leave"), &bob.access_token)
        .await
        .expect_error(403, "forbidden");
    server
        .post(
            &format!("/api/v1/channels/{dm}/members"),
            &alice.access_token,
            json!({"user_id": eve.id}),
        )
        .await
        .expect_error(403, "forbidden");
    server.get(&message_path, &bob.access_token).await.expect(200);
    server.stop().await;
}
