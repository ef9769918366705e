//! `update_channel` and `archive_channel`.

use crate::error::Result;
use crate::model::ChannelId;
use crate::protocol::v1::{ChannelEvent, ChannelView, UpdateChannelRequest};
use crate::rules::channels::{validate_channel_name, validate_channel_text};
use crate::rules::permissions;
use crate::service::audit::Audited;
use crate::service::{Caller, Hub, now};
use crate::store::ChannelChange;

impl Hub {
    /// Changes name, description or topic (channel admins, owners, site admins).
    pub async fn update_channel(
        &self,
        caller: &Caller,
        id: &ChannelId,
        request: UpdateChannelRequest,
    ) -> Result<ChannelView> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_manage(context.facts, context.viewer)?;
        let name = request.name.as_deref().map(validate_channel_name).transpose()?;
        let description = request
            .description
            .as_deref()
            .map(|text| validate_channel_text("description", text))
            .transpose()?;
        let topic = request
            .topic
            .as_deref()
            .map(|text| validate_channel_text("topic", text))
            .transpose()?;
        let change = ChannelChange::Settings {
            name: name.as_deref(),
            description: description.as_deref(),
            topic: topic.as_deref(),
        };
        let (channel, event) = self
            .inner
            .store
            .change_channel(id, change, now(), |channel| ChannelEvent::ChannelUpdated {
                channel: ChannelView::from(channel),
            })
            .await?;
        self.publish(event);
        Ok(ChannelView::from(&channel))
    }

    /// Archives a channel: it stays readable and accepts nothing new (owners, site admins).
    /// It is in the audit log, with `reason`.
    pub async fn archive_channel(&self, caller: &Caller, id: &ChannelId, reason: &str) -> Result<()> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_archive(context.facts, context.viewer)?;
        if context.facts.archived {
            return Ok(());
        }
        let (_, event) = self
            .inner
            .store
            .change_channel(id, ChannelChange::Archive, now(), |channel| {
                ChannelEvent::ChannelArchived {
                    channel: ChannelView::from(channel),
                }
            })
            .await?;
        self.publish(event);
        let audited = Audited {
            action: "channel.archive",
            target_type: "channel",
            target_id: id.as_str(),
            reason: reason.trim(),
            details: serde_json::json!({}),
        };
        self.audit(Some(&caller.user.id), audited).await
    }
}
