//! Message rows: history and threads in sequence order, edits with their earlier versions,
//! tombstone deletes, and the mention inbox. Storing a new one is [`super::message_sends`].

use chrono::{DateTime, Utc};

use super::events::{append_event, commit_if_changed};
use super::message_sends::{MENTION_BROADCAST, MENTION_DIRECT, insert_mentions};
use super::rows::{RusqliteRow, row_mapping};
use super::safety::heard_from;
use super::sqlite_direct;
use super::{Store, db_run, db_write};
use crate::error::{ErrorKind, Result};
use crate::model::{ChannelId, ClientId, MentionKind, Message, MessageId, MessageVersion, UserId};
use crate::protocol::v1::{ChannelEvent, StoredEvent};
use crate::rules::messages::Mentions;

/// Where a page of history starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryCursor {
    /// The newest messages, newest first.
    Latest,
    /// Messages before this sequence number, newest first.
    Before(i64),
    /// Messages after this sequence number, oldest first.
    After(i64),
}

/// A mention of a user with the message and its read state.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MentionRow {
    /// The message.
    #[sqlx(flatten)]
    pub message: Message,
    /// How it mentions them.
    pub mention_kind: MentionKind,
    /// Whether their read marker has passed it.
    pub is_read: bool,
}

pub(super) const MESSAGE_UNIQUE: &[(&str, ErrorKind, &str)] = &[(
    "messages_client_id",
    ErrorKind::Conflict,
    "a message with this client_id exists",
)];

row_mapping!(
    message_columns,
    "",
    Message {
        id,
        channel_id,
        seq,
        author_id,
        content,
        client_id,
        parent_id,
        created_at,
        edited_at,
        deleted_at,
        reply_count,
        last_reply_at,
        file_count,
    }
);
// Lets `search` name the macro `row_mapping!` defined.
#[allow(clippy::single_component_path_imports)]
pub(super) use message_columns;

const MESSAGE_BY_ID: &str = concat!("SELECT ", message_columns!(), " FROM messages WHERE id = $1");
const MESSAGE_BY_CLIENT_ID: &str = concat!(
    "SELECT ",
    message_columns!(),
    " FROM messages WHERE author_id = $1 AND client_id = $2"
);
impl Store {
    /// The message with `id`.
    pub async fn message(&self, id: &MessageId) -> Result<Option<Message>> {
        match self {
            Store::Sqlite { direct, .. } => direct.read(|connection| {
                sqlite_direct::query_optional(connection, MESSAGE_BY_ID, &[id], Message::from_rusqlite)
            }),
            Store::Postgres(pool, ..) => Ok(sqlx::query_as(MESSAGE_BY_ID).bind(id).fetch_optional(pool).await?),
        }
    }

    /// The messages with these ids (in no particular order).
    pub async fn messages_by_ids(&self, ids: &[MessageId]) -> Result<Vec<Message>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(db_run!(self, pool => {
            let mut query = sqlx::QueryBuilder::new("SELECT * FROM messages WHERE id IN (");
            let mut list = query.separated(", ");
            for id in ids {
                list.push_bind(id);
            }
            query.push(")");
            query.build_query_as().fetch_all(pool).await
        })?)
    }

    /// The message `author` sent with `client_id`, if any.
    pub async fn message_by_client_id(&self, author: &UserId, client_id: &ClientId) -> Result<Option<Message>> {
        match self {
            Store::Sqlite { direct, .. } => direct.read(|connection| {
                sqlite_direct::query_optional(
                    connection,
                    MESSAGE_BY_CLIENT_ID,
                    &[author, client_id],
                    Message::from_rusqlite,
                )
            }),
            Store::Postgres(pool, ..) => Ok(sqlx::query_as(MESSAGE_BY_CLIENT_ID)
                .bind(author)
                .bind(client_id)
                .fetch_optional(pool)
                .await?),
        }
    }

    /// A page of a channel's top-level messages (thread replies stay in their threads).
    pub async fn history(&self, channel: &ChannelId, cursor: HistoryCursor, limit: u32) -> Result<Vec<Message>> {
        const LATEST: &str = concat!(
            "SELECT ",
            message_columns!(),
            " FROM messages WHERE channel_id = $1 AND parent_id IS NULL ORDER BY seq DESC"
        );
        const BEFORE: &str = concat!(
            "SELECT ",
            message_columns!(),
            " FROM messages WHERE channel_id = $1 AND parent_id IS NULL AND seq < $2 ORDER BY seq DESC"
        );
        const AFTER: &str = concat!(
            "SELECT ",
            message_columns!(),
            " FROM messages WHERE channel_id = $1 AND parent_id IS NULL AND seq > $2 ORDER BY seq ASC"
        );
        let (sql, position) = match cursor {
            HistoryCursor::Latest => (LATEST, None),
            HistoryCursor::Before(seq) => (BEFORE, Some(seq)),
            HistoryCursor::After(seq) => (AFTER, Some(seq)),
        };
        // The limit is written into the SQL, not bound: SQLite re-prepares a statement whose
        // bound LIMIT changes (it plans around the value), which cost more than the query.
        // A number only, and few distinct ones, so the statement cache keeps each.
        let sql = format!("{sql} LIMIT {limit}");
        match self {
            Store::Sqlite { direct, .. } => direct.read(|connection| match position {
                Some(seq) => sqlite_direct::query_all(connection, &sql, &[channel, &seq], Message::from_rusqlite),
                None => sqlite_direct::query_all(connection, &sql, &[channel], Message::from_rusqlite),
            }),
            Store::Postgres(pool, ..) => {
                let query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(channel);
                Ok(match position {
                    Some(seq) => query.bind(seq).fetch_all(pool).await,
                    None => query.fetch_all(pool).await,
                }?)
            }
        }
    }

    /// Replies to `parent` after position `after_seq`, oldest first.
    pub async fn thread_replies(&self, parent: &MessageId, after_seq: i64, limit: u32) -> Result<Vec<Message>> {
        const SQL: &str = "SELECT * FROM messages WHERE parent_id = $1 AND seq > $2 ORDER BY seq ASC LIMIT $3";
        Ok(db_run!(self, pool => {
            sqlx::query_as(SQL).bind(parent).bind(after_seq).bind(i64::from(limit)).fetch_all(pool).await
        })?)
    }

    /// Replaces a message's text, keeping the old one as a version, records new mentions and
    /// logs the event `make_event` makes of the edited message.
    pub async fn edit_message(
        &self,
        old: &Message,
        content: &str,
        mentions: &Mentions,
        at: DateTime<Utc>,
        make_event: impl FnOnce(&Message) -> ChannelEvent + Send,
    ) -> Result<(Message, StoredEvent)> {
        const KEEP_VERSION: &str =
            "INSERT INTO message_versions (message_id, content, written_at, replaced_at) VALUES ($1, $2, $3, $4)";
        const UPDATE: &str = "UPDATE messages SET content = $2, edited_at = $3 WHERE id = $1 RETURNING *";
        let author = old.author_id.clone();
        let edited = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query(KEEP_VERSION)
                    .bind(&old.id)
                    .bind(&old.content)
                    .bind(old.edited_at.unwrap_or(old.created_at))
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                let message: Message = sqlx::query_as(UPDATE).bind(&old.id).bind(content).bind(at).fetch_one(&mut *tx).await?;
                insert_mentions!(tx, &old.id, &old.channel_id, old.seq, &author, mentions);
                let event = append_event!(tx, &old.channel_id, at, make_event(&message));
                tx.commit().await?;
                Ok::<_, sqlx::Error>((message, event))
            }
            .await
        })?;
        Ok(edited)
    }

    /// Earlier versions of a message, oldest first.
    pub async fn message_versions(&self, id: &MessageId) -> Result<Vec<MessageVersion>> {
        const SQL: &str = "SELECT content, written_at FROM message_versions WHERE message_id = $1 ORDER BY replaced_at";
        Ok(db_run!(self, pool => sqlx::query_as(SQL).bind(id).fetch_all(pool).await)?)
    }

    /// Turns a message into a tombstone: its text and earlier versions are erased, its place
    /// (and its thread) stay. Returns `None` when it was already deleted.
    pub async fn delete_message(
        &self,
        message: &Message,
        at: DateTime<Utc>,
        event: ChannelEvent,
    ) -> Result<Option<StoredEvent>> {
        const TOMBSTONE: &str =
            "UPDATE messages SET content = '', deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL";
        let stored = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                let done = sqlx::query(TOMBSTONE).bind(&message.id).bind(at).execute(&mut *tx).await?;
                // Undone with the rest when the message was already deleted.
                sqlx::query("DELETE FROM message_versions WHERE message_id = $1").bind(&message.id).execute(&mut *tx).await?;
                Ok::<_, sqlx::Error>(commit_if_changed!(tx, done.rows_affected(), &message.channel_id, at, event))
            }
            .await
        })?;
        Ok(stored)
    }

    /// `user`'s mentions in channels they still belong to and have not muted, by people they
    /// hear from, newest first, before the message-id cursor.
    pub async fn mentions_of(
        &self,
        user: &UserId,
        before: Option<&MessageId>,
        unread_only: bool,
        limit: u32,
    ) -> Result<Vec<MentionRow>> {
        const SQL: &str = concat!(
            "SELECT x.*, n.kind AS mention_kind, (n.seq <= m.last_read_seq) AS is_read \
             FROM mentions n \
             JOIN messages x ON x.id = n.message_id \
             JOIN channel_members m ON m.channel_id = n.channel_id AND m.user_id = n.user_id \
             WHERE n.user_id = $1 AND x.deleted_at IS NULL AND m.notify <> 'nothing' AND ",
            heard_from!("$1", "x.author_id"),
            " AND ($2 IS NULL OR n.message_id < $2) AND ($3 = FALSE OR n.seq > m.last_read_seq) \
             ORDER BY n.message_id DESC LIMIT $4"
        );
        Ok(db_run!(self, pool => {
            sqlx::query_as(SQL).bind(user).bind(before).bind(unread_only).bind(i64::from(limit)).fetch_all(pool).await
        })?)
    }
}
