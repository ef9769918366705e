//! Newtype ids. Public ids are UUIDv7 strings: opaque to clients, time-ordered for the database.
//! They travel as plain JSON strings (`serde(transparent)`), so typing them changes no wire format.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whether `raw` has the shape of an id hub gives out: a hyphenated UUID. Anything else names
/// nothing (a 404 in a path, a 422 as a cursor) without a trip to the database.
pub fn is_id(raw: &str) -> bool {
    raw.len() == 36 && uuid::Uuid::try_parse(raw).is_ok()
}

macro_rules! define_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type, ToSchema)]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(String);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn generate() -> Self {
                $name(uuid::Uuid::now_v7().to_string())
            }

            /// Wraps an id received from outside. Any string is accepted: one that names
            /// nothing simply finds nothing.
            pub fn from_string(raw: impl Into<String>) -> Self {
                $name(raw.into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(raw: &str) -> Self {
                $name(raw.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(raw: String) -> Self {
                $name(raw)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.0.as_str()))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                String::column_result(value).map($name)
            }
        }
    };
}

define_id!(
    /// A user account.
    UserId
);
define_id!(
    /// A login session: one family of rotating refresh tokens.
    SessionId
);
define_id!(
    /// A channel: public, private, voice, or a direct conversation.
    ChannelId
);
define_id!(
    /// A message (a thread reply is a message too).
    MessageId
);
define_id!(
    /// A file upload.
    FileId
);
define_id!(
    /// A client's idempotency key for a send: sending again with it stores nothing new.
    ClientId
);
define_id!(
    /// One WebSocket connection to one server node (unique across the nodes sharing a bus).
    ConnectionId
);

impl From<u64> for ConnectionId {
    fn from(number: u64) -> Self {
        ConnectionId(number.to_string())
    }
}
define_id!(
    /// A report of a user or of content.
    ReportId
);
define_id!(
    /// One entry of the moderators' audit log.
    AuditEntryId
);
define_id!(
    /// A request to open a direct conversation.
    ChatRequestId
);
define_id!(
    /// A forum post.
    PostId
);
define_id!(
    /// A comment on a forum post.
    CommentId
);

/// The forum log's id: not a UUID, so no channel has it.
const FORUM: &str = "forum";

impl ChannelId {
    /// The forum's event log: forum events carry this as their `channel_id`, and a client
    /// resumes the forum with it in `resume`'s positions like any channel.
    pub fn forum() -> ChannelId {
        ChannelId(FORUM.to_owned())
    }

    /// Whether this is the forum's log.
    pub fn is_forum(&self) -> bool {
        self.0 == FORUM
    }
}
