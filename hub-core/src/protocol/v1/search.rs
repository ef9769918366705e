//! Search results: what `GET /search/*` returns, each hit with the thing found and a
//! highlighted snippet of where the words matched.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ChannelView, CommentView, FileView, MessageView, PostView, UserView};
use crate::model::{ChannelId, ChannelKind};
pub use crate::rules::search::SnippetSegment;

/// The channel a message hit is in, enough to show and open it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HitChannel {
    /// Its id.
    pub id: ChannelId,
    /// Its name (generated for direct conversations).
    pub name: String,
    /// Its kind.
    pub kind: ChannelKind,
}

/// A message that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MessageHit {
    /// The message.
    pub message: MessageView,
    /// Its channel.
    pub channel: HitChannel,
    /// Where the words matched, cut into plain and highlighted pieces.
    pub snippet: Vec<SnippetSegment>,
}

/// A file that matched (by name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FileHit {
    /// The file.
    pub file: FileView,
    /// Where the words matched.
    pub snippet: Vec<SnippetSegment>,
}

/// A channel that matched (by name, topic or description).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChannelHit {
    /// The channel.
    pub channel: ChannelView,
    /// Where the words matched.
    pub snippet: Vec<SnippetSegment>,
}

/// A person who matched (by username or full name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserHit {
    /// The person.
    pub user: UserView,
    /// Where the words matched.
    pub snippet: Vec<SnippetSegment>,
}

/// A forum post, or a comment on one, that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PostHit {
    /// The post (the one commented on, for a comment).
    pub post: PostView,
    /// The comment that matched, when it was a comment.
    pub comment: Option<CommentView>,
    /// Where the words matched.
    pub snippet: Vec<SnippetSegment>,
}

/// The order of message results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    /// Best match first (the default).
    #[default]
    Best,
    /// Newest first.
    Newest,
}
