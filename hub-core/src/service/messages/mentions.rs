//! `mentions`: the caller's mention inbox with read state.

use crate::error::Result;
use crate::model::MessageId;
use crate::protocol::v1::MentionView;
use crate::service::{Caller, Hub, Paged};

impl Hub {
    /// Mentions of the caller in channels they belong to and have not muted, newest first.
    pub async fn mentions(
        &self,
        caller: &Caller,
        before: Option<&MessageId>,
        unread_only: bool,
        limit: Option<u32>,
    ) -> Result<Paged<MentionView>> {
        crate::rules::paging::id_cursor("before", before.map(MessageId::as_str))?;
        let limit = self.page_size(limit)?;
        let rows = self
            .inner
            .store
            .mentions_of(&caller.user.id, before, unread_only, limit + 1)
            .await?;
        let page = Paged::from_lookahead(rows, limit, |row| row.message.id.to_string());
        let messages: Vec<_> = page.items.iter().map(|row| row.message.clone()).collect();
        let views = self.message_views(caller, &messages).await?;
        Ok(Paged {
            items: page
                .items
                .into_iter()
                .zip(views)
                .map(|(row, message)| MentionView {
                    message,
                    kind: row.mention_kind,
                    read: row.is_read,
                })
                .collect(),
            next_cursor: page.next_cursor,
        })
    }
}
