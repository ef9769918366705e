//! Mute and block, decided once here and enforced everywhere a person's words reach someone:
//! channel history and threads, live events and resume replay (the gateway drops what the
//! receiver does not hear from), mentions and unread counts, presence and typing, direct
//! conversations and chat requests.
//!
//! - Mute: I no longer see the muted person's messages (they are left out, not marked; a
//!   thread stays reachable by its link), their typing, nor count their mentions. They are not
//!   told.
//! - Block: everything mute does, both ways; neither can open a direct conversation with the
//!   other or send a chat request, a mention between them is plain text, an existing direct
//!   conversation between them takes no new messages (`blocked`), and neither sees the other's
//!   presence.

mod hidden;
mod relations;

pub(crate) use hidden::HiddenCache;

pub use relations::Relationship;
