//! The authorization matrix of the community routes: what anonymous callers, a stranger, the
//! author (or the person a request involves) and a site admin get from the forum, chat request,
//! mute/block and privacy routes. A cell that changes something gets a fresh item of its own.

use hub_tests::{Backend, TestServer, TestUser};
use reqwest::Method;
use serde_json::{Value, json};

hub_tests::on_both_databases!(forum_matrix, chat_request_matrix, own_data_matrix);

/// Who calls: nobody signed in, someone unrelated, the item's author (for a chat request, its
/// sender), a site admin; the chat request table adds the recipient.
#[derive(Debug, Clone, Copy)]
enum Actor {
    Anonymous,
    Stranger,
    Author,
    Recipient,
    SiteAdmin,
}

use Actor::{Anonymous, Author, Recipient, SiteAdmin, Stranger};

struct People {
    stranger: TestUser,
    author: TestUser,
    recipient: TestUser,
    admin: TestUser,
}

impl People {
    async fn sign_up(server: &TestServer) -> People {
        People {
            stranger: server.new_user("stranger").await,
            author: server.new_user("author").await,
            recipient: server.new_user("recipient").await,
            admin: server.new_admin("siteadmin").await,
        }
    }

    fn token(&self, actor: Actor) -> Option<&str> {
        let user = match actor {
            Anonymous => return None,
            Stranger => &self.stranger,
            Author => &self.author,
            Recipient => &self.recipient,
            SiteAdmin => &self.admin,
        };
        Some(user.access_token.as_str())
    }
}

/// A fresh post and a comment on it, both by the author.
async fn fresh_post(server: &TestServer, people: &People) -> (String, String) {
    let post = server
        .post("/api/v1/posts", &people.author.access_token, json!({"title": "a post"}))
        .await;
    let post = post.body["id"].as_str().unwrap().to_owned();
    let comment = server
        .post(
            &format!("/api/v1/posts/{post}/comments"),
            &people.author.access_token,
            json!({"body": "a comment"}),
        )
        .await;
    (post, comment.body["id"].as_str().unwrap().to_owned())
}

async fn check(
    server: &TestServer,
    people: &People,
    actor: Actor,
    method: Method,
    path: &str,
    body: Option<Value>,
    want: u16,
) {
    let reply = server.call(method.clone(), path, people.token(actor), body).await;
    assert_eq!(
        reply.status.as_u16(),
        want,
        "{method} {path} as {actor:?}: {}",
        reply.body
    );
}

async fn forum_matrix(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let people = People::sign_up(&server).await;
    let actors = [Anonymous, Stranger, Author, SiteAdmin];
    #[rustfmt::skip]
    let rows: &[(Method, &str, Option<Value>, [u16; 4])] = &[
        // method, path,                              body,                          anonymous, stranger, author, site admin
        (Method::GET, "/api/v1/posts",                 None,                          [401, 200, 200, 200]),
        (Method::POST, "/api/v1/posts",                Some(json!({"title": "t"})),   [401, 201, 201, 201]),
        (Method::GET, "/api/v1/posts/{post}",          None,                          [401, 200, 200, 200]),
        (Method::PATCH, "/api/v1/posts/{post}",        Some(json!({"title": "t2"})),  [401, 403, 200, 403]),
        (Method::DELETE, "/api/v1/posts/{post}",       None,                          [401, 403, 204, 204]),
        (Method::POST, "/api/v1/posts/{post}/vote",    Some(json!({"value": 1})),     [401, 200, 200, 200]),
        (Method::GET, "/api/v1/posts/{post}/comments", None,                          [401, 200, 200, 200]),
        (Method::POST, "/api/v1/posts/{post}/comments", Some(json!({"body": "c"})),   [401, 201, 201, 201]),
        (Method::PATCH, "/api/v1/comments/{comment}",  Some(json!({"body": "e"})),    [401, 403, 200, 403]),
        (Method::DELETE, "/api/v1/comments/{comment}", None,                          [401, 403, 204, 204]),
        (Method::POST, "/api/v1/comments/{comment}/vote", Some(json!({"value": -1})), [401, 200, 200, 200]),
    ];
    for (method, template, body, statuses) in rows {
        for (actor, want) in actors.iter().zip(statuses) {
            let (post, comment) = fresh_post(&server, &people).await;
            let path = template.replace("{post}", &post).replace("{comment}", &comment);
            check(&server, &people, *actor, method.clone(), &path, body.clone(), *want).await;
        }
    }
    server.stop().await;
}

async fn chat_request_matrix(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.safety.default_chat_availability = hub_core::model::ChatAvailability::Requests;
    })
    .await;
    let stranger = server.new_user("stranger").await;
    let admin = server.new_admin("siteadmin").await;
    #[rustfmt::skip]
    let rows: &[(&str, [u16; 5])] = &[
        // action   anonymous, stranger, sender, recipient, site admin
        ("accept",  [401, 404, 403, 200, 404]),
        ("decline", [401, 404, 403, 200, 404]),
        ("cancel",  [401, 404, 200, 403, 404]),
    ];
    let mut pair = 0;
    for (action, statuses) in rows {
        for (actor, want) in [Anonymous, Stranger, Author, Recipient, SiteAdmin].iter().zip(statuses) {
            // A fresh pair and a pending request for each cell.
            pair += 1;
            let people = People {
                stranger: stranger.clone(),
                author: server.new_user(&format!("sender{pair}")).await,
                recipient: server.new_user(&format!("recipient{pair}")).await,
                admin: admin.clone(),
            };
            let asked = server
                .post(
                    "/api/v1/chat-requests",
                    &people.author.access_token,
                    json!({"to_user_id": people.recipient.id}),
                )
                .await;
            asked.expect(201);
            let path = format!("/api/v1/chat-requests/{}/{action}", asked.body["id"].as_str().unwrap());
            check(&server, &people, *actor, Method::POST, &path, Some(json!({})), *want).await;
        }
    }
    let people = People {
        stranger,
        author: server.new_user("asker").await,
        recipient: server.new_user("asked").await,
        admin,
    };
    for (actor, want) in [Anonymous, Stranger, Author, Recipient, SiteAdmin]
        .iter()
        .zip([401, 200, 200, 200, 200])
    {
        check(
            &server,
            &people,
            *actor,
            Method::GET,
            "/api/v1/chat-requests",
            None,
            want,
        )
        .await;
    }
    server.stop().await;
}

/// Routes about the caller's own data: anyone signed in, for themselves only.
async fn own_data_matrix(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let people = People::sign_up(&server).await;
    let other = people.recipient.id.clone();
    let actors = [Anonymous, Stranger, Author, SiteAdmin];
    let rows: &[(Method, String, [u16; 4])] = &[
        (Method::GET, "/api/v1/users/me/mutes".into(), [401, 200, 200, 200]),
        (
            Method::PUT,
            format!("/api/v1/users/me/mutes/{other}"),
            [401, 204, 204, 204],
        ),
        (
            Method::DELETE,
            format!("/api/v1/users/me/mutes/{other}"),
            [401, 204, 204, 204],
        ),
        (Method::GET, "/api/v1/users/me/blocks".into(), [401, 200, 200, 200]),
        (
            Method::PUT,
            format!("/api/v1/users/me/blocks/{other}"),
            [401, 204, 204, 204],
        ),
        (
            Method::DELETE,
            format!("/api/v1/users/me/blocks/{other}"),
            [401, 204, 204, 204],
        ),
        (Method::GET, "/api/v1/users/me/export".into(), [401, 200, 200, 200]),
        (Method::DELETE, "/api/v1/users/me/messages".into(), [401, 200, 200, 200]),
        (Method::DELETE, "/api/v1/users/me/posts".into(), [401, 200, 200, 200]),
        (Method::DELETE, "/api/v1/users/me/comments".into(), [401, 200, 200, 200]),
        (Method::GET, "/api/v1/reports/mine".into(), [401, 200, 200, 200]),
    ];
    for (method, path, statuses) in rows {
        for (actor, want) in actors.iter().zip(statuses) {
            check(&server, &people, *actor, method.clone(), path, Some(json!({})), *want).await;
        }
    }
    // Closing an account: the caller's own, with their password.
    check(
        &server,
        &people,
        Anonymous,
        Method::DELETE,
        "/api/v1/users/me",
        Some(json!({"password": hub_tests::PASSWORD})),
        401,
    )
    .await;
    check(
        &server,
        &people,
        Stranger,
        Method::DELETE,
        "/api/v1/users/me",
        Some(json!({"password": hub_tests::PASSWORD})),
        204,
    )
    .await;
    server.stop().await;
}
