//! Group commit for sends on PostgreSQL.
//!
//! One transaction per send spent most of its time waiting: on the commit's WAL flush, and on
//! the channel's counter row, which every send of the channel locks until it commits. Here one
//! writer task or a few (`database_send_writers`) each own a share of the channels (by a hash
//! of the channel id) and store whatever sends are waiting for them in one transaction: one
//! statement that moves the counters of all their channels and inserts every message at the
//! positions taken, one multi-row `INSERT` of every event, then what only some sends have
//! (files, thread counters, mentions). A channel's sends all go through one writer, in the
//! order handed over, so its positions follow that order with no gap; channels of different
//! writers commit side by side.
//!
//! A send may carry its permission check ([`super::SendCheck`]): the writer reads the access
//! facts of every such send of a group in one batched statement ([`super::pg_reads`]) and
//! answers the refused ones before storing the rest. Read per send, those facts were the
//! largest share of a send's statements.
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
use super::channels::AccessReads;
use super::message_sends::{SendCheck, insert_one_postgres, send_error, write_send_extras};
use crate::error::Error;
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
/// A writer's answer to a send: stored, refused by its check, or failed.
pub(super) type Answer = crate::error::Result<(Message, StoredEvent)>;

/// One send handed to a writer.
struct Job {
    new: NewMessage,
    mentions: Mentions,
    make_event: MakeEvent,
    check: Option<SendCheck>,
    answer: oneshot::Sender<Answer>,
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
    /// Starts `writers` writer tasks over `pool` (at least one), reading the sends' access
    /// facts through `access`.
    pub(super) fn start(pool: &PgPool, writers: usize, access: &AccessReads) -> SendWriters {
        let queues: Vec<mpsc::Sender<Job>> = (0..writers.max(1))
            .map(|_| {
                let (queue, jobs) = mpsc::channel(QUEUE);
                let (allowed, to_store) = mpsc::channel(QUEUE);
                tokio::spawn(check_groups(access.clone(), jobs, allowed));
                tokio::spawn(write_groups(pool.clone(), to_store));
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
        check: Option<SendCheck>,
    ) -> Result<oneshot::Receiver<Answer>, sqlx::Error> {
        // Fixed keys: a channel keeps its writer for the life of the process.
        let mut hasher = std::hash::DefaultHasher::new();
        new.channel_id.hash(&mut hasher);
        let writer = (hasher.finish() % self.queues.len() as u64) as usize;
        let (answer, answered) = oneshot::channel();
        let job = Job {
            new,
            mentions,
            make_event,
            check,
            answer,
        };
        self.queues[writer]
            .send(job)
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        Ok(answered)
    }
}

/// A writer's first stage: takes every send waiting (up to [`MAX_GROUP`]), checks them, and
/// passes the allowed ones on to be stored, in order; again. It reads the next group's facts
/// while the second stage stores the group before. Ends when the store is dropped.
async fn check_groups(access: AccessReads, mut jobs: mpsc::Receiver<Job>, allowed: mpsc::Sender<Job>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while jobs.recv_many(&mut group, MAX_GROUP).await > 0 {
        for job in run_checks(&access, std::mem::take(&mut group)).await {
            if allowed.send(job).await.is_err() {
                return;
            }
        }
    }
}

/// A writer's second stage: waits for an allowed send, takes every other one waiting (up to
/// [`MAX_GROUP`]), stores them together, and again. Ends when the first stage does.
async fn write_groups(pool: PgPool, mut jobs: mpsc::Receiver<Job>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while jobs.recv_many(&mut group, MAX_GROUP).await > 0 {
        store_group(&pool, std::mem::take(&mut group)).await;
    }
}

/// Runs the checks of the sends of `group` that carry one, on access facts read together (one
/// statement for up to a batch of them); answers the refused sends and returns the others, in
/// their order. The facts are read after every send of the group was handed over, so a send
/// is checked against what held when it was stored, not when it was made.
async fn run_checks(access: &AccessReads, group: Vec<Job>) -> Vec<Job> {
    if group.iter().all(|job| job.check.is_none()) {
        return group;
    }
    let keys: Vec<_> = group
        .iter()
        .map(|job| {
            job.check
                .is_some()
                .then(|| (job.new.channel_id.clone(), job.new.author_id.clone()))
        })
        .collect();
    // Asked in one poll: all are queued before the batch loop takes any.
    let facts = futures_util::future::join_all(keys.into_iter().map(|key| async move {
        match key {
            Some(key) => Some(access.read(key).await),
            None => None,
        }
    }))
    .await;
    let mut allowed = Vec::with_capacity(group.len());
    for (mut job, facts) in group.into_iter().zip(facts) {
        let verdict = match (job.check.take(), facts) {
            (Some(check), Some(Ok(row))) => check(row.map(|row| row.into_access(&job.new.author_id))),
            (Some(_), Some(Err(err))) => Err(Error::from(err)),
            _ => Ok(()),
        };
        match verdict {
            Ok(()) => allowed.push(job),
            Err(refused) => {
                let _ = job.answer.send(Err(refused));
            }
        }
    }
    allowed
}

async fn store_group(pool: &PgPool, group: Vec<Job>) {
    tracing::trace!(sends = group.len(), "storing a group of sends");
    if group.len() > 1 {
        match store_together(pool, &group).await {
            Ok(stored) => {
                for (job, stored) in group.into_iter().zip(stored) {
                    // A sender that went away needs no answer.
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
        let _ = job.answer.send(stored.map_err(send_error));
    }
}

/// Takes positions for several channels and stores the messages at them, in one statement.
/// Per channel (`$1`..`$4`): its id, how many sends, its latest top-level message among them
/// and that one's time (`NULL`: none). Per send (`$5`..`$13`): id, channel, its rank among its
/// channel's sends (1, 2, ...), author, content, client id, parent, time, file count. Returns
/// each channel's last position taken.
const STORE_MESSAGES: &str = "WITH taken AS (UPDATE channels c SET last_seq = c.last_seq + t.count, \
    last_message_id = COALESCE(t.latest_id, c.last_message_id), \
    last_message_at = COALESCE(t.latest_at, c.last_message_at) \
    FROM UNNEST($1::text[], $2::int8[], $3::text[], $4::timestamptz[]) AS t(id, count, latest_id, latest_at) \
    WHERE c.id = t.id RETURNING c.id, c.last_seq, t.count), \
    stored AS (INSERT INTO messages \
    (id, channel_id, seq, author_id, content, client_id, parent_id, created_at, file_count) \
    SELECT m.id, m.channel_id, taken.last_seq - taken.count + m.rank, m.author_id, m.content, m.client_id, \
    m.parent_id, m.created_at, m.file_count \
    FROM UNNEST($5::text[], $6::text[], $7::int8[], $8::text[], $9::text[], $10::text[], $11::text[], \
    $12::timestamptz[], $13::int8[]) \
    AS m(id, channel_id, rank, author_id, content, client_id, parent_id, created_at, file_count) \
    JOIN taken ON taken.id = m.channel_id) \
    SELECT id, last_seq FROM taken";
const INSERT_EVENTS: &str = "INSERT INTO channel_events (channel_id, seq, kind, payload, created_at) \
    SELECT * FROM UNNEST($1::text[], $2::int8[], $3::text[], $4::text[], $5::timestamptz[])";

/// PostgreSQL keeps microseconds: the time as it will read back.
fn as_stored(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

/// Stores every send of `group` in one transaction, in the group's order within each channel:
/// the positions and the messages in one statement, the events in another, then what only
/// some sends have. Each statement is a round trip, which on a busy machine costs more than
/// the database's work.
async fn store_together(pool: &PgPool, group: &[Job]) -> Result<Vec<(Message, StoredEvent)>, sqlx::Error> {
    let started = std::time::Instant::now();
    let mut tx = pool.begin().await?;
    let began = started.elapsed();
    let seqs = store_messages(&mut tx, group).await?;
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
    insert_events(&mut tx, &stored).await?;
    let inserted = started.elapsed();
    for (job, (_, event)) in group.iter().zip(&stored) {
        write_send_extras(&mut tx, &job.new, event.seq, &job.mentions).await?;
    }
    tx.commit().await?;
    tracing::trace!(sends = group.len(), ?began, ?positioned, ?inserted, committed = ?started.elapsed(), "group committed");
    Ok(stored)
}

/// Takes each channel's positions for its sends in the group and stores the messages there,
/// in one statement. Returns each send's position. Two writers never lock one channel (each
/// owns its share), so the order in which the statement locks its rows cannot make two groups
/// wait on each other crosswise.
async fn store_messages(tx: &mut PgConnection, group: &[Job]) -> Result<Vec<i64>, sqlx::Error> {
    // Per channel: how many sends, and the latest top-level one; per send, its rank.
    let mut shares: HashMap<&ChannelId, (i64, Option<&NewMessage>)> = HashMap::new();
    let mut ranks = Vec::with_capacity(group.len());
    for new in group.iter().map(|job| &job.new) {
        let (sends, latest) = shares.entry(&new.channel_id).or_default();
        *sends += 1;
        ranks.push(*sends);
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
    let sends = || group.iter().map(|job| &job.new);
    let taken: Vec<(ChannelId, i64)> = sqlx::query_as(STORE_MESSAGES)
        .bind(ids)
        .bind(counts)
        .bind(latest_ids)
        .bind(latest_at)
        .bind(sends().map(|new| new.id.as_str()).collect::<Vec<_>>())
        .bind(sends().map(|new| new.channel_id.as_str()).collect::<Vec<_>>())
        .bind(&ranks)
        .bind(sends().map(|new| new.author_id.as_str()).collect::<Vec<_>>())
        .bind(sends().map(|new| new.content.as_str()).collect::<Vec<_>>())
        .bind(
            sends()
                .map(|new| new.client_id.as_ref().map(|id| id.as_str()))
                .collect::<Vec<_>>(),
        )
        .bind(
            sends()
                .map(|new| new.parent_id.as_ref().map(|id| id.as_str()))
                .collect::<Vec<_>>(),
        )
        .bind(sends().map(|new| as_stored(new.created_at)).collect::<Vec<_>>())
        .bind(sends().map(|new| new.file_ids.len() as i64).collect::<Vec<_>>())
        .fetch_all(&mut *tx)
        .await?;
    let last: HashMap<ChannelId, i64> = taken.into_iter().collect();
    // A channel missing from what was returned (deleted meanwhile) fails the group, which is
    // then stored one send at a time, each with its own answer.
    group
        .iter()
        .zip(ranks)
        .map(|(job, rank)| {
            let channel = &job.new.channel_id;
            let last = last.get(channel).ok_or(sqlx::Error::RowNotFound)?;
            let sends = shares.get(channel).map_or(0, |(sends, _)| *sends);
            Ok(last - sends + rank)
        })
        .collect()
}

/// The group's events, in one statement.
async fn insert_events(tx: &mut PgConnection, stored: &[(Message, StoredEvent)]) -> Result<(), sqlx::Error> {
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
