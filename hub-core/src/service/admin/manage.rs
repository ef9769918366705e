//! Site admins managing accounts over the API: finding them (suspended ones included), making
//! and unmaking site admins, deleting an account, and listing and ending its login sessions.
//! Every change is in the audit log with its reason.

use crate::error::{Error, Result};
use crate::events::BusMessage;
use crate::model::{SessionId, User, UserId};
use crate::protocol::v1::{SessionView, close_code};
use crate::rules::paging;
use crate::service::audit::Audited;
use crate::service::{Caller, Hub, Paged, now, require_superuser};

impl Hub {
    /// Accounts whose username or display name contains `query` (all when empty), suspended and
    /// closed ones included, ordered by username, a page at a time.
    pub async fn admin_users(
        &self,
        caller: &Caller,
        query: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<User>> {
        require_superuser(caller)?;
        let query = paging::search_query(query)?;
        let cursor = paging::username_cursor(cursor)?;
        let limit = self.page_size(limit)?;
        let pattern = paging::contains_pattern(&query);
        let items = self.inner.store.search_users(&pattern, cursor, limit + 1, true).await?;
        Ok(Paged::from_lookahead(items, limit, |user| user.username.clone()))
    }

    /// One account as a site admin sees it.
    pub async fn admin_user(&self, caller: &Caller, id: &UserId) -> Result<User> {
        require_superuser(caller)?;
        self.inner
            .store
            .user_by_id(id)
            .await?
            .ok_or_else(|| Error::not_found("user"))
    }

    /// Makes `target` a site admin (`true`) or takes it away. A site admin cannot demote
    /// themselves: that is how a hub loses its last admin.
    pub async fn set_site_admin(&self, caller: &Caller, target: &UserId, is_admin: bool, reason: &str) -> Result<User> {
        require_superuser(caller)?;
        if !is_admin && &caller.user.id == target {
            return Err(Error::invalid(
                "user_id",
                "you cannot demote yourself; another site admin can",
            ));
        }
        let user = self.inner.store.set_superuser(target, is_admin, now()).await?;
        let audited = Audited {
            action: if is_admin { "user.promote" } else { "user.demote" },
            target_type: "user",
            target_id: target.as_str(),
            reason: reason.trim(),
            details: serde_json::json!({ "username": user.username }),
        };
        self.audit(Some(&caller.user.id), audited).await?;
        Ok(user)
    }

    /// Deletes `target`'s account the way closing it does (content erased unless the hub keeps
    /// it, profile emptied, sessions and sockets ended), on a site admin's word. Not oneself:
    /// that is `DELETE /users/me`, which asks for the password.
    pub async fn delete_user(&self, caller: &Caller, target: &UserId, reason: &str) -> Result<()> {
        require_superuser(caller)?;
        if &caller.user.id == target {
            return Err(Error::invalid(
                "user_id",
                "you cannot delete your own account here: use DELETE /users/me",
            ));
        }
        let user = self.admin_user(caller, target).await?;
        if user.deleted_at.is_some() {
            return Err(Error::not_found("user"));
        }
        self.close_account_of(target).await?;
        let audited = Audited {
            action: "user.delete",
            target_type: "user",
            target_id: target.as_str(),
            reason: reason.trim(),
            details: serde_json::json!({ "username": user.username }),
        };
        self.audit(Some(&caller.user.id), audited).await?;
        Ok(())
    }

    /// `target`'s login sessions, newest first, ended ones included (at most
    /// `limits.max_page_size` of them).
    pub async fn user_sessions(&self, caller: &Caller, target: &UserId) -> Result<Vec<SessionView>> {
        self.admin_user(caller, target).await?;
        let sessions = self
            .inner
            .store
            .user_sessions(target, self.inner.config.limits.max_page_size)
            .await?;
        Ok(sessions
            .into_iter()
            .map(|session| SessionView {
                id: session.id,
                created_at: session.created_at,
                last_refreshed_at: session.last_refreshed_at,
                revoked_at: session.revoked_at,
                revoke_reason: session.revoke_reason,
            })
            .collect())
    }

    /// Ends one of `target`'s sessions (`Some`), or all of them: their refresh tokens stop
    /// working and the sockets they opened close with `SESSION_ENDED`, on every node. Returns
    /// how many sessions were ended.
    pub async fn revoke_sessions(
        &self,
        caller: &Caller,
        target: &UserId,
        session: Option<&SessionId>,
        reason: &str,
    ) -> Result<u64> {
        self.admin_user(caller, target).await?;
        let store = &self.inner.store;
        let why = match reason.trim() {
            "" => "revoked by a site admin",
            reason => reason,
        };
        let at = now();
        let ended = store.revoke_user_sessions(target, session, why, at).await?;
        if session.is_some() && ended == 0 {
            return Err(Error::not_found("session"));
        }
        self.broadcast(BusMessage::Disconnect {
            user_id: target.clone(),
            session_id: session.cloned(),
            code: close_code::SESSION_ENDED,
        });
        let audited = Audited {
            action: "session.revoke",
            target_type: "user",
            target_id: target.as_str(),
            reason: reason.trim(),
            details: serde_json::json!({ "session_id": session, "revoked": ended }),
        };
        self.audit(Some(&caller.user.id), audited).await?;
        Ok(ended)
    }
}
