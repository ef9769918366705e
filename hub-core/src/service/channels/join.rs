//! `join_channel`, `leave_channel` and `rotate_join_code`.

use crate::error::Result;
use crate::model::{ChannelId, ChannelRole};
use crate::protocol::v1::{ChannelEvent, JoinCodeView, LeaveReason, MyChannelView};
use crate::rules::channels::join_code_matches;
use crate::rules::permissions;
use crate::service::{Caller, Hub, now};

impl Hub {
    /// Joins a channel (a private one with its current join code). Joining twice is harmless.
    pub async fn join_channel(
        &self,
        caller: &Caller,
        id: &ChannelId,
        join_code: Option<&str>,
    ) -> Result<MyChannelView> {
        let context = self.channel_context(caller, id).await?;
        let code_matches = join_code_matches(join_code, context.access.join_code.as_deref());
        permissions::check_join(context.facts, context.viewer, code_matches)?;
        if context.viewer.role.is_none()
            && let Some(event) = self
                .inner
                .store
                .add_member(id, &caller.user.id, ChannelRole::Member, now())
                .await?
        {
            self.publish(event);
        }
        self.my_channel(caller, id).await
    }

    /// Leaves a channel. The last owner must hand over first; direct conversations stay.
    pub async fn leave_channel(&self, caller: &Caller, id: &ChannelId) -> Result<()> {
        let context = self.channel_context(caller, id).await?;
        let owners = self.inner.store.owner_count(id).await?;
        permissions::check_leave(context.facts, context.viewer, owners)?;
        let left = ChannelEvent::MemberLeft {
            user_id: caller.user.id.clone(),
            reason: LeaveReason::Left,
        };
        if let Some(event) = self.inner.store.remove_member(id, &caller.user.id, now(), left).await? {
            self.publish(event);
        }
        Ok(())
    }

    /// Replaces a private channel's join code; the old one stops working.
    pub async fn rotate_join_code(&self, caller: &Caller, id: &ChannelId) -> Result<JoinCodeView> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_rotate_join_code(context.facts, context.viewer)?;
        let join_code = super::create::new_join_code()?;
        self.inner.store.set_join_code(id, &join_code, now()).await?;
        Ok(JoinCodeView { join_code })
    }
}
