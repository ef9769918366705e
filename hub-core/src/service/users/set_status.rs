//! `set_status`: online, away, busy or offline.

use crate::error::Result;
use crate::model::{User, UserStatus};
use crate::service::{Caller, Hub, now};

impl Hub {
    /// Sets the caller's status.
    pub async fn set_status(&self, caller: &Caller, status: UserStatus) -> Result<User> {
        self.inner.store.set_status(&caller.user.id, status, now()).await
    }
}
