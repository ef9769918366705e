//! `logout`: ends the session a refresh token belongs to, and with it its access tokens.

use crate::auth::tokens;
use crate::error::Result;
use crate::events::BusMessage;
use crate::model::{SessionId, UserId};
use crate::protocol::v1::RefreshRequest;
use crate::protocol::v1::close_code;
use crate::service::{Hub, now};

impl Hub {
    /// Revokes the session of `refresh_token` and closes the sockets it opened (on every node).
    /// Logging out twice, or with an unknown token, is not an error: the outcome the caller
    /// wants (that token no longer works) holds either way.
    pub async fn logout(&self, request: RefreshRequest) -> Result<()> {
        let hash = tokens::hash_refresh_token(&request.refresh_token);
        if let Some(record) = self.inner.store.refresh_token(&hash).await? {
            self.inner
                .store
                .revoke_session(&record.session_id, "logout", now())
                .await?;
            self.end_session_sockets(&record.user_id, &record.session_id);
        }
        Ok(())
    }

    /// Closes the sockets `session`'s tokens opened, on every node: the session has ended.
    pub(crate) fn end_session_sockets(&self, user: &UserId, session: &SessionId) {
        self.broadcast(BusMessage::Disconnect {
            user_id: user.clone(),
            session_id: Some(session.clone()),
            code: close_code::SESSION_ENDED,
        });
    }
}
