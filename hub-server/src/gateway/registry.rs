//! Open connections by user. Each connection has a bounded queue of frames to write; a
//! connection whose queue is full is too slow and is told to close, so it never makes the
//! server's memory grow.

use std::sync::{Arc, Mutex, PoisonError};

use hub_core::model::{ChannelId, SessionId, UserId};
use tokio::sync::{Notify, mpsc};
use tokio_tungstenite::tungstenite::Utf8Bytes;

use super::FastMap;

/// Something to write to one connection.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// A channel event at `seq` (the connection skips positions it already delivered).
    Event {
        /// Its channel (shared: one event goes to many connections).
        channel: Arc<ChannelId>,
        /// Its position.
        seq: i64,
        /// The frame, serialized once for every recipient.
        frame: Utf8Bytes,
        /// Whose words it carries (see `ChannelEvent::speaker`).
        speaker: Option<Arc<UserId>>,
    },
    /// A control frame.
    Frame(Utf8Bytes),
    /// A control frame about what someone does (typing): not for those who do not hear from them.
    FrameFrom(Arc<UserId>, Utf8Bytes),
    /// Whom this connection's user hears from changed: reload it.
    ReloadHidden,
    /// Close the connection with this code (after what is queued before it).
    Close(u16),
}

/// The handle the registry keeps of one connection.
#[derive(Debug, Clone)]
pub struct ConnectionHandle {
    /// Connection id.
    pub id: u64,
    /// The login session whose token opened it (`None` for identity-provider tokens).
    pub session: Option<SessionId>,
    /// Its queue.
    pub queue: mpsc::Sender<Outgoing>,
    /// Rung when the connection must close because it fell behind.
    pub too_slow: Arc<Notify>,
}

/// A connection was not registered: this node has `gateway.max_connections` open. (The cap
/// per user holds across nodes, so the services count those: `Hub::connection_opened`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerFull;

/// Connections by user.
#[derive(Debug, Default)]
pub struct Registry {
    inner: Mutex<Connections>,
}

#[derive(Debug, Default)]
struct Connections {
    users: FastMap<UserId, Vec<ConnectionHandle>>,
    /// How many handles `users` holds in all (counted, not summed on every accept).
    open: usize,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, Connections> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a connection unless this node has `total` open. Returns how many the user has here
    /// now.
    pub fn add(&self, user: &UserId, handle: ConnectionHandle, total: usize) -> Result<usize, ServerFull> {
        let mut connections = self.lock();
        if connections.open >= total {
            return Err(ServerFull);
        }
        connections.open += 1;
        let mine = connections.users.entry(user.clone()).or_default();
        mine.push(handle);
        Ok(mine.len())
    }

    /// Removes a connection. Returns how many the user has left.
    pub fn remove(&self, user: &UserId, id: u64) -> usize {
        let mut connections = self.lock();
        let Some(mine) = connections.users.get_mut(user) else {
            return 0;
        };
        let before = mine.len();
        mine.retain(|handle| handle.id != id);
        let left = mine.len();
        if left == 0 {
            connections.users.remove(user);
        }
        connections.open -= before - left;
        left
    }

    /// Open connections in all.
    pub fn total(&self) -> usize {
        self.lock().open
    }

    /// Whether `user` has a connection here.
    pub fn is_connected(&self, user: &UserId) -> bool {
        self.lock().users.contains_key(user)
    }

    /// Queues `item` for every connection of `user` except `except`.
    pub fn send_to_user(&self, user: &UserId, item: &Outgoing, except: Option<u64>) {
        let connections = self.lock();
        if let Some(handles) = connections.users.get(user) {
            for handle in handles.iter().filter(|handle| Some(handle.id) != except) {
                offer(handle, item.clone());
            }
        }
    }

    /// Queues `item` for the connections of `user` opened by `session`'s tokens (all of the
    /// user's when `session` is `None`).
    pub fn send_to_session(&self, user: &UserId, session: Option<&SessionId>, item: &Outgoing) {
        let connections = self.lock();
        if let Some(handles) = connections.users.get(user) {
            for handle in handles
                .iter()
                .filter(|handle| session.is_none() || handle.session.as_ref() == session)
            {
                offer(handle, item.clone());
            }
        }
    }

    /// Queues `item` for one connection.
    pub fn send_to_connection(&self, user: &UserId, id: u64, item: Outgoing) {
        let connections = self.lock();
        if let Some(handle) = connections
            .users
            .get(user)
            .and_then(|handles| handles.iter().find(|handle| handle.id == id))
        {
            offer(handle, item);
        }
    }

    /// Queues `item` for every connection of each of `users`.
    pub fn send_to_users<'a>(&self, users: impl IntoIterator<Item = &'a UserId>, item: &Outgoing) {
        let connections = self.lock();
        for user in users {
            if let Some(handles) = connections.users.get(user) {
                for handle in handles {
                    offer(handle, item.clone());
                }
            }
        }
    }

    /// Queues `item` on every open connection (forum events go to everyone).
    pub fn send_to_all(&self, item: &Outgoing) {
        let connections = self.lock();
        for handle in connections.users.values().flatten() {
            offer(handle, item.clone());
        }
    }
}

/// Queues without waiting; a full queue means the reader cannot keep up, and it is closed.
fn offer(handle: &ConnectionHandle, item: Outgoing) {
    if let Err(mpsc::error::TrySendError::Full(_)) = handle.queue.try_send(item) {
        handle.too_slow.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handle(id: u64, capacity: usize) -> (ConnectionHandle, mpsc::Receiver<Outgoing>) {
        let (queue, receiver) = mpsc::channel(capacity);
        (
            ConnectionHandle {
                id,
                session: None,
                queue,
                too_slow: Arc::new(Notify::new()),
            },
            receiver,
        )
    }

    #[test]
    fn the_total_is_limited_and_refusals_are_not_counted() {
        let registry = Registry::default();
        let alice = UserId::from_string("alice");
        let bob = UserId::from_string("bob");
        let (first, _a) = handle(1, 4);
        let (second, _b) = handle(2, 4);
        let (third, _c) = handle(3, 4);
        assert_eq!(registry.add(&alice, first, 2), Ok(1));
        assert_eq!(registry.add(&alice, second, 2), Ok(2));
        assert_eq!(registry.add(&bob, third.clone(), 2), Err(ServerFull));
        assert!(!registry.is_connected(&bob));
        assert_eq!(registry.total(), 2, "refusals are not counted");
        assert_eq!(registry.remove(&alice, 1), 1);
        assert_eq!(registry.remove(&alice, 1), 1, "removing twice changes nothing");
        assert_eq!(registry.total(), 1);
        assert_eq!(
            registry.add(&bob, third, 2),
            Ok(1),
            "a closed connection frees its place"
        );
        assert_eq!(registry.remove(&alice, 2), 0);
        assert_eq!(registry.remove(&bob, 3), 0);
        assert_eq!(registry.total(), 0);
    }

    #[tokio::test]
    async fn a_full_queue_rings_too_slow() {
        let registry = Registry::default();
        let alice = UserId::from_string("alice");
        let (slow, _receiver) = handle(1, 1);
        let bell = slow.too_slow.clone();
        assert!(registry.add(&alice, slow, 5).is_ok());
        let frame = Outgoing::Frame(Utf8Bytes::from("{}"));
        registry.send_to_user(&alice, &frame, None);
        registry.send_to_user(&alice, &frame, None);
        tokio::time::timeout(std::time::Duration::from_secs(1), bell.notified())
            .await
            .unwrap_or_else(|_| panic!("the second frame should have rung the bell"));
    }
}
