//! Channels, membership, direct messages, messages, threads, mentions, reactions, read markers,
//! pins and saved messages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::UserView;
use crate::model::{
    Channel, ChannelBan, ChannelId, ChannelKind, ChannelRole, ClientId, FileId, MentionKind, Message, MessageId,
    MessageVersion, NotifyLevel, Reaction, ReactionCount, UserId,
};
use crate::protocol::time;

/// `POST /channels`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChannelRequest {
    /// Lowercase slug: letters, digits, `-` and `_`, 1 to 80 characters; unique.
    pub name: String,
    /// `public`, `private` or `voice` (direct conversations come from `POST /dms`).
    pub kind: ChannelKind,
    /// What the channel is for.
    #[serde(default)]
    pub description: Option<String>,
    /// The current topic.
    #[serde(default)]
    pub topic: Option<String>,
}

/// `PATCH /channels/{id}`: only the fields present change.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChannelRequest {
    /// New name.
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// New topic.
    #[serde(default)]
    pub topic: Option<String>,
}

/// A channel as anyone who may see it sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChannelView {
    /// Opaque id.
    pub id: ChannelId,
    /// Slug (generated for direct conversations).
    pub name: String,
    /// `public`, `private`, `voice` or `dm`.
    pub kind: ChannelKind,
    /// What the channel is for.
    pub description: String,
    /// The current topic.
    pub topic: String,
    /// Who made it.
    pub created_by: Option<UserId>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Archived channels are read-only.
    pub archived: bool,
    /// When it was archived.
    pub archived_at: Option<DateTime<Utc>>,
    /// How many members it has.
    pub member_count: i64,
    /// When the newest message was posted.
    pub last_message_at: Option<DateTime<Utc>>,
    /// The position of the channel's newest event: resume from here over the WebSocket.
    pub last_seq: i64,
}

/// One of the caller's channels (`GET /channels/mine`, join, `POST /dms`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MyChannelView {
    /// The channel.
    #[serde(flatten)]
    pub channel: ChannelView,
    /// The caller's role.
    pub role: ChannelRole,
    /// The caller's notification choice.
    pub notify: NotifyLevel,
    /// Top-level messages by others after the read marker.
    pub unread_count: i64,
    /// Mentions of the caller after the read marker (0 when the channel is muted).
    pub mention_count: i64,
    /// The newest top-level message.
    pub last_message: Option<MessageView>,
    /// For direct conversations: everyone in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<UserView>>,
    /// For channel admins and owners of a private channel: the code that lets people join.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_code: Option<String>,
}

/// `POST /channels/{id}/join`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinChannelRequest {
    /// Needed for private channels.
    #[serde(default)]
    pub join_code: Option<String>,
}

/// `POST /channels/{id}/join-code`: the new code (the old one stops working).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct JoinCodeView {
    /// Share it with people who should be able to join.
    pub join_code: String,
}

/// A member of a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MemberView {
    /// Who.
    pub user: UserView,
    /// Their role.
    pub role: ChannelRole,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
    /// They may not post before this time.
    pub timed_out_until: Option<DateTime<Utc>>,
}

/// `POST /channels/{id}/members`: add (invite) someone.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    /// Who to add.
    pub user_id: UserId,
}

/// `PUT /channels/{id}/members/{user_id}/role`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetRoleRequest {
    /// `owner`, `admin` or `member`.
    pub role: ChannelRole,
}

/// `PUT /channels/{id}/members/{user_id}/timeout`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeoutRequest {
    /// The member may not post before this time (RFC 3339, in the future).
    pub until: DateTime<Utc>,
}

/// `PUT /channels/{id}/bans/{user_id}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BanRequest {
    /// Why (shown to moderators).
    #[serde(default)]
    pub reason: Option<String>,
    /// When the ban ends by itself; absent means for good.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// A ban.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BanView {
    /// Who is banned.
    pub user_id: UserId,
    /// Who banned them.
    pub banned_by: Option<UserId>,
    /// Why.
    pub reason: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it ends; `null` is for good.
    pub expires_at: Option<DateTime<Utc>>,
}

/// `POST /channels/{id}/read`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadRequest {
    /// The newest message the caller has seen.
    pub message_id: MessageId,
}

/// `PUT /channels/{id}/notifications`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyRequest {
    /// `all`, `mentions` or `nothing` (muted).
    pub level: NotifyLevel,
}

/// `POST /dms`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDmRequest {
    /// The other people (the caller is added); the same set always gives the same conversation.
    pub user_ids: Vec<UserId>,
}

/// `POST /channels/{id}/messages`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessageRequest {
    /// The text (at most `limits.max_message_length` characters).
    pub content: String,
    /// Your idempotency key: sending again with the same one returns the first message.
    #[serde(default)]
    pub client_id: Option<ClientId>,
    /// Reply in this message's thread.
    #[serde(default)]
    pub parent_id: Option<MessageId>,
    /// Attached files (not available yet: a non-empty list is refused).
    #[serde(default)]
    pub file_ids: Vec<FileId>,
}

/// `PATCH /messages/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditMessageRequest {
    /// The new text.
    pub content: String,
}

/// A message as the caller sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MessageView {
    /// Opaque id.
    pub id: MessageId,
    /// Its channel.
    pub channel_id: ChannelId,
    /// Its position in the channel (gapless, increasing).
    pub seq: i64,
    /// Who wrote it.
    pub author_id: Option<UserId>,
    /// The text; empty when deleted.
    pub content: String,
    /// The sender's idempotency key.
    pub client_id: Option<ClientId>,
    /// The thread it belongs to.
    pub parent_id: Option<MessageId>,
    /// When it was sent.
    #[serde(serialize_with = "time::serialize")]
    pub created_at: DateTime<Utc>,
    /// When it was last edited.
    #[serde(serialize_with = "time::serialize_option")]
    pub edited_at: Option<DateTime<Utc>>,
    /// Deleted messages stay as tombstones.
    pub deleted: bool,
    /// Replies in its thread.
    pub reply_count: i64,
    /// When its thread last got a reply.
    #[serde(serialize_with = "time::serialize_option")]
    pub last_reply_at: Option<DateTime<Utc>>,
    /// Reactions: code, how many, whether the caller is among them.
    pub reactions: Vec<ReactionCountView>,
    /// Files attached to it, in the order they were uploaded.
    #[serde(default)]
    pub files: Vec<super::FileView>,
}

/// One reaction on a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReactionCountView {
    /// The reaction's code.
    pub emoji: String,
    /// How many users reacted so.
    pub count: i64,
    /// Whether the caller did.
    pub me: bool,
}

/// `GET /messages/{id}/thread`: the first message and a page of replies, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ThreadView {
    /// The message that started the thread.
    pub parent: MessageView,
    /// Replies, oldest first.
    pub items: Vec<MessageView>,
    /// Pass as `after=` for more.
    pub next_cursor: Option<String>,
}

/// One version of a message (`GET /messages/{id}/history`), oldest first; the last is current.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MessageVersionView {
    /// What it said.
    pub content: String,
    /// When that text was written.
    pub written_at: DateTime<Utc>,
    /// Whether this is the text the message has now.
    pub current: bool,
}

/// A mention of the caller (`GET /mentions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MentionView {
    /// The message.
    pub message: MessageView,
    /// `user`, `channel` or `here`.
    pub kind: MentionKind,
    /// Whether the caller's read marker in that channel has passed it.
    pub read: bool,
}

/// Who reacted with one emoji (`GET /messages/{id}/reactions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReactionUsersView {
    /// The reaction's code.
    pub emoji: String,
    /// How many.
    pub count: i64,
    /// Whether the caller did.
    pub me: bool,
    /// Who (ids).
    pub user_ids: Vec<UserId>,
}

/// An entry of the reaction catalog (`GET /reactions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReactionView {
    /// The code used in `PUT /messages/{id}/reactions/{emoji}`.
    pub emoji: String,
    /// The Unicode emoji of a system reaction (also accepted in the URL).
    pub glyph: Option<String>,
    /// The picture of a custom reaction.
    pub image_url: Option<String>,
    /// Added by a site admin.
    pub custom: bool,
}

/// `POST /reactions`: a custom reaction (site admins).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReactionRequest {
    /// Its code: lowercase letters, digits, `_`, `-` and `+`, 1 to 32 characters.
    pub emoji: String,
    /// Its picture (http or https).
    pub image_url: String,
}

/// A pinned message (`GET /channels/{id}/pins`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PinView {
    /// The message.
    pub message: MessageView,
    /// Who pinned it.
    pub pinned_by: Option<UserId>,
    /// When.
    pub pinned_at: DateTime<Utc>,
}

/// A saved message (`GET /users/me/saved`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SavedView {
    /// The message.
    pub message: MessageView,
    /// When the caller saved it.
    pub saved_at: DateTime<Utc>,
}

impl From<&Channel> for ChannelView {
    fn from(channel: &Channel) -> Self {
        ChannelView {
            id: channel.id.clone(),
            name: channel.name.clone(),
            kind: channel.kind,
            description: channel.description.clone(),
            topic: channel.topic.clone(),
            created_by: channel.created_by.clone(),
            created_at: channel.created_at,
            archived: channel.archived_at.is_some(),
            archived_at: channel.archived_at,
            member_count: channel.member_count,
            last_message_at: channel.last_message_at,
            last_seq: channel.last_seq,
        }
    }
}

impl From<&ChannelBan> for BanView {
    fn from(ban: &ChannelBan) -> Self {
        BanView {
            user_id: ban.user_id.clone(),
            banned_by: ban.banned_by.clone(),
            reason: ban.reason.clone(),
            created_at: ban.created_at,
            expires_at: ban.expires_at,
        }
    }
}

impl MessageView {
    /// The view of `message` with its reaction counts as the viewer sees them.
    pub fn new(message: &Message, reactions: &[ReactionCount]) -> Self {
        let deleted = message.deleted_at.is_some();
        MessageView {
            id: message.id.clone(),
            channel_id: message.channel_id.clone(),
            seq: message.seq,
            author_id: message.author_id.clone(),
            content: if deleted {
                String::new()
            } else {
                message.content.clone()
            },
            client_id: message.client_id.clone(),
            parent_id: message.parent_id.clone(),
            created_at: message.created_at,
            edited_at: message.edited_at,
            deleted,
            reply_count: message.reply_count,
            last_reply_at: message.last_reply_at,
            reactions: if deleted {
                Vec::new()
            } else {
                reactions.iter().map(ReactionCountView::from).collect()
            },
            files: Vec::new(),
        }
    }

    /// The same view with `files` (those of a deleted message are not shown).
    pub fn with_files(mut self, files: Vec<super::FileView>) -> Self {
        self.set_files(files);
        self
    }

    /// Shows `files` on this view (those of a deleted message are not shown).
    pub fn set_files(&mut self, files: Vec<super::FileView>) {
        if !self.deleted {
            self.files = files;
        }
    }
}

impl From<&ReactionCount> for ReactionCountView {
    fn from(count: &ReactionCount) -> Self {
        ReactionCountView {
            emoji: count.emoji.clone(),
            count: count.count,
            me: count.me,
        }
    }
}

impl From<&Reaction> for ReactionView {
    fn from(reaction: &Reaction) -> Self {
        ReactionView {
            emoji: reaction.code.clone(),
            glyph: reaction.glyph.clone(),
            image_url: reaction.image_url.clone(),
            custom: reaction.is_custom,
        }
    }
}

impl MessageVersionView {
    /// Every version of a message, oldest first, ending with its current text.
    pub fn list(message: &Message, earlier: &[MessageVersion]) -> Vec<MessageVersionView> {
        let mut versions: Vec<MessageVersionView> = earlier
            .iter()
            .map(|version| MessageVersionView {
                content: version.content.clone(),
                written_at: version.written_at,
                current: false,
            })
            .collect();
        if message.deleted_at.is_none() {
            versions.push(MessageVersionView {
                content: message.content.clone(),
                written_at: message.edited_at.unwrap_or(message.created_at),
                current: true,
            });
        }
        versions
    }
}
