//! The newest history page of recently read channels, kept in memory.
//!
//! Opening a channel reads its newest page, so that page is by far the most read. A copy is
//! kept per channel beside the channel's `last_seq` when it was read. Every change to a
//! channel's messages or reactions is a channel event and moves `last_seq` on, so a copy is
//! used only while the channel's current `last_seq` (read with the caller's access check, from
//! the database, so several nodes agree) still equals the one it was read at. A copy never
//! serves a page older than the database's. The copies share a byte budget
//! (`limits.history_cache_bytes`); the least recently used go first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::model::{ChannelId, Message, MessageId};

/// A channel's newest page as it was at one `last_seq`.
#[derive(Debug)]
pub(crate) struct RecentPage {
    /// The channel's `last_seq` when the page was read.
    pub last_seq: i64,
    /// How many rows were asked for (a page and its one-row lookahead).
    pub asked: usize,
    /// The newest top-level messages, newest first: `asked` of them, or all there were.
    pub messages: Vec<Message>,
    /// The messages of the page that had reactions then; the others had none, and still have
    /// none while `last_seq` stands.
    pub reacted: Vec<MessageId>,
}

impl RecentPage {
    /// What the page costs the budget: its text plus a fixed share per message for ids,
    /// times and the allocation around them.
    fn cost(&self) -> usize {
        const PER_MESSAGE: usize = 256;
        self.messages
            .iter()
            .map(|message| {
                PER_MESSAGE + message.content.len() + message.client_id.as_ref().map_or(0, |id| id.as_str().len())
            })
            .sum::<usize>()
            + self.reacted.len() * 32
    }
}

/// Recent pages by channel, within a byte budget.
#[derive(Debug)]
pub(crate) struct RecentPages {
    budget: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    pages: HashMap<ChannelId, Slot>,
    bytes: usize,
    /// Counts uses, to find the least recently used slot.
    clock: u64,
}

#[derive(Debug)]
struct Slot {
    page: Arc<RecentPage>,
    cost: usize,
    used: u64,
}

impl RecentPages {
    /// An empty cache holding at most `budget` bytes of pages (0 keeps none).
    pub fn new(budget: usize) -> Self {
        RecentPages {
            budget,
            state: Mutex::new(State::default()),
        }
    }

    /// The channel's page if it was read at `last_seq` with `asked` rows asked for.
    pub fn get(&self, channel: &ChannelId, last_seq: i64, asked: usize) -> Option<Arc<RecentPage>> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.clock += 1;
        let now = state.clock;
        let slot = state.pages.get_mut(channel)?;
        if slot.page.last_seq != last_seq || slot.page.asked != asked {
            return None;
        }
        slot.used = now;
        Some(slot.page.clone())
    }

    /// Keeps `page` as the channel's newest, unless a page read at a later `last_seq` is kept
    /// already or it alone is over the budget; makes room by dropping the least recently used.
    pub fn put(&self, channel: &ChannelId, page: Arc<RecentPage>) {
        let cost = page.cost();
        if cost > self.budget {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(kept) = state.pages.get(channel)
            && kept.page.last_seq > page.last_seq
        {
            return;
        }
        if let Some(replaced) = state.pages.remove(channel) {
            state.bytes -= replaced.cost;
        }
        while state.bytes + cost > self.budget {
            let Some(oldest) = state
                .pages
                .iter()
                .min_by_key(|(_, slot)| slot.used)
                .map(|(channel, _)| channel.clone())
            else {
                break;
            };
            if let Some(dropped) = state.pages.remove(&oldest) {
                state.bytes -= dropped.cost;
            }
        }
        state.clock += 1;
        let used = state.clock;
        state.bytes += cost;
        state.pages.insert(channel.clone(), Slot { page, cost, used });
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn message(channel: &ChannelId, seq: i64, content: &str) -> Message {
        Message {
            id: MessageId::generate(),
            channel_id: channel.clone(),
            seq,
            author_id: None,
            content: content.to_owned(),
            client_id: None,
            parent_id: None,
            created_at: Utc::now(),
            edited_at: None,
            deleted_at: None,
            reply_count: 0,
            last_reply_at: None,
            file_count: 0,
        }
    }

    fn page(channel: &ChannelId, last_seq: i64, asked: usize) -> RecentPage {
        RecentPage {
            last_seq,
            asked,
            messages: (1..=last_seq).rev().map(|seq| message(channel, seq, "hello")).collect(),
            reacted: Vec::new(),
        }
    }

    #[test]
    fn a_page_answers_only_at_the_same_last_seq_and_size() {
        let cache = RecentPages::new(1 << 20);
        let channel = ChannelId::generate();
        cache.put(&channel, Arc::new(page(&channel, 3, 51)));
        assert_eq!(cache.get(&channel, 3, 51).map(|page| page.messages.len()), Some(3));
        assert!(cache.get(&channel, 4, 51).is_none(), "the channel changed since");
        assert!(cache.get(&channel, 3, 11).is_none(), "another page size");
        assert!(cache.get(&ChannelId::generate(), 3, 51).is_none());
    }

    #[test]
    fn an_older_page_does_not_replace_a_newer_one() {
        let cache = RecentPages::new(1 << 20);
        let channel = ChannelId::generate();
        cache.put(&channel, Arc::new(page(&channel, 5, 51)));
        cache.put(&channel, Arc::new(page(&channel, 4, 51)));
        assert!(cache.get(&channel, 5, 51).is_some());
        assert!(cache.get(&channel, 4, 51).is_none());
        cache.put(&channel, Arc::new(page(&channel, 6, 51)));
        assert!(cache.get(&channel, 6, 51).is_some());
    }

    #[test]
    fn the_budget_drops_the_least_recently_used_page() {
        let one_page = page(&ChannelId::generate(), 10, 51).cost();
        let cache = RecentPages::new(one_page * 2);
        let (first, second, third) = (ChannelId::generate(), ChannelId::generate(), ChannelId::generate());
        cache.put(&first, Arc::new(page(&first, 10, 51)));
        cache.put(&second, Arc::new(page(&second, 10, 51)));
        assert!(cache.get(&first, 10, 51).is_some(), "read, so second is now the oldest");
        cache.put(&third, Arc::new(page(&third, 10, 51)));
        assert!(cache.get(&first, 10, 51).is_some());
        assert!(cache.get(&second, 10, 51).is_none());
        assert!(cache.get(&third, 10, 51).is_some());
    }

    #[test]
    fn a_zero_budget_keeps_nothing() {
        let cache = RecentPages::new(0);
        let channel = ChannelId::generate();
        cache.put(&channel, Arc::new(page(&channel, 2, 51)));
        assert!(cache.get(&channel, 2, 51).is_none());
    }
}
