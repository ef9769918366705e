//! Reading messages: one, a channel's history, a thread, a message's versions.

use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};
use crate::model::{Channel, ChannelId, Message, MessageId};
use crate::protocol::v1::{MessageVersionView, MessageView, ThreadView};
use crate::rules::permissions;
use crate::service::{Caller, Hub, Paged};
use crate::store::HistoryCursor;

use super::recent::RecentPage;
use super::views::{ReactionsByMessage, views};

/// The page of views of `fetched`, which was asked for `limit + 1` messages.
fn page_of(fetched: &[Message], limit: u32, reactions: &ReactionsByMessage) -> Paged<MessageView> {
    let page = Paged::from_lookahead(fetched.iter().collect(), limit, |message| message.id.to_string());
    Paged {
        items: views(page.items, reactions),
        next_cursor: page.next_cursor,
    }
}

impl Hub {
    /// One message.
    pub async fn message(&self, caller: &Caller, id: &MessageId) -> Result<MessageView> {
        let (message, _) = self.readable_message(caller, id).await?;
        self.message_view(caller, &message).await
    }

    /// A page of a channel's top-level messages: newest first (from the newest, or `before` a
    /// message), or oldest first `after` a message. `next_cursor` continues in the same direction.
    /// Messages of people the caller mutes or blocks (or who block them) are left out, so a
    /// page may hold fewer than `limit`.
    pub async fn history(
        &self,
        caller: &Caller,
        channel: &ChannelId,
        before: Option<&MessageId>,
        after: Option<&MessageId>,
        limit: Option<u32>,
    ) -> Result<Paged<MessageView>> {
        let context = self.channel_context(caller, channel).await?;
        permissions::check_read(context.facts, context.viewer)?;
        let limit = self.page_size(limit)?;
        let cursor = match (before, after) {
            (Some(_), Some(_)) => return Err(Error::invalid("after", "give before or after, not both")),
            (Some(before), None) => {
                HistoryCursor::Before(self.message_in_channel(channel, before, "before").await?.seq)
            }
            (None, Some(after)) => HistoryCursor::After(self.message_in_channel(channel, after, "after").await?.seq),
            (None, None) => {
                let mut page = self.newest_page(caller, &context.access.channel, limit).await?;
                self.drop_hidden(&caller.user.id, &mut page.items).await?;
                return Ok(page);
            }
        };
        let messages = self.inner.store.history(channel, cursor, limit + 1).await?;
        let page = Paged::from_lookahead(messages, limit, |message| message.id.to_string());
        // The cursor is the last message read, shown or not, so paging neither skips nor repeats.
        let mut items = self.message_views(caller, &page.items).await?;
        self.drop_hidden(&caller.user.id, &mut items).await?;
        Ok(Paged {
            items,
            next_cursor: page.next_cursor,
        })
    }

    /// The newest page of `channel`: from memory while the channel's `last_seq` has not moved
    /// since the page was read (see [`super::recent`]), else from the store, and then kept.
    async fn newest_page(&self, caller: &Caller, channel: &Channel, limit: u32) -> Result<Paged<MessageView>> {
        let asked = limit as usize + 1;
        let recent = &self.inner.recent_pages;
        if let Some(page) = recent.get(&channel.id, channel.last_seq, asked) {
            // Only the messages that had reactions when the page was read can have any now.
            let reactions = match page.reacted.is_empty() {
                true => ReactionsByMessage::new(),
                false => self.reactions_by_message(caller, &page.reacted).await?,
            };
            let mut paged = page_of(&page.messages, limit, &reactions);
            self.add_files(&page.messages, &mut paged.items).await?;
            return Ok(paged);
        }
        let messages = self
            .inner
            .store
            .history(&channel.id, HistoryCursor::Latest, limit + 1)
            .await?;
        let ids: Vec<MessageId> = messages.iter().map(|message| message.id.clone()).collect();
        let reactions = self.reactions_by_message(caller, &ids).await?;
        let page = Arc::new(RecentPage {
            last_seq: channel.last_seq,
            asked,
            messages,
            reacted: reactions.keys().cloned().collect(),
        });
        recent.put(&channel.id, page.clone());
        let mut paged = page_of(&page.messages, limit, &reactions);
        self.add_files(&page.messages, &mut paged.items).await?;
        Ok(paged)
    }

    /// A thread: its first message and a page of replies, oldest first, `after` a reply.
    pub async fn thread(
        &self,
        caller: &Caller,
        id: &MessageId,
        after: Option<&MessageId>,
        limit: Option<u32>,
    ) -> Result<ThreadView> {
        let (parent, _) = self.readable_message(caller, id).await?;
        if parent.parent_id.is_some() {
            return Err(Error::invalid(
                "id",
                "this message is a reply; its thread starts at parent_id",
            ));
        }
        let limit = self.page_size(limit)?;
        let after_seq = match after {
            Some(after) => match self.inner.store.message(after).await? {
                Some(reply) if reply.parent_id.as_ref() == Some(&parent.id) => reply.seq,
                _ => {
                    return Err(
                        Error::new(ErrorKind::NotFound, "after names no reply in this thread").with_field("after")
                    );
                }
            },
            None => 0,
        };
        let replies = self
            .inner
            .store
            .thread_replies(&parent.id, after_seq, limit + 1)
            .await?;
        let page = Paged::from_lookahead(replies, limit, |reply| reply.id.to_string());
        // The thread stays reachable whoever started it; replies from people the caller does
        // not hear from are left out.
        let mut items = self.message_views(caller, &page.items).await?;
        self.drop_hidden(&caller.user.id, &mut items).await?;
        Ok(ThreadView {
            parent: self.message_view(caller, &parent).await?,
            items,
            next_cursor: page.next_cursor,
        })
    }

    /// Every version of a message, oldest first, the current one last.
    pub async fn message_versions(&self, caller: &Caller, id: &MessageId) -> Result<Vec<MessageVersionView>> {
        let (message, _) = self.readable_message(caller, id).await?;
        let earlier = self.inner.store.message_versions(id).await?;
        Ok(MessageVersionView::list(&message, &earlier))
    }
}
