//! The assistant on the wire: a question, the answer with its sources, and the retrieved
//! context (`GET /ai/context`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{HitChannel, MessageView};
use crate::model::{ChannelId, MessageId, UserId};
use crate::protocol::time;

/// `POST /ai/message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AskRequest {
    /// What to ask.
    pub question: String,
    /// Look only in this channel (one the caller may read).
    #[serde(default)]
    pub channel_id: Option<ChannelId>,
}

/// A message an answer rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SourceView {
    /// The message.
    pub message_id: MessageId,
    /// Its channel.
    pub channel: HitChannel,
    /// Who wrote it.
    pub author_id: Option<UserId>,
    /// When.
    #[serde(serialize_with = "time::serialize")]
    pub created_at: DateTime<Utc>,
}

/// The assistant's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AnswerView {
    /// The answer's text.
    pub answer: String,
    /// The messages it was made from, best first (all of them the asker's to read).
    pub sources: Vec<SourceView>,
    /// The model that wrote it, or `extractive` for the built-in quoting answerer.
    pub model: String,
}

/// One retrieved message with its neighbours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContextItem {
    /// The message.
    pub message: MessageView,
    /// Its channel.
    pub channel: HitChannel,
    /// The share of the question's words it contains (0 to 1); items come in search rank order.
    pub score: f64,
    /// The messages just before and after it in its channel, oldest first.
    pub neighbours: Vec<MessageView>,
}

/// `GET /ai/context`: what the assistant would read for a question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContextView {
    /// The words searched for.
    pub words: Vec<String>,
    /// The messages, best first.
    pub items: Vec<ContextItem>,
}
