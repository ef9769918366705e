//! Whom a viewer does not hear from, and leaving those people's messages out of what they read.
//!
//! Every history page asks, so the answer is kept in memory per viewer (a query per page was
//! 12% of `hub bench history`). A mute or block forgets the entries it changes, on this node at
//! once and on every node when the gateway's dispatcher sees the `HiddenChanged` it publishes.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::Result;
use crate::model::UserId;
use crate::protocol::v1::MessageView;
use crate::service::Hub;

/// Viewers kept before the cache starts over.
const MAX_VIEWERS: usize = 65_536;

/// Whom each recent viewer does not hear from.
#[derive(Debug, Default)]
pub(crate) struct HiddenCache {
    state: Mutex<CacheState>,
}

#[derive(Debug, Default)]
struct CacheState {
    viewers: HashMap<UserId, Arc<HashSet<UserId>>>,
    /// Bumped by every `forget`: a set read from the store before a forget may predate the
    /// change it announces, so `put` refuses it.
    generation: u64,
}

/// Where a cache miss started, for [`HiddenCache::put`].
#[derive(Debug, Clone, Copy)]
struct Miss {
    generation: u64,
}

impl HiddenCache {
    fn state(&self) -> std::sync::MutexGuard<'_, CacheState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached set, or where the miss started.
    fn get(&self, viewer: &UserId) -> std::result::Result<Arc<HashSet<UserId>>, Miss> {
        let state = self.state();
        state.viewers.get(viewer).cloned().ok_or(Miss {
            generation: state.generation,
        })
    }

    /// Keeps `hidden`, read from the store after `miss`, unless a forget came in between.
    fn put(&self, viewer: &UserId, hidden: Arc<HashSet<UserId>>, miss: Miss) {
        let mut state = self.state();
        if state.generation != miss.generation {
            return;
        }
        if state.viewers.len() >= MAX_VIEWERS {
            state.viewers.clear();
        }
        state.viewers.insert(viewer.clone(), hidden);
    }

    fn forget(&self, users: &[UserId]) {
        let mut state = self.state();
        state.generation += 1;
        for user in users {
            state.viewers.remove(user);
        }
    }
}

impl Hub {
    /// The people `viewer` does not hear from: those they mute or block, and those who block them.
    pub async fn hidden_authors(&self, viewer: &UserId) -> Result<Arc<HashSet<UserId>>> {
        let cache = &self.inner.hidden;
        let miss = match cache.get(viewer) {
            Ok(hidden) => return Ok(hidden),
            Err(miss) => miss,
        };
        let hidden: Arc<HashSet<UserId>> =
            Arc::new(self.inner.store.hidden_authors(viewer).await?.into_iter().collect());
        cache.put(viewer, hidden.clone(), miss);
        Ok(hidden)
    }

    /// Forgets what is known of whom `users` hear from (a mute or block of theirs changed,
    /// here or on another node).
    pub fn forget_hidden(&self, users: &[UserId]) {
        self.inner.hidden.forget(users);
    }

    /// Leaves out of `messages` those written by someone `viewer` does not hear from.
    pub(crate) async fn drop_hidden(&self, viewer: &UserId, messages: &mut Vec<MessageView>) -> Result<()> {
        let hidden = self.hidden_authors(viewer).await?;
        if !hidden.is_empty() {
            messages.retain(|message| message.author_id.as_ref().is_none_or(|author| !hidden.contains(author)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> UserId {
        UserId::from(name.to_owned())
    }

    fn set(names: &[&str]) -> Arc<HashSet<UserId>> {
        Arc::new(names.iter().map(|name| user(name)).collect())
    }

    #[test]
    fn a_set_read_before_a_forget_is_not_kept() {
        let cache = HiddenCache::default();
        let ann = user("ann");
        let Err(miss) = cache.get(&ann) else {
            panic!("an empty cache has nothing")
        };
        // Ann mutes Bob while her page's read of the store is in flight.
        cache.forget(std::slice::from_ref(&ann));
        cache.put(&ann, set(&[]), miss);
        assert!(cache.get(&ann).is_err(), "the stale set was kept");
    }

    #[test]
    fn a_set_read_with_no_forget_since_is_served() {
        let cache = HiddenCache::default();
        let ann = user("ann");
        let Err(miss) = cache.get(&ann) else {
            panic!("an empty cache has nothing")
        };
        cache.put(&ann, set(&["bob"]), miss);
        assert_eq!(cache.get(&ann).ok(), Some(set(&["bob"])));
        cache.forget(std::slice::from_ref(&ann));
        assert!(cache.get(&ann).is_err(), "forget drops the entry");
    }
}
