//! WebSocket frames of `/api/v1/ws`: JSON objects tagged by `type`, shared by the server, the
//! SDK, the terminal client and the tests.
//!
//! A connection authenticates with `?token=` or a first `auth` frame, receives `hello`, may send
//! `resume` with the last position it saw in each channel, and from then on receives every
//! event of its channels (see [`StoredEvent`]) in order, once.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ChatRequestView, FileView, MessageView, StoredEvent};
use crate::model::{
    ChannelId, ClientId, ConnectionId, FileId, MessageId, ReportId, ReportReason, ReportTarget, UserId, UserStatus,
};

/// WebSocket close codes the server uses (besides the standard 1000, 1001 and 1009).
pub mod close_code {
    /// No token, or a bad one.
    pub const UNAUTHORIZED: u16 = 4001;
    /// No `auth` frame within the time allowed.
    pub const AUTH_TIMEOUT: u16 = 4002;
    /// The account was suspended (or closed) while connected.
    pub const ACCOUNT_SUSPENDED: u16 = 4004;
    /// The login session behind the connection's token ended: logout, a refresh-token reuse
    /// (the whole family is revoked), or a site admin revoked it. Sign in again.
    pub const SESSION_ENDED: u16 = 4005;
    /// The connection's access token expired and no fresh one came in an `auth` frame within
    /// `gateway.token_grace_secs`. Refresh, then reconnect (or send `auth` before it expires).
    pub const TOKEN_EXPIRED: u16 = 4006;
    /// Nothing heard from the client within the idle timeout.
    pub const IDLE_TIMEOUT: u16 = 4003;
    /// The client read too slowly: its outgoing queue filled up.
    pub const TOO_SLOW: u16 = 4008;
    /// The user (or the server) has too many connections.
    pub const TOO_MANY_CONNECTIONS: u16 = 4009;
    /// A frame was not valid JSON of a known type.
    pub const BAD_FRAME: u16 = 4010;
    /// The server is shutting down; reconnect elsewhere or later.
    pub const GOING_AWAY: u16 = 1001;
}

/// Frames a client sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type")]
pub enum ClientFrame {
    /// Authenticate (when no `?token=` was given) as the first frame; later, a fresh access
    /// token of the same login session, which keeps the connection open past the old one's
    /// expiry.
    #[serde(rename = "auth")]
    Auth {
        /// An access token.
        token: String,
    },
    /// Catch up: for each channel, the last `seq` the client has seen. The server replies with
    /// every later event of those channels, in order, then `resumed`.
    #[serde(rename = "resume")]
    Resume {
        /// Channel id → last seen `seq`.
        positions: BTreeMap<ChannelId, i64>,
    },
    /// Send a message (the same service as `POST /channels/{id}/messages`).
    #[serde(rename = "message.send")]
    MessageSend {
        /// The channel.
        channel_id: ChannelId,
        /// The text.
        content: String,
        /// Idempotency key: sending again with it stores nothing new and acks the first message.
        client_id: ClientId,
        /// Reply in this thread.
        #[serde(default)]
        parent_id: Option<MessageId>,
        /// Uploaded files to attach (the sender's, not sent before).
        #[serde(default)]
        file_ids: Vec<FileId>,
    },
    /// The user is typing in a channel.
    #[serde(rename = "typing")]
    Typing {
        /// The channel.
        channel_id: ChannelId,
    },
    /// Set presence: online, away, busy (offline means invisible).
    #[serde(rename = "presence.set")]
    PresenceSet {
        /// The status.
        status: UserStatus,
    },
    /// Move the read marker (the same service as `POST /channels/{id}/read`).
    #[serde(rename = "read")]
    Read {
        /// The channel.
        channel_id: ChannelId,
        /// The newest message seen.
        message_id: MessageId,
    },
    /// Keep-alive; answered with `pong`.
    #[serde(rename = "ping")]
    Ping {
        /// Echoed back.
        #[serde(default)]
        nonce: Option<String>,
    },
    /// Enter a voice channel's call (or update mute/deafen state).
    #[serde(rename = "voice.join")]
    VoiceJoin {
        /// The voice channel.
        channel_id: ChannelId,
        /// Microphone off.
        #[serde(default)]
        muted: bool,
        /// Sound off.
        #[serde(default)]
        deafened: bool,
    },
    /// Leave a voice call.
    #[serde(rename = "voice.leave")]
    VoiceLeave {
        /// The voice channel.
        channel_id: ChannelId,
    },
    /// Relay WebRTC signalling (offer, answer, ICE candidate) to one participant of the same call.
    #[serde(rename = "voice.signal")]
    VoiceSignal {
        /// The voice channel.
        channel_id: ChannelId,
        /// The participant it is for.
        to_user_id: UserId,
        /// Opaque to the server; size-limited.
        signal: serde_json::Value,
    },
}

/// One participant of a voice call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VoiceParticipant {
    /// Who.
    pub user_id: UserId,
    /// Microphone off.
    pub muted: bool,
    /// Sound off.
    pub deafened: bool,
}

/// Frames the server sends besides channel events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type")]
pub enum ControlFrame {
    /// The connection is authenticated.
    #[serde(rename = "hello")]
    Hello {
        /// Who this connection is.
        user_id: UserId,
        /// This connection's id.
        connection_id: ConnectionId,
        /// Send something (a `ping`) at least this often.
        heartbeat_interval_ms: u64,
        /// Silence longer than this closes the connection.
        idle_timeout_ms: u64,
        /// How far back `resume` reaches.
        resume_window_secs: u64,
    },
    /// A `message.send` was stored (or was a retry of one that was).
    #[serde(rename = "ack")]
    Ack {
        /// The frame's `client_id`.
        client_id: ClientId,
        /// The stored message.
        message: MessageView,
    },
    /// A frame failed; the connection stays open.
    #[serde(rename = "error")]
    Error {
        /// The same codes as REST errors (`rate_limited`, `forbidden`, ...).
        code: String,
        /// Human-readable text.
        message: String,
        /// The `client_id` (or frame type) it is about.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        r#ref: Option<String>,
        /// For `rate_limited`: when to try again.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_ms: Option<u64>,
    },
    /// Answer to `ping`.
    #[serde(rename = "pong")]
    Pong {
        /// The ping's nonce.
        #[serde(default)]
        nonce: Option<String>,
    },
    /// The catch-up asked for by `resume` is complete.
    #[serde(rename = "resumed")]
    Resumed {
        /// How many events were replayed.
        replayed: u64,
    },
    /// Events the client asked for are older than the resume window: refetch over REST.
    #[serde(rename = "resync")]
    Resync {
        /// The channel to refetch.
        channel_id: ChannelId,
    },
    /// Someone is typing (lasts `expires_in_ms` unless repeated).
    #[serde(rename = "typing")]
    Typing {
        /// The channel.
        channel_id: ChannelId,
        /// Who.
        user_id: UserId,
        /// How long to show it.
        expires_in_ms: u64,
    },
    /// Someone's presence changed.
    #[serde(rename = "presence")]
    Presence {
        /// Who.
        user_id: UserId,
        /// Online, away, busy or offline.
        status: UserStatus,
        /// When they were last connected (set when they go offline).
        last_seen_at: Option<DateTime<Utc>>,
    },
    /// The user's read marker moved (sent to their other connections).
    #[serde(rename = "read.updated")]
    ReadUpdated {
        /// The channel.
        channel_id: ChannelId,
        /// The message now marked read.
        message_id: MessageId,
    },
    /// A voice call's participants changed.
    #[serde(rename = "voice.participants")]
    VoiceParticipants {
        /// The voice channel.
        channel_id: ChannelId,
        /// Everyone in the call now.
        participants: Vec<VoiceParticipant>,
        /// Orders the lists of one call: a later change has a higher version, whichever node
        /// made it. Keep the list with the highest version; one lower than the list held is
        /// older and came late (lists made on different nodes may cross on the way).
        version: i64,
    },
    /// Someone asked for a direct conversation (sent to both sides).
    #[serde(rename = "chat_request.created")]
    ChatRequestCreated {
        /// The request.
        request: ChatRequestView,
    },
    /// A chat request was accepted; its `channel_id` is the conversation (both sides).
    #[serde(rename = "chat_request.accepted")]
    ChatRequestAccepted {
        /// The request.
        request: ChatRequestView,
    },
    /// A chat request was declined (both sides).
    #[serde(rename = "chat_request.declined")]
    ChatRequestDeclined {
        /// The request.
        request: ChatRequestView,
    },
    /// A chat request was taken back (both sides).
    #[serde(rename = "chat_request.cancelled")]
    ChatRequestCancelled {
        /// The request.
        request: ChatRequestView,
    },
    /// The user uploaded a file (sent to their connections).
    #[serde(rename = "file.created")]
    FileCreated {
        /// The file.
        file: FileView,
    },
    /// The user's file, not attached to any message, was deleted (sent to their connections).
    #[serde(rename = "file.deleted")]
    FileDeleted {
        /// The file.
        file_id: FileId,
    },
    /// A new report arrived (sent to connected site admins).
    #[serde(rename = "report.created")]
    ReportCreated {
        /// The report.
        report_id: ReportId,
        /// What it is about.
        target_type: ReportTarget,
        /// Why.
        reason: ReportReason,
        /// Open reports now, this one included.
        open_reports: i64,
    },
    /// Signalling from another participant of the same call.
    #[serde(rename = "voice.signal")]
    VoiceSignal {
        /// The voice channel.
        channel_id: ChannelId,
        /// Who sent it.
        from_user_id: UserId,
        /// As sent.
        signal: serde_json::Value,
    },
}

impl ControlFrame {
    /// The frame as JSON text, serialized once for every connection it goes to. `None` (and a
    /// logged error) only if a relayed `signal` cannot be written as JSON, which serde_json's
    /// own values always can.
    pub fn to_json(&self) -> Option<String> {
        match serde_json::to_string(self) {
            Ok(text) => Some(text),
            Err(err) => {
                tracing::error!(error = %err, "could not serialize a frame");
                None
            }
        }
    }
}

/// Anything the server sends: a channel event (with its position) or a control frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ServerFrame {
    /// A change in one of the user's channels.
    Event(StoredEvent),
    /// Everything else.
    Control(ControlFrame),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::v1::ChannelEvent;

    #[test]
    fn server_frames_tell_events_from_control_frames() -> Result<(), serde_json::Error> {
        let event = ServerFrame::Event(StoredEvent {
            channel_id: ChannelId::from("c"),
            seq: 7,
            at: Utc::now(),
            event: ChannelEvent::PinRemoved {
                message_id: MessageId::from("m"),
            },
        });
        let pong = ServerFrame::Control(ControlFrame::Pong {
            nonce: Some("n".into()),
        });
        for frame in [event, pong] {
            let text = serde_json::to_string(&frame)?;
            assert_eq!(serde_json::from_str::<ServerFrame>(&text)?, frame);
        }
        Ok(())
    }

    #[test]
    fn client_frames_are_tagged() -> Result<(), serde_json::Error> {
        let frame: ClientFrame = serde_json::from_str(r#"{"type":"typing","channel_id":"c"}"#)?;
        assert_eq!(
            frame,
            ClientFrame::Typing {
                channel_id: ChannelId::from("c")
            }
        );
        assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"nope"}"#).is_err());
        Ok(())
    }
}
