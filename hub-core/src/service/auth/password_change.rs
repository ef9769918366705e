//! `change_password`: a new password, confirming the current one. Every login session of the
//! account ends with it (a thief's included), and the caller gets a fresh one.

use crate::error::{Error, ErrorKind, Result};
use crate::events::BusMessage;
use crate::protocol::v1::{TokenResponse, close_code};
use crate::rules::accounts;
use crate::service::{Caller, Hub, now};

impl Hub {
    /// Changes the caller's password. The current one is checked (and a wrong one counts as a
    /// failed login, so a stolen access token cannot guess it faster than a login could); the
    /// new one must meet the password policy. Then every session of the account is revoked:
    /// refresh tokens stop working and sockets close with 4005 on every node. The answer is a
    /// new session for the caller.
    pub async fn change_password(&self, caller: &Caller, current: &str, new: &str) -> Result<TokenResponse> {
        let username = caller.user.username.clone();
        self.check_login_attempts(&username).await?;
        let settings = &self.inner.config.auth;
        let stored = self
            .inner
            .store
            .user_with_password(&username)
            .await?
            .and_then(|(_, hash)| hash);
        let Some(stored) = stored else {
            return Err(Error::invalid(
                "current_password",
                "this account signs in through its identity provider and has no password here",
            ));
        };
        let long = current.chars().count() > settings.max_password_length;
        if long || !self.inner.passwords.verify(current, Some(&stored)).await? {
            self.record_failed_login(&username).await;
            return Err(
                Error::new(ErrorKind::InvalidCredentials, "that is not your password").with_field("current_password")
            );
        }
        accounts::check_password(
            new,
            &username,
            settings.min_password_length,
            settings.max_password_length,
        )
        .map_err(|err| err.with_field("new_password"))?;
        if new == current {
            return Err(Error::invalid("new_password", "the new password is the current one"));
        }
        let hash = self.inner.passwords.hash(new).await?;
        let at = now();
        self.inner.store.set_password_hash(&caller.user.id, &hash, at).await?;
        self.inner
            .store
            .revoke_user_sessions(&caller.user.id, None, "password changed", at)
            .await?;
        self.broadcast(BusMessage::Disconnect {
            user_id: caller.user.id.clone(),
            session_id: None,
            code: close_code::SESSION_ENDED,
        });
        tracing::info!(user = %caller.user.id, "password changed; every session ended");
        self.open_session(&caller.user).await
    }
}
