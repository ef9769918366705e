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

/// A channel's events between two positions, read from the log a page at a time
/// ([`Hub::events_between`]).
pub struct LogPages {
    hub: Hub,
    channel: ChannelId,
    after: i64,
    before: i64,
    page: u32,
    done: bool,
}

impl std::fmt::Debug for LogPages {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("LogPages")
            .field("channel", &self.channel)
            .field("after", &self.after)
            .field("before", &self.before)
            .finish_non_exhaustive()
    }
}

impl LogPages {
    /// The next page, oldest first; `None` once every event was read (or reading failed).
    pub async fn next_page(&mut self) -> Option<Result<Vec<StoredEvent>>> {
        let missing = u32::try_from(self.before.saturating_sub(self.after).saturating_sub(1)).unwrap_or(u32::MAX);
        if self.done || missing == 0 {
            return None;
        }
        let wanted = missing.min(self.page);
        let page = match self
            .hub
            .inner
            .store
            .events_after(&self.channel, self.after, wanted)
            .await
        {
            Ok(mut events) => {
                let read = events.len();
                let before = self.before;
                events.retain(|event| event.seq < before);
                // Fewer than asked, or some at `before` or past it: nothing more to read.
                self.done = read < wanted as usize || events.len() < read;
                self.after = events.last()?.seq;
                Ok(events)
            }
            Err(err) => {
                self.done = true;
                Err(err)
            }
        };
        Some(page)
    }
}

impl Hub {
    /// Everyone in a channel.
    pub async fn channel_member_ids(&self, channel: &ChannelId) -> Result<Vec<UserId>> {
        self.inner.store.member_ids(channel).await
    }

    /// The events of `channel` after position `after` and before `before`, oldest first, read
    /// from the log a page at a time (`gateway.gap_fill_page_events`): what a receiver missed
    /// when the next event it got was at `before` (`i64::MAX`: all there are). The one way gaps
    /// are filled, on a node and on a connection alike.
    pub fn events_between(&self, channel: &ChannelId, after: i64, before: i64) -> LogPages {
        LogPages {
            hub: self.clone(),
            channel: channel.clone(),
            after,
            before,
            page: self.inner.config.gateway.gap_fill_page_events.max(1),
            done: false,
        }
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
