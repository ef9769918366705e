//! Membership: joining (with join codes for private channels), invitations, leaving, roles and
//! the moderation of members: kicks, time-outs and bans.

use hub_tests::{Backend, TestServer, TestUser};
use reqwest::Method;
use serde_json::{Value, json};

hub_tests::on_both_databases!(
    joining_an_open_channel_is_idempotent,
    private_channels_open_only_with_the_current_join_code,
    channel_admins_add_members,
    leaving_keeps_at_least_one_owner,
    only_owners_change_roles,
    kicking_needs_a_higher_rank,
    timed_out_members_cannot_post_until_the_time_out_is_lifted,
    bans_keep_people_out_until_lifted_or_expired,
);

fn channel_path(id: &str, rest: &str) -> String {
    format!("/api/v1/channels/{id}{rest}")
}

/// The usernames of a member list, in order.
fn usernames(members: &[Value]) -> Vec<String> {
    members
        .iter()
        .map(|m| m["user"]["username"].as_str().unwrap().to_owned())
        .collect()
}

/// Every member of a channel, paging with `limit`.
async fn all_members(server: &TestServer, viewer: &TestUser, id: &str, limit: u32) -> Vec<Value> {
    let mut members = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(cursor) => format!("?limit={limit}&cursor={cursor}"),
            None => format!("?limit={limit}"),
        };
        let page = server
            .get(&channel_path(id, &format!("/members{query}")), &viewer.access_token)
            .await;
        page.expect(200);
        assert!(page.items().len() <= limit as usize);
        members.extend(page.items().iter().cloned());
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return members,
        }
        assert!(members.len() < 1000, "paging does not end");
    }
}

async fn joining_an_open_channel_is_idempotent(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    for (name, kind) in [("lobby", "public"), ("call", "voice")] {
        let id = server.new_channel(&alice, name, kind).await;
        for _ in 0..2 {
            let reply = server
                .post(&channel_path(&id, "/join"), &bob.access_token, json!({}))
                .await;
            reply.expect(200);
            assert_eq!(reply.body["id"], id.as_str());
            assert_eq!(reply.body["role"], "member");
            assert_eq!(reply.body["member_count"], 2, "joining twice counts once");
        }
        server.join(&carol, &id).await;

        let members = all_members(&server, &bob, &id, 1).await;
        let mut names = usernames(&members);
        names.sort();
        assert_eq!(names, ["alice", "bob", "carol"], "{kind}");
        let alice_entry = members.iter().find(|m| m["user"]["id"] == alice.id.as_str()).unwrap();
        assert_eq!(alice_entry["role"], "owner");
        assert!(alice_entry["joined_at"].is_string());
        assert!(alice_entry["timed_out_until"].is_null());
        assert!(server.my_channel(&bob, &id).await.is_object());
    }
    server.stop().await;
}

async fn private_channels_open_only_with_the_current_join_code(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let id = server.new_channel(&alice, "inner-circle", "private").await;
    let join =
        async |user: &TestUser, body: Value| server.post(&channel_path(&id, "/join"), &user.access_token, body).await;

    // Without the code the channel does not exist for them.
    join(&bob, json!({})).await.expect_error(404, "not_found");
    join(&bob, json!({"join_code": "guess"}))
        .await
        .expect_error(404, "not_found");
    server
        .get(&channel_path(&id, ""), &bob.access_token)
        .await
        .expect_error(404, "not_found");

    let rotate = server
        .bodiless(Method::POST, &channel_path(&id, "/join-code"), &alice.access_token)
        .await;
    rotate.expect(200);
    let first_code = rotate.body["join_code"].as_str().unwrap().to_owned();
    assert!(!first_code.is_empty());
    let joined = join(&bob, json!({"join_code": first_code})).await;
    joined.expect(200);
    assert_eq!(joined.body["role"], "member");
    assert_eq!(joined.body["kind"], "private");
    // A member joining again needs no code.
    join(&bob, json!({})).await.expect(200);

    // Rotating retires the old code.
    let rotate = server
        .bodiless(Method::POST, &channel_path(&id, "/join-code"), &alice.access_token)
        .await;
    rotate.expect(200);
    let second_code = rotate.body["join_code"].as_str().unwrap().to_owned();
    assert_ne!(second_code, first_code);
    join(&carol, json!({"join_code": first_code}))
        .await
        .expect_error(404, "not_found");
    join(&carol, json!({"join_code": second_code})).await.expect(200);

    // Members may not rotate it; open channels have none.
    server
        .bodiless(Method::POST, &channel_path(&id, "/join-code"), &bob.access_token)
        .await
        .expect_error(403, "forbidden");
    let open = server.new_channel(&alice, "open", "public").await;
    server
        .bodiless(Method::POST, &channel_path(&open, "/join-code"), &alice.access_token)
        .await
        .expect_error(409, "conflict");
    server.stop().await;
}

async fn channel_admins_add_members(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let id = server.new_channel(&alice, "invite-only", "private").await;
    let add = async |user_id: &str| {
        server
            .post(
                &channel_path(&id, "/members"),
                &alice.access_token,
                json!({ "user_id": user_id }),
            )
            .await
    };

    let reply = add(&bob.id).await;
    reply.expect(201);
    assert_eq!(reply.body["user"]["id"], bob.id.as_str());
    assert_eq!(reply.body["user"]["username"], "bob");
    assert_eq!(reply.body["role"], "member");
    assert!(reply.body["joined_at"].is_string());
    let again = add(&bob.id).await;
    again.expect(200);
    assert_eq!(again.body["joined_at"], reply.body["joined_at"]);

    // Invited, bob sees the channel without a join code.
    let entry = server.my_channel(&bob, &id).await;
    assert_eq!(entry["role"], "member");
    server.get(&channel_path(&id, ""), &bob.access_token).await.expect(200);
    server.send_message(&bob, &id, "thanks for having me").await;

    add(&uuid::Uuid::now_v7().to_string())
        .await
        .expect_error(404, "not_found");
    let reply = server
        .post(&channel_path(&id, "/members"), &alice.access_token, json!({}))
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "user_id");
    server.stop().await;
}

async fn leaving_keeps_at_least_one_owner(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let id = server.new_channel(&alice, "lobby", "public").await;
    server.join(&bob, &id).await;
    let leave = async |user: &TestUser| {
        server
            .bodiless(Method::POST, &channel_path(&id, "/leave"), &user.access_token)
            .await
    };

    leave(&bob).await.expect(204);
    assert!(server.my_channel(&bob, &id).await.is_null());
    let members = all_members(&server, &alice, &id, 50).await;
    assert_eq!(usernames(&members), ["alice"]);
    server
        .post(
            &channel_path(&id, "/messages"),
            &bob.access_token,
            json!({"content": "still here?"}),
        )
        .await
        .expect_error(403, "forbidden");

    leave(&alice).await.expect_error(409, "conflict");
    server.join(&bob, &id).await;
    server
        .put(
            &channel_path(&id, &format!("/members/{}/role", bob.id)),
            &alice.access_token,
            json!({"role": "owner"}),
        )
        .await
        .expect(200);
    leave(&alice).await.expect(204);
    let shown = server.get(&channel_path(&id, ""), &bob.access_token).await;
    assert_eq!(shown.body["member_count"], 1);
    leave(&bob).await.expect_error(409, "conflict");
    server.stop().await;
}

async fn only_owners_change_roles(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let id = server.new_channel(&alice, "lobby", "public").await;
    server.join(&bob, &id).await;
    server.join(&carol, &id).await;
    let set_role = async |actor: &TestUser, target: &TestUser, role: &str| {
        server
            .put(
                &channel_path(&id, &format!("/members/{}/role", target.id)),
                &actor.access_token,
                json!({ "role": role }),
            )
            .await
    };

    let reply = set_role(&alice, &bob, "admin").await;
    reply.expect(200);
    assert_eq!(reply.body["user"]["id"], bob.id.as_str());
    assert_eq!(reply.body["role"], "admin");
    assert_eq!(server.my_channel(&bob, &id).await["role"], "admin");

    // A channel admin moderates but does not hand out roles.
    set_role(&bob, &carol, "admin").await.expect_error(403, "forbidden");
    set_role(&carol, &carol, "owner").await.expect_error(403, "forbidden");

    // The last owner cannot step down until there is another.
    set_role(&alice, &alice, "member").await.expect_error(409, "conflict");
    set_role(&alice, &carol, "owner").await.expect(200);
    let reply = set_role(&alice, &alice, "member").await;
    reply.expect(200);
    assert_eq!(reply.body["role"], "member");
    assert_eq!(server.my_channel(&alice, &id).await["role"], "member");

    let site_admin = server.new_admin("siteadmin").await;
    set_role(&site_admin, &alice, "admin").await.expect(200);

    let reply = set_role(&carol, &bob, "king").await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "role");
    let stranger = server.new_user("dave").await;
    set_role(&carol, &stranger, "admin")
        .await
        .expect_error(404, "not_found");
    server.stop().await;
}

async fn kicking_needs_a_higher_rank(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let owner = server.new_user("owner").await;
    let admin = server.new_user("moderator").await;
    let other_admin = server.new_user("otheradmin").await;
    let member = server.new_user("member").await;
    let other_member = server.new_user("othermember").await;
    let site_admin = server.new_admin("siteadmin").await;
    let id = server.new_channel(&owner, "lobby", "public").await;
    for user in [&admin, &other_admin, &member, &other_member] {
        server.join(user, &id).await;
    }
    for user in [&admin, &other_admin] {
        server
            .put(
                &channel_path(&id, &format!("/members/{}/role", user.id)),
                &owner.access_token,
                json!({"role": "admin"}),
            )
            .await
            .expect(200);
    }
    let kick = async |actor: &TestUser, target: &TestUser| {
        server
            .delete(
                &channel_path(&id, &format!("/members/{}", target.id)),
                &actor.access_token,
            )
            .await
    };

    kick(&member, &other_member).await.expect_error(403, "forbidden");
    kick(&admin, &other_admin).await.expect_error(403, "forbidden");
    kick(&admin, &owner).await.expect_error(403, "forbidden");
    kick(&admin, &member).await.expect(204);
    kick(&owner, &other_admin).await.expect(204);
    kick(&site_admin, &admin).await.expect(204);

    let members = all_members(&server, &owner, &id, 50).await;
    let mut names = usernames(&members);
    names.sort();
    assert_eq!(names, ["othermember", "owner"]);
    assert!(server.my_channel(&member, &id).await.is_null());
    // A kick is not a ban: they may come back.
    server.join(&member, &id).await;
    server.stop().await;
}

async fn timed_out_members_cannot_post_until_the_time_out_is_lifted(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let owner = server.new_user("owner").await;
    let member = server.new_user("member").await;
    let id = server.new_channel(&owner, "lobby", "public").await;
    server.join(&member, &id).await;
    let timeout_path = channel_path(&id, &format!("/members/{}/timeout", member.id));
    let post = async || {
        server
            .post(
                &channel_path(&id, "/messages"),
                &member.access_token,
                json!({"content": "let me speak"}),
            )
            .await
    };

    let until = chrono::Utc::now() + chrono::Duration::minutes(30);
    let reply = server
        .put(
            &timeout_path,
            &owner.access_token,
            json!({ "until": until.to_rfc3339() }),
        )
        .await;
    reply.expect(200);
    assert_eq!(reply.body["user"]["id"], member.id.as_str());
    let stored: chrono::DateTime<chrono::Utc> = reply.body["timed_out_until"].as_str().unwrap().parse().unwrap();
    assert!((stored - until).num_seconds().abs() <= 1);

    let refused = post().await;
    refused.expect_error(403, "forbidden");
    let told: chrono::DateTime<chrono::Utc> = refused.body["error"]["details"]["timed_out_until"]
        .as_str()
        .expect("details.timed_out_until")
        .parse()
        .unwrap();
    assert_eq!(told, stored);
    // They still read.
    server
        .get(&channel_path(&id, "/messages"), &member.access_token)
        .await
        .expect(200);
    let listed = all_members(&server, &owner, &id, 50).await;
    let entry = listed.iter().find(|m| m["user"]["id"] == member.id.as_str()).unwrap();
    assert!(entry["timed_out_until"].is_string());

    server.delete(&timeout_path, &owner.access_token).await.expect(204);
    post().await.expect(201);

    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    let reply = server
        .put(
            &timeout_path,
            &owner.access_token,
            json!({ "until": past.to_rfc3339() }),
        )
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "until");
    let reply = server
        .put(&timeout_path, &owner.access_token, json!({"until": "soon"}))
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "until");
    server.stop().await;
}

async fn bans_keep_people_out_until_lifted_or_expired(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let owner = server.new_user("owner").await;
    let member = server.new_user("member").await;
    let later = server.new_user("later").await;
    let id = server.new_channel(&owner, "lobby", "public").await;
    server.join(&member, &id).await;
    let ban_path = |user: &TestUser| channel_path(&id, &format!("/bans/{}", user.id));
    let join = async |user: &TestUser| {
        server
            .post(&channel_path(&id, "/join"), &user.access_token, json!({}))
            .await
    };

    let ban = server
        .put(&ban_path(&member), &owner.access_token, json!({"reason": "spam"}))
        .await;
    ban.expect(200);
    assert_eq!(ban.body["user_id"], member.id.as_str());
    assert_eq!(ban.body["banned_by"], owner.id.as_str());
    assert_eq!(ban.body["reason"], "spam");
    assert!(ban.body["created_at"].is_string());
    assert!(ban.body["expires_at"].is_null());

    // The ban removes them and keeps them out.
    assert!(server.my_channel(&member, &id).await.is_null());
    let members = all_members(&server, &owner, &id, 50).await;
    assert_eq!(usernames(&members), ["owner"]);
    join(&member).await.expect_error(403, "forbidden");
    let bans = server.get(&channel_path(&id, "/bans"), &owner.access_token).await;
    bans.expect(200);
    assert_eq!(bans.items().len(), 1);
    assert_eq!(bans.items()[0]["user_id"], member.id.as_str());
    assert_eq!(bans.items()[0]["reason"], "spam");

    server.delete(&ban_path(&member), &owner.access_token).await.expect(204);
    let bans = server.get(&channel_path(&id, "/bans"), &owner.access_token).await;
    assert!(bans.items().is_empty());
    join(&member).await.expect(200);

    // A ban with an end keeps them out until it ends; one that has ended is no ban.
    let future = chrono::Utc::now() + chrono::Duration::hours(1);
    let ban = server
        .put(
            &ban_path(&later),
            &owner.access_token,
            json!({"expires_at": future.to_rfc3339()}),
        )
        .await;
    ban.expect(200);
    assert!(ban.body["expires_at"].is_string());
    join(&later).await.expect_error(403, "forbidden");
    let past = chrono::Utc::now() - chrono::Duration::hours(1);
    let reply = server
        .put(
            &ban_path(&later),
            &owner.access_token,
            json!({"expires_at": past.to_rfc3339()}),
        )
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "expires_at");
    join(&later).await.expect_error(403, "forbidden");
    // A ban that runs out: in force until its end, no ban after it.
    let soon = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
    server
        .put(
            &ban_path(&later),
            &owner.access_token,
            json!({"expires_at": soon.to_rfc3339()}),
        )
        .await
        .expect(200);
    join(&later).await.expect_error(403, "forbidden");
    let left = soon - chrono::Utc::now() + chrono::Duration::milliseconds(100);
    tokio::time::sleep(left.to_std().unwrap_or_default()).await;
    join(&later).await.expect(200);

    // A private channel's code does not let a banned person back in.
    let private = server.new_channel(&owner, "inner", "private").await;
    let code = server
        .bodiless(Method::POST, &channel_path(&private, "/join-code"), &owner.access_token)
        .await
        .body["join_code"]
        .as_str()
        .unwrap()
        .to_owned();
    server
        .put(
            &channel_path(&private, &format!("/bans/{}", member.id)),
            &owner.access_token,
            json!({}),
        )
        .await
        .expect(200);
    server
        .post(
            &channel_path(&private, "/join"),
            &member.access_token,
            json!({ "join_code": code }),
        )
        .await
        .expect_error(403, "forbidden");
    server.stop().await;
}
