//! Uploaded files: what is known of one, and where it hangs (a message, once sent with one).

use chrono::{DateTime, Utc};

use super::{ChannelId, FileId, MessageId, UserId};

/// A file, as stored. Its bytes are in the file storage under `storage_key`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredFile {
    /// Public id.
    pub id: FileId,
    /// Who uploaded it (none once their account is erased).
    pub uploader_id: Option<UserId>,
    /// Its name, made safe.
    pub name: String,
    /// Its type, decided from its content.
    pub content_type: String,
    /// Its size in bytes.
    pub size_bytes: i64,
    /// An image's width in pixels.
    pub width: Option<i64>,
    /// An image's height in pixels.
    pub height: Option<i64>,
    /// Where its bytes are.
    pub storage_key: String,
    /// The message it is attached to (none: the uploader's alone, not sent yet).
    pub message_id: Option<MessageId>,
    /// That message's channel.
    pub channel_id: Option<ChannelId>,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
}
