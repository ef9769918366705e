//! The dispatcher: one task that delivers committed channel events to the connections of the
//! channel's members, in order and once per connection.
//!
//! The bus may drop or reorder events; the log may not. The dispatcher remembers the last
//! position it delivered in each channel ([`Delivered`]): an event at or below it is a
//! duplicate, an event past the next position means some were missed, and those are read from
//! the log first. Every frame is serialized once and shared by all recipients.
//! Channel membership is kept in memory, loaded on first need and kept current by the
//! `member.*` events flowing through. Ephemeral frames (typing, presence, voice) arrive on the
//! same bus and go to whoever of their audience is connected to this node.
//!
//! Under a flood it takes turns with the connection tasks that write what it queues, and while
//! it is far behind the bus, sends over the gateway wait ([`Backlog`]): storing goes no faster
//! than delivering.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hub_core::events::BusMessage;
use hub_core::model::{ChannelId, UserId};
use hub_core::protocol::v1::{ChannelEvent, StoredEvent};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{Notify, broadcast};
use tokio_tungstenite::tungstenite::Utf8Bytes;

use super::Gateway;
use super::delivered::{Delivered, Next};
use super::registry::Outgoing;

/// Bus messages handled back to back before the dispatcher lets every connection task run once.
///
/// Each send's publish wakes the dispatcher, and tokio runs a task woken that way next (its
/// "LIFO slot"), ahead of the connection tasks waiting in line: under a flood the dispatcher
/// ran many times per turn of the connection tasks, and queued events faster than they wrote
/// them, until healthy readers' queues filled and they were closed as too slow. Yielding puts it
/// at the back of the line, so between two of its turns every connection task drains its queue,
/// which grows by at most this many events a turn. What waits meanwhile stays on the bus, and
/// [`Backlog`] holds back new sends while too much does.
const YIELD_EVERY: usize = 16;

/// How many bus messages go back to back: [`YIELD_EVERY`], or fewer when a connection's queue
/// (`gateway.outgoing_queue_frames`) could not take that many events beside the acks of its
/// sends in flight (`gateway.sends_in_flight`), which share the queue. Group commits publish a
/// group's events at once, so a turn really does carry that many.
fn yield_every(queue_frames: usize, sends_in_flight: usize) -> usize {
    queue_frames.saturating_sub(sends_in_flight).clamp(1, YIELD_EVERY)
}

/// How far the dispatcher is behind the bus. Sends over the gateway wait while more than
/// `gateway.send_backlog_events` bus messages wait for it (well under what the bus buffers, so
/// a flood is slowed at the senders instead of overflowing the bus, whose missed events are
/// then read back from the database). Storing thus goes no faster than delivering: without
/// that, a flood of sends (stored in groups, many at once) outran the deliveries until readers
/// that were keeping up were closed as too slow. A reader that does not read is still closed
/// when its own queue fills; it does not hold anyone back, since the dispatcher never waits
/// for a queue.
#[derive(Debug)]
pub struct Backlog {
    limit: usize,
    waiting: AtomicUsize,
    caught_up: Notify,
}

impl Backlog {
    /// Sends wait while more than `limit` bus messages wait for the dispatcher.
    pub fn new(limit: usize) -> Backlog {
        Backlog {
            limit,
            waiting: AtomicUsize::new(0),
            caught_up: Notify::new(),
        }
    }

    /// Records how many bus messages wait for the dispatcher now.
    fn record(&self, waiting: usize) {
        let before = self.waiting.swap(waiting, Ordering::AcqRel);
        if before > self.limit && waiting <= self.limit {
            self.caught_up.notify_waiters();
        }
    }

    /// Whether a send would wait now.
    pub fn is_over(&self) -> bool {
        self.waiting.load(Ordering::Acquire) > self.limit
    }

    /// Returns once the dispatcher is no more than the limit behind.
    pub async fn wait_until_caught_up(&self) {
        loop {
            let caught_up = self.caught_up.notified();
            let mut caught_up = std::pin::pin!(caught_up);
            // Registered before the check, so a catch-up between the two is not missed.
            caught_up.as_mut().enable();
            if !self.is_over() {
                return;
            }
            caught_up.await;
        }
    }
}

#[derive(Default)]
struct Dispatcher {
    members: HashMap<ChannelId, HashSet<UserId>>,
    delivered: Delivered,
}

/// Runs until the bus closes.
pub async fn run(gateway: Gateway, mut bus: broadcast::Receiver<Arc<BusMessage>>) {
    let mut dispatcher = Dispatcher::default();
    let settings = &gateway.hub().config().gateway;
    let turn = yield_every(settings.outgoing_queue_frames, settings.sends_in_flight);
    let mut since_yield = 0;
    loop {
        match bus.recv().await {
            Ok(message) => {
                dispatcher.handle(&gateway, &message).await;
                let waiting = bus.len();
                gateway.backlog().record(waiting);
                // Counts messages handled back to back; a quiet bus lets the others run anyway.
                since_yield = if waiting == 0 { 0 } else { since_yield + 1 };
                if since_yield >= turn {
                    since_yield = 0;
                    tokio::task::yield_now().await;
                }
            }
            Err(RecvError::Lagged(missed)) => {
                gateway.backlog().record(bus.len());
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
        let channel = &event.channel_id;
        match self.delivered.next(channel, event.seq) {
            Next::Duplicate => return,
            Next::InOrder => {}
            Next::AfterGap(last) => self.deliver_from_log(gateway, channel, last, event.seq).await,
        }
        self.deliver_one(gateway, event).await;
    }

    async fn deliver_one(&mut self, gateway: &Gateway, event: &StoredEvent) {
        let channel = &event.channel_id;
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
            speaker: event.event.speaker().cloned().map(Arc::new),
        };
        if channel.is_forum() {
            // The forum has no members: everyone connected reads it.
            gateway.registry().send_to_all(&item);
            self.delivered.record(channel, event.seq);
            return;
        }
        self.load_members(gateway, channel).await;
        let members = self.members.entry(channel.clone()).or_default();
        match &event.event {
            ChannelEvent::MemberJoined { user_id, .. } => {
                members.insert(user_id.clone());
                gateway.registry().send_to_users(members.iter(), &item);
            }
            ChannelEvent::MemberLeft { user_id, .. } => {
                // The one who left hears it too, then hears nothing more.
                gateway.registry().send_to_users(members.iter(), &item);
                if members.remove(user_id) {
                    // Already sent above.
                } else {
                    gateway.registry().send_to_user(user_id, &item, None);
                }
                // Leaving, a kick or a ban ends their place in the channel's call.
                gateway.hub().member_left_call(channel, user_id).await;
            }
            ChannelEvent::ChannelArchived { .. } => {
                gateway.registry().send_to_users(members.iter(), &item);
                gateway.hub().channel_call_ended(channel).await;
            }
            _ => gateway.registry().send_to_users(members.iter(), &item),
        }
        self.delivered.record(channel, event.seq);
    }

    async fn handle(&mut self, gateway: &Gateway, message: &BusMessage) {
        match message {
            BusMessage::Event(event) => self.deliver(gateway, event).await,
            BusMessage::ToChannel {
                channel_id,
                except_user,
                frame,
            } => {
                self.load_members(gateway, channel_id).await;
                let Some(members) = self.members.get(channel_id) else {
                    return;
                };
                let frame = Utf8Bytes::from(frame.clone());
                let item = match except_user {
                    // Not for the one it is from, nor for those who do not hear from them.
                    Some(from) => Outgoing::FrameFrom(Arc::new(from.clone()), frame),
                    None => Outgoing::Frame(frame),
                };
                gateway.registry().send_to_users(
                    members.iter().filter(|member| Some(*member) != except_user.as_ref()),
                    &item,
                );
            }
            BusMessage::ToUsers {
                user_ids,
                except_connection,
                frame,
            } => {
                let item = Outgoing::Frame(Utf8Bytes::from(frame.clone()));
                for user in user_ids {
                    gateway.registry().send_to_user(user, &item, *except_connection);
                }
            }
            BusMessage::HiddenChanged { user_ids } => {
                // The node that published it has forgotten already; the others do now.
                gateway.hub().forget_hidden(user_ids);
                for user in user_ids {
                    gateway.registry().send_to_user(user, &Outgoing::ReloadHidden, None);
                }
            }
            BusMessage::Disconnect {
                user_id,
                session_id,
                code,
            } => {
                gateway
                    .registry()
                    .send_to_session(user_id, session_id.as_ref(), &Outgoing::Close(*code));
            }
            BusMessage::ToConnection {
                user_id,
                connection_id,
                frame,
            } => {
                let item = Outgoing::Frame(Utf8Bytes::from(frame.clone()));
                gateway.registry().send_to_connection(user_id, *connection_id, item);
            }
            BusMessage::Rejoined => self.catch_up_everywhere(gateway).await,
        }
    }

    /// Delivers what every channel this node delivers in has in the log past what it
    /// delivered: the events the other nodes published while the bus could not reach them.
    async fn catch_up_everywhere(&mut self, gateway: &Gateway) {
        let positions: Vec<(ChannelId, i64)> = self.delivered.positions().collect();
        for (channel, last) in positions {
            self.deliver_from_log(gateway, &channel, last, i64::MAX).await;
        }
    }

    /// Delivers `channel`'s events after `after` and before `before` from the log, a page at a
    /// time, letting the connection tasks write each page before the next is read.
    async fn deliver_from_log(&mut self, gateway: &Gateway, channel: &ChannelId, after: i64, before: i64) {
        let mut pages = gateway.hub().events_between(channel, after, before);
        while let Some(page) = pages.next_page().await {
            match page {
                Ok(missed) => {
                    for event in &missed {
                        self.deliver_one(gateway, event).await;
                    }
                    tokio::task::yield_now().await;
                }
                Err(err) => tracing::warn!(%channel, error = %err, "could not fill a gap from the log"),
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

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Waker};

    use super::*;

    fn is_ready(future: std::pin::Pin<&mut impl Future<Output = ()>>) -> bool {
        future.poll(&mut Context::from_waker(Waker::noop())).is_ready()
    }

    #[test]
    fn a_turn_never_carries_more_than_a_queue_holds_beside_its_acks() {
        assert_eq!(yield_every(1024, 8), YIELD_EVERY);
        assert_eq!(yield_every(16, 8), 8);
        assert_eq!(yield_every(4, 8), 1, "at least one");
    }

    #[test]
    fn sends_wait_while_the_dispatcher_is_too_far_behind() {
        let backlog = Backlog::new(10);
        assert!(is_ready(pin!(backlog.wait_until_caught_up())));
        backlog.record(10);
        assert!(!backlog.is_over(), "at the limit sends still go");

        backlog.record(11);
        assert!(backlog.is_over());
        let mut waiting = pin!(backlog.wait_until_caught_up());
        assert!(!is_ready(waiting.as_mut()));
        backlog.record(110);
        assert!(!is_ready(waiting.as_mut()), "still behind");
        backlog.record(10);
        assert!(is_ready(waiting.as_mut()), "caught up");
    }
}
