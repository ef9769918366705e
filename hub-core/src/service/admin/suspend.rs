//! `suspend_user` / `restore_user`: a site admin stops (or restores) an account's login and API use.

use crate::error::{Error, Result};
use crate::model::{User, UserId};
use crate::service::{Caller, Hub, now, require_superuser};

impl Hub {
    /// Suspends `target` and ends all of its sessions. Admins cannot suspend themselves.
    pub async fn suspend_user(&self, caller: &Caller, target: &UserId) -> Result<User> {
        require_superuser(caller)?;
        if &caller.user.id == target {
            return Err(Error::invalid("user_id", "you cannot suspend yourself"));
        }
        self.set_suspension(target, true).await
    }

    /// Lifts a suspension.
    pub async fn restore_user(&self, caller: &Caller, target: &UserId) -> Result<User> {
        require_superuser(caller)?;
        self.set_suspension(target, false).await
    }

    /// Suspends or restores without a caller (operators on the CLI).
    pub async fn set_suspension(&self, target: &UserId, suspended: bool) -> Result<User> {
        let store = &self.inner.store;
        let at = now();
        let user = store.set_suspended(target, suspended, at).await?;
        if suspended {
            let ended = store.revoke_user_sessions(target, "suspended", at).await?;
            // Their open WebSocket connections end too, on every node.
            self.broadcast(crate::events::BusMessage::Disconnect {
                user_id: target.clone(),
            });
            tracing::info!(user = %target, sessions = ended, "user suspended");
        }
        Ok(user)
    }
}
