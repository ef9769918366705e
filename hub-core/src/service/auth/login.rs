//! `login`: username and password for a new session.

use crate::error::{Error, ErrorKind, Result};
use crate::protocol::v1::{LoginRequest, TokenResponse};
use crate::service::Hub;

impl Hub {
    /// Checks the password (at the same cost whether or not the user exists) and opens a session.
    pub async fn login(&self, request: LoginRequest) -> Result<TokenResponse> {
        if request.password.chars().count() > self.inner.config.auth.max_password_length {
            return Err(Error::new(ErrorKind::InvalidCredentials, "wrong username or password"));
        }
        let username = request.username.trim();
        self.check_login_attempts(username).await?;
        let found = self.inner.store.user_with_password(username).await?;
        let (user, hash) = match found {
            Some((user, hash)) => (Some(user), hash),
            None => (None, None),
        };
        let matches = self.inner.passwords.verify(&request.password, hash.as_deref()).await?;
        let user = match user {
            Some(user) if matches => user,
            _ => {
                self.record_failed_login(username).await;
                return Err(Error::new(ErrorKind::InvalidCredentials, "wrong username or password"));
            }
        };
        // Told only to someone who knows the password.
        if user.is_suspended {
            return Err(Error::new(ErrorKind::AccountSuspended, "this account is suspended"));
        }
        self.open_session(&user).await
    }
}
