//! `user`: one profile by id.

use crate::error::{Error, Result};
use crate::model::UserId;
use crate::protocol::v1::UserView;
use crate::service::{Caller, Hub};

impl Hub {
    /// The user with `id`. Suspended users are hidden from everyone but site admins.
    pub async fn user(&self, caller: &Caller, id: &UserId) -> Result<UserView> {
        match self.inner.store.user_by_id(id).await? {
            Some(user) if !user.is_suspended || caller.user.is_superuser => {
                Ok(UserView::from(&self.with_presence(user)))
            }
            _ => Err(Error::not_found("user")),
        }
    }
}
