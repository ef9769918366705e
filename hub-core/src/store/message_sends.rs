//! Storing a new message: its row at the channel's next position, its files, its thread's
//! counters (or the channel's latest message), its mentions and its event, on SQLite (by the
//! group-committing writer thread) and on PostgreSQL (by [`super::pg_sends`], or one send in a
//! transaction of its own). The mention statements also serve edits.

use chrono::{DateTime, Utc};

use super::channels::ChannelAccess;
use super::events::{INSERT_EVENT, record_event};
use super::files::ATTACH_FILE;
use super::messages::{MESSAGE_UNIQUE, message_columns};
use super::rows::SqlTime;
use super::safety::not_blocked;
use super::sqlite_direct;
use super::{Store, direct_unique_violation, unique_violation};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{ChannelId, ClientId, FileId, Message, MessageId, UserId};
use crate::protocol::v1::{ChannelEvent, StoredEvent};
use crate::rules::messages::Mentions;
use crate::send_order::SendTurn;

/// A message to store.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Fresh id.
    pub id: MessageId,
    /// Its channel.
    pub channel_id: ChannelId,
    /// Its author.
    pub author_id: UserId,
    /// Validated text.
    pub content: String,
    /// The sender's idempotency key.
    pub client_id: Option<ClientId>,
    /// The (top-level) message it replies to.
    pub parent_id: Option<MessageId>,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// Files to attach: the author's, not attached yet (checked before, and again as it is stored).
    pub file_ids: Vec<FileId>,
}

/// A send's permission check, run on its author's access facts in its channel (`None`: no such
/// channel) just before it is stored, so that on PostgreSQL the channel's writer reads the facts
/// of a whole group of sends in one statement instead of each send reading its own.
pub type SendCheck = Box<dyn FnOnce(Option<ChannelAccess>) -> Result<()> + Send + Sync>;

/// Inserts a message row (`$1`..`$9`: id, channel, seq, author, content, client_id, parent, time,
/// file count).
macro_rules! insert_message_sql {
    () => {
        "INSERT INTO messages (id, channel_id, seq, author_id, content, client_id, parent_id, created_at, file_count) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    };
}

/// A file named in a send that is no longer the author's to attach (attached by a send that
/// committed first, or deleted): the send fails and stores nothing.
#[derive(Debug)]
struct FileNotAttachable;

impl std::fmt::Display for FileNotAttachable {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a file of this message is attached elsewhere or gone")
    }
}

impl std::error::Error for FileNotAttachable {}

fn file_not_attachable() -> Error {
    Error::new(
        ErrorKind::Conflict,
        "a file in file_ids was attached to another message or deleted meanwhile",
    )
    .with_field("file_ids")
}

/// Why PostgreSQL refused a send, as the caller is told.
pub(super) fn send_error(err: sqlx::Error) -> Error {
    match &err {
        sqlx::Error::Decode(cause) if cause.is::<FileNotAttachable>() => file_not_attachable(),
        _ => unique_violation(err, MESSAGE_UNIQUE),
    }
}

const BUMP_THREAD: &str = "UPDATE messages SET reply_count = reply_count + 1, last_reply_at = $2 WHERE id = $1";
/// Takes the channel's next position for a message and, for a top-level one (`$2` and `$3`
/// given), makes it the channel's latest message: one statement, one visit to the row.
const NEXT_MESSAGE_SEQ: &str = "UPDATE channels SET last_seq = last_seq + 1, \
    last_message_id = COALESCE($2, last_message_id), last_message_at = COALESCE($3, last_message_at) \
    WHERE id = $1 RETURNING last_seq";
/// A direct `@user` mention: only members, never the author, never across a block (either
/// way: the mention stays plain text).
pub(super) const MENTION_DIRECT: &str = concat!(
    "INSERT INTO mentions (message_id, user_id, channel_id, seq, kind) \
     SELECT $1, m.user_id, m.channel_id, $2, 'user' FROM channel_members m JOIN users u ON u.id = m.user_id \
     WHERE m.channel_id = $3 AND m.user_id <> $4 AND lower(u.username) = $5 AND ",
    not_blocked!("m.user_id", "$4"),
    " ON CONFLICT (message_id, user_id) DO NOTHING"
);
/// `@channel`, `@everyone` or `@here`: every other member (a direct mention, recorded first,
/// wins), except across a block.
pub(super) const MENTION_BROADCAST: &str = concat!(
    "INSERT INTO mentions (message_id, user_id, channel_id, seq, kind) \
     SELECT $1, m.user_id, m.channel_id, $2, $5 FROM channel_members m \
     WHERE m.channel_id = $3 AND m.user_id <> $4 AND ",
    not_blocked!("m.user_id", "$4"),
    " ON CONFLICT (message_id, user_id) DO NOTHING"
);

/// Records who `$mentions` mentions in message `$message` (channel `$channel`, position `$seq`,
/// author `$author`), inside `$tx`. Only members are mentioned, never the author; a direct
/// mention wins over a broadcast one.
macro_rules! insert_mentions {
    ($tx:expr, $message:expr, $channel:expr, $seq:expr, $author:expr, $mentions:expr) => {{
        let mentions: &Mentions = $mentions;
        for username in &mentions.usernames {
            sqlx::query(MENTION_DIRECT)
                .bind($message)
                .bind($seq)
                .bind($channel)
                .bind($author)
                .bind(username)
                .execute(&mut *$tx)
                .await?;
        }
        if let Some(kind) = mentions.broadcast {
            sqlx::query(MENTION_BROADCAST)
                .bind($message)
                .bind($seq)
                .bind($channel)
                .bind($author)
                .bind(kind)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
// Lets edits record the mentions of the new text.
#[allow(clippy::single_component_path_imports)]
pub(super) use insert_mentions;

impl NewMessage {
    /// The message as stored at `seq`.
    pub(super) fn stored(&self, seq: i64) -> Message {
        Message {
            id: self.id.clone(),
            channel_id: self.channel_id.clone(),
            seq,
            author_id: Some(self.author_id.clone()),
            content: self.content.clone(),
            client_id: self.client_id.clone(),
            parent_id: self.parent_id.clone(),
            created_at: self.created_at,
            edited_at: None,
            deleted_at: None,
            reply_count: 0,
            last_reply_at: None,
            file_count: self.file_ids.len() as i64,
        }
    }
}

/// Stores `$new` at its channel's next position inside PostgreSQL transaction `$tx`: the
/// message, its thread's counters or the channel's latest message, its mentions and its event.
/// Evaluates to `(Message, StoredEvent)`. SQLite's twin is [`write_message_direct`].
macro_rules! write_message {
    ($tx:expr, $new:expr, $mentions:expr, $make_event:expr) => {{
        let new: &NewMessage = $new;
        let latest = new.parent_id.is_none();
        let seq: i64 = sqlx::query_scalar(NEXT_MESSAGE_SEQ)
            .bind(&new.channel_id)
            .bind(latest.then_some(&new.id))
            .bind(latest.then_some(new.created_at))
            .fetch_one(&mut *$tx)
            .await?;
        // PostgreSQL keeps microseconds: the stored row, not `new`, is what readers will see.
        let message: Message = sqlx::query_as(concat!(insert_message_sql!(), " RETURNING ", message_columns!()))
            .bind(&new.id)
            .bind(&new.channel_id)
            .bind(seq)
            .bind(&new.author_id)
            .bind(&new.content)
            .bind(&new.client_id)
            .bind(&new.parent_id)
            .bind(new.created_at)
            .bind(new.file_ids.len() as i64)
            .fetch_one(&mut *$tx)
            .await?;
        write_send_extras(&mut *$tx, new, seq, $mentions).await?;
        let event = record_event!($tx, &new.channel_id, seq, new.created_at, ($make_event)(&message));
        (message, event)
    }};
}

/// Whether [`write_send_extras`] has anything to write for this send: a group of sends without
/// any needs no transaction around its one statement.
pub(super) fn has_send_extras(new: &NewMessage, mentions: &Mentions) -> bool {
    !new.file_ids.is_empty()
        || new.parent_id.is_some()
        || !mentions.usernames.is_empty()
        || mentions.broadcast.is_some()
}

/// What a send writes besides its row and its event, inside PostgreSQL transaction `tx`: its
/// files, its thread's counters and its mentions.
pub(super) async fn write_send_extras(
    tx: &mut sqlx::PgConnection,
    new: &NewMessage,
    seq: i64,
    mentions: &Mentions,
) -> std::result::Result<(), sqlx::Error> {
    for file in &new.file_ids {
        let attached = sqlx::query(ATTACH_FILE)
            .bind(&new.id)
            .bind(&new.channel_id)
            .bind(file)
            .bind(&new.author_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if attached != 1 {
            return Err(sqlx::Error::Decode(Box::new(FileNotAttachable)));
        }
    }
    if let Some(parent) = &new.parent_id {
        sqlx::query(BUMP_THREAD)
            .bind(parent)
            .bind(new.created_at)
            .execute(&mut *tx)
            .await?;
    }
    insert_mentions!(tx, &new.id, &new.channel_id, seq, &new.author_id, mentions);
    Ok(())
}

/// One send in a transaction of its own on PostgreSQL (see [`super::pg_sends`] for groups).
pub(super) async fn insert_one_postgres(
    pool: &sqlx::PgPool,
    new: &NewMessage,
    mentions: &Mentions,
    make_event: &(dyn Fn(&Message) -> ChannelEvent + Send + Sync),
) -> super::pg_sends::Stored {
    let mut tx = pool.begin().await?;
    let stored = write_message!(tx, new, mentions, make_event);
    tx.commit().await?;
    Ok(stored)
}

impl Store {
    /// Stores a message at the channel's next position with its mentions, bumps its thread's
    /// counters (or the channel's latest message) and logs the event `make_event` makes of it.
    /// `check`, when given, decides first whether the author may post (see [`SendCheck`]); its
    /// refusal stores nothing. A repeated `(author, client_id)` fails with
    /// [`ErrorKind::Conflict`] and changes nothing. The send is handed to the database when
    /// `turn` comes, and lets the next turn go then.
    pub async fn insert_message(
        &self,
        new: &NewMessage,
        mentions: &Mentions,
        make_event: impl Fn(&Message) -> ChannelEvent + Send + Sync + 'static,
        mut turn: SendTurn,
        check: Option<SendCheck>,
    ) -> Result<(Message, StoredEvent)> {
        match self {
            // SQLite: one writer commits sends in groups, in the order handed over; a check
            // reads on this thread's connection first, as cheap as the writer reading it.
            Store::Sqlite { direct, .. } => {
                if let Some(check) = check {
                    check(self.channel_access(&new.channel_id, &new.author_id).await?)?;
                }
                turn.wait().await;
                let (new, mentions) = (new.clone(), mentions.clone());
                let committed =
                    direct.submit(move |connection| write_message_direct(connection, &new, &mentions, &make_event));
                drop(turn);
                let refused = |err: rusqlite::Error| match &err {
                    rusqlite::Error::ToSqlConversionFailure(cause) if cause.is::<FileNotAttachable>() => {
                        file_not_attachable()
                    }
                    _ => direct_unique_violation(err, MESSAGE_UNIQUE),
                };
                committed.map_err(refused)?.await.map_err(refused)
            }
            // PostgreSQL: the channel's writer runs the checks and commits sends in groups, in
            // the order handed over.
            Store::Postgres(_, pg) => {
                turn.wait().await;
                let answer = pg
                    .sends
                    .hand_over(new.clone(), mentions.clone(), Box::new(make_event), check)
                    .await;
                drop(turn);
                answer
                    .map_err(send_error)?
                    .await
                    .map_err(|_| send_error(sqlx::Error::PoolClosed))?
            }
        }
    }
}

/// SQLite's twin of [`write_message!`], run by the group-committing writer thread: the same
/// statements, without a thread hop for each.
fn write_message_direct(
    connection: &rusqlite::Connection,
    new: &NewMessage,
    mentions: &Mentions,
    make_event: impl FnOnce(&Message) -> ChannelEvent,
) -> rusqlite::Result<(Message, StoredEvent)> {
    let channel = &new.channel_id;
    let at = SqlTime(new.created_at);
    let latest = new.parent_id.is_none();
    let seq: i64 = sqlite_direct::query_one(
        connection,
        NEXT_MESSAGE_SEQ,
        &[channel, &latest.then_some(&new.id), &latest.then_some(at)],
        |row| row.get(0),
    )?;
    sqlite_direct::execute(
        connection,
        insert_message_sql!(),
        &[
            &new.id,
            channel,
            &seq,
            &new.author_id,
            &new.content,
            &new.client_id,
            &new.parent_id,
            &at,
            &(new.file_ids.len() as i64),
        ],
    )?;
    for file in &new.file_ids {
        if sqlite_direct::execute(connection, ATTACH_FILE, &[&new.id, channel, file, &new.author_id])? != 1 {
            return Err(rusqlite::Error::ToSqlConversionFailure(Box::new(FileNotAttachable)));
        }
    }
    if let Some(parent) = &new.parent_id {
        sqlite_direct::execute(connection, BUMP_THREAD, &[parent, &at])?;
    }
    for username in &mentions.usernames {
        sqlite_direct::execute(
            connection,
            MENTION_DIRECT,
            &[&new.id, &seq, channel, &new.author_id, username],
        )?;
    }
    if let Some(kind) = mentions.broadcast {
        sqlite_direct::execute(
            connection,
            MENTION_BROADCAST,
            &[&new.id, &seq, channel, &new.author_id, &kind],
        )?;
    }
    let message = new.stored(seq);
    let event = make_event(&message);
    let payload =
        serde_json::to_string(&event).map_err(|err| rusqlite::Error::ToSqlConversionFailure(Box::new(err)))?;
    sqlite_direct::execute(connection, INSERT_EVENT, &[channel, &seq, &event.kind(), &payload, &at])?;
    let stored = StoredEvent {
        channel_id: channel.clone(),
        seq,
        at: new.created_at,
        event,
    };
    Ok((message, stored))
}
