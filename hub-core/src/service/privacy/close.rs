//! `close_account`: the caller leaves, confirming with their password.

use crate::error::{Error, ErrorKind, Result};
use crate::events::BusMessage;
use crate::model::UserId;
use crate::protocol::v1::close_code;
use crate::service::{Caller, Hub, now};

impl Hub {
    /// Closes the caller's account: their content is erased (or, with
    /// `privacy.erase_content_on_close` off, kept as a deleted user's), their profile emptied,
    /// their username reserved (or released with `privacy.release_usernames`), every session
    /// ended and every socket closed. Accounts that sign in only through the identity provider
    /// confirm with an empty password.
    pub async fn close_account(&self, caller: &Caller, password: &str) -> Result<()> {
        let store = &self.inner.store;
        let hash = store
            .user_with_password(&caller.user.username)
            .await?
            .and_then(|(_, hash)| hash);
        let confirmed = match &hash {
            Some(hash) => self.inner.passwords.verify(password, Some(hash)).await?,
            None => password.is_empty(),
        };
        if !confirmed {
            return Err(Error::new(ErrorKind::InvalidCredentials, "that is not your password").with_field("password"));
        }
        self.close_account_of(&caller.user.id).await?;
        tracing::info!(user = %caller.user.id, "account closed");
        Ok(())
    }

    /// What closing an account does, however it was asked for (the user, or a site admin).
    pub(crate) async fn close_account_of(&self, user: &UserId) -> Result<()> {
        let store = &self.inner.store;
        if self.inner.config.privacy.erase_content_on_close {
            self.erase_messages_of(user).await?;
            self.erase_posts_of(user).await?;
            self.erase_comments_of(user).await?;
        }
        let released = format!("deleted-{}", user.as_str().replace('-', ""));
        let release_as = self.inner.config.privacy.release_usernames.then_some(released.as_str());
        store.close_account(user, release_as, now()).await?;
        self.broadcast(BusMessage::Disconnect {
            user_id: user.clone(),
            session_id: None,
            code: close_code::ACCOUNT_SUSPENDED,
        });
        store.fold_log().await?;
        Ok(())
    }
}
