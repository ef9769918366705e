//! Forum post rows: written with their tags and event, edited with their earlier version kept,
//! deleted as tombstones, listed new/top/hot with keyset cursors, and voted on exactly (the
//! counts are recomputed from the vote rows under the item's row lock, never in Rust).

use chrono::{DateTime, Utc};

use super::safety::heard_from;
use super::{Store, db_run, db_write};
use crate::error::Result;
use crate::model::{ChannelId, Post, PostId, PostSort, UserId};
use crate::protocol::v1::{ChannelEvent, StoredEvent};
use crate::rules::forum::hot_rank;

/// Takes the forum log's next position and writes `$event` there, inside `$tx`; evaluates to
/// the [`StoredEvent`] (the forum's `channel_id` is [`ChannelId::forum`]).
macro_rules! forum_event {
    ($tx:expr, $at:expr, $event:expr) => {{
        let event: $crate::protocol::v1::ChannelEvent = $event;
        let seq: i64 =
            sqlx::query_scalar("UPDATE forum_log SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq")
                .fetch_one(&mut *$tx)
                .await?;
        let payload = serde_json::to_string(&event).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
        sqlx::query("INSERT INTO forum_events (seq, kind, payload, created_at) VALUES ($1, $2, $3, $4)")
            .bind(seq)
            .bind(event.kind())
            .bind(payload)
            .bind($at)
            .execute(&mut *$tx)
            .await?;
        $crate::protocol::v1::StoredEvent {
            channel_id: $crate::model::ChannelId::forum(),
            seq,
            at: $at,
            event,
        }
    }};
}
pub(super) use forum_event;

/// What a list of posts asks for.
#[derive(Debug, Clone)]
pub(crate) struct PostQuery<'a> {
    pub viewer: &'a UserId,
    pub sort: PostSort,
    pub tag: Option<&'a str>,
    pub author: Option<&'a UserId>,
    pub since: Option<DateTime<Utc>>,
    /// After this post (its id, score and hot rank: the keyset of every order).
    pub after: Option<&'a Post>,
    pub limit: u32,
}

/// Posts or comments: the two vote tables and their items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Votable {
    Post,
    Comment,
}

impl Votable {
    fn lock_sql(self) -> &'static str {
        match self {
            Votable::Post => "UPDATE posts SET score = score WHERE id = $1 AND deleted_at IS NULL",
            Votable::Comment => "UPDATE comments SET score = score WHERE id = $1 AND deleted_at IS NULL",
        }
    }

    fn clear_sql(self) -> &'static str {
        match self {
            Votable::Post => "DELETE FROM post_votes WHERE post_id = $1 AND user_id = $2",
            Votable::Comment => "DELETE FROM comment_votes WHERE comment_id = $1 AND user_id = $2",
        }
    }

    fn cast_sql(self) -> &'static str {
        match self {
            Votable::Post => {
                "INSERT INTO post_votes (post_id, user_id, value, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (post_id, user_id) DO UPDATE SET value = excluded.value"
            }
            Votable::Comment => {
                "INSERT INTO comment_votes (comment_id, user_id, value, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (comment_id, user_id) DO UPDATE SET value = excluded.value"
            }
        }
    }

    fn recount_sql(self) -> &'static str {
        match self {
            Votable::Post => {
                "UPDATE posts SET \
                 upvotes = (SELECT COUNT(*) FROM post_votes WHERE post_id = $1 AND value = 1), \
                 downvotes = (SELECT COUNT(*) FROM post_votes WHERE post_id = $1 AND value = -1), \
                 score = (SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM post_votes WHERE post_id = $1) \
                 WHERE id = $1 RETURNING score, upvotes, downvotes, created_at"
            }
            Votable::Comment => {
                "UPDATE comments SET \
                 upvotes = (SELECT COUNT(*) FROM comment_votes WHERE comment_id = $1 AND value = 1), \
                 downvotes = (SELECT COUNT(*) FROM comment_votes WHERE comment_id = $1 AND value = -1), \
                 score = (SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM comment_votes WHERE comment_id = $1) \
                 WHERE id = $1 RETURNING score, upvotes, downvotes, created_at"
            }
        }
    }

    fn name(self) -> &'static str {
        match self {
            Votable::Post => "post",
            Votable::Comment => "comment",
        }
    }
}

/// The counts after a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct VoteCounts {
    pub score: i64,
    pub upvotes: i64,
    pub downvotes: i64,
}

#[derive(sqlx::FromRow)]
struct CountsRow {
    score: i64,
    upvotes: i64,
    downvotes: i64,
    created_at: DateTime<Utc>,
}

const INSERT_POST: &str = "INSERT INTO posts (id, author_id, title, body, hot_rank, created_at) \
    VALUES ($1, $2, $3, $4, $5, $6)";

impl Store {
    /// Writes a new post with its tags, and its event.
    pub async fn insert_post(
        &self,
        post: &Post,
        tags: &[String],
        make_event: impl FnOnce() -> ChannelEvent,
    ) -> Result<StoredEvent> {
        let stored = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query(INSERT_POST)
                    .bind(&post.id)
                    .bind(&post.author_id)
                    .bind(&post.title)
                    .bind(&post.body)
                    .bind(post.hot_rank)
                    .bind(post.created_at)
                    .execute(&mut *tx)
                    .await?;
                for tag in tags {
                    sqlx::query("INSERT INTO post_tags (post_id, tag) VALUES ($1, $2)").bind(&post.id).bind(tag).execute(&mut *tx).await?;
                }
                let event = forum_event!(tx, post.created_at, make_event());
                tx.commit().await?;
                Ok::<_, sqlx::Error>(event)
            }
            .await
        })?;
        Ok(stored)
    }

    /// The post with `id`.
    pub async fn post(&self, id: &PostId) -> Result<Option<Post>> {
        Ok(
            db_run!(self, pool => sqlx::query_as("SELECT * FROM posts WHERE id = $1").bind(id).fetch_optional(pool).await)?,
        )
    }

    /// The tags of each of `posts`.
    pub async fn post_tags(&self, posts: &[PostId]) -> Result<Vec<(PostId, String)>> {
        if posts.is_empty() {
            return Ok(Vec::new());
        }
        Ok(db_run!(self, pool => {
            let mut query = sqlx::QueryBuilder::new("SELECT post_id, tag FROM post_tags WHERE post_id IN (");
            let mut list = query.separated(", ");
            for id in posts {
                list.push_bind(id);
            }
            query.push(") ORDER BY tag");
            query.build_query_as().fetch_all(pool).await
        })?)
    }

    /// Replaces a post's title, body and (given) tags, keeping the earlier version, and logs
    /// the event `make_event` makes of the post now.
    pub async fn update_post(
        &self,
        old: &Post,
        title: &str,
        body: &str,
        tags: Option<&[String]>,
        at: DateTime<Utc>,
        make_event: impl FnOnce(&Post) -> ChannelEvent,
    ) -> Result<(Post, StoredEvent)> {
        const KEEP: &str =
            "INSERT INTO post_versions (post_id, title, body, written_at, replaced_at) VALUES ($1, $2, $3, $4, $5)";
        const UPDATE: &str = "UPDATE posts SET title = $2, body = $3, edited_at = $4 WHERE id = $1 RETURNING *";
        let updated = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query(KEEP)
                    .bind(&old.id)
                    .bind(&old.title)
                    .bind(&old.body)
                    .bind(old.edited_at.unwrap_or(old.created_at))
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                let post: Post = sqlx::query_as(UPDATE).bind(&old.id).bind(title).bind(body).bind(at).fetch_one(&mut *tx).await?;
                if let Some(tags) = tags {
                    sqlx::query("DELETE FROM post_tags WHERE post_id = $1").bind(&old.id).execute(&mut *tx).await?;
                    for tag in tags {
                        sqlx::query("INSERT INTO post_tags (post_id, tag) VALUES ($1, $2)").bind(&old.id).bind(tag).execute(&mut *tx).await?;
                    }
                }
                let event = forum_event!(tx, at, make_event(&post));
                tx.commit().await?;
                Ok::<_, sqlx::Error>((post, event))
            }
            .await
        })?;
        Ok(updated)
    }

    /// Turns a post into a tombstone (its text and earlier versions erased, its comments kept).
    /// `None` when it was already deleted.
    pub async fn delete_post(&self, post: &PostId, at: DateTime<Utc>) -> Result<Option<StoredEvent>> {
        const TOMBSTONE: &str =
            "UPDATE posts SET title = '', body = '', deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL";
        let stored = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                let done = sqlx::query(TOMBSTONE).bind(post).bind(at).execute(&mut *tx).await?;
                if done.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok::<_, sqlx::Error>(None);
                }
                sqlx::query("DELETE FROM post_versions WHERE post_id = $1").bind(post).execute(&mut *tx).await?;
                let event = forum_event!(tx, at, ChannelEvent::PostDeleted { post_id: post.clone() });
                tx.commit().await?;
                Ok(Some(event))
            }
            .await
        })?;
        Ok(stored)
    }

    /// A page of posts (deleted ones and those of people the viewer does not hear from left out).
    pub async fn posts(&self, query: &PostQuery<'_>) -> Result<Vec<Post>> {
        const FILTER: &str = concat!(
            "SELECT p.* FROM posts p WHERE p.deleted_at IS NULL AND ",
            heard_from!("$1", "p.author_id"),
            " AND ($2 IS NULL OR EXISTS (SELECT 1 FROM post_tags t WHERE t.post_id = p.id AND t.tag = $2)) \
             AND ($3 IS NULL OR p.author_id = $3) AND ($4 IS NULL OR p.created_at >= $4) "
        );
        const NEW: &str = "AND ($5 IS NULL OR p.id < $5) ORDER BY p.id DESC LIMIT $8";
        const TOP: &str = "AND ($5 IS NULL OR p.score < $6 OR (p.score = $6 AND p.id < $5)) \
            ORDER BY p.score DESC, p.id DESC LIMIT $8";
        const HOT: &str = "AND ($5 IS NULL OR p.hot_rank < $7 OR (p.hot_rank = $7 AND p.id < $5)) \
            ORDER BY p.hot_rank DESC, p.id DESC LIMIT $8";
        let order = match query.sort {
            PostSort::New => NEW,
            PostSort::Top => TOP,
            PostSort::Hot => HOT,
        };
        let sql = format!("{FILTER}{order}");
        let after = query.after;
        Ok(db_run!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(query.viewer)
                .bind(query.tag)
                .bind(query.author)
                .bind(query.since)
                .bind(after.map(|post| &post.id))
                .bind(after.map(|post| post.score))
                .bind(after.map(|post| post.hot_rank))
                .bind(i64::from(query.limit))
                .fetch_all(pool)
                .await
        })?)
    }

    /// `viewer`'s votes on each of `items` (posts or comments, by id text).
    pub async fn my_votes(&self, votable: Votable, viewer: &UserId, items: &[String]) -> Result<Vec<(String, i64)>> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let start = match votable {
            Votable::Post => "SELECT post_id, value FROM post_votes WHERE user_id = ",
            Votable::Comment => "SELECT comment_id, value FROM comment_votes WHERE user_id = ",
        };
        Ok(db_run!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(start);
            query.push_bind(viewer);
            query.push(match votable {
                Votable::Post => " AND post_id IN (",
                Votable::Comment => " AND comment_id IN (",
            });
            let mut list = query.separated(", ");
            for id in items {
                list.push_bind(id);
            }
            query.push(")");
            query.build_query_as().fetch_all(pool).await
        })?)
    }

    /// Sets `user`'s vote on a post or comment (0 clears it) and recounts its score exactly;
    /// `None` when the item does not exist or is deleted. Keeps a post's hot rank in step and
    /// logs `vote.changed`.
    pub async fn vote(
        &self,
        votable: Votable,
        id: &str,
        user: &UserId,
        value: i64,
        at: DateTime<Utc>,
    ) -> Result<Option<(VoteCounts, StoredEvent)>> {
        let voted = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                // The item's row lock: concurrent votes on it recount one after another.
                let locked = sqlx::query(votable.lock_sql()).bind(id).execute(&mut *tx).await?;
                if locked.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok::<_, sqlx::Error>(None);
                }
                if value == 0 {
                    sqlx::query(votable.clear_sql()).bind(id).bind(user).execute(&mut *tx).await?;
                } else {
                    sqlx::query(votable.cast_sql()).bind(id).bind(user).bind(value).bind(at).execute(&mut *tx).await?;
                }
                let row: CountsRow = sqlx::query_as(votable.recount_sql()).bind(id).fetch_one(&mut *tx).await?;
                if votable == Votable::Post {
                    sqlx::query("UPDATE posts SET hot_rank = $2 WHERE id = $1")
                        .bind(id)
                        .bind(hot_rank(row.score, row.created_at))
                        .execute(&mut *tx)
                        .await?;
                }
                let event = forum_event!(tx, at, ChannelEvent::VoteChanged {
                    target_type: votable.name().to_owned(),
                    target_id: id.to_owned(),
                    score: row.score,
                    upvotes: row.upvotes,
                    downvotes: row.downvotes,
                });
                tx.commit().await?;
                let counts = VoteCounts { score: row.score, upvotes: row.upvotes, downvotes: row.downvotes };
                Ok(Some((counts, event)))
            }
            .await
        })?;
        Ok(voted)
    }

    /// Forum events after `after_seq`, oldest first, at most `limit`.
    pub async fn forum_events_after(&self, after_seq: i64, limit: u32) -> Result<Vec<StoredEvent>> {
        const SQL: &str = "SELECT seq, payload, created_at FROM forum_events WHERE seq > $1 ORDER BY seq LIMIT $2";
        let rows: Vec<(i64, String, DateTime<Utc>)> = db_run!(self, pool => {
            sqlx::query_as(SQL).bind(after_seq).bind(i64::from(limit)).fetch_all(pool).await
        })?;
        rows.into_iter()
            .map(|(seq, payload, at)| {
                let event: ChannelEvent = serde_json::from_str(&payload).map_err(crate::error::Error::internal)?;
                Ok(StoredEvent {
                    channel_id: ChannelId::forum(),
                    seq,
                    at,
                    event,
                })
            })
            .collect()
    }
}
