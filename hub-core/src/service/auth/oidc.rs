//! Sign-in through the external identity provider: a verified token names `(issuer, subject)`;
//! the first time hub sees a subject it provisions a user and links it.

use crate::error::{Error, ErrorKind, Result};
use crate::model::{User, UserId};
use crate::protocol::v1::{OidcExchangeRequest, TokenResponse};
use crate::rules::accounts;
use crate::service::{Hub, now};
use crate::store::NewUser;

/// How many usernames to try for a new provider user before giving up.
const USERNAME_ATTEMPTS: u32 = 20;

impl Hub {
    /// Trades a provider token for a hub session (useful for WebSocket and terminal clients).
    pub async fn exchange_oidc_token(&self, request: OidcExchangeRequest) -> Result<TokenResponse> {
        let user = self.oidc_user(&request.token).await?;
        if user.is_suspended {
            return Err(Error::new(ErrorKind::AccountSuspended, "this account is suspended"));
        }
        self.open_session(&user).await
    }

    /// The hub user of a provider token, provisioned on first sight.
    pub(super) async fn oidc_user(&self, token: &str) -> Result<User> {
        let verifier = self.inner.oidc.as_ref().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidToken,
                "this server does not accept identity provider tokens",
            )
        })?;
        let identity = verifier.verify(token).await?;
        let store = &self.inner.store;
        if let Some(user) = store.user_by_identity(&identity.issuer, &identity.subject).await? {
            return Ok(user);
        }
        let max_length = self.inner.config.auth.max_username_length;
        let base = accounts::username_from_claim(identity.suggested_username.as_deref().unwrap_or("user"), max_length);
        let email = identity
            .email
            .as_deref()
            .and_then(|email| accounts::validate_email(email).ok());
        for attempt in 0..USERNAME_ATTEMPTS {
            let username = if attempt == 0 {
                base.clone()
            } else {
                format!("{base}-{}", attempt + 1)
            };
            let new = NewUser {
                id: UserId::generate(),
                username,
                // A second attempt drops the email: it may be what collided.
                email: if attempt == 0 { email.clone() } else { None },
                full_name: identity.name.clone().unwrap_or_default(),
                password_hash: None,
                is_superuser: false,
                is_bot: false,
                created_at: now(),
                chat_availability: self.inner.config.safety.default_chat_availability,
            };
            match store
                .insert_user_with_identity(&new, &identity.issuer, &identity.subject)
                .await
            {
                Ok(user) => {
                    tracing::info!(user = %user.id, subject = %identity.subject, "provisioned a user from the identity provider");
                    return Ok(user);
                }
                Err(err) if matches!(err.kind, ErrorKind::UsernameTaken | ErrorKind::EmailTaken) => {
                    continue;
                }
                Err(err) if err.kind == ErrorKind::Conflict => {
                    // Another request linked this subject first.
                    if let Some(user) = store.user_by_identity(&identity.issuer, &identity.subject).await? {
                        return Ok(user);
                    }
                    return Err(err);
                }
                Err(err) => return Err(err),
            }
        }
        Err(Error::new(
            ErrorKind::Conflict,
            "could not find a free username for this identity",
        ))
    }
}
