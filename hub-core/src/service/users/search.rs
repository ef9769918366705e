//! `search_users`: find people by username or display name, a page at a time.

use crate::error::Result;
use crate::protocol::v1::UserView;
use crate::rules::paging;
use crate::service::{Caller, Hub, Paged};

impl Hub {
    /// Users whose username or display name contains `query` (all users when it is empty), ordered
    /// by username. `cursor` is the `next_cursor` of the previous page. Site admins also see
    /// suspended accounts.
    pub async fn search_users(
        &self,
        caller: &Caller,
        query: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<UserView>> {
        let query = paging::search_query(query)?;
        let cursor = paging::username_cursor(cursor)?;
        let limit = self.page_size(limit)?;
        let pattern = paging::contains_pattern(&query);
        // One extra row tells whether another page follows.
        let items = self
            .inner
            .store
            .search_users(&pattern, cursor, limit + 1, caller.user.is_superuser)
            .await?;
        Ok(Paged::from_lookahead(items, limit, |user| user.username.clone())
            .map(|user| UserView::from(&self.with_presence(user))))
    }
}
