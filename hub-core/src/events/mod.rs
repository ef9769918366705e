//! The event bus: after a change commits, its event is published here and every server node's
//! gateway receives it for live delivery. The database is the log; the bus is only the
//! doorbell: it may drop or reorder, and receivers fill gaps from `channel_events`.
//!
//! [`EventBus`] is the seam: [`LocalBus`] (a tokio broadcast) serves one process; [`RedisBus`]
//! (Redis pub/sub, `HUB_REDIS_URL`) several nodes.
//! Everything the gateway delivers live goes through it, ephemeral frames (typing, presence,
//! voice) included, so nothing above it assumes one process.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::model::{ChannelId, SessionId, UserId};
use crate::protocol::v1::StoredEvent;

/// What travels on the bus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BusMessage {
    /// A committed channel event (also in the log).
    Event(Box<StoredEvent>),
    /// A control frame for a channel's members, except one user (typing, voice participants).
    ToChannel {
        /// The channel.
        channel_id: ChannelId,
        /// Who not to send it to.
        except_user: Option<UserId>,
        /// The serialized frame.
        frame: String,
    },
    /// A control frame for every connection of these users, except one connection (presence,
    /// read markers).
    ToUsers {
        /// The users.
        user_ids: Vec<UserId>,
        /// The connection not to send it to.
        except_connection: Option<u64>,
        /// The serialized frame.
        frame: String,
    },
    /// Close connections of a user: all of them (`session_id` `None`: the account was
    /// suspended or closed, or every session revoked), or those of one login session (logout,
    /// a refresh-token reuse, an admin's revoke), with the close code that says why.
    Disconnect {
        /// The user.
        user_id: UserId,
        /// Only the connections authenticated by this session's tokens.
        session_id: Option<SessionId>,
        /// The close code (`protocol::v1::close_code`).
        code: u16,
    },
    /// Whom these users hear from changed (a mute or block): their connections reload it.
    HiddenChanged {
        /// The users.
        user_ids: Vec<UserId>,
    },
    /// Made by a node's own bus, never sent across: the bus reaches the other nodes again after
    /// losing them. What they published meanwhile never arrived, so receivers check what they
    /// delivered against the log instead of waiting for each channel's next event.
    Rejoined,
    /// A control frame for one connection of one user (voice signalling).
    ToConnection {
        /// The user.
        user_id: UserId,
        /// The connection.
        connection_id: u64,
        /// The serialized frame.
        frame: String,
    },
}

mod redis;

pub use self::redis::RedisBus;

/// Whether a bus reaches the other nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusHealth {
    /// One process: there are no other nodes.
    Local,
    /// Connected to the other nodes.
    Connected,
    /// Cut off from the other nodes: this node's clients are served, others' events arrive
    /// late (gaps are filled from the log once it reconnects).
    Degraded,
}

impl BusHealth {
    /// As `/readyz` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            BusHealth::Local => "local",
            BusHealth::Connected => "redis",
            BusHealth::Degraded => "degraded",
        }
    }
}

/// Publishes to, and subscribes from, every node.
pub trait EventBus: Send + Sync + 'static {
    /// Hands a message to every subscriber (on every node). Never blocks; a bus that cannot
    /// keep up drops, and receivers recover from the log.
    fn publish(&self, message: BusMessage);

    /// A new subscription. A receiver that falls more than the buffer behind gets
    /// `RecvError::Lagged` and must catch up from the log.
    fn subscribe(&self) -> broadcast::Receiver<Arc<BusMessage>>;

    /// Whether the other nodes are reached.
    fn health(&self) -> BusHealth {
        BusHealth::Local
    }

    /// How long the latest message from another node took to arrive (`None` alone).
    fn lag(&self) -> Option<std::time::Duration> {
        None
    }
}

/// The in-process bus.
#[derive(Debug)]
pub struct LocalBus {
    sender: broadcast::Sender<Arc<BusMessage>>,
}

impl LocalBus {
    /// A bus buffering up to `capacity` messages per subscriber.
    pub fn new(capacity: usize) -> Self {
        LocalBus {
            sender: broadcast::channel(capacity.max(1)).0,
        }
    }
}

impl EventBus for LocalBus {
    fn publish(&self, message: BusMessage) {
        // No subscriber (no gateway running) is fine.
        let _ = self.sender.send(Arc::new(message));
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<BusMessage>> {
        self.sender.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_subscriber_gets_every_message() {
        let bus = LocalBus::new(8);
        let mut first = bus.subscribe();
        let mut second = bus.subscribe();
        let message = BusMessage::ToUsers {
            user_ids: vec!["u".into()],
            except_connection: None,
            frame: "{}".into(),
        };
        bus.publish(message.clone());
        assert_eq!(first.recv().await.ok().as_deref(), Some(&message));
        assert_eq!(second.recv().await.ok().as_deref(), Some(&message));
    }

    #[test]
    fn messages_cross_the_wire_as_json() -> Result<(), serde_json::Error> {
        let message = BusMessage::ToConnection {
            user_id: "u".into(),
            connection_id: 7,
            frame: "{\"type\":\"pong\"}".into(),
        };
        let text = serde_json::to_string(&message)?;
        assert_eq!(serde_json::from_str::<BusMessage>(&text)?, message);
        Ok(())
    }
}
