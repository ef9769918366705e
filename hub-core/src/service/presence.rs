//! Presence: who has an open connection to this server. A user's stored `status` is what they
//! chose (online, away, busy, or offline to appear invisible); what others see is that choice
//! while they are connected and `offline` otherwise.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::model::{User, UserId};
use crate::service::Hub;

/// Open connections per user on this server.
#[derive(Debug, Default)]
pub(crate) struct PresenceTracker {
    connections: Mutex<HashMap<UserId, usize>>,
}

impl PresenceTracker {
    fn update(&self, user: &UserId, change: impl FnOnce(usize) -> usize) -> (usize, usize) {
        let mut connections = self
            .connections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let before = connections.get(user).copied().unwrap_or(0);
        let after = change(before);
        if after == 0 {
            connections.remove(user);
        } else {
            connections.insert(user.clone(), after);
        }
        (before, after)
    }
}

impl Hub {
    /// Counts a new connection of `user`; `true` when it is their first.
    pub fn connection_opened(&self, user: &UserId) -> bool {
        let (before, _) = self.inner.presence.update(user, |count| count + 1);
        before == 0
    }

    /// Counts a closed connection of `user`; `true` when it was their last.
    pub fn connection_closed(&self, user: &UserId) -> bool {
        let (before, after) = self.inner.presence.update(user, |count| count.saturating_sub(1));
        before > 0 && after == 0
    }

    /// Open connections of `user`.
    pub fn connection_count(&self, user: &UserId) -> usize {
        self.inner.presence.update(user, |count| count).1
    }

    /// `user` as others see them: their chosen status while connected, offline otherwise.
    pub fn with_presence(&self, mut user: User) -> User {
        user.status = Hub::effective_presence(&user, self.connection_count(&user.id) > 0);
        user
    }
}
