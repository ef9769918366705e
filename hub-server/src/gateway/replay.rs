//! Events from the log for one connection: the catch-up a `resume` asks for, and the gap a
//! connection's queue left (it can only skip if items were dropped). Events read from the log
//! are serialized here; live ones arrive serialized once by the dispatcher.

use std::collections::BTreeMap;

use futures_util::Sink;
use hub_core::model::ChannelId;
use hub_core::protocol::v1::{ControlFrame, StoredEvent};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::connection::Connection;
use super::delivered::Next;
use super::writer::WriteFailure;

impl<W> Connection<W>
where
    W: Sink<Message, Error = WsError> + Unpin + Send,
{
    /// `resume`: every event of the caller's channels after `positions`, in order, once; a
    /// `resync` for each channel whose missed events reach past the resume window; then
    /// `resumed`.
    pub(super) async fn resume(&mut self, positions: &BTreeMap<ChannelId, i64>) -> Result<(), WriteFailure> {
        let settings = self.gateway.hub().config().gateway.clone();
        let window = chrono::Duration::seconds(i64::try_from(settings.resume_window_secs).unwrap_or(i64::MAX / 2));
        let caught_up = match self
            .gateway
            .hub()
            .catch_up(&self.caller, positions, window, settings.max_replay_events)
            .await
        {
            Ok(caught_up) => caught_up,
            Err(err) => return self.reply_error(&err, Some("resume".to_owned())).await,
        };
        // Live events older than these positions are not wanted either; newer ones come from
        // the log, in order, whatever went out live before this resume.
        for (channel, seen) in positions {
            self.delivered.resume_from(channel, *seen);
        }
        let mut replayed = 0u64;
        for event in &caught_up.events {
            if self.write_event(event).await? {
                replayed += 1;
            }
        }
        for channel_id in caught_up.resync {
            if let Some(text) = (ControlFrame::Resync { channel_id }).to_json() {
                self.writer.feed_text(text).await?;
            }
        }
        self.writer.send_control(&ControlFrame::Resumed { replayed }).await
    }

    /// Writes the events of `channel` after `after` and before `before` from the log.
    pub(super) async fn replay_gap(
        &mut self,
        channel: &ChannelId,
        after: i64,
        before: i64,
    ) -> Result<(), WriteFailure> {
        let mut pages = self.gateway.hub().events_between(channel, after, before);
        while let Some(page) = pages.next_page().await {
            match page {
                Ok(events) => {
                    for event in &events {
                        self.write_event(event).await?;
                    }
                }
                Err(err) => tracing::warn!(error = %err, "could not replay a gap for a connection"),
            }
        }
        Ok(())
    }

    /// Writes an event read from the log (not yet serialized), unless already delivered or from
    /// someone the user does not hear from.
    async fn write_event(&mut self, event: &StoredEvent) -> Result<bool, WriteFailure> {
        if self.delivered.next(&event.channel_id, event.seq) == Next::Duplicate {
            return Ok(false);
        }
        let Ok(text) = serde_json::to_string(event) else {
            return Ok(false);
        };
        self.delivered.record(&event.channel_id, event.seq);
        if !self.hears_from(event.event.speaker()) {
            return Ok(false);
        }
        self.writer.feed_text(text).await?;
        Ok(true)
    }
}
