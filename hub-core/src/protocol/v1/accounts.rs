//! Accounts, tokens and profiles.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::model::{ChatAvailability, User, UserId, UserStatus};
use crate::rules::avatars::{self, DefaultAvatar};

/// `POST /auth/register`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 2 to 32 characters of letters, digits, `_`, `.` and `-`, starting with a letter or digit.
    pub username: String,
    /// At least 8 characters, not the username, not a common password.
    pub password: String,
    /// Optional; unique when given.
    #[serde(default)]
    pub email: Option<String>,
    /// Optional display name.
    #[serde(default)]
    pub full_name: Option<String>,
}

/// `POST /auth/login` (JSON, or the OAuth2 password form with the same field names).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
// Not `deny_unknown_fields`: the OAuth2 password flow posts a form with `grant_type` (and often
// `scope` or `client_id`) beside the username and password.
pub struct LoginRequest {
    /// The username (case-insensitive).
    pub username: String,
    /// The password.
    pub password: String,
}

/// `POST /auth/refresh` and `POST /auth/logout`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh.
    pub refresh_token: String,
}

/// `POST /auth/oidc`: exchange an identity provider's token for hub tokens.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OidcExchangeRequest {
    /// An RS256 access or ID token from the configured provider.
    pub token: String,
}

/// Tokens handed out by register, login, refresh and the OIDC exchange.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    /// Bearer token for `Authorization: Bearer ...` (HS256 JWT).
    pub access_token: String,
    /// Single-use token for `POST /auth/refresh`; each use returns a new one.
    pub refresh_token: String,
    /// Always `bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The signed-in user.
    pub user: MeView,
}

/// A user as anyone signed in may see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    /// Opaque id.
    pub id: UserId,
    /// Unique handle.
    pub username: String,
    /// Display name.
    pub full_name: String,
    /// About the user.
    pub bio: String,
    /// Picture URL, when set.
    pub avatar_url: Option<String>,
    /// `online`, `away`, `busy` or `offline`.
    pub status: UserStatus,
    /// Whether this is a bot account.
    pub is_bot: bool,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
    /// When the user was last seen connected.
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// The signed-in user's own view: the public profile plus private fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeView {
    /// The public profile.
    #[serde(flatten)]
    pub profile: UserView,
    /// Email, when set.
    pub email: Option<String>,
    /// Whether the user is a site admin.
    pub is_superuser: bool,
    /// Who may open a direct conversation with you: `open`, `requests` or `closed`.
    pub chat_availability: ChatAvailability,
}

/// A user as a site admin sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AdminUserView {
    /// The user's own view.
    #[serde(flatten)]
    pub account: MeView,
    /// Whether the account is suspended.
    pub is_suspended: bool,
    /// When a timed suspension ends.
    pub suspended_until: Option<DateTime<Utc>>,
}

/// `PUT /users/me/password`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password now.
    pub current_password: String,
    /// The password from now on (the same policy as at registration).
    pub new_password: String,
}

/// `PATCH /users/me`: only the fields present change; `null` clears `avatar_url` or `email`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProfileRequest {
    /// New display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// New bio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bio: Option<String>,
    /// A default avatar name or path (see `GET /avatars`), an http(s) URL, or `null`.
    #[serde(
        default,
        deserialize_with = "present_or_null",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub avatar_url: Option<Option<String>>,
    /// New email, or `null` to remove it.
    #[serde(
        default,
        deserialize_with = "present_or_null",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// Who may open a direct conversation with you: `open`, `requests` or `closed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_availability: Option<ChatAvailability>,
}

/// `PUT /users/me/status`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetStatusRequest {
    /// `online`, `away`, `busy` or `offline`.
    pub status: UserStatus,
}

/// A default avatar.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AvatarView {
    /// Its name; `PATCH /users/me` accepts it as `avatar_url`.
    pub name: String,
    /// Where its picture is served.
    pub url: String,
}

fn present_or_null<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        UserView {
            id: user.id.clone(),
            username: user.username.clone(),
            full_name: user.full_name.clone(),
            bio: user.bio.clone(),
            avatar_url: user.avatar_url.clone(),
            status: user.status,
            is_bot: user.is_bot,
            created_at: user.created_at,
            last_seen_at: user.last_seen_at,
        }
    }
}

impl From<&User> for MeView {
    fn from(user: &User) -> Self {
        MeView {
            profile: UserView::from(user),
            email: user.email.clone(),
            is_superuser: user.is_superuser,
            chat_availability: user.chat_availability,
        }
    }
}

impl From<&User> for AdminUserView {
    fn from(user: &User) -> Self {
        AdminUserView {
            account: MeView::from(user),
            is_suspended: user.is_suspended,
            suspended_until: user.suspended_until.filter(|_| user.is_suspended),
        }
    }
}

impl From<&DefaultAvatar> for AvatarView {
    fn from(avatar: &DefaultAvatar) -> Self {
        AvatarView {
            name: avatar.name.to_owned(),
            url: avatars::avatar_path(avatar.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_update_tells_absent_from_null() -> Result<(), serde_json::Error> {
        let absent: UpdateProfileRequest = serde_json::from_str(r#"{"bio":"hi"}"#)?;
        assert_eq!(absent.avatar_url, None);
        let cleared: UpdateProfileRequest = serde_json::from_str(r#"{"avatar_url":null}"#)?;
        assert_eq!(cleared.avatar_url, Some(None));
        let set: UpdateProfileRequest = serde_json::from_str(r#"{"avatar_url":"fox"}"#)?;
        assert_eq!(set.avatar_url, Some(Some("fox".into())));
        Ok(())
    }
}
