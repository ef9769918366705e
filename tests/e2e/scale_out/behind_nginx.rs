//! The two-node story through the `deploy/` example (#15): nginx started with
//! `deploy/nginx.conf` itself (only its three addresses changed) in front of two server
//! processes on one PostgreSQL schema and one Redis. People connect and send through nginx
//! only, so it spreads them; node A is killed with SIGKILL and they reconnect, through nginx
//! again, to B, resuming with nothing lost or doubled. Skipped without `HUB_TEST_NGINX` (the
//! nginx binary; `.ci/run` installs Debian's and sets it) as well as PostgreSQL and Redis.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use hub_tests::Backend;
use hub_tests::ws::WsClient;
use serde_json::{Value, json};

use super::{assert_every_message_once_in_order, connect, messages_in, read_until, send};
use crate::server_process::ServerProcess;

const PEOPLE: usize = 40;
const CHANNELS: usize = 4;

/// nginx in the foreground over a copy of `deploy/nginx.conf`; dropping it stops it.
struct Nginx {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Nginx {
    async fn start(binary: &str, node_a: &str, node_b: &str) -> Nginx {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/nginx.conf"))
            .expect("deploy/nginx.conf");
        for address in ["127.0.0.1:8001", "127.0.0.1:8002", "listen 127.0.0.1:8080"] {
            assert!(example.contains(address), "the example still names {address}");
        }
        let config = example
            .replace("127.0.0.1:8001", node_a)
            .replace("127.0.0.1:8002", node_b)
            .replace("listen 127.0.0.1:8080", &format!("listen 127.0.0.1:{port}"));
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("nginx.conf");
        std::fs::write(&path, config).expect("config written");
        let child = Command::new(binary)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&path)
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx starts");
        // Owned at once, so that a panic below still stops it.
        let nginx = Nginx {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if http
                .get(format!("{}/healthz", nginx.base))
                .send()
                .await
                .is_ok_and(|reply| reply.status().is_success())
            {
                return nginx;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("nginx did not answer at {}", nginx.base);
    }
}

impl Drop for Nginx {
    /// SIGTERM, so the master stops its workers too (SIGKILL would leave them running).
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// Open gateway connections on a node, from its `/metrics`.
async fn sockets_on(http: &reqwest::Client, base: &str) -> u64 {
    let text = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    text.lines()
        .find_map(|line| line.strip_prefix("hub_ws_connections "))
        .and_then(|value| value.trim().parse().ok())
        .expect("hub_ws_connections")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_behind_the_nginx_example_survive_one_dying() {
    let (Some(backend), Some(redis)) = (Backend::postgres(), hub_tests::redis_url()) else {
        return;
    };
    let Ok(nginx_binary) = std::env::var("HUB_TEST_NGINX") else {
        eprintln!("note: the nginx example story skipped: set HUB_TEST_NGINX to nginx's path (.ci/run does)");
        return;
    };
    let Backend::Postgres(base) = &backend else { return };
    let database_url = hub_tests::postgres_schema_url(base).await;
    let channel_name = format!("hub:test:{}", uuid::Uuid::now_v7().simple());
    let env = |node: &'static str| {
        vec![
            ("HUB_REDIS_URL", redis.clone()),
            ("HUB_REDIS_CHANNEL", channel_name.clone()),
            ("HUB_NODE_ID", node.to_owned()),
            ("HUB_CLUSTER__PRESENCE_TTL_SECS", "2".to_owned()),
            ("HUB_DATABASE_MAX_CONNECTIONS", "5".to_owned()),
            ("HUB_AUTH__ARGON2_MEMORY_KIB", "1024".to_owned()),
            ("HUB_AUTH__ARGON2_ITERATIONS", "1".to_owned()),
        ]
    };
    let (data_a, data_b) = (
        tempfile::tempdir().expect("temp dir"),
        tempfile::tempdir().expect("temp dir"),
    );
    let (env_a, env_b) = (env("node-a"), env("node-b"));
    let as_pairs = |env: &[(&'static str, String)]| -> Vec<(&'static str, String)> { env.to_vec() };
    let (env_a, env_b) = (as_pairs(&env_a), as_pairs(&env_b));
    let env_a: Vec<(&str, &str)> = env_a.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let env_b: Vec<(&str, &str)> = env_b.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let mut a = ServerProcess::start(data_a.path(), &database_url, &env_a, None).await;
    let b = ServerProcess::start(data_b.path(), &database_url, &env_b, None).await;
    let nginx = Nginx::start(
        &nginx_binary,
        a.base.trim_start_matches("http://"),
        b.base.trim_start_matches("http://"),
    )
    .await;
    let http = reqwest::Client::new();
    let entry = nginx.base.clone();

    // Everything through nginx: sign-ups, channels, sockets, sends.
    let register = |name: String| {
        let (http, entry) = (http.clone(), entry.clone());
        async move {
            let reply = http
                .post(format!("{entry}/api/v1/auth/register"))
                .json(&json!({"username": name, "password": hub_tests::PASSWORD}))
                .send()
                .await
                .expect("nginx answers");
            assert_eq!(reply.status(), 201);
            let body: Value = reply.json().await.expect("JSON");
            hub_tests::TestUser {
                id: body["user"]["id"].as_str().expect("id").to_owned(),
                username: name,
                access_token: body["access_token"].as_str().expect("token").to_owned(),
                refresh_token: body["refresh_token"].as_str().expect("token").to_owned(),
            }
        }
    };
    let owner = register("owner".to_owned()).await;
    let mut channels = Vec::new();
    for index in 0..CHANNELS {
        let reply = http
            .post(format!("{entry}/api/v1/channels"))
            .bearer_auth(&owner.access_token)
            .json(&json!({"name": format!("room-{index}"), "kind": "public"}))
            .send()
            .await
            .expect("nginx answers");
        assert_eq!(reply.status(), 201);
        let body: Value = reply.json().await.expect("JSON");
        channels.push(body["id"].as_str().expect("channel id").to_owned());
    }
    let mut people = Vec::new();
    for person in 0..PEOPLE {
        let user = register(format!("person{person}")).await;
        let joined = http
            .post(format!("{entry}/api/v1/channels/{}/join", channels[person % CHANNELS]))
            .bearer_auth(&user.access_token)
            .json(&json!({}))
            .send()
            .await
            .expect("nginx answers");
        assert_eq!(joined.status(), 200);
        people.push(user);
    }
    let none = BTreeMap::new();
    let mut clients = Vec::new();
    for user in &people {
        clients.push(connect(&entry, &user.access_token, &none).await);
    }
    let (on_a, on_b) = (sockets_on(&http, &a.base).await, sockets_on(&http, &b.base).await);
    assert!(
        on_a > 0 && on_b > 0,
        "nginx spread the sockets: {on_a} on A, {on_b} on B"
    );

    let mut expected: Vec<Vec<String>> = vec![Vec::new(); CHANNELS];
    let round_of_sends = |round: usize, expected: &mut Vec<Vec<String>>| {
        let mut batch = Vec::new();
        for (index, channel) in channels.iter().enumerate() {
            let content = format!("c{index} m{round}");
            batch.push((
                people[index + CHANNELS * (round % (PEOPLE / CHANNELS))].clone(),
                channel.clone(),
                content.clone(),
            ));
            expected[index].push(content);
        }
        batch
    };
    for round in 0..4 {
        for (author, channel, content) in round_of_sends(round, &mut expected) {
            send(&http, &entry, &author, &channel, &content).await;
        }
    }

    // A dies; sends go on through nginx, which finds B.
    a.kill();
    for round in 4..6 {
        for (author, channel, content) in round_of_sends(round, &mut expected) {
            send(&http, &entry, &author, &channel, &content).await;
        }
    }
    // Each socket reads until it has everything, or until its connection (through A) ends;
    // those reconnect through nginx and resume from what they saw last.
    let mut reading = Vec::new();
    for (person, client) in clients.into_iter().enumerate() {
        reading.push((
            person,
            tokio::spawn(read_until(client, channels[person % CHANNELS].clone(), 6)),
        ));
    }
    let mut received: Vec<(usize, Vec<Value>)> = Vec::new();
    let mut kept: Vec<WsClient> = Vec::new();
    let mut resumed = 0;
    for (person, task) in reading {
        let client = task.await.expect("a reader");
        let channel = &channels[person % CHANNELS];
        let mut seen = client.received.clone();
        let got = messages_in(&seen, channel);
        if got.len() < 6 {
            resumed += 1;
            let last = got.last().map_or(0, |(seq, _)| *seq);
            let again = connect(
                &entry,
                &people[person].access_token,
                &BTreeMap::from([(channel.clone(), last)]),
            )
            .await;
            let again = read_until(again, channel.clone(), 6 - got.len()).await;
            seen.extend(again.received.iter().cloned());
            kept.push(again);
        } else {
            kept.push(client);
        }
        received.push((person, seen));
    }
    assert!(resumed > 0, "some sockets were on A");
    let views: Vec<(usize, &[Value])> = received.iter().map(|(p, r)| (*p, r.as_slice())).collect();
    assert_every_message_once_in_order(&views, &channels, &expected);
    drop((kept, nginx));
    b.stop();
}
