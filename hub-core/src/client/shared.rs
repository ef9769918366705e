//! What a [`Session`](super::Session) and its background worker share: the options it runs
//! with, the events it yields, the state both sides see (token, positions, closing), and small
//! helpers. Its own file, so that neither of the two depends on the other for these.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use reqwest::Url;
use tokio::sync::watch;

use super::Positions;
use crate::model::ChannelId;
use crate::protocol::v1::ServerFrame;

/// How a [`Session`](super::Session) connects, reconnects and buffers.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// The wait before the first reconnect attempt (100 ms).
    pub initial_backoff: Duration,
    /// The longest wait between attempts (10 s). A connection that stayed up this long starts
    /// the next round of attempts from `initial_backoff` again.
    pub max_backoff: Duration,
    /// The random share of each wait, 0 to 1 (0.5: between half and all of it).
    pub jitter: f64,
    /// Give up after this many failed attempts in a row (`None`: never; `Some(0)`: do not
    /// reconnect at all).
    pub max_reconnect_attempts: Option<u32>,
    /// How long a connection attempt may take, up to the server's `hello` (10 s).
    pub hello_timeout: Duration,
    /// Send `ping` at the `heartbeat_interval_ms` the server asks for in `hello` (on), so an
    /// idle session is not closed for silence. The answering `pong`s are not passed on.
    pub heartbeat: bool,
    /// Events buffered for the caller (1024). When it is full the task stops reading the
    /// socket; a server that finds the client too slow closes it and the session resumes.
    pub incoming_queue: usize,
    /// Frames buffered towards the server (64); [`Session::send`](super::Session::send) waits when it is full,
    /// including while reconnecting.
    pub outgoing_queue: usize,
    /// The socket's read buffer (16 KiB; tungstenite's own default is 128 KiB a connection,
    /// which adds up in a load generator with thousands of sessions).
    pub read_buffer_size: usize,
    /// Positions to start from (channel id → last seen `seq`), e.g. those of an earlier
    /// session: the first connection resumes from them.
    pub positions: BTreeMap<ChannelId, i64>,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
            jitter: 0.5,
            max_reconnect_attempts: None,
            hello_timeout: Duration::from_secs(10),
            heartbeat: true,
            incoming_queue: 1024,
            outgoing_queue: 64,
            read_buffer_size: 16 * 1024,
            positions: BTreeMap::new(),
        }
    }
}

/// What [`Session::next`](super::Session::next) yields.
///
/// After a drop the caller sees, in order: [`Disconnected`](SessionEvent::Disconnected), then
/// (once a new connection is up) the new `hello` as a frame, [`Reconnected`](SessionEvent::Reconnected),
/// the replayed events it missed, and the server's `resumed`.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "frames are nearly every event; boxing them would allocate once more per frame for nothing"
)]
pub enum SessionEvent {
    /// A frame from the server. Channel events come once each, in order within a channel.
    Frame(ServerFrame),
    /// The connection dropped; the session is reconnecting.
    Disconnected {
        /// The close code, when the server sent one (see [`crate::protocol::v1::close_code`]).
        code: Option<u16>,
        /// The close reason or the error.
        reason: String,
    },
    /// A new connection is up and `resume` has been sent.
    Reconnected {
        /// How many attempts it took.
        attempts: u32,
    },
    /// The session has ended for good: the server refused it (4001 unauthorized, 4009 too many
    /// connections, 401/403 at the upgrade) or the attempts ran out. `next` then gives `None`.
    Closed {
        /// The close code, when there was one.
        code: Option<u16>,
        /// Why.
        reason: String,
    },
}

/// What the caller's handles and the background task share.
#[derive(Debug)]
pub(super) struct Shared {
    /// Set to `true` by [`SessionSender::close`](super::SessionSender::close).
    pub(super) closing: watch::Sender<bool>,
    /// The access token for the next connection.
    pub(super) token: Mutex<String>,
    /// The last `seq` delivered in each channel.
    pub(super) positions: Mutex<Positions>,
}

/// `gateway` with `?token=` appended.
pub(super) fn with_token(gateway: &Url, token: &str) -> Url {
    let mut url = gateway.clone();
    url.query_pairs_mut().append_pair("token", token);
    url
}

/// Locks a mutex, shrugging off poisoning: the data behind these locks (a token, a map of
/// positions) stays valid whatever panicked while holding it.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
