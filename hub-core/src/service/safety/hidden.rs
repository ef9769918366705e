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
    viewers: Mutex<HashMap<UserId, Arc<HashSet<UserId>>>>,
}

impl HiddenCache {
    fn get(&self, viewer: &UserId) -> Option<Arc<HashSet<UserId>>> {
        self.viewers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(viewer)
            .cloned()
    }

    fn put(&self, viewer: &UserId, hidden: Arc<HashSet<UserId>>) {
        let mut viewers = self.viewers.lock().unwrap_or_else(PoisonError::into_inner);
        if viewers.len() >= MAX_VIEWERS {
            viewers.clear();
        }
        viewers.insert(viewer.clone(), hidden);
    }

    fn forget(&self, users: &[UserId]) {
        let mut viewers = self.viewers.lock().unwrap_or_else(PoisonError::into_inner);
        for user in users {
            viewers.remove(user);
        }
    }
}

impl Hub {
    /// The people `viewer` does not hear from: those they mute or block, and those who block them.
    pub async fn hidden_authors(&self, viewer: &UserId) -> Result<Arc<HashSet<UserId>>> {
        let cache = &self.inner.hidden;
        if let Some(hidden) = cache.get(viewer) {
            return Ok(hidden);
        }
        let hidden: Arc<HashSet<UserId>> =
            Arc::new(self.inner.store.hidden_authors(viewer).await?.into_iter().collect());
        cache.put(viewer, hidden.clone());
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
