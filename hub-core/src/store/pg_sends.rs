//! Group commit for sends on PostgreSQL.
//!
//! One transaction per send spent most of its time waiting: on the commit's WAL flush, and on
//! the channel's counter row, which every send of the channel locks until it commits. Here one
//! writer task or a few (`database_send_writers`) each own a share of the channels (by a hash
//! of the channel id) and store whatever sends are waiting for them together: one statement
//! moves the counters of all their channels and inserts every message and every event at the
//! positions taken. It commits on its own; only when some sends have files, a thread or
//! mentions is it wrapped in a transaction with what those need. A channel's sends all go
//! through one writer, in the order handed over, so its positions follow that order with no
//! gap; channels of different writers commit side by side. On a busy machine the round trips
//! cost more than the database's work, so the common path has one.
//!
//! A send may carry its permission check ([`super::SendCheck`]): the writer reads the access
//! facts of every such send of a group in one batched statement ([`super::pg_reads`]) and
//! answers the refused ones before storing the rest. Read per send, those facts were the
//! largest share of a send's statements.
//!
//! A send that fails (a repeated `client_id`, a file attached meanwhile) must not fail the
//! others: the group's statement (or transaction) stores nothing and its sends are stored one
//! by one, each in its own transaction, so each gets its own answer. That is rare; the common
//! path has no savepoints. A group whose commit went through unanswered is found then: its
//! sends are there under their ids, and are answered as stored.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use tokio::sync::{mpsc, oneshot};

use super::NewMessage;
use super::channels::AccessReads;
use super::message_sends::{SendCheck, has_send_extras, insert_one_postgres, send_error, write_send_extras};
use crate::error::Error;
use crate::model::{ChannelId, Message};
use crate::protocol::v1::{ChannelEvent, StoredEvent};
use crate::rules::messages::Mentions;

/// Most sends stored together.
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
    if let Some(events) = group.iter().map(unplaced_event).collect::<Option<Vec<_>>>() {
        match store_together(pool, &group, events).await {
            Ok(stored) => {
                for (job, stored) in group.into_iter().zip(stored) {
                    // A sender that went away needs no answer.
                    let _ = job.answer.send(stored.map_err(send_error));
                }
                return;
            }
            Err(err) => {
                tracing::debug!(error = %err, sends = group.len(), "a group of sends failed; storing them one by one")
            }
        }
    }
    for job in group {
        let stored = store_alone(pool, &job).await;
        let _ = job.answer.send(stored.map_err(send_error));
    }
}

/// Where a send stored under its id sits, when it is the send of this author in this channel.
const STORED_SEQ: &str = "SELECT seq FROM messages WHERE id = $1 AND channel_id = $2 AND author_id = $3";

/// Stores a send of a group that failed, on its own. The group may have committed with only
/// its answer lost (the connection dropped after COMMIT): the send is then there under its id
/// (made before it was stored, and the table's key), and it is answered as stored, once,
/// rather than as a conflict for a message its sender never saw acknowledged.
async fn store_alone(pool: &PgPool, job: &Job) -> Stored {
    match insert_one_postgres(pool, &job.new, &job.mentions, &job.make_event).await {
        Err(err) if is_violation_of(&err, "messages_pkey") => {
            let seq: Option<i64> = sqlx::query_scalar(STORED_SEQ)
                .bind(job.new.id.as_str())
                .bind(job.new.channel_id.as_str())
                .bind(job.new.author_id.as_str())
                .fetch_optional(pool)
                .await?;
            seq.map(|seq| stored_at(job, seq)).ok_or(err)
        }
        stored => stored,
    }
}

fn is_violation_of(err: &sqlx::Error, constraint: &str) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation() && db.constraint() == Some(constraint))
}

/// `job`'s message stored at `seq`, and its event there.
fn stored_at(job: &Job, seq: i64) -> (Message, StoredEvent) {
    let message = read_back(&job.new, seq);
    let event = StoredEvent {
        channel_id: message.channel_id.clone(),
        seq,
        at: message.created_at,
        event: (job.make_event)(&message),
    };
    (message, event)
}

/// The position a send's event is first made with, before the statement that stores it
/// takes its real one.
const UNPLACED: i64 = i64::MIN;
/// How that position reads in the event's JSON. Inside a JSON string every `"` is escaped, so
/// this only ever matches the key itself, never text a user wrote.
const UNPLACED_SEQ: &str = "\"seq\":-9223372036854775808";

/// A send's event as the statement that stores it receives it: its kind, and its JSON.
struct UnplacedEvent {
    kind: &'static str,
    json: String,
}

/// The event `job` makes, made of its message at [`UNPLACED`]: the statement that stores it
/// writes the real position in (`replace`), so the event is stored byte for byte as if it had
/// been made after. `None` when the event does not carry the message's position exactly once:
/// such a send is stored by the statements made for one send.
fn unplaced_event(job: &Job) -> Option<UnplacedEvent> {
    let event = (job.make_event)(&read_back(&job.new, UNPLACED));
    let json = serde_json::to_string(&event).ok()?;
    (json.matches(UNPLACED_SEQ).count() == 1).then(|| UnplacedEvent {
        kind: event.kind(),
        json,
    })
}

/// Takes positions for several channels and stores the messages and their events at them, in
/// one statement. Per channel (`$1`..`$4`): its id, how many sends, its latest top-level
/// message among them and that one's time (`NULL`: none). Per send (`$5`..`$15`): id, channel,
/// its rank among its channel's sends (1, 2, ...), author, content, client id, parent, time,
/// file count, event kind, event JSON with [`UNPLACED_SEQ`] (`$16`) standing for its
/// position. Returns each channel's last position taken; a channel that is gone is missing,
/// and so are its sends.
const STORE_SENDS: &str = "WITH taken AS (UPDATE channels c SET last_seq = c.last_seq + t.count, \
    last_message_id = COALESCE(t.latest_id, c.last_message_id), \
    last_message_at = COALESCE(t.latest_at, c.last_message_at) \
    FROM UNNEST($1::text[], $2::int8[], $3::text[], $4::timestamptz[]) AS t(id, count, latest_id, latest_at) \
    WHERE c.id = t.id RETURNING c.id, c.last_seq, t.count), \
    placed AS (SELECT m.*, taken.last_seq - taken.count + m.rank AS seq \
    FROM UNNEST($5::text[], $6::text[], $7::int8[], $8::text[], $9::text[], $10::text[], $11::text[], \
    $12::timestamptz[], $13::int8[], $14::text[], $15::text[]) \
    AS m(id, channel_id, rank, author_id, content, client_id, parent_id, created_at, file_count, kind, payload) \
    JOIN taken ON taken.id = m.channel_id), \
    stored AS (INSERT INTO messages \
    (id, channel_id, seq, author_id, content, client_id, parent_id, created_at, file_count) \
    SELECT id, channel_id, seq, author_id, content, client_id, parent_id, created_at, file_count FROM placed), \
    logged AS (INSERT INTO channel_events (channel_id, seq, kind, payload, created_at) \
    SELECT channel_id, seq, kind, replace(payload, $16, '\"seq\":' || seq), created_at FROM placed) \
    SELECT id, last_seq FROM taken";

/// PostgreSQL keeps microseconds: the time as it will read back.
fn as_stored(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

/// The message `new` as it will read back once stored at `seq`.
fn read_back(new: &NewMessage, seq: i64) -> Message {
    let mut message = new.stored(seq);
    message.created_at = as_stored(message.created_at);
    message
}

/// Stores every send of `group` (whose events are `events`) in the group's order
/// within each channel: positions, messages and events in one statement, which commits on its
/// own when no send has files, a thread or mentions; otherwise in a transaction with what
/// only those sends have. Each statement is a round trip, which on a busy machine costs more
/// than the database's work. A send whose channel is gone gets [`sqlx::Error::RowNotFound`],
/// as it would alone; the others are stored.
async fn store_together(pool: &PgPool, group: &[Job], events: Vec<UnplacedEvent>) -> Result<Vec<Stored>, sqlx::Error> {
    let started = std::time::Instant::now();
    let seqs = if group.iter().any(|job| has_send_extras(&job.new, &job.mentions)) {
        let mut tx = pool.begin().await?;
        let seqs = store_sends(&mut tx, group, events).await?;
        for (job, seq) in group.iter().zip(&seqs) {
            if let Some(seq) = seq {
                write_send_extras(&mut tx, &job.new, *seq, &job.mentions).await?;
            }
        }
        tx.commit().await?;
        seqs
    } else {
        store_sends(&mut *pool.acquire().await?, group, events).await?
    };
    tracing::trace!(sends = group.len(), committed = ?started.elapsed(), "group committed");
    Ok(group
        .iter()
        .zip(seqs)
        .map(|(job, seq)| Ok(stored_at(job, seq.ok_or(sqlx::Error::RowNotFound)?)))
        .collect())
}

/// Takes each channel's positions for its sends in the group and stores the messages and
/// their events there, in one statement. Returns each send's position (`None`: its channel is
/// gone). Two writers never lock one channel (each owns its share), so the order in which the
/// statement locks its rows cannot make two groups wait on each other crosswise.
async fn store_sends(
    connection: &mut PgConnection,
    group: &[Job],
    events: Vec<UnplacedEvent>,
) -> Result<Vec<Option<i64>>, sqlx::Error> {
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
    let taken: Vec<(ChannelId, i64)> = sqlx::query_as(STORE_SENDS)
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
        .bind(events.iter().map(|event| event.kind).collect::<Vec<_>>())
        .bind(events.into_iter().map(|event| event.json).collect::<Vec<_>>())
        .bind(UNPLACED_SEQ)
        .fetch_all(&mut *connection)
        .await?;
    let last: HashMap<ChannelId, i64> = taken.into_iter().collect();
    Ok(group
        .iter()
        .zip(ranks)
        .map(|(job, rank)| {
            let channel = &job.new.channel_id;
            let sends = shares.get(channel).map_or(0, |(sends, _)| *sends);
            last.get(channel).map(|last| last - sends + rank)
        })
        .collect())
}

#[cfg(test)]
mod tests;
