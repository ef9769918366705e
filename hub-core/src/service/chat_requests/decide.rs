//! Accepting, declining and cancelling a chat request.

use crate::error::{Error, ErrorKind, Result};
use crate::model::{ChatRequest, ChatRequestId, ChatRequestStatus};
use crate::protocol::v1::{ChatRequestView, MyChannelView};
use crate::service::{Caller, Hub, now};

impl Hub {
    /// The recipient accepts: the direct conversation of the two is opened (or the existing one
    /// returned) and returned.
    pub async fn accept_chat_request(&self, caller: &Caller, id: &ChatRequestId) -> Result<MyChannelView> {
        let request = self.pending_request_for(caller, id, Side::Recipient).await?;
        if self
            .inner
            .store
            .blocked_either_way(&request.from_user_id, &request.to_user_id)
            .await?
        {
            return Err(Error::new(ErrorKind::Blocked, "one of you blocked the other"));
        }
        let (conversation, _) = self
            .open_direct(caller, std::slice::from_ref(&request.from_user_id), false)
            .await?;
        self.decide(&request, ChatRequestStatus::Accepted, Some(&conversation.channel.id))
            .await?;
        Ok(conversation)
    }

    /// The recipient declines.
    pub async fn decline_chat_request(&self, caller: &Caller, id: &ChatRequestId) -> Result<ChatRequestView> {
        let request = self.pending_request_for(caller, id, Side::Recipient).await?;
        self.decide(&request, ChatRequestStatus::Declined, None).await
    }

    /// The sender takes it back.
    pub async fn cancel_chat_request(&self, caller: &Caller, id: &ChatRequestId) -> Result<ChatRequestView> {
        let request = self.pending_request_for(caller, id, Side::Sender).await?;
        self.decide(&request, ChatRequestStatus::Cancelled, None).await
    }

    /// A pending request the caller is `side` of; anyone else's does not exist for them.
    async fn pending_request_for(&self, caller: &Caller, id: &ChatRequestId, side: Side) -> Result<ChatRequest> {
        let request = self
            .inner
            .store
            .chat_request(id)
            .await?
            .ok_or_else(|| Error::not_found("chat request"))?;
        let (mine, other_side) = match side {
            Side::Recipient => (&request.to_user_id, &request.from_user_id),
            Side::Sender => (&request.from_user_id, &request.to_user_id),
        };
        if mine != &caller.user.id {
            return Err(if other_side == &caller.user.id {
                Error::forbidden(match side {
                    Side::Recipient => "only the person asked may answer a chat request",
                    Side::Sender => "only the person who asked may cancel a chat request",
                })
            } else {
                Error::not_found("chat request")
            });
        }
        if request.status != ChatRequestStatus::Pending {
            return Err(Error::new(
                ErrorKind::Conflict,
                format!("this chat request was already {}", request.status),
            ));
        }
        Ok(request)
    }

    async fn decide(
        &self,
        request: &ChatRequest,
        status: ChatRequestStatus,
        channel: Option<&crate::model::ChannelId>,
    ) -> Result<ChatRequestView> {
        let at = now();
        if !self
            .inner
            .store
            .decide_chat_request(&request.id, status, channel, at)
            .await?
        {
            return Err(Error::new(
                ErrorKind::Conflict,
                "this chat request was decided meanwhile",
            ));
        }
        let decided = ChatRequest {
            status,
            channel_id: channel.cloned(),
            decided_at: Some(at),
            ..request.clone()
        };
        self.announce_chat_request(&decided);
        Ok(ChatRequestView::from(&decided))
    }
}

/// Which side of a request the caller must be.
#[derive(Debug, Clone, Copy)]
enum Side {
    Recipient,
    Sender,
}
