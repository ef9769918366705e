//! The dispatcher: one task that delivers committed channel events to the connections of the
//! channel's members, in order and once per connection.
//!
//! The bus (an in-process broadcast now) may drop or reorder events; the log may not. The
//! dispatcher remembers the last position it delivered in each channel: an event at or below it
//! is a duplicate, an event past the next position means some were missed, and those are read
//! from `channel_events` first. Every frame is serialized once and shared by all recipients.
//! Channel membership is kept in memory, loaded on first need and kept current by the
//! `member.*` events flowing through. Ephemeral frames (typing, presence, voice) arrive on the
//! same bus and go to whoever of their audience is connected to this node.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use hub_core::events::BusMessage;
use hub_core::model::{ChannelId, UserId};
use hub_core::protocol::v1::{ChannelEvent, StoredEvent, close_code};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use tokio_tungstenite::tungstenite::Utf8Bytes;

use super::registry::Outgoing;
use super::{FastMap, Gateway};

#[derive(Default)]
struct Dispatcher {
    members: HashMap<ChannelId, HashSet<UserId>>,
    delivered: FastMap<ChannelId, i64>,
}

/// Runs until the bus closes.
pub async fn run(gateway: Gateway, mut bus: broadcast::Receiver<Arc<BusMessage>>) {
    let mut dispatcher = Dispatcher::default();
    loop {
        match bus.recv().await {
            Ok(message) => dispatcher.handle(&gateway, &message).await,
            Err(RecvError::Lagged(missed)) => {
                // Membership changes may be among the missed: forget what we knew.
                tracing::warn!(
                    missed,
                    "dispatcher fell behind the bus; gaps will be filled from the log"
                );
                dispatcher.members.clear();
            }
            Err(RecvError::Closed) => break,
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
            channel: Arc::new(channel.clone()),
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

    async fn handle(&mut self, gateway: &Gateway, message: &BusMessage) {
        match message {
            BusMessage::Event(event) => self.deliver(gateway, event).await,
            BusMessage::ToChannel {
                channel_id,
                except_user,
                frame,
            } => {
                let channel = ChannelId::from_string(channel_id.clone());
                self.load_members(gateway, &channel).await;
                let Some(members) = self.members.get(&channel) else {
                    return;
                };
                let item = Outgoing::Frame(Utf8Bytes::from(frame.clone()));
                let except = except_user.as_deref();
                gateway
                    .registry()
                    .send_to_users(members.iter().filter(|member| Some(member.as_str()) != except), &item);
            }
            BusMessage::ToUsers {
                user_ids,
                except_connection,
                frame,
            } => {
                let item = Outgoing::Frame(Utf8Bytes::from(frame.clone()));
                for user in user_ids {
                    gateway
                        .registry()
                        .send_to_user(&UserId::from_string(user.clone()), &item, *except_connection);
                }
            }
            BusMessage::Disconnect { user_id } => {
                gateway.registry().send_to_user(
                    &UserId::from_string(user_id.clone()),
                    &Outgoing::Close(close_code::ACCOUNT_SUSPENDED),
                    None,
                );
            }
            BusMessage::ToConnection {
                user_id,
                connection_id,
                frame,
            } => {
                let item = Outgoing::Frame(Utf8Bytes::from(frame.clone()));
                gateway
                    .registry()
                    .send_to_connection(&UserId::from_string(user_id.clone()), *connection_id, item);
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
