//! File rows: recorded once the bytes are stored, attached to a message as it is sent (in the
//! send's own transaction, see `messages`), read for message views and downloads, and removed
//! with a `file.deleted` event in the channel's log when they were attached.

use chrono::{DateTime, Utc};

use super::events::commit_if_changed;
use super::{Store, db_run, db_write};
use crate::error::Result;
use crate::model::{ChannelId, FileId, MessageId, StoredFile, UserId};
use crate::protocol::v1::{ChannelEvent, StoredEvent};

/// Attaches file `$3` to message `$1` in channel `$2`, if it is `$4`'s and attached to nothing.
pub(crate) const ATTACH_FILE: &str = "UPDATE files SET message_id = $1, channel_id = $2 \
    WHERE id = $3 AND uploader_id = $4 AND message_id IS NULL";

impl Store {
    /// Records a file whose bytes are stored.
    pub(crate) async fn insert_file(&self, file: &StoredFile) -> Result<()> {
        const SQL: &str = "INSERT INTO files (id, uploader_id, name, content_type, size_bytes, width, height, \
            storage_key, message_id, channel_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, $9)";
        db_write!(self, pool => {
            sqlx::query(SQL)
                .bind(&file.id)
                .bind(&file.uploader_id)
                .bind(&file.name)
                .bind(&file.content_type)
                .bind(file.size_bytes)
                .bind(file.width)
                .bind(file.height)
                .bind(&file.storage_key)
                .bind(file.created_at)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    /// The file with `id`.
    pub(crate) async fn file(&self, id: &FileId) -> Result<Option<StoredFile>> {
        Ok(db_run!(self, pool => {
            sqlx::query_as("SELECT * FROM files WHERE id = $1").bind(id).fetch_optional(pool).await
        })?)
    }

    /// The files with these ids (in no particular order).
    pub(crate) async fn files(&self, ids: &[FileId]) -> Result<Vec<StoredFile>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(db_run!(self, pool => {
            let mut query = sqlx::QueryBuilder::new("SELECT * FROM files WHERE id IN (");
            let mut list = query.separated(", ");
            for id in ids {
                list.push_bind(id);
            }
            query.push(")");
            query.build_query_as().fetch_all(pool).await
        })?)
    }

    /// The files attached to these messages, oldest first.
    pub(crate) async fn files_of_messages(&self, messages: &[MessageId]) -> Result<Vec<StoredFile>> {
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        Ok(db_run!(self, pool => {
            let mut query = sqlx::QueryBuilder::new("SELECT * FROM files WHERE message_id IN (");
            let mut list = query.separated(", ");
            for id in messages {
                list.push_bind(id);
            }
            query.push(") ORDER BY id");
            query.build_query_as().fetch_all(pool).await
        })?)
    }

    /// Bytes of files `user` keeps.
    pub(crate) async fn stored_bytes(&self, user: &UserId) -> Result<i64> {
        const SQL: &str = "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM files WHERE uploader_id = $1";
        Ok(db_run!(self, pool => sqlx::query_scalar(SQL).bind(user).fetch_one(pool).await)?)
    }

    /// Every file `user` uploaded (to erase them).
    pub(crate) async fn files_of_uploader(&self, user: &UserId) -> Result<Vec<StoredFile>> {
        Ok(db_run!(self, pool => {
            sqlx::query_as("SELECT * FROM files WHERE uploader_id = $1 ORDER BY id").bind(user).fetch_all(pool).await
        })?)
    }

    /// Removes a file's row; for one attached to a message, also takes it off the message's
    /// count and logs `event` (given for those) in the channel. `None` when it was gone
    /// already; `Some(None)` for a file on no message.
    pub(crate) async fn delete_file(
        &self,
        file: &StoredFile,
        event: Option<ChannelEvent>,
        at: DateTime<Utc>,
    ) -> Result<Option<Option<StoredEvent>>> {
        const DELETE: &str = "DELETE FROM files WHERE id = $1";
        const UNCOUNT: &str = "UPDATE messages SET file_count = file_count - 1 WHERE id = $1 AND file_count > 0";
        let attached: Option<((&MessageId, &ChannelId), ChannelEvent)> =
            file.message_id.as_ref().zip(file.channel_id.as_ref()).zip(event);
        Ok(db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                let removed = sqlx::query(DELETE).bind(&file.id).execute(&mut *tx).await?.rows_affected();
                let Some(((message, channel), event)) = attached else {
                    tx.commit().await?;
                    return Ok::<_, sqlx::Error>((removed > 0).then_some(None));
                };
                sqlx::query(UNCOUNT).bind(message).execute(&mut *tx).await?;
                let stored = commit_if_changed!(tx, removed, channel, at, event);
                Ok(stored.map(Some))
            }
            .await
        })?)
    }
}
