//! Use cases of the real-time gateway that are not also REST routes: who may type or enter a
//! voice call, who hears about a channel or a user, catching a reconnecting client up from the
//! log, and presence.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, Result};
use crate::model::{ChannelId, ChannelKind, User, UserId, UserStatus};
use crate::protocol::v1::StoredEvent;
use crate::rules::permissions;
use crate::service::{Caller, Hub, now};

/// What a `resume` yields.
#[derive(Debug, Clone, Default)]
pub struct CatchUp {
    /// Missed events, channel by channel, each channel's in order.
    pub events: Vec<StoredEvent>,
    /// Channels whose missed events reach past the resume window: refetch them.
    pub resync: Vec<ChannelId>,
}

impl Hub {
    /// Whether the caller may say they are typing in a channel (members of open channels).
    pub async fn check_typing(&self, caller: &Caller, channel: &ChannelId) -> Result<()> {
        let context = self.channel_context(caller, channel).await?;
        permissions::check_post(context.facts, context.viewer, now())
    }

    /// Whether the caller may enter a channel's voice call (members of a voice channel).
    pub async fn check_voice_join(&self, caller: &Caller, channel: &ChannelId) -> Result<()> {
        let context = self.channel_context(caller, channel).await?;
        permissions::check_member_action(context.facts, context.viewer, "join the call")?;
        if context.facts.kind != ChannelKind::Voice {
            return Err(Error::invalid("channel_id", "only voice channels have calls"));
        }
        if context.facts.archived {
            return Err(Error::forbidden("this channel is archived"));
        }
        Ok(())
    }

    /// Everyone in a channel.
    pub async fn channel_member_ids(&self, channel: &ChannelId) -> Result<Vec<UserId>> {
        self.inner.store.member_ids(channel).await
    }

    /// Everyone who shares a channel with `user`: the audience of their presence.
    pub async fn presence_audience(&self, user: &UserId) -> Result<Vec<UserId>> {
        self.inner.store.channel_neighbours(user).await
    }

    /// The events the caller missed after `positions` (channel id → last seen seq), for the
    /// channels they belong to. A channel whose first missed event is older than `window`, or
    /// that missed more than `max_events`, is listed in `resync` instead.
    pub async fn catch_up(
        &self,
        caller: &Caller,
        positions: &BTreeMap<String, i64>,
        window: Duration,
        max_events: u32,
    ) -> Result<CatchUp> {
        let store = &self.inner.store;
        let oldest_allowed: DateTime<Utc> = now() - window;
        let mut catch_up = CatchUp::default();
        for (channel, seen) in positions {
            let channel = ChannelId::from_string(channel.clone());
            // Only the membership matters here, not the channel row or a ban.
            if store.membership(&channel, &caller.user.id).await?.is_none() {
                continue;
            }
            let missed = store.events_after(&channel, *seen, max_events + 1).await?;
            let too_old = missed.first().is_some_and(|first| first.at < oldest_allowed);
            if too_old || missed.len() > max_events as usize {
                catch_up.resync.push(channel);
            } else {
                catch_up.events.extend(missed);
            }
        }
        Ok(catch_up)
    }

    /// The presence others see for `user` with `connected` open connections: offline when not
    /// connected (or when they chose to appear offline), otherwise the status they set.
    pub fn effective_presence(user: &User, connected: bool) -> UserStatus {
        match (connected, user.status) {
            (false, _) | (true, UserStatus::Offline) => UserStatus::Offline,
            (true, UserStatus::Away) => UserStatus::Away,
            (true, UserStatus::Busy) => UserStatus::Busy,
            (true, UserStatus::Online) => UserStatus::Online,
        }
    }

    /// Records that `user`'s last connection closed now; returns the time.
    pub async fn mark_disconnected(&self, user: &UserId) -> Result<DateTime<Utc>> {
        let at = now();
        self.inner.store.set_last_seen(user, at).await?;
        Ok(at)
    }
}
