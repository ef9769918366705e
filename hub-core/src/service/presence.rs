//! Presence: who has an open connection (to this node, or to any node sharing its Redis), and
//! telling the people who share a channel with someone how they appear. A user's stored
//! `status` is what they chose (online, away, busy, or offline to appear invisible); what
//! others see is that choice while they are connected and `offline` otherwise. Setting a status
//! over REST or with `presence.set`, connecting, leaving, and a node dying (its users go offline
//! within `cluster.presence_ttl_secs`) announce it the same way.

use chrono::{DateTime, Utc};

use crate::cluster::{Admission, Departures};
use crate::error::{Error, ErrorKind, Result};
use crate::events::BusMessage;
use crate::model::{User, UserId, UserStatus};
use crate::protocol::v1::{ControlFrame, MeView, PeerView};
use crate::service::{Caller, Hub, now};

impl Hub {
    /// Counts a new gateway connection of the caller, unless they already have
    /// `gateway.max_connections_per_user` open across the nodes (`rate_limited`, and the
    /// gateway closes with 4008). Their first one makes them appear as their chosen status to
    /// everyone who shares a channel with them.
    pub async fn connection_opened(&self, caller: &Caller) -> Result<()> {
        let cap = self.inner.config.gateway.max_connections_per_user;
        match self.inner.cluster.open_connection(&caller.user.id, cap).await {
            Admission::OverCap => Err(Error::new(ErrorKind::RateLimited, "too many connections for this user")
                .with_details(serde_json::json!({ "max_connections_per_user": cap }))),
            Admission::Admitted { first } => {
                if first {
                    self.announce_presence(&caller.user.id, None).await;
                }
                Ok(())
            }
        }
    }

    /// Counts a closed gateway connection of the caller; after their last one (on every node)
    /// they are recorded as last seen now and appear offline.
    pub async fn connection_closed(&self, caller: &Caller) {
        if self.inner.cluster.close_connection(&caller.user.id).await {
            self.went_offline(&caller.user.id).await;
        }
    }

    /// Records `user` as last seen now and tells their channel neighbours they are offline.
    async fn went_offline(&self, user: &UserId) {
        let at = now();
        match self.inner.store.set_last_seen(user, at).await {
            Ok(()) => self.announce_presence(user, Some(at)).await,
            Err(err) => tracing::warn!(error = %err, "could not record last_seen"),
        }
    }

    /// Sets the caller's status and tells everyone who shares a channel with them.
    pub async fn set_status(&self, caller: &Caller, status: UserStatus) -> Result<MeView> {
        self.charge_action(caller).await?;
        let user = self.inner.store.set_status(&caller.user.id, status, now()).await?;
        self.announce_presence(&user.id, None).await;
        Ok(MeView::from(&user))
    }

    /// Open connections of `user` on this node.
    pub fn connection_count(&self, user: &UserId) -> usize {
        self.inner.cluster.connections_here(user)
    }

    /// `user` as others see them: their chosen status while connected (to any node),
    /// offline otherwise.
    pub fn with_presence(&self, mut user: User) -> User {
        user.status = effective_presence(&user, self.inner.cluster.is_connected(&user.id));
        user
    }

    /// The live nodes sharing this hub's Redis (none alone).
    pub fn peers(&self) -> Vec<PeerView> {
        self.inner.cluster.peers()
    }

    /// Beats every third of the presence TTL while the hub lives: this node's soft state goes
    /// to Redis, and what dead nodes leave behind is announced (their users offline, their
    /// callers out of their calls).
    pub(crate) fn start_heartbeat(&self) {
        let Some(interval) = self.inner.cluster.heartbeat_interval() else {
            return;
        };
        let hub = std::sync::Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let Some(inner) = hub.upgrade() else { return };
                let hub = Hub { inner };
                let departures = hub.inner.cluster.heartbeat().await;
                hub.announce_departures(departures).await;
            }
        });
    }

    async fn announce_departures(&self, departures: Departures) {
        for user in &departures.offline {
            self.went_offline(user).await;
        }
        for (channel, call) in departures.calls {
            self.announce_call(&channel, call);
        }
    }

    /// Tells everyone who shares a channel with `user` how they appear now (`disconnected_at`:
    /// their last connection just closed).
    async fn announce_presence(&self, user: &UserId, disconnected_at: Option<DateTime<Utc>>) {
        let found = match self.inner.store.user_by_id(user).await {
            Ok(Some(found)) => found,
            Ok(None) => return,
            Err(err) => return tracing::warn!(error = %err, "could not read a user to announce their presence"),
        };
        let connected = disconnected_at.is_none() && self.inner.cluster.is_connected(user);
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
