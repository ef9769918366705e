//! The reaction catalog and who reacted how to which message.

use chrono::{DateTime, Utc};

use super::events::commit_if_changed;
use super::sqlite_direct;
use super::{Store, db_run, db_write, unique_violation};
use crate::error::{ErrorKind, Result};
use crate::model::{Message, MessageId, Reaction, ReactionChange, ReactionCount, UserId};
use crate::protocol::v1::{ChannelEvent, StoredEvent};

const REACTION_UNIQUE: &[(&str, ErrorKind, &str)] = &[
    (
        "reactions_pkey",
        ErrorKind::Conflict,
        "a reaction with this code exists",
    ),
    (
        "reactions.code",
        ErrorKind::Conflict,
        "a reaction with this code exists",
    ),
];

#[derive(sqlx::FromRow)]
struct CountRow {
    message_id: MessageId,
    emoji: String,
    count: i64,
    mine: i64,
}

#[derive(sqlx::FromRow)]
struct ReactorRow {
    code: String,
    user_id: UserId,
}

impl Store {
    /// The whole catalog: system reactions first, then custom ones, each by code.
    pub async fn reaction_catalog(&self) -> Result<Vec<Reaction>> {
        const SQL: &str =
            "SELECT code, glyph, image_url, is_custom, created_at FROM reactions ORDER BY is_custom, code";
        Ok(db_run!(self, pool => sqlx::query_as(SQL).fetch_all(pool).await)?)
    }

    /// The reaction whose code or glyph is `key`.
    pub async fn reaction(&self, key: &str) -> Result<Option<Reaction>> {
        const SQL: &str =
            "SELECT code, glyph, image_url, is_custom, created_at FROM reactions WHERE code = $1 OR glyph = $1";
        Ok(db_run!(self, pool => sqlx::query_as(SQL).bind(key).fetch_optional(pool).await)?)
    }

    /// Adds a custom reaction.
    pub async fn insert_custom_reaction(
        &self,
        code: &str,
        image_url: &str,
        created_by: &UserId,
        at: DateTime<Utc>,
    ) -> Result<Reaction> {
        const SQL: &str = "INSERT INTO reactions (code, glyph, image_url, is_custom, created_by, created_at) \
            VALUES ($1, NULL, $2, TRUE, $3, $4) RETURNING code, glyph, image_url, is_custom, created_at";
        db_write!(self, pool => {
            sqlx::query_as(SQL).bind(code).bind(image_url).bind(created_by).bind(at).fetch_one(pool).await
        })
        .map_err(|err| unique_violation(err, REACTION_UNIQUE))
    }

    /// Reaction counts for each of `messages`, in the order each reaction first appeared, with
    /// whether `viewer` is among those who reacted.
    pub async fn reaction_counts(
        &self,
        messages: &[MessageId],
        viewer: &UserId,
    ) -> Result<Vec<(MessageId, ReactionCount)>> {
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (2..messages.len() + 2).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT message_id, code AS emoji, COUNT(*) AS count, SUM(CASE WHEN user_id = $1 THEN 1 ELSE 0 END) AS mine \
             FROM message_reactions WHERE message_id IN ({}) \
             GROUP BY message_id, code ORDER BY message_id, MIN(created_at), code",
            list.join(", ")
        );
        let rows: Vec<CountRow> = match self {
            Store::Sqlite { direct, .. } => direct.read(|connection| {
                let mut values: Vec<&dyn rusqlite::ToSql> = vec![viewer];
                values.extend(messages.iter().map(|id| id as &dyn rusqlite::ToSql));
                sqlite_direct::query_all(connection, &sql, &values, |row| {
                    Ok(CountRow {
                        message_id: row.get(0)?,
                        emoji: row.get(1)?,
                        count: row.get(2)?,
                        mine: row.get(3)?,
                    })
                })
            })?,
            Store::Postgres(pool, ..) => {
                // Built above from placeholders only: the values are bound.
                let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(viewer);
                for message in messages {
                    query = query.bind(message);
                }
                query.fetch_all(pool).await?
            }
        };
        Ok(rows
            .into_iter()
            .map(|row| {
                let count = ReactionCount {
                    emoji: row.emoji,
                    count: row.count,
                    me: row.mine > 0,
                };
                (row.message_id, count)
            })
            .collect())
    }

    /// Who reacted to `message`, reaction by reaction, in the order they reacted.
    pub async fn reactors(&self, message: &MessageId) -> Result<Vec<(String, UserId)>> {
        const SQL: &str =
            "SELECT code, user_id FROM message_reactions WHERE message_id = $1 ORDER BY created_at, user_id";
        let rows: Vec<ReactorRow> = db_run!(self, pool => sqlx::query_as(SQL).bind(message).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(|row| (row.code, row.user_id)).collect())
    }

    /// Adds or removes `user`'s `code` reaction on `message`. Returns the
    /// `reaction.added`/`reaction.removed` event, or `None` when nothing changed.
    pub async fn change_reaction(
        &self,
        message: &Message,
        code: &str,
        user: &UserId,
        change: ReactionChange,
        at: DateTime<Utc>,
    ) -> Result<Option<StoredEvent>> {
        const ADD: &str = "INSERT INTO message_reactions (message_id, code, user_id, created_at) VALUES ($1, $2, $3, $4) \
            ON CONFLICT (message_id, code, user_id) DO NOTHING";
        const REMOVE: &str = "DELETE FROM message_reactions WHERE message_id = $1 AND code = $2 AND user_id = $3";
        let (message_id, emoji, user_id) = (message.id.clone(), code.to_owned(), user.clone());
        let (sql, event) = match change {
            ReactionChange::Add => (
                ADD,
                ChannelEvent::ReactionAdded {
                    message_id,
                    emoji,
                    user_id,
                },
            ),
            ReactionChange::Remove => (
                REMOVE,
                ChannelEvent::ReactionRemoved {
                    message_id,
                    emoji,
                    user_id,
                },
            ),
        };
        let stored = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                let query = sqlx::query(sql).bind(&message.id).bind(code).bind(user);
                let done = match change {
                    ReactionChange::Add => query.bind(at),
                    ReactionChange::Remove => query,
                }
                .execute(&mut *tx)
                .await?;
                Ok::<_, sqlx::Error>(commit_if_changed!(tx, done.rows_affected(), &message.channel_id, at, event))
            }
            .await
        })?;
        Ok(stored)
    }
}
