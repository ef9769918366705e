//! Event-log retention: the channel and forum logs keep what a `resume` may ask for (the
//! resume window) and lose the rest in the background, a small batch at a time.

use chrono::{DateTime, Duration, Utc};

use crate::error::Result;
use crate::service::{Hub, now};

/// What one pruning pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PrunedEvents {
    /// Events of channel logs.
    pub channel_events: u64,
    /// Events of the forum's log.
    pub forum_events: u64,
}

impl Hub {
    /// Prunes the event logs of events older than `gateway.resume_window_secs` (no resume
    /// replays them: it resyncs instead).
    pub async fn prune_event_logs(&self) -> Result<PrunedEvents> {
        let window = self.inner.config.gateway.resume_window_secs;
        let window = Duration::seconds(i64::try_from(window).unwrap_or(i64::MAX / 2));
        self.prune_event_logs_before(now() - window).await
    }

    /// Prunes events written before `cutoff`, in batches of `gateway.event_prune_batch` until
    /// none is left, keeping each log's newest event.
    pub async fn prune_event_logs_before(&self, cutoff: DateTime<Utc>) -> Result<PrunedEvents> {
        let batch = self.inner.config.gateway.event_prune_batch.max(1);
        let mut total = PrunedEvents::default();
        loop {
            let (channel_events, forum_events) = self.inner.store.prune_events(cutoff, batch).await?;
            total.channel_events += channel_events;
            total.forum_events += forum_events;
            let full = u64::from(batch);
            if channel_events < full && forum_events < full {
                return Ok(total);
            }
            // Between batches, whoever waited for the write lock goes first.
            tokio::task::yield_now().await;
        }
    }
}
