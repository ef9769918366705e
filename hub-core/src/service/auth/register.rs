//! `register`: a new account with a password, signed in at once.

use crate::error::{Error, ErrorKind, Result};
use crate::protocol::v1::{RegisterRequest, TokenResponse};
use crate::service::{Hub, NewAccount};

impl Hub {
    /// Creates an account from the registration form and opens a session for it.
    pub async fn register(&self, request: RegisterRequest) -> Result<TokenResponse> {
        if !self.inner.config.auth.open_registration {
            return Err(Error::new(
                ErrorKind::Forbidden,
                "registration is closed on this server; ask an admin for an account",
            ));
        }
        let user = self
            .create_account(NewAccount {
                username: request.username,
                password: request.password,
                email: request.email,
                full_name: request.full_name,
                is_superuser: false,
            })
            .await?;
        self.open_session(&user).await
    }
}
