//! `delete_message`: the author, a channel admin or a site admin turns a message into a
//! tombstone; its place and its thread stay. A deletion by anyone but the author is a
//! moderator's action and goes into the audit log.

use crate::error::Result;
use crate::model::{Message, MessageId};
use crate::protocol::v1::ChannelEvent;
use crate::rules::permissions;
use crate::service::audit::Audited;
use crate::service::{Caller, Hub, now};

impl Hub {
    /// Deletes a message (deleting it again is harmless). `reason` is kept in the audit log
    /// when someone other than the author deletes it.
    pub async fn delete_message(&self, caller: &Caller, id: &MessageId, reason: &str) -> Result<()> {
        self.charge_action(caller).await?;
        let (message, context) = self.readable_message(caller, id).await?;
        let is_author = message.author_id.as_ref() == Some(&caller.user.id);
        permissions::check_delete_message(context.facts, context.viewer, is_author)?;
        let deleted = self.tombstone(&message).await?;
        if deleted && !is_author {
            self.audit_deletion(caller, &message, reason.trim()).await?;
        }
        Ok(())
    }

    /// Deletes a reported message on a site admin's decision, wherever it is (a direct
    /// conversation included, which site admins cannot read).
    pub(crate) async fn delete_message_as_moderator(
        &self,
        caller: &Caller,
        id: &MessageId,
        reason: &str,
    ) -> Result<()> {
        let message = self.message_by_id(id).await?;
        if self.tombstone(&message).await? {
            self.audit_deletion(caller, &message, reason).await?;
        }
        Ok(())
    }

    /// Turns `message` into a tombstone and tells its channel; `false` when it already was one.
    async fn tombstone(&self, message: &Message) -> Result<bool> {
        let deleted = ChannelEvent::MessageDeleted {
            message_id: message.id.clone(),
            parent_id: message.parent_id.clone(),
        };
        match self.inner.store.delete_message(message, now(), deleted).await? {
            Some(event) => {
                self.publish(event);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn audit_deletion(&self, caller: &Caller, message: &Message, reason: &str) -> Result<()> {
        let audited = Audited {
            action: "message.delete",
            target_type: "message",
            target_id: message.id.as_str(),
            reason,
            details: serde_json::json!({ "channel_id": message.channel_id, "author_id": message.author_id }),
        };
        self.audit(Some(&caller.user.id), audited).await
    }
}
