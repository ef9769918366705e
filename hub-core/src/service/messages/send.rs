//! `send_message`: post in a channel or a thread. A repeated `client_id` from the same author
//! returns the first message instead of storing another, so clients may retry freely.

use crate::error::{Error, ErrorKind, Result};
use crate::model::{ChannelId, ClientId, Message, MessageId};
use crate::protocol::v1::{ChannelEvent, MessageView, SendMessageRequest};
use crate::rules::{messages, permissions};
use crate::send_order::SendTurn;
use crate::service::{Caller, Hub, now};
use crate::store::NewMessage;

impl Hub {
    /// Sends a message. Returns it and whether it was stored now (`false`: a retry of an
    /// earlier send with the same `client_id`).
    pub async fn send_message(
        &self,
        caller: &Caller,
        channel: &ChannelId,
        request: SendMessageRequest,
    ) -> Result<(MessageView, bool)> {
        self.send_message_in_turn(caller, channel, request, SendTurn::now())
            .await
    }

    /// [`Hub::send_message`] for one of several sends under way at once that must be stored in
    /// the order they were made: its checks run at once, and it is stored when `turn` comes.
    pub async fn send_message_in_turn(
        &self,
        caller: &Caller,
        channel: &ChannelId,
        request: SendMessageRequest,
        turn: SendTurn,
    ) -> Result<(MessageView, bool)> {
        self.charge_action(caller).await?;
        let limits = &self.inner.config.limits;
        messages::validate_content(&request.content, limits.max_message_length)?;
        if let Some(client_id) = &request.client_id {
            messages::validate_client_id(client_id.as_str())?;
        }
        // A retry is found by the unique (author, client_id) index when the writer refuses it,
        // so the common case reads nothing first. Only a refused post looks for an earlier send
        // (it may have been stored before the caller lost the right to post).
        let context = self.channel_context(caller, channel).await?;
        if let Err(refused) = permissions::check_post(context.facts, context.viewer, now()) {
            return match &request.client_id {
                Some(client_id) => match self.earlier_send(caller, channel, client_id).await? {
                    Some(first) => Ok((self.message_view(caller, &first).await?, false)),
                    None => Err(refused),
                },
                None => Err(refused),
            };
        }
        let parent_id = match &request.parent_id {
            Some(parent) => Some(self.thread_parent(channel, parent).await?),
            None => None,
        };
        let id = MessageId::generate();
        let files = self.files_to_attach(caller, &request.file_ids, &id, channel).await?;
        let new = NewMessage {
            id,
            channel_id: channel.clone(),
            author_id: caller.user.id.clone(),
            content: request.content,
            client_id: request.client_id.clone(),
            parent_id,
            created_at: now(),
            file_ids: request.file_ids,
        };
        let mentions = messages::parse_mentions(&new.content);
        let event_files = files.clone();
        let stored = self
            .inner
            .store
            .insert_message(
                &new,
                &mentions,
                move |message| ChannelEvent::MessageCreated {
                    message: MessageView::new(message, &[]).with_files(event_files.clone()),
                },
                turn,
            )
            .await;
        match stored {
            Ok((message, event)) => {
                self.publish(event);
                if self.mentions_assistant(&mentions.usernames) {
                    self.answer_mention(caller, &message);
                }
                Ok((MessageView::new(&message, &[]).with_files(files), true))
            }
            // A concurrent retry stored it first.
            Err(err) if err.kind == ErrorKind::Conflict => {
                let Some(client_id) = &request.client_id else {
                    return Err(err);
                };
                let first = self.earlier_send(caller, channel, client_id).await?.ok_or(err)?;
                Ok((self.message_view(caller, &first).await?, false))
            }
            Err(err) => Err(err),
        }
    }

    /// The caller's earlier message with `client_id`, which must be in this channel.
    async fn earlier_send(
        &self,
        caller: &Caller,
        channel: &ChannelId,
        client_id: &ClientId,
    ) -> Result<Option<Message>> {
        match self
            .inner
            .store
            .message_by_client_id(&caller.user.id, client_id)
            .await?
        {
            Some(first) if &first.channel_id == channel => Ok(Some(first)),
            Some(_) => Err(Error::new(
                ErrorKind::Conflict,
                "this client_id was already used for a message in another channel",
            )
            .with_field("client_id")),
            None => Ok(None),
        }
    }

    /// The message a reply goes under: a top-level message of the same channel.
    async fn thread_parent(&self, channel: &ChannelId, parent: &MessageId) -> Result<MessageId> {
        let parent = self.message_in_channel(channel, parent, "parent_id").await?;
        if parent.parent_id.is_some() {
            return Err(Error::invalid(
                "parent_id",
                "reply to the thread's first message, not to a reply",
            ));
        }
        Ok(parent.id)
    }
}
