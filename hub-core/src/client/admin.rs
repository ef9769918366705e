//! [`Client`] calls for site admins managing accounts: find, show, promote and demote, suspend
//! and restore, delete, and the account's login sessions.

use reqwest::Method;

use super::params::reason_pair;
use super::{Client, PageParams, Result};
use crate::model::{SessionId, UserId};
use crate::protocol::v1::{AdminUserView, Page, ReasonRequest, RevokedSessionsView, SessionView, SuspendRequest};

fn because(reason: &str) -> ReasonRequest {
    ReasonRequest {
        reason: Some(reason.to_owned()),
    }
}

impl Client {
    /// `GET /admin/users?q=`: accounts (suspended and closed ones too) by username.
    pub async fn admin_users(&self, query: &str, page: &PageParams) -> Result<Page<AdminUserView>> {
        let mut pairs = page.pairs();
        if !query.is_empty() {
            pairs.push(("q", query.to_owned()));
        }
        self.fetch(self.request(Method::GET, &["admin", "users"], &pairs)).await
    }

    /// `GET /admin/users/{id}`.
    pub async fn admin_user(&self, id: &UserId) -> Result<AdminUserView> {
        self.fetch(self.request(Method::GET, &["admin", "users", id.as_str()], &[]))
            .await
    }

    /// `POST /admin/users/{id}/promote` (`true`) or `/demote`.
    pub async fn set_site_admin(&self, id: &UserId, is_admin: bool, reason: &str) -> Result<AdminUserView> {
        let verb = if is_admin { "promote" } else { "demote" };
        self.fetch(
            self.request(Method::POST, &["admin", "users", id.as_str(), verb], &[])
                .json(&because(reason)),
        )
        .await
    }

    /// `POST /admin/users/{id}/suspend`.
    pub async fn suspend_user(&self, id: &UserId, request: &SuspendRequest) -> Result<AdminUserView> {
        self.fetch(
            self.request(Method::POST, &["admin", "users", id.as_str(), "suspend"], &[])
                .json(request),
        )
        .await
    }

    /// `POST /admin/users/{id}/restore`.
    pub async fn restore_user(&self, id: &UserId, reason: &str) -> Result<AdminUserView> {
        self.fetch(
            self.request(Method::POST, &["admin", "users", id.as_str(), "restore"], &[])
                .json(&because(reason)),
        )
        .await
    }

    /// `DELETE /admin/users/{id}?reason=`.
    pub async fn delete_user(&self, id: &UserId, reason: &str) -> Result<()> {
        self.execute(self.request(
            Method::DELETE,
            &["admin", "users", id.as_str()],
            &reason_pair(Some(reason)),
        ))
        .await
    }

    /// `GET /admin/users/{id}/sessions`, newest first.
    pub async fn user_sessions(&self, id: &UserId) -> Result<Vec<SessionView>> {
        self.fetch(self.request(Method::GET, &["admin", "users", id.as_str(), "sessions"], &[]))
            .await
    }

    /// `DELETE /admin/users/{id}/sessions`: ends every open one; how many there were.
    pub async fn revoke_user_sessions(&self, id: &UserId, reason: &str) -> Result<RevokedSessionsView> {
        self.fetch(self.request(
            Method::DELETE,
            &["admin", "users", id.as_str(), "sessions"],
            &reason_pair(Some(reason)),
        ))
        .await
    }

    /// `DELETE /admin/users/{id}/sessions/{session_id}`.
    pub async fn revoke_user_session(&self, id: &UserId, session: &SessionId, reason: &str) -> Result<()> {
        self.execute(self.request(
            Method::DELETE,
            &["admin", "users", id.as_str(), "sessions", session.as_str()],
            &reason_pair(Some(reason)),
        ))
        .await
    }
}
