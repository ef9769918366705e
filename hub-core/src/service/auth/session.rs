//! Opening a login session: the first refresh token of a new family and an access token.

use chrono::Duration;

use crate::auth::tokens;
use crate::error::Result;
use crate::model::{SessionId, User};
use crate::protocol::v1::{MeView, TokenResponse};
use crate::service::{Hub, now};
use crate::store::NewRefreshToken;

impl Hub {
    /// Starts a new session for `user` and returns its tokens.
    pub(super) async fn open_session(&self, user: &User) -> Result<TokenResponse> {
        let session = SessionId::generate();
        let refresh_token = tokens::new_refresh_token()?;
        let record = self.refresh_record(&refresh_token);
        self.inner.store.create_session(&session, &user.id, &record).await?;
        self.token_response(user, &session, refresh_token)
    }

    /// The stored form of a refresh token issued now.
    pub(super) fn refresh_record(&self, refresh_token: &str) -> NewRefreshToken {
        let created_at = now();
        let ttl = i64::try_from(self.inner.config.auth.refresh_token_ttl_secs).unwrap_or(i64::MAX / 2);
        NewRefreshToken {
            token_hash: tokens::hash_refresh_token(refresh_token),
            created_at,
            expires_at: created_at + Duration::seconds(ttl.min(100 * 365 * 24 * 3600)),
        }
    }

    /// The body handed to the client: a fresh access token and the given refresh token.
    pub(super) fn token_response(
        &self,
        user: &User,
        session: &SessionId,
        refresh_token: String,
    ) -> Result<TokenResponse> {
        let tokens = self.tokens()?;
        Ok(TokenResponse {
            access_token: tokens.issue_access(&user.id, session, now())?,
            refresh_token,
            token_type: "bearer".to_owned(),
            expires_in: tokens.access_ttl_secs(),
            user: MeView::from(user),
        })
    }
}
