//! Mutes, blocks, chat availability and chat requests, and a person's own data (erasure,
//! closing the account).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::UserView;
use crate::model::{ChannelId, ChatRequest, ChatRequestId, ChatRequestStatus, UserId};

/// Someone the caller mutes or blocks (`GET /users/me/mutes`, `/blocks`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RelationView {
    /// Who.
    pub user: UserView,
    /// Since when.
    pub since: DateTime<Utc>,
}

/// What an erasure did (`DELETE /users/me/messages`, `/posts`, `/comments`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErasedView {
    /// How many items were erased.
    pub erased: u64,
}

/// `DELETE /users/me`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseAccountRequest {
    /// Your password (empty for accounts that sign in only through the identity provider).
    pub password: String,
}

/// `POST /chat-requests`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChatRequestRequest {
    /// Whom to ask.
    pub to_user_id: UserId,
    /// A note for them (at most `safety.max_chat_request_message_length` characters).
    #[serde(default)]
    pub message: Option<String>,
}

/// A chat request, as both sides see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChatRequestView {
    /// Its id.
    pub id: ChatRequestId,
    /// Who asks.
    pub from_user_id: UserId,
    /// Who is asked.
    pub to_user_id: UserId,
    /// The asker's note.
    pub message: String,
    /// `pending`, `accepted`, `declined` or `cancelled`.
    pub status: ChatRequestStatus,
    /// The direct conversation it opened, once accepted.
    pub channel_id: Option<ChannelId>,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When it was accepted, declined or cancelled.
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<&ChatRequest> for ChatRequestView {
    fn from(request: &ChatRequest) -> Self {
        ChatRequestView {
            id: request.id.clone(),
            from_user_id: request.from_user_id.clone(),
            to_user_id: request.to_user_id.clone(),
            message: request.message.clone(),
            status: request.status,
            channel_id: request.channel_id.clone(),
            created_at: request.created_at,
            decided_at: request.decided_at,
        }
    }
}
