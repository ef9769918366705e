//! Use cases of the real-time gateway that are not also REST routes: who is in a channel, and
//! reading the channel event log (catching a reconnecting client
//! up, filling a gap in what a node or a connection received).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, Result};
use crate::model::{ChannelId, UserId};
use crate::protocol::v1::StoredEvent;
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
    /// Everyone in a channel.
    pub async fn channel_member_ids(&self, channel: &ChannelId) -> Result<Vec<UserId>> {
        self.inner.store.member_ids(channel).await
    }

    /// The events of `channel` after position `after` and before `before`, oldest first: what
    /// a receiver missed when the next event it got was at `before`. The one way gaps are
    /// filled, on a node and on a connection alike.
    pub async fn events_between(&self, channel: &ChannelId, after: i64, before: i64) -> Result<Vec<StoredEvent>> {
        let missing = u32::try_from(before.saturating_sub(after).saturating_sub(1)).unwrap_or(u32::MAX);
        if missing == 0 {
            return Ok(Vec::new());
        }
        let mut events = self.inner.store.events_after(channel, after, missing).await?;
        events.retain(|event| event.seq < before);
        Ok(events)
    }

    /// The events the caller missed after `positions` (channel id → last seen seq), for the
    /// channels they belong to. A channel whose first missed event is older than `window`, or
    /// that missed more than `max_events`, is listed in `resync` instead.
    pub async fn catch_up(
        &self,
        caller: &Caller,
        positions: &BTreeMap<ChannelId, i64>,
        window: Duration,
        max_events: u32,
    ) -> Result<CatchUp> {
        let most = self.inner.config.gateway.max_resume_positions;
        self.charge_resume(caller, positions.len()).await?;
        if positions.len() > most as usize {
            return Err(Error::invalid(
                "positions",
                format!("one resume names at most {most} channels (gateway.max_resume_positions)"),
            )
            .with_details(serde_json::json!({ "max_positions": most })));
        }
        let store = &self.inner.store;
        let oldest_allowed: DateTime<Utc> = now() - window;
        let mut catch_up = CatchUp::default();
        for (channel, seen) in positions {
            let channel = channel.clone();
            // Only the membership matters here, not the channel row or a ban; everyone reads
            // the forum.
            if !channel.is_forum() && store.membership(&channel, &caller.user.id).await?.is_none() {
                continue;
            }
            let missed = store.events_after(&channel, *seen, max_events + 1).await?;
            let too_old = missed.first().is_some_and(|first| first.at < oldest_allowed);
            // Sequences have no gaps, so one here means the events were pruned (retention).
            let pruned = missed.first().is_some_and(|first| first.seq > seen + 1);
            if too_old || pruned || missed.len() > max_events as usize {
                catch_up.resync.push(channel);
            } else {
                catch_up.events.extend(missed);
            }
        }
        Ok(catch_up)
    }
}
