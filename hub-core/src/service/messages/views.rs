//! Message views for one reader: reaction counts loaded for a whole page at once.

use std::collections::HashMap;

use crate::error::Result;
use crate::model::{Message, MessageId, ReactionCount};
use crate::protocol::v1::MessageView;
use crate::service::{Caller, Hub};

/// Each message's reaction counts as one reader sees them; messages without reactions are absent.
pub(crate) type ReactionsByMessage = HashMap<MessageId, Vec<ReactionCount>>;

impl Hub {
    /// Views of `messages` (same order) with reactions as `caller` sees them.
    pub(crate) async fn message_views(&self, caller: &Caller, messages: &[Message]) -> Result<Vec<MessageView>> {
        let ids: Vec<MessageId> = messages.iter().map(|message| message.id.clone()).collect();
        let reactions = self.reactions_by_message(caller, &ids).await?;
        let mut views = views(messages, &reactions);
        self.add_files(messages, &mut views).await?;
        Ok(views)
    }

    /// The view of one message for `caller`.
    pub(crate) async fn message_view(&self, caller: &Caller, message: &Message) -> Result<MessageView> {
        let mut views = self.message_views(caller, std::slice::from_ref(message)).await?;
        Ok(views.pop().unwrap_or_else(|| MessageView::new(message, &[])))
    }

    /// The reaction counts of `ids` as `caller` sees them.
    pub(crate) async fn reactions_by_message(&self, caller: &Caller, ids: &[MessageId]) -> Result<ReactionsByMessage> {
        let mut reactions = ReactionsByMessage::new();
        for (message, count) in self.inner.store.reaction_counts(ids, &caller.user.id).await? {
            reactions.entry(message).or_default().push(count);
        }
        Ok(reactions)
    }
}

/// Views of `messages` (same order) with their `reactions`.
pub(crate) fn views<'a>(
    messages: impl IntoIterator<Item = &'a Message>,
    reactions: &ReactionsByMessage,
) -> Vec<MessageView> {
    messages
        .into_iter()
        .map(|message| MessageView::new(message, reactions.get(&message.id).map_or(&[][..], Vec::as_slice)))
        .collect()
}
