//! The authorization matrix: what a stranger, a member, a channel admin, the owner and a site
//! admin get from every channel and message route, on a public channel, on a private channel and
//! in a direct conversation. Each row is one line of the policy in `hub_core::rules::permissions`.
//!
//! A refused request changes nothing, so the refused cases of a table share one set-up; every
//! case that is expected to change something gets a fresh set-up of its own (a fresh channel; for
//! the direct conversation, which the same two people always share, fresh messages and pin).

use hub_tests::{Backend, TestServer, TestUser};
use reqwest::Method;
use serde_json::{Value, json};

hub_tests::on_both_databases!(
    public_channel_matrix,
    private_channel_matrix,
    direct_conversation_matrix,
);

/// Who makes the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    /// Signed in, no relation to the channel.
    Stranger,
    /// A plain member (in a direct conversation: one of its people).
    Member,
    /// A member with the channel's admin role.
    ChannelAdmin,
    /// The channel's (only) owner.
    Owner,
    /// A site admin who is not a member.
    SiteAdmin,
}

use Actor::{ChannelAdmin, Member, Owner, SiteAdmin, Stranger};

/// The contract says nothing about this cell, so it is not asserted.
const UNSAID: u16 = 0;

/// One row: `"METHOD /path"` (with `{placeholders}`), the JSON body (or none), and the status
/// each actor of the table gets, in the table's actor order.
type Row = (&'static str, Option<&'static str>, &'static [u16]);

const CHANNEL_ACTORS: &[Actor] = &[Stranger, Member, ChannelAdmin, Owner, SiteAdmin];

/// Placeholders: `{message}` is the member's message, `{other_message}` another member's
/// (`{target}`, who is timed out), `{pinned}` the owner's pinned message, `{outsider}` someone in
/// no channel, `{banned}` someone banned, `{code}` the current join code, `{until}` an hour ahead.
#[rustfmt::skip]
const PUBLIC: &[Row] = &[
    // route                                            body                              stranger, member, channel admin, owner, site admin
    ("GET /channels/{channel}",                         None,                            &[200, 200, 200, 200, 200]),
    ("PATCH /channels/{channel}",                       Some(r#"{"topic":"new"}"#),      &[403, 403, 200, 200, 200]),
    ("DELETE /channels/{channel}",                      None,                            &[403, 403, 403, 204, 204]),
    ("POST /channels/{channel}/join",                   Some("{}"),                      &[200, 200, 200, 200, 200]),
    ("POST /channels/{channel}/leave",                  None,                            &[UNSAID, 204, 204, 409, UNSAID]),
    ("POST /channels/{channel}/join-code",              None,                            &[403, 403, 409, 409, 409]),
    ("GET /channels/{channel}/members",                 None,                            &[200, 200, 200, 200, 200]),
    ("POST /channels/{channel}/members",                Some(r#"{"user_id":"{outsider}"}"#), &[403, 403, 201, 201, 201]),
    ("DELETE /channels/{channel}/members/{target}",     None,                            &[403, 403, 204, 204, 204]),
    ("PUT /channels/{channel}/members/{target}/role",   Some(r#"{"role":"admin"}"#),     &[403, 403, 403, 200, 200]),
    ("PUT /channels/{channel}/members/{target}/timeout", Some(r#"{"until":"{until}"}"#), &[403, 403, 200, 200, 200]),
    ("DELETE /channels/{channel}/members/{target}/timeout", None,                        &[403, 403, 204, 204, 204]),
    ("GET /channels/{channel}/bans",                    None,                            &[403, 403, 200, 200, 200]),
    ("PUT /channels/{channel}/bans/{target}",           Some("{}"),                      &[403, 403, 200, 200, 200]),
    ("DELETE /channels/{channel}/bans/{banned}",        None,                            &[403, 403, 204, 204, 204]),
    ("POST /channels/{channel}/read",                   Some(r#"{"message_id":"{message}"}"#), &[403, 204, 204, 204, 403]),
    ("PUT /channels/{channel}/notifications",           Some(r#"{"level":"mentions"}"#), &[403, 200, 200, 200, 403]),
    ("GET /channels/{channel}/pins",                    None,                            &[200, 200, 200, 200, 200]),
    ("PUT /channels/{channel}/pins/{message}",          None,                            &[403, 403, 200, 200, 200]),
    ("DELETE /channels/{channel}/pins/{pinned}",        None,                            &[403, 403, 204, 204, 204]),
    ("GET /channels/{channel}/messages",                None,                            &[200, 200, 200, 200, 200]),
    ("POST /channels/{channel}/messages",               Some(r#"{"content":"hello"}"#),  &[403, 201, 201, 201, 403]),
    ("GET /messages/{message}",                         None,                            &[200, 200, 200, 200, 200]),
    ("PATCH /messages/{message}",                       Some(r#"{"content":"edited"}"#), &[403, 200, 403, 403, 403]),
    ("DELETE /messages/{message}",                      None,                            &[403, 204, 204, 204, 204]),
    ("DELETE /messages/{other_message}",                None,                            &[403, 403, 204, 204, 204]),
    ("GET /messages/{message}/history",                 None,                            &[200, 200, 200, 200, 200]),
    ("GET /messages/{message}/thread",                  None,                            &[200, 200, 200, 200, 200]),
    ("GET /messages/{message}/reactions",               None,                            &[200, 200, 200, 200, 200]),
    ("PUT /messages/{message}/reactions/thumbsup",      None,                            &[403, 204, 204, 204, 403]),
    ("DELETE /messages/{message}/reactions/thumbsup",   None,                            &[403, 204, 204, 204, 403]),
    ("PUT /users/me/saved/{message}",                   None,                            &[204, 204, 204, 204, 204]),
];

#[rustfmt::skip]
const PRIVATE: &[Row] = &[
    // route                                            body                              stranger, member, channel admin, owner, site admin
    ("GET /channels/{channel}",                         None,                            &[404, 200, 200, 200, 200]),
    ("PATCH /channels/{channel}",                       Some(r#"{"topic":"new"}"#),      &[404, 403, 200, 200, 200]),
    ("DELETE /channels/{channel}",                      None,                            &[404, 403, 403, 204, 204]),
    ("POST /channels/{channel}/join",                   Some("{}"),                      &[404, 200, 200, 200, 404]),
    ("POST /channels/{channel}/join",                   Some(r#"{"join_code":"{code}"}"#), &[200, 200, 200, 200, 200]),
    ("POST /channels/{channel}/join",                   Some(r#"{"join_code":"wrong"}"#), &[404, 200, 200, 200, 404]),
    ("POST /channels/{channel}/leave",                  None,                            &[404, 204, 204, 409, UNSAID]),
    ("POST /channels/{channel}/join-code",              None,                            &[404, 403, 200, 200, 200]),
    ("GET /channels/{channel}/members",                 None,                            &[404, 200, 200, 200, 200]),
    ("POST /channels/{channel}/members",                Some(r#"{"user_id":"{outsider}"}"#), &[404, 403, 201, 201, 201]),
    ("DELETE /channels/{channel}/members/{target}",     None,                            &[404, 403, 204, 204, 204]),
    ("PUT /channels/{channel}/members/{target}/role",   Some(r#"{"role":"admin"}"#),     &[404, 403, 403, 200, 200]),
    ("PUT /channels/{channel}/members/{target}/timeout", Some(r#"{"until":"{until}"}"#), &[404, 403, 200, 200, 200]),
    ("DELETE /channels/{channel}/members/{target}/timeout", None,                        &[404, 403, 204, 204, 204]),
    ("GET /channels/{channel}/bans",                    None,                            &[404, 403, 200, 200, 200]),
    ("PUT /channels/{channel}/bans/{target}",           Some("{}"),                      &[404, 403, 200, 200, 200]),
    ("DELETE /channels/{channel}/bans/{banned}",        None,                            &[404, 403, 204, 204, 204]),
    ("POST /channels/{channel}/read",                   Some(r#"{"message_id":"{message}"}"#), &[404, 204, 204, 204, 403]),
    ("PUT /channels/{channel}/notifications",           Some(r#"{"level":"mentions"}"#), &[404, 200, 200, 200, 403]),
    ("GET /channels/{channel}/pins",                    None,                            &[404, 200, 200, 200, 200]),
    ("PUT /channels/{channel}/pins/{message}",          None,                            &[404, 403, 200, 200, 200]),
    ("DELETE /channels/{channel}/pins/{pinned}",        None,                            &[404, 403, 204, 204, 204]),
    ("GET /channels/{channel}/messages",                None,                            &[404, 200, 200, 200, 200]),
    ("POST /channels/{channel}/messages",               Some(r#"{"content":"hello"}"#),  &[404, 201, 201, 201, 403]),
    ("GET /messages/{message}",                         None,                            &[404, 200, 200, 200, 200]),
    ("PATCH /messages/{message}",                       Some(r#"{"content":"edited"}"#), &[404, 200, 403, 403, 403]),
    ("DELETE /messages/{message}",                      None,                            &[404, 204, 204, 204, 204]),
    ("DELETE /messages/{other_message}",                None,                            &[404, 403, 204, 204, 204]),
    ("GET /messages/{message}/history",                 None,                            &[404, 200, 200, 200, 200]),
    ("GET /messages/{message}/thread",                  None,                            &[404, 200, 200, 200, 200]),
    ("GET /messages/{message}/reactions",               None,                            &[404, 200, 200, 200, 200]),
    ("PUT /messages/{message}/reactions/thumbsup",      None,                            &[404, 204, 204, 204, 403]),
    ("DELETE /messages/{message}/reactions/thumbsup",   None,                            &[404, 204, 204, 204, 403]),
    ("PUT /users/me/saved/{message}",                   None,                            &[404, 204, 204, 204, 204]),
];

const DM_ACTORS: &[Actor] = &[Stranger, Member, SiteAdmin];

/// The conversation is between `{target}` (who started it) and the member.
#[rustfmt::skip]
const DIRECT: &[Row] = &[
    // route                                            body                              stranger, member, site admin
    ("GET /channels/{channel}",                         None,                            &[404, 200, 404]),
    ("PATCH /channels/{channel}",                       Some(r#"{"topic":"new"}"#),      &[404, 403, 404]),
    ("DELETE /channels/{channel}",                      None,                            &[404, 403, 404]),
    ("POST /channels/{channel}/join",                   Some("{}"),                      &[404, 200, 404]),
    ("POST /channels/{channel}/leave",                  None,                            &[404, 403, 404]),
    ("POST /channels/{channel}/join-code",              None,                            &[404, 403, 404]),
    ("GET /channels/{channel}/members",                 None,                            &[404, 200, 404]),
    ("POST /channels/{channel}/members",                Some(r#"{"user_id":"{outsider}"}"#), &[404, 403, 404]),
    ("DELETE /channels/{channel}/members/{target}",     None,                            &[404, 403, 404]),
    ("PUT /channels/{channel}/members/{target}/role",   Some(r#"{"role":"member"}"#),    &[404, 403, 404]),
    ("GET /channels/{channel}/bans",                    None,                            &[404, 403, 404]),
    ("POST /channels/{channel}/read",                   Some(r#"{"message_id":"{message}"}"#), &[404, 204, 404]),
    ("PUT /channels/{channel}/notifications",           Some(r#"{"level":"nothing"}"#),  &[404, 200, 404]),
    ("GET /channels/{channel}/pins",                    None,                            &[404, 200, 404]),
    ("PUT /channels/{channel}/pins/{message}",          None,                            &[404, 200, 404]),
    ("DELETE /channels/{channel}/pins/{pinned}",        None,                            &[404, 204, 404]),
    ("GET /channels/{channel}/messages",                None,                            &[404, 200, 404]),
    ("POST /channels/{channel}/messages",               Some(r#"{"content":"hello"}"#),  &[404, 201, 404]),
    ("GET /messages/{message}",                         None,                            &[404, 200, 404]),
    ("PATCH /messages/{message}",                       Some(r#"{"content":"edited"}"#), &[404, 200, 404]),
    ("DELETE /messages/{message}",                      None,                            &[404, 204, 404]),
    ("DELETE /messages/{other_message}",                None,                            &[404, 403, 404]),
    ("GET /messages/{message}/history",                 None,                            &[404, 200, 404]),
    ("GET /messages/{message}/thread",                  None,                            &[404, 200, 404]),
    ("GET /messages/{message}/reactions",               None,                            &[404, 200, 404]),
    ("PUT /messages/{message}/reactions/thumbsup",      None,                            &[404, 204, 404]),
    ("PUT /users/me/saved/{message}",                   None,                            &[404, 204, 404]),
];

async fn public_channel_matrix(backend: Backend) {
    run_matrix(&backend, "public", CHANNEL_ACTORS, PUBLIC).await;
}

async fn private_channel_matrix(backend: Backend) {
    run_matrix(&backend, "private", CHANNEL_ACTORS, PRIVATE).await;
}

async fn direct_conversation_matrix(backend: Backend) {
    run_matrix(&backend, "dm", DM_ACTORS, DIRECT).await;
}

/// Everyone the tables name.
struct People {
    stranger: TestUser,
    member: TestUser,
    channel_admin: TestUser,
    owner: TestUser,
    site_admin: TestUser,
    target: TestUser,
    outsider: TestUser,
    banned: TestUser,
}

impl People {
    async fn sign_up(server: &TestServer) -> People {
        People {
            stranger: server.new_user("stranger").await,
            member: server.new_user("member").await,
            channel_admin: server.new_user("chanadmin").await,
            owner: server.new_user("owner").await,
            site_admin: server.new_admin("siteadmin").await,
            target: server.new_user("target").await,
            outsider: server.new_user("outsider").await,
            banned: server.new_user("banned").await,
        }
    }

    fn acting(&self, actor: Actor) -> &TestUser {
        match actor {
            Stranger => &self.stranger,
            Member => &self.member,
            ChannelAdmin => &self.channel_admin,
            Owner => &self.owner,
            SiteAdmin => &self.site_admin,
        }
    }
}

/// One channel set up as the tables expect.
struct World {
    channel: String,
    message: String,
    other_message: String,
    pinned: String,
    code: String,
}

async fn set_up(server: &TestServer, people: &People, kind: &str, serial: usize) -> World {
    if kind == "dm" {
        return set_up_direct(server, people).await;
    }
    let owner = &people.owner.access_token;
    let channel = server
        .new_channel(&people.owner, &format!("{kind}-{serial}"), kind)
        .await;
    let base = format!("/api/v1/channels/{channel}");
    for user in [&people.member, &people.channel_admin, &people.target] {
        if kind == "private" {
            server
                .post(&format!("{base}/members"), owner, json!({ "user_id": user.id }))
                .await
                .expect(201);
        } else {
            server.join(user, &channel).await;
        }
    }
    server
        .put(
            &format!("{base}/members/{}/role", people.channel_admin.id),
            owner,
            json!({"role": "admin"}),
        )
        .await
        .expect(200);
    let code = if kind == "private" {
        let reply = server.bodiless(Method::POST, &format!("{base}/join-code"), owner).await;
        reply.expect(200);
        reply.body["join_code"].as_str().unwrap().to_owned()
    } else {
        String::new()
    };
    let message = server.send_message(&people.member, &channel, "mine").await;
    let other = server.send_message(&people.target, &channel, "theirs").await;
    let pinned = server.send_message(&people.owner, &channel, "pinned").await;
    server
        .bodiless(
            Method::PUT,
            &format!("{base}/pins/{}", pinned["id"].as_str().unwrap()),
            owner,
        )
        .await
        .expect(200);
    server
        .put(&format!("{base}/bans/{}", people.banned.id), owner, json!({}))
        .await
        .expect(200);
    server
        .put(
            &format!("{base}/members/{}/timeout", people.target.id),
            owner,
            json!({ "until": in_one_hour() }),
        )
        .await
        .expect(200);
    World {
        channel,
        message: message["id"].as_str().unwrap().to_owned(),
        other_message: other["id"].as_str().unwrap().to_owned(),
        pinned: pinned["id"].as_str().unwrap().to_owned(),
        code,
    }
}

async fn set_up_direct(server: &TestServer, people: &People) -> World {
    let starter = &people.target.access_token;
    let reply = server
        .post("/api/v1/dms", starter, json!({ "user_ids": [people.member.id] }))
        .await;
    assert!(reply.status == 201 || reply.status == 200, "POST /dms: {}", reply.body);
    let channel = reply.body["id"].as_str().unwrap().to_owned();
    let message = server.send_message(&people.member, &channel, "mine").await;
    let other = server.send_message(&people.target, &channel, "theirs").await;
    let pinned = server.send_message(&people.target, &channel, "pinned").await;
    let pinned = pinned["id"].as_str().unwrap().to_owned();
    server
        .bodiless(
            Method::PUT,
            &format!("/api/v1/channels/{channel}/pins/{pinned}"),
            starter,
        )
        .await
        .expect(200);
    World {
        channel,
        message: message["id"].as_str().unwrap().to_owned(),
        other_message: other["id"].as_str().unwrap().to_owned(),
        pinned,
        code: String::new(),
    }
}

fn in_one_hour() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339()
}

fn fill(template: &str, world: &World, people: &People) -> String {
    template
        .replace("{channel}", &world.channel)
        .replace("{other_message}", &world.other_message)
        .replace("{message}", &world.message)
        .replace("{pinned}", &world.pinned)
        .replace("{target}", &people.target.id)
        .replace("{outsider}", &people.outsider.id)
        .replace("{banned}", &people.banned.id)
        .replace("{code}", &world.code)
        .replace("{until}", &in_one_hour())
}

/// The error code that goes with an error status.
fn code_for(status: u16) -> &'static str {
    match status {
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        422 => "invalid_input",
        _ => "",
    }
}

/// Runs every cell of a table and fails once with every cell that disagrees.
async fn run_matrix(backend: &Backend, kind: &str, actors: &[Actor], rows: &[Row]) {
    let server = TestServer::start(backend).await;
    let people = People::sign_up(&server).await;
    let shared = set_up(&server, &people, kind, 0).await;
    let mut serial = 0;
    let mut cases = 0;
    let mut mismatches = Vec::new();
    for (route, body, expected) in rows {
        assert_eq!(expected.len(), actors.len(), "row {route} needs a cell per actor");
        let (method, path) = route.split_once(' ').unwrap();
        let method: Method = method.parse().unwrap();
        for (&actor, &status) in actors.iter().zip(expected.iter()) {
            if status == UNSAID {
                continue;
            }
            let changes_state = method != Method::GET && (200..300).contains(&status);
            let fresh;
            let world = if changes_state {
                serial += 1;
                fresh = set_up(&server, &people, kind, serial).await;
                &fresh
            } else {
                &shared
            };
            let url = format!("/api/v1{}", fill(path, world, &people));
            let token = &people.acting(actor).access_token;
            let reply = match body {
                Some(body) => {
                    let body: Value = serde_json::from_str(&fill(body, world, &people)).unwrap();
                    server.call(method.clone(), &url, Some(token), Some(body)).await
                }
                None => server.bodiless(method.clone(), &url, token).await,
            };
            cases += 1;
            let status_differs = reply.status.as_u16() != status;
            let code_differs = status >= 400 && reply.code() != code_for(status);
            if status_differs || code_differs {
                let body = body.map(|b| format!(" {b}")).unwrap_or_default();
                mismatches.push(format!(
                    "{kind}: {route}{body} as {actor:?}: expected {status} {}, got {} {}",
                    code_for(status),
                    reply.status.as_u16(),
                    reply.body
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {cases} cells disagree with the matrix:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    server.stop().await;
}
