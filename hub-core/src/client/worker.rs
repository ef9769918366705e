//! The background task behind a [`Session`](super::Session): it owns the socket, forwards frames
//! both ways, answers the heartbeat, and on a drop reconnects with backoff and resumes.
//!
//! It never panics on what the server sends: a frame it cannot read is logged and skipped.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::Url;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::shared::{Shared, lock, with_token};
use super::{Backoff, ClientError, Delivery, Result, SessionEvent, SessionOptions};
use crate::protocol::v1::{ClientFrame, ControlFrame, ServerFrame, close_code};

/// A client WebSocket, plain or TLS.
pub(super) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The nonce of the session's own keep-alive pings; their pongs are not passed on.
const HEARTBEAT_NONCE: &str = "hub-sdk-heartbeat";

/// The shortest heartbeat period honoured, whatever `hello` asks for.
const MIN_HEARTBEAT: Duration = Duration::from_millis(100);

/// How one connection ended.
enum End {
    /// The caller closed the session or went away: stop.
    Caller,
    /// The connection was lost or closed by the server.
    Lost { code: Option<u16>, reason: String },
}

impl End {
    fn lost(reason: impl ToString) -> Self {
        End::Lost {
            code: None,
            reason: reason.to_string(),
        }
    }
}

/// The state of the background task.
pub(super) struct Worker {
    /// The gateway URL without the token.
    pub(super) gateway: Url,
    pub(super) options: SessionOptions,
    pub(super) backoff: Backoff,
    pub(super) shared: Arc<Shared>,
    /// Frames from the caller.
    pub(super) frames: mpsc::Receiver<ClientFrame>,
    /// False once every sender is gone.
    pub(super) frames_open: bool,
    /// Events to the caller.
    pub(super) events: mpsc::Sender<SessionEvent>,
    pub(super) closing: watch::Receiver<bool>,
    /// A caller frame whose write failed: sent first on the next connection.
    pub(super) unsent: Option<ClientFrame>,
}

impl Worker {
    /// Runs connections until the caller closes the session or the server refuses it for good.
    pub(super) async fn run(mut self, mut socket: Socket, mut hello: ControlFrame) {
        let mut reconnected = false;
        loop {
            let up_since = Instant::now();
            let end = match self.start(&mut socket, &hello, reconnected).await {
                Ok(true) => {
                    self.drive(&mut socket, heartbeat_period(&hello, self.options.heartbeat))
                        .await
                }
                Ok(false) => End::Caller,
                Err(err) => End::lost(err),
            };
            let End::Lost { code, reason } = end else {
                return;
            };
            tracing::debug!(?code, %reason, "WebSocket session lost its connection");
            if !may_retry(code) {
                self.emit(SessionEvent::Closed { code, reason }).await;
                return;
            }
            if up_since.elapsed() >= self.options.max_backoff {
                self.backoff.reset();
            }
            let disconnected = SessionEvent::Disconnected {
                code,
                reason: reason.clone(),
            };
            // Without attempts left, `reconnect` ends the session at once: no "reconnecting" then.
            if self.attempts_left() && !self.emit(disconnected).await {
                return;
            }
            let Some((new_socket, new_hello)) = self.reconnect(code, reason).await else {
                return;
            };
            (socket, hello, reconnected) = (new_socket, new_hello, true);
        }
    }

    /// Begins a connection whose `hello` has arrived: passes the hello on, sends `resume` with
    /// every position and any frame a drop interrupted, and after a reconnect says so.
    /// `Ok(false)`: the caller is gone.
    async fn start(&mut self, socket: &mut Socket, hello: &ControlFrame, reconnected: bool) -> Result<bool> {
        if !self
            .emit(SessionEvent::Frame(ServerFrame::Control(hello.clone())))
            .await
        {
            return Ok(false);
        }
        // Always, even with no positions: the server holds live events back until the client's
        // first frame (or a grace period), so that replayed ones come first.
        let positions = lock(&self.shared.positions).to_map();
        send_frame(socket, &ClientFrame::Resume { positions }).await?;
        if let Some(frame) = self.unsent.take()
            && let Err(err) = send_frame(socket, &frame).await
        {
            self.unsent = Some(frame);
            return Err(err);
        }
        if reconnected {
            let attempts = self.backoff.attempts();
            return Ok(self.emit(SessionEvent::Reconnected { attempts }).await);
        }
        Ok(true)
    }

    /// Forwards frames both ways until the connection ends.
    async fn drive(&mut self, socket: &mut Socket, heartbeat: Option<Duration>) -> End {
        let period = heartbeat.unwrap_or(Duration::from_secs(3600));
        let mut ticker = tokio::time::interval_at(Instant::now() + period, period);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                incoming = socket.next() => match incoming {
                    Some(Ok(Message::Text(text))) => {
                        if !self.deliver(text.as_str()).await {
                            self.say_goodbye(socket).await;
                            return End::Caller;
                        }
                    }
                    Some(Ok(Message::Close(frame))) => {
                        let (code, reason) = close_parts(frame);
                        return End::Lost { code, reason };
                    }
                    Some(Ok(Message::Binary(bytes))) => {
                        tracing::warn!(len = bytes.len(), "skipping a binary WebSocket frame");
                    }
                    // Pings are answered by tungstenite; pongs and raw frames need nothing.
                    Some(Ok(_)) => {}
                    Some(Err(err)) => return End::lost(err),
                    None => return End::lost("the connection ended"),
                },
                frame = self.frames.recv(), if self.frames_open => match frame {
                    Some(frame) => {
                        if let Err(err) = send_frame(socket, &frame).await {
                            self.unsent = Some(frame);
                            return End::lost(err);
                        }
                    }
                    None => self.frames_open = false,
                },
                _ = ticker.tick(), if heartbeat.is_some() => {
                    let ping = ClientFrame::Ping { nonce: Some(HEARTBEAT_NONCE.to_owned()) };
                    if let Err(err) = send_frame(socket, &ping).await {
                        return End::lost(err);
                    }
                }
                _ = self.closing.changed() => {
                    self.say_goodbye(socket).await;
                    return End::Caller;
                }
                () = self.events.closed() => {
                    self.say_goodbye(socket).await;
                    return End::Caller;
                }
            }
        }
    }

    /// Ends a connection the caller is done with: what it queued before closing still goes
    /// out, then the close frame (1000).
    async fn say_goodbye(&mut self, socket: &mut Socket) {
        while let Ok(frame) = self.frames.try_recv() {
            if send_frame(socket, &frame).await.is_err() {
                return;
            }
        }
        close_quietly(socket).await;
    }

    /// Reads one text frame and hands it to the caller unless it is a duplicate event or a
    /// heartbeat pong. `false`: the caller is gone.
    async fn deliver(&mut self, text: &str) -> bool {
        let frame = match serde_json::from_str::<ServerFrame>(text) {
            Ok(frame) => frame,
            Err(err) => {
                tracing::warn!(error = %err, frame = %excerpt(text), "skipping a WebSocket frame that is not a known server frame");
                return true;
            }
        };
        match &frame {
            ServerFrame::Event(event) => match lock(&self.shared.positions).observe(&event.channel_id, event.seq) {
                Delivery::Duplicate => {
                    tracing::trace!(channel = %event.channel_id, seq = event.seq, "dropping an event already delivered");
                    return true;
                }
                Delivery::AfterGap { missing } => {
                    tracing::debug!(channel = %event.channel_id, seq = event.seq, missing, "events missing before this one");
                }
                Delivery::InOrder => {}
            },
            ServerFrame::Control(ControlFrame::Pong { nonce: Some(nonce) }) if nonce == HEARTBEAT_NONCE => return true,
            ServerFrame::Control(_) => {}
        }
        self.emit(SessionEvent::Frame(frame)).await
    }

    /// Waits and tries again until a connection says `hello`, the server refuses the session for
    /// good, the attempts run out or the caller closes. `last_code` and `last_reason` describe
    /// the drop, for the final [`SessionEvent::Closed`] if no attempt is allowed.
    async fn reconnect(
        &mut self,
        mut last_code: Option<u16>,
        mut last_reason: String,
    ) -> Option<(Socket, ControlFrame)> {
        loop {
            if !self.attempts_left() {
                let attempts = self.backoff.attempts();
                let reason = format!("gave up after {attempts} reconnect attempts: {last_reason}");
                self.emit(SessionEvent::Closed {
                    code: last_code,
                    reason,
                })
                .await;
                return None;
            }
            let delay = self.backoff.next_delay();
            tracing::debug!(
                ?delay,
                attempt = self.backoff.attempts(),
                "WebSocket session reconnecting"
            );
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                _ = self.closing.changed() => return None,
                () = self.events.closed() => return None,
            }
            let url = with_token(&self.gateway, &lock(&self.shared.token));
            let opened = tokio::select! {
                opened = open(&url, &self.options) => opened,
                _ = self.closing.changed() => return None,
                () = self.events.closed() => return None,
            };
            match opened {
                Ok(connection) => return Some(connection),
                Err(err) if ends_session(&err) => {
                    let code = match &err {
                        ClientError::Closed { code, .. } => *code,
                        _ => None,
                    };
                    self.emit(SessionEvent::Closed {
                        code,
                        reason: err.to_string(),
                    })
                    .await;
                    return None;
                }
                Err(err) => {
                    tracing::debug!(error = %err, "WebSocket reconnect attempt failed");
                    (last_code, last_reason) = (None, err.to_string());
                }
            }
        }
    }

    /// Whether [`SessionOptions::max_reconnect_attempts`] allows another attempt.
    fn attempts_left(&self) -> bool {
        self.options
            .max_reconnect_attempts
            .is_none_or(|max| self.backoff.attempts() < max)
    }

    /// Hands an event to the caller, waiting for room. `false`: the caller is gone.
    async fn emit(&self, event: SessionEvent) -> bool {
        self.events.send(event).await.is_ok()
    }
}

/// Connects to `url` and waits for `hello`, within the hello timeout.
pub(super) async fn open(url: &Url, options: &SessionOptions) -> Result<(Socket, ControlFrame)> {
    let config = WebSocketConfig::default().read_buffer_size(options.read_buffer_size.clamp(1024, 1 << 24));
    let attempt = async {
        let (mut socket, _response) =
            tokio_tungstenite::connect_async_with_config(url.as_str(), Some(config), true).await?;
        while let Some(message) = socket.next().await {
            match message? {
                Message::Text(text) => match serde_json::from_str::<ServerFrame>(text.as_str()) {
                    Ok(ServerFrame::Control(hello @ ControlFrame::Hello { .. })) => return Ok((socket, hello)),
                    Ok(_) => tracing::warn!(frame = %excerpt(text.as_str()), "skipping a frame sent before hello"),
                    Err(err) => {
                        tracing::warn!(error = %err, frame = %excerpt(text.as_str()), "skipping an unreadable frame sent before hello")
                    }
                },
                Message::Close(frame) => {
                    let (code, reason) = close_parts(frame);
                    return Err(ClientError::Closed { code, reason });
                }
                _ => {}
            }
        }
        Err(ClientError::Closed {
            code: None,
            reason: "the connection ended before hello".into(),
        })
    };
    tokio::time::timeout(options.hello_timeout, attempt)
        .await
        .unwrap_or(Err(ClientError::Timeout))
}

/// Whether a close code allows reconnecting: not after 4001 (unauthorized), 4004 (suspended),
/// 4005 (the session ended) or 4009 (too many connections), which another attempt would only
/// repeat.
fn may_retry(code: Option<u16>) -> bool {
    !matches!(
        code,
        Some(
            close_code::UNAUTHORIZED
                | close_code::ACCOUNT_SUSPENDED
                | close_code::SESSION_ENDED
                | close_code::TOO_MANY_CONNECTIONS
        )
    )
}

/// Whether a failed connection attempt ends the session instead of being retried.
fn ends_session(err: &ClientError) -> bool {
    match err {
        ClientError::Closed { code, .. } => !may_retry(*code),
        ClientError::Api { status, .. } | ClientError::UnexpectedStatus { status, .. } => {
            matches!(status.as_u16(), 401 | 403)
        }
        ClientError::InvalidUrl { .. } => true,
        _ => false,
    }
}

/// The heartbeat period `hello` asks for, if heartbeats are on and it asks for one.
fn heartbeat_period(hello: &ControlFrame, enabled: bool) -> Option<Duration> {
    match hello {
        ControlFrame::Hello {
            heartbeat_interval_ms, ..
        } if enabled && *heartbeat_interval_ms > 0 => {
            Some(Duration::from_millis(*heartbeat_interval_ms).max(MIN_HEARTBEAT))
        }
        _ => None,
    }
}

async fn send_frame(socket: &mut Socket, frame: &ClientFrame) -> Result<()> {
    let text = serde_json::to_string(frame).map_err(|source| ClientError::Decode {
        url: "(outgoing frame)".into(),
        source,
    })?;
    socket.send(Message::text(text)).await?;
    Ok(())
}

/// Says goodbye with 1000; errors do not matter any more.
async fn close_quietly(socket: &mut Socket) {
    let frame = CloseFrame {
        code: CloseCode::Normal,
        reason: "client closed".into(),
    };
    if let Err(err) = socket.close(Some(frame)).await {
        tracing::debug!(error = %err, "closing the WebSocket failed");
    }
}

fn close_parts(frame: Option<CloseFrame>) -> (Option<u16>, String) {
    match frame {
        Some(frame) => (Some(u16::from(frame.code)), frame.reason.to_string()),
        None => (None, "closed without a code".into()),
    }
}

/// The start of a frame, for a log line.
fn excerpt(text: &str) -> &str {
    const SHOWN: usize = 200;
    match text.char_indices().nth(SHOWN) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello(heartbeat_interval_ms: u64) -> ControlFrame {
        ControlFrame::Hello {
            user_id: "u".into(),
            connection_id: "c".into(),
            heartbeat_interval_ms,
            idle_timeout_ms: 60_000,
            resume_window_secs: 3600,
        }
    }

    #[test]
    fn refusals_end_the_session_and_other_drops_retry() {
        assert!(!may_retry(Some(close_code::UNAUTHORIZED)));
        assert!(!may_retry(Some(close_code::TOO_MANY_CONNECTIONS)));
        assert!(!may_retry(Some(close_code::ACCOUNT_SUSPENDED)));
        assert!(
            !may_retry(Some(close_code::SESSION_ENDED)),
            "a logout is not undone by retrying"
        );
        for code in [
            None,
            Some(1000),
            Some(close_code::GOING_AWAY),
            Some(close_code::TOO_SLOW),
            Some(close_code::IDLE_TIMEOUT),
        ] {
            assert!(may_retry(code), "{code:?}");
        }
        let refused = ClientError::from_response(reqwest::StatusCode::UNAUTHORIZED, b"{}");
        assert!(ends_session(&refused));
        let unavailable = ClientError::from_response(reqwest::StatusCode::SERVICE_UNAVAILABLE, b"");
        assert!(!ends_session(&unavailable));
        assert!(!ends_session(&ClientError::Timeout));
    }

    #[test]
    fn the_heartbeat_follows_hello() {
        assert_eq!(heartbeat_period(&hello(25_000), true), Some(Duration::from_secs(25)));
        assert_eq!(heartbeat_period(&hello(25_000), false), None);
        assert_eq!(heartbeat_period(&hello(0), true), None);
        assert_eq!(heartbeat_period(&hello(1), true), Some(MIN_HEARTBEAT));
    }

    #[test]
    fn excerpts_cut_on_character_boundaries() {
        let long = "é".repeat(500);
        assert_eq!(excerpt(&long).chars().count(), 200);
        assert_eq!(excerpt("short"), "short");
    }
}
