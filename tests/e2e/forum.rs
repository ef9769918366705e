//! The forum: posts with tags and edits, comment trees and tombstones, exact votes under
//! concurrency, the three orders, live events that resume like a channel's, and mutes.

use hub_tests::{Backend, TestServer, TestUser};
use serde_json::{Value, json};

hub_tests::on_both_databases!(
    posts_comments_edits_and_tombstones,
    concurrent_votes_keep_exact_counts,
    hot_top_and_new_order_a_fixed_set,
    forum_events_are_live_and_resume,
    self_votes_can_be_refused,
    posts_and_comments_are_reported_and_removed_by_a_resolve,
);

async fn post(server: &TestServer, author: &TestUser, title: &str, tags: &[&str]) -> Value {
    let reply = server
        .post(
            "/api/v1/posts",
            &author.access_token,
            json!({"title": title, "body": format!("{title}, at length"), "tags": tags}),
        )
        .await;
    reply.expect(201);
    reply.body
}

async fn comment(server: &TestServer, author: &TestUser, post: &Value, parent: Option<&Value>, body: &str) -> Value {
    let reply = server
        .post(
            &format!("/api/v1/posts/{}/comments", post["id"].as_str().unwrap()),
            &author.access_token,
            json!({"body": body, "parent_id": parent.map(|parent| parent["id"].clone())}),
        )
        .await;
    reply.expect(201);
    reply.body
}

async fn vote(server: &TestServer, voter: &TestUser, path: &str, value: i64) -> hub_tests::Reply {
    server.post(path, &voter.access_token, json!({"value": value})).await
}

async fn posts_comments_edits_and_tombstones(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| config.forum.max_tags_per_post = 2).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let first = post(&server, &alice, "Hello forum", &["Intro", "meta"]).await;
    assert_eq!(first["tags"], json!(["intro", "meta"]));
    for counted in ["score", "upvotes", "downvotes", "my_vote", "comment_count"] {
        assert_eq!(first[counted], 0, "{counted}");
    }
    let path = format!("/api/v1/posts/{}", first["id"].as_str().unwrap());
    server
        .patch(&path, &bob.access_token, json!({"title": "mine now"}))
        .await
        .expect_error(403, "forbidden");
    let edited = server
        .patch(&path, &alice.access_token, json!({"title": "Hello, forum"}))
        .await;
    edited.expect(200);
    assert_eq!(edited.body["title"], "Hello, forum");
    assert!(edited.body["edited_at"].is_string());
    assert_eq!(edited.body["tags"], json!(["intro", "meta"]), "tags kept");

    // Bad input: too many tags, a bad tag, an empty title, a vote of 2.
    let too_many = server
        .post(
            "/api/v1/posts",
            &alice.access_token,
            json!({"title": "t", "tags": ["a", "b", "c"]}),
        )
        .await;
    too_many.expect_error(422, "invalid_input");
    assert_eq!(too_many.field(), "tags");
    let bad_tag = server
        .post(
            "/api/v1/posts",
            &alice.access_token,
            json!({"title": "t", "tags": ["no spaces"]}),
        )
        .await;
    assert_eq!(bad_tag.field(), "tags");
    let empty = server
        .post("/api/v1/posts", &alice.access_token, json!({"title": "  "}))
        .await;
    assert_eq!(empty.field(), "title");
    let two = vote(&server, &bob, &format!("{path}/vote"), 2).await;
    two.expect_error(422, "invalid_input");
    assert_eq!(two.field(), "value");

    // A tree: two top-level comments, a reply, a reply to the reply.
    let top = comment(&server, &bob, &first, None, "first!").await;
    let reply = comment(&server, &alice, &first, Some(&top), "welcome").await;
    let deeper = comment(&server, &bob, &first, Some(&reply), "thanks").await;
    let second = comment(&server, &alice, &first, None, "second").await;
    let tree = server
        .get(&format!("{path}/comments?sort=new"), &bob.access_token)
        .await;
    tree.expect(200);
    let shape: Vec<(&str, i64, i64)> = tree
        .items()
        .iter()
        .map(|c| {
            (
                c["body"].as_str().unwrap(),
                c["depth"].as_i64().unwrap(),
                c["reply_count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [("second", 0, 0), ("first!", 0, 1), ("welcome", 1, 1), ("thanks", 2, 0)],
        "top level newest first, replies under their parent"
    );
    let paged = server
        .get(&format!("{path}/comments?sort=new&limit=1"), &bob.access_token)
        .await;
    assert_eq!(paged.ids(), vec![second["id"].as_str().unwrap().to_owned()]);
    let cursor = paged.body["next_cursor"].as_str().unwrap();
    let rest = server
        .get(
            &format!("{path}/comments?sort=new&limit=1&cursor={cursor}"),
            &bob.access_token,
        )
        .await;
    assert_eq!(rest.items().len(), 3, "the next top-level comment with its replies");

    // Another post's comment is no parent here.
    let other = post(&server, &bob, "Other", &[]).await;
    let wrong = server
        .post(
            &format!("/api/v1/posts/{}/comments", other["id"].as_str().unwrap()),
            &bob.access_token,
            json!({"body": "x", "parent_id": top["id"]}),
        )
        .await;
    wrong.expect_error(422, "invalid_input");
    assert_eq!(wrong.field(), "parent_id");

    // Deleting a comment keeps its replies; deleting the post keeps its comments readable.
    let reply_path = format!("/api/v1/comments/{}", reply["id"].as_str().unwrap());
    server
        .delete(&reply_path, &bob.access_token)
        .await
        .expect_error(403, "forbidden");
    server.delete(&reply_path, &alice.access_token).await.expect(204);
    server.delete(&path, &alice.access_token).await.expect(204);
    let tombstone = server.get(&path, &bob.access_token).await;
    assert_eq!(tombstone.body["deleted"], true);
    assert_eq!(tombstone.body["title"], "");
    let tree = server.get(&format!("{path}/comments"), &bob.access_token).await;
    let deleted = tree.items().iter().find(|c| c["id"] == reply["id"]).unwrap();
    assert_eq!(deleted["deleted"], true);
    assert_eq!(deleted["body"], "");
    assert!(
        tree.items()
            .iter()
            .any(|c| c["id"] == deeper["id"] && c["body"] == "thanks")
    );
    let late = server
        .post(&format!("{path}/comments"), &bob.access_token, json!({"body": "late"}))
        .await;
    late.expect_error(409, "conflict");

    // Filters.
    post(&server, &bob, "Tagged", &["rust"]).await;
    let tagged = server.get("/api/v1/posts?tag=rust", &alice.access_token).await;
    assert_eq!(tagged.items().len(), 1);
    let by_bob = server
        .get(&format!("/api/v1/posts?author={}", bob.id), &alice.access_token)
        .await;
    assert_eq!(by_bob.items().len(), 2);
    let all = server.get("/api/v1/posts", &alice.access_token).await;
    assert!(
        all.items().iter().all(|p| p["id"] != first["id"]),
        "lists leave deleted posts out"
    );
    server.stop().await;
}

async fn concurrent_votes_keep_exact_counts(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let author = server.new_user("author").await;
    let target = post(&server, &author, "Vote on me", &[]).await;
    let path = format!("/api/v1/posts/{}/vote", target["id"].as_str().unwrap());
    let mut voters = Vec::new();
    for n in 0..50 {
        voters.push(server.new_user(&format!("voter{n}")).await);
    }
    let votes = voters.iter().map(|voter| vote(&server, voter, &path, 1));
    for reply in futures_util::future::join_all(votes).await {
        reply.expect(200);
    }
    let counted = server
        .get(
            &format!("/api/v1/posts/{}", target["id"].as_str().unwrap()),
            &author.access_token,
        )
        .await;
    assert_eq!(
        (counted.body["score"].clone(), counted.body["upvotes"].clone()),
        (json!(50), json!(50))
    );

    let changed = vote(&server, &voters[0], &path, -1).await;
    changed.expect(200);
    assert_eq!(changed.body["score"], 48, "+1 to -1 moves the score by 2");
    assert_eq!(
        (changed.body["upvotes"].clone(), changed.body["downvotes"].clone()),
        (json!(49), json!(1))
    );
    assert_eq!(changed.body["my_vote"], -1);
    let again = vote(&server, &voters[0], &path, -1).await;
    assert_eq!(again.body["score"], 48, "the same vote again counts once");
    let cleared = vote(&server, &voters[0], &path, 0).await;
    assert_eq!(
        (cleared.body["score"].clone(), cleared.body["downvotes"].clone()),
        (json!(49), json!(0))
    );
    let own = vote(&server, &author, &path, 1).await;
    own.expect(200);
    assert_eq!(own.body["score"], 50, "your own vote counts once, like anyone's");
    let seen = server
        .get(
            &format!("/api/v1/posts/{}", target["id"].as_str().unwrap()),
            &voters[1].access_token,
        )
        .await;
    assert_eq!(seen.body["my_vote"], 1);

    // Comments count the same way.
    let remark = comment(&server, &author, &target, None, "a remark").await;
    let comment_path = format!("/api/v1/comments/{}/vote", remark["id"].as_str().unwrap());
    let votes = voters[..20].iter().map(|voter| vote(&server, voter, &comment_path, -1));
    futures_util::future::join_all(votes).await;
    let downvoted = vote(&server, &voters[20], &comment_path, -1).await;
    assert_eq!(
        (downvoted.body["score"].clone(), downvoted.body["downvotes"].clone()),
        (json!(-21), json!(21))
    );
    server.stop().await;
}

async fn hot_top_and_new_order_a_fixed_set(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let author = server.new_user("author").await;
    let voters = [
        server.new_user("v1").await,
        server.new_user("v2").await,
        server.new_user("v3").await,
    ];
    let older = post(&server, &author, "older, popular", &[]).await;
    let middle = post(&server, &author, "middle, one vote", &[]).await;
    let newest = post(&server, &author, "newest, no votes", &[]).await;
    for voter in &voters {
        vote(
            &server,
            voter,
            &format!("/api/v1/posts/{}/vote", older["id"].as_str().unwrap()),
            1,
        )
        .await;
    }
    vote(
        &server,
        &voters[0],
        &format!("/api/v1/posts/{}/vote", middle["id"].as_str().unwrap()),
        1,
    )
    .await;
    let order = |sort: &'static str| {
        let server = &server;
        let token = author.access_token.clone();
        async move {
            let page = server.get(&format!("/api/v1/posts?sort={sort}"), &token).await;
            page.expect(200);
            page.items()
                .iter()
                .map(|p| p["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let titles = |list: &[&Value]| {
        list.iter()
            .map(|p| p["title"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(order("new").await, titles(&[&newest, &middle, &older]));
    assert_eq!(order("top").await, titles(&[&older, &middle, &newest]));
    // Hot: log10 of the score plus age; 1 vote and 0 votes share the bottom order, so the
    // newer of those two comes first.
    assert_eq!(order("hot").await, titles(&[&older, &newest, &middle]));
    assert_eq!(
        server
            .get("/api/v1/posts?sort=top&window=day", &author.access_token)
            .await
            .items()
            .len(),
        3
    );

    // `new` pages one by one see each post once.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/posts?limit=1&cursor={cursor}"),
            None => "/api/v1/posts?limit=1".to_owned(),
        };
        let page = server.get(&path, &author.access_token).await;
        seen.extend(page.ids());
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 3);
    server
        .get("/api/v1/posts?sort=best", &author.access_token)
        .await
        .expect_error(422, "invalid_input");
    server.stop().await;
}

async fn forum_events_are_live_and_resume(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let mut watcher = server.ws_connect(&alice.access_token).await;
    let first = post(&server, &bob, "Live", &[]).await;
    let created = watcher
        .wait_for(|frame| frame["type"] == "post.created" && frame["post"]["id"] == first["id"])
        .await;
    assert_eq!(created["channel_id"], "forum");
    let seen = created["seq"].as_i64().unwrap();
    drop(watcher);

    // Missed while away: a comment and a vote.
    comment(&server, &carol, &first, None, "while you were away").await;
    vote(
        &server,
        &carol,
        &format!("/api/v1/posts/{}/vote", first["id"].as_str().unwrap()),
        1,
    )
    .await;
    let mut back = server.ws_resume(&alice.access_token, json!({"forum": seen})).await;
    assert!(back.saw(|frame| frame["type"] == "comment.created" && frame["comment"]["body"] == "while you were away"));
    assert!(
        back.saw(|frame| frame["type"] == "vote.changed" && frame["score"] == 1 && frame.get("user_id").is_none()),
        "the vote's new score, never who voted"
    );

    // Muting Bob: his posts leave Alice's lists and live events, his comments are hidden.
    server
        .put(
            &format!("/api/v1/users/me/mutes/{}", bob.id),
            &alice.access_token,
            json!({}),
        )
        .await
        .expect(204);
    let muted = post(&server, &bob, "Muted", &[]).await;
    let after = post(&server, &carol, "After", &[]).await;
    back.wait_for(|frame| frame["type"] == "post.created" && frame["post"]["id"] == after["id"])
        .await;
    assert!(!back.saw(|frame| frame["type"] == "post.created" && frame["post"]["id"] == muted["id"]));
    let list = server.get("/api/v1/posts", &alice.access_token).await;
    assert!(list.items().iter().all(|p| p["author_id"] != bob.id.as_str()));
    assert_eq!(server.get("/api/v1/posts", &carol.access_token).await.items().len(), 3);
    comment(&server, &bob, &after, None, "bob says").await;
    let tree = server
        .get(
            &format!("/api/v1/posts/{}/comments", after["id"].as_str().unwrap()),
            &alice.access_token,
        )
        .await;
    assert_eq!(tree.items()[0]["hidden"], true);
    assert_eq!(tree.items()[0]["body"], "");
    assert!(tree.items()[0]["author_id"].is_null());
    server.stop().await;
}

async fn self_votes_can_be_refused(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| config.forum.allow_self_votes = false).await;
    let author = server.new_user("author").await;
    let other = server.new_user("other").await;
    let mine = post(&server, &author, "Mine", &[]).await;
    let path = format!("/api/v1/posts/{}/vote", mine["id"].as_str().unwrap());
    vote(&server, &author, &path, 1).await.expect_error(403, "forbidden");
    vote(&server, &other, &path, 1).await.expect(200);
    server.stop().await;
}

async fn posts_and_comments_are_reported_and_removed_by_a_resolve(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let admin = server.new_admin("mod").await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let spam = post(&server, &bob, "cheap watches", &[]).await;
    let thread = post(&server, &alice, "weekend plans", &[]).await;
    let rude = comment(&server, &bob, &thread, None, "nobody cares, alice").await;

    let mut reports = Vec::new();
    for (target_type, target) in [("post", &spam), ("comment", &rude)] {
        let reply = server
            .post(
                "/api/v1/reports",
                &alice.access_token,
                json!({"target_type": target_type, "target_id": target["id"], "reason": "spam"}),
            )
            .await;
        reply.expect(201);
        assert_eq!(reply.body["target_type"], target_type);
        reports.push(reply.body["id"].as_str().unwrap().to_owned());
    }
    // A post or comment that is not there is not found; one's own content is not reportable.
    let missing = server
        .post(
            "/api/v1/reports",
            &alice.access_token,
            json!({"target_type": "comment", "target_id": "01900000-0000-7000-8000-000000000000", "reason": "spam"}),
        )
        .await;
    missing.expect(404);
    let own = server
        .post(
            "/api/v1/reports",
            &alice.access_token,
            json!({"target_type": "post", "target_id": thread["id"], "reason": "spam"}),
        )
        .await;
    own.expect(422);

    // The moderator sees what was said, and where.
    let detail = server
        .get(&format!("/api/v1/admin/reports/{}", reports[1]), &admin.access_token)
        .await;
    detail.expect(200);
    let evidence = &detail.body["evidence"]["forum"];
    assert_eq!(evidence["body"], "nobody cares, alice");
    assert_eq!(evidence["title"], "weekend plans");
    assert_eq!(evidence["post_id"], thread["id"]);
    assert_eq!(evidence["author_username"], "bob");
    assert_eq!(detail.body["report"]["target_author_id"], bob.id);

    // Resolving with delete_content leaves tombstones, as the author's own delete would.
    for report in &reports {
        server
            .post(
                &format!("/api/v1/admin/reports/{report}/resolve"),
                &admin.access_token,
                json!({"action": "delete_content", "note": "spam"}),
            )
            .await
            .expect(200);
    }
    let gone = server
        .get(
            &format!("/api/v1/posts/{}", spam["id"].as_str().unwrap()),
            &alice.access_token,
        )
        .await;
    gone.expect(200);
    assert_eq!(gone.body["deleted"], true, "{}", gone.body);
    assert_eq!(gone.body["title"], "");
    let tree = server
        .get(
            &format!("/api/v1/posts/{}/comments", thread["id"].as_str().unwrap()),
            &alice.access_token,
        )
        .await;
    tree.expect(200);
    assert_eq!(tree.body["items"][0]["deleted"], true, "{}", tree.body);
    assert_ne!(tree.body["items"][0]["body"], "nobody cares, alice");
    let detail = server
        .get(&format!("/api/v1/admin/reports/{}", reports[1]), &admin.access_token)
        .await;
    assert_eq!(detail.body["current"]["deleted"], true);
    server.stop().await;
}
