//! Reacting to a message, taking a reaction back, and who reacted how.

use crate::error::{Error, Result};
use crate::model::{MessageId, ReactionChange};
use crate::protocol::v1::ReactionUsersView;
use crate::rules::permissions;
use crate::service::{Caller, Hub, now};

impl Hub {
    /// Adds or removes the caller's reaction; both are idempotent. `emoji` is a catalog code or
    /// a system reaction's glyph.
    pub async fn change_reaction(
        &self,
        caller: &Caller,
        id: &MessageId,
        emoji: &str,
        change: ReactionChange,
    ) -> Result<()> {
        self.charge_action(caller).await?;
        let (message, context) = self.readable_message(caller, id).await?;
        permissions::check_react(context.facts, context.viewer)?;
        if message.deleted_at.is_some() {
            return Err(Error::invalid("id", "a deleted message takes no reactions"));
        }
        let reaction = self
            .inner
            .store
            .reaction(emoji)
            .await?
            .ok_or_else(|| Error::not_found("reaction"))?;
        if let Some(event) = self
            .inner
            .store
            .change_reaction(&message, &reaction.code, &caller.user.id, change, now())
            .await?
        {
            self.publish(event);
        }
        Ok(())
    }

    /// Who reacted to a message, reaction by reaction.
    pub async fn message_reactions(&self, caller: &Caller, id: &MessageId) -> Result<Vec<ReactionUsersView>> {
        self.readable_message(caller, id).await?;
        let mut grouped: Vec<ReactionUsersView> = Vec::new();
        for (emoji, user) in self.inner.store.reactors(id).await? {
            let me = user == caller.user.id;
            match grouped.iter_mut().find(|group| group.emoji == emoji) {
                Some(group) => {
                    group.count += 1;
                    group.me |= me;
                    group.user_ids.push(user.clone());
                }
                None => grouped.push(ReactionUsersView {
                    emoji,
                    count: 1,
                    me,
                    user_ids: vec![user.clone()],
                }),
            }
        }
        Ok(grouped)
    }
}
