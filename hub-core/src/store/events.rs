//! The channel event log. Every change a client may see is appended in the transaction that
//! makes it, with the channel's next sequence number taken from `channels.last_seq` by an
//! `UPDATE ... RETURNING`: the row lock it takes is held until commit, so numbers are gapless
//! (a rollback undoes the bump) and handed out in commit order within a channel, while channels
//! never wait for each other.

use chrono::{DateTime, Utc};

use super::{Store, db_run, db_write};
use crate::error::{Error, Result};
use crate::model::ChannelId;
use crate::protocol::v1::{ChannelEvent, StoredEvent};

/// Takes a channel's next sequence number.
pub(crate) const NEXT_SEQ: &str = "UPDATE channels SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq";

/// Writes an event at its position in a channel's log.
pub(crate) const INSERT_EVENT: &str =
    "INSERT INTO channel_events (channel_id, seq, kind, payload, created_at) VALUES ($1, $2, $3, $4, $5)";

/// Takes the channel's next sequence number inside transaction `$tx`.
macro_rules! next_seq {
    ($tx:expr, $channel:expr) => {
        sqlx::query_scalar::<_, i64>($crate::store::events::NEXT_SEQ)
            .bind($channel)
            .fetch_one(&mut *$tx)
            .await?
    };
}
pub(crate) use next_seq;

/// Writes `$event` at `$seq` of `$channel`'s log inside `$tx`; evaluates to the [`StoredEvent`].
macro_rules! record_event {
    ($tx:expr, $channel:expr, $seq:expr, $at:expr, $event:expr) => {{
        let event: $crate::protocol::v1::ChannelEvent = $event;
        let payload = serde_json::to_string(&event).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
        sqlx::query($crate::store::events::INSERT_EVENT)
            .bind($channel)
            .bind($seq)
            .bind(event.kind())
            .bind(payload)
            .bind($at)
            .execute(&mut *$tx)
            .await?;
        $crate::protocol::v1::StoredEvent {
            channel_id: $channel.clone(),
            seq: $seq,
            at: $at,
            event,
        }
    }};
}
pub(crate) use record_event;

/// Takes the next sequence number and writes `$event` there, inside `$tx`.
macro_rules! append_event {
    ($tx:expr, $channel:expr, $at:expr, $event:expr) => {{
        let seq = $crate::store::events::next_seq!($tx, $channel);
        $crate::store::events::record_event!($tx, $channel, seq, $at, $event)
    }};
}
pub(crate) use append_event;

/// Ends transaction `$tx`: when `$changed` (rows affected) is zero nothing happened, so it rolls
/// back and yields `None`; otherwise it appends `$event`, commits and yields `Some(event)`.
macro_rules! commit_if_changed {
    ($tx:expr, $changed:expr, $channel:expr, $at:expr, $event:expr) => {{
        if $changed == 0 {
            $tx.rollback().await?;
            None
        } else {
            let stored = $crate::store::events::append_event!($tx, $channel, $at, $event);
            $tx.commit().await?;
            Some(stored)
        }
    }};
}
pub(crate) use commit_if_changed;

#[derive(sqlx::FromRow)]
struct EventRow {
    channel_id: ChannelId,
    seq: i64,
    payload: String,
    created_at: DateTime<Utc>,
}

impl Store {
    /// Events of `channel` (or of the forum's log, [`ChannelId::forum`]) after `after_seq`,
    /// oldest first, at most `limit`.
    pub async fn events_after(&self, channel: &ChannelId, after_seq: i64, limit: u32) -> Result<Vec<StoredEvent>> {
        if channel.is_forum() {
            return self.forum_events_after(after_seq, limit).await;
        }
        const SQL: &str = "SELECT channel_id, seq, payload, created_at FROM channel_events \
            WHERE channel_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";
        let rows: Vec<EventRow> = db_run!(self, pool => {
            sqlx::query_as(SQL).bind(channel).bind(after_seq).bind(i64::from(limit)).fetch_all(pool).await
        })?;
        rows.into_iter()
            .map(|row| {
                let event: ChannelEvent = serde_json::from_str(&row.payload).map_err(Error::internal)?;
                Ok(StoredEvent {
                    channel_id: row.channel_id,
                    seq: row.seq,
                    at: row.created_at,
                    event,
                })
            })
            .collect()
    }
}

impl Store {
    /// Deletes up to `batch` events of the channel logs, and as many of the forum's, written
    /// before `cutoff`, keeping each log's newest event: a resume from a position before a
    /// pruned stretch then meets a gap in the sequence (and resyncs) instead of an empty page.
    /// Each batch is one short statement, so writers wait for at most one. Returns how many
    /// channel events and how many forum events went.
    pub(crate) async fn prune_events(&self, cutoff: DateTime<Utc>, batch: u32) -> Result<(u64, u64)> {
        const CHANNELS: &str = "DELETE FROM channel_events WHERE (channel_id, seq) IN (\
            SELECT e.channel_id, e.seq FROM channel_events e JOIN channels c ON c.id = e.channel_id \
            WHERE e.created_at < $1 AND e.seq < c.last_seq LIMIT $2)";
        const FORUM: &str = "DELETE FROM forum_events WHERE seq IN (\
            SELECT seq FROM forum_events WHERE created_at < $1 \
            AND seq < (SELECT MAX(seq) FROM forum_events) LIMIT $2)";
        let mut pruned = (0, 0);
        for (sql, count) in [(CHANNELS, &mut pruned.0), (FORUM, &mut pruned.1)] {
            *count = db_write!(self, pool => {
                sqlx::query(sql).bind(cutoff).bind(i64::from(batch)).execute(pool).await.map(|done| done.rows_affected())
            })?;
        }
        Ok(pruned)
    }
}
