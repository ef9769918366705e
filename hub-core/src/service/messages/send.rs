//! `send_message`: post in a channel or a thread. A repeated `client_id` from the same author
//! returns the first message instead of storing another, so clients may retry freely.

use crate::error::{Error, ErrorKind, Result};
use crate::model::{ChannelId, ClientId, Message, MessageId};
use crate::protocol::v1::{ChannelEvent, MessageView, SendMessageRequest};
use crate::rules::{messages, permissions};
use crate::send_order::SendTurn;
use crate::service::channels::ChannelContext;
use crate::service::{Caller, Hub, now};
use crate::store::{NewMessage, SendCheck};

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
        //
        // A plain post is checked by the store as it is stored (see `SendCheck`: on PostgreSQL
        // its channel's writer reads the facts of many sends at once). A reply or a post with
        // files is checked here first, so that one who may not post in a channel learns
        // nothing about its messages or their files.
        let plain = request.parent_id.is_none() && request.file_ids.is_empty();
        let check = if plain {
            Some(post_check(caller.user.is_superuser))
        } else {
            let context = self.channel_context(caller, channel).await?;
            if let Err(refused) = permissions::check_post(context.facts, context.viewer, now()) {
                return self.earlier_send_or(caller, channel, &request.client_id, refused).await;
            }
            None
        };
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
                check,
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
            // Refused: a retry of a send stored before (by a concurrent retry, or before the
            // caller lost the right to post) gets that send.
            Err(err) if !matches!(err.kind, ErrorKind::Unavailable | ErrorKind::Internal) => {
                self.earlier_send_or(caller, channel, &request.client_id, err).await
            }
            Err(err) => Err(err),
        }
    }

    /// The caller's earlier send with `client_id` in this channel, or `refused`.
    async fn earlier_send_or(
        &self,
        caller: &Caller,
        channel: &ChannelId,
        client_id: &Option<ClientId>,
        refused: Error,
    ) -> Result<(MessageView, bool)> {
        let Some(client_id) = client_id else {
            return Err(refused);
        };
        match self.earlier_send(caller, channel, client_id).await? {
            Some(first) => Ok((self.message_view(caller, &first).await?, false)),
            None => Err(refused),
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

/// May the author post, by the facts the store reads as the send is stored? A channel that is
/// not there is not found.
fn post_check(is_site_admin: bool) -> SendCheck {
    Box::new(move |access| {
        let access = access.ok_or_else(|| Error::not_found("channel"))?;
        let at = now();
        let context = ChannelContext::new(access, is_site_admin, at);
        permissions::check_post(context.facts, context.viewer, at)
    })
}
