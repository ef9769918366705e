//! `list_users`: every account, for operators (`hub users list`).

use crate::error::Result;
use crate::model::User;
use crate::service::{Hub, Paged};

impl Hub {
    /// All accounts, suspended ones included, ordered by username, a page at a time. This is an
    /// operator call without a caller: the CLI runs with direct database access.
    pub async fn list_users(&self, limit: Option<u32>, cursor: Option<&str>) -> Result<Paged<User>> {
        let cursor = crate::rules::paging::username_cursor(cursor)?;
        let limit = self.page_size(limit)?;
        let items = self.inner.store.search_users("%", cursor, limit + 1, true).await?;
        Ok(Paged::from_lookahead(items, limit, |user| user.username.clone()))
    }

    /// How many accounts exist.
    pub async fn count_users(&self) -> Result<i64> {
        self.inner.store.count_users().await
    }
}
