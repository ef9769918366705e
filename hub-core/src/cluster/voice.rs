//! Voice calls held in this node's memory: who is in the call of which voice channel, and on
//! which connection. Alone, a node's calls are all there is; with Redis they are this node's
//! callers (Redis has everyone's), kept to take a closed connection out and to seat them again
//! if Redis loses its state. The server only relays signalling; media flows between the peers.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::model::{ChannelId, UserId};
use crate::protocol::v1::VoiceParticipant;

#[derive(Debug, Clone)]
pub(super) struct Participant {
    pub(super) user: UserId,
    pub(super) connection: u64,
    pub(super) muted: bool,
    pub(super) deafened: bool,
    /// When they joined (milliseconds since the epoch).
    pub(super) joined_ms: i64,
}

/// Every call on this node.
#[derive(Debug, Default)]
pub(super) struct VoiceCalls {
    calls: Mutex<HashMap<ChannelId, Vec<Participant>>>,
}

impl VoiceCalls {
    /// Puts `user` (on `connection`) in `channel`'s call, or updates their state. Returns them
    /// as they now sit, and the participants now.
    pub(super) fn join(
        &self,
        channel: &ChannelId,
        user: &UserId,
        connection: u64,
        muted: bool,
        deafened: bool,
    ) -> (Participant, Vec<VoiceParticipant>) {
        let mut calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        let call = calls.entry(channel.clone()).or_default();
        call.retain(|participant| &participant.user != user);
        let joined = Participant {
            user: user.clone(),
            connection,
            muted,
            deafened,
            joined_ms: chrono::Utc::now().timestamp_millis(),
        };
        call.push(joined.clone());
        (joined, participants(call))
    }

    /// Takes `user` out of `channel`'s call. Returns the participants left, or `None` when they
    /// were not in it.
    pub(super) fn leave(&self, channel: &ChannelId, user: &UserId) -> Option<Vec<VoiceParticipant>> {
        let mut calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        let call = calls.get_mut(channel)?;
        let before = call.len();
        call.retain(|participant| &participant.user != user);
        if call.len() == before {
            return None;
        }
        let left = participants(call);
        if call.is_empty() {
            calls.remove(channel);
        }
        Some(left)
    }

    /// Ends `channel`'s call (the channel was archived). Returns whether there was one.
    pub(super) fn end(&self, channel: &ChannelId) -> bool {
        let mut calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        calls.remove(channel).is_some()
    }

    /// Takes a closed connection out of every call it was in. Returns each call it left and who
    /// is still in it.
    pub(super) fn drop_connection(&self, connection: u64) -> Vec<(ChannelId, UserId, Vec<VoiceParticipant>)> {
        let mut calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        let mut changed = Vec::new();
        for (channel, call) in calls.iter_mut() {
            if let Some(index) = call.iter().position(|participant| participant.connection == connection) {
                let left = call.remove(index);
                changed.push((channel.clone(), left.user, participants(call)));
            }
        }
        calls.retain(|_, call| !call.is_empty());
        changed
    }

    /// Every caller on this node, by channel.
    pub(super) fn everyone(&self) -> Vec<(ChannelId, Participant)> {
        let calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        calls
            .iter()
            .flat_map(|(channel, call)| call.iter().map(|participant| (channel.clone(), participant.clone())))
            .collect()
    }

    /// The connection on which `user` is in `channel`'s call.
    pub(super) fn connection_in_call(&self, channel: &ChannelId, user: &UserId) -> Option<u64> {
        let calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        calls
            .get(channel)?
            .iter()
            .find(|participant| &participant.user == user)
            .map(|participant| participant.connection)
    }
}

pub(super) fn participants(call: &[Participant]) -> Vec<VoiceParticipant> {
    call.iter()
        .map(|participant| VoiceParticipant {
            user_id: participant.user.clone(),
            muted: participant.muted,
            deafened: participant.deafened,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_update_leave_and_drop() {
        let calls = VoiceCalls::default();
        let room = ChannelId::from_string("room");
        let (ann, ben) = (UserId::from_string("ann"), UserId::from_string("ben"));
        assert_eq!(calls.join(&room, &ann, 1, false, false).1.len(), 1);
        let (joined, both) = calls.join(&room, &ben, 2, false, false);
        assert_eq!(both.len(), 2);
        assert_eq!((joined.user.as_str(), joined.connection), ("ben", 2), "the seat taken");
        let (joined, updated) = calls.join(&room, &ann, 1, true, false);
        assert!(joined.muted);
        assert_eq!(updated.len(), 2, "joining again updates, not duplicates");
        assert!(updated.iter().any(|p| p.user_id.as_str() == "ann" && p.muted));
        assert_eq!(calls.connection_in_call(&room, &ben), Some(2));
        assert_eq!(calls.leave(&room, &ben).map(|left| left.len()), Some(1));
        assert_eq!(calls.leave(&room, &ben), None);
        assert_eq!(calls.drop_connection(1).len(), 1);
        assert_eq!(calls.connection_in_call(&room, &ann), None);
    }
}
