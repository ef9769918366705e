//! Faults under traffic (#15), with two nodes on one PostgreSQL schema:
//!
//! - Redis stopped for two seconds (a Redis of the story's own, killed and started again
//!   empty): every send is taken meanwhile, each node's clients keep getting their own node's
//!   messages, `/readyz` says `degraded`, and when Redis returns the other node's messages of
//!   the outage arrive without waiting for new traffic, once each, in order.
//! - PostgreSQL gone for two seconds (through a proxy the story cuts, dropping every open
//!   connection and refusing new ones, as a restart does): requests get 503 with
//!   `Retry-After` and socket sends get `unavailable` error frames, never a hang; service
//!   returns by itself; every acknowledged message is stored once.

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use hub_tests::ws::WsClient;
use hub_tests::{Backend, TestServer, TestUser};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::readiness;

/// A Redis server of the story's own, to stop and start.
struct OwnRedis {
    port: u16,
    child: Option<Child>,
    dir: tempfile::TempDir,
}

impl OwnRedis {
    /// Starts `redis-server` on a free port, keeping nothing on disk.
    async fn start() -> OwnRedis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let mut redis = OwnRedis {
            port,
            child: None,
            dir: tempfile::tempdir().expect("temp dir"),
        };
        redis.start_again().await;
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts it (again, empty) and waits until it answers.
    async fn start_again(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server is on PATH (.ci/run installs Redis)");
        self.child = Some(child);
        for _ in 0..200 {
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)).await {
                let mut answer = [0u8; 5];
                if stream.write_all(b"PING\r\n").await.is_ok()
                    && stream.read_exact(&mut answer).await.is_ok()
                    && &answer == b"+PONG"
                {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("redis-server did not answer on port {}", self.port);
    }

    /// SIGKILL.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Two nodes on one fresh schema at `database_url`, sharing the Redis at `redis`.
async fn two_nodes(
    backend: &Backend,
    database_url: &str,
    redis: &str,
    data: &std::path::Path,
) -> (TestServer, TestServer) {
    let mut config = hub_tests::test_config(backend, data, database_url.to_owned());
    config.redis_url = Some(redis.to_owned());
    config.redis_channel = format!("hub:test:{}", uuid::Uuid::now_v7().simple());
    config.cluster.presence_ttl_secs = 1.5;
    config.database_acquire_timeout_secs = 1.0;
    // A node catching up after an outage reads the log in pages this small: several of them.
    config.gateway.gap_fill_page_events = 3;
    config.node_id = Some("node-a".to_owned());
    let a = TestServer::start_config(config.clone()).await;
    config.node_id = Some("node-b".to_owned());
    let b = TestServer::start_config(config).await;
    (a, b)
}

/// Contents of the `message.created` frames received, in the order received, after checking
/// their positions only ever grow (none twice, none out of order).
fn contents_in_order(client: &WsClient) -> Vec<String> {
    let created: Vec<&Value> = client
        .received
        .iter()
        .filter(|frame| frame["type"] == "message.created")
        .collect();
    let seqs: Vec<i64> = created.iter().filter_map(|frame| frame["seq"].as_i64()).collect();
    assert!(
        seqs.windows(2).all(|pair| pair[0] < pair[1]),
        "in order, none twice: {seqs:?}"
    );
    created
        .iter()
        .filter_map(|frame| frame["message"]["content"].as_str().map(str::to_owned))
        .collect()
}

/// Waits until `client` has a message with `content`, unless it has one already.
async fn wait_for_message(client: &mut WsClient, content: &str) {
    let is = crate::realtime::is_message(content);
    if !client.saw(&is) {
        client.wait_for(is).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_away_for_two_seconds_loses_no_message() {
    let (Some(backend), Some(_)) = (Backend::postgres(), hub_tests::redis_url()) else {
        return;
    };
    let Backend::Postgres(base) = &backend else { return };
    let database_url = hub_tests::postgres_schema_url(base).await;
    let mut redis = OwnRedis::start().await;
    let data = tempfile::tempdir().expect("temp dir");
    let (a, b) = two_nodes(&backend, &database_url, &redis.url(), data.path()).await;
    let alice = a.new_user("alice").await;
    let bob = b.new_user("bob").await;
    let general = a.new_channel(&alice, "general", "public").await;
    b.join(&bob, &general).await;
    let mut alice_socket = a.ws_connect(&alice.access_token).await;
    let mut bob_socket = b.ws_connect(&bob.access_token).await;
    let mut sent = Vec::new();
    for index in 0..5 {
        let content = format!("before {index}");
        a.send_message(&alice, &general, &content).await;
        sent.push(content);
    }
    wait_for_message(&mut bob_socket, "before 4").await;

    redis.kill();
    let stopped = tokio::time::Instant::now();
    // Sends are taken on both nodes while Redis is away (rate limits fall back to each node's
    // own buckets), and each node's own clients get them.
    let mut index = 0;
    while stopped.elapsed() < Duration::from_secs(2) {
        // B's first, A's last: A's last message has nothing after it to reveal a gap on B.
        for (server, author) in [(&b, &bob), (&a, &alice)] {
            let content = format!("during {index}");
            server.send_message(author, &general, &content).await;
            sent.push(content);
            index += 1;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for server in [&a, &b] {
        let ready = readiness(server).await;
        assert_eq!(ready["bus"], "degraded", "{ready}");
    }
    redis.start_again().await;
    for server in [&a, &b] {
        let mut tries = 0;
        while readiness(server).await["bus"] != "redis" {
            tries += 1;
            assert!(tries < 200, "the bus did not reconnect");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    // No new traffic: what A sent last during the outage reaches B from the log.
    let last = sent.last().cloned().expect("sent during");
    wait_for_message(&mut bob_socket, &last).await;
    wait_for_message(&mut alice_socket, &last).await;
    // And live delivery across the nodes goes on.
    a.send_message(&alice, &general, "after").await;
    sent.push("after".to_owned());
    wait_for_message(&mut bob_socket, "after").await;
    wait_for_message(&mut alice_socket, "after").await;
    assert_eq!(
        contents_in_order(&bob_socket),
        sent,
        "every message once, in order, on B"
    );
    assert_eq!(
        contents_in_order(&alice_socket),
        sent,
        "every message once, in order, on A"
    );
    // The new, empty Redis learns who is connected where from the next heartbeats.
    for _ in 0..100 {
        let seen = b.get(&format!("/api/v1/users/{}", alice.id), &bob.access_token).await;
        if seen.body["status"] == "online" {
            a.stop().await;
            b.stop().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("alice, connected to A, never showed online on B again");
}

/// A TCP proxy to PostgreSQL that can be cut: every open connection dropped and new ones
/// closed at once, as a database restart does to its clients.
struct CuttableProxy {
    port: u16,
    open: Arc<watch::Sender<bool>>,
}

impl CuttableProxy {
    async fn start(upstream: String) -> CuttableProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let open = Arc::new(watch::channel(true).0);
        let gate = open.clone();
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let mut is_open = gate.subscribe();
                if !*is_open.borrow() {
                    continue;
                }
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(&upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = is_open.wait_for(|open| !*open) => {}
                    }
                });
            }
        });
        CuttableProxy { port, open }
    }

    fn cut(&self) {
        self.open.send_replace(false);
    }

    fn restore(&self) {
        self.open.send_replace(true);
    }
}

/// `url` with its host and port replaced by `127.0.0.1:port`; and the host and port it had.
fn through(url: &str, port: u16) -> (String, String) {
    let scheme_end = url.find("://").map_or(0, |at| at + 3);
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let (user, host) = match authority.rfind('@') {
        Some(at) => (&authority[..=at], &authority[at + 1..]),
        None => ("", authority),
    };
    let upstream = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    };
    let proxied = format!("{}{user}127.0.0.1:{port}{}", &url[..scheme_end], &rest[authority_end..]);
    (proxied, upstream)
}

/// One send and what came of it.
#[derive(Debug)]
enum Outcome {
    Stored(String),
    Unavailable,
}

/// Alice sends over REST through A: 201, or 503 with `Retry-After`, within 15 s.
async fn rest_send(a: &TestServer, alice: &TestUser, channel: &str, content: &str) -> Outcome {
    let reply = tokio::time::timeout(
        Duration::from_secs(15),
        a.http
            .post(a.url(&format!("/api/v1/channels/{channel}/messages")))
            .bearer_auth(&alice.access_token)
            .json(&json!({ "content": content }))
            .send(),
    )
    .await
    .expect("an answer, not a hang")
    .expect("the node answers");
    match reply.status().as_u16() {
        201 => Outcome::Stored(content.to_owned()),
        503 => {
            assert!(reply.headers().contains_key("retry-after"), "503 says when to retry");
            let body: Value = reply.json().await.expect("JSON");
            assert_eq!(body["error"]["code"], "unavailable", "{body}");
            Outcome::Unavailable
        }
        status => panic!(
            "sending during a database outage: {status} {}",
            reply.text().await.unwrap_or_default()
        ),
    }
}

/// Bob sends over the socket to B: `ack`, or an `unavailable` error frame, within the frame
/// timeout.
async fn socket_send(socket: &mut WsClient, channel: &str, content: &str) -> Outcome {
    socket
        .send(json!({"type": "message.send", "channel_id": channel, "content": content, "client_id": content}))
        .await;
    let answer = socket
        .wait_for(|frame| {
            (frame["type"] == "ack" && frame["client_id"] == content)
                || (frame["type"] == "error" && frame["ref"] == content)
        })
        .await;
    if answer["type"] == "ack" {
        return Outcome::Stored(content.to_owned());
    }
    assert_eq!(answer["code"], "unavailable", "{answer}");
    Outcome::Unavailable
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_outage_is_503_and_error_frames_and_loses_nothing_acknowledged() {
    let (Some(backend), Some(redis)) = (Backend::postgres(), hub_tests::redis_url()) else {
        return;
    };
    let Backend::Postgres(base) = &backend else { return };
    let direct = hub_tests::postgres_schema_url(base).await;
    let (_, upstream) = through(&direct, 0);
    let proxy = CuttableProxy::start(upstream).await;
    let (proxied, _) = through(&direct, proxy.port);
    let data = tempfile::tempdir().expect("temp dir");
    let (a, b) = two_nodes(&backend, &proxied, &redis, data.path()).await;
    let alice = a.new_user("alice").await;
    let bob = b.new_user("bob").await;
    let general = a.new_channel(&alice, "general", "public").await;
    b.join(&bob, &general).await;
    let mut bob_socket = b.ws_connect(&bob.access_token).await;

    let mut outcomes = Vec::new();
    for index in 0..5 {
        outcomes.push(rest_send(&a, &alice, &general, &format!("rest-{index}")).await);
        outcomes.push(socket_send(&mut bob_socket, &general, &format!("ws-{index}")).await);
    }
    proxy.cut();
    let cut = tokio::time::Instant::now();
    let reply = b.http.get(b.url("/readyz")).send().await.expect("readyz answers");
    let status = reply.status();
    let body = reply.text().await.unwrap_or_default();
    assert_eq!(status, 503, "not ready without its database: {body}");
    let mut index = 5;
    while cut.elapsed() < Duration::from_secs(2) {
        outcomes.push(rest_send(&a, &alice, &general, &format!("rest-{index}")).await);
        outcomes.push(socket_send(&mut bob_socket, &general, &format!("ws-{index}")).await);
        index += 1;
    }
    let during = outcomes.len();
    proxy.restore();
    // Service returns by itself: keep sending until both paths store again.
    let (mut rest_back, mut socket_back) = (false, false);
    let restored = index;
    while !(rest_back && socket_back) {
        assert!(
            index - restored < 100,
            "service did not return: {:?}",
            &outcomes[during..]
        );
        let rest = rest_send(&a, &alice, &general, &format!("rest-{index}")).await;
        rest_back |= matches!(rest, Outcome::Stored(_));
        let socket = socket_send(&mut bob_socket, &general, &format!("ws-{index}")).await;
        socket_back |= matches!(socket, Outcome::Stored(_));
        outcomes.push(rest);
        outcomes.push(socket);
        index += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Outcomes alternate: REST through A, then the socket to B.
    let noticed = |path: usize| {
        outcomes[10..during]
            .iter()
            .skip(path)
            .step_by(2)
            .any(|outcome| matches!(outcome, Outcome::Unavailable))
    };
    assert!(noticed(0), "REST noticed the outage: {outcomes:?}");
    assert!(noticed(1), "the socket noticed the outage: {outcomes:?}");

    // Every acknowledged message is stored, once.
    let mut stored = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/channels/{general}/messages?limit=200&before={cursor}"),
            None => format!("/api/v1/channels/{general}/messages?limit=200"),
        };
        let page = b.get(&path, &bob.access_token).await;
        page.expect(200);
        stored.extend(
            page.items()
                .iter()
                .filter_map(|message| message["content"].as_str().map(str::to_owned)),
        );
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let distinct: BTreeSet<&String> = stored.iter().collect();
    assert_eq!(distinct.len(), stored.len(), "nothing stored twice");
    for outcome in &outcomes {
        if let Outcome::Stored(content) = outcome {
            assert!(distinct.contains(content), "{content} was acknowledged and is kept");
        }
    }
    a.stop().await;
    b.stop().await;
}
