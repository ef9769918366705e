//! What each client frame does: one function per `ClientFrame` op, each one `Hub` call (the same
//! one its REST twin makes, with the same limits and events) and the answer mapped to frames.
//! Voice calls live in the gateway ([`super::voice`]) and have no REST twin; their frames are
//! charged to the same rate bucket here.

use futures_util::Sink;
use hub_core::model::{ChannelId, MessageId, UserId, UserStatus};
use hub_core::protocol::v1::{ClientFrame, ControlFrame};
use hub_core::{Error, ErrorKind};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::connection::Connection;
use super::writer::WriteFailure;
use hub_core::events::BusMessage;

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
        let hub = self.gateway.hub();
        let allowed = match hub.charge_action(&self.caller) {
            Ok(()) => hub.check_voice_join(&self.caller, channel).await,
            Err(err) => Err(err),
        };
        if allowed.is_ok() {
            let participants = self
                .gateway
                .voice()
                .join(channel, &self.caller.user.id, self.id, muted, deafened);
            self.gateway.announce_call(channel, participants);
        }
        self.answer(allowed, "voice.join").await
    }

    async fn on_voice_leave(&mut self, channel: &ChannelId) -> Result<(), WriteFailure> {
        let charged = self.gateway.hub().charge_action(&self.caller);
        if charged.is_ok()
            && let Some(participants) = self.gateway.voice().leave(channel, &self.caller.user.id)
        {
            self.gateway.announce_call(channel, participants);
        }
        self.answer(charged, "voice.leave").await
    }

    /// Relays signalling to one participant of the same call, within `gateway.max_signal_bytes`.
    async fn on_voice_signal(
        &mut self,
        channel: &ChannelId,
        to: &UserId,
        signal: serde_json::Value,
    ) -> Result<(), WriteFailure> {
        let relayed = self.relay_signal(channel, to, signal).await;
        self.answer(relayed, "voice.signal").await
    }

    async fn relay_signal(&self, channel: &ChannelId, to: &UserId, signal: serde_json::Value) -> hub_core::Result<()> {
        self.gateway.hub().charge_action(&self.caller)?;
        let limit = self.gateway.hub().config().gateway.max_signal_bytes;
        let size = serde_json::to_vec(&signal)
            .map(|bytes| bytes.len())
            .unwrap_or(usize::MAX);
        if size > limit {
            return Err(Error::new(
                ErrorKind::PayloadTooLarge,
                format!("a signal may be at most {limit} bytes"),
            )
            .with_details(serde_json::json!({ "max_signal_bytes": limit })));
        }
        let voice = self.gateway.voice();
        let sender_in_call = voice.connection_in_call(channel, &self.caller.user.id).is_some();
        let Some(target_connection) = voice.connection_in_call(channel, to).filter(|_| sender_in_call) else {
            return Err(Error::forbidden("both of you must be in this channel's call"));
        };
        // The call list is this node's memory; the right to be in the call is the database's.
        // Someone who lost it (and whose leaving this node has not heard of yet) is taken out.
        if let Err(err) = self.gateway.hub().check_voice_join(&self.caller, channel).await {
            if let Some(participants) = voice.leave(channel, &self.caller.user.id) {
                self.gateway.announce_call(channel, participants);
            }
            return Err(err);
        }
        let frame = ControlFrame::VoiceSignal {
            channel_id: channel.clone(),
            from_user_id: self.caller.user.id.clone(),
            signal,
        };
        if let Some(frame) = frame.to_json() {
            self.gateway.broadcast(BusMessage::ToConnection {
                user_id: to.clone(),
                connection_id: target_connection,
                frame,
            });
        }
        Ok(())
    }
}
