//! Bad input gets the documented status and code, never a 500.

use hub_core::auth::tokens::{AccessClaims, ISSUER};
use hub_tests::{Backend, PASSWORD, TestServer};
use reqwest::Method;
use serde_json::json;

hub_tests::on_both_databases!(
    malformed_and_incomplete_bodies,
    registration_rules,
    expired_and_tampered_tokens,
    bodies_over_the_limit,
    unknown_routes_and_methods,
    a_body_is_a_json_object_of_known_fields,
    a_cursor_the_server_never_gave_out_is_refused,
    what_the_document_promises_the_server_takes,
);

async fn malformed_and_incomplete_bodies(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let raw = |body: &'static str| {
        server
            .http
            .post(server.url("/api/v1/auth/register"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let reply = TestServer::reply(raw("{\"username\": ").await.unwrap()).await;
    reply.expect_error(400, "invalid_json");
    let reply = TestServer::reply(raw("").await.unwrap()).await;
    reply.expect_error(400, "invalid_json");
    let reply = TestServer::reply(raw("{\"username\": \"alice\"}").await.unwrap()).await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "password");
    let reply = TestServer::reply(raw("{\"username\": 7, \"password\": \"x\"}").await.unwrap()).await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "username");

    let reply = TestServer::reply(
        server
            .http
            .post(server.url("/api/v1/auth/register"))
            .header("content-type", "text/plain")
            .body("username=alice")
            .send()
            .await
            .unwrap(),
    )
    .await;
    reply.expect_error(415, "unsupported_media_type");

    let alice = server.new_user("alice").await;
    let reply = server
        .call(
            Method::PUT,
            "/api/v1/users/me/status",
            Some(&alice.access_token),
            Some(json!({"status": "asleep"})),
        )
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "status");
    let reply = server.get("/api/v1/users?limit=0", &alice.access_token).await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "limit");
    let reply = server.get("/api/v1/users?limit=lots", &alice.access_token).await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "limit");
    server.stop().await;
}

async fn registration_rules(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let register = |username: String, password: &'static str| {
        server.post_anon(
            "/api/v1/auth/register",
            json!({"username": username, "password": password}),
        )
    };
    let reply = register("a".repeat(33), PASSWORD).await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "username");
    assert_eq!(reply.body["error"]["details"]["max_length"], 32);
    register("has space".into(), PASSWORD)
        .await
        .expect_error(422, "invalid_input");
    register("here".into(), PASSWORD)
        .await
        .expect_error(422, "invalid_input");

    let reply = register("alice".into(), "short").await;
    reply.expect_error(422, "weak_password");
    assert_eq!(reply.field(), "password");
    register("alice".into(), "password123")
        .await
        .expect_error(422, "weak_password");
    register("alice".into(), "aaaaaaaaaaaa")
        .await
        .expect_error(422, "weak_password");

    register("alice".into(), PASSWORD).await.expect(201);
    register("ALICE".into(), PASSWORD)
        .await
        .expect_error(409, "username_taken");
    let reply = server
        .post_anon(
            "/api/v1/auth/register",
            json!({"username": "bob", "password": PASSWORD, "email": "not-an-email"}),
        )
        .await;
    reply.expect_error(422, "invalid_input");
    assert_eq!(reply.field(), "email");
    server
        .post_anon(
            "/api/v1/auth/register",
            json!({"username": "bob", "password": PASSWORD, "email": "b@example.com"}),
        )
        .await
        .expect(201);
    server
        .post_anon(
            "/api/v1/auth/register",
            json!({"username": "bobby", "password": PASSWORD, "email": "B@example.com"}),
        )
        .await
        .expect_error(409, "email_taken");
    // Nothing stored was harmed by the refusals.
    server.login("alice", PASSWORD).await.expect(200);
    server.login("bob", PASSWORD).await.expect(200);
    server.stop().await;
}

async fn expired_and_tampered_tokens(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let claims: AccessClaims = {
        let parts: Vec<&str> = alice.access_token.split('.').collect();
        use base64::Engine as _;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[1])
            .unwrap();
        serde_json::from_slice(&payload).unwrap()
    };
    let expired = server
        .hub
        .tokens()
        .unwrap()
        .sign(&AccessClaims {
            iat: now - 3600,
            exp: now - 600,
            iss: ISSUER.to_owned(),
            ..claims
        })
        .unwrap();
    server
        .get("/api/v1/auth/me", &expired)
        .await
        .expect_error(401, "token_expired");

    let mut tampered = alice.access_token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    server
        .get("/api/v1/auth/me", &tampered)
        .await
        .expect_error(401, "invalid_token");
    server
        .get("/api/v1/auth/me", "garbage")
        .await
        .expect_error(401, "invalid_token");
    let reply = server.call(Method::GET, "/api/v1/auth/me", None, None).await;
    reply.expect_error(401, "missing_token");
    assert!(reply.headers.contains_key("www-authenticate"));
    let reply = TestServer::reply(
        server
            .http
            .get(server.url("/api/v1/auth/me"))
            .header("authorization", "Basic YWxpY2U6eA==")
            .send()
            .await
            .unwrap(),
    )
    .await;
    reply.expect_error(401, "invalid_token");
    server.stop().await;
}

async fn bodies_over_the_limit(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| config.limits.max_body_bytes = 1024).await;
    let big = json!({"username": "alice", "password": "p".repeat(2000)});
    let reply = server.post_anon("/api/v1/auth/register", big.clone()).await;
    reply.expect_error(413, "payload_too_large");
    assert_eq!(reply.body["error"]["details"]["max_body_bytes"], 1024);

    // Without a declared length (chunked), the limit holds while streaming. The chunks come
    // slowly, so the limit is passed while the client is still sending: it gets the answer,
    // not a reset.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..8).map(|_| Ok(vec![b' '; 512])).collect();
    let slowly = futures_util::StreamExt::then(futures_util::stream::iter(chunks), |chunk| async {
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        chunk
    });
    let body = reqwest::Body::wrap_stream(slowly);
    let reply = TestServer::reply(
        server
            .http
            .post(server.url("/api/v1/auth/register"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    reply.expect_error(413, "payload_too_large");

    // The server keeps serving.
    server.new_user("alice").await;
    server.stop().await;
}

/// serde takes an array for a struct (its fields in order): `["alice", "<password>"]` logged in
/// and an array renamed a channel. A body is a JSON object or a 422 naming `body`; a field the
/// body does not have is a 422 naming it, not silently dropped.
async fn a_body_is_a_json_object_of_known_fields(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let login = server.post_anon("/api/v1/auth/login", json!(["alice", PASSWORD])).await;
    login.expect_error(422, "invalid_input");
    assert_eq!(login.field(), "body");
    let general = server.new_channel(&alice, "general", "public").await;
    let renamed = server
        .call(
            Method::PATCH,
            &format!("/api/v1/channels/{general}"),
            Some(&alice.access_token),
            Some(json!(["renamed"])),
        )
        .await;
    renamed.expect_error(422, "invalid_input");
    let channel = server
        .get(&format!("/api/v1/channels/{general}"), &alice.access_token)
        .await;
    assert_eq!(channel.body["name"], "general", "nothing changed");

    let sneaky = server
        .call(
            Method::PATCH,
            "/api/v1/users/me",
            Some(&alice.access_token),
            Some(json!({"full_name": "Alice", "is_superuser": true})),
        )
        .await;
    sneaky.expect_error(422, "invalid_input");
    assert_eq!(sneaky.field(), "is_superuser");
    let owner = server
        .call(
            Method::PATCH,
            &format!("/api/v1/channels/{general}"),
            Some(&alice.access_token),
            Some(json!({"topic": "new", "owner_id": "someone-else"})),
        )
        .await;
    owner.expect_error(422, "invalid_input");
    assert_eq!(owner.field(), "owner_id");
    // A display name may not turn itself around on screen (U+202E) or hide characters.
    let reversed = server
        .call(
            Method::PATCH,
            "/api/v1/users/me",
            Some(&alice.access_token),
            Some(json!({"full_name": "ali\u{202E}nimda"})),
        )
        .await;
    reversed.expect_error(422, "invalid_input");
    assert_eq!(reversed.field(), "full_name");
    let me = server.get("/api/v1/users/me", &alice.access_token).await;
    assert_eq!(me.body["full_name"], "", "the refused PATCHes changed nothing");
    server.stop().await;
}

/// A cursor is what a list gave out; a made-up one was an empty 200 page, which reads as "no
/// more" to a client. Now it is a 422 naming the parameter.
async fn a_cursor_the_server_never_gave_out_is_refused(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    server.new_user("bob").await;
    let garbage = server
        .get("/api/v1/users?cursor=%25%27%20--", &alice.access_token)
        .await;
    garbage.expect_error(422, "invalid_input");
    assert_eq!(garbage.field(), "cursor");
    let mentions = server.get("/api/v1/mentions?before=garbage", &alice.access_token).await;
    mentions.expect_error(422, "invalid_input");
    assert_eq!(mentions.field(), "before");
    // A cursor the list gave out still works.
    let first = server.get("/api/v1/users?limit=1", &alice.access_token).await;
    let next = first.body["next_cursor"].as_str().unwrap().to_owned();
    server
        .get(&format!("/api/v1/users?limit=1&cursor={next}"), &alice.access_token)
        .await
        .expect(200);
    server.stop().await;
}

/// The shapes the OpenAPI document states, held from both sides: what it allows is taken, and
/// what it refuses is refused (schemathesis in `.ci/run` probes the rest).
async fn what_the_document_promises_the_server_takes(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let alice = server.new_user("alice").await;
    let channel = server.new_channel(&alice, "general", "public").await;

    // A path id that is not an id names nothing: 404, even where removing is idempotent.
    server
        .call(
            Method::DELETE,
            "/api/v1/users/me/mutes/null,null",
            Some(&alice.access_token),
            None,
        )
        .await
        .expect_error(404, "not_found");
    // Id filters and cursors are ids; a tag filter is a tag.
    for (path, field) in [
        ("/api/v1/chat-requests?cursor=null", "cursor"),
        ("/api/v1/reports/mine?cursor=null", "cursor"),
        ("/api/v1/posts?author=null", "author"),
        ("/api/v1/posts?tag=0.5", "tags"),
    ] {
        let reply = server.get(path, &alice.access_token).await;
        reply.expect_error(422, "invalid_input");
        assert_eq!(reply.field(), field, "{path}");
    }
    // An optional body may be absent or null.
    let join = format!("/api/v1/channels/{channel}/join");
    let bob = server.new_user("bob").await;
    let reply = server
        .http
        .post(server.url(&join))
        .bearer_auth(&bob.access_token)
        .header("content-type", "application/json")
        .body("null")
        .send()
        .await
        .unwrap();
    TestServer::reply(reply).await.expect(200);
    // JSON Schema's integers include 1.0.
    let post = server
        .post("/api/v1/posts", &alice.access_token, json!({"title": "hello"}))
        .await;
    post.expect(201);
    let vote = format!("/api/v1/posts/{}/vote", post.body["id"].as_str().unwrap());
    let reply = server.post(&vote, &bob.access_token, json!({"value": 1.0})).await;
    reply.expect(200);
    assert_eq!(reply.body["score"], 1);
    server
        .post(&vote, &bob.access_token, json!({"value": 0.5}))
        .await
        .expect_error(422, "invalid_input");
    // A tag list is counted as sent; a public channel has no join code to rotate (409).
    let tags: Vec<String> = (0..6).map(|_| "same".to_owned()).collect();
    server
        .post(
            "/api/v1/posts",
            &alice.access_token,
            json!({"title": "t", "tags": tags}),
        )
        .await
        .expect_error(422, "invalid_input");
    server
        .bodiless(
            Method::POST,
            &format!("/api/v1/channels/{channel}/join-code"),
            &alice.access_token,
        )
        .await
        .expect_error(409, "conflict");
    server.stop().await;
}

async fn unknown_routes_and_methods(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let reply = server.call(Method::GET, "/api/v1/nothing", None, None).await;
    reply.expect_error(404, "route_not_found");
    let reply = server.call(Method::DELETE, "/api/v1/auth/login", None, None).await;
    reply.expect_error(405, "method_not_allowed");
    assert_eq!(reply.headers["allow"], "POST");
    let alice = server.new_user("alice").await;
    // A path belongs to its most specific template: /channels/mine takes GET only, so a PATCH
    // is a 405 naming GET once (not a PATCH of a channel whose id is "mine").
    let token = Some(alice.access_token.as_str());
    let patch = server
        .call(
            Method::PATCH,
            "/api/v1/channels/mine",
            token,
            Some(json!({"topic": "x"})),
        )
        .await;
    patch.expect_error(405, "method_not_allowed");
    assert_eq!(patch.headers["allow"], "GET");
    let options = server.call(Method::OPTIONS, "/api/v1/channels/mine", token, None).await;
    assert_eq!(options.headers["allow"], "GET", "each method once");
    let options = server.call(Method::OPTIONS, "/api/v1/users/me", token, None).await;
    let allow = options.headers["allow"].to_str().unwrap().to_owned();
    let mut methods: Vec<&str> = allow.split(", ").collect();
    let listed = methods.len();
    methods.dedup();
    assert_eq!(methods.len(), listed, "each method once: {allow}");
    server
        .get(
            "/api/v1/users/00000000-0000-0000-0000-000000000000",
            &alice.access_token,
        )
        .await
        .expect_error(404, "not_found");
    server.stop().await;
}
