//! `message.send` over the socket: idempotent, acked in order, never closing a fast sender.

use hub_tests::{Backend, TestServer};
use serde_json::{Value, json};

use super::{is_message, three_people};

hub_tests::on_both_databases!(
    message_send_over_the_socket_is_idempotent,
    a_fast_sender_that_reads_is_never_closed_as_slow,
    sends_without_waiting_are_stored_in_the_order_sent,
    refused_sends_among_many_store_nothing_and_leave_no_gap,
    many_senders_at_once_share_commits_without_gaps_or_mixups,
    a_shutdown_acks_every_send_it_stored_then_closes_with_1001,
);

/// A server whose rate limit lets one connection send as fast as a test likes.
async fn unthrottled(backend: &Backend) -> TestServer {
    TestServer::start_with(backend, |config| {
        config.gateway.messages_per_second = 10_000.0;
        config.gateway.messages_burst = 10_000.0;
    })
    .await
}

async fn message_send_over_the_socket_is_idempotent(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let (alice, bob, _carol, general, _side) = three_people(&server).await;
    let mut alice_socket = server.ws_connect(&alice.access_token).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    let send = json!({"type": "message.send", "channel_id": general, "content": "once", "client_id": "tap-1"});

    alice_socket.send(send.clone()).await;
    let first = alice_socket.wait_for(|frame| frame["type"] == "ack").await;
    alice_socket.send(send).await;
    // Sends are acked from a task beside the connection: wait for the second ack itself.
    while alice_socket
        .received
        .iter()
        .filter(|frame| frame["type"] == "ack")
        .count()
        < 2
    {
        assert!(
            alice_socket.next_frame(hub_tests::ws::FRAME_TIMEOUT).await.is_some(),
            "the retry was not acked"
        );
    }
    let acks: Vec<&Value> = alice_socket
        .received
        .iter()
        .filter(|frame| frame["type"] == "ack")
        .collect();
    assert_eq!(acks.len(), 2, "each send is acked");
    let second = acks[1].clone();
    assert_eq!(first["client_id"], "tap-1");
    assert_eq!(
        first["message"]["id"], second["message"]["id"],
        "a retry acks the first message"
    );
    bob_socket.wait_for(is_message("once")).await;

    let history = server
        .get(&format!("/api/v1/channels/{general}/messages"), &bob.access_token)
        .await;
    let stored: Vec<&Value> = history
        .items()
        .iter()
        .filter(|item| item["content"] == "once")
        .collect();
    assert_eq!(stored.len(), 1);

    // A send that breaks a rule gets an error frame naming its client_id; the socket stays open.
    alice_socket
        .send(json!({"type": "message.send", "channel_id": general, "content": "   ", "client_id": "blank"}))
        .await;
    let refused = alice_socket.wait_for(|frame| frame["type"] == "error").await;
    assert_eq!(refused["code"], "invalid_input");
    assert_eq!(refused["ref"], "blank");
    alice_socket.send(json!({"type": "ping"})).await;
    alice_socket.wait_for(|frame| frame["type"] == "pong").await;
    server.stop().await;
}

/// Regression: storing a connection's own sends must not stop it from writing what it is
/// sent, or senders that read at full speed in a busy channel overflow their own queues and are
/// closed with 4008.
async fn a_fast_sender_that_reads_is_never_closed_as_slow(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.gateway.outgoing_queue_frames = 16;
        config.gateway.messages_per_second = 10_000.0;
        config.gateway.messages_burst = 10_000.0;
    })
    .await;
    let owner = server.new_user("owner").await;
    let general = server.new_channel(&owner, "general", "public").await;
    let mut senders = Vec::new();
    for name in ["ann", "ben", "cat", "dan"] {
        let user = server.new_user(name).await;
        server.join(&user, &general).await;
        senders.push(server.ws_connect(&user.access_token).await);
    }
    // Every sender pipelines 50 sends, reading whatever has arrived as it goes (a client that
    // never reads fills its socket and is rightly closed as slow); each send reaches all four.
    for index in 0..50 {
        for (who, socket) in senders.iter_mut().enumerate() {
            socket
                .send(json!({"type": "message.send", "channel_id": general, "content": format!("{who}-{index}"), "client_id": format!("c{index}")}))
                .await;
        }
        for socket in senders.iter_mut() {
            while socket.next_frame(std::time::Duration::from_millis(1)).await.is_some() {}
        }
    }
    let count =
        |received: &[serde_json::Value], kind: &str| received.iter().filter(|frame| frame["type"] == kind).count();
    for (who, socket) in senders.iter_mut().enumerate() {
        // A send's ack and its `message.created` may arrive in either order: wait for both.
        while count(&socket.received, "message.created") < 200 || count(&socket.received, "ack") < 50 {
            let frame = socket.next_frame(hub_tests::ws::FRAME_TIMEOUT).await;
            assert!(
                frame.is_some(),
                "sender {who} was cut off after {} frames",
                socket.received.len()
            );
        }
        let order: Vec<&str> = socket
            .received
            .iter()
            .filter(|frame| frame["type"] == "ack")
            .filter_map(|frame| frame["client_id"].as_str())
            .collect();
        let expected: Vec<String> = (0..50).map(|index| format!("c{index}")).collect();
        assert_eq!(order, expected, "sender {who}: every send acked, in order");
    }
    server.stop().await;
}

/// A client that sends without waiting for acks: its sends are stored, acked and listed in the
/// order sent, though the gateway stores several of one connection's sends at once
/// (`gateway.sends_in_flight`).
async fn sends_without_waiting_are_stored_in_the_order_sent(backend: Backend) {
    let server = unthrottled(&backend).await;
    let alice = server.new_user("alice").await;
    let general = server.new_channel(&alice, "general", "public").await;
    let mut socket = server.ws_connect(&alice.access_token).await;
    const SENDS: usize = 100;
    for index in 0..SENDS {
        socket
            .send(json!({"type": "message.send", "channel_id": general, "content": format!("m{index}"), "client_id": format!("c{index}")}))
            .await;
    }
    socket.receive_until(SENDS, |frame| frame["type"] == "ack").await;
    let acks: Vec<(String, i64)> = socket
        .received
        .iter()
        .filter(|frame| frame["type"] == "ack")
        .map(|frame| {
            (
                frame["client_id"].as_str().unwrap().to_owned(),
                frame["message"]["seq"].as_i64().unwrap(),
            )
        })
        .collect();
    let sent: Vec<String> = (0..SENDS).map(|index| format!("c{index}")).collect();
    let acked: Vec<String> = acks.iter().map(|(client_id, _)| client_id.clone()).collect();
    assert_eq!(acked, sent, "acks come in the order of the sends");
    assert!(
        acks.windows(2).all(|pair| pair[0].1 < pair[1].1),
        "each send is stored after the one sent before it: {acks:?}"
    );
    let page = server
        .get(
            &format!("/api/v1/channels/{general}/messages?limit={SENDS}"),
            &alice.access_token,
        )
        .await;
    page.expect(200);
    let mut listed: Vec<String> = page
        .items()
        .iter()
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .collect();
    listed.reverse();
    let contents: Vec<String> = (0..SENDS).map(|index| format!("m{index}")).collect();
    assert_eq!(listed, contents, "history lists them in the order sent");
    server.stop().await;
}

/// One connection sends without waiting into a channel it may post in and into two it may
/// not (a public one it has not joined, a private one it cannot see), interleaved: on
/// PostgreSQL the channel's writer checks a whole group of sends at once. Each refused send
/// gets its own error and stores nothing; the others are stored in order with no gap.
async fn refused_sends_among_many_store_nothing_and_leave_no_gap(backend: Backend) {
    let server = unthrottled(&backend).await;
    let alice = server.new_user("alice").await;
    let bob = server.new_user("bob").await;
    let general = server.new_channel(&alice, "general", "public").await;
    let not_joined = server.new_channel(&bob, "bobs-public", "public").await;
    let unseen = server.new_channel(&bob, "bobs-private", "private").await;
    let mut socket = server.ws_connect(&alice.access_token).await;
    const SENDS: usize = 80;
    let target = |index: usize| match index % 4 {
        1 => (&not_joined, Some("forbidden")),
        3 => (&unseen, Some("not_found")),
        _ => (&general, None),
    };
    for index in 0..SENDS {
        socket
            .send(json!({"type": "message.send", "channel_id": target(index).0, "content": format!("m{index}"), "client_id": format!("c{index}")}))
            .await;
    }
    let answered = |frame: &Value| frame["type"] == "ack" || (frame["type"] == "error" && frame["ref"].is_string());
    socket.receive_until(SENDS, answered).await;
    let mut seqs = Vec::new();
    for index in 0..SENDS {
        let client_id = format!("c{index}");
        let answer = socket
            .received
            .iter()
            .find(|frame| frame["client_id"] == client_id.as_str() || frame["ref"] == client_id.as_str())
            .unwrap_or_else(|| panic!("no answer to {client_id}"));
        match target(index).1 {
            Some(code) => assert_eq!(answer["code"], code, "{client_id}: {answer}"),
            None => {
                assert_eq!(answer["type"], "ack", "{client_id}: {answer}");
                seqs.push(answer["message"]["seq"].as_i64().unwrap());
            }
        }
    }
    let first = seqs[0];
    let expected: Vec<i64> = (first..first + seqs.len() as i64).collect();
    assert_eq!(
        seqs, expected,
        "the allowed sends take the channel's next positions, in order"
    );
    for channel in [&not_joined, &unseen] {
        let page = server
            .get(&format!("/api/v1/channels/{channel}/messages"), &bob.access_token)
            .await;
        page.expect(200);
        assert!(
            page.items().is_empty(),
            "a refused send stored nothing: {:?}",
            page.items()
        );
    }
    let page = server
        .get(
            &format!("/api/v1/channels/{general}/messages?limit={SENDS}"),
            &alice.access_token,
        )
        .await;
    let mut listed: Vec<String> = page
        .items()
        .iter()
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .collect();
    listed.reverse();
    let allowed: Vec<String> = (0..SENDS)
        .filter(|index| target(*index).1.is_none())
        .map(|index| format!("m{index}"))
        .collect();
    assert_eq!(listed, allowed);
    server.stop().await;
}

/// Five connections send 40 each into one channel without waiting, one of them repeating a
/// `client_id` mid-stream: sends are stored together (PostgreSQL commits them in groups, SQLite
/// too), yet each connection's are in its order, the repeat finds the first, and the channel's
/// positions have no gap.
async fn many_senders_at_once_share_commits_without_gaps_or_mixups(backend: Backend) {
    const PEOPLE: usize = 5;
    const SENDS: usize = 40;
    let server = unthrottled(&backend).await;
    let owner = server.new_user("owner").await;
    let general = server.new_channel(&owner, "general", "public").await;
    let mut sockets = Vec::new();
    for person in 0..PEOPLE {
        let user = server.new_user(&format!("sender{person}")).await;
        server.join(&user, &general).await;
        sockets.push(server.ws_connect(&user.access_token).await);
    }
    for index in 0..SENDS {
        for (person, socket) in sockets.iter_mut().enumerate() {
            let client_id = format!("p{person}-{index}");
            socket
                .send(json!({"type": "message.send", "channel_id": general, "content": client_id, "client_id": client_id}))
                .await;
            if person == 0 && index == SENDS / 2 {
                socket
                    .send(
                        json!({"type": "message.send", "channel_id": general, "content": "again", "client_id": "p0-3"}),
                    )
                    .await;
            }
        }
    }
    let mut seqs = Vec::new();
    for (person, socket) in sockets.iter_mut().enumerate() {
        let expected = SENDS + usize::from(person == 0);
        socket.receive_until(expected, |frame| frame["type"] == "ack").await;
        let mut acks: Vec<&Value> = socket.received.iter().filter(|frame| frame["type"] == "ack").collect();
        if person == 0 {
            let repeat = acks.iter().rposition(|ack| ack["client_id"] == "p0-3").unwrap();
            assert_ne!(repeat, 3, "the repeat has an ack of its own");
            assert_eq!(
                acks[repeat]["message"]["id"], acks[3]["message"]["id"],
                "the repeat finds the first message"
            );
            acks.remove(repeat);
        }
        let sent: Vec<String> = (0..SENDS).map(|index| format!("p{person}-{index}")).collect();
        let acked: Vec<&str> = acks.iter().map(|ack| ack["client_id"].as_str().unwrap()).collect();
        assert_eq!(acked, sent, "acks in the order of the sends");
        let mine: Vec<i64> = acks.iter().map(|ack| ack["message"]["seq"].as_i64().unwrap()).collect();
        assert!(
            mine.windows(2).all(|pair| pair[0] < pair[1]),
            "stored in the order sent: {mine:?}"
        );
        seqs.extend(mine);
    }
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), PEOPLE * SENDS, "one position each");
    assert_eq!(
        seqs[seqs.len() - 1] - seqs[0] + 1,
        (PEOPLE * SENDS) as i64,
        "no gap: {seqs:?}"
    );
    server.stop().await;
}

/// #16, finding 6: a graceful shutdown (SIGTERM) with sends in flight stored some without
/// acking them, and closed some sockets with 1006. Every send that was stored must be acked
/// before the socket closes, with 1001.
///
/// Whether a shutdown catches sends between "read" and "stored" depends on timing the test
/// cannot steer (on a loaded machine the server may not have read the rest yet). So each try
/// checks the guarantees, and the story is retried, up to a limit, until one try had sends
/// in flight; a shutdown that never does fails the test.
async fn a_shutdown_acks_every_send_it_stored_then_closes_with_1001(backend: Backend) {
    const TRIES: usize = 5;
    const SENDS: usize = 16;
    let mut server = TestServer::start(&backend).await;
    let (alice, _bob, _carol, general, _side) = three_people(&server).await;
    for attempt in 0..TRIES {
        let prefix = format!("bye-{attempt}-");
        let mut socket = server.ws_connect(&alice.access_token).await;
        for n in 0..SENDS {
            socket
                .send(json!({"type": "message.send", "channel_id": general, "content": format!("last words {n}"), "client_id": format!("{prefix}{n}")}))
                .await;
        }
        // Once the server has begun storing them (the first is acked), stop it while the rest
        // are in flight, reading the socket while it shuts down.
        socket.wait_for(|frame| frame["type"] == "ack").await;
        let stopping = chrono::Utc::now();
        let paused = tokio::spawn(server.pause());
        let code = socket.close_code().await;
        server = paused.await.expect("paused").resume().await;
        assert_eq!(code, Some(1001), "closed as going away, not dropped");
        let acked: std::collections::BTreeSet<String> = socket
            .received
            .iter()
            .filter(|frame| frame["type"] == "ack")
            .filter_map(|frame| frame["client_id"].as_str().map(str::to_owned))
            .collect();
        let history = server
            .get(
                &format!("/api/v1/channels/{general}/messages?limit=100"),
                &alice.access_token,
            )
            .await;
        history.expect(200);
        let stored: std::collections::BTreeSet<String> = history
            .items()
            .iter()
            .filter_map(|message| message["client_id"].as_str())
            .filter(|id| id.starts_with(&prefix))
            .map(str::to_owned)
            .collect();
        assert!(
            stored.is_subset(&acked),
            "stored but never acked: {:?}",
            stored.difference(&acked).collect::<Vec<_>>()
        );
        // The connection's closing bookkeeping ran before the database closed.
        let me = server
            .get(&format!("/api/v1/users/{}", alice.id), &alice.access_token)
            .await;
        let last_seen = me.body["last_seen_at"]
            .as_str()
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
            .map(|at| at.with_timezone(&chrono::Utc));
        assert!(
            last_seen.is_some_and(|at| at >= stopping),
            "the last seen of the closing connection was not recorded after the shutdown began: {last_seen:?}"
        );
        if stored.len() > 1 {
            server.stop().await;
            return;
        }
    }
    panic!("in {TRIES} tries no shutdown caught a send in flight: only the first of each was stored");
}
