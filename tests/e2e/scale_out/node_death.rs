//! A node dies (#15): node A, a real server process, and node B share one PostgreSQL schema
//! and one Redis. 200 people in 20 channels are spread over both and every one of them gets
//! every message of their channel once, in order, whichever node it was sent through. Then A
//! is killed with SIGKILL: most of its people reconnect to B and resume with nothing lost or
//! doubled, the rest show offline within the presence TTL, the per-user connection cap holds
//! across the nodes (and frees A's share once A is gone), and a voice call whose two callers
//! sat on different nodes exchanged signals and loses A's caller.

use std::collections::BTreeMap;
use std::time::Duration;

use hub_tests::ws::{FRAME_TIMEOUT, WsClient};
use hub_tests::{Backend, TestServer, TestUser};
use serde_json::{Value, json};

use super::{assert_every_message_once_in_order, connect, messages_in, read_until, send};
use crate::server_process::ServerProcess;

const PEOPLE: usize = 200;
const CHANNELS: usize = 20;
/// Of node A's people, those who do not come back after it dies.
const STAY_AWAY: usize = 20;
const CAP: usize = 3;
/// Short, so that the story waits little for A's death to be noticed.
const PRESENCE_TTL_SECS: &str = "2";

/// A connection the server at `base` refuses: its close code.
async fn refused(base: &str, token: &str) -> Option<u16> {
    let url = format!("{}/api/v1/ws?token={token}", base.replacen("http://", "ws://", 1));
    WsClient::open(&url).await.close_code().await
}

/// The status `viewer` sees for `user` through node B.
async fn status_of(b: &TestServer, viewer: &TestUser, user: &TestUser) -> String {
    let reply = b.get(&format!("/api/v1/users/{}", user.id), &viewer.access_token).await;
    reply.expect(200);
    reply.body["status"].as_str().expect("status").to_owned()
}

/// Waits (polling node B) until `user` shows `status` to `viewer`.
async fn wait_for_status(b: &TestServer, viewer: &TestUser, user: &TestUser, status: &str) {
    for _ in 0..300 {
        if status_of(b, viewer, user).await == status {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{} never showed {status}", user.username);
}

/// People by index, with their connection.
type People = (Vec<(usize, WsClient)>, Vec<(usize, WsClient)>);

/// Whether `person` is connected to node A (five of each channel's ten are).
fn on_a(person: usize) -> bool {
    (person / CHANNELS).is_multiple_of(2)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_node_loses_nothing_and_its_people_resume_elsewhere() {
    let (Some(backend), Some(redis)) = (Backend::postgres(), hub_tests::redis_url()) else {
        return;
    };
    let Backend::Postgres(base) = &backend else { return };
    let database_url = hub_tests::postgres_schema_url(base).await;
    let redis_channel = format!("hub:test:{}", uuid::Uuid::now_v7().simple());
    let data_b = tempfile::tempdir().expect("temp dir");
    let mut config = hub_tests::test_config(&backend, data_b.path(), database_url.clone());
    config.redis_url = Some(redis.clone());
    config.redis_channel = redis_channel.clone();
    config.node_id = Some("node-b".to_owned());
    config.cluster.presence_ttl_secs = PRESENCE_TTL_SECS.parse().expect("a number");
    config.gateway.max_connections_per_user = CAP;
    let b = TestServer::start_config(config.clone()).await;
    let data_a = tempfile::tempdir().expect("temp dir");
    let secret = config.jwt_secret.clone().expect("the test secret");
    let cap = CAP.to_string();
    let mut a = ServerProcess::start(
        data_a.path(),
        &database_url,
        &[
            ("HUB_REDIS_URL", &redis),
            ("HUB_REDIS_CHANNEL", &redis_channel),
            ("HUB_NODE_ID", "node-a"),
            ("HUB_JWT_SECRET", &secret),
            ("HUB_CLUSTER__PRESENCE_TTL_SECS", PRESENCE_TTL_SECS),
            ("HUB_GATEWAY__MAX_CONNECTIONS_PER_USER", &cap),
            ("HUB_DATABASE_MAX_CONNECTIONS", "5"),
        ],
        None,
    )
    .await;
    let http = reqwest::Client::new();
    let node = |person: usize| if on_a(person) { a.base.clone() } else { b.base.clone() };

    // 200 people, person p in channel p % 20, half of each channel connected to each node.
    let owner = b.new_user("owner").await;
    let mut channels = Vec::new();
    for index in 0..CHANNELS {
        channels.push(b.new_channel(&owner, &format!("room-{index}"), "public").await);
    }
    let mut people = Vec::new();
    let mut channel_of = Vec::new();
    for person in 0..PEOPLE {
        let user = b.new_user(&format!("person{person}")).await;
        let channel = channels[person % CHANNELS].clone();
        b.join(&user, &channel).await;
        people.push(user);
        channel_of.push(channel);
    }
    let none = BTreeMap::new();
    let mut clients = Vec::new();
    for (person, user) in people.iter().enumerate() {
        clients.push(connect(&node(person), &user.access_token, &none).await);
    }

    // Six messages per channel, from members on A and on B in turn, each through their node.
    let mut expected: Vec<Vec<String>> = vec![Vec::new(); CHANNELS];
    for round in 0..6 {
        for (index, channel) in channels.iter().enumerate() {
            let person = index + CHANNELS * round;
            let content = format!("c{index} m{round}");
            send(&http, &node(person), &people[person], channel, &content).await;
            expected[index].push(content);
        }
    }
    let mut reading = Vec::new();
    for (person, client) in clients.into_iter().enumerate() {
        reading.push(tokio::spawn(read_until(client, channel_of[person].clone(), 6)));
    }
    let mut clients = Vec::new();
    for task in reading {
        clients.push(task.await.expect("a reader"));
    }
    let views: Vec<(usize, &[Value])> = clients
        .iter()
        .enumerate()
        .map(|(p, c)| (p, c.received.as_slice()))
        .collect();
    assert_every_message_once_in_order(&views, &channels, &expected);
    let (mut a_clients, b_clients): People = clients.into_iter().enumerate().partition(|(person, _)| on_a(*person));

    // The cap per user counts both nodes: two on A and one on B are all `owner` may have.
    let mut owner_sockets = vec![
        connect(&a.base, &owner.access_token, &none).await,
        connect(&b.base, &owner.access_token, &none).await,
        connect(&a.base, &owner.access_token, &none).await,
    ];
    assert_eq!(
        refused(&b.base, &owner.access_token).await,
        Some(4009),
        "a fourth, on B"
    );
    assert_eq!(
        refused(&a.base, &owner.access_token).await,
        Some(4009),
        "a fourth, on A"
    );

    // A voice call with one caller on each node.
    let caller_a = b.new_user("caller-a").await;
    let caller_b = b.new_user("caller-b").await;
    let room = b.new_channel(&caller_a, "call-room", "voice").await;
    b.join(&caller_b, &room).await;
    let mut caller_on_a = connect(&a.base, &caller_a.access_token, &none).await;
    let mut caller_on_b = connect(&b.base, &caller_b.access_token, &none).await;
    caller_on_a
        .send(json!({"type": "voice.join", "channel_id": room}))
        .await;
    caller_on_b
        .send(json!({"type": "voice.join", "channel_id": room}))
        .await;
    let both = |frame: &Value| {
        frame["type"] == "voice.participants" && frame["participants"].as_array().is_some_and(|p| p.len() == 2)
    };
    caller_on_a.wait_for(both).await;
    caller_on_b.wait_for(both).await;
    caller_on_a
        .send(
            json!({"type": "voice.signal", "channel_id": room, "to_user_id": caller_b.id, "signal": {"sdp": "offer"}}),
        )
        .await;
    let offer = caller_on_b.wait_for(|frame| frame["type"] == "voice.signal").await;
    assert_eq!(offer["from_user_id"], caller_a.id.as_str());
    assert_eq!(offer["signal"]["sdp"], "offer");
    caller_on_b
        .send(
            json!({"type": "voice.signal", "channel_id": room, "to_user_id": caller_a.id, "signal": {"sdp": "answer"}}),
        )
        .await;
    let answer = caller_on_a.wait_for(|frame| frame["type"] == "voice.signal").await;
    assert_eq!(answer["signal"]["sdp"], "answer");

    // SIGKILL: no goodbye of any kind. Messages go on through B meanwhile.
    for (person, _) in &a_clients {
        let status = status_of(&b, &people[CHANNELS], &people[*person]).await;
        assert_eq!(status, "online", "A's people are online on B too");
    }
    a.kill();
    // What A's people saw before A died (their sockets see it die).
    let mut seen_on_a: BTreeMap<usize, Vec<Value>> = BTreeMap::new();
    for (person, client) in &mut a_clients {
        // Read what A wrote before it died, to the end.
        while client.next_frame(FRAME_TIMEOUT).await.is_some() {}
        seen_on_a.insert(*person, std::mem::take(&mut client.received));
    }
    let viewer = people[CHANNELS].clone();
    for round in 6..8 {
        for (index, channel) in channels.iter().enumerate() {
            let content = format!("c{index} m{round}");
            send(&http, &b.base, &people[index + CHANNELS * round], channel, &content).await;
            expected[index].push(content);
        }
    }
    // A's people come back on B, each saying what it saw last; 20 of them stay away.
    let mut resumed: Vec<(usize, WsClient)> = Vec::new();
    let a_people: Vec<usize> = (0..PEOPLE).filter(|person| on_a(*person)).collect();
    let (away, back) = a_people.split_at(STAY_AWAY);
    for &person in back {
        let channel = &channel_of[person];
        let last = messages_in(&seen_on_a[&person], channel)
            .last()
            .map_or(0, |(seq, _)| *seq);
        let positions = BTreeMap::from([(channel.clone(), last)]);
        resumed.push((person, connect(&b.base, &people[person].access_token, &positions).await));
    }
    for (index, channel) in channels.iter().enumerate() {
        let content = format!("c{index} m8");
        send(&http, &b.base, &people[index + CHANNELS * 8], channel, &content).await;
        expected[index].push(content);
    }
    let mut reading = Vec::new();
    for (person, client) in resumed {
        let channel = channel_of[person].clone();
        let before = messages_in(&seen_on_a[&person], &channel).len();
        reading.push((person, tokio::spawn(read_until(client, channel, 9 - before))));
    }
    let mut combined: Vec<(usize, Vec<Value>)> = Vec::new();
    let mut back_on_b = Vec::new();
    for (person, task) in reading {
        let client = task.await.expect("a reader");
        let mut both_connections = seen_on_a[&person].clone();
        both_connections.extend(client.received.iter().cloned());
        combined.push((person, both_connections));
        back_on_b.push(client);
    }
    let views: Vec<(usize, &[Value])> = combined.iter().map(|(p, r)| (*p, r.as_slice())).collect();
    assert_every_message_once_in_order(&views, &channels, &expected);
    // B's own people got everything too, live.
    let mut reading = Vec::new();
    for (person, client) in b_clients {
        reading.push((person, tokio::spawn(read_until(client, channel_of[person].clone(), 9))));
    }
    let mut on_b_people = Vec::new();
    for (person, task) in reading {
        on_b_people.push((person, task.await.expect("a reader")));
    }
    let views: Vec<(usize, &[Value])> = on_b_people.iter().map(|(p, c)| (*p, c.received.as_slice())).collect();
    assert_every_message_once_in_order(&views, &channels, &expected);

    // Those who stayed away show offline once A's presence expires; those back, online. Their
    // channel's people on B heard it as a presence frame.
    for &person in away {
        wait_for_status(&b, &viewer, &people[person], "offline").await;
    }
    for &person in back.iter().take(5) {
        assert_eq!(status_of(&b, &viewer, &people[person]).await, "online");
    }
    let gone = &people[away[0]];
    let (_, neighbour) = on_b_people
        .iter_mut()
        .find(|(person, _)| channel_of[*person] == channel_of[away[0]])
        .expect("someone on B shares the channel");
    let went_offline = |frame: &Value| {
        frame["type"] == "presence" && frame["user_id"] == gone.id.as_str() && frame["status"] == "offline"
    };
    if !neighbour.saw(went_offline) {
        neighbour.wait_for(went_offline).await;
    }

    // A's share of the owner's connections is gone with A: two more fit on B, not three.
    owner_sockets.push(connect(&b.base, &owner.access_token, &none).await);
    owner_sockets.push(connect(&b.base, &owner.access_token, &none).await);
    assert_eq!(refused(&b.base, &owner.access_token).await, Some(4009));

    // The call lost A's caller.
    caller_on_b
        .wait_for(|frame| {
            frame["type"] == "voice.participants"
                && frame["participants"]
                    .as_array()
                    .is_some_and(|p| p.len() == 1 && p[0]["user_id"] == caller_b.id.as_str())
        })
        .await;
    drop((owner_sockets, back_on_b));
    b.stop().await;
}
