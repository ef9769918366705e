//! Search as a front end uses it: what is found follows what is written, edited and deleted at
//! once; nothing comes back that the searcher may not read or does not want to hear; bad
//! queries are 422s on `q`; results are ranked, highlighted, filtered and paged.

use hub_tests::{Backend, TestServer, TestUser};
use serde_json::json;

hub_tests::on_both_databases!(
    search_follows_edits_and_deletes,
    search_finds_only_what_the_searcher_may_read,
    a_message_acked_over_the_gateway_is_found_by_the_next_search,
    malformed_queries_are_422_never_500,
    phrases_prefixes_filters_and_paging,
    channels_people_and_the_forum,
);

/// `q` as a query-string value.
fn encode(q: &str) -> String {
    q.bytes()
        .map(|byte| match byte.is_ascii_alphanumeric() {
            true => char::from(byte).to_string(),
            false => format!("%{byte:02X}"),
        })
        .collect()
}

async fn search(server: &TestServer, user: &TestUser, kind: &str, query: &str) -> hub_tests::Reply {
    server
        .get(&format!("/api/v1/search/{kind}?{query}"), &user.access_token)
        .await
}

/// The contents of the messages `user` finds for `q`, in result order.
async fn found(server: &TestServer, user: &TestUser, q: &str) -> Vec<String> {
    let reply = search(server, user, "messages", &format!("q={}", encode(q))).await;
    reply.expect(200);
    reply
        .items()
        .iter()
        .map(|hit| hit["message"]["content"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn search_follows_edits_and_deletes(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let general = server.new_channel(&alice, "general", "public").await;
    let message = server
        .send_message(&alice, &general, "the quarterly budget draft")
        .await;
    let id = message["id"].as_str().unwrap();
    assert_eq!(found(&server, &bob, "budget").await, ["the quarterly budget draft"]);

    server
        .patch(
            &format!("/api/v1/messages/{id}"),
            &alice.access_token,
            json!({"content": "the yearly forecast"}),
        )
        .await
        .expect(200);
    assert!(
        found(&server, &bob, "budget").await.is_empty(),
        "the old words are gone"
    );
    assert_eq!(found(&server, &bob, "forecast").await, ["the yearly forecast"]);

    server
        .delete(&format!("/api/v1/messages/{id}"), &alice.access_token)
        .await
        .expect(204);
    assert!(
        found(&server, &bob, "forecast").await.is_empty(),
        "a deleted message is not found"
    );
    server.stop().await;
}

async fn search_finds_only_what_the_searcher_may_read(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let general = server.new_channel(&alice, "general", "public").await;
    let secret = server.new_channel(&alice, "secret", "private").await;
    server.send_message(&alice, &secret, "zebra plans in private").await;
    server.join(&carol, &general).await;
    server.send_message(&carol, &general, "zebra crossing by carol").await;
    server.send_message(&alice, &general, "zebra sighting by alice").await;
    let dm = server
        .post("/api/v1/dms", &alice.access_token, json!({"user_ids": [carol.id]}))
        .await;
    let dm_id = dm.body["id"].as_str().unwrap().to_owned();
    server
        .send_message(&alice, &dm_id, "zebra between alice and carol")
        .await;

    let mut for_alice = found(&server, &alice, "zebra").await;
    for_alice.sort();
    assert_eq!(
        for_alice,
        [
            "zebra between alice and carol",
            "zebra crossing by carol",
            "zebra plans in private",
            "zebra sighting by alice"
        ]
    );
    let mut for_bob = found(&server, &bob, "zebra").await;
    for_bob.sort();
    assert_eq!(
        for_bob,
        ["zebra crossing by carol", "zebra sighting by alice"],
        "neither the private channel nor the conversation"
    );
    // Naming a channel one may not read is a 404, as anywhere else.
    search(&server, &bob, "messages", &format!("q=zebra&channel_id={secret}"))
        .await
        .expect_error(404, "not_found");

    // A mute hides carol's messages from bob; a block hides alice's from carol and carol's from alice.
    server
        .put(
            &format!("/api/v1/users/me/mutes/{}", carol.id),
            &bob.access_token,
            json!({}),
        )
        .await
        .expect(204);
    assert_eq!(found(&server, &bob, "zebra").await, ["zebra sighting by alice"]);
    server
        .put(
            &format!("/api/v1/users/me/blocks/{}", alice.id),
            &carol.access_token,
            json!({}),
        )
        .await
        .expect(204);
    assert_eq!(found(&server, &carol, "zebra").await, ["zebra crossing by carol"]);
    let mut for_alice = found(&server, &alice, "zebra").await;
    for_alice.sort();
    assert_eq!(
        for_alice,
        [
            "zebra between alice and carol",
            "zebra plans in private",
            "zebra sighting by alice"
        ],
        "a block hides both ways (her own words stay hers)"
    );
    server.stop().await;
}

async fn a_message_acked_over_the_gateway_is_found_by_the_next_search(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let general = server.new_channel(&alice, "general", "public").await;
    let mut socket = server.ws_connect(&alice.access_token).await;
    for index in 0..20 {
        socket
            .send(json!({"type": "message.send", "channel_id": general, "content": format!("gateway word{index} marmalade"), "client_id": format!("c{index}")}))
            .await;
        socket
            .wait_for(|frame| frame["type"] == "ack" && frame["client_id"] == format!("c{index}"))
            .await;
        // No waiting between the ack and the search: the index is written with the message.
        assert_eq!(
            found(&server, &alice, &format!("word{index}")).await,
            [format!("gateway word{index} marmalade")]
        );
    }
    assert_eq!(
        search(&server, &alice, "messages", "q=marmalade&limit=50")
            .await
            .items()
            .len(),
        20
    );
    server.stop().await;
}

async fn malformed_queries_are_422_never_500(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let general = server.new_channel(&alice, "general", "public").await;
    server.send_message(&alice, &general, "something to search").await;
    let long = "x".repeat(10_000);
    for q in [
        "\"unbalanced",
        "AND OR",
        "*",
        long.as_str(),
        "",
        "-only",
        "has:cake x",
        "a\"b",
    ] {
        for kind in ["messages", "channels", "users", "posts"] {
            let reply = search(&server, &alice, kind, &format!("q={}", encode(q))).await;
            reply.expect_error(422, "invalid_input");
            assert_eq!(reply.field(), "q", "{kind} {q:?}: {}", reply.body);
        }
    }
    // Words the databases' own languages would read as syntax are only words here.
    for q in [
        "NEAR(something",
        "something:*",
        "'something'",
        "(something)",
        "some&thing|!x",
        "\\something",
    ] {
        let reply = search(&server, &alice, "messages", &format!("q={}", encode(q))).await;
        reply.expect(200);
    }
    for (query, field) in [
        ("q=x&cursor=abc", "cursor"),
        ("q=x&before=yesterday", "before"),
        ("q=x&sort=random", ""),
        ("q=x&limit=0", "limit"),
    ] {
        let reply = search(&server, &alice, "messages", query).await;
        assert_eq!(reply.status, 422, "{query}: {}", reply.body);
        if !field.is_empty() {
            assert_eq!(reply.field(), field, "{query}");
        }
    }
    server.stop().await;
}

fn contents(reply: &hub_tests::Reply) -> Vec<&str> {
    reply
        .items()
        .iter()
        .map(|hit| hit["message"]["content"].as_str().unwrap_or_default())
        .collect()
}

async fn phrases_prefixes_filters_and_paging(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let general = server.new_channel(&alice, "general", "public").await;
    let random = server.new_channel(&alice, "random", "public").await;
    server.join(&bob, &general).await;
    let notes = server
        .send_message(&alice, &general, "The release notes are ready")
        .await;
    server.send_message(&bob, &general, "notes about the release").await;
    server
        .send_message(&alice, &random, "Deploying the release today")
        .await;

    let phrase = search(&server, &bob, "messages", &format!("q={}", encode("\"release notes\""))).await;
    assert_eq!(contents(&phrase), ["The release notes are ready"]);
    let snippet: Vec<(String, bool)> = phrase.items()[0]["snippet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|segment| (segment["text"].as_str().unwrap().to_owned(), segment["match"] == true))
        .collect();
    assert_eq!(
        snippet,
        [
            ("The ".to_owned(), false),
            ("release".to_owned(), true),
            (" ".to_owned(), false),
            ("notes".to_owned(), true),
            (" are ready".to_owned(), false)
        ]
    );
    assert_eq!(phrase.items()[0]["channel"]["name"], "general");

    assert_eq!(
        contents(&search(&server, &bob, "messages", "q=depl*").await),
        ["Deploying the release today"]
    );
    let excluded = search(&server, &bob, "messages", &format!("q={}", encode("release -notes"))).await;
    assert_eq!(contents(&excluded), ["Deploying the release today"]);
    let either = search(
        &server,
        &bob,
        "messages",
        &format!("q={}", encode("deploying OR ready")),
    )
    .await;
    assert_eq!(either.items().len(), 2);

    let in_general = search(&server, &bob, "messages", &format!("q=release&channel_id={general}")).await;
    assert_eq!(in_general.items().len(), 2);
    let by_bob = search(&server, &bob, "messages", &format!("q=release&from={}", bob.id)).await;
    assert_eq!(contents(&by_bob), ["notes about the release"]);
    let future = search(&server, &bob, "messages", "q=release&after=2999-01-01").await;
    assert!(future.items().is_empty());
    let past = search(&server, &bob, "messages", "q=release&before=2999-01-01").await;
    assert_eq!(past.items().len(), 3);

    // in:thread: a reply and the message it answers.
    server
        .post(
            &format!("/api/v1/channels/{general}/messages"),
            &bob.access_token,
            json!({"content": "a release reply", "parent_id": notes["id"]}),
        )
        .await
        .expect(201);
    let mut threaded: Vec<String> =
        contents(&search(&server, &bob, "messages", &format!("q={}", encode("release in:thread"))).await)
            .into_iter()
            .map(str::to_owned)
            .collect();
    threaded.sort();
    assert_eq!(threaded, ["The release notes are ready", "a release reply"]);

    // Paging: every result once, newest first when asked.
    let mut seen = Vec::new();
    let mut query = "q=release&limit=1&sort=newest".to_owned();
    loop {
        let page = search(&server, &bob, "messages", &query).await;
        page.expect(200);
        seen.extend(contents(&page).into_iter().map(str::to_owned));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => query = format!("q=release&limit=1&sort=newest&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "a release reply",
            "Deploying the release today",
            "notes about the release",
            "The release notes are ready"
        ]
    );
    server.stop().await;
}

fn names(reply: &hub_tests::Reply, key: &str, field: &str) -> Vec<String> {
    reply
        .items()
        .iter()
        .map(|hit| hit[key][field].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn channels_people_and_the_forum(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice_smith").await;
    let bob = server.new_user("bob").await;
    server
        .patch(
            "/api/v1/users/me",
            &alice.access_token,
            json!({"full_name": "Alice Wonder"}),
        )
        .await
        .expect(200);
    let roadmap = server.new_channel(&alice, "roadmap", "public").await;
    server
        .patch(
            &format!("/api/v1/channels/{roadmap}"),
            &alice.access_token,
            json!({"topic": "what ships in spring"}),
        )
        .await
        .expect(200);
    server.new_channel(&alice, "spring-secret", "private").await;

    let channels = search(&server, &bob, "channels", "q=spring").await;
    assert_eq!(names(&channels, "channel", "name"), ["roadmap"], "not the private one");
    let channels = search(&server, &alice, "channels", "q=spring").await;
    assert_eq!(channels.items().len(), 2, "its member finds it");

    assert_eq!(
        names(&search(&server, &bob, "users", "q=wond*").await, "user", "username"),
        ["alice_smith"]
    );
    assert_eq!(
        names(&search(&server, &bob, "users", "q=smith").await, "user", "username"),
        ["alice_smith"]
    );

    let post = server
        .post(
            "/api/v1/posts",
            &alice.access_token,
            json!({"title": "Gardening tips", "body": "Water the tomatoes daily"}),
        )
        .await;
    post.expect(201);
    let post_id = post.body["id"].as_str().unwrap().to_owned();
    server
        .post(
            &format!("/api/v1/posts/{post_id}/comments"),
            &bob.access_token,
            json!({"body": "tomatoes love sun"}),
        )
        .await
        .expect(201);
    let hits = search(&server, &bob, "posts", "q=tomatoes").await;
    assert_eq!(hits.items().len(), 2, "{}", hits.body);
    let kinds: Vec<bool> = hits.items().iter().map(|hit| hit["comment"].is_null()).collect();
    assert!(kinds.contains(&true) && kinds.contains(&false), "a post and a comment");
    assert!(hits.items().iter().all(|hit| hit["post"]["id"] == post_id.as_str()));
    // The title weighs more than a body.
    let best = search(&server, &bob, "posts", "q=gardening OR tomatoes").await;
    assert!(best.items()[0]["comment"].is_null(), "{}", best.body);

    server
        .delete(&format!("/api/v1/posts/{post_id}"), &alice.access_token)
        .await
        .expect(204);
    assert!(
        search(&server, &bob, "posts", "q=tomatoes").await.items().is_empty(),
        "a deleted post and the comments on it are gone"
    );
    server.stop().await;
}
