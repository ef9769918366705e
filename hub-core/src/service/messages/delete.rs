//! `delete_message`: the author, a channel admin or a site admin turns a message into a
//! tombstone; its place and its thread stay.

use crate::error::Result;
use crate::model::MessageId;
use crate::protocol::v1::ChannelEvent;
use crate::rules::permissions;
use crate::service::{Caller, Hub, now};

impl Hub {
    /// Deletes a message (deleting it again is harmless).
    pub async fn delete_message(&self, caller: &Caller, id: &MessageId) -> Result<()> {
        let (message, context) = self.readable_message(caller, id).await?;
        let is_author = message.author_id.as_ref() == Some(&caller.user.id);
        permissions::check_delete_message(context.facts, context.viewer, is_author)?;
        let deleted = ChannelEvent::MessageDeleted {
            message_id: message.id.clone(),
            parent_id: message.parent_id.clone(),
        };
        if let Some(event) = self.inner.store.delete_message(&message, now(), deleted).await? {
            self.publish(event);
        }
        Ok(())
    }
}
