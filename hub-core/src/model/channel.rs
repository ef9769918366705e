//! Channels, their members and bans.

use chrono::{DateTime, Utc};

use super::text_enum::text_enum;
use super::{ChannelId, MessageId, UserId};

text_enum!(
    /// What kind of conversation a channel is.
    ChannelKind {
        /// Anyone may see, read and join.
        Public => "public",
        /// Members only; joined with a join code or by invitation.
        Private => "private",
        /// A voice room: open like a public channel, with calls.
        Voice => "voice",
        /// A direct conversation between a fixed set of people.
        Dm => "dm",
    }
);

text_enum!(
    /// A member's role in one channel, from most to least powerful.
    ChannelRole {
        /// Full control, including roles and archiving.
        Owner => "owner",
        /// Moderates: edits the channel, invites, kicks, bans, pins.
        Admin => "admin",
        /// Reads and posts.
        Member => "member",
    }
);

text_enum!(
    /// What a member wants to be notified of in one channel.
    NotifyLevel {
        /// Every message.
        All => "all",
        /// Only mentions of them (and `@channel`/`@here`).
        Mentions => "mentions",
        /// Nothing: the channel is muted.
        Nothing => "nothing",
    }
);

impl ChannelRole {
    /// Higher is more powerful.
    pub fn rank(self) -> u8 {
        match self {
            ChannelRole::Owner => 3,
            ChannelRole::Admin => 2,
            ChannelRole::Member => 1,
        }
    }
}

impl ChannelKind {
    /// Whether anyone signed in may see and read it without being a member.
    pub fn is_open(self) -> bool {
        matches!(self, ChannelKind::Public | ChannelKind::Voice)
    }
}

/// A channel, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Channel {
    /// Public id.
    pub id: ChannelId,
    /// Unique slug among non-direct channels; generated for direct ones.
    pub name: String,
    /// Kind.
    pub kind: ChannelKind,
    /// What the channel is for.
    pub description: String,
    /// The current topic.
    pub topic: String,
    /// Who made it (none once their account is gone).
    pub created_by: Option<UserId>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was archived; archived channels are read-only.
    pub archived_at: Option<DateTime<Utc>>,
    /// How many members it has.
    pub member_count: i64,
    /// The position of its newest event (what a client resumes from).
    pub last_seq: i64,
    /// The newest top-level message, if any.
    pub last_message_id: Option<MessageId>,
    /// When the newest message was posted.
    pub last_message_at: Option<DateTime<Utc>>,
}

/// One user's membership of one channel.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Membership {
    /// The channel.
    pub channel_id: ChannelId,
    /// The member.
    pub user_id: UserId,
    /// Their role.
    pub role: ChannelRole,
    /// Their notification choice.
    pub notify: NotifyLevel,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
    /// The position (channel sequence) up to which they have read.
    pub last_read_seq: i64,
    /// They may not post before this time.
    pub timed_out_until: Option<DateTime<Utc>>,
}

/// A ban from one channel.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ChannelBan {
    /// The channel.
    pub channel_id: ChannelId,
    /// Who is banned.
    pub user_id: UserId,
    /// Who banned them.
    pub banned_by: Option<UserId>,
    /// Why.
    pub reason: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When the ban ends by itself; `None` is for good.
    pub expires_at: Option<DateTime<Utc>>,
}
