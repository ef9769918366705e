//! Events: every change a client may see, as stored in a channel's log and (with the real-time
//! gateway) pushed to connections. Tagged by `type`, defined once for server, SDK and tests.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ChannelView, CommentView, MessageView, PostView};
use crate::model::{ChannelId, ChannelRole, CommentId, FileId, MessageId, PostId, UserId};

/// Why someone is no longer a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LeaveReason {
    /// They left.
    Left,
    /// A moderator removed them.
    Kicked,
    /// A moderator banned them.
    Banned,
}

/// A change in one channel. Message views in events carry no reactions (those come as
/// `reaction.*` events, and whether "me" reacted depends on the reader).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type")]
pub enum ChannelEvent {
    /// A channel was made (the first event of its log).
    #[serde(rename = "channel.created")]
    ChannelCreated {
        /// The channel.
        channel: ChannelView,
    },
    /// Name, description or topic changed.
    #[serde(rename = "channel.updated")]
    ChannelUpdated {
        /// The channel now.
        channel: ChannelView,
    },
    /// The channel was archived.
    #[serde(rename = "channel.archived")]
    ChannelArchived {
        /// The channel now.
        channel: ChannelView,
    },
    /// Someone joined or was added.
    #[serde(rename = "member.joined")]
    MemberJoined {
        /// Who.
        user_id: UserId,
        /// Their role.
        role: ChannelRole,
    },
    /// Someone left, was kicked or banned.
    #[serde(rename = "member.left")]
    MemberLeft {
        /// Who.
        user_id: UserId,
        /// Why.
        reason: LeaveReason,
    },
    /// A member's role or time-out changed.
    #[serde(rename = "member.updated")]
    MemberUpdated {
        /// Who.
        user_id: UserId,
        /// Their role.
        role: ChannelRole,
        /// They may not post before this time.
        timed_out_until: Option<DateTime<Utc>>,
    },
    /// A message was sent.
    #[serde(rename = "message.created")]
    MessageCreated {
        /// The message.
        message: MessageView,
    },
    /// A message was edited.
    #[serde(rename = "message.updated")]
    MessageUpdated {
        /// The message now.
        message: MessageView,
    },
    /// A message was deleted (it stays as a tombstone).
    #[serde(rename = "message.deleted")]
    MessageDeleted {
        /// The message.
        message_id: MessageId,
        /// Its thread, when it was a reply.
        parent_id: Option<MessageId>,
    },
    /// A file was taken off a message (deleted by its uploader or a moderator).
    #[serde(rename = "file.deleted")]
    FileDeleted {
        /// The file.
        file_id: FileId,
        /// The message it was on.
        message_id: MessageId,
    },
    /// Someone reacted.
    #[serde(rename = "reaction.added")]
    ReactionAdded {
        /// On which message.
        message_id: MessageId,
        /// With which reaction.
        emoji: String,
        /// Who.
        user_id: UserId,
    },
    /// Someone took a reaction back.
    #[serde(rename = "reaction.removed")]
    ReactionRemoved {
        /// On which message.
        message_id: MessageId,
        /// Which reaction.
        emoji: String,
        /// Who.
        user_id: UserId,
    },
    /// A message was pinned.
    #[serde(rename = "pin.added")]
    PinAdded {
        /// The message.
        message_id: MessageId,
        /// By whom.
        pinned_by: UserId,
    },
    /// A message was unpinned.
    #[serde(rename = "pin.removed")]
    PinRemoved {
        /// The message.
        message_id: MessageId,
    },
    /// A forum post was written (forum log only).
    #[serde(rename = "post.created")]
    PostCreated {
        /// The post.
        post: PostView,
    },
    /// A forum post was edited.
    #[serde(rename = "post.updated")]
    PostUpdated {
        /// The post now.
        post: PostView,
    },
    /// A forum post was deleted (its comments stay).
    #[serde(rename = "post.deleted")]
    PostDeleted {
        /// The post.
        post_id: PostId,
    },
    /// A comment was written.
    #[serde(rename = "comment.created")]
    CommentCreated {
        /// The comment.
        comment: CommentView,
    },
    /// A comment was edited.
    #[serde(rename = "comment.updated")]
    CommentUpdated {
        /// The comment now.
        comment: CommentView,
    },
    /// A comment was deleted (its replies stay).
    #[serde(rename = "comment.deleted")]
    CommentDeleted {
        /// The comment.
        comment_id: CommentId,
        /// Its post.
        post_id: PostId,
    },
    /// A post's or comment's score changed (never who voted).
    #[serde(rename = "vote.changed")]
    VoteChanged {
        /// `post` or `comment`.
        target_type: String,
        /// Its id.
        target_id: String,
        /// Upvotes minus downvotes.
        score: i64,
        /// How many voted +1.
        upvotes: i64,
        /// How many voted -1.
        downvotes: i64,
    },
}

impl ChannelEvent {
    /// Whose words or doing the event carries to readers (a message's author, who reacted):
    /// what a receiver who does not hear from that person is not sent.
    pub fn speaker(&self) -> Option<&UserId> {
        match self {
            ChannelEvent::MessageCreated { message } | ChannelEvent::MessageUpdated { message } => {
                message.author_id.as_ref()
            }
            ChannelEvent::ReactionAdded { user_id, .. } | ChannelEvent::ReactionRemoved { user_id, .. } => {
                Some(user_id)
            }
            ChannelEvent::PostCreated { post } | ChannelEvent::PostUpdated { post } => post.author_id.as_ref(),
            ChannelEvent::CommentCreated { comment } | ChannelEvent::CommentUpdated { comment } => {
                comment.author_id.as_ref()
            }
            _ => None,
        }
    }

    /// The event's `type` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            ChannelEvent::ChannelCreated { .. } => "channel.created",
            ChannelEvent::ChannelUpdated { .. } => "channel.updated",
            ChannelEvent::ChannelArchived { .. } => "channel.archived",
            ChannelEvent::MemberJoined { .. } => "member.joined",
            ChannelEvent::MemberLeft { .. } => "member.left",
            ChannelEvent::MemberUpdated { .. } => "member.updated",
            ChannelEvent::MessageCreated { .. } => "message.created",
            ChannelEvent::MessageUpdated { .. } => "message.updated",
            ChannelEvent::MessageDeleted { .. } => "message.deleted",
            ChannelEvent::ReactionAdded { .. } => "reaction.added",
            ChannelEvent::ReactionRemoved { .. } => "reaction.removed",
            ChannelEvent::PinAdded { .. } => "pin.added",
            ChannelEvent::PinRemoved { .. } => "pin.removed",
            ChannelEvent::PostCreated { .. } => "post.created",
            ChannelEvent::PostUpdated { .. } => "post.updated",
            ChannelEvent::PostDeleted { .. } => "post.deleted",
            ChannelEvent::CommentCreated { .. } => "comment.created",
            ChannelEvent::CommentUpdated { .. } => "comment.updated",
            ChannelEvent::CommentDeleted { .. } => "comment.deleted",
            ChannelEvent::VoteChanged { .. } => "vote.changed",
            ChannelEvent::FileDeleted { .. } => "file.deleted",
        }
    }
}

/// An event with its place in its channel's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StoredEvent {
    /// The channel.
    pub channel_id: ChannelId,
    /// Its position in the channel's log: 1, 2, 3, ... with no gaps.
    pub seq: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened.
    #[serde(flatten)]
    pub event: ChannelEvent,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_matches_kind() -> Result<(), serde_json::Error> {
        let event = ChannelEvent::PinRemoved { message_id: "m".into() };
        let json = serde_json::to_value(&event)?;
        assert_eq!(json["type"], event.kind());
        let stored = StoredEvent {
            channel_id: "c".into(),
            seq: 3,
            at: Utc::now(),
            event,
        };
        let json = serde_json::to_value(&stored)?;
        assert_eq!(json["type"], "pin.removed");
        assert_eq!(json["seq"], 3);
        let back: StoredEvent = serde_json::from_value(json)?;
        assert_eq!(back, stored);
        Ok(())
    }
}
