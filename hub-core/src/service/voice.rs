//! Voice calls: who may enter a voice channel's call, who is in it (on any node), and relaying
//! signalling between two of its callers. The server only relays; media flows between the
//! peers. Calls have no REST twin: the gateway's `voice.*` frames call these, charged to the
//! same rate bucket as everything else a client repeats.

use crate::cluster::CallList;
use crate::error::{Error, ErrorKind, Result};
use crate::events::BusMessage;
use crate::model::{ChannelId, ChannelKind, UserId};
use crate::protocol::v1::ControlFrame;
use crate::rules::permissions;
use crate::service::{Caller, Hub};

impl Hub {
    /// Puts the caller's connection in a voice channel's call (or updates their muted and
    /// deafened state there), and tells the channel who is in it now.
    pub async fn join_call(&self, caller: &Caller, channel: &ChannelId, muted: bool, deafened: bool) -> Result<()> {
        self.charge_action(caller).await?;
        self.check_voice_join(caller, channel).await?;
        let connection = caller
            .connection_id
            .ok_or_else(|| Error::invalid("channel_id", "join a call over the gateway"))?;
        let _in_order = self.inner.cluster.call_change().await;
        let call = self
            .inner
            .cluster
            .join_call(channel, &caller.user.id, connection, muted, deafened)
            .await;
        self.announce_call(channel, call);
        Ok(())
    }

    /// Takes the caller out of a channel's call (nothing when they were not in it).
    pub async fn leave_call(&self, caller: &Caller, channel: &ChannelId) -> Result<()> {
        self.charge_action(caller).await?;
        let _in_order = self.inner.cluster.call_change().await;
        if let Some(call) = self.inner.cluster.leave_call(channel, &caller.user.id, false).await {
            self.announce_call(channel, call);
        }
        Ok(())
    }

    /// Relays `signal` to `to`'s connection in the same call, within
    /// `gateway.max_signal_bytes`; both must be in the call.
    pub async fn relay_signal(
        &self,
        caller: &Caller,
        channel: &ChannelId,
        to: &UserId,
        signal: serde_json::Value,
    ) -> Result<()> {
        self.charge_action(caller).await?;
        let limit = self.inner.config.gateway.max_signal_bytes;
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
        let cluster = &self.inner.cluster;
        let Some(target_connection) = cluster.signal_route(channel, &caller.user.id, to).await else {
            return Err(Error::forbidden("both of you must be in this channel's call"));
        };
        // The call list is soft state; the right to be in the call is the database's. Someone
        // who lost it (and whose leaving was not heard of yet) is taken out.
        if let Err(err) = self.check_voice_join(caller, channel).await {
            let _in_order = cluster.call_change().await;
            if let Some(call) = cluster.leave_call(channel, &caller.user.id, false).await {
                self.announce_call(channel, call);
            }
            return Err(err);
        }
        let frame = ControlFrame::VoiceSignal {
            channel_id: channel.clone(),
            from_user_id: caller.user.id.clone(),
            signal,
        };
        if let Some(frame) = frame.to_json() {
            self.broadcast(BusMessage::ToConnection {
                user_id: to.clone(),
                connection_id: target_connection,
                frame,
            });
        }
        Ok(())
    }

    /// Takes a closed gateway connection out of every call it was in.
    pub async fn connection_left_calls(&self, connection: u64) {
        let _in_order = self.inner.cluster.call_change().await;
        for (channel, call) in self.inner.cluster.drop_connection(connection).await {
            self.announce_call(&channel, call);
        }
    }

    /// A member left (or was kicked or banned): their seat in the channel's call ends, on the
    /// node that holds it (every node hears of the leaving).
    pub async fn member_left_call(&self, channel: &ChannelId, user: &UserId) {
        let _in_order = self.inner.cluster.call_change().await;
        if let Some(call) = self.inner.cluster.leave_call(channel, user, true).await {
            self.announce_call(channel, call);
        }
    }

    /// The channel was archived: its call ends.
    pub async fn channel_call_ended(&self, channel: &ChannelId) {
        let _in_order = self.inner.cluster.call_change().await;
        if let Some(call) = self.inner.cluster.end_call(channel).await {
            self.announce_call(channel, call);
        }
    }

    /// Tells a voice channel's members who is in its call now.
    pub(crate) fn announce_call(&self, channel: &ChannelId, call: CallList) {
        let frame = ControlFrame::VoiceParticipants {
            channel_id: channel.clone(),
            participants: call.participants,
            version: call.version,
        };
        if let Some(frame) = frame.to_json() {
            self.broadcast(BusMessage::ToChannel {
                channel_id: channel.clone(),
                except_user: None,
                frame,
            });
        }
    }

    /// Whether the caller may enter a channel's voice call (members of a voice channel).
    async fn check_voice_join(&self, caller: &Caller, channel: &ChannelId) -> Result<()> {
        let context = self.channel_context(caller, channel).await?;
        permissions::check_member_action(context.facts, context.viewer, "join the call")?;
        if context.facts.kind != ChannelKind::Voice {
            return Err(Error::invalid("channel_id", "only voice channels have calls"));
        }
        if context.facts.archived {
            return Err(Error::forbidden("this channel is archived"));
        }
        Ok(())
    }
}
