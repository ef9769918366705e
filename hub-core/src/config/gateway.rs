//! Settings of the WebSocket gateway (`HUB_GATEWAY__*`): connection caps, frame and rate
//! limits, heartbeats, resume and the event log's retention, and how writes are buffered.

use serde::{Deserialize, Serialize};

/// The WebSocket gateway (`HUB_GATEWAY__*`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct GatewayConfig {
    /// Open connections one user may have (`HUB_GATEWAY__MAX_CONNECTIONS_PER_USER`).
    pub max_connections_per_user: usize,
    /// Open connections on this server in all (`HUB_GATEWAY__MAX_CONNECTIONS`).
    pub max_connections: usize,
    /// Largest frame a client may send, in bytes (`HUB_GATEWAY__MAX_FRAME_BYTES`).
    pub max_frame_bytes: usize,
    /// Frames a user may send per second on average (`HUB_GATEWAY__MESSAGES_PER_SECOND`).
    pub messages_per_second: f64,
    /// Frames a user may send in one burst (`HUB_GATEWAY__MESSAGES_BURST`).
    pub messages_burst: f64,
    /// Frames queued for one connection before it counts as too slow and is closed (`HUB_GATEWAY__OUTGOING_QUEUE_FRAMES`).
    pub outgoing_queue_frames: usize,
    /// How often the server pings, in seconds (`HUB_GATEWAY__HEARTBEAT_INTERVAL_SECS`).
    pub heartbeat_interval_secs: u64,
    /// Silence after which a connection is closed, in seconds (`HUB_GATEWAY__IDLE_TIMEOUT_SECS`).
    pub idle_timeout_secs: u64,
    /// Time a connection has to send its `auth` frame, in seconds (`HUB_GATEWAY__AUTH_TIMEOUT_SECS`).
    pub auth_timeout_secs: u64,
    /// How far back `resume` replays events, in seconds (`HUB_GATEWAY__RESUME_WINDOW_SECS`).
    pub resume_window_secs: u64,
    /// Most events one `resume` replays per channel before answering `resync` (`HUB_GATEWAY__MAX_REPLAY_EVENTS`).
    pub max_replay_events: u32,
    /// Most channel positions one `resume` may name: each costs a lookup
    /// (`HUB_GATEWAY__MAX_RESUME_POSITIONS`).
    pub max_resume_positions: u32,
    /// How often the event logs are pruned of events older than `resume_window_secs`
    /// (`HUB_GATEWAY__EVENT_PRUNE_INTERVAL_SECS`; 0: never).
    pub event_prune_interval_secs: u64,
    /// Events deleted per pruning statement (`HUB_GATEWAY__EVENT_PRUNE_BATCH`): small, so a
    /// writer waits for at most one batch.
    pub event_prune_batch: u32,
    /// Channels one user's `resume` frames may name a minute, after a burst
    /// (`HUB_GATEWAY__RESUME_POSITIONS_PER_MINUTE`): each is a lookup, so a loop of large
    /// resumes is refused while a client reconnecting now and then never notices.
    pub resume_positions_per_minute: f64,
    /// That burst (`HUB_GATEWAY__RESUME_POSITIONS_BURST`).
    pub resume_positions_burst: f64,
    /// How long a connection stays open after its access token expires, for the client to send
    /// a fresh one in an `auth` frame; then it closes with 4006 (`HUB_GATEWAY__TOKEN_GRACE_SECS`).
    pub token_grace_secs: u64,
    /// Least time between two relayed `typing` frames of one user in one channel, in ms (`HUB_GATEWAY__TYPING_THROTTLE_MS`).
    pub typing_throttle_ms: u64,
    /// How long clients show a typing indicator, in ms (`HUB_GATEWAY__TYPING_EXPIRY_MS`).
    pub typing_expiry_ms: u64,
    /// Largest `voice.signal` payload, in bytes (`HUB_GATEWAY__MAX_SIGNAL_BYTES`).
    pub max_signal_bytes: usize,
    /// Bytes of socket read buffer per connection (`HUB_GATEWAY__READ_BUFFER_BYTES`).
    pub read_buffer_bytes: usize,
    /// How long one write to a client may block before it counts as too slow, in ms (`HUB_GATEWAY__WRITE_TIMEOUT_MS`).
    pub write_timeout_ms: u64,
    /// Bytes of frames gathered before they are written to a connection's socket, short of a
    /// flush (`HUB_GATEWAY__WRITE_BUFFER_BYTES`). A busy connection keeps a buffer this size.
    pub write_buffer_bytes: usize,
    /// Least time between two writes of events to one connection, in µs: what arrives meanwhile
    /// goes out in one write (`HUB_GATEWAY__FLUSH_INTERVAL_US`; 0 writes each event at once).
    /// A quiet connection is written to at once; only a busy one waits.
    pub flush_interval_us: u64,
    /// Sends over one connection being stored at once: checked together, stored in the order
    /// sent, answered in that order (`HUB_GATEWAY__SENDS_IN_FLIGHT`; 1 stores them one by one).
    pub sends_in_flight: usize,
    /// Stored events waiting for delivery on this server above which `message.send` frames
    /// wait, so that a flood is slowed at its senders instead of outrunning deliveries
    /// (`HUB_GATEWAY__SEND_BACKLOG_EVENTS`; the event bus buffers 4,096, so keep it below).
    pub send_backlog_events: usize,
    /// Events read from the log at once while a gap is filled (a node catching up after the
    /// bus was away, a connection that missed some): a long outage's backlog is read and
    /// delivered a page at a time, never held whole (`HUB_GATEWAY__GAP_FILL_PAGE_EVENTS`).
    pub gap_fill_page_events: u32,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            max_connections_per_user: 5,
            max_connections: 100_000,
            max_frame_bytes: 64 * 1024,
            messages_per_second: 20.0,
            messages_burst: 40.0,
            outgoing_queue_frames: 1024,
            heartbeat_interval_secs: 25,
            idle_timeout_secs: 60,
            auth_timeout_secs: 10,
            resume_window_secs: 3600,
            max_replay_events: 10_000,
            max_resume_positions: 2_000,
            event_prune_interval_secs: 300,
            event_prune_batch: 1000,
            resume_positions_per_minute: 20_000.0,
            resume_positions_burst: 10_000.0,
            token_grace_secs: 30,
            typing_throttle_ms: 3000,
            typing_expiry_ms: 6000,
            max_signal_bytes: 16 * 1024,
            read_buffer_bytes: 4096,
            write_timeout_ms: 10_000,
            write_buffer_bytes: 16 * 1024,
            flush_interval_us: 2_000,
            sends_in_flight: 8,
            send_backlog_events: 512,
            gap_fill_page_events: 500,
        }
    }
}
