//! Health, readiness and metrics, as an operator's probes see them.

use hub_tests::{Backend, TestServer};
use reqwest::Method;

hub_tests::on_both_databases!(probes_and_metrics, every_response_carries_the_security_headers);

async fn probes_and_metrics(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let health = server.call(Method::GET, "/healthz", None, None).await;
    health.expect(200);
    assert_eq!(health.body["status"], "ok");
    // Clients compare it with their own to warn about a mismatch.
    assert_eq!(health.body["version"], env!("CARGO_PKG_VERSION"));
    server.call(Method::GET, "/readyz", None, None).await.expect(200);
    server
        .call(Method::GET, "/api/v1/auth/me", None, None)
        .await
        .expect(401);

    let metrics = server.metrics().await;
    assert!(
        metrics.contains(r#"hub_http_requests_total{method="GET",route="/api/v1/auth/me",status="401"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"hub_http_request_duration_seconds_count{method="GET",route="/healthz"} 1"#),
        "{metrics}"
    );

    let resident = hub_tests::metric_value(&metrics, "hub_process_resident_memory_bytes");
    assert!(resident.is_some_and(|bytes| bytes > 1_000_000), "{metrics}");

    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let root = no_redirects.get(server.url("/docs")).send().await.unwrap();
    assert_eq!(root.status(), 301);
    assert_eq!(root.headers()["location"], "/docs/");

    let docs = server.http.get(server.url("/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"), "the API page is served");
    server.stop().await;
}

/// The SQLite database file of a test server.
fn sqlite_file(server: &TestServer) -> std::path::PathBuf {
    let url = server.config.effective_database_url();
    std::path::PathBuf::from(url.trim_start_matches("sqlite://"))
}

/// After a graceful stop the database file alone holds every message: a copy of `hub.db`
/// without its WAL, as an operator might take, loses nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_server_leaves_everything_in_the_database_file() {
    let server = TestServer::start(&Backend::Sqlite).await;
    let file = sqlite_file(&server);
    let alice = server.new_user("alice").await;
    let channel = server.new_channel(&alice, "notes", "public").await;
    for n in 0..50 {
        server.send_message(&alice, &channel, &format!("note {n}")).await;
    }
    let data = server.stop().await.expect("the test server's data folder");
    let copy = data.path().join("copy.db");
    std::fs::copy(&file, &copy).expect("hub.db copied");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&copy)
        .read_only(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.expect("the copy opens");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE channel_id = ?")
        .bind(&channel)
        .fetch_one(&pool)
        .await
        .expect("messages counted");
    assert_eq!(stored, 50, "the copy of hub.db alone holds every message");
    pool.close().await;
}

/// SQLite commits go to the WAL; the store's checkpointer (SQLite's own, inside commits, is
/// off) must copy them back into the database file, or the WAL grows without end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_copies_committed_writes_back_into_the_database_file() {
    let server = TestServer::start(&Backend::Sqlite).await;
    let file = sqlite_file(&server);
    let size = |path: &std::path::Path| std::fs::metadata(path).map(|meta| meta.len()).unwrap_or(0);
    let alice = server.new_user("alice").await;
    let channel = server.new_channel(&alice, "archive", "public").await;
    let before = size(&file);

    let text = "x".repeat(2_000);
    for _ in 0..200 {
        server.send_message(&alice, &channel, &text).await;
    }
    // 400 KB of messages: the database file holds them once a checkpoint has run.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while size(&file) < before + 400_000 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the database file stayed at {} bytes (was {before}); the WAL is {} bytes",
            size(&file),
            size(&file.with_extension("db-wal"))
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    server.stop().await;
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let server = TestServer::start(&backend).await;
    for path in ["/healthz", "/api/v1/nothing", "/api/v1/openapi.json", "/docs/"] {
        let reply = server.call(Method::GET, path, None, None).await;
        let header = |name: &str| {
            reply
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        let policy = header("content-security-policy");
        assert!(policy.contains("frame-ancestors 'none'"), "{path}: {policy}");
        if path.starts_with("/docs") {
            assert!(policy.starts_with("default-src 'self'"), "{path}: {policy}");
        } else {
            assert!(policy.starts_with("default-src 'none'"), "{path}: {policy}");
        }
    }
    server.stop().await;
}
