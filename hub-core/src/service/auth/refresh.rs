//! `refresh`: trade a refresh token for a new pair. A token presented twice means it was stolen
//! (or replayed): the whole family is revoked, so the thief and the victim both must log in again.

use crate::auth::tokens;
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::v1::{RefreshRequest, TokenResponse};
use crate::service::{Hub, now};

impl Hub {
    /// Rotates the refresh token: the presented one is spent, a new one comes back.
    pub async fn refresh(&self, request: RefreshRequest) -> Result<TokenResponse> {
        let invalid = || Error::new(ErrorKind::InvalidToken, "the refresh token is not valid");
        let old_hash = tokens::hash_refresh_token(&request.refresh_token);
        let record = self.inner.store.refresh_token(&old_hash).await?.ok_or_else(invalid)?;
        if record.session_revoked_at.is_some() {
            return Err(invalid());
        }
        if record.used_at.is_some() {
            return Err(self.refresh_reuse(&record.user_id, &record.session_id).await);
        }
        if record.expires_at <= now() {
            return Err(Error::new(
                ErrorKind::TokenExpired,
                "the refresh token has expired; log in again",
            ));
        }
        let user = self
            .inner
            .store
            .user_by_id(&record.user_id)
            .await?
            .ok_or_else(invalid)?;
        if user.is_suspended {
            return Err(Error::new(ErrorKind::AccountSuspended, "this account is suspended"));
        }
        let new_token = tokens::new_refresh_token()?;
        let new_record = self.refresh_record(&new_token);
        let rotated = self
            .inner
            .store
            .rotate_refresh_token(&record.session_id, &old_hash, &new_record)
            .await?;
        if !rotated {
            // Someone else spent the same token between our read and our write.
            return Err(self.refresh_reuse(&record.user_id, &record.session_id).await);
        }
        self.token_response(&user, &record.session_id, new_token)
    }

    /// A refresh token came back a second time (a stolen copy, or a race): the whole family is
    /// revoked and its sockets close.
    async fn refresh_reuse(&self, user: &crate::model::UserId, session: &crate::model::SessionId) -> Error {
        if let Err(err) = self
            .inner
            .store
            .revoke_session(session, "refresh_token_reused", now())
            .await
        {
            return err;
        }
        self.end_session_sockets(user, session);
        tracing::warn!(session = %session, "refresh token reused; session revoked");
        Error::new(
            ErrorKind::RefreshTokenReused,
            "this refresh token was already used; the session is revoked, log in again",
        )
    }
}
