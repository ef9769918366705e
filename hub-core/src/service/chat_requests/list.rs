//! `chat_requests`: the caller's incoming or outgoing requests.

use crate::error::Result;
use crate::model::{ChatRequestId, ChatRequestStatus};
use crate::protocol::v1::ChatRequestView;
use crate::service::{Caller, Hub, Paged};
use crate::store::Direction;

impl Hub {
    /// The caller's requests, `incoming` (sent to them) or outgoing, of one status or all,
    /// newest first.
    pub async fn chat_requests(
        &self,
        caller: &Caller,
        incoming: bool,
        status: Option<ChatRequestStatus>,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<ChatRequestView>> {
        let limit = self.page_size(limit)?;
        let direction = if incoming {
            Direction::Incoming
        } else {
            Direction::Outgoing
        };
        crate::rules::paging::id_cursor("cursor", cursor)?;
        let before = cursor.map(ChatRequestId::from);
        let requests = self
            .inner
            .store
            .chat_requests_of(&caller.user.id, direction, status, before.as_ref(), limit + 1)
            .await?;
        Ok(Paged::from_lookahead(requests, limit, |request| request.id.to_string())
            .map(|request| ChatRequestView::from(&request)))
    }
}
