//! Forum posts and comments, as stored.

use chrono::{DateTime, Utc};

use super::text_enum::text_enum;
use super::{CommentId, PostId, UserId};

text_enum!(
    /// How a list of posts is ordered.
    PostSort {
        /// Newest first.
        New => "new",
        /// Highest score first (within a time window).
        Top => "top",
        /// Score weighed by age (see `rules::forum::hot_rank`).
        Hot => "hot",
    }
);

text_enum!(
    /// How far back `top` looks.
    TimeWindow {
        /// The last 24 hours.
        Day => "day",
        /// The last 7 days.
        Week => "week",
        /// The last 30 days.
        Month => "month",
        /// Ever.
        All => "all",
    }
);

text_enum!(
    /// How a comment tree's top level is ordered (replies follow their parent, oldest first).
    CommentSort {
        /// Highest score first.
        Top => "top",
        /// Newest first.
        New => "new",
    }
);

/// A post, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Post {
    /// Its id.
    pub id: PostId,
    /// Who wrote it.
    pub author_id: Option<UserId>,
    /// Its title (empty once deleted).
    pub title: String,
    /// Its text (empty once deleted).
    pub body: String,
    /// Upvotes minus downvotes.
    pub score: i64,
    /// How many voted +1.
    pub upvotes: i64,
    /// How many voted -1.
    pub downvotes: i64,
    /// Its place in `hot` order.
    pub hot_rank: f64,
    /// Comments on it (deleted ones included: they keep their place).
    pub comment_count: i64,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// When it was deleted (a tombstone keeps the comments readable).
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A comment, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Comment {
    /// Its id.
    pub id: CommentId,
    /// The post it is on.
    pub post_id: PostId,
    /// The comment it replies to.
    pub parent_id: Option<CommentId>,
    /// The top-level comment of its branch (itself at the top level).
    pub root_id: CommentId,
    /// 0 at the top level, one more per reply.
    pub depth: i64,
    /// Who wrote it.
    pub author_id: Option<UserId>,
    /// Its text (empty once deleted).
    pub body: String,
    /// Upvotes minus downvotes.
    pub score: i64,
    /// How many voted +1.
    pub upvotes: i64,
    /// How many voted -1.
    pub downvotes: i64,
    /// Direct replies to it.
    pub reply_count: i64,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// When it was deleted.
    pub deleted_at: Option<DateTime<Utc>>,
}
