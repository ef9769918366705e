//! Reports and triage: evidence that outlives edits and deletion, the moderators' queue, the
//! actions a resolve takes (through the same calls as everywhere else), the audit log, and who
//! may call which route.

use hub_tests::{Backend, Reply, TestServer, TestUser};
use reqwest::Method;
use serde_json::{Value, json};

hub_tests::on_both_databases!(
    a_report_keeps_its_evidence_after_the_author_edits_and_deletes,
    a_reported_reply_keeps_the_replies_either_side_of_it,
    bad_reports_get_the_documented_codes,
    resolving_with_suspend_closes_the_authors_socket_and_ends_their_token,
    delete_content_dismiss_and_the_audit_log,
    report_routes_by_role,
);

/// Alice and Bob in #general, with a site admin watching; Bob's message between four others.
struct Scene {
    server: TestServer,
    admin: TestUser,
    alice: TestUser,
    bob: TestUser,
    general: String,
    reported: Value,
}

async fn scene(backend: &Backend) -> Scene {
    let server = TestServer::start_with(backend, |config| config.limits.max_report_text_length = 40).await;
    let admin = server.new_admin("mod").await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let general = server.new_channel(&alice, "general", "public").await;
    server.join(&bob, &general).await;
    server.send_message(&alice, &general, "anyone up for lunch?").await;
    server.send_message(&bob, &general, "sure").await;
    let reported = server
        .send_message(&bob, &general, "you are all idiots and I know where you live")
        .await;
    server.send_message(&alice, &general, "please stop").await;
    server.send_message(&alice, &general, "reporting this").await;
    Scene {
        server,
        admin,
        alice,
        bob,
        general,
        reported,
    }
}

async fn report(server: &TestServer, reporter: &TestUser, target_type: &str, target_id: &str, reason: &str) -> Reply {
    server
        .post(
            "/api/v1/reports",
            &reporter.access_token,
            json!({"target_type": target_type, "target_id": target_id, "reason": reason, "details": "second time this week"}),
        )
        .await
}

/// The texts of a report detail's context on one `side` (`before` or `after`), oldest first.
fn context(detail: &Value, side: &str) -> Vec<String> {
    detail["evidence"][side]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_report_keeps_its_evidence_after_the_author_edits_and_deletes(backend: Backend) {
    let Scene {
        server,
        admin,
        alice,
        bob,
        reported,
        ..
    } = scene(&backend).await;
    let message_id = reported["id"].as_str().unwrap();
    let created = report(&server, &alice, "message", message_id, "harassment").await;
    created.expect(201);
    assert_eq!(created.body["status"], "open");
    let id = created.body["id"].as_str().unwrap().to_owned();

    let message_path = format!("/api/v1/messages/{message_id}");
    server
        .patch(&message_path, &bob.access_token, json!({"content": "just kidding"}))
        .await
        .expect(200);
    server.delete(&message_path, &bob.access_token).await.expect(204);

    let detail = server
        .get(&format!("/api/v1/admin/reports/{id}"), &admin.access_token)
        .await;
    detail.expect(200);
    let body = &detail.body;
    assert_eq!(
        body["evidence"]["message"]["content"], "you are all idiots and I know where you live",
        "as reported"
    );
    assert_eq!(body["evidence"]["message"]["author_username"], "bob");
    assert_eq!(context(body, "before"), ["anyone up for lunch?", "sure"]);
    assert_eq!(context(body, "after"), ["please stop", "reporting this"]);
    assert_eq!(body["current"]["deleted"], true, "{body}");
    assert_eq!(body["current"]["content"], "");
    assert_eq!(body["reporter"]["username"], "alice");
    assert_eq!(body["author"]["username"], "bob");
    assert!(body["author_since"].is_string());
    assert_eq!(body["open_reports_on_target"], 1);
    assert_eq!(body["report"]["details"], "second time this week");

    // The reporter sees their report and its status, never a moderator's note.
    let mine = server.get("/api/v1/reports/mine", &alice.access_token).await;
    mine.expect(200);
    assert_eq!(mine.ids(), vec![id.clone()]);
    assert_eq!(mine.items()[0]["status"], "open");
    assert!(mine.items()[0].get("moderator_note").is_none());
    assert!(
        server
            .get("/api/v1/reports/mine", &bob.access_token)
            .await
            .items()
            .is_empty()
    );
    server.stop().await;
}

async fn a_reported_reply_keeps_the_replies_either_side_of_it(backend: Backend) {
    let Scene {
        server,
        admin,
        alice,
        bob,
        general,
        ..
    } = scene(&backend).await;
    let parent = server.send_message(&alice, &general, "who broke the build?").await;
    let reply = |author: &TestUser, content: &str| {
        let path = format!("/api/v1/channels/{general}/messages");
        let body = json!({"content": content, "parent_id": parent["id"]});
        let token = author.access_token.clone();
        let server = &server;
        async move { server.post(&path, &token, body).await }
    };
    reply(&bob, "not me").await.expect(201);
    server
        .send_message(&alice, &general, "a top-level message between replies")
        .await;
    let reported = reply(&bob, "you did, idiot").await;
    reported.expect(201);
    reply(&alice, "that is not ok").await.expect(201);
    let created = report(
        &server,
        &alice,
        "message",
        reported.body["id"].as_str().unwrap(),
        "harassment",
    )
    .await;
    created.expect(201);
    let detail = server
        .get(
            &format!("/api/v1/admin/reports/{}", created.body["id"].as_str().unwrap()),
            &admin.access_token,
        )
        .await;
    detail.expect(200);
    assert_eq!(
        context(&detail.body, "before"),
        ["not me"],
        "the thread's replies, not the channel around it"
    );
    assert_eq!(context(&detail.body, "after"), ["that is not ok"]);
    server.stop().await;
}

async fn bad_reports_get_the_documented_codes(backend: Backend) {
    let Scene {
        server,
        alice,
        bob,
        reported,
        ..
    } = scene(&backend).await;
    let message_id = reported["id"].as_str().unwrap();
    report(&server, &alice, "message", message_id, "spam").await.expect(201);
    report(&server, &alice, "message", message_id, "hate")
        .await
        .expect_error(409, "conflict");
    let unknown = report(&server, &alice, "user", &bob.id, "rude").await;
    unknown.expect_error(422, "invalid_input");
    assert_eq!(unknown.field(), "reason");
    let bad_type = report(&server, &alice, "channel", &bob.id, "spam").await;
    bad_type.expect_error(422, "invalid_input");
    assert_eq!(bad_type.field(), "target_type");
    let yourself = report(&server, &bob, "message", message_id, "spam").await;
    yourself.expect_error(422, "invalid_input");
    let long = server
        .post(
            "/api/v1/reports",
            &alice.access_token,
            json!({"target_type": "user", "target_id": bob.id, "reason": "other", "details": "x".repeat(41)}),
        )
        .await;
    long.expect_error(422, "invalid_input");
    assert_eq!(long.field(), "details");
    report(&server, &alice, "user", "no-such-user", "spam")
        .await
        .expect_error(404, "not_found");

    // A message in a private channel Carol is not in does not exist for her.
    let carol = server.new_user("carol").await;
    let secret = server.new_channel(&alice, "secret", "private").await;
    let hidden = server.send_message(&alice, &secret, "in here").await;
    report(&server, &carol, "message", hidden["id"].as_str().unwrap(), "spam")
        .await
        .expect_error(404, "not_found");
    server.stop().await;
}

async fn resolving_with_suspend_closes_the_authors_socket_and_ends_their_token(backend: Backend) {
    let Scene {
        server,
        admin,
        alice,
        bob,
        reported,
        ..
    } = scene(&backend).await;
    let carol = server.new_user("carol").await;
    let mut moderator = server.ws_connect(&admin.access_token).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;

    let first = report(&server, &alice, "user", &bob.id, "harassment").await;
    first.expect(201);
    let live = moderator.wait_for(|frame| frame["type"] == "report.created").await;
    assert_eq!(live["report_id"], first.body["id"]);
    assert_eq!(live["open_reports"], 1);
    let second = report(&server, &carol, "user", &bob.id, "harassment").await;
    second.expect(201);
    moderator
        .wait_for(|frame| frame["type"] == "report.created" && frame["open_reports"] == 2)
        .await;
    let unrelated = report(&server, &carol, "message", reported["id"].as_str().unwrap(), "spam").await;
    unrelated.expect(201);

    let resolve = format!("/api/v1/admin/reports/{}/resolve", first.body["id"].as_str().unwrap());
    let no_note = server
        .post(
            &resolve,
            &admin.access_token,
            json!({"action": "suspend", "duration": "7d", "note": " "}),
        )
        .await;
    no_note.expect_error(422, "invalid_input");
    assert_eq!(no_note.field(), "note");
    let outcome = server
        .post(
            &resolve,
            &admin.access_token,
            json!({"action": "suspend", "duration": "7d", "note": "threats in #general"}),
        )
        .await;
    outcome.expect(200);
    assert_eq!(outcome.body["report"]["status"], "resolved");
    assert_eq!(outcome.body["report"]["action"], "suspend");
    assert_eq!(
        outcome.body["also_closed"],
        json!([second.body["id"]]),
        "the same target's other report"
    );
    assert_eq!(bob_socket.close_code().await, Some(4004));
    server
        .get("/api/v1/auth/me", &bob.access_token)
        .await
        .expect_error(403, "account_suspended");
    server
        .login("bob", hub_tests::PASSWORD)
        .await
        .expect_error(403, "account_suspended");

    server
        .post(
            &resolve,
            &admin.access_token,
            json!({"action": "none", "note": "again"}),
        )
        .await
        .expect_error(409, "conflict");
    // The report on Bob's message is still open; the queue says so.
    let queue = server.get("/api/v1/admin/reports", &admin.access_token).await;
    assert_eq!(queue.ids(), vec![unrelated.body["id"].as_str().unwrap().to_owned()]);
    let resolved = server
        .get("/api/v1/admin/reports?status=resolved", &admin.access_token)
        .await;
    assert_eq!(resolved.items().len(), 2);
    let mine = server.get("/api/v1/reports/mine", &alice.access_token).await;
    assert_eq!(mine.items()[0]["status"], "resolved");
    assert!(mine.items()[0].get("moderator_note").is_none());

    let log = server
        .get("/api/v1/admin/audit-log?action=user.suspend", &admin.access_token)
        .await;
    log.expect(200);
    assert_eq!(log.items().len(), 1);
    assert_eq!(log.items()[0]["target_id"], bob.id.as_str());
    assert_eq!(log.items()[0]["reason"], "threats in #general");
    assert_eq!(log.items()[0]["actor_id"], admin.id.as_str());
    assert!(log.items()[0]["details"]["until"].is_string());
    server.stop().await;
}

async fn delete_content_dismiss_and_the_audit_log(backend: Backend) {
    let Scene {
        server,
        admin,
        alice,
        bob,
        general,
        reported,
    } = scene(&backend).await;
    let message_id = reported["id"].as_str().unwrap();
    let by_message = report(&server, &alice, "message", message_id, "harassment").await;
    let by_user = report(&server, &alice, "user", &bob.id, "spam").await;
    let deleted = server
        .post(
            &format!(
                "/api/v1/admin/reports/{}/resolve",
                by_message.body["id"].as_str().unwrap()
            ),
            &admin.access_token,
            json!({"action": "delete_content", "note": "threat"}),
        )
        .await;
    deleted.expect(200);
    let message = server
        .get(&format!("/api/v1/messages/{message_id}"), &alice.access_token)
        .await;
    assert_eq!(message.body["deleted"], true);
    let history = server
        .get(&format!("/api/v1/channels/{general}/messages"), &alice.access_token)
        .await;
    assert!(
        history.items().iter().all(|m| m["content"] != reported["content"]),
        "the text is gone from history"
    );
    let dismissed = server
        .post(
            &format!("/api/v1/admin/reports/{}/dismiss", by_user.body["id"].as_str().unwrap()),
            &admin.access_token,
            json!({"note": "not spam"}),
        )
        .await;
    dismissed.expect(200);
    assert_eq!(dismissed.body["report"]["status"], "dismissed");
    assert_eq!(dismissed.body["report"]["moderator_note"], "not spam");

    let log = server.get("/api/v1/admin/audit-log", &admin.access_token).await;
    log.expect(200);
    let actions: Vec<(&str, &str)> = log
        .items()
        .iter()
        .map(|entry| (entry["action"].as_str().unwrap(), entry["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("report.dismiss", "not spam"),
            ("report.resolve", "threat"),
            ("message.delete", "threat")
        ],
        "newest first, each with its reason"
    );
    let by_admin = server
        .get(
            &format!("/api/v1/admin/audit-log?actor={}&limit=1", admin.id),
            &admin.access_token,
        )
        .await;
    assert_eq!(by_admin.items().len(), 1);
    let next = by_admin.body["next_cursor"].as_str().unwrap();
    let second_page = server
        .get(
            &format!("/api/v1/admin/audit-log?actor={}&limit=1&cursor={next}", admin.id),
            &admin.access_token,
        )
        .await;
    assert_eq!(second_page.items()[0]["action"], "report.resolve");
    let about_bob_message = server
        .get(
            &format!("/api/v1/admin/audit-log?target={message_id}"),
            &admin.access_token,
        )
        .await;
    assert_eq!(about_bob_message.items().len(), 1);
    server.stop().await;
}

/// Every report route for each kind of caller: anonymous, a stranger to the channel, the
/// reported message's author, the reporter (another member) and a site admin.
async fn report_routes_by_role(backend: Backend) {
    let Scene {
        server,
        admin,
        alice,
        bob,
        reported,
        ..
    } = scene(&backend).await;
    let stranger = server.new_user("stranger").await;
    let target = server.new_user("target").await;
    let created = report(&server, &alice, "message", reported["id"].as_str().unwrap(), "spam").await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    let rows: &[(Method, String, Option<Value>, [u16; 5])] = &[
        // anonymous, stranger, author, reporter, site admin
        (
            Method::POST,
            "/api/v1/reports".into(),
            Some(json!({"target_type": "message", "target_id": reported["id"], "reason": "hate"})),
            [401, 201, 422, 409, 201],
        ),
        (
            Method::GET,
            "/api/v1/reports/mine".into(),
            None,
            [401, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            "/api/v1/admin/reports".into(),
            None,
            [401, 403, 403, 403, 200],
        ),
        (
            Method::GET,
            format!("/api/v1/admin/reports/{id}"),
            None,
            [401, 403, 403, 403, 200],
        ),
        (
            Method::POST,
            format!("/api/v1/admin/reports/{id}/dismiss"),
            Some(json!({"note": "n"})),
            [401, 403, 403, 403, 200],
        ),
        (
            Method::POST,
            format!("/api/v1/admin/reports/{id}/resolve"),
            Some(json!({"action": "none", "note": "n"})),
            [401, 403, 403, 403, 409],
        ),
        (
            Method::GET,
            "/api/v1/admin/audit-log".into(),
            None,
            [401, 403, 403, 403, 200],
        ),
        (
            Method::POST,
            format!("/api/v1/admin/users/{}/suspend", target.id),
            Some(json!({"duration": "1d", "reason": "r"})),
            [401, 403, 403, 403, 200],
        ),
        (
            Method::POST,
            format!("/api/v1/admin/users/{}/restore", target.id),
            None,
            [401, 403, 403, 403, 200],
        ),
    ];
    let callers = [None, Some(&stranger), Some(&bob), Some(&alice), Some(&admin)];
    for (method, path, body, expected) in rows {
        for (caller, status) in callers.iter().zip(expected) {
            let token = caller.map(|user| user.access_token.as_str());
            let reply = server.call(method.clone(), path, token, body.clone()).await;
            let who = caller.map_or("anonymous", |user| user.username.as_str());
            assert_eq!(
                reply.status.as_u16(),
                *status,
                "{method} {path} as {who}: {}",
                reply.body
            );
        }
    }
    server.stop().await;
}
