//! Message views for one reader: reaction counts loaded for a whole page at once.

use std::collections::HashMap;

use crate::error::Result;
use crate::model::{Message, MessageId, ReactionCount};
use crate::protocol::v1::MessageView;
use crate::service::{Caller, Hub};

impl Hub {
    /// Views of `messages` (same order) with reactions as `caller` sees them.
    pub(crate) async fn message_views(&self, caller: &Caller, messages: &[Message]) -> Result<Vec<MessageView>> {
        let ids: Vec<MessageId> = messages.iter().map(|message| message.id.clone()).collect();
        let mut counts: HashMap<MessageId, Vec<ReactionCount>> = HashMap::new();
        for (message, count) in self.inner.store.reaction_counts(&ids, &caller.user.id).await? {
            counts.entry(message).or_default().push(count);
        }
        Ok(messages
            .iter()
            .map(|message| MessageView::new(message, counts.get(&message.id).map_or(&[][..], Vec::as_slice)))
            .collect())
    }

    /// The view of one message for `caller`.
    pub(crate) async fn message_view(&self, caller: &Caller, message: &Message) -> Result<MessageView> {
        let mut views = self.message_views(caller, std::slice::from_ref(message)).await?;
        Ok(views.pop().unwrap_or_else(|| MessageView::new(message, &[])))
    }
}
