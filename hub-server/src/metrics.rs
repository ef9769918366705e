//! Prometheus metrics: requests by method, route template and status, and a latency histogram by
//! route. Route templates (never raw paths) keep the label set small.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct NodeLabels {
    node_id: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// The server's metrics and their registry.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    /// Open WebSocket connections.
    pub ws_connections: Gauge,
    /// WebSocket connections closed because they read too slowly.
    pub ws_too_slow: Counter,
    /// Events and other queued frames written to WebSocket clients.
    pub ws_frames: Counter,
    /// Socket writes (flushes) that carried them.
    pub ws_flushes: Counter,
    /// WebSocket sends held back until the dispatcher caught up.
    pub ws_sends_held: Counter,
    resident_memory: Gauge,
    node: Family<NodeLabels, Gauge>,
    peers: Gauge,
    bus_lag: Gauge<f64, std::sync::atomic::AtomicU64>,
}

impl Metrics {
    /// Registers hub's metrics.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("hub");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by method, route and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            // 0.25 ms to about 8 s.
            Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time from request to response, by method and route",
            latency.clone(),
        );
        let ws_connections = Gauge::default();
        registry.register("ws_connections", "Open WebSocket connections", ws_connections.clone());
        let ws_too_slow = Counter::default();
        registry.register(
            "ws_closed_too_slow",
            "WebSocket connections closed because their outgoing queue filled up",
            ws_too_slow.clone(),
        );
        let ws_frames = Counter::default();
        registry.register(
            "ws_queued_frames_written",
            "Queued frames (events and relayed frames) written to WebSocket clients",
            ws_frames.clone(),
        );
        let ws_flushes = Counter::default();
        registry.register(
            "ws_flushes",
            "Socket writes that carried queued frames to WebSocket clients (several frames share one when busy)",
            ws_flushes.clone(),
        );
        let ws_sends_held = Counter::default();
        registry.register(
            "ws_sends_held",
            "message.send frames held back until deliveries caught up with what was stored",
            ws_sends_held.clone(),
        );
        let resident_memory = Gauge::default();
        registry.register(
            "process_resident_memory_bytes",
            "Resident memory of the server process (Linux), read at each scrape",
            resident_memory.clone(),
        );
        let node = Family::<NodeLabels, Gauge>::default();
        registry.register("node", "This node's id (always 1)", node.clone());
        let peers = Gauge::default();
        registry.register(
            "cluster_peers_alive",
            "Other nodes whose heartbeat is within the presence TTL (several nodes only)",
            peers.clone(),
        );
        let bus_lag = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        registry.register(
            "bus_lag_seconds",
            "How long the latest event from another node took to arrive over the bus",
            bus_lag.clone(),
        );
        Metrics {
            node,
            peers,
            bus_lag,
            registry,
            requests,
            latency,
            ws_connections,
            ws_too_slow,
            ws_frames,
            ws_flushes,
            ws_sends_held,
            resident_memory,
        }
    }

    /// Records one finished request.
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Records the node's id, how many other nodes are alive and the bus lag, at a scrape.
    pub fn set_cluster(&self, node_id: &str, peers: usize, lag: Option<Duration>) {
        self.node
            .get_or_create(&NodeLabels {
                node_id: node_id.to_owned(),
            })
            .set(1);
        self.peers.set(i64::try_from(peers).unwrap_or(i64::MAX));
        self.bus_lag.set(lag.map_or(0.0, |lag| lag.as_secs_f64()));
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        if let Some(bytes) = resident_memory_bytes() {
            self.resident_memory.set(bytes);
        }
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            tracing::error!("could not encode metrics");
        }
        text
    }
}

/// Resident set size from `/proc/self/statm` (pages × page size); `None` off Linux.
fn resident_memory_bytes() -> Option<i64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: i64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // The page size is 4 KiB on the platforms hub runs on (x86_64, aarch64 Linux defaults).
    Some(pages * 4096)
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}
