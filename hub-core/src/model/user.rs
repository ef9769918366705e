//! A user account and its presence status.

use chrono::{DateTime, Utc};

use super::UserId;
use super::text_enum::text_enum;

/// A user account, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Public id.
    pub id: UserId,
    /// Unique (case-insensitively) handle, `[A-Za-z0-9_.-]`.
    pub username: String,
    /// Optional email, unique when set.
    pub email: Option<String>,
    /// Display name.
    pub full_name: String,
    /// Free text about the user.
    pub bio: String,
    /// One of the default avatars or an http(s) URL.
    pub avatar_url: Option<String>,
    /// Presence as the user set it.
    pub status: UserStatus,
    /// Bots (the assistant) are accounts too.
    pub is_bot: bool,
    /// Site admin.
    pub is_superuser: bool,
    /// Suspended accounts cannot log in or use the API (false again once a timed suspension
    /// has ended).
    pub is_suspended: bool,
    /// When a timed suspension ends (`None` with `is_suspended`: until lifted).
    pub suspended_until: Option<DateTime<Utc>>,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
    /// When the profile last changed.
    pub updated_at: DateTime<Utc>,
    /// When the user was last seen connected.
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Who may open a direct conversation with them.
    pub chat_availability: ChatAvailability,
    /// When they closed their account (its profile is emptied; it cannot sign in).
    pub deleted_at: Option<DateTime<Utc>>,
}

text_enum!(
    /// Who may open a direct conversation with someone.
    ChatAvailability {
        /// Anyone.
        Open => "open",
        /// Others send a chat request first; an accepted one opens the conversation.
        Requests => "requests",
        /// Nobody new; existing conversations continue.
        Closed => "closed",
    }
);

text_enum!(
    /// Presence status a user can set.
    UserStatus {
        /// Connected and available.
        Online => "online",
        /// Connected but away.
        Away => "away",
        /// Do not disturb.
        Busy => "busy",
        /// Not connected (or appearing so).
        Offline => "offline",
    }
);
