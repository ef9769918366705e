//! Channel bans: list, ban (with an optional expiry), lift.

use crate::error::{Error, Result};
use crate::model::{ChannelBan, ChannelId, UserId};
use crate::protocol::v1::{BanRequest, ChannelEvent, LeaveReason};
use crate::rules::permissions;
use crate::service::{Caller, Hub, now};

/// Longest ban reason, in characters.
const MAX_REASON_LENGTH: usize = 500;

impl Hub {
    /// Every ban of a channel (channel admins, owners, site admins).
    pub async fn channel_bans(&self, caller: &Caller, id: &ChannelId) -> Result<Vec<ChannelBan>> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_manage(context.facts, context.viewer)?;
        self.inner.store.bans(id).await
    }

    /// Bans someone: they leave the channel and cannot join again until the ban ends.
    pub async fn ban_from_channel(
        &self,
        caller: &Caller,
        id: &ChannelId,
        target: &UserId,
        request: BanRequest,
    ) -> Result<ChannelBan> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_manage(context.facts, context.viewer)?;
        if target == &caller.user.id {
            return Err(Error::invalid("user_id", "you cannot ban yourself"));
        }
        self.active_user(target).await?;
        let target_role = self
            .inner
            .store
            .membership(id, target)
            .await?
            .map(|membership| membership.role);
        permissions::check_moderate(context.facts, context.viewer, target_role)?;
        let at = now();
        if request.expires_at.is_some_and(|expires| expires <= at) {
            return Err(Error::invalid("expires_at", "expires_at must be in the future"));
        }
        let reason = request.reason.unwrap_or_default().trim().to_owned();
        if reason.chars().count() > MAX_REASON_LENGTH {
            return Err(Error::invalid(
                "reason",
                format!("reason must be at most {MAX_REASON_LENGTH} characters"),
            ));
        }
        let ban = ChannelBan {
            channel_id: id.clone(),
            user_id: target.clone(),
            banned_by: Some(caller.user.id.clone()),
            reason,
            created_at: at,
            expires_at: request.expires_at,
        };
        let left = ChannelEvent::MemberLeft {
            user_id: target.clone(),
            reason: LeaveReason::Banned,
        };
        if let Some(event) = self.inner.store.put_ban(&ban, left).await? {
            self.publish(event);
        }
        Ok(ban)
    }

    /// Lifts a ban (lifting one that is not there is harmless).
    pub async fn lift_ban(&self, caller: &Caller, id: &ChannelId, target: &UserId) -> Result<()> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_manage(context.facts, context.viewer)?;
        self.inner.store.delete_ban(id, target).await?;
        Ok(())
    }
}
