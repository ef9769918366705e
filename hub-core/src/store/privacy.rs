//! What a person's data export reads, and erasure: scrubbing erased text out of the event logs
//! (the creation and edit events keep their positions but become deletions), closing an
//! account, and folding SQLite's WAL into the database file so old page images go too.

use chrono::{DateTime, Utc};

use super::{Store, db_run, db_write};
use crate::error::Result;
use crate::model::{ChannelId, Comment, CommentId, Message, MessageId, Post, PostId, UserId};
use crate::protocol::v1::ChannelEvent;

/// One of a person's votes or reactions, for their export.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub(crate) struct ExportedMark {
    /// What it is on (a post, comment or message id).
    pub target_id: String,
    /// The vote (1 or -1), or the reaction code.
    pub value: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Which of a person's marks an export lists.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Marks {
    PostVotes,
    CommentVotes,
    Reactions,
}

impl Store {
    /// A page of `author`'s messages by id, after `after`.
    pub async fn messages_by(&self, author: &UserId, after: Option<&MessageId>, limit: u32) -> Result<Vec<Message>> {
        const SQL: &str =
            "SELECT * FROM messages WHERE author_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3";
        Ok(
            db_run!(self, pool => sqlx::query_as(SQL).bind(author).bind(after).bind(i64::from(limit)).fetch_all(pool).await)?,
        )
    }

    /// A page of `author`'s posts by id, after `after`.
    pub async fn posts_by(&self, author: &UserId, after: Option<&PostId>, limit: u32) -> Result<Vec<Post>> {
        const SQL: &str = "SELECT * FROM posts WHERE author_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3";
        Ok(
            db_run!(self, pool => sqlx::query_as(SQL).bind(author).bind(after).bind(i64::from(limit)).fetch_all(pool).await)?,
        )
    }

    /// A page of `author`'s comments by id, after `after`.
    pub async fn comments_by(&self, author: &UserId, after: Option<&CommentId>, limit: u32) -> Result<Vec<Comment>> {
        const SQL: &str =
            "SELECT * FROM comments WHERE author_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3";
        Ok(
            db_run!(self, pool => sqlx::query_as(SQL).bind(author).bind(after).bind(i64::from(limit)).fetch_all(pool).await)?,
        )
    }

    /// A page of `user`'s votes or reactions, after the target id `after`.
    pub async fn marks_by(
        &self,
        marks: Marks,
        user: &UserId,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ExportedMark>> {
        let sql = match marks {
            Marks::PostVotes => {
                "SELECT post_id AS target_id, CAST(value AS TEXT) AS value, created_at FROM post_votes \
                 WHERE user_id = $1 AND ($2 IS NULL OR post_id > $2) ORDER BY post_id LIMIT $3"
            }
            Marks::CommentVotes => {
                "SELECT comment_id AS target_id, CAST(value AS TEXT) AS value, created_at FROM comment_votes \
                 WHERE user_id = $1 AND ($2 IS NULL OR comment_id > $2) ORDER BY comment_id LIMIT $3"
            }
            Marks::Reactions => {
                "SELECT message_id AS target_id, code AS value, created_at FROM message_reactions \
                 WHERE user_id = $1 AND ($2 IS NULL OR message_id > $2) ORDER BY message_id, code LIMIT $3"
            }
        };
        Ok(
            db_run!(self, pool => sqlx::query_as(sql).bind(user).bind(after).bind(i64::from(limit)).fetch_all(pool).await)?,
        )
    }

    /// Rewrites the creation and edit events of message `message` in `channel`'s log as its
    /// deletion, so no replay carries its text.
    pub async fn scrub_message_events(
        &self,
        channel: &ChannelId,
        message: &MessageId,
        parent: Option<&MessageId>,
    ) -> Result<()> {
        const SQL: &str = "UPDATE channel_events SET kind = 'message.deleted', payload = $3 \
            WHERE channel_id = $1 AND kind IN ('message.created', 'message.updated') AND payload LIKE $2";
        let deleted = ChannelEvent::MessageDeleted {
            message_id: message.clone(),
            parent_id: parent.cloned(),
        };
        let (pattern, payload) = scrubbed(message.as_str(), &deleted)?;
        db_write!(self, pool => {
            sqlx::query(SQL).bind(channel).bind(&pattern).bind(&payload).execute(pool).await.map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    /// Rewrites the forum events that carry post `post`'s text as its deletion.
    pub async fn scrub_post_events(&self, post: &PostId) -> Result<()> {
        const SQL: &str = "UPDATE forum_events SET kind = 'post.deleted', payload = $2 \
            WHERE kind IN ('post.created', 'post.updated') AND payload LIKE $1";
        self.scrub_forum(SQL, post.as_str(), &ChannelEvent::PostDeleted { post_id: post.clone() })
            .await
    }

    /// Rewrites the forum events that carry comment `comment`'s text as its deletion.
    pub async fn scrub_comment_events(&self, comment: &Comment) -> Result<()> {
        const SQL: &str = "UPDATE forum_events SET kind = 'comment.deleted', payload = $2 \
            WHERE kind IN ('comment.created', 'comment.updated') AND payload LIKE $1";
        let deleted = ChannelEvent::CommentDeleted {
            comment_id: comment.id.clone(),
            post_id: comment.post_id.clone(),
        };
        self.scrub_forum(SQL, comment.id.as_str(), &deleted).await
    }

    async fn scrub_forum(&self, sql: &'static str, id: &str, deleted: &ChannelEvent) -> Result<()> {
        let (pattern, payload) = scrubbed(id, deleted)?;
        db_write!(self, pool => {
            sqlx::query(sql).bind(&pattern).bind(&payload).execute(pool).await.map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    /// Closes `user`'s account: profile emptied, sign-in methods and sessions gone, the
    /// username kept reserved or released (`release_as`).
    pub async fn close_account(&self, user: &UserId, release_as: Option<&str>, at: DateTime<Utc>) -> Result<()> {
        const CLOSE: &str = "UPDATE users SET username = COALESCE($2, username), email = NULL, full_name = '', bio = '', \
            avatar_url = NULL, password_hash = NULL, status = 'offline', is_suspended = TRUE, suspended_until = NULL, \
            deleted_at = $3, updated_at = $3 WHERE id = $1";
        db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query(CLOSE).bind(user).bind(release_as).bind(at).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM oidc_identities WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
                sqlx::query("UPDATE auth_sessions SET revoked_at = $2, revoke_reason = 'account closed' WHERE user_id = $1 AND revoked_at IS NULL")
                    .bind(user)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok::<_, sqlx::Error>(())
            }
            .await
        })?;
        Ok(())
    }

    /// On SQLite, copies every commit into the database file and empties the WAL, so the old
    /// page images it held (erased text among them) are gone; PostgreSQL has nothing to do.
    pub async fn fold_log(&self) -> Result<()> {
        match self {
            Store::Sqlite { direct, .. } => direct.checkpoint_fully().await,
            Store::Postgres(..) => Ok(()),
        }
    }
}

/// The `LIKE` pattern that finds an item's own `"id":"..."` in event payloads (ids are UUIDs: no
/// other text matches), and the payload that replaces them.
fn scrubbed(id: &str, deleted: &ChannelEvent) -> Result<(String, String)> {
    let payload = serde_json::to_string(deleted).map_err(crate::error::Error::internal)?;
    Ok((format!("%\"id\":\"{id}\"%"), payload))
}
