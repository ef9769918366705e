//! What each client frame does: one function per `ClientFrame` op, each one `Hub` call (the same
//! one its REST twin makes, with the same limits and events) and the answer mapped to frames.
//! Voice calls have no REST twin; their use cases are the services' too.

use futures_util::Sink;
use hub_core::model::{ChannelId, MessageId, UserId, UserStatus};
use hub_core::protocol::v1::{ClientFrame, ControlFrame};
use hub_core::{Error, ErrorKind};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::connection::Connection;
use super::writer::WriteFailure;

impl<W> Connection<W>
where
    W: Sink<Message, Error = WsError> + Unpin + Send,
{
    /// Handles one text frame from the client.
    pub(super) async fn on_text(&mut self, text: &str) -> Result<(), WriteFailure> {
        let frame = match serde_json::from_str::<ClientFrame>(text) {
            Ok(frame) => frame,
            Err(err) => {
                let err = Error::new(ErrorKind::InvalidJson, format!("not a frame this server knows: {err}"));
                return self.reply_error(&err, None).await;
            }
        };
        match frame {
            ClientFrame::Auth { token } => self.on_auth(&token).await,
            ClientFrame::Ping { nonce } => self.writer.send_control(&ControlFrame::Pong { nonce }).await,
            // Charged to a bucket of its own: a client slowed down for sending still catches up.
            ClientFrame::Resume { positions } => self.resume(&positions).await,
            ClientFrame::MessageSend {
                channel_id,
                content,
                client_id,
                parent_id,
                file_ids,
            } => {
                self.queue_send(channel_id, content, client_id, parent_id, file_ids)
                    .await
            }
            ClientFrame::Typing { channel_id } => self.on_typing(&channel_id).await,
            ClientFrame::PresenceSet { status } => self.on_presence_set(status).await,
            ClientFrame::Read { channel_id, message_id } => self.on_read(&channel_id, &message_id).await,
            ClientFrame::VoiceJoin {
                channel_id,
                muted,
                deafened,
            } => self.on_voice_join(&channel_id, muted, deafened).await,
            ClientFrame::VoiceLeave { channel_id } => self.on_voice_leave(&channel_id).await,
            ClientFrame::VoiceSignal {
                channel_id,
                to_user_id,
                signal,
            } => self.on_voice_signal(&channel_id, &to_user_id, signal).await,
        }
    }

    /// Answers a use case's outcome: nothing when it went through, an `error` frame naming
    /// `op` when it did not.
    async fn answer(&mut self, outcome: hub_core::Result<()>, op: &str) -> Result<(), WriteFailure> {
        match outcome {
            Ok(()) => Ok(()),
            Err(err) => self.reply_error(&err, Some(op.to_owned())).await,
        }
    }

    /// A fresh access token for this connection's login session: the connection stays open
    /// past the old token's expiry. Another session's or user's token is refused.
    async fn on_auth(&mut self, token: &str) -> Result<(), WriteFailure> {
        let outcome = match self.gateway.hub().authenticate_until(token).await {
            Ok((caller, _)) if caller.user.id != self.caller.user.id || caller.session != self.caller.session => {
                Err(Error::new(
                    ErrorKind::InvalidInput,
                    "an auth frame renews this connection's own session; reconnect to change it",
                ))
            }
            Ok((caller, expires)) => {
                let grace = self.gateway.hub().config().gateway.token_grace_secs;
                self.token_deadline = super::connection::token_deadline(expires, grace);
                self.caller = caller.over_connection(self.id);
                Ok(())
            }
            Err(err) => Err(err),
        };
        self.answer(outcome, "auth").await
    }

    async fn on_typing(&mut self, channel: &ChannelId) -> Result<(), WriteFailure> {
        let outcome = self.gateway.hub().typing(&self.caller, channel).await;
        self.answer(outcome, "typing").await
    }

    async fn on_presence_set(&mut self, status: UserStatus) -> Result<(), WriteFailure> {
        let outcome = self.gateway.hub().set_status(&self.caller, status).await.map(drop);
        self.answer(outcome, "presence.set").await
    }

    async fn on_read(&mut self, channel: &ChannelId, message: &MessageId) -> Result<(), WriteFailure> {
        let outcome = self.gateway.hub().mark_read(&self.caller, channel, message).await;
        self.answer(outcome, "read").await
    }

    async fn on_voice_join(&mut self, channel: &ChannelId, muted: bool, deafened: bool) -> Result<(), WriteFailure> {
        let outcome = self
            .gateway
            .hub()
            .join_call(&self.caller, channel, muted, deafened)
            .await;
        self.answer(outcome, "voice.join").await
    }

    async fn on_voice_leave(&mut self, channel: &ChannelId) -> Result<(), WriteFailure> {
        let outcome = self.gateway.hub().leave_call(&self.caller, channel).await;
        self.answer(outcome, "voice.leave").await
    }

    /// Relays signalling to one participant of the same call, within `gateway.max_signal_bytes`.
    async fn on_voice_signal(
        &mut self,
        channel: &ChannelId,
        to: &UserId,
        signal: serde_json::Value,
    ) -> Result<(), WriteFailure> {
        let outcome = self.gateway.hub().relay_signal(&self.caller, channel, to, signal).await;
        self.answer(outcome, "voice.signal").await
    }
}
