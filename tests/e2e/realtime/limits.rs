//! The gateway's limits: connections, frame size and rate, slow and silent readers, suspension.

use hub_tests::ws::WsClient;
use hub_tests::{Backend, TestServer};
use reqwest::Method;
use serde_json::json;

use super::three_people;

hub_tests::on_both_databases!(
    connection_limits_and_bad_frames,
    a_reader_that_never_reads_is_dropped_alone,
    silent_connections_time_out,
    suspension_closes_open_connections,
    rest_and_socket_sends_draw_from_one_rate_bucket,
    a_resume_names_a_bounded_number_of_channels,
    resumes_have_a_rate_of_their_own,
    bad_utf8_and_unknown_opcodes_get_their_close_codes,
    the_server_wide_connection_cap_holds,
    typing_is_relayed_at_most_once_per_throttle,
);

/// A text frame that is not UTF-8 closes with 1007, a frame of an unknown opcode with 1002
/// (they used to drop the TCP connection without a close frame).
async fn bad_utf8_and_unknown_opcodes_get_their_close_codes(backend: Backend) {
    use futures_util::{SinkExt as _, StreamExt as _};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::protocol::frame::Frame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};

    let server = TestServer::start(&backend).await;
    let bob = server.new_user("bob").await;
    for (opcode, payload, expected) in [
        (OpCode::Data(Data::Text), vec![0xff, 0xfe, 0xfd], 1007),
        (OpCode::Data(Data::Reserved(3)), b"{}".to_vec(), 1002),
    ] {
        let (mut socket, _) = tokio_tungstenite::connect_async(server.ws_url(Some(&bob.access_token)))
            .await
            .unwrap();
        socket
            .send(Message::Frame(Frame::message(payload, opcode, true)))
            .await
            .unwrap();
        let code = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            while let Some(Ok(message)) = socket.next().await {
                if let Message::Close(frame) = message {
                    return frame.map(|frame| u16::from(frame.code));
                }
            }
            None
        })
        .await
        .unwrap_or(None);
        assert_eq!(code, Some(expected), "{opcode:?}");
    }
    server.stop().await;
}

/// Each resume position costs the server a lookup: a frame naming more channels than
/// `gateway.max_resume_positions` gets an error frame (and the connection goes on).
async fn a_resume_names_a_bounded_number_of_channels(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| config.gateway.max_resume_positions = 3).await;
    let (alice, _, _, general, _) = three_people(&server).await;
    let mut socket = server.ws_connect(&alice.access_token).await;
    let too_many: serde_json::Map<String, serde_json::Value> =
        (0..4).map(|index| (format!("channel-{index}"), json!(0))).collect();
    socket.send(json!({"type": "resume", "positions": too_many})).await;
    let refused = socket.wait_for(|frame| frame["type"] == "error").await;
    assert_eq!(refused["code"], "invalid_input", "{refused}");
    assert_eq!(refused["ref"], "resume", "{refused}");
    assert!(
        refused["message"].as_str().unwrap_or_default().contains("at most 3"),
        "{refused}"
    );
    // Within the bound it resumes as usual.
    socket
        .send(json!({"type": "resume", "positions": {general.clone(): 0}}))
        .await;
    socket.wait_for(|frame| frame["type"] == "resumed").await;
    server.stop().await;
}

/// `gateway.resume_positions_per_minute` / `resume_positions_burst`: the channels resumes name
/// are counted, a large resume in a loop is refused with when to try again, a small one still
/// fits, and sends (another bucket) go on.
async fn resumes_have_a_rate_of_their_own(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.gateway.resume_positions_burst = 5.0;
        config.gateway.resume_positions_per_minute = 1.0;
    })
    .await;
    let (alice, _, _, general, side) = three_people(&server).await;
    // Opened by hand: `ws_connect` resumes once itself.
    let mut socket = WsClient::open(&server.ws_url(Some(&alice.access_token))).await;
    socket.wait_for(|frame| frame["type"] == "hello").await;
    let three = json!({general.clone(): 0, side.clone(): 0, "01900000-0000-7000-8000-000000000000": 0});
    socket.send(json!({"type": "resume", "positions": three})).await;
    socket.wait_for(|frame| frame["type"] == "resumed").await;
    // Two of five left: three more is refused.
    socket.send(json!({"type": "resume", "positions": three})).await;
    let refused = socket.wait_for(|frame| frame["type"] == "error").await;
    assert_eq!(refused["code"], "rate_limited", "{refused}");
    assert_eq!(refused["ref"], "resume", "{refused}");
    assert!(refused["retry_after_ms"].as_u64().is_some_and(|ms| ms > 0), "{refused}");
    socket
        .send(json!({"type": "resume", "positions": {general.clone(): 0}}))
        .await;
    socket.wait_for(|frame| frame["type"] == "resumed").await;
    socket
        .send(json!({"type": "message.send", "channel_id": general, "content": "still here", "client_id": "c1"}))
        .await;
    socket.wait_for(|frame| frame["type"] == "ack").await;
    server.stop().await;
}

async fn connection_limits_and_bad_frames(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.gateway.max_frame_bytes = 4096;
        config.gateway.messages_per_second = 2.0;
        config.gateway.messages_burst = 3.0;
    })
    .await;
    let (_alice, bob, _carol, general, _side) = three_people(&server).await;

    // No token, a bad token, and no auth frame: closed with 4001.
    let mut anonymous = WsClient::open(&server.ws_url(None)).await;
    anonymous.send(json!({"type": "ping"})).await;
    assert_eq!(anonymous.close_code().await, Some(4001));
    let mut forged = WsClient::open(&server.ws_url(Some("not-a-token"))).await;
    assert_eq!(forged.close_code().await, Some(4001));
    // An auth frame works as well as ?token=.
    let mut by_frame = WsClient::open(&server.ws_url(None)).await;
    by_frame.send(json!({"type": "auth", "token": bob.access_token})).await;
    by_frame.wait_for(|frame| frame["type"] == "hello").await;

    // Five connections per user (the one above is the first); the sixth is refused.
    let mut open = vec![by_frame];
    for _ in 0..4 {
        open.push(server.ws_connect(&bob.access_token).await);
    }
    let mut sixth = WsClient::open(&server.ws_url(Some(&bob.access_token))).await;
    assert_eq!(sixth.close_code().await, Some(4009));

    // A flood past the rate limit gets rate_limited error frames; the connection stays usable.
    let flooder = &mut open[1];
    for index in 0..10 {
        flooder
            .send(json!({"type": "message.send", "channel_id": general, "content": format!("flood {index}"), "client_id": format!("f{index}")}))
            .await;
    }
    let limited = flooder
        .wait_for(|frame| frame["type"] == "error" && frame["code"] == "rate_limited")
        .await;
    assert!(limited["retry_after_ms"].as_u64().is_some());
    flooder.send(json!({"type": "ping", "nonce": "still here"})).await;
    flooder.wait_for(|frame| frame["type"] == "pong").await;

    // A frame that is not JSON gets an error; one over the size limit closes with 1009.
    let talker = &mut open[2];
    talker.send_text("hello?".to_owned()).await.unwrap();
    let bad = talker.wait_for(|frame| frame["type"] == "error").await;
    assert_eq!(bad["code"], "invalid_json");
    let oversized = json!({"type": "typing", "channel_id": "x".repeat(8000)}).to_string();
    let _ = talker.send_text(oversized).await;
    assert_eq!(talker.close_code().await, Some(1009));

    // The other connections still work.
    let survivor = &mut open[3];
    survivor.send(json!({"type": "ping", "nonce": "ok"})).await;
    survivor.wait_for(|frame| frame["type"] == "pong").await;
    server.stop().await;
}

async fn a_reader_that_never_reads_is_dropped_alone(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.gateway.outgoing_queue_frames = 8;
        config.gateway.write_timeout_ms = 500;
        config.limits.max_message_length = 60_000;
    })
    .await;
    let (alice, bob, carol, general, _side) = three_people(&server).await;
    server.join(&carol, &general).await;
    let _sleeper = {
        // Connected and resumed, then never read from again.
        server.ws_connect(&bob.access_token).await
    };
    let mut reader = server.ws_connect(&carol.access_token).await;
    let gauge = |metrics: &str| hub_tests::metric_value(metrics, "hub_ws_connections");
    let metrics = server.metrics().await;
    assert_eq!(gauge(&metrics), Some(2));

    // About 12 MB of messages: more than the socket buffers and the queue hold.
    let big = "x".repeat(50_000);
    for index in 0..240 {
        let content = format!("{index} {big}");
        let reply = server
            .post(
                &format!("/api/v1/channels/{general}/messages"),
                &alice.access_token,
                json!({"content": content}),
            )
            .await;
        reply.expect(201);
        let seen = reader.wait_for(|frame| frame["type"] == "message.created").await;
        assert!(
            seen["message"]["content"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{index} "))
        );
    }
    // The sleeper was closed for being too slow; the reader got everything.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let metrics = server.metrics().await;
        if gauge(&metrics) == Some(1) {
            assert!(metrics.contains("hub_ws_closed_too_slow_total 1"), "{metrics}");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the slow reader was never dropped:\n{metrics}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    server.stop().await;
}

async fn silent_connections_time_out(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.gateway.heartbeat_interval_secs = 1;
        config.gateway.idle_timeout_secs = 1;
    })
    .await;
    let bob = server.new_user("bob").await;
    // Opened, authenticated by token, and then silent: not even answering pings, since this
    // client does not read until the end.
    let mut silent = WsClient::open(&server.ws_url(Some(&bob.access_token))).await;
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    assert_eq!(silent.close_code().await, Some(4003));
    server.stop().await;
}

async fn suspension_closes_open_connections(backend: Backend) {
    let server = TestServer::start(&backend).await;
    let admin = server.new_admin("boss").await;
    let bob = server.new_user("bob").await;
    let mut first = server.ws_connect(&bob.access_token).await;
    let mut second = server.ws_connect(&bob.access_token).await;
    server
        .bodiless(
            Method::POST,
            &format!("/api/v1/admin/users/{}/suspend", bob.id),
            &admin.access_token,
        )
        .await
        .expect(200);
    assert_eq!(first.close_code().await, Some(4004));
    assert_eq!(second.close_code().await, Some(4004));
    // And they cannot come back.
    let mut again = WsClient::open(&server.ws_url(Some(&bob.access_token))).await;
    assert_eq!(again.close_code().await, Some(4001));
    server.stop().await;
}

/// A REST send and a WebSocket send are the same use case with the same limit: once the socket
/// has spent the user's burst, a REST send gets 429 `rate_limited` with `Retry-After`, and the
/// other way round.
async fn rest_and_socket_sends_draw_from_one_rate_bucket(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| {
        config.gateway.messages_per_second = 0.5;
        config.gateway.messages_burst = 3.0;
    })
    .await;
    let (alice, bob, _carol, general, _side) = three_people(&server).await;
    let path = format!("/api/v1/channels/{general}/messages");
    let mut socket = server.ws_connect(&alice.access_token).await;
    for index in 0..3 {
        socket
            .send(json!({"type": "message.send", "channel_id": general, "content": format!("socket {index}"), "client_id": format!("s{index}")}))
            .await;
        socket.wait_for(|frame| frame["type"] == "ack").await;
    }
    let refused = server
        .post(&path, &alice.access_token, json!({"content": "over REST"}))
        .await;
    refused.expect_error(429, "rate_limited");
    let retry_after: u64 = refused.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry_after >= 1, "{retry_after}");

    // Bob spends his burst over REST; his socket is refused next.
    for index in 0..3 {
        server
            .post(&path, &bob.access_token, json!({"content": format!("rest {index}")}))
            .await
            .expect(201);
    }
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    bob_socket
        .send(json!({"type": "message.send", "channel_id": general, "content": "over the socket", "client_id": "b1"}))
        .await;
    let limited = bob_socket
        .wait_for(|frame| frame["type"] == "error" && frame["code"] == "rate_limited")
        .await;
    assert_eq!(limited["ref"], "b1");
    assert!(limited["retry_after_ms"].as_u64().is_some_and(|ms| ms > 0));
    // Reactions, edits and deletes are actions too.
    let first = history_first(&server, &path, &bob.access_token).await;
    server
        .bodiless(
            Method::PUT,
            &format!("/api/v1/messages/{first}/reactions/thumbsup"),
            &bob.access_token,
        )
        .await
        .expect_error(429, "rate_limited");
    server
        .patch(
            &format!("/api/v1/messages/{first}"),
            &bob.access_token,
            json!({"content": "edited"}),
        )
        .await
        .expect_error(429, "rate_limited");
    server
        .delete(&format!("/api/v1/messages/{first}"), &bob.access_token)
        .await
        .expect_error(429, "rate_limited");
    let history = server.get(&path, &bob.access_token).await;
    assert!(
        history
            .items()
            .iter()
            .all(|message| message["content"] != "over the socket" && message["content"] != "over REST"),
        "a refused send stored nothing"
    );
    server.stop().await;
}

/// The id of the newest message at `path`.
async fn history_first(server: &TestServer, path: &str, token: &str) -> String {
    let history = server.get(path, token).await;
    history.items()[0]["id"].as_str().unwrap().to_owned()
}

/// `gateway.max_connections`: past it, anyone's next connection closes with 4009.
async fn the_server_wide_connection_cap_holds(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| config.gateway.max_connections = 2).await;
    let (alice, bob, carol, _general, _side) = three_people(&server).await;
    let _first = server.ws_connect(&alice.access_token).await;
    let _second = server.ws_connect(&bob.access_token).await;
    let mut third = WsClient::open(&server.ws_url(Some(&carol.access_token))).await;
    assert_eq!(third.close_code().await, Some(4009));
    server.stop().await;
}

/// `gateway.typing_throttle_ms`: one `typing` per person and channel per throttle reaches the
/// others; the rest are dropped quietly (not errors).
async fn typing_is_relayed_at_most_once_per_throttle(backend: Backend) {
    let server = TestServer::start_with(&backend, |config| config.gateway.typing_throttle_ms = 60_000).await;
    let (alice, bob, _carol, general, _side) = three_people(&server).await;
    let mut alice_socket = server.ws_connect(&alice.access_token).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;
    for _ in 0..5 {
        alice_socket
            .send(json!({"type": "typing", "channel_id": general}))
            .await;
    }
    bob_socket.wait_for(|frame| frame["type"] == "typing").await;
    // A ping after them: once its pong is back, all five were handled.
    alice_socket.send(json!({"type": "ping", "nonce": "after"})).await;
    alice_socket.wait_for(|frame| frame["type"] == "pong").await;
    bob_socket.send(json!({"type": "ping", "nonce": "settle"})).await;
    bob_socket.wait_for(|frame| frame["type"] == "pong").await;
    let relayed = bob_socket
        .received
        .iter()
        .filter(|frame| frame["type"] == "typing")
        .count();
    assert_eq!(relayed, 1, "{:?}", bob_socket.received);
    assert!(
        !alice_socket.saw(|frame| frame["type"] == "error"),
        "throttled typing is not an error"
    );
    server.stop().await;
}
