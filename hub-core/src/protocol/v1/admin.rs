//! Site admins' management of accounts: roles, deletion, login sessions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::SessionId;

/// The body of an admin action that needs only a reason (`promote`, `demote`, `restore`).
/// Optional; the reason is kept in the audit log.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// One login session (a refresh-token family) of a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SessionView {
    /// Its id.
    pub id: SessionId,
    /// When it was opened (the login).
    pub created_at: DateTime<Utc>,
    /// When its token was last refreshed (the login, if never).
    pub last_refreshed_at: Option<DateTime<Utc>>,
    /// When it ended, if it has.
    pub revoked_at: Option<DateTime<Utc>>,
    /// How it ended: `logout`, `refresh token reuse`, `suspended`, or an admin's reason.
    pub revoke_reason: Option<String>,
}

/// `DELETE /admin/users/{id}/sessions`: how many open sessions were ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RevokedSessionsView {
    /// Sessions that were open and are now revoked.
    pub revoked: u64,
}
