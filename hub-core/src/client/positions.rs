//! [`Positions`]: the last `seq` handed to the caller in each channel. The session uses it to
//! drop events it already delivered (after a reconnect the server replays from what the client
//! says it saw) and to build the `resume` frame. Plain data, no I/O.

use std::collections::BTreeMap;

use crate::model::ChannelId;

/// What [`Positions::observe`] decided about one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The next event of its channel (or the first seen there): deliver it.
    InOrder,
    /// Newer than the last one seen, but events in between are missing: deliver it (the
    /// caller may refetch the gap over REST); `missing` counts the events skipped.
    AfterGap {
        /// How many positions were skipped.
        missing: i64,
    },
    /// At or below the last position seen: already delivered, drop it.
    Duplicate,
}

impl Delivery {
    /// Whether the event should reach the caller.
    pub fn is_new(self) -> bool {
        !matches!(self, Delivery::Duplicate)
    }
}

/// Channel id → the highest `seq` delivered to the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Positions {
    seen: BTreeMap<ChannelId, i64>,
}

impl Positions {
    /// No channel seen yet.
    pub fn new() -> Self {
        Positions::default()
    }

    /// Starts from positions saved earlier (channel id → last seen `seq`).
    pub fn from_map(seen: BTreeMap<ChannelId, i64>) -> Self {
        Positions { seen }
    }

    /// Records an event at `seq` of `channel_id` if it is newer than the channel's position;
    /// says whether it is new. A duplicate leaves the position as it was.
    pub fn observe(&mut self, channel_id: &ChannelId, seq: i64) -> Delivery {
        match self.seen.get_mut(channel_id) {
            None => {
                self.seen.insert(channel_id.clone(), seq);
                Delivery::InOrder
            }
            Some(last) if seq <= *last => Delivery::Duplicate,
            Some(last) => {
                let missing = seq - *last - 1;
                *last = seq;
                if missing == 0 {
                    Delivery::InOrder
                } else {
                    Delivery::AfterGap { missing }
                }
            }
        }
    }

    /// Moves a channel's position forward to `seq` (never back): for a client that learnt it
    /// elsewhere, e.g. from a message fetched over REST.
    pub fn advance(&mut self, channel_id: &ChannelId, seq: i64) {
        let last = self.seen.entry(channel_id.clone()).or_insert(seq);
        *last = (*last).max(seq);
    }

    /// Stops tracking a channel (left it, or refetched it after a `resync`).
    pub fn forget(&mut self, channel_id: &ChannelId) {
        self.seen.remove(channel_id);
    }

    /// The last `seq` delivered in `channel_id`.
    pub fn get(&self, channel_id: &ChannelId) -> Option<i64> {
        self.seen.get(channel_id).copied()
    }

    /// Whether no channel has a position.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// Every position, as the `resume` frame wants them.
    pub fn to_map(&self) -> BTreeMap<ChannelId, i64> {
        self.seen.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_delivered_once() {
        let mut positions = Positions::new();
        assert_eq!(positions.observe(&ChannelId::from("c"), 1), Delivery::InOrder);
        assert_eq!(positions.observe(&ChannelId::from("c"), 2), Delivery::InOrder);
        assert_eq!(positions.observe(&ChannelId::from("c"), 2), Delivery::Duplicate);
        assert_eq!(positions.observe(&ChannelId::from("c"), 1), Delivery::Duplicate);
        assert_eq!(positions.get(&ChannelId::from("c")), Some(2));
    }

    #[test]
    fn channels_do_not_share_positions() {
        let mut positions = Positions::new();
        assert!(positions.observe(&ChannelId::from("a"), 5).is_new());
        assert!(positions.observe(&ChannelId::from("b"), 1).is_new());
        assert!(positions.observe(&ChannelId::from("b"), 2).is_new());
        assert!(!positions.observe(&ChannelId::from("a"), 4).is_new());
        assert_eq!(
            positions.to_map(),
            BTreeMap::from([(ChannelId::from("a"), 5), (ChannelId::from("b"), 2)])
        );
    }

    #[test]
    fn the_first_event_of_a_channel_sets_its_position_wherever_it_starts() {
        let mut positions = Positions::new();
        assert_eq!(positions.observe(&ChannelId::from("c"), 40), Delivery::InOrder);
        assert_eq!(positions.observe(&ChannelId::from("c"), 39), Delivery::Duplicate);
    }

    #[test]
    fn gaps_are_reported_and_still_delivered() {
        let mut positions = Positions::new();
        positions.observe(&ChannelId::from("c"), 3);
        assert_eq!(
            positions.observe(&ChannelId::from("c"), 7),
            Delivery::AfterGap { missing: 3 }
        );
        assert_eq!(positions.get(&ChannelId::from("c")), Some(7));
        // The replayed events of the gap are then older than the position: dropped.
        assert_eq!(positions.observe(&ChannelId::from("c"), 5), Delivery::Duplicate);
    }

    #[test]
    fn a_replay_after_reconnect_delivers_only_what_was_missed() {
        let mut positions = Positions::from_map(BTreeMap::from([(ChannelId::from("c"), 10)]));
        let replay = [9, 10, 11, 12];
        let delivered: Vec<i64> = replay
            .into_iter()
            .filter(|seq| positions.observe(&ChannelId::from("c"), *seq).is_new())
            .collect();
        assert_eq!(delivered, vec![11, 12]);
    }

    #[test]
    fn advancing_never_moves_back_and_forgetting_starts_over() {
        let mut positions = Positions::new();
        positions.advance(&ChannelId::from("c"), 8);
        positions.advance(&ChannelId::from("c"), 3);
        assert_eq!(positions.get(&ChannelId::from("c")), Some(8));
        positions.forget(&ChannelId::from("c"));
        assert!(positions.is_empty());
        assert_eq!(positions.observe(&ChannelId::from("c"), 1), Delivery::InOrder);
    }
}
