//! One WebSocket connection: authentication, limits, the client's frames, heartbeat, and
//! writing queued frames in batches. One task per connection, so an idle connection costs a
//! task, a small read buffer and an empty queue.
//!
//! The task's future is what an idle connection mostly costs, and an async fn's future is as
//! large as the largest future it awaits: the rare, deep calls (authentication, handling a
//! client frame, writing a batch, closing) are boxed so they take memory only while they run.
//! That took the future from 17 KiB to under 3 KiB.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_util::stream::FuturesOrdered;
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use hub_core::events::BusMessage;
use hub_core::model::{ChannelId, MessageId, UserId};
use hub_core::protocol::v1::{ClientFrame, ControlFrame, SendMessageRequest, StoredEvent, close_code};
use hub_core::service::Caller;
use hub_core::store::{SendLine, SendTurn};
use hub_core::{Error, ErrorKind, Hub};
use tokio::sync::{Notify, mpsc};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};

use super::registry::{ConnectionHandle, Outgoing, Refusal};
use super::{FastMap, Gateway};

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
    let mut writer = Writer {
        sink,
        timeout: Duration::from_millis(settings.write_timeout_ms.max(1)),
    };
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
    let caller = match Box::pin(gateway.hub().authenticate(&token)).await {
        Ok(caller) => caller,
        Err(err) => return Box::pin(writer.close(close_code::UNAUTHORIZED, &err.message)).await,
    };
    let user = caller.user.id.clone();
    let id = gateway.next_connection_id();
    let (queue_tx, queue) = mpsc::channel(settings.outgoing_queue_frames.max(1));
    let too_slow = Arc::new(Notify::new());
    let own_queue = queue_tx.clone();
    let handle = ConnectionHandle {
        id,
        queue: queue_tx,
        too_slow: too_slow.clone(),
    };
    if let Err(refusal) = gateway.registry().add(
        &user,
        handle,
        settings.max_connections_per_user,
        settings.max_connections,
    ) {
        let reason = match refusal {
            Refusal::PerUser => "too many connections for this user",
            Refusal::Total => "the server has too many connections",
        };
        return Box::pin(writer.close(close_code::TOO_MANY_CONNECTIONS, reason)).await;
    }
    gateway.metrics().ws_connections.inc();
    if gateway.hub().connection_opened(&user) {
        Box::pin(announce_presence(&gateway, &caller, None)).await;
    }
    let mut connection = Connection {
        gateway: gateway.clone(),
        caller,
        id,
        delivered: FastMap::default(),
        writer,
        own_queue,
        sends: None,
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

/// Unregisters a closed connection: calls it was in, presence, rate state.
async fn forget(gateway: &Gateway, caller: &Caller, id: u64) {
    let user = &caller.user.id;
    let left = gateway.registry().remove(user, id);
    gateway.metrics().ws_connections.dec();
    for (channel, participants) in gateway.voice().drop_connection(id) {
        let frame = ControlFrame::VoiceParticipants {
            channel_id: channel.to_string(),
            participants,
        };
        broadcast_to_channel(gateway, &channel, None, &frame);
    }
    if left == 0 {
        gateway.forget_rate(user);
    }
    if gateway.hub().connection_closed(user) {
        match gateway.hub().mark_disconnected(user).await {
            Ok(at) => announce_presence(gateway, caller, Some(at)).await,
            Err(err) => tracing::warn!(error = %err, "could not record last_seen"),
        }
    }
}

/// Tells everyone who shares a channel with the caller how they appear now.
async fn announce_presence(gateway: &Gateway, caller: &Caller, disconnected_at: Option<chrono::DateTime<chrono::Utc>>) {
    let connected = disconnected_at.is_none();
    let user = match gateway.hub().user_by_username(&caller.user.username).await {
        Ok(Some(user)) => user,
        _ => caller.user.clone(),
    };
    let frame = ControlFrame::Presence {
        user_id: user.id.to_string(),
        status: Hub::effective_presence(&user, connected),
        last_seen_at: disconnected_at.or(user.last_seen_at),
    };
    let Some(frame) = to_json(&frame) else {
        return;
    };
    match gateway.hub().presence_audience(&user.id).await {
        Ok(audience) => gateway.broadcast(BusMessage::ToUsers {
            user_ids: audience.iter().map(ToString::to_string).collect(),
            except_connection: None,
            frame,
        }),
        Err(err) => tracing::warn!(error = %err, "could not find the presence audience"),
    }
}

fn encode(frame: &ControlFrame) -> Option<Utf8Bytes> {
    to_json(frame).map(Utf8Bytes::from)
}

fn to_json(frame: &ControlFrame) -> Option<String> {
    match serde_json::to_string(frame) {
        Ok(text) => Some(text),
        Err(err) => {
            tracing::error!(error = %err, "could not serialize a frame");
            None
        }
    }
}

/// Publishes `frame` for the members of `channel` on every node, except `except`.
fn broadcast_to_channel(gateway: &Gateway, channel: &ChannelId, except: Option<&UserId>, frame: &ControlFrame) {
    if let Some(frame) = to_json(frame) {
        gateway.broadcast(BusMessage::ToChannel {
            channel_id: channel.to_string(),
            except_user: except.map(ToString::to_string),
            frame,
        });
    }
}

fn error_frame(err: &Error, reference: Option<String>) -> ControlFrame {
    ControlFrame::Error {
        code: err.kind.code().to_owned(),
        message: err.message.clone(),
        r#ref: reference,
        retry_after_ms: err
            .retry_after
            .map(|delay| u64::try_from(delay.as_millis()).unwrap_or(u64::MAX)),
    }
}

/// Polls `poll` once (registering the task's waker when it is pending) and says what it got.
async fn poll_once<T>(mut poll: impl FnMut(&mut Context<'_>) -> Poll<T>) -> Poll<T> {
    std::future::poll_fn(|cx| Poll::Ready(poll(cx))).await
}

/// Why a write failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WriteFailure {
    /// The peer stopped reading: the socket stayed full for the whole write timeout.
    TimedOut,
    /// The socket is gone.
    Closed,
    /// Not a failure: the server decided to close with this code.
    CloseWith(u16),
}

struct Writer<W> {
    sink: W,
    timeout: Duration,
}

impl<W> Writer<W>
where
    W: Sink<Message, Error = WsError> + Unpin,
{
    /// Queues a message for the next flush.
    async fn feed(&mut self, message: Message) -> Result<(), WriteFailure> {
        // The sink is ready at once unless the socket's buffer is full; only then is a timer
        // set (reading the clock for every frame was 2% of a flood's CPU).
        let ready = match poll_once(|cx| Pin::new(&mut self.sink).poll_ready(cx)).await {
            Poll::Ready(ready) => ready,
            Poll::Pending => {
                let becomes_ready = std::future::poll_fn(|cx| Pin::new(&mut self.sink).poll_ready(cx));
                tokio::time::timeout(self.timeout, becomes_ready)
                    .await
                    .map_err(|_| WriteFailure::TimedOut)?
            }
        };
        ready
            .and_then(|()| Pin::new(&mut self.sink).start_send(message))
            .map_err(|_| WriteFailure::Closed)
    }

    async fn flush(&mut self) -> Result<(), WriteFailure> {
        match tokio::time::timeout(self.timeout, self.sink.flush()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(WriteFailure::Closed),
            Err(_) => Err(WriteFailure::TimedOut),
        }
    }

    async fn send_control(&mut self, frame: &ControlFrame) -> Result<(), WriteFailure> {
        let Some(text) = encode(frame) else {
            return Ok(());
        };
        self.feed(Message::Text(text)).await?;
        self.flush().await
    }

    async fn close(&mut self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: Utf8Bytes::from(reason),
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), self.sink.send(Message::Close(Some(frame)))).await;
    }
}

struct Connection<W> {
    gateway: Gateway,
    caller: Caller,
    id: u64,
    /// The last position written to this client in each channel.
    delivered: FastMap<ChannelId, i64>,
    writer: Writer<W>,
    /// This connection's own outgoing queue, for answers produced off the connection task.
    own_queue: mpsc::Sender<Outgoing>,
    /// Sends waiting to be stored, in the order the client sent them (made on the first send).
    sends: Option<mpsc::Sender<PendingSend>>,
    /// When queued frames were last flushed (see `flush_interval_us`).
    last_flush: tokio::time::Instant,
    /// When the frames written since then are to be flushed.
    flush_due: Option<tokio::time::Instant>,
}

/// A `message.send` waiting for the connection's sender task.
struct PendingSend {
    channel: ChannelId,
    request: SendMessageRequest,
    client_id: String,
}

/// Sends a connection may have waiting to be stored before it is told to slow down.
const MAX_PENDING_SENDS: usize = 256;

/// Stores a connection's sends in the order the client sent them, and queues each `ack` (or
/// `error`) on the connection in that order. Up to `gateway.sends_in_flight` are under way at once
/// (their checks run together, and they share the writer's group commits), so one client's
/// throughput is not one database round trip per message. It runs beside the connection task
/// so that storing never stops the connection from writing what it is sent: otherwise a client
/// that sends and reads at full speed would see its own queue fill up and be closed as too slow.
async fn store_sends(
    gateway: Gateway,
    caller: Caller,
    mut pending: mpsc::Receiver<PendingSend>,
    answers: mpsc::Sender<Outgoing>,
) {
    let most_in_flight = gateway.hub().config().gateway.sends_in_flight.max(1);
    let mut line = SendLine::default();
    let mut in_flight = FuturesOrdered::new();
    let mut open = true;
    loop {
        tokio::select! {
            biased;
            Some(answer) = in_flight.next() => {
                if let Some(frame) = answer
                    && answers.send(Outgoing::Frame(frame)).await.is_err()
                {
                    break;
                }
            }
            send = pending.recv(), if open && in_flight.len() < most_in_flight => match send {
                Some(send) => in_flight.push_back(store_send(&gateway, &caller, send, line.next_turn())),
                None => open = false,
            },
            else => break,
        }
    }
}

/// Stores one send when its turn comes (and deliveries are not too far behind); the frame that
/// answers it.
async fn store_send(gateway: &Gateway, caller: &Caller, send: PendingSend, turn: SendTurn) -> Option<Utf8Bytes> {
    if gateway.backlog().is_over() {
        gateway.metrics().ws_sends_held.inc();
        gateway.backlog().room().await;
    }
    let answer = match gateway
        .hub()
        .send_message_in_turn(caller, &send.channel, send.request, turn)
        .await
    {
        Ok((message, _)) => ControlFrame::Ack {
            client_id: send.client_id,
            message,
        },
        Err(err) => error_frame(&err, Some(send.client_id)),
    };
    encode(&answer)
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
            user_id: self.caller.user.id.to_string(),
            connection_id: self.id.to_string(),
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
        loop {
            let flush_at = self.flush_due;
            tokio::select! {
                incoming = stream.next() => {
                    last_heard = Instant::now();
                    match incoming {
                        None | Some(Ok(Message::Close(_))) => return None,
                        Some(Err(WsError::Capacity(_))) => return Some((1009, "frame too large")),
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
                () = too_slow.notified() => return self.too_slow(),
                _ = shutdown.changed() => return Some((close_code::GOING_AWAY, "the server is shutting down")),
            }
        }
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
        let mut written = 1;
        while written < WRITE_BATCH {
            match queue.try_recv() {
                Ok(item) => self.write_item(item).await?,
                Err(_) => break,
            }
            written += 1;
        }
        self.gateway.metrics().ws_frames.inc_by(written as u64);
        let due = self.last_flush + flush_interval;
        if tokio::time::Instant::now() >= due {
            self.flush_queued().await
        } else {
            self.flush_due = Some(due);
            Ok(())
        }
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
            Outgoing::Close(code) => Err(WriteFailure::CloseWith(code)),
            Outgoing::Event { channel, seq, frame } => {
                let last = self.delivered.get(&*channel).copied();
                if last.is_some_and(|last| seq <= last) {
                    return Ok(());
                }
                if let Some(last) = last.filter(|last| seq > last + 1) {
                    // Only a queue that dropped items could skip; fill from the log.
                    self.replay_from_log(&channel, last, seq).await?;
                }
                match self.delivered.get_mut(&*channel) {
                    Some(delivered) => *delivered = seq,
                    None => {
                        self.delivered.insert(ChannelId::clone(&channel), seq);
                    }
                }
                self.writer.feed(Message::Text(frame)).await
            }
        }
    }

    async fn replay_from_log(&mut self, channel: &ChannelId, after: i64, before: i64) -> Result<(), WriteFailure> {
        let count = u32::try_from(before - after - 1).unwrap_or(u32::MAX);
        match self.gateway.hub().store().events_after(channel, after, count).await {
            Ok(events) => {
                for event in events.iter().filter(|event| event.seq < before) {
                    self.write_event(event).await?;
                }
                Ok(())
            }
            Err(err) => {
                tracing::warn!(error = %err, "could not replay a gap for a connection");
                Ok(())
            }
        }
    }

    /// Writes an event read from the log (not yet serialized), unless already delivered.
    async fn write_event(&mut self, event: &StoredEvent) -> Result<bool, WriteFailure> {
        let channel = ChannelId::from_string(event.channel_id.clone());
        if self.delivered.get(&channel).is_some_and(|last| event.seq <= *last) {
            return Ok(false);
        }
        let Ok(text) = serde_json::to_string(event) else {
            return Ok(false);
        };
        self.delivered.insert(channel, event.seq);
        self.writer.feed(Message::Text(Utf8Bytes::from(text))).await?;
        Ok(true)
    }

    async fn reply(&mut self, frame: &ControlFrame) -> Result<(), WriteFailure> {
        self.writer.send_control(frame).await
    }

    async fn reply_error(&mut self, err: &Error, reference: Option<String>) -> Result<(), WriteFailure> {
        self.reply(&error_frame(err, reference)).await
    }

    async fn on_text(&mut self, text: &str) -> Result<(), WriteFailure> {
        let frame = match serde_json::from_str::<ClientFrame>(text) {
            Ok(frame) => frame,
            Err(err) => {
                let err = Error::new(ErrorKind::InvalidJson, format!("not a frame this server knows: {err}"));
                return self.reply_error(&err, None).await;
            }
        };
        let rate_limited = !matches!(
            frame,
            ClientFrame::Ping { .. } | ClientFrame::Resume { .. } | ClientFrame::Auth { .. }
        );
        if rate_limited && let Err(wait) = self.gateway.take_rate_token(&self.caller.user.id) {
            let mut err = Error::new(ErrorKind::RateLimited, "too many frames; slow down");
            err.retry_after = Some(wait);
            return self.reply_error(&err, frame_reference(&frame)).await;
        }
        match frame {
            ClientFrame::Auth { .. } => {
                let err = Error::new(ErrorKind::InvalidInput, "this connection is already authenticated");
                self.reply_error(&err, Some("auth".to_owned())).await
            }
            ClientFrame::Ping { nonce } => self.reply(&ControlFrame::Pong { nonce }).await,
            ClientFrame::Resume { positions } => self.resume(&positions).await,
            ClientFrame::MessageSend {
                channel_id,
                content,
                client_id,
                parent_id,
            } => {
                let request = SendMessageRequest {
                    content,
                    client_id: Some(client_id.clone()),
                    parent_id,
                    file_ids: Vec::new(),
                };
                let pending = PendingSend {
                    channel: ChannelId::from_string(channel_id),
                    request,
                    client_id,
                };
                let sends = self.sends.get_or_insert_with(|| {
                    let (sends, waiting) = mpsc::channel(MAX_PENDING_SENDS);
                    tokio::spawn(store_sends(
                        self.gateway.clone(),
                        self.caller.clone(),
                        waiting,
                        self.own_queue.clone(),
                    ));
                    sends
                });
                match sends.try_send(pending) {
                    Ok(()) => Ok(()),
                    Err(refused) => {
                        let client_id = match refused {
                            mpsc::error::TrySendError::Full(send) | mpsc::error::TrySendError::Closed(send) => {
                                send.client_id
                            }
                        };
                        let mut err = Error::new(
                            ErrorKind::RateLimited,
                            "too many sends waiting to be stored; wait for acks",
                        );
                        err.retry_after = Some(Duration::from_millis(100));
                        self.reply_error(&err, Some(client_id)).await
                    }
                }
            }
            ClientFrame::Typing { channel_id } => {
                let channel = ChannelId::from_string(channel_id);
                if !self.gateway.typing_due(&self.caller.user.id, &channel) {
                    return Ok(());
                }
                match self.gateway.hub().check_typing(&self.caller, &channel).await {
                    Ok(()) => {
                        let frame = ControlFrame::Typing {
                            channel_id: channel.to_string(),
                            user_id: self.caller.user.id.to_string(),
                            expires_in_ms: self.gateway.hub().config().gateway.typing_expiry_ms,
                        };
                        broadcast_to_channel(&self.gateway, &channel, Some(&self.caller.user.id), &frame);
                        Ok(())
                    }
                    Err(err) => self.reply_error(&err, Some("typing".to_owned())).await,
                }
            }
            ClientFrame::PresenceSet { status } => match self.gateway.hub().set_status(&self.caller, status).await {
                Ok(user) => {
                    self.caller.user = user;
                    announce_presence(&self.gateway, &self.caller, None).await;
                    Ok(())
                }
                Err(err) => self.reply_error(&err, Some("presence.set".to_owned())).await,
            },
            ClientFrame::Read { channel_id, message_id } => {
                let channel = ChannelId::from_string(channel_id);
                let message = MessageId::from_string(message_id);
                match self.gateway.hub().mark_read(&self.caller, &channel, &message).await {
                    Ok(()) => {
                        let frame = ControlFrame::ReadUpdated {
                            channel_id: channel.to_string(),
                            message_id: message.to_string(),
                        };
                        if let Some(frame) = to_json(&frame) {
                            self.gateway.broadcast(BusMessage::ToUsers {
                                user_ids: vec![self.caller.user.id.to_string()],
                                except_connection: Some(self.id),
                                frame,
                            });
                        }
                        Ok(())
                    }
                    Err(err) => self.reply_error(&err, Some("read".to_owned())).await,
                }
            }
            ClientFrame::VoiceJoin {
                channel_id,
                muted,
                deafened,
            } => {
                let channel = ChannelId::from_string(channel_id);
                match self.gateway.hub().check_voice_join(&self.caller, &channel).await {
                    Ok(()) => {
                        let participants =
                            self.gateway
                                .voice()
                                .join(&channel, &self.caller.user.id, self.id, muted, deafened);
                        self.announce_call(channel, participants);
                        Ok(())
                    }
                    Err(err) => self.reply_error(&err, Some("voice.join".to_owned())).await,
                }
            }
            ClientFrame::VoiceLeave { channel_id } => {
                let channel = ChannelId::from_string(channel_id);
                if let Some(participants) = self.gateway.voice().leave(&channel, &self.caller.user.id) {
                    self.announce_call(channel, participants);
                }
                Ok(())
            }
            ClientFrame::VoiceSignal {
                channel_id,
                to_user_id,
                signal,
            } => {
                self.relay_signal(
                    ChannelId::from_string(channel_id),
                    UserId::from_string(to_user_id),
                    signal,
                )
                .await
            }
        }
    }

    async fn resume(&mut self, positions: &std::collections::BTreeMap<String, i64>) -> Result<(), WriteFailure> {
        let settings = self.gateway.hub().config().gateway.clone();
        let window = chrono::Duration::seconds(i64::try_from(settings.resume_window_secs).unwrap_or(i64::MAX / 2));
        let caught_up = match self
            .gateway
            .hub()
            .catch_up(&self.caller, positions, window, settings.max_replay_events)
            .await
        {
            Ok(caught_up) => caught_up,
            Err(err) => return self.reply_error(&err, Some("resume".to_owned())).await,
        };
        // Live events older than these positions are not wanted either.
        for (channel, seen) in positions {
            let entry = self
                .delivered
                .entry(ChannelId::from_string(channel.clone()))
                .or_insert(*seen);
            *entry = (*entry).max(*seen);
        }
        let mut replayed = 0u64;
        for event in &caught_up.events {
            if self.write_event(event).await? {
                replayed += 1;
            }
        }
        for channel in caught_up.resync {
            let frame = ControlFrame::Resync {
                channel_id: channel.to_string(),
            };
            if let Some(text) = encode(&frame) {
                self.writer.feed(Message::Text(text)).await?;
            }
        }
        self.reply(&ControlFrame::Resumed { replayed }).await
    }

    fn announce_call(&self, channel: ChannelId, participants: Vec<hub_core::protocol::v1::VoiceParticipant>) {
        let frame = ControlFrame::VoiceParticipants {
            channel_id: channel.to_string(),
            participants,
        };
        broadcast_to_channel(&self.gateway, &channel, None, &frame);
    }

    async fn relay_signal(
        &mut self,
        channel: ChannelId,
        to: UserId,
        signal: serde_json::Value,
    ) -> Result<(), WriteFailure> {
        let limit = self.gateway.hub().config().gateway.max_signal_bytes;
        let size = serde_json::to_vec(&signal)
            .map(|bytes| bytes.len())
            .unwrap_or(usize::MAX);
        if size > limit {
            let err = Error::new(
                ErrorKind::PayloadTooLarge,
                format!("a signal may be at most {limit} bytes"),
            )
            .with_details(serde_json::json!({ "max_signal_bytes": limit }));
            return self.reply_error(&err, Some("voice.signal".to_owned())).await;
        }
        let voice = self.gateway.voice();
        let sender_in_call = voice.connection_in_call(&channel, &self.caller.user.id).is_some();
        let Some(target_connection) = voice.connection_in_call(&channel, &to).filter(|_| sender_in_call) else {
            let err = Error::forbidden("both of you must be in this channel's call");
            return self.reply_error(&err, Some("voice.signal".to_owned())).await;
        };
        let frame = ControlFrame::VoiceSignal {
            channel_id: channel.to_string(),
            from_user_id: self.caller.user.id.to_string(),
            signal,
        };
        if let Some(frame) = to_json(&frame) {
            self.gateway.broadcast(BusMessage::ToConnection {
                user_id: to.to_string(),
                connection_id: target_connection,
                frame,
            });
        }
        Ok(())
    }
}

/// The reason text sent with a close the server decided on.
fn close_reason(code: u16) -> &'static str {
    match code {
        close_code::ACCOUNT_SUSPENDED => "this account is suspended",
        _ => "closed by the server",
    }
}

fn frame_reference(frame: &ClientFrame) -> Option<String> {
    match frame {
        ClientFrame::MessageSend { client_id, .. } => Some(client_id.clone()),
        ClientFrame::Typing { .. } => Some("typing".to_owned()),
        ClientFrame::PresenceSet { .. } => Some("presence.set".to_owned()),
        ClientFrame::Read { .. } => Some("read".to_owned()),
        ClientFrame::VoiceJoin { .. } => Some("voice.join".to_owned()),
        ClientFrame::VoiceLeave { .. } => Some("voice.leave".to_owned()),
        ClientFrame::VoiceSignal { .. } => Some("voice.signal".to_owned()),
        ClientFrame::Auth { .. } | ClientFrame::Ping { .. } | ClientFrame::Resume { .. } => None,
    }
}
