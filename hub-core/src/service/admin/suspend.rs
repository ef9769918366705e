//! `suspend_user` / `restore_user`: a site admin stops (for a while, or until lifted) or
//! restores an account's login and API use. Each is in the audit log.

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::events::BusMessage;
use crate::model::{User, UserId};
use crate::protocol::v1::{SuspendRequest, close_code};
use crate::rules::reports;
use crate::service::audit::Audited;
use crate::service::{Caller, Hub, now, require_superuser};

impl Hub {
    /// Suspends `target` (for `request.duration`, or until lifted) and ends all of its
    /// sessions. Admins cannot suspend themselves.
    pub async fn suspend_user(&self, caller: &Caller, target: &UserId, request: SuspendRequest) -> Result<User> {
        require_superuser(caller)?;
        if &caller.user.id == target {
            return Err(Error::invalid("user_id", "you cannot suspend yourself"));
        }
        let until = match request.duration.as_deref() {
            Some(duration) => Some(now() + reports::parse_duration(duration)?),
            None => None,
        };
        let reason = request.reason.unwrap_or_default();
        self.suspend_account(Some(caller), target, until, reason.trim()).await
    }

    /// Lifts a suspension, for `reason`.
    pub async fn restore_user(&self, caller: &Caller, target: &UserId, reason: &str) -> Result<User> {
        require_superuser(caller)?;
        self.set_suspension(Some(caller), target, false, reason).await
    }

    /// Suspends (until lifted) or restores without checking who asks: operators on the CLI
    /// (`caller` `None`) and the calls above.
    pub async fn set_suspension(
        &self,
        caller: Option<&Caller>,
        target: &UserId,
        suspended: bool,
        reason: &str,
    ) -> Result<User> {
        let reason = reason.trim();
        if suspended {
            return self.suspend_account(caller, target, None, reason).await;
        }
        let user = self.inner.store.set_suspended(target, false, None, now()).await?;
        let audited = Audited {
            action: "user.restore",
            target_type: "user",
            target_id: target.as_str(),
            reason,
            details: serde_json::json!({}),
        };
        self.audit(caller.map(|caller| &caller.user.id), audited).await?;
        Ok(user)
    }

    /// Suspends `target` until `until` (`None`: until lifted, a ban), ends their sessions and
    /// closes their sockets on every node, and records it with `reason`.
    pub(crate) async fn suspend_account(
        &self,
        caller: Option<&Caller>,
        target: &UserId,
        until: Option<DateTime<Utc>>,
        reason: &str,
    ) -> Result<User> {
        let store = &self.inner.store;
        let at = now();
        let user = store.set_suspended(target, true, until, at).await?;
        let ended = store.revoke_user_sessions(target, None, "suspended", at).await?;
        self.broadcast(BusMessage::Disconnect {
            user_id: target.clone(),
            session_id: None,
            code: close_code::ACCOUNT_SUSPENDED,
        });
        tracing::info!(user = %target, sessions = ended, "user suspended");
        let audited = Audited {
            action: if until.is_some() { "user.suspend" } else { "user.ban" },
            target_type: "user",
            target_id: target.as_str(),
            reason,
            details: serde_json::json!({ "until": until }),
        };
        self.audit(caller.map(|caller| &caller.user.id), audited).await?;
        Ok(user)
    }
}
