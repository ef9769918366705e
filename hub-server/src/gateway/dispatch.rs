//! The dispatcher: one task that delivers committed channel events to the connections of the
//! channel's members, in order and once per connection.
//!
//! The bus (an in-process broadcast now) may drop or reorder events; the log may not. The
//! dispatcher remembers the last position it delivered in each channel: an event at or below it
//! is a duplicate, an event past the next position means some were missed, and those are read
//! from `channel_events` first. Every frame is serialized once and shared by all recipients.
//! Channel membership is kept in memory, loaded on first need and kept current by the
//! `member.*` events flowing through.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use hub_core::model::{ChannelId, UserId};
use hub_core::protocol::v1::{ChannelEvent, StoredEvent};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc};
use tokio_tungstenite::tungstenite::Utf8Bytes;

use super::Gateway;
use super::registry::Outgoing;

/// How many ephemeral deliveries may wait for the dispatcher.
pub const LOCAL_QUEUE: usize = 4096;

/// An ephemeral delivery (not in the log).
#[derive(Debug)]
pub enum Dispatch {
    /// A control frame for every member of a channel, except one user.
    ToChannel {
        /// The channel.
        channel: ChannelId,
        /// Who not to send it to (the sender).
        except: Option<UserId>,
        /// The frame.
        frame: Utf8Bytes,
    },
}

#[derive(Default)]
struct Dispatcher {
    members: HashMap<ChannelId, HashSet<UserId>>,
    delivered: HashMap<ChannelId, i64>,
}

/// Runs until the bus closes.
pub async fn run(
    gateway: Gateway,
    mut bus: broadcast::Receiver<Arc<StoredEvent>>,
    mut local: mpsc::Receiver<Dispatch>,
) {
    let mut dispatcher = Dispatcher::default();
    loop {
        tokio::select! {
            received = bus.recv() => match received {
                Ok(event) => dispatcher.deliver(&gateway, &event).await,
                Err(RecvError::Lagged(missed)) => {
                    // Membership changes may be among the missed: forget what we knew.
                    tracing::warn!(missed, "dispatcher fell behind the bus; gaps will be filled from the log");
                    dispatcher.members.clear();
                }
                Err(RecvError::Closed) => break,
            },
            Some(item) = local.recv() => dispatcher.deliver_local(&gateway, item).await,
        }
    }
}

impl Dispatcher {
    async fn deliver(&mut self, gateway: &Gateway, event: &StoredEvent) {
        let channel = ChannelId::from_string(event.channel_id.clone());
        if let Some(last) = self.delivered.get(&channel).copied() {
            if event.seq <= last {
                return;
            }
            if event.seq > last + 1 {
                let missing = u32::try_from(event.seq - last - 1).unwrap_or(u32::MAX);
                match gateway.hub().store().events_after(&channel, last, missing).await {
                    Ok(events) => {
                        for missed in events.iter().filter(|missed| missed.seq < event.seq) {
                            self.deliver_one(gateway, &channel, missed).await;
                        }
                    }
                    Err(err) => tracing::warn!(%channel, error = %err, "could not fill a gap from the log"),
                }
            }
        }
        self.deliver_one(gateway, &channel, event).await;
    }

    async fn deliver_one(&mut self, gateway: &Gateway, channel: &ChannelId, event: &StoredEvent) {
        let frame = match serde_json::to_string(event) {
            Ok(text) => Utf8Bytes::from(text),
            Err(err) => {
                tracing::error!(error = %err, "could not serialize an event");
                return;
            }
        };
        let item = Outgoing::Event {
            channel: channel.clone(),
            seq: event.seq,
            frame,
        };
        self.load_members(gateway, channel).await;
        let members = self.members.entry(channel.clone()).or_default();
        match &event.event {
            ChannelEvent::MemberJoined { user_id, .. } => {
                members.insert(UserId::from_string(user_id.clone()));
                gateway.registry().send_to_users(members.iter(), &item);
            }
            ChannelEvent::MemberLeft { user_id, .. } => {
                // The one who left hears it too, then hears nothing more.
                gateway.registry().send_to_users(members.iter(), &item);
                let leaver = UserId::from_string(user_id.clone());
                if members.remove(&leaver) {
                    // Already sent above.
                } else {
                    gateway.registry().send_to_user(&leaver, &item, None);
                }
            }
            _ => gateway.registry().send_to_users(members.iter(), &item),
        }
        self.delivered.insert(channel.clone(), event.seq);
    }

    async fn deliver_local(&mut self, gateway: &Gateway, item: Dispatch) {
        match item {
            Dispatch::ToChannel { channel, except, frame } => {
                self.load_members(gateway, &channel).await;
                let Some(members) = self.members.get(&channel) else {
                    return;
                };
                let item = Outgoing::Frame(frame);
                gateway
                    .registry()
                    .send_to_users(members.iter().filter(|member| Some(*member) != except.as_ref()), &item);
            }
        }
    }

    async fn load_members(&mut self, gateway: &Gateway, channel: &ChannelId) {
        if self.members.contains_key(channel) {
            return;
        }
        match gateway.hub().channel_member_ids(channel).await {
            Ok(ids) => {
                self.members.insert(channel.clone(), ids.into_iter().collect());
            }
            Err(err) => tracing::warn!(%channel, error = %err, "could not load channel members"),
        }
    }
}
