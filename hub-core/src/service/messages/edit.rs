//! `edit_message`: the author changes the text; the earlier text is kept as a version.

use crate::error::{Error, ErrorKind, Result};
use crate::model::MessageId;
use crate::protocol::v1::{ChannelEvent, MessageView};
use crate::rules::{messages, permissions};
use crate::service::{Caller, Hub, now};

impl Hub {
    /// Replaces a message's text (its author only).
    pub async fn edit_message(&self, caller: &Caller, id: &MessageId, content: String) -> Result<MessageView> {
        self.charge_action(caller).await?;
        let (message, context) = self.readable_message(caller, id).await?;
        let is_author = message.author_id.as_ref() == Some(&caller.user.id);
        permissions::check_edit_message(context.facts, context.viewer, is_author)?;
        if message.deleted_at.is_some() {
            return Err(Error::new(ErrorKind::Conflict, "a deleted message cannot be edited"));
        }
        messages::validate_content(&content, self.inner.config.limits.max_message_length)?;
        if content == message.content {
            return self.message_view(caller, &message).await;
        }
        let mentions = messages::parse_mentions(&content);
        // The updated view replaces the old one in clients: it keeps the message's files.
        let files = self
            .files_by_message(std::slice::from_ref(&message))
            .await?
            .remove(&message.id)
            .unwrap_or_default();
        let (edited, event) = self
            .inner
            .store
            .edit_message(&message, &content, &mentions, now(), move |edited| {
                ChannelEvent::MessageUpdated {
                    message: MessageView::new(edited, &[]).with_files(files),
                }
            })
            .await?;
        self.publish(event);
        self.message_view(caller, &edited).await
    }
}
