//! Group commit for sends on PostgreSQL.
//!
//! One transaction per send spent most of its time waiting: on the commit's WAL flush, and on
//! the channel's counter row, which every send of the channel locks until it commits. Here one
//! writer task or a few (`database_send_writers`) each own a share of the channels (by a hash
//! of the channel id) and store whatever sends are waiting for them in one transaction: one
//! `UPDATE` of the counters of all their channels, then every message and every event in
//! one multi-row `INSERT` each, then what only some sends have (files, thread counters,
//! mentions). A channel's sends all go through one writer, in the order handed over, so its
//! positions follow that order with no gap; channels of different writers commit side by side.
//!
//! A send that fails (a repeated `client_id`, a file attached meanwhile) must not fail the
//! others: the group is rolled back and its sends are stored one by one, each in its own
//! transaction, so each gets its own answer. That is rare; the common path has no savepoints.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use tokio::sync::{mpsc, oneshot};

use super::NewMessage;
use super::message_sends::{insert_one_postgres, write_send_extras};
use crate::model::{ChannelId, Message};
use crate::protocol::v1::{ChannelEvent, StoredEvent};
use crate::rules::messages::Mentions;

/// Most sends in one transaction.
const MAX_GROUP: usize = 256;
/// Sends waiting for one writer before senders wait to hand theirs over.
const QUEUE: usize = 4096;

/// What a send's event is made from, once the message is stored.
pub(super) type MakeEvent = Box<dyn Fn(&Message) -> ChannelEvent + Send + Sync>;
/// A stored send, or why not.
pub(super) type Stored = Result<(Message, StoredEvent), sqlx::Error>;

/// One send handed to a writer.
struct Job {
    new: NewMessage,
    mentions: Mentions,
    make_event: MakeEvent,
    answer: oneshot::Sender<Stored>,
}

/// The writers, each with its queue.
#[derive(Clone)]
pub struct SendWriters {
    queues: Arc<[mpsc::Sender<Job>]>,
}

impl std::fmt::Debug for SendWriters {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SendWriters")
            .field("writers", &self.queues.len())
            .finish()
    }
}

impl SendWriters {
    /// Starts `writers` writer tasks over `pool` (at least one).
    pub(super) fn start(pool: &PgPool, writers: usize) -> SendWriters {
        let queues: Vec<mpsc::Sender<Job>> = (0..writers.max(1))
            .map(|_| {
                let (queue, jobs) = mpsc::channel(QUEUE);
                tokio::spawn(write_groups(pool.clone(), jobs));
                queue
            })
            .collect();
        SendWriters { queues: queues.into() }
    }

    /// Hands a send to its channel's writer. Returns when it is handed over (its place in the
    /// channel's order is taken); the answer comes once its group commits.
    pub(super) async fn hand_over(
        &self,
        new: NewMessage,
        mentions: Mentions,
        make_event: MakeEvent,
    ) -> Result<oneshot::Receiver<Stored>, sqlx::Error> {
        // Fixed keys: a channel keeps its writer for the life of the process.
        let mut hasher = std::hash::DefaultHasher::new();
        new.channel_id.hash(&mut hasher);
        let writer = (hasher.finish() % self.queues.len() as u64) as usize;
        let (answer, answered) = oneshot::channel();
        let job = Job {
            new,
            mentions,
            make_event,
            answer,
        };
        self.queues[writer]
            .send(job)
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        Ok(answered)
    }
}

/// One writer: waits for a send, takes every other one waiting (up to [`MAX_GROUP`]), stores
/// them together, and again. Ends when the store is dropped.
async fn write_groups(pool: PgPool, mut jobs: mpsc::Receiver<Job>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while jobs.recv_many(&mut group, MAX_GROUP).await > 0 {
        store_group(&pool, std::mem::take(&mut group)).await;
    }
}

async fn store_group(pool: &PgPool, group: Vec<Job>) {
    tracing::trace!(sends = group.len(), "storing a group of sends");
    if group.len() > 1 {
        match store_together(pool, &group).await {
            Ok(stored) => {
                for (job, stored) in group.into_iter().zip(stored) {
                    let _ = job.answer.send(Ok(stored));
                }
                return;
            }
            Err(err) => {
                tracing::debug!(error = %err, sends = group.len(), "a group of sends failed; storing them one by one")
            }
        }
    }
    for job in group {
        let stored = insert_one_postgres(pool, &job.new, &job.mentions, &job.make_event).await;
        let _ = job.answer.send(stored);
    }
}

/// Takes positions for several channels at once: `$2[i]` positions of channel `$1[i]`, whose
/// latest top-level message becomes `$3[i]` at `$4[i]` unless that is `NULL`. Returns each
/// channel's last position taken.
const TAKE_POSITIONS: &str = "UPDATE channels c SET last_seq = c.last_seq + t.count, \
    last_message_id = COALESCE(t.latest_id, c.last_message_id), \
    last_message_at = COALESCE(t.latest_at, c.last_message_at) \
    FROM UNNEST($1::text[], $2::int8[], $3::text[], $4::timestamptz[]) AS t(id, count, latest_id, latest_at) \
    WHERE c.id = t.id RETURNING c.id, c.last_seq";
const INSERT_MESSAGES: &str = "INSERT INTO messages \
    (id, channel_id, seq, author_id, content, client_id, parent_id, created_at, file_count) \
    SELECT * FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::text[], \
    $8::timestamptz[], $9::int8[])";
const INSERT_EVENTS: &str = "INSERT INTO channel_events (channel_id, seq, kind, payload, created_at) \
    SELECT * FROM UNNEST($1::text[], $2::int8[], $3::text[], $4::text[], $5::timestamptz[])";

/// PostgreSQL keeps microseconds: the time as it will read back.
fn as_stored(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

/// Stores every send of `group` in one transaction, in the group's order within each channel.
async fn store_together(pool: &PgPool, group: &[Job]) -> Result<Vec<(Message, StoredEvent)>, sqlx::Error> {
    let started = std::time::Instant::now();
    let mut tx = pool.begin().await?;
    let began = started.elapsed();
    let seqs = take_positions(&mut tx, group).await?;
    let positioned = started.elapsed();
    let mut stored = Vec::with_capacity(group.len());
    for (job, seq) in group.iter().zip(seqs) {
        let mut new = job.new.clone();
        new.created_at = as_stored(new.created_at);
        let message = new.stored(seq);
        let event = StoredEvent {
            channel_id: new.channel_id.clone(),
            seq,
            at: new.created_at,
            event: (job.make_event)(&message),
        };
        stored.push((message, event));
    }
    insert_rows(&mut tx, &stored).await?;
    let inserted = started.elapsed();
    for (job, (_, event)) in group.iter().zip(&stored) {
        write_send_extras(&mut tx, &job.new, event.seq, &job.mentions).await?;
    }
    tx.commit().await?;
    tracing::trace!(sends = group.len(), ?began, ?positioned, ?inserted, committed = ?started.elapsed(), "group committed");
    Ok(stored)
}

/// Takes each channel's positions for its sends in the group, in one statement. Returns each
/// send's position. Two writers never lock one channel (each owns its share), so the order in
/// which the statement locks its rows cannot make two groups wait on each other crosswise.
async fn take_positions(tx: &mut PgConnection, group: &[Job]) -> Result<Vec<i64>, sqlx::Error> {
    // Per channel: how many sends, and the latest top-level one.
    let mut shares: HashMap<&ChannelId, (i64, Option<&NewMessage>)> = HashMap::new();
    for new in group.iter().map(|job| &job.new) {
        let (sends, latest) = shares.entry(&new.channel_id).or_default();
        *sends += 1;
        if new.parent_id.is_none() {
            *latest = Some(new);
        }
    }
    let (mut ids, mut counts, mut latest_ids, mut latest_at) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (channel, (sends, latest)) in &shares {
        ids.push(channel.as_str());
        counts.push(*sends);
        latest_ids.push(latest.map(|new| new.id.as_str()));
        latest_at.push(latest.map(|new| as_stored(new.created_at)));
    }
    let taken: Vec<(ChannelId, i64)> = sqlx::query_as(TAKE_POSITIONS)
        .bind(ids)
        .bind(counts)
        .bind(latest_ids)
        .bind(latest_at)
        .fetch_all(&mut *tx)
        .await?;
    let mut next = HashMap::with_capacity(taken.len());
    for (channel, last) in taken {
        let sends = shares.get(&channel).map_or(0, |(sends, _)| *sends);
        next.insert(channel, last - sends + 1);
    }
    // A channel missing from what was returned (deleted meanwhile) fails the group, which is
    // then stored one send at a time, each with its own answer.
    group
        .iter()
        .map(|job| {
            let seq = next.get_mut(&job.new.channel_id).ok_or(sqlx::Error::RowNotFound)?;
            *seq += 1;
            Ok(*seq - 1)
        })
        .collect()
}

/// The messages, then their events, each in one statement.
async fn insert_rows(tx: &mut PgConnection, stored: &[(Message, StoredEvent)]) -> Result<(), sqlx::Error> {
    let column = |pick: fn(&Message) -> Option<String>| stored.iter().map(|(m, _)| pick(m)).collect::<Vec<_>>();
    sqlx::query(INSERT_MESSAGES)
        .bind(column(|m| Some(m.id.as_str().to_owned())))
        .bind(column(|m| Some(m.channel_id.as_str().to_owned())))
        .bind(stored.iter().map(|(m, _)| m.seq).collect::<Vec<_>>())
        .bind(column(|m| m.author_id.as_ref().map(|id| id.as_str().to_owned())))
        .bind(column(|m| Some(m.content.clone())))
        .bind(column(|m| m.client_id.as_ref().map(|id| id.as_str().to_owned())))
        .bind(column(|m| m.parent_id.as_ref().map(|id| id.as_str().to_owned())))
        .bind(stored.iter().map(|(m, _)| m.created_at).collect::<Vec<_>>())
        .bind(stored.iter().map(|(m, _)| m.file_count).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
    let mut payloads = Vec::with_capacity(stored.len());
    for (_, event) in stored {
        payloads.push(serde_json::to_string(&event.event).map_err(|err| sqlx::Error::Encode(Box::new(err)))?);
    }
    sqlx::query(INSERT_EVENTS)
        .bind(
            stored
                .iter()
                .map(|(_, e)| e.channel_id.as_str().to_owned())
                .collect::<Vec<_>>(),
        )
        .bind(stored.iter().map(|(_, e)| e.seq).collect::<Vec<_>>())
        .bind(
            stored
                .iter()
                .map(|(_, e)| e.event.kind().to_owned())
                .collect::<Vec<_>>(),
        )
        .bind(payloads)
        .bind(stored.iter().map(|(_, e)| e.at).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
    Ok(())
}
