//! Pinned messages (per channel, seen by its readers) and saved messages (per user, private).

use chrono::{DateTime, Utc};

use super::events::commit_if_changed;
use super::{Store, db_run, db_write};
use crate::error::Result;
use crate::model::{ChannelId, Message, MessageId, UserId};
use crate::protocol::v1::{ChannelEvent, StoredEvent};

/// A pinned message.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PinRow {
    /// The message.
    #[sqlx(flatten)]
    pub message: Message,
    /// Who pinned it.
    pub pinned_by: Option<UserId>,
    /// When.
    pub pinned_at: DateTime<Utc>,
}

/// A saved message.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SavedRow {
    /// The message.
    #[sqlx(flatten)]
    pub message: Message,
    /// The save's own id (the paging cursor).
    pub saved_id: String,
    /// When it was saved.
    pub saved_at: DateTime<Utc>,
}

impl Store {
    /// Pins (`pin = true`) or unpins `message`. Returns the event, or `None` when nothing changed.
    pub async fn set_pin(
        &self,
        message: &Message,
        by: &UserId,
        pin: bool,
        at: DateTime<Utc>,
    ) -> Result<Option<StoredEvent>> {
        const PIN: &str = "INSERT INTO pins (channel_id, message_id, pinned_by, pinned_at) VALUES ($1, $2, $3, $4) \
            ON CONFLICT (channel_id, message_id) DO NOTHING";
        const UNPIN: &str = "DELETE FROM pins WHERE channel_id = $1 AND message_id = $2";
        let event = if pin {
            ChannelEvent::PinAdded {
                message_id: message.id.clone(),
                pinned_by: by.clone(),
            }
        } else {
            ChannelEvent::PinRemoved {
                message_id: message.id.clone(),
            }
        };
        let stored = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                let query = sqlx::query(if pin { PIN } else { UNPIN }).bind(&message.channel_id).bind(&message.id);
                let done = if pin { query.bind(by).bind(at) } else { query }.execute(&mut *tx).await?;
                Ok::<_, sqlx::Error>(commit_if_changed!(tx, done.rows_affected(), &message.channel_id, at, event))
            }
            .await
        })?;
        Ok(stored)
    }

    /// The pins of `channel`, newest first.
    pub async fn pins(&self, channel: &ChannelId) -> Result<Vec<PinRow>> {
        const SQL: &str = "SELECT x.*, p.pinned_by, p.pinned_at FROM pins p JOIN messages x ON x.id = p.message_id \
            WHERE p.channel_id = $1 AND x.deleted_at IS NULL ORDER BY p.pinned_at DESC";
        Ok(db_run!(self, pool => sqlx::query_as(SQL).bind(channel).fetch_all(pool).await)?)
    }

    /// The pin of `message`, if it is pinned.
    pub async fn pin(&self, message: &MessageId) -> Result<Option<PinRow>> {
        const SQL: &str = "SELECT x.*, p.pinned_by, p.pinned_at FROM pins p JOIN messages x ON x.id = p.message_id \
            WHERE p.message_id = $1";
        Ok(db_run!(self, pool => sqlx::query_as(SQL).bind(message).fetch_optional(pool).await)?)
    }

    /// Saves `message` for `user` (idempotent).
    pub async fn save_message(&self, user: &UserId, message: &MessageId, at: DateTime<Utc>) -> Result<()> {
        const SQL: &str = "INSERT INTO saved_messages (id, user_id, message_id, saved_at) VALUES ($1, $2, $3, $4) \
            ON CONFLICT (user_id, message_id) DO NOTHING";
        let id = uuid::Uuid::now_v7().to_string();
        db_write!(self, pool => {
            sqlx::query(SQL).bind(id).bind(user).bind(message).bind(at).execute(pool).await.map(|_| ())
        })?;
        Ok(())
    }

    /// Forgets a saved message (idempotent).
    pub async fn unsave_message(&self, user: &UserId, message: &MessageId) -> Result<()> {
        db_write!(self, pool => {
            sqlx::query("DELETE FROM saved_messages WHERE user_id = $1 AND message_id = $2")
                .bind(user)
                .bind(message)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// `user`'s saved messages, newest save first, before the cursor (a save id).
    pub async fn saved_messages(&self, user: &UserId, before: Option<&str>, limit: u32) -> Result<Vec<SavedRow>> {
        const SQL: &str = "SELECT x.*, s.id AS saved_id, s.saved_at FROM saved_messages s \
            JOIN messages x ON x.id = s.message_id \
            WHERE s.user_id = $1 AND ($2 IS NULL OR s.id < $2) ORDER BY s.id DESC LIMIT $3";
        Ok(db_run!(self, pool => {
            sqlx::query_as(SQL).bind(user).bind(before).bind(i64::from(limit)).fetch_all(pool).await
        })?)
    }
}
