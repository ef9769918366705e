//! Loading a channel together with the caller's relation to it, in the shape the permission
//! rules take.

use chrono::{DateTime, Utc};

use crate::error::{Error, ErrorKind, Result};
use crate::model::{ChannelId, Message, MessageId};
use crate::rules::permissions::{self, ChannelFacts, Viewer};
use crate::service::{Caller, Hub, now};
use crate::store::ChannelAccess;

/// A channel, the caller's membership and ban, and the facts the rules look at.
#[derive(Debug, Clone)]
pub(crate) struct ChannelContext {
    /// What the store knows.
    pub access: ChannelAccess,
    /// The channel as the rules see it.
    pub facts: ChannelFacts,
    /// The caller as the rules see them.
    pub viewer: Viewer,
}

impl ChannelContext {
    /// The facts as they stand at `at`, for a caller who is a site admin or not.
    pub(crate) fn new(access: ChannelAccess, is_site_admin: bool, at: DateTime<Utc>) -> Self {
        let facts = ChannelFacts {
            kind: access.channel.kind,
            archived: access.channel.archived_at.is_some(),
        };
        let viewer = Viewer {
            is_site_admin,
            role: access.membership.as_ref().map(|membership| membership.role),
            banned: access
                .ban
                .as_ref()
                .is_some_and(|ban| ban.expires_at.is_none_or(|expires| expires > at)),
            timed_out_until: access
                .membership
                .as_ref()
                .and_then(|membership| membership.timed_out_until)
                .filter(|until| *until > at),
            blocked_in_dm: access.blocked_in_dm,
        };
        ChannelContext { access, facts, viewer }
    }
}

impl Hub {
    /// The channel with `id` as `caller` relates to it. A channel that does not exist is
    /// [`crate::ErrorKind::NotFound`]; whether the caller may see it is for the rules to say.
    pub(crate) async fn channel_context(&self, caller: &Caller, id: &ChannelId) -> Result<ChannelContext> {
        let access = self
            .inner
            .store
            .channel_access(id, &caller.user.id)
            .await?
            .ok_or_else(|| Error::not_found("channel"))?;
        Ok(ChannelContext::new(access, caller.user.is_superuser, now()))
    }

    /// A message and its channel, if the caller may read that channel; otherwise the message
    /// does not exist for them.
    pub(crate) async fn readable_message(&self, caller: &Caller, id: &MessageId) -> Result<(Message, ChannelContext)> {
        let message = self.message_by_id(id).await?;
        let context = self.channel_context(caller, &message.channel_id).await?;
        permissions::check_read(context.facts, context.viewer).map_err(|_| Error::not_found("message"))?;
        Ok((message, context))
    }

    /// The message with `id`, whoever asks (callers check access), or not found.
    pub(crate) async fn message_by_id(&self, id: &MessageId) -> Result<Message> {
        self.inner
            .store
            .message(id)
            .await?
            .ok_or_else(|| Error::not_found("message"))
    }

    /// A message that must belong to `channel` (named by a request `field`).
    pub(crate) async fn message_in_channel(&self, channel: &ChannelId, id: &MessageId, field: &str) -> Result<Message> {
        match self.inner.store.message(id).await? {
            Some(message) if &message.channel_id == channel => Ok(message),
            // Absent and elsewhere alike: another channel's message may not be the caller's to see.
            _ => Err(
                Error::new(ErrorKind::NotFound, format!("{field} names no message of this channel")).with_field(field),
            ),
        }
    }
}
