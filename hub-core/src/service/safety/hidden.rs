//! Whom a viewer does not hear from, and leaving those people's messages out of what they read.

use std::collections::HashSet;

use crate::error::Result;
use crate::model::UserId;
use crate::protocol::v1::MessageView;
use crate::service::Hub;

impl Hub {
    /// The people `viewer` does not hear from: those they mute or block, and those who block them.
    pub async fn hidden_authors(&self, viewer: &UserId) -> Result<HashSet<UserId>> {
        Ok(self.inner.store.hidden_authors(viewer).await?.into_iter().collect())
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
