//! One WebSocket connection: the handshake (authentication, limits, registration), the serve
//! loop (client frames, the outgoing queue, heartbeat, shutdown) and writing queued frames in
//! batches. One task per connection, so an idle connection costs a task, a small read buffer
//! and an empty queue. What each client frame does is in [`super::ops`]; sends are stored beside
//! the connection by [`super::sends`].
//!
//! The task's future is what an idle connection mostly costs, and an async fn's future is as
//! large as the largest future it awaits: the rare, deep calls (authentication, handling a
//! client frame, writing a batch, closing) are boxed so they take memory only while they run.
//! That took the future from 17 KiB to under 3 KiB.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{Sink, Stream, StreamExt};
use hub_core::model::{ConnectionId, UserId};
use hub_core::protocol::v1::{ClientFrame, ControlFrame, close_code};
use hub_core::service::Caller;
use hub_core::{Error, ErrorKind};
use tokio::sync::{Notify, mpsc};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::Gateway;
use super::delivered::{Delivered, Next};
use super::registry::{ConnectionHandle, Outgoing, ServerFull};
use super::sends::PendingSend;
use super::writer::{WriteFailure, Writer, error_frame};

/// How long live events wait for a `resume` (or any first frame) after `hello`, so that a
/// reconnecting client gets its missed events before newer ones.
const RESUME_GRACE: Duration = Duration::from_secs(1);
/// Most frames written before one flush.
const WRITE_BATCH: usize = 256;

/// Runs a connection to its end.
pub async fn run<S>(gateway: Gateway, socket: S, token: Option<String>)
where
    S: Stream<Item = Result<Message, WsError>> + Sink<Message, Error = WsError> + Unpin + Send,
{
    let (sink, mut stream) = socket.split();
    let settings = gateway.hub().config().gateway.clone();
    let mut writer = Writer::new(sink, Duration::from_millis(settings.write_timeout_ms.max(1)));
    let token = match token {
        Some(token) => token,
        None => {
            match tokio::time::timeout(
                Duration::from_secs(settings.auth_timeout_secs),
                Box::pin(auth_frame(&mut stream)),
            )
            .await
            {
                Ok(Some(token)) => token,
                Ok(None) => {
                    return Box::pin(
                        writer.close(close_code::UNAUTHORIZED, "authenticate first: ?token= or an auth frame"),
                    )
                    .await;
                }
                Err(_) => return Box::pin(writer.close(close_code::AUTH_TIMEOUT, "no auth frame in time")).await,
            }
        }
    };
    let id = gateway.next_connection_id();
    let (caller, token_expires) = match Box::pin(gateway.hub().authenticate_until(&token)).await {
        Ok((caller, expires)) => (caller.over_connection(id), expires),
        Err(err) => return Box::pin(writer.close(close_code::UNAUTHORIZED, &err.message)).await,
    };
    let (queue_tx, queue) = mpsc::channel(settings.outgoing_queue_frames.max(1));
    let too_slow = Arc::new(Notify::new());
    let own_queue = queue_tx.clone();
    let handle = ConnectionHandle {
        id,
        session: caller.session.clone(),
        queue: queue_tx,
        too_slow: too_slow.clone(),
    };
    if let Err(ServerFull) = gateway
        .registry()
        .add(&caller.user.id, handle, settings.max_connections)
    {
        let reason = "the server has too many connections";
        return Box::pin(writer.close(close_code::TOO_MANY_CONNECTIONS, reason)).await;
    }
    // The cap per user holds across nodes: the services count them.
    if let Err(err) = Box::pin(gateway.hub().connection_opened(&caller)).await {
        gateway.registry().remove(&caller.user.id, id);
        return Box::pin(writer.close(close_code::TOO_MANY_CONNECTIONS, &err.message)).await;
    }
    gateway.metrics().ws_connections.inc();
    let hidden = Box::pin(load_hidden(&gateway, &caller)).await;
    let mut connection = Connection {
        hidden,
        gateway: gateway.clone(),
        caller,
        id,
        delivered: Delivered::default(),
        writer,
        own_queue,
        sends: None,
        sends_task: None,
        token_deadline: token_deadline(token_expires, settings.token_grace_secs),
        last_flush: tokio::time::Instant::now(),
        flush_due: None,
    };
    let reason = connection.serve(&mut stream, queue, too_slow).await;
    let Connection { mut writer, caller, .. } = connection;
    if let Some((code, text)) = reason {
        Box::pin(writer.close(code, text)).await;
    }
    Box::pin(forget(&gateway, &caller, id)).await;
}

/// The instant a connection whose token expires at `expires` closes, `grace_secs` later.
pub(super) fn token_deadline(
    expires: Option<chrono::DateTime<chrono::Utc>>,
    grace_secs: u64,
) -> Option<tokio::time::Instant> {
    let left = expires? - chrono::Utc::now();
    let left = left.to_std().unwrap_or(Duration::ZERO);
    Some(tokio::time::Instant::now() + left + Duration::from_secs(grace_secs))
}

/// Reads the first frame, which must be `auth`.
async fn auth_frame<S>(stream: &mut S) -> Option<String>
where
    S: Stream<Item = Result<Message, WsError>> + Unpin,
{
    match stream.next().await {
        Some(Ok(Message::Text(text))) => match serde_json::from_str::<ClientFrame>(&text) {
            Ok(ClientFrame::Auth { token }) => Some(token),
            _ => None,
        },
        _ => None,
    }
}

/// Whom `caller` does not hear from (nobody, if it cannot be read: a refusal to deliver would
/// be worse than a muted message getting through).
async fn load_hidden(gateway: &Gateway, caller: &Caller) -> Arc<HashSet<UserId>> {
    match gateway.hub().hidden_authors(&caller.user.id).await {
        Ok(hidden) => hidden,
        Err(err) => {
            tracing::warn!(error = %err, "could not read whom a connection's user mutes or blocks");
            Arc::default()
        }
    }
}

/// Unregisters a closed connection: the calls it was in, and presence.
async fn forget(gateway: &Gateway, caller: &Caller, id: u64) {
    gateway.registry().remove(&caller.user.id, id);
    gateway.metrics().ws_connections.dec();
    gateway.hub().connection_left_calls(id).await;
    gateway.hub().connection_closed(caller).await;
}

/// One open connection, owned by its task.
pub(super) struct Connection<W> {
    pub(super) gateway: Gateway,
    /// Who is connected.
    pub(super) caller: Caller,
    pub(super) id: u64,
    /// The last position written to this client in each channel.
    pub(super) delivered: Delivered,
    /// Whom the user does not hear from (mutes and blocks): their events and typing are not
    /// written, though their positions count as delivered.
    pub(super) hidden: Arc<HashSet<UserId>>,
    pub(super) writer: Writer<W>,
    /// This connection's own outgoing queue, for answers produced off the connection task.
    pub(super) own_queue: mpsc::Sender<Outgoing>,
    /// Sends waiting to be stored, in the order the client sent them (made on the first send).
    pub(super) sends: Option<mpsc::Sender<PendingSend>>,
    /// The task storing them.
    pub(super) sends_task: Option<tokio::task::JoinHandle<()>>,
    /// When the connection closes for want of a fresh token: the access token's expiry plus
    /// `gateway.token_grace_secs` (an `auth` frame moves it).
    pub(super) token_deadline: Option<tokio::time::Instant>,
    /// When queued frames were last flushed (see `flush_interval_us`).
    last_flush: tokio::time::Instant,
    /// When the frames written since then are to be flushed.
    flush_due: Option<tokio::time::Instant>,
}

type CloseReason = Option<(u16, &'static str)>;

impl<W> Connection<W>
where
    W: Sink<Message, Error = WsError> + Unpin + Send,
{
    async fn serve<R>(
        &mut self,
        stream: &mut R,
        mut queue: mpsc::Receiver<Outgoing>,
        too_slow: Arc<Notify>,
    ) -> CloseReason
    where
        R: Stream<Item = Result<Message, WsError>> + Unpin,
    {
        let settings = self.gateway.hub().config().gateway.clone();
        let hello = ControlFrame::Hello {
            user_id: self.caller.user.id.clone(),
            connection_id: ConnectionId::from(self.id),
            heartbeat_interval_ms: settings.heartbeat_interval_secs * 1000,
            idle_timeout_ms: settings.idle_timeout_secs * 1000,
            resume_window_secs: settings.resume_window_secs,
        };
        if Box::pin(self.writer.send_control(&hello)).await.is_err() {
            return None;
        }
        let idle_timeout = Duration::from_secs(settings.idle_timeout_secs);
        let flush_interval = Duration::from_micros(settings.flush_interval_us);
        let mut heartbeat = tokio::time::interval(Duration::from_secs(settings.heartbeat_interval_secs.max(1)));
        heartbeat.tick().await;
        let mut shutdown = self.gateway.shutdown_signal();
        let mut last_heard = Instant::now();
        let grace_ends = tokio::time::Instant::now() + RESUME_GRACE;
        let mut live_paused = true;
        // One timer for the token's deadline, moved only when an `auth` frame moves it (a new
        // timer each turn of the loop would cost one per batch of frames).
        let never = tokio::time::Instant::now() + Duration::from_secs(365 * 24 * 3600);
        let mut armed = self.token_deadline;
        let token_expiry = tokio::time::sleep_until(armed.unwrap_or(never));
        tokio::pin!(token_expiry);
        loop {
            let flush_at = self.flush_due;
            if self.token_deadline != armed {
                armed = self.token_deadline;
                token_expiry.as_mut().reset(armed.unwrap_or(never));
            }
            tokio::select! {
                incoming = stream.next() => {
                    last_heard = Instant::now();
                    match incoming {
                        None | Some(Ok(Message::Close(_))) => return None,
                        Some(Err(WsError::Capacity(_))) => return Some((1009, "frame too large")),
                        // Said with the close codes RFC 6455 has for them, not a dropped socket.
                        Some(Err(WsError::Utf8(_))) => return Some((1007, "text frames must be valid UTF-8")),
                        Some(Err(WsError::Protocol(_))) => return Some((1002, "WebSocket protocol error")),
                        Some(Err(_)) => return None,
                        Some(Ok(Message::Text(text))) => {
                            live_paused = false;
                            if Box::pin(self.on_text(&text)).await.is_err() {
                                return None;
                            }
                        }
                        Some(Ok(Message::Binary(_))) => {
                            let err = Error::new(ErrorKind::InvalidJson, "send JSON text frames");
                            if Box::pin(self.writer.send_control(&error_frame(&err, None))).await.is_err() {
                                return None;
                            }
                        }
                        Some(Ok(_)) => {}
                    }
                }
                Some(item) = queue.recv(), if !live_paused => {
                    // Queued frames go into the socket's write buffer at once (so the queue
                    // never fills while we wait); a connection flushed moments ago flushes again
                    // only when the interval is over, so what arrives meanwhile shares a write.
                    if let Err(failure) = Box::pin(self.write_batch(item, &mut queue, flush_interval)).await {
                        return self.end_after(failure).await;
                    }
                }
                () = tokio::time::sleep_until(flush_at.unwrap_or(grace_ends)), if flush_at.is_some() => {
                    if let Err(failure) = Box::pin(self.flush_queued()).await {
                        return self.end_after(failure).await;
                    }
                }
                () = tokio::time::sleep_until(grace_ends), if live_paused => live_paused = false,
                _ = heartbeat.tick() => {
                    if last_heard.elapsed() > idle_timeout {
                        return Some((close_code::IDLE_TIMEOUT, "idle for too long"));
                    }
                    if self.writer.feed(Message::Ping(Default::default())).await.is_err() || self.writer.flush().await.is_err() {
                        return None;
                    }
                }
                () = &mut token_expiry, if armed.is_some() => {
                    return Some((close_code::TOKEN_EXPIRED, "the access token expired: refresh it and reconnect"));
                }
                () = too_slow.notified() => return self.too_slow(),
                _ = shutdown.changed() => return Box::pin(self.finish_for_shutdown(&mut queue)).await,
            }
        }
    }

    /// The server is shutting down: no more frames are read; the sends already taken are
    /// stored and answered, everything queued is written, and then the connection closes with
    /// 1001. Without this, sends stored at the last moment were never acked.
    async fn finish_for_shutdown(&mut self, queue: &mut mpsc::Receiver<Outgoing>) -> CloseReason {
        /// The longest the sends already taken may take to be stored.
        const SENDS_GRACE: Duration = Duration::from_secs(5);
        if let Some(mut task) = self.sends_task.take() {
            // Closing the channel lets the task store what it holds, answer it, and end.
            self.sends = None;
            let deadline = tokio::time::Instant::now() + SENDS_GRACE;
            loop {
                tokio::select! {
                    _ = &mut task => break,
                    Some(item) = queue.recv() => {
                        if self.write_item(item).await.is_err() {
                            return None;
                        }
                    }
                    () = tokio::time::sleep_until(deadline) => {
                        tracing::warn!("sends still being stored at shutdown were given up on");
                        break;
                    }
                }
            }
        }
        while let Ok(item) = queue.try_recv() {
            if self.write_item(item).await.is_err() {
                return None;
            }
        }
        if self.flush_queued().await.is_err() {
            return None;
        }
        Some((close_code::GOING_AWAY, "the server is shutting down"))
    }

    fn too_slow(&self) -> CloseReason {
        self.gateway.metrics().ws_too_slow.inc();
        Some((close_code::TOO_SLOW, "too slow: the outgoing queue filled up"))
    }

    /// How a connection ends after a failed write.
    async fn end_after(&mut self, failure: WriteFailure) -> CloseReason {
        match failure {
            WriteFailure::Closed => None,
            WriteFailure::TimedOut => self.too_slow(),
            WriteFailure::CloseWith(code) => {
                let _ = self.writer.flush().await;
                Some((code, close_reason(code)))
            }
        }
    }

    /// Writes `first` and whatever else is queued (up to a batch) into the socket's buffer, and
    /// flushes now, or when `flush_interval` since the last flush is over.
    async fn write_batch(
        &mut self,
        first: Outgoing,
        queue: &mut mpsc::Receiver<Outgoing>,
        flush_interval: Duration,
    ) -> Result<(), WriteFailure> {
        self.write_item(first).await?;
        let mut written = 1 + self.write_queued(queue, WRITE_BATCH - 1).await?;
        let due = self.last_flush + flush_interval;
        let flush_now = tokio::time::Instant::now() >= due;
        if flush_now {
            // Frames often come in pairs moments apart (a send's `ack` and its own event):
            // one turn of the scheduler lets the second join the first's write.
            tokio::task::yield_now().await;
            written += self.write_queued(queue, WRITE_BATCH.saturating_sub(written)).await?;
        }
        self.gateway.metrics().ws_frames.inc_by(written as u64);
        if flush_now {
            self.flush_queued().await
        } else {
            self.flush_due = Some(due);
            Ok(())
        }
    }

    /// Writes up to `most` of the frames already queued into the socket's buffer; how many.
    async fn write_queued(&mut self, queue: &mut mpsc::Receiver<Outgoing>, most: usize) -> Result<usize, WriteFailure> {
        let mut written = 0;
        while written < most {
            match queue.try_recv() {
                Ok(item) => self.write_item(item).await?,
                Err(_) => break,
            }
            written += 1;
        }
        Ok(written)
    }

    /// Sends what the socket's buffer holds.
    async fn flush_queued(&mut self) -> Result<(), WriteFailure> {
        self.gateway.metrics().ws_flushes.inc();
        self.last_flush = tokio::time::Instant::now();
        self.flush_due = None;
        self.writer.flush().await
    }

    async fn write_item(&mut self, item: Outgoing) -> Result<(), WriteFailure> {
        match item {
            Outgoing::Frame(frame) => self.writer.feed(Message::Text(frame)).await,
            Outgoing::FrameFrom(from, frame) => {
                if self.hears_from(Some(&from)) {
                    self.writer.feed(Message::Text(frame)).await
                } else {
                    Ok(())
                }
            }
            Outgoing::Close(code) => Err(WriteFailure::CloseWith(code)),
            Outgoing::ReloadHidden => {
                self.hidden = Box::pin(load_hidden(&self.gateway, &self.caller)).await;
                Ok(())
            }
            Outgoing::Event {
                channel,
                seq,
                frame,
                speaker,
            } => {
                match self.delivered.next(&channel, seq) {
                    Next::Duplicate => return Ok(()),
                    Next::InOrder => {}
                    // Only a queue that dropped items could skip.
                    Next::AfterGap(last) => self.replay_gap(&channel, last, seq).await?,
                }
                self.delivered.record(&channel, seq);
                if !self.hears_from(speaker.as_deref()) {
                    return Ok(());
                }
                self.writer.feed(Message::Text(frame)).await
            }
        }
    }

    /// Whether the user hears from `speaker` (anyone they do not mute or block, and who does
    /// not block them).
    pub(super) fn hears_from(&self, speaker: Option<&UserId>) -> bool {
        self.hidden.is_empty() || speaker.is_none_or(|speaker| !self.hidden.contains(speaker))
    }

    /// Answers a frame that failed.
    pub(super) async fn reply_error(&mut self, err: &Error, reference: Option<String>) -> Result<(), WriteFailure> {
        self.writer.send_control(&error_frame(err, reference)).await
    }
}

/// The reason text sent with a close the server decided on.
fn close_reason(code: u16) -> &'static str {
    match code {
        close_code::ACCOUNT_SUSPENDED => "this account is suspended",
        close_code::SESSION_ENDED => "this session has ended; sign in again",
        _ => "closed by the server",
    }
}
