//! Plain domain types. No I/O here; the store reads and writes them, services pass them around,
//! and `protocol` turns them into wire types.

mod channel;
mod chat_request;
mod file;
mod forum;
mod ids;
mod message;
mod report;
mod text_enum;
mod user;

pub use channel::{Channel, ChannelBan, ChannelKind, ChannelRole, Membership, NotifyLevel};
pub use chat_request::{ChatRequest, ChatRequestStatus};
pub use file::StoredFile;
pub use forum::{Comment, CommentSort, Post, PostSort, TimeWindow};
pub use ids::{
    AuditEntryId, ChannelId, ChatRequestId, ClientId, CommentId, ConnectionId, FileId, MessageId, PostId, ReportId,
    SessionId, UserId, is_id,
};
pub use message::{MentionKind, Message, MessageVersion, Reaction, ReactionChange, ReactionCount};
pub use report::{AuditEntry, Report, ReportAction, ReportReason, ReportStatus, ReportTarget};
pub use user::{ChatAvailability, User, UserStatus};
