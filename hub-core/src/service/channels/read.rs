//! Reading channels: one, the open ones, and the caller's own with their counters.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::model::{ChannelId, ChannelKind, ChannelRole, MessageId, NotifyLevel};
use crate::protocol::v1::{ChannelView, MessageView, MyChannelView, UserView};
use crate::rules::{paging, permissions};
use crate::service::{Caller, Hub, Paged};
use crate::store::MyChannel;

impl Hub {
    /// One channel, if the caller may see it.
    pub async fn channel(&self, caller: &Caller, id: &ChannelId) -> Result<ChannelView> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_read(context.facts, context.viewer)?;
        Ok(ChannelView::from(&context.access.channel))
    }

    /// Public and voice channels (not archived) whose name contains `query`, by name.
    pub async fn open_channels(
        &self,
        query: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<ChannelView>> {
        let query = paging::search_query(query)?;
        let limit = self.page_size(limit)?;
        let channels = self
            .inner
            .store
            .open_channels(&paging::contains_pattern(&query), cursor, limit + 1)
            .await?;
        Ok(Paged::from_lookahead(channels, limit, |channel| channel.name.clone())
            .map(|channel| ChannelView::from(&channel)))
    }

    /// Every channel the caller belongs to, most recently active first.
    pub async fn my_channels(&self, caller: &Caller) -> Result<Vec<MyChannelView>> {
        let rows = self.inner.store.my_channels(&caller.user.id, None).await?;
        self.my_channel_views(caller, rows).await
    }

    /// One of the caller's channels.
    pub(crate) async fn my_channel(&self, caller: &Caller, id: &ChannelId) -> Result<MyChannelView> {
        let rows = self.inner.store.my_channels(&caller.user.id, Some(id)).await?;
        self.my_channel_views(caller, rows)
            .await?
            .pop()
            .ok_or_else(|| Error::not_found("channel"))
    }

    async fn my_channel_views(&self, caller: &Caller, rows: Vec<MyChannel>) -> Result<Vec<MyChannelView>> {
        let store = &self.inner.store;
        let last_ids: Vec<_> = rows
            .iter()
            .filter_map(|row| row.channel.last_message_id.clone())
            .collect();
        let last_messages = store.messages_by_ids(&last_ids).await?;
        let mut last_views: HashMap<MessageId, MessageView> = self
            .message_views(caller, &last_messages)
            .await?
            .into_iter()
            .map(|view| (view.id.clone(), view))
            .collect();
        let direct: Vec<ChannelId> = rows
            .iter()
            .filter(|row| row.channel.kind == ChannelKind::Dm)
            .map(|row| row.channel.id.clone())
            .collect();
        let mut direct_members: HashMap<ChannelId, Vec<UserView>> = HashMap::new();
        for (channel, user) in store.channel_users(&direct).await? {
            direct_members
                .entry(channel)
                .or_default()
                .push(UserView::from(&self.with_presence(user)));
        }
        Ok(rows
            .into_iter()
            .map(|row| {
                let last_message = row
                    .channel
                    .last_message_id
                    .as_ref()
                    .and_then(|id| last_views.remove(id));
                let members = (row.channel.kind == ChannelKind::Dm)
                    .then(|| direct_members.remove(&row.channel.id).unwrap_or_default());
                MyChannelView {
                    channel: ChannelView::from(&row.channel),
                    role: row.role,
                    notify: row.notify,
                    unread_count: row.unread_count,
                    // A muted channel asks for no attention.
                    mention_count: if row.notify == NotifyLevel::Nothing {
                        0
                    } else {
                        row.mention_count
                    },
                    last_message,
                    members,
                    join_code: row.join_code.filter(|_| row.role.rank() >= ChannelRole::Admin.rank()),
                }
            })
            .collect())
    }
}
