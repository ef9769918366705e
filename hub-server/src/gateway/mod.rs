//! The real-time gateway at `/api/v1/ws`.
//!
//! - [`upgrade`]: the HTTP side: checks the handshake and hands the socket to a connection task.
//!   The server owns the upgrade (rather than warp's `ws()` filter) to set tungstenite's read
//!   buffer, which otherwise costs 128 KiB per idle connection.
//! - [`connection`]: one task per connection: authentication, limits, client frames, heartbeat,
//!   and writing queued frames in batches.
//! - [`registry`]: the open connections by user, each with a bounded outgoing queue.
//! - [`dispatch`]: one task that turns committed events into frames (serialized once) and puts
//!   them on the queues of the channel's members, filling gaps from the log.
//! - [`voice`]: who is in which voice call.
//!
//! The database is the log and the bus is the doorbell: a connection that falls behind or
//! reconnects catches up from `channel_events`, never from memory.

pub mod connection;
pub mod dispatch;
pub mod registry;
pub mod upgrade;
pub mod voice;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use hub_core::Hub;
use hub_core::events::BusMessage;
use hub_core::model::{ChannelId, UserId};
use tokio::sync::watch;

use self::registry::Registry;

/// A map looked up for every frame delivered. Its keys are ids the server made, not text a
/// client chose, so a fast seeded hash (foldhash) serves instead of SipHash, which was 4% of
/// the server's CPU in a flood.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
use self::voice::VoiceCalls;
use crate::metrics::Metrics;

/// The gateway: shared by the upgrade handler and every connection task.
#[derive(Clone)]
pub struct Gateway {
    inner: Arc<GatewayInner>,
}

struct GatewayInner {
    hub: Hub,
    metrics: Arc<Metrics>,
    registry: Registry,
    backlog: dispatch::Backlog,
    voice: VoiceCalls,
    shutdown: watch::Sender<bool>,
    next_connection: AtomicU64,
    typing: std::sync::Mutex<std::collections::HashMap<(UserId, ChannelId), std::time::Instant>>,
    rates: std::sync::Mutex<std::collections::HashMap<UserId, hub_core::rules::rate::TokenBucket>>,
}

impl Gateway {
    /// A gateway over `hub`, with its dispatcher running.
    pub fn start(hub: Hub, metrics: Arc<Metrics>) -> Gateway {
        // Random start: connection ids stay unique across the nodes sharing a bus.
        let first_connection = {
            use std::hash::{BuildHasher, Hasher};
            std::collections::hash_map::RandomState::new().build_hasher().finish() >> 1
        };
        let gateway = Gateway {
            inner: Arc::new(GatewayInner {
                registry: Registry::default(),
                backlog: dispatch::Backlog::new(hub.config().gateway.send_backlog_events),
                voice: VoiceCalls::default(),
                shutdown: watch::channel(false).0,
                next_connection: AtomicU64::new(first_connection),
                typing: Default::default(),
                rates: Default::default(),
                metrics,
                hub,
            }),
        };
        tokio::spawn(dispatch::run(gateway.clone(), gateway.inner.hub.subscribe()));
        gateway
    }

    /// The services.
    pub fn hub(&self) -> &Hub {
        &self.inner.hub
    }

    /// The server's metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// The open connections.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// How far deliveries are behind what was stored.
    pub fn backlog(&self) -> &dispatch::Backlog {
        &self.inner.backlog
    }

    /// Voice calls.
    pub fn voice(&self) -> &VoiceCalls {
        &self.inner.voice
    }

    /// Publishes an ephemeral frame for every node's connections (typing, presence, voice).
    pub fn broadcast(&self, message: BusMessage) {
        self.inner.hub.broadcast(message);
    }

    /// A fresh connection id.
    pub fn next_connection_id(&self) -> u64 {
        self.inner.next_connection.fetch_add(1, Ordering::Relaxed)
    }

    /// Resolves when the server starts shutting down.
    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.inner.shutdown.subscribe()
    }

    /// Tells every connection to close with 1001 (going away).
    pub fn shut_down(&self) {
        let _ = self.inner.shutdown.send(true);
    }

    /// Whether a `typing` frame of `user` in `channel` should be relayed now (at most one per
    /// throttle interval).
    pub fn typing_due(&self, user: &UserId, channel: &ChannelId) -> bool {
        let throttle = std::time::Duration::from_millis(self.inner.hub.config().gateway.typing_throttle_ms);
        let now = std::time::Instant::now();
        let mut typing = self
            .inner
            .typing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match typing.get(&(user.clone(), channel.clone())) {
            Some(last) if now.duration_since(*last) < throttle => false,
            _ => {
                typing.retain(|_, last| now.duration_since(*last) < throttle);
                typing.insert((user.clone(), channel.clone()), now);
                true
            }
        }
    }

    /// Takes one of `user`'s frame tokens, or says how long until one is there.
    pub fn take_rate_token(&self, user: &UserId) -> Result<(), std::time::Duration> {
        use hub_core::rules::rate::{Rate, TokenBucket};
        let gateway = &self.inner.hub.config().gateway;
        let rate = Rate {
            per_second: gateway.messages_per_second,
            burst: gateway.messages_burst,
        };
        let now = std::time::Instant::now();
        let mut rates = self
            .inner
            .rates
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        rates
            .entry(user.clone())
            .or_insert_with(|| TokenBucket::full(rate, now))
            .try_take(rate, now)
    }

    /// Forgets a user's rate bucket once they have no connection left.
    pub fn forget_rate(&self, user: &UserId) {
        let mut rates = self
            .inner
            .rates
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        rates.remove(user);
    }
}
