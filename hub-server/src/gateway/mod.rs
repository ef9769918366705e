//! The real-time gateway at `/api/v1/ws`.
//!
//! - [`upgrade`]: the HTTP side: checks the handshake and hands the socket to a connection task.
//!   The server owns the upgrade (rather than warp's `ws()` filter) to set tungstenite's read
//!   buffer, which otherwise costs 128 KiB per idle connection.
//! - [`connection`]: one task per connection: the handshake, the serve loop (client frames, the
//!   outgoing queue, heartbeat, shutdown) and writing queued frames in batches.
//! - `ops`: what each client frame does, one function per op, each one `Hub` call.
//! - `sends`: a connection's `message.send`s, stored several at once in the order sent.
//! - `replay`: events from the log for one connection (`resume`, and gaps in its queue).
//! - `writer`: writing to one socket, with a timeout for peers that stop reading.
//! - `delivered`: the last position delivered per channel, shared by connections and the
//!   dispatcher.
//! - [`registry`]: the open connections by user, each with a bounded outgoing queue.
//! - [`dispatch`]: one task that turns committed events into frames (serialized once) and puts
//!   them on the queues of the channel's members, filling gaps from the log.
//!
//! The database is the log and the bus is the doorbell: a connection that falls behind or
//! reconnects catches up from the log, never from memory. Decisions (who may do what, rate
//! limits, which events a change causes) are the services'; the gateway only moves frames.

pub mod connection;
mod delivered;
pub mod dispatch;
mod ops;
pub mod registry;
mod replay;
mod sends;
pub mod upgrade;
mod writer;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use hub_core::Hub;
use tokio::sync::watch;

use self::registry::Registry;
use crate::metrics::Metrics;

/// A map looked up for every frame delivered. Its keys are ids the server made, not text a
/// client chose, so a fast seeded hash (foldhash) serves instead of SipHash, which was 4% of
/// the server's CPU in a flood.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

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
    shutdown: watch::Sender<bool>,
    next_connection: AtomicU64,
    /// WebSocket connections whose task has not finished (their closing bookkeeping included).
    open_sockets: watch::Sender<usize>,
}

/// Counts one WebSocket connection's task as running until dropped.
pub struct SocketGuard(watch::Sender<usize>);

impl Drop for SocketGuard {
    fn drop(&mut self) {
        self.0.send_modify(|open| *open = open.saturating_sub(1));
    }
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
                shutdown: watch::channel(false).0,
                next_connection: AtomicU64::new(first_connection),
                open_sockets: watch::channel(0).0,
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

    /// Counts a WebSocket connection as open until the guard is dropped (after its task has
    /// written its last frames and done its closing bookkeeping).
    pub fn socket_guard(&self) -> SocketGuard {
        self.inner.open_sockets.send_modify(|open| *open += 1);
        SocketGuard(self.inner.open_sockets.clone())
    }

    /// Returns once no WebSocket connection's task is running.
    pub async fn sockets_closed(&self) {
        let mut open = self.inner.open_sockets.subscribe();
        let _ = open.wait_for(|open| *open == 0).await;
    }
}
