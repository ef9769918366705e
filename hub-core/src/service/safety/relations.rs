//! Muting and blocking someone, taking it back, and the lists of both.

use crate::error::{Error, Result};
use crate::events::BusMessage;
use crate::model::UserId;
use crate::protocol::v1::RelationView;
use crate::service::{Caller, Hub, now};
use crate::store::Relation;

/// Mute or block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relationship {
    /// I stop seeing them.
    Mute,
    /// Neither of us sees, reaches or mentions the other.
    Block,
}

impl Relationship {
    fn relation(self) -> Relation {
        match self {
            Relationship::Mute => Relation::Mute,
            Relationship::Block => Relation::Block,
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Relationship::Mute => "mute",
            Relationship::Block => "block",
        }
    }
}

impl Hub {
    /// The caller mutes or blocks `target` (again: nothing changes). Yourself, or more people
    /// than `safety.max_mutes_and_blocks`, is refused.
    pub async fn add_relationship(&self, caller: &Caller, kind: Relationship, target: &UserId) -> Result<()> {
        if target == &caller.user.id {
            return Err(Error::invalid(
                "user_id",
                format!("you cannot {} yourself", kind.verb()),
            ));
        }
        let store = &self.inner.store;
        if store.user_by_id(target).await?.is_none() {
            return Err(Error::not_found("user"));
        }
        let max = self.inner.config.safety.max_mutes_and_blocks;
        let count = store.relation_count(kind.relation(), &caller.user.id).await?;
        if usize::try_from(count).unwrap_or(usize::MAX) >= max {
            return Err(Error::invalid(
                "user_id",
                format!("you can {} at most {max} people; lift one first", kind.verb()),
            )
            .with_details(serde_json::json!({ "max_mutes_and_blocks": max })));
        }
        if store
            .add_relation(kind.relation(), &caller.user.id, target, now())
            .await?
        {
            self.hidden_changed(caller, kind, target);
        }
        Ok(())
    }

    /// The caller no longer mutes or blocks `target` (it was not so: nothing changes).
    pub async fn remove_relationship(&self, caller: &Caller, kind: Relationship, target: &UserId) -> Result<()> {
        if self
            .inner
            .store
            .remove_relation(kind.relation(), &caller.user.id, target)
            .await?
        {
            self.hidden_changed(caller, kind, target);
        }
        Ok(())
    }

    /// Everyone the caller mutes or blocks, oldest first.
    pub async fn relationships(&self, caller: &Caller, kind: Relationship) -> Result<Vec<RelationView>> {
        let store = &self.inner.store;
        let mut views = Vec::new();
        for row in store.relations(kind.relation(), &caller.user.id).await? {
            if let Some(user) = store.user_by_id(&row.other_id).await? {
                views.push(RelationView {
                    user: crate::protocol::v1::UserView::from(&user),
                    since: row.created_at,
                });
            }
        }
        Ok(views)
    }

    /// Tells the gateways whose connections hear from whom now: the caller's, and for a block
    /// the other person's too. The muted person is not told anything they can see.
    fn hidden_changed(&self, caller: &Caller, kind: Relationship, target: &UserId) {
        let mut user_ids = vec![caller.user.id.clone()];
        if kind == Relationship::Block {
            user_ids.push(target.clone());
        }
        self.forget_hidden(&user_ids);
        self.inner.bus.publish(BusMessage::HiddenChanged { user_ids });
    }
}
