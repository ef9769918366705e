//! Messages, their earlier versions, mentions and reactions.

use chrono::{DateTime, Utc};

use super::text_enum::text_enum;
use super::{ChannelId, ClientId, MessageId, UserId};

/// A message, as stored. A deleted message stays as a tombstone so threads keep their place.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Message {
    /// Public id.
    pub id: MessageId,
    /// Its channel.
    pub channel_id: ChannelId,
    /// Its position in the channel: gapless, in commit order.
    pub seq: i64,
    /// Who wrote it (none once their account is erased).
    pub author_id: Option<UserId>,
    /// The text (empty once deleted).
    pub content: String,
    /// The sender's idempotency key.
    pub client_id: Option<ClientId>,
    /// The thread it replies to.
    pub parent_id: Option<MessageId>,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When it was last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// When it was deleted.
    pub deleted_at: Option<DateTime<Utc>>,
    /// Replies in its thread.
    pub reply_count: i64,
    /// When its thread last got a reply.
    pub last_reply_at: Option<DateTime<Utc>>,
    /// Files attached to it (their views are read only when there are some).
    pub file_count: i64,
}

/// An earlier version of an edited message.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MessageVersion {
    /// What it said.
    pub content: String,
    /// When that text was written.
    pub written_at: DateTime<Utc>,
}

/// Reacting, or taking a reaction back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReactionChange {
    /// Add the reaction (nothing happens if it is there).
    Add,
    /// Take it back (nothing happens if it is not there).
    Remove,
}

text_enum!(
    /// How a message mentions someone.
    MentionKind {
        /// `@username`.
        User => "user",
        /// `@channel` or `@everyone`.
        Channel => "channel",
        /// `@here`.
        Here => "here",
    }
);

/// How many people reacted with one emoji, and whether the viewer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionCount {
    /// The reaction's code.
    pub emoji: String,
    /// How many users.
    pub count: i64,
    /// Whether the viewer is one of them.
    pub me: bool,
}

/// An entry of the reaction catalog.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Reaction {
    /// Its code, used in URLs (`thumbsup`, or a custom one's name).
    pub code: String,
    /// The Unicode emoji of a system reaction.
    pub glyph: Option<String>,
    /// The picture of a custom reaction.
    pub image_url: Option<String>,
    /// Added by a site admin rather than seeded.
    pub is_custom: bool,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}
