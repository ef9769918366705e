//! [`Client`] calls for consent and safety: chat requests, mutes and blocks.

use reqwest::Method;

use super::{Client, PageParams, Result};
use crate::model::{ChatRequestId, UserId};
use crate::protocol::v1::{ChatRequestView, CreateChatRequestRequest, MyChannelView, Page, RelationView};

impl Client {
    /// `POST /chat-requests`: ask `to` for a direct conversation.
    pub async fn send_chat_request(&self, to: &UserId, message: Option<&str>) -> Result<ChatRequestView> {
        let body = CreateChatRequestRequest {
            to_user_id: to.clone(),
            message: message.map(str::to_owned),
        };
        self.fetch(self.request(Method::POST, &["chat-requests"], &[]).json(&body))
            .await
    }

    /// `GET /chat-requests`: incoming (sent to the caller) or outgoing requests, newest first.
    pub async fn chat_requests(&self, incoming: bool, page: &PageParams) -> Result<Page<ChatRequestView>> {
        let mut pairs = page.pairs();
        pairs.push(("direction", if incoming { "incoming" } else { "outgoing" }.to_owned()));
        self.fetch(self.request(Method::GET, &["chat-requests"], &pairs)).await
    }

    /// `POST /chat-requests/{id}/accept`: opens (or returns) the conversation.
    pub async fn accept_chat_request(&self, id: &ChatRequestId) -> Result<MyChannelView> {
        self.fetch(self.request(Method::POST, &["chat-requests", id.as_str(), "accept"], &[]))
            .await
    }

    /// `POST /chat-requests/{id}/decline`.
    pub async fn decline_chat_request(&self, id: &ChatRequestId) -> Result<ChatRequestView> {
        self.fetch(self.request(Method::POST, &["chat-requests", id.as_str(), "decline"], &[]))
            .await
    }

    /// `POST /chat-requests/{id}/cancel`.
    pub async fn cancel_chat_request(&self, id: &ChatRequestId) -> Result<ChatRequestView> {
        self.fetch(self.request(Method::POST, &["chat-requests", id.as_str(), "cancel"], &[]))
            .await
    }

    /// `PUT /users/me/mutes/{id}` (`on`) or `DELETE` it.
    pub async fn set_muted(&self, user: &UserId, on: bool) -> Result<()> {
        let method = if on { Method::PUT } else { Method::DELETE };
        self.execute(self.request(method, &["users", "me", "mutes", user.as_str()], &[]))
            .await
    }

    /// `PUT /users/me/blocks/{id}` (`on`) or `DELETE` it.
    pub async fn set_blocked(&self, user: &UserId, on: bool) -> Result<()> {
        let method = if on { Method::PUT } else { Method::DELETE };
        self.execute(self.request(method, &["users", "me", "blocks", user.as_str()], &[]))
            .await
    }

    /// `GET /users/me/mutes`.
    pub async fn mutes(&self) -> Result<Page<RelationView>> {
        self.fetch(self.request(Method::GET, &["users", "me", "mutes"], &[]))
            .await
    }

    /// `GET /users/me/blocks`.
    pub async fn blocks(&self) -> Result<Page<RelationView>> {
        self.fetch(self.request(Method::GET, &["users", "me", "blocks"], &[]))
            .await
    }
}
