//! Plain domain types. No I/O here; the store reads and writes them, services pass them around,
//! and `protocol` turns them into wire types.

mod channel;
mod ids;
mod message;
mod text_enum;
mod user;

pub use channel::{Channel, ChannelBan, ChannelKind, ChannelRole, Membership, NotifyLevel};
pub use ids::{ChannelId, ClientId, ConnectionId, FileId, MessageId, SessionId, UserId};
pub use message::{MentionKind, Message, MessageVersion, Reaction, ReactionChange, ReactionCount};
pub use user::{User, UserStatus};
