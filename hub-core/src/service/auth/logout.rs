//! `logout`: ends the session a refresh token belongs to, and with it its access tokens.

use crate::auth::tokens;
use crate::error::Result;
use crate::protocol::v1::RefreshRequest;
use crate::service::{Hub, now};

impl Hub {
    /// Revokes the session of `refresh_token`. Logging out twice, or with an unknown token, is not
    /// an error: the outcome the caller wants (that token no longer works) holds either way.
    pub async fn logout(&self, request: RefreshRequest) -> Result<()> {
        let hash = tokens::hash_refresh_token(&request.refresh_token);
        if let Some(record) = self.inner.store.refresh_token(&hash).await? {
            self.inner
                .store
                .revoke_session(&record.session_id, "logout", now())
                .await?;
        }
        Ok(())
    }
}
