//! Voice calls held in this node's memory: who is in the call of which voice channel, and on
//! which connection. Alone, a node's calls are all there is; with Redis they are this node's
//! callers (Redis has everyone's), kept to take a closed connection out and to seat them again
//! if Redis loses its state. The server only relays signalling; media flows between the peers.
//!
//! Each change gives the call's list a new version: this node's clock in microseconds, or one
//! more than the last version when the clock has not moved on (with Redis, Redis's versions
//! are the ones announced; these serve while it is away).

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
    calls: Mutex<Calls>,
}

#[derive(Debug, Default)]
struct Calls {
    by_channel: HashMap<ChannelId, Vec<Participant>>,
    /// The version the last change took.
    last_version: i64,
}

/// The version of a change made now: later than `last_version`, which it becomes. (On the
/// field alone, so a change may take one while it holds a call.)
fn next_version(last_version: &mut i64) -> i64 {
    let now = chrono::Utc::now().timestamp_micros();
    *last_version = now.max(*last_version + 1);
    *last_version
}

/// A call's participants as one change left them, and the version of that list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CallList {
    pub(crate) version: i64,
    pub(crate) participants: Vec<VoiceParticipant>,
}

impl VoiceCalls {
    /// Puts `user` (on `connection`) in `channel`'s call, or updates their state. Returns them
    /// as they now sit, and the call now.
    pub(super) fn join(
        &self,
        channel: &ChannelId,
        user: &UserId,
        connection: u64,
        muted: bool,
        deafened: bool,
    ) -> (Participant, CallList) {
        let mut calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        let version = next_version(&mut calls.last_version);
        let call = calls.by_channel.entry(channel.clone()).or_default();
        call.retain(|participant| &participant.user != user);
        let joined = Participant {
            user: user.clone(),
            connection,
            muted,
            deafened,
            joined_ms: chrono::Utc::now().timestamp_millis(),
        };
        call.push(joined.clone());
        (joined, list_at(version, call))
    }

    /// Takes `user` out of `channel`'s call. Returns the call left, or `None` when they were
    /// not in it.
    pub(super) fn leave(&self, channel: &ChannelId, user: &UserId) -> Option<CallList> {
        let mut calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        let call = calls.by_channel.get_mut(channel)?;
        let before = call.len();
        call.retain(|participant| &participant.user != user);
        if call.len() == before {
            return None;
        }
        let left = participants(call);
        if call.is_empty() {
            calls.by_channel.remove(channel);
        }
        Some(CallList {
            version: next_version(&mut calls.last_version),
            participants: left,
        })
    }

    /// Ends `channel`'s call (the channel was archived). Returns the version of its empty
    /// list, or `None` when there was no call.
    pub(super) fn end(&self, channel: &ChannelId) -> Option<i64> {
        let mut calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        calls.by_channel.remove(channel)?;
        Some(next_version(&mut calls.last_version))
    }

    /// Takes a closed connection out of every call it was in. Returns each call it left, who
    /// left it, and the call now.
    pub(super) fn drop_connection(&self, connection: u64) -> Vec<(ChannelId, UserId, CallList)> {
        let mut guard = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        let calls = &mut *guard;
        let mut left = Vec::new();
        for (channel, call) in &mut calls.by_channel {
            if let Some(index) = call.iter().position(|participant| participant.connection == connection) {
                let participant = call.remove(index);
                let version = next_version(&mut calls.last_version);
                left.push((channel.clone(), participant.user, list_at(version, call)));
            }
        }
        calls.by_channel.retain(|_, call| !call.is_empty());
        left
    }

    /// Every caller on this node, by channel.
    pub(super) fn everyone(&self) -> Vec<(ChannelId, Participant)> {
        let calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        calls
            .by_channel
            .iter()
            .flat_map(|(channel, call)| call.iter().map(|participant| (channel.clone(), participant.clone())))
            .collect()
    }

    /// The connection on which `user` is in `channel`'s call.
    pub(super) fn connection_in_call(&self, channel: &ChannelId, user: &UserId) -> Option<u64> {
        let calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        calls
            .by_channel
            .get(channel)?
            .iter()
            .find(|participant| &participant.user == user)
            .map(|participant| participant.connection)
    }
}

fn list_at(version: i64, call: &[Participant]) -> CallList {
    CallList {
        version,
        participants: participants(call),
    }
}

fn participants(call: &[Participant]) -> Vec<VoiceParticipant> {
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
        assert_eq!(calls.join(&room, &ann, 1, false, false).1.participants.len(), 1);
        let (joined, both) = calls.join(&room, &ben, 2, false, false);
        assert_eq!(both.participants.len(), 2);
        assert_eq!((joined.user.as_str(), joined.connection), ("ben", 2), "the seat taken");
        let (joined, updated) = calls.join(&room, &ann, 1, true, false);
        assert!(joined.muted);
        assert_eq!(updated.participants.len(), 2, "joining again updates, not duplicates");
        assert!(
            updated
                .participants
                .iter()
                .any(|p| p.user_id.as_str() == "ann" && p.muted)
        );
        assert_eq!(calls.connection_in_call(&room, &ben), Some(2));
        assert_eq!(calls.leave(&room, &ben).map(|left| left.participants.len()), Some(1));
        assert_eq!(calls.leave(&room, &ben), None);
        assert_eq!(calls.drop_connection(1).len(), 1);
        assert_eq!(calls.connection_in_call(&room, &ann), None);
    }

    #[test]
    fn every_change_takes_a_higher_version_than_the_one_before() {
        let calls = VoiceCalls::default();
        let (room, hall) = (ChannelId::from_string("room"), ChannelId::from_string("hall"));
        let (ann, ben) = (UserId::from_string("ann"), UserId::from_string("ben"));
        // Many changes within one microsecond of each other still get versions in order.
        let mut versions = Vec::new();
        for _ in 0..100 {
            versions.push(calls.join(&room, &ann, 1, false, false).1.version);
        }
        versions.push(calls.join(&hall, &ann, 1, false, false).1.version);
        versions.push(calls.join(&room, &ben, 2, false, false).1.version);
        let Some(left) = calls.leave(&room, &ben) else {
            panic!("ben was in the call")
        };
        versions.push(left.version);
        let dropped = calls.drop_connection(1);
        assert_eq!(dropped.len(), 2, "ann left both calls");
        versions.extend(dropped.iter().map(|(_, _, call)| call.version));
        calls.join(&room, &ben, 2, false, false);
        let Some(ended) = calls.end(&room) else {
            panic!("ben was in the call")
        };
        versions.push(ended);
        assert!(
            versions.windows(2).all(|pair| pair[0] < pair[1]),
            "versions in the order of the changes: {versions:?}"
        );
        assert_eq!(calls.end(&room), None, "no call to end");
    }
}
