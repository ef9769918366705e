//! Files on the wire: an uploaded file's view (in upload answers, message views and events).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::{ChannelId, FileId, MessageId, StoredFile, UserId};
use crate::protocol::time;

/// An uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FileView {
    /// Opaque id; send it in a message's `file_ids`.
    pub id: FileId,
    /// Its name (made safe: no folders, no control characters).
    pub name: String,
    /// Its type, decided from its content.
    pub content_type: String,
    /// Its size in bytes.
    pub size: i64,
    /// An image's width in pixels.
    pub width: Option<i64>,
    /// An image's height in pixels.
    pub height: Option<i64>,
    /// Who uploaded it.
    pub uploader_id: Option<UserId>,
    /// The message it is attached to; none while it is the uploader's alone.
    pub message_id: Option<MessageId>,
    /// That message's channel.
    pub channel_id: Option<ChannelId>,
    /// When it was uploaded.
    #[serde(serialize_with = "time::serialize")]
    pub created_at: DateTime<Utc>,
}

impl From<&StoredFile> for FileView {
    fn from(file: &StoredFile) -> Self {
        FileView {
            id: file.id.clone(),
            name: file.name.clone(),
            content_type: file.content_type.clone(),
            size: file.size_bytes,
            width: file.width,
            height: file.height,
            uploader_id: file.uploader_id.clone(),
            message_id: file.message_id.clone(),
            channel_id: file.channel_id.clone(),
            created_at: file.created_at,
        }
    }
}
