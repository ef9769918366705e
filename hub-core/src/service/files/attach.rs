//! Files on messages: the files a send names (checked before it is stored, and again in its
//! transaction), and the files shown on message views, read only for messages that have some.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::model::{ChannelId, FileId, Message, MessageId};
use crate::protocol::v1::{FileView, MessageView};
use crate::service::{Caller, Hub};

impl Hub {
    /// The views `file_ids` will have once attached to message `message` in `channel`: each
    /// must be the caller's, attached to nothing, named once, and no more than the limit.
    pub(crate) async fn files_to_attach(
        &self,
        caller: &Caller,
        file_ids: &[FileId],
        message: &MessageId,
        channel: &ChannelId,
    ) -> Result<Vec<FileView>> {
        if file_ids.is_empty() {
            return Ok(Vec::new());
        }
        let max = self.inner.config.files.max_files_per_message;
        if file_ids.len() > max {
            return Err(
                Error::invalid("file_ids", format!("a message takes at most {max} files"))
                    .with_details(serde_json::json!({ "max": max })),
            );
        }
        let mut unique = file_ids.to_vec();
        unique.sort();
        unique.dedup();
        if unique.len() != file_ids.len() {
            return Err(Error::invalid("file_ids", "a file is named twice"));
        }
        let found: HashMap<FileId, _> = self
            .inner
            .store
            .files(file_ids)
            .await?
            .into_iter()
            .map(|file| (file.id.clone(), file))
            .collect();
        let mut views = Vec::with_capacity(file_ids.len());
        for id in file_ids {
            let Some(file) = found
                .get(id)
                .filter(|file| file.uploader_id.as_ref() == Some(&caller.user.id))
            else {
                return Err(Error::invalid("file_ids", format!("{id}: no such file of yours")));
            };
            if file.message_id.is_some() {
                return Err(Error::invalid(
                    "file_ids",
                    format!("{id} is attached to another message already"),
                ));
            }
            let mut view = FileView::from(file);
            view.message_id = Some(message.clone());
            view.channel_id = Some(channel.clone());
            views.push(view);
        }
        // Shown in upload order, as a message view lists them.
        views.sort_by(|one, other| one.id.cmp(&other.id));
        Ok(views)
    }

    /// The files of `messages`, by message; reads nothing when no message has files.
    pub(crate) async fn files_by_message(&self, messages: &[Message]) -> Result<HashMap<MessageId, Vec<FileView>>> {
        let with_files: Vec<MessageId> = messages
            .iter()
            .filter(|message| message.file_count > 0)
            .map(|message| message.id.clone())
            .collect();
        let mut by_message: HashMap<MessageId, Vec<FileView>> = HashMap::new();
        if with_files.is_empty() {
            return Ok(by_message);
        }
        for file in self.inner.store.files_of_messages(&with_files).await? {
            if let Some(message) = &file.message_id {
                by_message
                    .entry(message.clone())
                    .or_default()
                    .push(FileView::from(&file));
            }
        }
        Ok(by_message)
    }

    /// Puts the files of `messages` on their `views` (matched by id).
    pub(crate) async fn add_files(&self, messages: &[Message], views: &mut [MessageView]) -> Result<()> {
        let mut by_message = self.files_by_message(messages).await?;
        for view in views.iter_mut() {
            if let Some(files) = by_message.remove(&view.id) {
                view.set_files(files);
            }
        }
        Ok(())
    }
}
