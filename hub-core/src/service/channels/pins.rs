//! Pinned messages and the caller's saved messages.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::model::{ChannelId, MessageId};
use crate::protocol::v1::{PinView, SavedView};
use crate::rules::permissions;
use crate::service::{Caller, Hub, Paged, now};

impl Hub {
    /// A channel's pins, newest first.
    pub async fn pins(&self, caller: &Caller, id: &ChannelId) -> Result<Vec<PinView>> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_read(context.facts, context.viewer)?;
        let rows = self.inner.store.pins(id).await?;
        let messages: Vec<_> = rows.iter().map(|row| row.message.clone()).collect();
        let views = self.message_views(caller, &messages).await?;
        Ok(rows
            .into_iter()
            .zip(views)
            .map(|(row, message)| PinView {
                message,
                pinned_by: row.pinned_by,
                pinned_at: row.pinned_at,
            })
            .collect())
    }

    /// Pins (`pin = true`) or unpins a message of the channel; both are idempotent.
    pub async fn set_pinned(
        &self,
        caller: &Caller,
        id: &ChannelId,
        message: &MessageId,
        pin: bool,
    ) -> Result<Option<PinView>> {
        let context = self.channel_context(caller, id).await?;
        permissions::check_pin(context.facts, context.viewer)?;
        let message = self.message_in_channel(id, message, "message_id").await?;
        if pin && message.deleted_at.is_some() {
            return Err(Error::invalid("message_id", "a deleted message cannot be pinned"));
        }
        if let Some(event) = self.inner.store.set_pin(&message, &caller.user.id, pin, now()).await? {
            self.publish(event);
        }
        if !pin {
            return Ok(None);
        }
        let row = self
            .inner
            .store
            .pin(&message.id)
            .await?
            .ok_or_else(|| Error::not_found("pin"))?;
        let view = self
            .message_views(caller, std::slice::from_ref(&row.message))
            .await?
            .pop();
        Ok(view.map(|message| PinView {
            message,
            pinned_by: row.pinned_by,
            pinned_at: row.pinned_at,
        }))
    }

    /// Saves a message the caller can read, for later (visible only to them).
    pub async fn save_message(&self, caller: &Caller, message: &MessageId) -> Result<()> {
        self.readable_message(caller, message).await?;
        self.inner.store.save_message(&caller.user.id, message, now()).await
    }

    /// Forgets a saved message.
    pub async fn unsave_message(&self, caller: &Caller, message: &MessageId) -> Result<()> {
        self.inner.store.unsave_message(&caller.user.id, message).await
    }

    /// The caller's saved messages that they can still read, newest save first.
    pub async fn saved_messages(
        &self,
        caller: &Caller,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<SavedView>> {
        let limit = self.page_size(limit)?;
        let rows = self
            .inner
            .store
            .saved_messages(&caller.user.id, cursor, limit + 1)
            .await?;
        let page = Paged::from_lookahead(rows, limit, |row| row.saved_id.clone());
        // Someone who left a private channel keeps the save but no longer sees the message.
        let mut readable: HashMap<ChannelId, bool> = HashMap::new();
        let mut kept = Vec::with_capacity(page.items.len());
        for row in page.items {
            let channel = row.message.channel_id.clone();
            let may_read = match readable.get(&channel) {
                Some(answer) => *answer,
                None => {
                    let context = self.channel_context(caller, &channel).await?;
                    let answer = permissions::check_read(context.facts, context.viewer).is_ok();
                    readable.insert(channel, answer);
                    answer
                }
            };
            if may_read {
                kept.push(row);
            }
        }
        let messages: Vec<_> = kept.iter().map(|row| row.message.clone()).collect();
        let views = self.message_views(caller, &messages).await?;
        Ok(Paged {
            items: kept
                .into_iter()
                .zip(views)
                .map(|(row, message)| SavedView {
                    message,
                    saved_at: row.saved_at,
                })
                .collect(),
            next_cursor: page.next_cursor,
        })
    }
}
