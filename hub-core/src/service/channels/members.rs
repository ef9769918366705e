//! Members: list, add, kick, change roles, time out.

use chrono::{DateTime, Utc};

use crate::error::{Error, ErrorKind, Result};
use crate::model::{ChannelId, ChannelRole, Membership, User, UserId};
use crate::protocol::v1::{ChannelEvent, LeaveReason};
use crate::rules::permissions;
use crate::service::audit::Audited;
use crate::service::{Caller, Hub, Paged, now};
use crate::store::MemberChange;

impl Hub {
    /// A page of a channel's members, by username.
    pub async fn channel_members(
        &self,
        caller: &Caller,
        id: &ChannelId,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<(Membership, User)>> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_read(context.facts, context.viewer)?;
        let limit = self.page_size(limit)?;
        let items = self.inner.store.members(id, cursor, limit + 1).await?;
        Ok(Paged::from_lookahead(items, limit, |(_, user)| user.username.clone())
            .map(|(membership, user)| (membership, self.with_presence(user))))
    }

    /// Adds someone (channel admins, owners, site admins). Returns the membership and whether
    /// it is new.
    pub async fn add_channel_member(
        &self,
        caller: &Caller,
        id: &ChannelId,
        target: &UserId,
    ) -> Result<(Membership, User, bool)> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_manage(context.facts, context.viewer)?;
        if context.facts.archived {
            return Err(Error::forbidden("this channel is archived"));
        }
        let user = self.active_user(target).await?;
        let store = &self.inner.store;
        let banned = store
            .ban(id, target)
            .await?
            .is_some_and(|ban| ban.expires_at.is_none_or(|expires| expires > now()));
        if banned {
            return Err(Error::new(
                ErrorKind::Conflict,
                "this user is banned from the channel; lift the ban first",
            ));
        }
        let added = store.add_member(id, target, ChannelRole::Member, now()).await?;
        let created = added.is_some();
        if let Some(event) = added {
            self.publish(event);
        }
        let membership = store
            .membership(id, target)
            .await?
            .ok_or_else(|| Error::not_found("member"))?;
        Ok((membership, user, created))
    }

    /// Removes a member (who must rank below the caller, unless the caller is a site admin).
    pub async fn kick_member(&self, caller: &Caller, id: &ChannelId, target: &UserId, reason: &str) -> Result<()> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_manage(context.facts, context.viewer)?;
        if target == &caller.user.id {
            return Err(Error::invalid(
                "user_id",
                "to leave a channel use POST /channels/{id}/leave",
            ));
        }
        let membership = self.member_of(id, target).await?;
        permissions::check_moderate(context.facts, context.viewer, Some(membership.role))?;
        let kicked = ChannelEvent::MemberLeft {
            user_id: target.clone(),
            reason: LeaveReason::Kicked,
        };
        if let Some(event) = self.inner.store.remove_member(id, target, now(), kicked).await? {
            self.publish(event);
            let audited = Audited {
                action: "member.kick",
                target_type: "user",
                target_id: target.as_str(),
                reason: reason.trim(),
                details: serde_json::json!({ "channel_id": id }),
            };
            self.audit(Some(&caller.user.id), audited).await?;
        }
        Ok(())
    }

    /// Changes a member's role (owners and site admins; a channel keeps at least one owner).
    pub async fn set_member_role(
        &self,
        caller: &Caller,
        id: &ChannelId,
        target: &UserId,
        role: ChannelRole,
    ) -> Result<(Membership, User)> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_manage(context.facts, context.viewer)?;
        let membership = self.member_of(id, target).await?;
        let owners = self.inner.store.owner_count(id).await?;
        permissions::check_set_role(context.facts, context.viewer, membership.role, role, owners)?;
        let changed = self.change_member(id, target, MemberChange::Role(role)).await?;
        let audited = Audited {
            action: "member.role",
            target_type: "user",
            target_id: target.as_str(),
            reason: "",
            details: serde_json::json!({ "channel_id": id, "from": membership.role, "to": role }),
        };
        self.audit(Some(&caller.user.id), audited).await?;
        Ok(changed)
    }

    /// Stops a member from posting until `until` (or lifts it with `None`).
    pub async fn time_out_member(
        &self,
        caller: &Caller,
        id: &ChannelId,
        target: &UserId,
        until: Option<DateTime<Utc>>,
    ) -> Result<(Membership, User)> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_manage(context.facts, context.viewer)?;
        let membership = self.member_of(id, target).await?;
        permissions::check_moderate(context.facts, context.viewer, Some(membership.role))?;
        if until.is_some_and(|until| until <= now()) {
            return Err(Error::invalid("until", "until must be in the future"));
        }
        self.change_member(id, target, MemberChange::TimeOut(until)).await
    }

    async fn change_member(&self, id: &ChannelId, target: &UserId, change: MemberChange) -> Result<(Membership, User)> {
        let (membership, event) = self
            .inner
            .store
            .change_member(id, target, change, now())
            .await?
            .ok_or_else(|| Error::not_found("member"))?;
        self.publish(event);
        let user = self.active_user(target).await?;
        Ok((membership, user))
    }

    /// The membership of `target`, or not found.
    pub(super) async fn member_of(&self, id: &ChannelId, target: &UserId) -> Result<Membership> {
        self.inner
            .store
            .membership(id, target)
            .await?
            .ok_or_else(|| Error::not_found("member"))
    }

    /// A user who exists and is not suspended.
    pub(crate) async fn active_user(&self, id: &UserId) -> Result<User> {
        match self.inner.store.user_by_id(id).await? {
            Some(user) if !user.is_suspended => Ok(user),
            _ => Err(Error::not_found("user")),
        }
    }
}
