//! Site admins managing accounts over the API: finding them (suspended ones too), making and
//! unmaking site admins, deleting an account, and listing and ending its login sessions. Each
//! change lands in the audit log with its reason; a member gets 403 from every one of them.

use hub_tests::{Backend, PASSWORD, TestServer};
use reqwest::Method;
use serde_json::json;

hub_tests::on_both_databases!(
    admins_find_show_promote_and_demote_accounts,
    admins_list_and_end_sessions,
    admins_delete_an_account,
    members_get_403_from_every_admin_account_route,
);

async fn audit_reason(server: &TestServer, token: &str, action: &str) -> String {
    let log = server
        .get(&format!("/api/v1/admin/audit-log?action={action}"), token)
        .await;
    log.expect(200);
    log.body["items"][0]["reason"].as_str().unwrap_or_default().to_owned()
}

async fn admins_find_show_promote_and_demote_accounts(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let boss = server.new_admin("boss").await;
    let bob = server.new_user("bob").await;
    let _bobby = server.new_user("bobby").await;
    let token = &boss.access_token;

    server
        .call(
            Method::POST,
            &format!("/api/v1/admin/users/{}/suspend", bob.id),
            Some(token),
            None,
        )
        .await
        .expect(200);
    let found = server.get("/api/v1/admin/users?q=bob", token).await;
    found.expect(200);
    let names: Vec<&str> = found.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bob", "bobby"], "suspended accounts are listed for admins");
    assert_eq!(found.body["items"][0]["is_suspended"], true);
    let paged = server.get("/api/v1/admin/users?limit=1", token).await;
    assert_eq!(paged.body["items"].as_array().unwrap().len(), 1);
    let next = paged.body["next_cursor"].as_str().unwrap().to_owned();
    let second = server
        .get(&format!("/api/v1/admin/users?limit=1&cursor={next}"), token)
        .await;
    assert_ne!(second.body["items"][0]["username"], paged.body["items"][0]["username"]);

    let shown = server.get(&format!("/api/v1/admin/users/{}", bob.id), token).await;
    shown.expect(200);
    assert_eq!(shown.body["username"], "bob");
    assert_eq!(shown.body["is_superuser"], false);
    server
        .get("/api/v1/admin/users/no-such-user", token)
        .await
        .expect_error(404, "not_found");

    let promote = format!("/api/v1/admin/users/{}/promote", bob.id);
    let promoted = server
        .call(
            Method::POST,
            &promote,
            Some(token),
            Some(json!({"reason": "runs the ops team"})),
        )
        .await;
    promoted.expect(200);
    assert_eq!(promoted.body["is_superuser"], true);
    assert_eq!(audit_reason(&server, token, "user.promote").await, "runs the ops team");

    let demote = format!("/api/v1/admin/users/{}/demote", bob.id);
    let demoted = server
        .call(
            Method::POST,
            &demote,
            Some(token),
            Some(json!({"reason": "left the team"})),
        )
        .await;
    assert_eq!(demoted.body["is_superuser"], false);
    assert_eq!(audit_reason(&server, token, "user.demote").await, "left the team");
    // The last admin cannot lock the hub out by demoting themselves.
    server
        .call(
            Method::POST,
            &format!("/api/v1/admin/users/{}/demote", boss.id),
            Some(token),
            None,
        )
        .await
        .expect_error(422, "invalid_input");

    let restore = format!("/api/v1/admin/users/{}/restore", bob.id);
    server
        .call(
            Method::POST,
            &restore,
            Some(token),
            Some(json!({"reason": "appeal accepted"})),
        )
        .await
        .expect(200);
    assert_eq!(audit_reason(&server, token, "user.restore").await, "appeal accepted");
    server.stop().await;
}

async fn admins_list_and_end_sessions(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let boss = server.new_admin("boss").await;
    let bob = server.new_user("bob").await;
    // A second login: two sessions.
    let laptop = server.login("bob", PASSWORD).await;
    laptop.expect(200);
    let laptop_refresh = laptop.body["refresh_token"].as_str().unwrap().to_owned();
    let token = &boss.access_token;
    let sessions_path = format!("/api/v1/admin/users/{}/sessions", bob.id);

    let sessions = server.get(&sessions_path, token).await;
    sessions.expect(200);
    let listed = sessions.body.as_array().unwrap().clone();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|session| session["revoked_at"].is_null()));

    // End the newest (the laptop's): its refresh token stops working, the other still works.
    let newest = listed[0]["id"].as_str().unwrap();
    server
        .call(
            Method::DELETE,
            &format!("{sessions_path}/{newest}?reason=lost%20laptop"),
            Some(token),
            None,
        )
        .await
        .expect(204);
    server
        .post_anon("/api/v1/auth/refresh", json!({"refresh_token": laptop_refresh}))
        .await
        .expect_error(401, "invalid_token");
    server
        .post_anon("/api/v1/auth/refresh", json!({"refresh_token": bob.refresh_token}))
        .await
        .expect(200);
    let after = server.get(&sessions_path, token).await;
    assert_eq!(after.body[0]["revoke_reason"], "lost laptop");
    assert_eq!(audit_reason(&server, token, "session.revoke").await, "lost laptop");
    server
        .call(Method::DELETE, &format!("{sessions_path}/{newest}"), Some(token), None)
        .await
        .expect_error(404, "not_found");

    // End all of them.
    let ended = server
        .call(
            Method::DELETE,
            &format!("{sessions_path}?reason=compromised"),
            Some(token),
            None,
        )
        .await;
    ended.expect(200);
    assert_eq!(ended.body["revoked"], 1);
    server.login("bob", PASSWORD).await.expect(200);
    server.stop().await;
}

async fn admins_delete_an_account(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let boss = server.new_admin("boss").await;
    let mallory = server.new_user("mallory").await;
    let token = &boss.access_token;
    let path = format!("/api/v1/admin/users/{}", mallory.id);
    server
        .call(
            Method::DELETE,
            &format!("{path}?reason=spam%20account"),
            Some(token),
            None,
        )
        .await
        .expect(204);
    server
        .login("mallory", PASSWORD)
        .await
        .expect_error(401, "invalid_credentials");
    // The token still in mallory's hands no longer works (a closed account reads as suspended).
    server
        .get("/api/v1/auth/me", &mallory.access_token)
        .await
        .expect_error(403, "account_suspended");
    assert_eq!(audit_reason(&server, token, "user.delete").await, "spam account");
    server
        .call(Method::DELETE, &path, Some(token), None)
        .await
        .expect_error(404, "not_found");
    server
        .call(
            Method::DELETE,
            &format!("/api/v1/admin/users/{}", boss.id),
            Some(token),
            None,
        )
        .await
        .expect_error(422, "invalid_input");
    server.stop().await;
}

async fn members_get_403_from_every_admin_account_route(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let bob = server.new_user("bob").await;
    let carol = server.new_user("carol").await;
    let id = &carol.id;
    let routes = [
        (Method::GET, "/api/v1/admin/users".to_owned()),
        (Method::GET, format!("/api/v1/admin/users/{id}")),
        (Method::DELETE, format!("/api/v1/admin/users/{id}")),
        (Method::POST, format!("/api/v1/admin/users/{id}/promote")),
        (Method::POST, format!("/api/v1/admin/users/{id}/demote")),
        (Method::POST, format!("/api/v1/admin/users/{id}/restore")),
        (Method::GET, format!("/api/v1/admin/users/{id}/sessions")),
        (Method::DELETE, format!("/api/v1/admin/users/{id}/sessions")),
        (
            Method::DELETE,
            format!("/api/v1/admin/users/{id}/sessions/01900000-0000-7000-8000-000000000000"),
        ),
    ];
    for (method, path) in routes {
        server
            .call(method.clone(), &path, Some(&bob.access_token), None)
            .await
            .expect_error(403, "forbidden");
    }
    server.login("carol", PASSWORD).await.expect(200);
    server.stop().await;
}
