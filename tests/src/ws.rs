//! A raw WebSocket client for the gateway, as a front end without the SDK would use it: JSON
//! frames in and out, plus waiting for a frame that matches.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::TestServer;

/// How long a test waits for a frame it expects.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

/// A connected gateway client.
pub struct WsClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Every frame received so far, for failure messages and later checks.
    pub received: Vec<Value>,
}

impl TestServer {
    /// The gateway's URL with `token` (or none).
    pub fn ws_url(&self, token: Option<&str>) -> String {
        let base = self.base.replacen("http://", "ws://", 1);
        match token {
            Some(token) => format!("{base}/api/v1/ws?token={token}"),
            None => format!("{base}/api/v1/ws"),
        }
    }

    /// Connects with `?token=`, waits for `hello` and sends an empty `resume` so live events
    /// flow at once.
    pub async fn ws_connect(&self, token: &str) -> WsClient {
        self.ws_resume(token, serde_json::json!({})).await
    }

    /// A connection whose first frame resumes from `positions` (a JSON object of channel id to
    /// last seen `seq`), as a client coming back does, read up to `resumed`.
    pub async fn ws_resume(&self, token: &str, positions: Value) -> WsClient {
        let mut client = WsClient::open(&self.ws_url(Some(token))).await;
        client.wait_for(|frame| frame["type"] == "hello").await;
        client
            .send(serde_json::json!({"type": "resume", "positions": positions}))
            .await;
        client.wait_for(|frame| frame["type"] == "resumed").await;
        client
    }
}

impl WsClient {
    /// Opens a socket (no frames exchanged yet).
    pub async fn open(url: &str) -> WsClient {
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("gateway accepts the handshake");
        WsClient {
            socket,
            received: Vec::new(),
        }
    }

    /// Sends one JSON frame.
    pub async fn send(&mut self, frame: Value) {
        self.socket
            .send(Message::text(frame.to_string()))
            .await
            .expect("frame sent");
    }

    /// Sends raw text.
    pub async fn send_text(&mut self, text: String) -> Result<(), tokio_tungstenite::tungstenite::Error> {
        self.socket.send(Message::text(text)).await
    }

    /// The next JSON frame, or `None` when the socket closed or `wait` passed.
    pub async fn next_frame(&mut self, wait: Duration) -> Option<Value> {
        loop {
            match tokio::time::timeout(wait, self.socket.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => {
                    let frame: Value = serde_json::from_str(&text).expect("server frames are JSON");
                    self.received.push(frame.clone());
                    return Some(frame);
                }
                Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) | Err(_) => return None,
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// Waits for a frame matching `predicate` (skipping others) and returns it; panics with
    /// every frame received when it does not come.
    pub async fn wait_for(&mut self, predicate: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + FRAME_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_frame(left).await {
                Some(frame) if predicate(&frame) => return frame,
                Some(_) => continue,
                None => panic!(
                    "the expected frame did not arrive; received: {}",
                    serde_json::to_string_pretty(&self.received).unwrap_or_default()
                ),
            }
        }
    }

    /// Reads frames until `count` of those received so far match `predicate`; panics when the
    /// socket goes quiet first (each frame may take up to [`FRAME_TIMEOUT`]).
    pub async fn receive_until(&mut self, count: usize, predicate: impl Fn(&Value) -> bool) {
        while self.received.iter().filter(|frame| predicate(frame)).count() < count {
            let frame = self.next_frame(FRAME_TIMEOUT).await;
            assert!(frame.is_some(), "cut off after {} frames", self.received.len());
        }
    }

    /// Whether any frame received so far matches.
    pub fn saw(&self, predicate: impl Fn(&Value) -> bool) -> bool {
        self.received.iter().any(predicate)
    }

    /// Reads until the server closes and returns its close code.
    pub async fn close_code(&mut self) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + FRAME_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.socket.next()).await {
                Ok(Some(Ok(Message::Close(frame)))) => return frame.map(|frame| u16::from(frame.code)),
                Ok(Some(Ok(Message::Text(text)))) => {
                    if let Ok(frame) = serde_json::from_str(&text) {
                        self.received.push(frame);
                    }
                }
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(_))) | Ok(None) | Err(_) => return None,
            }
        }
    }
}
