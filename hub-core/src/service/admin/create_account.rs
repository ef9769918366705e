//! `create_account`: the shared path of self-registration and `hub users create`.

use crate::error::Result;
use crate::model::{User, UserId};
use crate::rules::{accounts, profile};
use crate::service::{Hub, now};
use crate::store::NewUser;

/// An account to create with a password.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Username (validated here).
    pub username: String,
    /// Password (checked against the policy here).
    pub password: String,
    /// Optional email.
    pub email: Option<String>,
    /// Optional display name.
    pub full_name: Option<String>,
    /// Make the account a site admin.
    pub is_superuser: bool,
}

impl Hub {
    /// Validates, hashes the password off the async workers, and stores the account.
    pub async fn create_account(&self, account: NewAccount) -> Result<User> {
        let auth = &self.inner.config.auth;
        let username = accounts::validate_username(&account.username, auth.max_username_length)?;
        accounts::check_password(
            &account.password,
            &username,
            auth.min_password_length,
            auth.max_password_length,
        )?;
        let email = account
            .email
            .as_deref()
            .filter(|email| !email.trim().is_empty())
            .map(accounts::validate_email)
            .transpose()?;
        let full_name = profile::validate_full_name(account.full_name.as_deref().unwrap_or_default())?;
        let password_hash = self.inner.passwords.hash(&account.password).await?;
        self.inner
            .store
            .insert_user(&NewUser {
                id: UserId::generate(),
                username,
                email,
                full_name,
                password_hash: Some(password_hash),
                is_superuser: account.is_superuser,
                is_bot: false,
                created_at: now(),
                chat_availability: self.inner.config.safety.default_chat_availability,
            })
            .await
    }
}
