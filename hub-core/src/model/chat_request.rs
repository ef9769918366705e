//! Chat requests: asking someone whose availability is `requests` for a direct conversation.

use chrono::{DateTime, Utc};

use super::text_enum::text_enum;
use super::{ChannelId, ChatRequestId, UserId};

text_enum!(
    /// Where a chat request stands.
    ChatRequestStatus {
        /// Waiting for the person asked.
        Pending => "pending",
        /// Accepted: the direct conversation is open.
        Accepted => "accepted",
        /// Declined: it cannot be sent again for a while.
        Declined => "declined",
        /// Taken back by the asker.
        Cancelled => "cancelled",
    }
);

/// A chat request, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ChatRequest {
    /// Its id.
    pub id: ChatRequestId,
    /// Who asks.
    pub from_user_id: UserId,
    /// Who is asked.
    pub to_user_id: UserId,
    /// The two ids in order: one key per pair, whoever asked.
    pub pair_key: String,
    /// The asker's note.
    pub message: String,
    /// Where it stands.
    pub status: ChatRequestStatus,
    /// The conversation it opened, once accepted.
    pub channel_id: Option<ChannelId>,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When it was decided.
    pub decided_at: Option<DateTime<Utc>>,
}
