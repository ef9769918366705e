//! [`Session`] against a scripted stand-in for the gateway on loopback (no hub server): resume
//! after a drop, exactly-once delivery, refusals, bad frames and the heartbeat.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::{ClientError, Session, SessionEvent, SessionOptions};
use crate::model::{ChannelId, MessageId};
use crate::protocol::v1::{ChannelEvent, ClientFrame, ControlFrame, ServerFrame, StoredEvent, close_code};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;
type ServerSocket = WebSocketStream<TcpStream>;

/// How long any one step may take before the test fails instead of hanging.
const STEP: Duration = Duration::from_secs(5);

fn fast_options() -> SessionOptions {
    SessionOptions {
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        hello_timeout: STEP,
        ..SessionOptions::default()
    }
}

fn hello(heartbeat_interval_ms: u64) -> ControlFrame {
    ControlFrame::Hello {
        user_id: "u1".into(),
        connection_id: "conn".into(),
        heartbeat_interval_ms,
        idle_timeout_ms: 60_000,
        resume_window_secs: 3600,
    }
}

fn event(channel_id: &str, seq: i64) -> StoredEvent {
    StoredEvent {
        channel_id: channel_id.into(),
        seq,
        at: Utc::now(),
        event: ChannelEvent::PinRemoved {
            message_id: MessageId::from(format!("m{seq}")),
        },
    }
}

/// A listener on a free loopback port and the gateway URL pointing at it.
async fn listen() -> TestResult<(TcpListener, String)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("ws://{}/api/v1/ws", listener.local_addr()?);
    Ok((listener, url))
}

/// Accepts one WebSocket; returns it with the request's path and query.
#[expect(
    clippy::result_large_err,
    reason = "the handshake callback's signature is tungstenite's"
)]
async fn accept(listener: &TcpListener) -> TestResult<(ServerSocket, String)> {
    let (stream, _) = listener.accept().await?;
    let mut target = String::new();
    let socket = tokio_tungstenite::accept_hdr_async(stream, |request: &Request, response: Response| {
        target = request.uri().to_string();
        Ok::<_, ErrorResponse>(response)
    })
    .await?;
    Ok((socket, target))
}

async fn send(socket: &mut ServerSocket, frame: &ServerFrame) -> TestResult {
    socket.send(Message::text(serde_json::to_string(frame)?)).await?;
    Ok(())
}

fn control(frame: ControlFrame) -> ServerFrame {
    ServerFrame::Control(frame)
}

/// The next frame the client sent (text ones only).
async fn receive(socket: &mut ServerSocket) -> TestResult<ClientFrame> {
    loop {
        match tokio::time::timeout(STEP, socket.next()).await? {
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(text.as_str())?),
            Some(Ok(_)) => {}
            Some(Err(err)) => return Err(err.into()),
            None => return Err("the client went away".into()),
        }
    }
}

async fn close_with(socket: &mut ServerSocket, code: u16, reason: &str) -> TestResult {
    let frame = CloseFrame {
        code: CloseCode::from(code),
        reason: reason.into(),
    };
    socket.close(Some(frame)).await?;
    Ok(())
}

async fn next(session: &mut Session) -> TestResult<Option<SessionEvent>> {
    Ok(tokio::time::timeout(STEP, session.next()).await?)
}

async fn expect_frame(session: &mut Session) -> TestResult<ServerFrame> {
    match next(session).await? {
        Some(SessionEvent::Frame(frame)) => Ok(frame),
        other => Err(format!("expected a frame, got {other:?}").into()),
    }
}

async fn expect_event(session: &mut Session) -> TestResult<(ChannelId, i64)> {
    match expect_frame(session).await? {
        ServerFrame::Event(event) => Ok((event.channel_id, event.seq)),
        other => Err(format!("expected an event, got {other:?}").into()),
    }
}

async fn finish(server: JoinHandle<TestResult<Vec<ClientFrame>>>) -> TestResult<Vec<ClientFrame>> {
    tokio::time::timeout(STEP, server).await??
}

#[tokio::test]
async fn a_dropped_session_resumes_and_delivers_each_event_once() -> TestResult {
    let (listener, url) = listen().await?;
    let server = tokio::spawn(async move {
        let mut received = Vec::new();
        // First connection: two events, then a restart.
        let (mut socket, target) = accept(&listener).await?;
        assert_eq!(target, "/api/v1/ws?token=t%2Bk");
        send(&mut socket, &control(hello(0))).await?;
        send(&mut socket, &ServerFrame::Event(event("c", 1))).await?;
        send(&mut socket, &ServerFrame::Event(event("c", 2))).await?;
        close_with(&mut socket, 1012, "restarting").await?;
        // Second connection: the client resumes; the replay overlaps what it has.
        let (mut socket, _) = accept(&listener).await?;
        send(&mut socket, &control(hello(0))).await?;
        received.push(receive(&mut socket).await?);
        for frame in [event("c", 2), event("c", 3), event("d", 1)] {
            send(&mut socket, &ServerFrame::Event(frame)).await?;
        }
        send(&mut socket, &control(ControlFrame::Resumed { replayed: 3 })).await?;
        received.push(receive(&mut socket).await?);
        // Then the client closes with 1000.
        let close = tokio::time::timeout(STEP, socket.next()).await?;
        assert!(
            matches!(&close, Some(Ok(Message::Close(Some(frame)))) if frame.code == CloseCode::Normal),
            "{close:?}"
        );
        Ok(received)
    });

    let mut session = Session::connect(&url, "t+k", fast_options()).await?;
    assert_eq!(expect_frame(&mut session).await?, control(hello(0)));
    assert_eq!(expect_event(&mut session).await?, (ChannelId::from("c"), 1));
    assert_eq!(expect_event(&mut session).await?, (ChannelId::from("c"), 2));
    assert!(
        matches!(
            next(&mut session).await?,
            Some(SessionEvent::Disconnected { code: Some(1012), .. })
        ),
        "expected the drop"
    );
    assert_eq!(expect_frame(&mut session).await?, control(hello(0)));
    assert_eq!(
        next(&mut session).await?,
        Some(SessionEvent::Reconnected { attempts: 1 })
    );
    assert_eq!(expect_event(&mut session).await?, (ChannelId::from("c"), 3));
    assert_eq!(expect_event(&mut session).await?, (ChannelId::from("d"), 1));
    assert_eq!(
        expect_frame(&mut session).await?,
        control(ControlFrame::Resumed { replayed: 3 })
    );
    assert_eq!(
        session.positions().to_map(),
        BTreeMap::from([(ChannelId::from("c"), 3), (ChannelId::from("d"), 1)])
    );

    let typing = ClientFrame::Typing { channel_id: "c".into() };
    session.send(typing.clone()).await?;
    session.close().await;

    let received = finish(server).await?;
    let resume = ClientFrame::Resume {
        positions: BTreeMap::from([(ChannelId::from("c"), 2)]),
    };
    assert_eq!(received, vec![resume, typing]);
    Ok(())
}

#[tokio::test]
async fn starting_positions_are_resumed_on_the_first_connection() -> TestResult {
    let (listener, url) = listen().await?;
    let server = tokio::spawn(async move {
        let (mut socket, _) = accept(&listener).await?;
        send(&mut socket, &control(hello(0))).await?;
        let resume = receive(&mut socket).await?;
        send(&mut socket, &ServerFrame::Event(event("c", 7))).await?;
        send(&mut socket, &ServerFrame::Event(event("c", 8))).await?;
        Ok(vec![resume])
    });
    let options = SessionOptions {
        positions: BTreeMap::from([(ChannelId::from("c"), 7)]),
        ..fast_options()
    };
    let mut session = Session::connect(&url, "t", options).await?;
    assert_eq!(expect_frame(&mut session).await?, control(hello(0)));
    assert_eq!(expect_event(&mut session).await?, (ChannelId::from("c"), 8));
    let received = finish(server).await?;
    assert_eq!(
        received,
        vec![ClientFrame::Resume {
            positions: BTreeMap::from([(ChannelId::from("c"), 7)])
        }]
    );
    Ok(())
}

#[tokio::test]
async fn a_refused_token_fails_the_connect() -> TestResult {
    let (listener, url) = listen().await?;
    let server = tokio::spawn(async move {
        let (mut socket, _) = accept(&listener).await?;
        close_with(&mut socket, close_code::UNAUTHORIZED, "invalid token").await?;
        Ok(Vec::new())
    });
    let result = Session::connect(&url, "bad", fast_options()).await;
    assert!(
        matches!(
            &result,
            Err(ClientError::Closed {
                code: Some(close_code::UNAUTHORIZED),
                ..
            })
        ),
        "{result:?}"
    );
    finish(server).await?;
    Ok(())
}

#[tokio::test]
#[expect(
    clippy::result_large_err,
    reason = "the handshake callback's signature is tungstenite's"
)]
async fn a_refused_upgrade_reads_like_a_rest_error() -> TestResult {
    let (listener, url) = listen().await?;
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await?;
        let refused = tokio_tungstenite::accept_hdr_async(stream, |_: &Request, _: Response| {
            let body = r#"{"error":{"code":"invalid_token","message":"bad token"}}"#;
            let mut response = ErrorResponse::new(Some(body.to_owned()));
            *response.status_mut() = tokio_tungstenite::tungstenite::http::StatusCode::UNAUTHORIZED;
            Err(response)
        })
        .await;
        assert!(refused.is_err());
        Ok(Vec::new())
    });
    let err = match Session::connect(&url, "bad", fast_options()).await {
        Ok(_) => return Err("a refused upgrade connected".into()),
        Err(err) => err,
    };
    assert_eq!(err.status(), Some(reqwest::StatusCode::UNAUTHORIZED), "{err:?}");
    assert_eq!(err.code(), Some("invalid_token"), "{err:?}");
    finish(server).await?;
    Ok(())
}

#[tokio::test]
async fn bad_frames_are_skipped_heartbeats_hidden_and_4001_ends_the_session() -> TestResult {
    let (listener, url) = listen().await?;
    let server = tokio::spawn(async move {
        let (mut socket, _) = accept(&listener).await?;
        send(&mut socket, &control(hello(20))).await?;
        socket.send(Message::text("not json")).await?;
        socket.send(Message::text(r#"{"type":"mystery"}"#)).await?;
        socket.send(Message::text(r#"{"channel_id":"c","seq":"one"}"#)).await?;
        socket.send(Message::binary(vec![1u8, 2, 3])).await?;
        send(&mut socket, &ServerFrame::Event(event("c", 1))).await?;
        // The session resumes (from nothing), then pings on its own at the hello's interval.
        let resume = receive(&mut socket).await?;
        let ping = receive(&mut socket).await?;
        let ClientFrame::Ping { nonce } = ping.clone() else {
            return Err(format!("expected a ping, got {ping:?}").into());
        };
        send(&mut socket, &control(ControlFrame::Pong { nonce })).await?;
        send(
            &mut socket,
            &control(ControlFrame::Pong {
                nonce: Some("mine".into()),
            }),
        )
        .await?;
        close_with(&mut socket, close_code::UNAUTHORIZED, "token revoked").await?;
        Ok(vec![resume])
    });
    let mut session = Session::connect(&url, "t", fast_options()).await?;
    assert_eq!(expect_frame(&mut session).await?, control(hello(20)));
    assert_eq!(expect_event(&mut session).await?, (ChannelId::from("c"), 1));
    assert_eq!(
        expect_frame(&mut session).await?,
        control(ControlFrame::Pong {
            nonce: Some("mine".into())
        })
    );
    assert!(
        matches!(
            next(&mut session).await?,
            Some(SessionEvent::Closed {
                code: Some(close_code::UNAUTHORIZED),
                ..
            })
        ),
        "expected the session to end"
    );
    assert_eq!(next(&mut session).await?, None);
    assert!(matches!(
        session.send(ClientFrame::Ping { nonce: None }).await,
        Err(ClientError::SessionClosed)
    ));
    let received = finish(server).await?;
    assert_eq!(
        received,
        vec![ClientFrame::Resume {
            positions: BTreeMap::new()
        }]
    );
    Ok(())
}

#[tokio::test]
async fn with_no_reconnects_allowed_a_drop_ends_the_session() -> TestResult {
    let (listener, url) = listen().await?;
    let server = tokio::spawn(async move {
        let (mut socket, _) = accept(&listener).await?;
        send(&mut socket, &control(hello(0))).await?;
        drop(socket);
        Ok(Vec::new())
    });
    let options = SessionOptions {
        max_reconnect_attempts: Some(0),
        ..fast_options()
    };
    let mut session = Session::connect(&url, "t", options).await?;
    assert_eq!(expect_frame(&mut session).await?, control(hello(0)));
    // No "reconnecting" when no attempt is allowed: straight to the end.
    let closed = next(&mut session).await?;
    assert!(
        matches!(&closed, Some(SessionEvent::Closed { code: None, .. })),
        "{closed:?}"
    );
    assert_eq!(next(&mut session).await?, None);
    finish(server).await?;
    Ok(())
}
