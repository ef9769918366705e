//! `erase_messages`, `erase_posts`, `erase_comments`: the caller's content, gone.

use crate::error::Result;
use crate::model::{CommentId, MessageId, PostId, UserId};
use crate::protocol::v1::ChannelEvent;
use crate::service::{Caller, Hub, now};

/// Rows read at a time while erasing.
const BATCH: u32 = 200;

impl Hub {
    /// Erases every message the caller wrote: each becomes a tombstone (its thread stays), its
    /// earlier versions go, and its creation and edit events in the log become deletions.
    /// Returns how many were erased.
    pub async fn erase_messages(&self, caller: &Caller) -> Result<u64> {
        let erased = self.erase_messages_of(&caller.user.id).await?;
        self.inner.store.fold_log().await?;
        Ok(erased)
    }

    /// Erases every post the caller wrote (tombstones keep their comments readable).
    pub async fn erase_posts(&self, caller: &Caller) -> Result<u64> {
        let erased = self.erase_posts_of(&caller.user.id).await?;
        self.inner.store.fold_log().await?;
        Ok(erased)
    }

    /// Erases every comment the caller wrote (tombstones keep their replies in place).
    pub async fn erase_comments(&self, caller: &Caller) -> Result<u64> {
        let erased = self.erase_comments_of(&caller.user.id).await?;
        self.inner.store.fold_log().await?;
        Ok(erased)
    }

    pub(super) async fn erase_messages_of(&self, user: &UserId) -> Result<u64> {
        let store = &self.inner.store;
        let mut after: Option<MessageId> = None;
        let mut erased = 0;
        loop {
            let batch = store.messages_by(user, after.as_ref(), BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = Some(last.id.clone());
            for message in &batch {
                let deleted = ChannelEvent::MessageDeleted {
                    message_id: message.id.clone(),
                    parent_id: message.parent_id.clone(),
                };
                if let Some(event) = store.delete_message(message, now(), deleted).await? {
                    self.publish(event);
                }
                store
                    .scrub_message_events(&message.channel_id, &message.id, message.parent_id.as_ref())
                    .await?;
                erased += 1;
            }
        }
        // Their files go with their messages, sent or not: rows, bytes and all.
        for file in store.files_of_uploader(user).await? {
            self.remove_file(&file).await?;
        }
        Ok(erased)
    }

    pub(super) async fn erase_posts_of(&self, user: &UserId) -> Result<u64> {
        let store = &self.inner.store;
        let mut after: Option<PostId> = None;
        let mut erased = 0;
        loop {
            let batch = store.posts_by(user, after.as_ref(), BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = Some(last.id.clone());
            for post in &batch {
                if let Some(event) = store.delete_post(&post.id, now()).await? {
                    self.publish(event);
                }
                store.scrub_post_events(&post.id).await?;
                erased += 1;
            }
        }
        Ok(erased)
    }

    pub(super) async fn erase_comments_of(&self, user: &UserId) -> Result<u64> {
        let store = &self.inner.store;
        let mut after: Option<CommentId> = None;
        let mut erased = 0;
        loop {
            let batch = store.comments_by(user, after.as_ref(), BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = Some(last.id.clone());
            for comment in &batch {
                if let Some(event) = store.delete_comment(comment, now()).await? {
                    self.publish(event);
                }
                store.scrub_comment_events(comment).await?;
                erased += 1;
            }
        }
        Ok(erased)
    }
}
