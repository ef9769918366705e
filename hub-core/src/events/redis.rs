//! The event bus across server nodes: Redis pub/sub, chosen by `HUB_REDIS_URL`.
//!
//! A message published here reaches this node's subscribers at once, as on [`super::LocalBus`],
//! and the other nodes through one Redis channel. Redis is the doorbell, not the log: while it
//! is unreachable each node still serves its own clients (the bus says it is degraded, and
//! `/readyz` with it), messages for other nodes are dropped, and when it returns the next event
//! of a channel shows the other nodes a gap in its sequence, which they fill from the database.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt as _;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc};

use super::{BusHealth, BusMessage, EventBus};
use crate::error::{Error, ErrorKind, Result};

/// Messages waiting to go out to Redis before newer ones are dropped (it is a doorbell).
const OUTGOING_BUFFER: usize = 4096;
/// The pause before connecting to Redis again.
const RECONNECT_PAUSE: Duration = Duration::from_millis(250);

/// What crosses Redis: the message, the node it came from (a node skips its own) and when it
/// was sent (milliseconds since the epoch, for the bus lag).
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    node: String,
    #[serde(default)]
    sent_ms: i64,
    message: BusMessage,
}

/// The latest lag seen, in milliseconds; `u64::MAX` before any.
const NO_LAG_YET: u64 = u64::MAX;

/// Redis pub/sub under the [`EventBus`] trait.
#[derive(Debug)]
pub struct RedisBus {
    local: broadcast::Sender<Arc<BusMessage>>,
    outgoing: mpsc::Sender<Vec<u8>>,
    node: String,
    connected: Arc<AtomicBool>,
    lag_ms: Arc<AtomicU64>,
}

impl RedisBus {
    /// Connects to the Redis at `url` and relays messages over its pub/sub `channel` (every
    /// node of one hub names the same one), buffering `capacity` messages per local subscriber.
    /// Fails when Redis cannot be reached at start; after that it reconnects by itself.
    pub async fn connect(url: &str, channel: &str, node: &str, capacity: usize) -> Result<RedisBus> {
        let unavailable = |err: redis::RedisError| {
            Error::new(ErrorKind::Unavailable, format!("Redis at HUB_REDIS_URL: {err}")).with_source(err)
        };
        let client = redis::Client::open(url).map_err(unavailable)?;
        // The subscription first: it fails at once when nothing listens (the manager retries).
        let subscription = client.get_async_pubsub().await.map_err(unavailable)?;
        let publisher = client.get_connection_manager().await.map_err(unavailable)?;
        let (local, _) = broadcast::channel(capacity.max(1));
        let (outgoing, waiting) = mpsc::channel(OUTGOING_BUFFER);
        let connected = Arc::new(AtomicBool::new(false));
        let lag_ms = Arc::new(AtomicU64::new(NO_LAG_YET));
        let bus = RedisBus {
            local: local.clone(),
            outgoing,
            node: node.to_owned(),
            connected: connected.clone(),
            lag_ms: lag_ms.clone(),
        };
        tokio::spawn(publish_loop(publisher, channel.to_owned(), waiting));
        let (subscribed_tx, subscribed) = tokio::sync::oneshot::channel();
        tokio::spawn(subscribe_loop(SubscribeLoop {
            client,
            first: Some(subscription),
            channel: channel.to_owned(),
            node: node.to_owned(),
            local,
            connected,
            lag_ms,
            subscribed: Some(subscribed_tx),
        }));
        // Published messages count from here: wait until the subscription is in place.
        let _ = tokio::time::timeout(Duration::from_secs(5), subscribed).await;
        Ok(bus)
    }
}

impl EventBus for RedisBus {
    fn publish(&self, message: BusMessage) {
        let envelope = Envelope {
            node: self.node.clone(),
            sent_ms: chrono::Utc::now().timestamp_millis(),
            message,
        };
        match serde_json::to_vec(&envelope) {
            Ok(bytes) => {
                // Full (Redis slow or away): the other nodes recover this from the log.
                let _ = self.outgoing.try_send(bytes);
            }
            Err(err) => tracing::warn!(error = %err, "a bus message could not be encoded"),
        }
        let _ = self.local.send(Arc::new(envelope.message));
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<BusMessage>> {
        self.local.subscribe()
    }

    fn health(&self) -> BusHealth {
        if self.connected.load(Ordering::Relaxed) {
            BusHealth::Connected
        } else {
            BusHealth::Degraded
        }
    }

    fn lag(&self) -> Option<Duration> {
        match self.lag_ms.load(Ordering::Relaxed) {
            NO_LAG_YET => None,
            lag => Some(Duration::from_millis(lag)),
        }
    }
}

async fn publish_loop(
    mut connection: redis::aio::ConnectionManager,
    channel: String,
    mut waiting: mpsc::Receiver<Vec<u8>>,
) {
    while let Some(bytes) = waiting.recv().await {
        let sent: redis::RedisResult<()> = redis::cmd("PUBLISH")
            .arg(&channel)
            .arg(bytes)
            .query_async(&mut connection)
            .await;
        if let Err(err) = sent {
            // The connection manager reconnects on the next command; this message is lost to
            // the other nodes, who fill the gap from the log.
            tracing::debug!(error = %err, "could not publish to Redis");
        }
    }
}

struct SubscribeLoop {
    client: redis::Client,
    first: Option<redis::aio::PubSub>,
    channel: String,
    node: String,
    local: broadcast::Sender<Arc<BusMessage>>,
    connected: Arc<AtomicBool>,
    lag_ms: Arc<AtomicU64>,
    subscribed: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Relays the other nodes' messages to this node's subscribers, reconnecting whenever the
/// subscription drops. Ends when the bus is gone (no sender left for local subscribers).
async fn subscribe_loop(mut state: SubscribeLoop) {
    loop {
        let subscription = match state.first.take() {
            Some(subscription) => Ok(subscription),
            None => state.client.get_async_pubsub().await,
        };
        let mut subscription = match subscription {
            Ok(subscription) => subscription,
            Err(err) => {
                tracing::debug!(error = %err, "Redis is unreachable; trying again");
                tokio::time::sleep(RECONNECT_PAUSE).await;
                continue;
            }
        };
        if let Err(err) = subscription.subscribe(&state.channel).await {
            tracing::debug!(error = %err, "could not subscribe on Redis; trying again");
            tokio::time::sleep(RECONNECT_PAUSE).await;
            continue;
        }
        if !state.connected.swap(true, Ordering::Relaxed) {
            tracing::info!("event bus: connected to Redis");
        }
        match state.subscribed.take() {
            Some(subscribed) => {
                let _ = subscribed.send(());
            }
            // Back after losing Redis: what the others published meanwhile is in the log only.
            None => {
                let _ = state.local.send(Arc::new(BusMessage::Rejoined));
            }
        }
        let mut messages = subscription.on_message();
        while let Some(message) = messages.next().await {
            let payload: Vec<u8> = match message.get_payload() {
                Ok(payload) => payload,
                Err(_) => continue,
            };
            match serde_json::from_slice::<Envelope>(&payload) {
                Ok(envelope) if envelope.node != state.node => {
                    let lag = chrono::Utc::now().timestamp_millis().saturating_sub(envelope.sent_ms);
                    state.lag_ms.store(u64::try_from(lag).unwrap_or(0), Ordering::Relaxed);
                    let _ = state.local.send(Arc::new(envelope.message));
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "an unreadable message on the event bus"),
            }
        }
        state.connected.store(false, Ordering::Relaxed);
        tracing::warn!("event bus: lost Redis; serving this node's clients only until it returns");
        if state.local.receiver_count() == 0 && Arc::strong_count(&state.connected) == 1 {
            return;
        }
        tokio::time::sleep(RECONNECT_PAUSE).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two nodes' buses on a channel of their own, or `None` (skipped) without Redis.
    async fn two_buses() -> Option<(RedisBus, RedisBus)> {
        let Ok(url) = std::env::var("HUB_TEST_REDIS_URL") else {
            eprintln!("note: Redis bus tests skipped: set HUB_TEST_REDIS_URL to run them (.ci/run does)");
            return None;
        };
        let channel = format!("hub:test:{}", uuid::Uuid::now_v7().simple());
        let (Ok(a), Ok(b)) = (
            RedisBus::connect(&url, &channel, "a", 16).await,
            RedisBus::connect(&url, &channel, "b", 16).await,
        ) else {
            panic!("HUB_TEST_REDIS_URL is set but Redis does not answer at {url}");
        };
        Some((a, b))
    }

    #[tokio::test]
    async fn a_message_reaches_every_node_once() {
        let Some((a, b)) = two_buses().await else { return };
        let mut on_a = a.subscribe();
        let mut on_b = b.subscribe();
        let message = BusMessage::HiddenChanged {
            user_ids: vec!["u".into()],
        };
        a.publish(message.clone());
        let wait = Duration::from_secs(5);
        let on_b = tokio::time::timeout(wait, on_b.recv()).await;
        assert_eq!(on_b.ok().and_then(std::result::Result::ok).as_deref(), Some(&message));
        let first = tokio::time::timeout(wait, on_a.recv()).await;
        assert_eq!(first.ok().and_then(std::result::Result::ok).as_deref(), Some(&message));
        // Its own node hears it once: not again when Redis echoes it back.
        assert!(
            tokio::time::timeout(Duration::from_millis(300), on_a.recv())
                .await
                .is_err()
        );
        assert_eq!(a.health(), BusHealth::Connected);
        assert_eq!(b.health(), BusHealth::Connected);
    }

    #[tokio::test]
    async fn an_unreachable_redis_is_a_clear_error_at_start() {
        let refused = RedisBus::connect("redis://127.0.0.1:1", "hub:test", "a", 16).await;
        let Err(err) = refused else {
            panic!("connected to nothing")
        };
        assert_eq!(err.kind, ErrorKind::Unavailable);
        assert!(err.message.contains("HUB_REDIS_URL"), "{err}");
    }
}
