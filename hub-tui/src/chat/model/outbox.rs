//! Messages written but not yet acknowledged by the server. Each keeps its `client_id`, so
//! sending it again after a drop (or a restart of the server) stores it once: the server answers
//! a repeated `client_id` with the first message.

use chrono::{DateTime, Utc};
use hub_core::model::{ChannelId, ClientId, MessageId};

/// Where an outgoing message stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutState {
    /// Waiting for the server's ack (sent, or to be sent once connected).
    Pending,
    /// The server refused it; kept on screen with why, until dismissed or retried.
    Failed(String),
}

/// One message on its way out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The idempotency key.
    pub client_id: ClientId,
    /// The channel.
    pub channel_id: ChannelId,
    /// The thread, for a reply.
    pub parent_id: Option<MessageId>,
    /// The text.
    pub content: String,
    /// When it was written.
    pub written_at: DateTime<Utc>,
    /// Pending or failed.
    pub state: OutState,
}

/// Every message on its way out, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outbox {
    /// The messages.
    pub items: Vec<Outgoing>,
    /// Starts every `client_id` this run makes (unique per run: the process id and start time).
    pub tag: String,
    /// How many messages this run has written (the rest of the `client_id`).
    pub sequence: u64,
}

impl Outbox {
    /// Queues a message.
    pub fn push(&mut self, item: Outgoing) {
        self.items.push(item);
    }

    /// The server stored it: no longer outgoing. Returns whether it was here.
    pub fn acknowledge(&mut self, client_id: &ClientId) -> bool {
        let before = self.items.len();
        self.items.retain(|item| &item.client_id != client_id);
        self.items.len() != before
    }

    /// The server refused it.
    pub fn fail(&mut self, client_id: &ClientId, why: String) {
        if let Some(item) = self.items.iter_mut().find(|item| &item.client_id == client_id) {
            item.state = OutState::Failed(why);
        }
    }

    /// The ones still to be acknowledged (to send again once connected).
    pub fn pending(&self) -> impl Iterator<Item = &Outgoing> {
        self.items.iter().filter(|item| item.state == OutState::Pending)
    }

    /// How many are still to be acknowledged.
    pub fn pending_count(&self) -> usize {
        self.pending().count()
    }

    /// The outgoing messages of one channel (or thread), to draw below its messages.
    pub fn of(&self, channel_id: &ChannelId, parent_id: Option<&MessageId>) -> impl Iterator<Item = &Outgoing> {
        self.items
            .iter()
            .filter(move |item| &item.channel_id == channel_id && item.parent_id.as_ref() == parent_id)
    }
}
