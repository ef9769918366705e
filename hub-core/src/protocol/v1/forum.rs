//! The forum: posts, comment trees and votes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::{Comment, CommentId, Post, PostId, UserId};

/// `POST /posts`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePostRequest {
    /// 1 to `forum.max_title_length` characters.
    pub title: String,
    /// Up to `forum.max_post_length` characters.
    #[serde(default)]
    pub body: String,
    /// Lowercase tags (`[a-z0-9-]`, at most `forum.max_tags_per_post`).
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `PATCH /posts/{id}`: the fields given change; the earlier title and body are kept as a version.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePostRequest {
    /// A new title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A new body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// New tags (replacing all of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// A post as the caller sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PostView {
    /// Its id.
    pub id: PostId,
    /// Who wrote it.
    pub author_id: Option<UserId>,
    /// Its title (empty once deleted).
    pub title: String,
    /// Its text (empty once deleted).
    pub body: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Upvotes minus downvotes.
    pub score: i64,
    /// How many voted +1.
    pub upvotes: i64,
    /// How many voted -1.
    pub downvotes: i64,
    /// The caller's vote: 1, -1 or 0 (always 0 in live events, which go to everyone).
    pub my_vote: i64,
    /// Comments on it.
    pub comment_count: i64,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// Deleted posts stay as tombstones so their comments stay readable.
    pub deleted: bool,
}

/// `POST /posts/{id}/comments`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCommentRequest {
    /// 1 to `forum.max_comment_length` characters.
    pub body: String,
    /// The comment (of the same post) it replies to.
    #[serde(default)]
    pub parent_id: Option<CommentId>,
}

/// `PATCH /comments/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCommentRequest {
    /// The new text.
    pub body: String,
}

/// A comment as the caller sees it, in its place in the tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommentView {
    /// Its id.
    pub id: CommentId,
    /// The post it is on.
    pub post_id: PostId,
    /// The comment it replies to.
    pub parent_id: Option<CommentId>,
    /// 0 at the top level.
    pub depth: i64,
    /// Who wrote it (`null` when hidden).
    pub author_id: Option<UserId>,
    /// Its text (empty once deleted, or when hidden).
    pub body: String,
    /// Direct replies.
    pub reply_count: i64,
    /// Upvotes minus downvotes.
    pub score: i64,
    /// How many voted +1.
    pub upvotes: i64,
    /// How many voted -1.
    pub downvotes: i64,
    /// The caller's vote (always 0 in live events).
    pub my_vote: i64,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// Deleted comments stay as tombstones so their replies keep their place.
    pub deleted: bool,
    /// Written by someone the caller mutes or blocks (or who blocks them): its text and author
    /// are left out, its place (and the replies under it) kept.
    pub hidden: bool,
}

/// `POST /posts/{id}/vote`, `POST /comments/{id}/vote`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    /// 1 (up), -1 (down) or 0 (take the vote back).
    #[schema(minimum = -1, maximum = 1)]
    #[serde(deserialize_with = "super::common::whole_number")]
    pub value: i64,
}

/// The counts after a vote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VoteView {
    /// Upvotes minus downvotes.
    pub score: i64,
    /// How many voted +1.
    pub upvotes: i64,
    /// How many voted -1.
    pub downvotes: i64,
    /// The caller's vote now.
    pub my_vote: i64,
}

impl PostView {
    /// The view of `post` with its `tags`, as someone whose vote is `my_vote` sees it.
    pub fn new(post: &Post, tags: Vec<String>, my_vote: i64) -> PostView {
        let deleted = post.deleted_at.is_some();
        PostView {
            id: post.id.clone(),
            author_id: post.author_id.clone(),
            title: post.title.clone(),
            body: post.body.clone(),
            tags: if deleted { Vec::new() } else { tags },
            score: post.score,
            upvotes: post.upvotes,
            downvotes: post.downvotes,
            my_vote,
            comment_count: post.comment_count,
            created_at: post.created_at,
            edited_at: post.edited_at,
            deleted,
        }
    }
}

impl CommentView {
    /// The view of `comment` as someone whose vote is `my_vote` sees it; `hidden` leaves its
    /// text and author out.
    pub fn new(comment: &Comment, my_vote: i64, hidden: bool) -> CommentView {
        CommentView {
            id: comment.id.clone(),
            post_id: comment.post_id.clone(),
            parent_id: comment.parent_id.clone(),
            depth: comment.depth,
            author_id: if hidden { None } else { comment.author_id.clone() },
            body: if hidden { String::new() } else { comment.body.clone() },
            reply_count: comment.reply_count,
            score: comment.score,
            upvotes: comment.upvotes,
            downvotes: comment.downvotes,
            my_vote,
            created_at: comment.created_at,
            edited_at: comment.edited_at,
            deleted: comment.deleted_at.is_some(),
            hidden,
        }
    }
}
