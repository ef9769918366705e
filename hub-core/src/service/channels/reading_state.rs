//! The caller's reading state in a channel: the read marker (which their other connections
//! follow) and the notification level.

use crate::error::Result;
use crate::events::BusMessage;
use crate::model::{ChannelId, MessageId, NotifyLevel};
use crate::protocol::v1::{ControlFrame, MyChannelView};
use crate::rules::permissions;
use crate::service::{Caller, Hub};

impl Hub {
    /// Sets the caller's read marker to `message` (moving it back marks later messages unread).
    pub async fn mark_read(&self, caller: &Caller, id: &ChannelId, message: &MessageId) -> Result<()> {
        self.charge_action(caller).await?;
        let context = self.channel_context(caller, id).await?;
        permissions::check_member_action(context.facts, context.viewer, "mark messages read")?;
        let message = self.message_in_channel(id, message, "message_id").await?;
        self.inner
            .store
            .set_read_marker(id, &caller.user.id, message.seq)
            .await?;
        // The caller's other devices move their markers too.
        let frame = ControlFrame::ReadUpdated {
            channel_id: id.clone(),
            message_id: message.id,
        };
        if let Some(frame) = frame.to_json() {
            self.inner.bus.publish(BusMessage::ToUsers {
                user_ids: vec![caller.user.id.clone()],
                except_connection: caller.connection_id,
                frame,
            });
        }
        Ok(())
    }

    /// Chooses what the caller is notified of in a channel.
    pub async fn set_notify_level(&self, caller: &Caller, id: &ChannelId, level: NotifyLevel) -> Result<MyChannelView> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_member_action(context.facts, context.viewer, "choose notifications")?;
        self.inner.store.set_notify(id, &caller.user.id, level).await?;
        self.my_channel(caller, id).await
    }
}
