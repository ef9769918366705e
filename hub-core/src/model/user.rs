//! A user account and its presence status.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::UserId;

/// A user account, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Public id.
    pub id: UserId,
    /// Unique (case-insensitively) handle, `[a-z0-9_.-]`.
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
    /// Suspended accounts cannot log in or use the API.
    pub is_suspended: bool,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
    /// When the profile last changed.
    pub updated_at: DateTime<Utc>,
    /// When the user was last seen connected.
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// Presence status a user can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    /// Connected and available.
    Online,
    /// Connected but away.
    Away,
    /// Do not disturb.
    Busy,
    /// Not connected (or appearing so).
    Offline,
}

impl UserStatus {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Online => "online",
            UserStatus::Away => "away",
            UserStatus::Busy => "busy",
            UserStatus::Offline => "offline",
        }
    }
}

impl fmt::Display for UserStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UserStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "online" => Ok(UserStatus::Online),
            "away" => Ok(UserStatus::Away),
            "busy" => Ok(UserStatus::Busy),
            "offline" => Ok(UserStatus::Offline),
            other => Err(format!(
                "unknown status {other:?}; expected online, away, busy or offline"
            )),
        }
    }
}
