//! What a receiver of channel events has delivered: the last position in each channel, and
//! what the next event means (a duplicate, the next in order, or past a gap). The dispatcher and
//! every connection keep one, and both fill a gap the one way, from the log
//! ([`hub_core::Hub::events_between`]).

use hub_core::model::ChannelId;

use super::FastMap;

/// Where an event stands against what was delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// At or below the last delivered position: already delivered.
    Duplicate,
    /// The next position, or the first seen in its channel.
    InOrder,
    /// Past the next position: the events after this one were missed and come first.
    AfterGap(i64),
}

/// The last position delivered in each channel.
#[derive(Debug, Default)]
pub(super) struct Delivered {
    last: FastMap<ChannelId, i64>,
}

impl Delivered {
    /// Where an event at `seq` of `channel` stands.
    pub(super) fn next(&self, channel: &ChannelId, seq: i64) -> Next {
        match self.last.get(channel) {
            Some(&last) if seq <= last => Next::Duplicate,
            Some(&last) if seq > last + 1 => Next::AfterGap(last),
            _ => Next::InOrder,
        }
    }

    /// The last position delivered in each channel.
    pub(super) fn positions(&self) -> impl Iterator<Item = (ChannelId, i64)> + '_ {
        self.last.iter().map(|(channel, last)| (channel.clone(), *last))
    }

    /// The client says it has seen `channel` up to `seq` (a `resume`): from here on that is the
    /// position, even below what this connection delivered live before. Events live delivery
    /// skipped (published before the connection subscribed) are then replayed from the log
    /// instead of being taken for delivered; the client asked for everything after `seq`.
    pub(super) fn resume_from(&mut self, channel: &ChannelId, seq: i64) {
        self.last.insert(channel.clone(), seq);
    }

    /// Records that the event at `seq` of `channel` was delivered.
    pub(super) fn record(&mut self, channel: &ChannelId, seq: i64) {
        match self.last.get_mut(channel) {
            Some(last) => *last = (*last).max(seq),
            None => {
                self.last.insert(channel.clone(), seq);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_and_gaps_are_told_apart_per_channel() {
        let mut delivered = Delivered::default();
        let (general, dev) = (ChannelId::from("general"), ChannelId::from("dev"));
        assert_eq!(delivered.next(&general, 5), Next::InOrder, "the first event seen");
        delivered.record(&general, 5);
        assert_eq!(delivered.next(&general, 5), Next::Duplicate);
        assert_eq!(delivered.next(&general, 4), Next::Duplicate);
        assert_eq!(delivered.next(&general, 6), Next::InOrder);
        assert_eq!(delivered.next(&general, 9), Next::AfterGap(5));
        assert_eq!(delivered.next(&dev, 9), Next::InOrder, "channels are apart");
        delivered.record(&general, 3);
        assert_eq!(delivered.next(&general, 6), Next::InOrder, "never moves back");
    }

    #[test]
    fn a_resume_sets_the_position_even_below_what_went_live() {
        let mut delivered = Delivered::default();
        let forum = ChannelId::from("forum");
        // Event 7 went out live; 6 was published before the connection subscribed.
        delivered.record(&forum, 7);
        delivered.resume_from(&forum, 5);
        assert_eq!(delivered.next(&forum, 6), Next::InOrder, "6 is replayed, not skipped");
        delivered.record(&forum, 6);
        delivered.record(&forum, 7);
        assert_eq!(delivered.next(&forum, 7), Next::Duplicate, "the replay's 7 counts once");
    }
}
