//! Comment rows: written with their parent's and post's counters, edited with their earlier
//! version kept, deleted as tombstones, and read as a tree a page of top-level comments at a time.

use chrono::{DateTime, Utc};

use super::forum::forum_event;
use super::{Store, db_run, db_write};
use crate::error::Result;
use crate::model::{Comment, CommentId, CommentSort, PostId};
use crate::protocol::v1::{ChannelEvent, StoredEvent};

impl Store {
    /// Writes a comment, counts it on its post and its parent, and logs its event.
    pub async fn insert_comment(
        &self,
        comment: &Comment,
        make_event: impl FnOnce() -> ChannelEvent,
    ) -> Result<StoredEvent> {
        const INSERT: &str = "INSERT INTO comments (id, post_id, parent_id, root_id, depth, author_id, body, created_at) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        let stored = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query(INSERT)
                    .bind(&comment.id)
                    .bind(&comment.post_id)
                    .bind(&comment.parent_id)
                    .bind(&comment.root_id)
                    .bind(comment.depth)
                    .bind(&comment.author_id)
                    .bind(&comment.body)
                    .bind(comment.created_at)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE posts SET comment_count = comment_count + 1 WHERE id = $1")
                    .bind(&comment.post_id)
                    .execute(&mut *tx)
                    .await?;
                if let Some(parent) = &comment.parent_id {
                    sqlx::query("UPDATE comments SET reply_count = reply_count + 1 WHERE id = $1").bind(parent).execute(&mut *tx).await?;
                }
                let event = forum_event!(tx, comment.created_at, make_event());
                tx.commit().await?;
                Ok::<_, sqlx::Error>(event)
            }
            .await
        })?;
        Ok(stored)
    }

    /// The comment with `id`.
    pub async fn comment(&self, id: &CommentId) -> Result<Option<Comment>> {
        Ok(
            db_run!(self, pool => sqlx::query_as("SELECT * FROM comments WHERE id = $1").bind(id).fetch_optional(pool).await)?,
        )
    }

    /// Replaces a comment's text, keeping the earlier version, and logs the event
    /// `make_event` makes of the comment now.
    pub async fn update_comment(
        &self,
        old: &Comment,
        body: &str,
        at: DateTime<Utc>,
        make_event: impl FnOnce(&Comment) -> ChannelEvent,
    ) -> Result<(Comment, StoredEvent)> {
        const KEEP: &str =
            "INSERT INTO comment_versions (comment_id, body, written_at, replaced_at) VALUES ($1, $2, $3, $4)";
        const UPDATE: &str = "UPDATE comments SET body = $2, edited_at = $3 WHERE id = $1 RETURNING *";
        let updated = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query(KEEP)
                    .bind(&old.id)
                    .bind(&old.body)
                    .bind(old.edited_at.unwrap_or(old.created_at))
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                let comment: Comment = sqlx::query_as(UPDATE).bind(&old.id).bind(body).bind(at).fetch_one(&mut *tx).await?;
                let event = forum_event!(tx, at, make_event(&comment));
                tx.commit().await?;
                Ok::<_, sqlx::Error>((comment, event))
            }
            .await
        })?;
        Ok(updated)
    }

    /// Turns a comment into a tombstone (text and versions erased, replies kept); `None` when
    /// it already was one.
    pub async fn delete_comment(&self, comment: &Comment, at: DateTime<Utc>) -> Result<Option<StoredEvent>> {
        const TOMBSTONE: &str = "UPDATE comments SET body = '', deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL";
        let stored = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                let done = sqlx::query(TOMBSTONE).bind(&comment.id).bind(at).execute(&mut *tx).await?;
                if done.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok::<_, sqlx::Error>(None);
                }
                sqlx::query("DELETE FROM comment_versions WHERE comment_id = $1").bind(&comment.id).execute(&mut *tx).await?;
                let deleted = ChannelEvent::CommentDeleted { comment_id: comment.id.clone(), post_id: comment.post_id.clone() };
                let event = forum_event!(tx, at, deleted);
                tx.commit().await?;
                Ok(Some(event))
            }
            .await
        })?;
        Ok(stored)
    }

    /// A page of a post's top-level comments in `sort` order, after the comment `after`.
    pub async fn top_level_comments(
        &self,
        post: &PostId,
        sort: CommentSort,
        after: Option<&Comment>,
        limit: u32,
    ) -> Result<Vec<Comment>> {
        const TOP: &str = "SELECT * FROM comments WHERE post_id = $1 AND parent_id IS NULL \
            AND ($2 IS NULL OR score < $3 OR (score = $3 AND id < $2)) ORDER BY score DESC, id DESC LIMIT $4";
        const NEW: &str = "SELECT * FROM comments WHERE post_id = $1 AND parent_id IS NULL \
            AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3";
        let after_id = after.map(|comment| &comment.id);
        let limit = i64::from(limit);
        Ok(match sort {
            CommentSort::Top => db_run!(self, pool => {
                sqlx::query_as(TOP).bind(post).bind(after_id).bind(after.map(|comment| comment.score)).bind(limit).fetch_all(pool).await
            }),
            CommentSort::New => db_run!(self, pool => {
                sqlx::query_as(NEW).bind(post).bind(after_id).bind(limit).fetch_all(pool).await
            }),
        }?)
    }

    /// Every reply under the top-level comments `roots`, oldest first.
    pub async fn replies_under(&self, roots: &[CommentId]) -> Result<Vec<Comment>> {
        if roots.is_empty() {
            return Ok(Vec::new());
        }
        Ok(db_run!(self, pool => {
            let mut query = sqlx::QueryBuilder::new("SELECT * FROM comments WHERE parent_id IS NOT NULL AND root_id IN (");
            let mut list = query.separated(", ");
            for id in roots {
                list.push_bind(id);
            }
            query.push(") ORDER BY id");
            query.build_query_as().fetch_all(pool).await
        })?)
    }
}
