//! [`Session`]: a WebSocket connection to `/api/v1/ws` that survives drops.
//!
//! [`Session::connect`] opens the first connection and waits for the server's `hello`; from then
//! on a background task (see `worker.rs`) owns the socket. The caller sends [`ClientFrame`]s with
//! [`Session::send`] and reads [`SessionEvent`]s with [`Session::next`]. After every `hello` the
//! task sends `resume` with the last position seen in each channel; when the connection drops
//! it reconnects with [`Backoff`](super::Backoff) and resumes, and drops replayed events the
//! caller already has, so each channel event reaches the caller once.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Url;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::shared::{Shared, lock, with_token};
use super::worker::{self, Worker};
use super::{Backoff, ClientError, Positions, Result, SessionEvent, SessionOptions};
use crate::model::ChannelId;
use crate::protocol::v1::ClientFrame;

/// A live WebSocket session. Dropping it ends the background task and closes the socket.
#[derive(Debug)]
pub struct Session {
    sender: SessionSender,
    events: mpsc::Receiver<SessionEvent>,
    task: JoinHandle<()>,
}

/// The sending half of a [`Session`], for another task (cloneable).
#[derive(Debug, Clone)]
pub struct SessionSender {
    frames: mpsc::Sender<ClientFrame>,
    shared: Arc<Shared>,
}

impl Session {
    /// Connects to the gateway at `ws_url` (like `ws://127.0.0.1:8000/api/v1/ws`; `http(s)://`
    /// is taken as `ws(s)://`) with `token` as `?token=`, and waits for the server's `hello`,
    /// which is the first frame [`next`](Session::next) returns (soon followed by `resumed`).
    ///
    /// Fails if that first connection fails: a refused token is [`ClientError::Api`] (refused at
    /// the upgrade) or [`ClientError::Closed`] with code 4001 (refused after it).
    pub async fn connect(ws_url: &str, token: &str, options: SessionOptions) -> Result<Session> {
        let gateway = gateway_url(ws_url)?;
        let (socket, hello) = worker::open(&with_token(&gateway, token), &options).await?;
        let (frames_tx, frames_rx) = mpsc::channel(options.outgoing_queue.max(1));
        let (events_tx, events_rx) = mpsc::channel(options.incoming_queue.max(1));
        let (closing, closing_rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            closing,
            token: Mutex::new(token.to_owned()),
            positions: Mutex::new(Positions::from_map(options.positions.clone())),
        });
        let worker = Worker {
            gateway,
            backoff: Backoff::new(options.initial_backoff, options.max_backoff, options.jitter),
            options,
            shared: Arc::clone(&shared),
            frames: frames_rx,
            frames_open: true,
            events: events_tx,
            closing: closing_rx,
            unsent: None,
        };
        let task = tokio::spawn(worker.run(socket, hello));
        Ok(Session {
            sender: SessionSender {
                frames: frames_tx,
                shared,
            },
            events: events_rx,
            task,
        })
    }

    /// The next event; `None` once the session has ended (after [`SessionEvent::Closed`], or
    /// after [`close`](SessionSender::close)). Cancel-safe, so it can sit in a `select!`.
    pub async fn next(&mut self) -> Option<SessionEvent> {
        self.events.recv().await
    }

    /// Queues a frame for the server (see [`SessionSender::send`]).
    pub async fn send(&self, frame: ClientFrame) -> Result<()> {
        self.sender.send(frame).await
    }

    /// A sending handle for another task.
    pub fn sender(&self) -> SessionSender {
        self.sender.clone()
    }

    /// The last `seq` delivered in each channel: save it to resume a later session from there
    /// ([`SessionOptions::positions`]).
    pub fn positions(&self) -> Positions {
        self.sender.positions()
    }

    /// Moves a channel's position forward (never back), e.g. to the `seq` of the newest message
    /// fetched over REST, so that a reconnect resumes that channel from there.
    pub fn advance(&self, channel_id: &ChannelId, seq: i64) {
        self.sender.advance(channel_id, seq);
    }

    /// Uses `token` from now on (after a refresh): see [`SessionSender::set_token`].
    pub fn set_token(&self, token: &str) {
        self.sender.set_token(token);
    }

    /// Closes the connection (code 1000) and ends the session; waits (at most 5 s) for the
    /// background task to finish.
    pub async fn close(mut self) {
        self.sender.close();
        // Stop taking events, so a task blocked on a full queue wakes up and exits.
        self.events.close();
        let grace = Duration::from_secs(5);
        if tokio::time::timeout(grace, &mut self.task).await.is_err() {
            self.task.abort();
        }
    }
}

impl SessionSender {
    /// Queues a frame for the server. It is written as soon as the connection is up; while
    /// reconnecting it waits in the queue (a `message.send` with the same `client_id` is
    /// stored once, so a resend after a drop is safe). Fails once the session has ended.
    pub async fn send(&self, frame: ClientFrame) -> Result<()> {
        self.frames.send(frame).await.map_err(|_| ClientError::SessionClosed)
    }

    /// Uses `token` from now on: it goes to the server in an `auth` frame (so the open
    /// connection outlives the old token's expiry, see `close_code::TOKEN_EXPIRED`) and is used
    /// for the following reconnects.
    pub fn set_token(&self, token: &str) {
        token.clone_into(&mut lock(&self.shared.token));
        // A full queue means the connection is busy or down; the reconnect uses the new token.
        let _ = self.frames.try_send(ClientFrame::Auth {
            token: token.to_owned(),
        });
    }

    /// The last `seq` delivered in each channel (see [`Session::positions`]).
    pub fn positions(&self) -> Positions {
        lock(&self.shared.positions).clone()
    }

    /// Moves a channel's position forward (see [`Session::advance`]).
    pub fn advance(&self, channel_id: &ChannelId, seq: i64) {
        lock(&self.shared.positions).advance(channel_id, seq);
    }

    /// Asks the session to close its connection and end (without waiting).
    pub fn close(&self) {
        self.shared.closing.send_replace(true);
    }

    /// Whether the session has ended.
    pub fn is_closed(&self) -> bool {
        self.frames.is_closed()
    }
}

/// The URL a session connects to: `ws_url` with `token` as its `?token=` (form-encoded, so
/// `+`, `&` and `=` in a token survive). `http`/`https` become `ws`/`wss`; any `token` already
/// in the query is replaced. Handy for tests that drive the gateway with a raw WebSocket.
pub fn session_url(ws_url: &str, token: &str) -> Result<Url> {
    Ok(with_token(&gateway_url(ws_url)?, token))
}

/// Parses and checks a gateway URL; leaves out any `token` in its query.
fn gateway_url(ws_url: &str) -> Result<Url> {
    let invalid = |reason: String| ClientError::InvalidUrl {
        url: ws_url.to_owned(),
        reason,
    };
    let mut url = Url::parse(ws_url).map_err(|err| invalid(err.to_string()))?;
    let scheme = match url.scheme() {
        "ws" | "http" => "ws",
        "wss" | "https" => "wss",
        other => return Err(invalid(format!("the scheme must be ws or wss, not {other}"))),
    };
    url.set_scheme(scheme)
        .map_err(|()| invalid("cannot use a WebSocket scheme".into()))?;
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| name != "token")
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    url.set_query(None);
    if !kept.is_empty() {
        url.query_pairs_mut().extend_pairs(kept);
    }
    url.set_fragment(None);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_query_escaped() -> Result<()> {
        let url = session_url("ws://127.0.0.1:8000/api/v1/ws", "a+b/c=d&e f")?;
        assert_eq!(url.as_str(), "ws://127.0.0.1:8000/api/v1/ws?token=a%2Bb%2Fc%3Dd%26e+f");
        let token = url
            .query_pairs()
            .find(|(name, _)| name == "token")
            .map(|(_, value)| value.into_owned());
        assert_eq!(token.as_deref(), Some("a+b/c=d&e f"));
        Ok(())
    }

    #[test]
    fn http_schemes_become_websocket_ones() -> Result<()> {
        assert_eq!(
            session_url("http://h:1/api/v1/ws", "t")?.as_str(),
            "ws://h:1/api/v1/ws?token=t"
        );
        assert_eq!(
            session_url("https://h/api/v1/ws", "t")?.as_str(),
            "wss://h/api/v1/ws?token=t"
        );
        assert_eq!(
            session_url("wss://h/api/v1/ws", "t")?.as_str(),
            "wss://h/api/v1/ws?token=t"
        );
        Ok(())
    }

    #[test]
    fn an_old_token_is_replaced_and_other_parameters_kept() -> Result<()> {
        let url = session_url("ws://h/api/v1/ws?token=old&v=1#frag", "new")?;
        assert_eq!(url.as_str(), "ws://h/api/v1/ws?v=1&token=new");
        Ok(())
    }

    #[test]
    fn other_schemes_are_refused() {
        for bad in ["ftp://h/ws", "h:8000/ws", ""] {
            assert!(
                matches!(session_url(bad, "t"), Err(ClientError::InvalidUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn defaults_match_the_documented_ones() {
        let options = SessionOptions::default();
        assert_eq!(options.initial_backoff, Duration::from_millis(100));
        assert_eq!(options.max_backoff, Duration::from_secs(10));
        assert!(options.positions.is_empty());
    }
}
