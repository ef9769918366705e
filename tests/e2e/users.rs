//! People search, profiles, status and the default avatars.

use hub_tests::{Backend, TestServer};
use reqwest::Method;
use serde_json::json;

hub_tests::on_both_databases!(
    search_pages_through_everyone,
    profile_and_status_updates,
    default_avatars
);

async fn search_pages_through_everyone(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let names = ["anna", "annabel", "bob", "carl", "joanna", "zed"];
    let mut users = Vec::new();
    for name in names {
        users.push(server.new_user(name).await);
    }
    let token = &users[0].access_token;

    let found = server.get("/api/v1/users?q=ANN", token).await;
    found.expect(200);
    let usernames: Vec<&str> = found.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(usernames, ["anna", "annabel", "joanna"]);

    // Display names are searched too.
    server
        .call(
            Method::PATCH,
            "/api/v1/users/me",
            Some(&users[5].access_token),
            Some(json!({"full_name": "Zed Annex"})),
        )
        .await
        .expect(200);
    let found = server.get("/api/v1/users?q=annex", token).await;
    assert_eq!(found.body["items"][0]["username"], "zed");

    // Wildcards in the query are literal.
    let found = server.get("/api/v1/users?q=%25", token).await;
    assert_eq!(found.body["items"].as_array().unwrap().len(), 0);

    // Paging walks everyone once, in order.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/users?limit=2&cursor={cursor}"),
            None => "/api/v1/users?limit=2".to_owned(),
        };
        let page = server.get(&path, token).await;
        page.expect(200);
        for user in page.body["items"].as_array().unwrap() {
            seen.push(user["username"].as_str().unwrap().to_owned());
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, names);

    let one = server.get(&format!("/api/v1/users/{}", users[2].id), token).await;
    one.expect(200);
    assert_eq!(one.body["username"], "bob");
    assert!(one.body.get("email").is_none(), "email is private");
    server.stop().await;
}

async fn profile_and_status_updates(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let token = Some(alice.access_token.as_str());

    let reply = server
        .call(
            Method::PATCH,
            "/api/v1/users/me",
            token,
            Some(json!({"full_name": "  Alice Liddell ", "bio": "Down the\nrabbit hole", "avatar_url": "fox", "email": "a@example.com"})),
        )
        .await;
    reply.expect(200);
    assert_eq!(reply.body["full_name"], "Alice Liddell");
    assert_eq!(reply.body["bio"], "Down the\nrabbit hole");
    assert_eq!(reply.body["avatar_url"], "/api/v1/avatars/fox.svg");
    assert_eq!(reply.body["email"], "a@example.com");

    // Absent fields stay; null clears.
    let reply = server
        .call(
            Method::PATCH,
            "/api/v1/users/me",
            token,
            Some(json!({"avatar_url": null})),
        )
        .await;
    reply.expect(200);
    assert_eq!(reply.body["avatar_url"], serde_json::Value::Null);
    assert_eq!(reply.body["full_name"], "Alice Liddell");
    let reply = server
        .call(
            Method::PATCH,
            "/api/v1/users/me",
            token,
            Some(json!({"avatar_url": "https://img.example/a.png"})),
        )
        .await;
    assert_eq!(reply.body["avatar_url"], "https://img.example/a.png");

    let reply = server
        .call(
            Method::PATCH,
            "/api/v1/users/me",
            token,
            Some(json!({"avatar_url": "javascript:alert(1)"})),
        )
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "avatar_url");
    let reply = server
        .call(
            Method::PATCH,
            "/api/v1/users/me",
            token,
            Some(json!({"bio": "b".repeat(501)})),
        )
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "bio");
    server.new_user("bob").await;
    let bob = server.login("bob", hub_tests::PASSWORD).await.into_user();
    server
        .call(
            Method::PATCH,
            "/api/v1/users/me",
            Some(&bob.access_token),
            Some(json!({"email": "A@example.com"})),
        )
        .await
        .expect_error(409, "email_taken");

    let reply = server
        .call(
            Method::PUT,
            "/api/v1/users/me/status",
            token,
            Some(json!({"status": "busy"})),
        )
        .await;
    reply.expect(200);
    assert_eq!(reply.body["status"], "busy");
    let seen_by_bob = server
        .get(&format!("/api/v1/users/{}", alice.id), &bob.access_token)
        .await;
    // Others see presence: the chosen status only while she has a live connection.
    assert_eq!(seen_by_bob.body["status"], "offline");
    assert_eq!(seen_by_bob.body["full_name"], "Alice Liddell");
    let own = server.get("/api/v1/users/me", &alice.access_token).await;
    assert_eq!(own.body["status"], "busy", "her own view shows what she chose");
    server.stop().await;
}

async fn default_avatars(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let list = server.call(Method::GET, "/api/v1/avatars", None, None).await;
    list.expect(200);
    let first = &list.body.as_array().unwrap()[0];
    let url = first["url"].as_str().unwrap();
    let picture = server.http.get(server.url(url)).send().await.unwrap();
    assert_eq!(picture.status(), 200);
    assert_eq!(picture.headers()["content-type"], "image/svg+xml");
    assert!(picture.text().await.unwrap().starts_with("<svg"));
    server
        .call(Method::GET, "/api/v1/avatars/dragon.svg", None, None)
        .await
        .expect_error(404, "not_found");
    server.stop().await;
}
