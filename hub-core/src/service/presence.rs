//! Presence: who has an open connection to this server, and telling the people who share a
//! channel with someone how they appear. A user's stored `status` is what they chose (online,
//! away, busy, or offline to appear invisible); what others see is that choice while they are
//! connected and `offline` otherwise. Setting a status over REST or with `presence.set`, and
//! connecting or leaving, announce it the same way.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::events::BusMessage;
use crate::model::{User, UserId, UserStatus};
use crate::protocol::v1::{ControlFrame, MeView};
use crate::service::{Caller, Hub, now};

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
    /// Counts a new gateway connection of the caller; their first one makes them appear as
    /// their chosen status to everyone who shares a channel with them.
    pub async fn connection_opened(&self, caller: &Caller) {
        let (before, _) = self.inner.presence.update(&caller.user.id, |count| count + 1);
        if before == 0 {
            self.announce_presence(&caller.user.id, None).await;
        }
    }

    /// Counts a closed gateway connection of the caller; after their last one they are
    /// recorded as last seen now and appear offline.
    pub async fn connection_closed(&self, caller: &Caller) {
        let user = &caller.user.id;
        let (before, after) = self.inner.presence.update(user, |count| count.saturating_sub(1));
        if before == 0 || after > 0 {
            return;
        }
        let at = now();
        match self.inner.store.set_last_seen(user, at).await {
            Ok(()) => self.announce_presence(user, Some(at)).await,
            Err(err) => tracing::warn!(error = %err, "could not record last_seen"),
        }
    }

    /// Sets the caller's status and tells everyone who shares a channel with them.
    pub async fn set_status(&self, caller: &Caller, status: UserStatus) -> Result<MeView> {
        self.charge_action(caller)?;
        let user = self.inner.store.set_status(&caller.user.id, status, now()).await?;
        self.announce_presence(&user.id, None).await;
        Ok(MeView::from(&user))
    }

    /// Open connections of `user`.
    pub fn connection_count(&self, user: &UserId) -> usize {
        self.inner.presence.update(user, |count| count).1
    }

    /// `user` as others see them: their chosen status while connected, offline otherwise.
    pub fn with_presence(&self, mut user: User) -> User {
        user.status = effective_presence(&user, self.connection_count(&user.id) > 0);
        user
    }

    /// Tells everyone who shares a channel with `user` how they appear now (`disconnected_at`:
    /// their last connection just closed).
    async fn announce_presence(&self, user: &UserId, disconnected_at: Option<DateTime<Utc>>) {
        let found = match self.inner.store.user_by_id(user).await {
            Ok(Some(found)) => found,
            Ok(None) => return,
            Err(err) => return tracing::warn!(error = %err, "could not read a user to announce their presence"),
        };
        let connected = disconnected_at.is_none() && self.connection_count(user) > 0;
        let frame = ControlFrame::Presence {
            user_id: found.id.clone(),
            status: effective_presence(&found, connected),
            last_seen_at: disconnected_at.or(found.last_seen_at),
        };
        let Some(frame) = frame.to_json() else {
            return;
        };
        match self.inner.store.channel_neighbours(user).await {
            Ok(audience) => self.inner.bus.publish(BusMessage::ToUsers {
                user_ids: audience,
                except_connection: None,
                frame,
            }),
            Err(err) => tracing::warn!(error = %err, "could not find the presence audience"),
        }
    }
}

/// The presence others see for `user` with or without open connections: offline when not
/// connected (or when they chose to appear offline), otherwise the status they set.
pub fn effective_presence(user: &User, connected: bool) -> UserStatus {
    match (connected, user.status) {
        (false, _) | (true, UserStatus::Offline) => UserStatus::Offline,
        (true, UserStatus::Away) => UserStatus::Away,
        (true, UserStatus::Busy) => UserStatus::Busy,
        (true, UserStatus::Online) => UserStatus::Online,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn others_see_the_chosen_status_only_while_connected() {
        let at = chrono::DateTime::UNIX_EPOCH;
        let mut user = User {
            id: UserId::from_string("u"),
            username: "u".to_owned(),
            email: None,
            full_name: String::new(),
            bio: String::new(),
            avatar_url: None,
            status: UserStatus::Online,
            is_bot: false,
            is_superuser: false,
            is_suspended: false,
            suspended_until: None,
            created_at: at,
            updated_at: at,
            last_seen_at: None,
            chat_availability: crate::model::ChatAvailability::Open,
            deleted_at: None,
        };
        for (status, shown) in [
            (UserStatus::Online, UserStatus::Online),
            (UserStatus::Away, UserStatus::Away),
            (UserStatus::Busy, UserStatus::Busy),
            (UserStatus::Offline, UserStatus::Offline),
        ] {
            user.status = status;
            assert_eq!(effective_presence(&user, true), shown);
            assert_eq!(effective_presence(&user, false), UserStatus::Offline);
        }
    }
}
