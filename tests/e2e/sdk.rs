//! The SDK against the real server: its REST client and a WebSocket session that reconnects and
//! resumes by itself, beside a raw tokio-tungstenite client.

use std::time::Duration;

use hub_core::client::{Client, Session, SessionEvent, SessionOptions};
use hub_core::model::ChannelKind;
use hub_core::protocol::v1::{ChannelEvent, CreateChannelRequest, SendMessageRequest, ServerFrame};
use hub_tests::{Backend, PASSWORD, TestServer};
use serde_json::json;

hub_tests::on_both_databases!(a_session_survives_a_server_restart_and_misses_nothing);

async fn next_event(session: &mut Session) -> SessionEvent {
    tokio::time::timeout(Duration::from_secs(15), session.next())
        .await
        .expect("the session produced an event in time")
        .expect("the session is still open")
}

async fn a_session_survives_a_server_restart_and_misses_nothing(backend: Backend) {
    let server = TestServer::start(&backend).await;
    // Alice uses the SDK for everything.
    let mut alice = Client::new(&server.base).expect("client");
    alice
        .register(&hub_core::protocol::v1::RegisterRequest {
            username: "alice".into(),
            password: PASSWORD.into(),
            email: None,
            full_name: None,
        })
        .await
        .expect("registered");
    let channel = alice
        .create_channel(&CreateChannelRequest {
            name: "general".into(),
            kind: ChannelKind::Public,
            description: None,
            topic: None,
        })
        .await
        .expect("channel created")
        .channel
        .id;
    // Bob is a raw client.
    let bob = server.new_user("bob").await;
    server.join(&bob, channel.as_str()).await;
    let mut bob_socket = server.ws_connect(&bob.access_token).await;

    let options = SessionOptions {
        initial_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(500),
        ..SessionOptions::default()
    };
    let token = alice.token().expect("signed in").to_owned();
    let mut session = Session::connect(alice.ws_url().as_str(), &token, options)
        .await
        .expect("session");

    // Bob's raw frame reaches Alice's SDK session.
    bob_socket
        .send(json!({"type": "message.send", "channel_id": channel, "content": "before", "client_id": "b0"}))
        .await;
    bob_socket.wait_for(|frame| frame["type"] == "ack").await;
    let mut seen = Vec::new();
    while seen.is_empty() {
        if let SessionEvent::Frame(ServerFrame::Event(event)) = next_event(&mut session).await
            && let ChannelEvent::MessageCreated { message } = event.event
        {
            seen.push(message.content);
        }
    }

    // The server goes away and comes back; messages are sent while Alice's session reconnects.
    let server = server.restart().await;
    let rest = Client::new(&server.base).expect("client").with_token(token.clone());
    for index in 0..20 {
        let request = SendMessageRequest {
            content: format!("during {index}"),
            client_id: None,
            parent_id: None,
            file_ids: Vec::new(),
        };
        rest.send_message(&channel, &request)
            .await
            .expect("sent through the SDK's REST client");
    }
    let mut reconnected = false;
    while seen.len() < 21 {
        match next_event(&mut session).await {
            SessionEvent::Reconnected { .. } => reconnected = true,
            SessionEvent::Frame(ServerFrame::Event(event)) => {
                if let ChannelEvent::MessageCreated { message } = event.event {
                    seen.push(message.content);
                }
            }
            _ => {}
        }
    }
    assert!(reconnected, "the session said it reconnected");
    let expected: Vec<String> = std::iter::once("before".to_owned())
        .chain((0..20).map(|index| format!("during {index}")))
        .collect();
    assert_eq!(seen, expected, "every message once, in order");
    session.close().await;
    server.stop().await;
}
