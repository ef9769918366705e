//! `open_dm`: the one direct conversation of an exact set of people, made on first use with
//! everyone's consent (see `rules::safety`).

use crate::error::{Error, ErrorKind, Result};
use crate::model::{ChannelId, ChannelKind, ChannelRole, UserId};
use crate::protocol::v1::{ChannelEvent, ChannelView, MyChannelView};
use crate::rules::channels::dm_key;
use crate::rules::safety::{DirectFacts, check_direct_start, pair_key};
use crate::service::{Caller, Hub, now};
use crate::store::NewChannel;

impl Hub {
    /// The direct conversation between the caller and `user_ids`. Returns it and whether it was
    /// made now (`false`: it already existed). Nobody blocked either way may be in it, and a new
    /// one needs each other person's consent: availability `open`, or an accepted chat request
    /// with the caller (`requests`); `closed` takes none.
    pub async fn open_dm(&self, caller: &Caller, user_ids: &[UserId]) -> Result<(MyChannelView, bool)> {
        self.open_direct(caller, user_ids, true).await
    }

    /// [`Hub::open_dm`]; `check_consent` is false when consent was just given (an accepted chat
    /// request).
    pub(crate) async fn open_direct(
        &self,
        caller: &Caller,
        user_ids: &[UserId],
        check_consent: bool,
    ) -> Result<(MyChannelView, bool)> {
        if user_ids.is_empty() {
            return Err(Error::invalid("user_ids", "name at least one person"));
        }
        let mut members: Vec<UserId> = user_ids.iter().map(|id| UserId::from(id.as_str().trim())).collect();
        members.push(caller.user.id.clone());
        members.sort_unstable();
        members.dedup();
        let max = self.inner.config.limits.max_dm_members;
        if members.len() > max {
            return Err(
                Error::invalid("user_ids", format!("a direct conversation has at most {max} people"))
                    .with_details(serde_json::json!({ "max_members": max })),
            );
        }
        let store = &self.inner.store;
        let mut others = Vec::with_capacity(members.len());
        for member in &members {
            let user = self.active_user(member).await?;
            if member != &caller.user.id {
                if store.blocked_either_way(&caller.user.id, member).await? {
                    return Err(Error::new(ErrorKind::Blocked, "one of you blocked the other"));
                }
                others.push(user);
            }
        }
        let key = dm_key(&members);
        if let Some(existing) = store.channel_by_dm_key(&key).await? {
            return Ok((self.my_channel(caller, &existing.id).await?, false));
        }
        if check_consent {
            for other in &others {
                let facts = DirectFacts {
                    availability: other.chat_availability,
                    blocked: false,
                    request_accepted: store.accepted_between(&pair_key(&caller.user.id, &other.id)).await?,
                };
                check_direct_start(facts)
                    .map_err(|err| err.with_details(serde_json::json!({ "user_id": other.id })))?;
            }
        }
        let id = ChannelId::generate();
        let new = NewChannel {
            name: format!("dm-{id}"),
            id,
            kind: ChannelKind::Dm,
            description: String::new(),
            topic: String::new(),
            created_by: caller.user.id.clone(),
            created_at: now(),
            join_code: None,
            dm_key: Some(key.clone()),
        };
        let roles: Vec<(UserId, ChannelRole)> = members
            .into_iter()
            .map(|member| (member, ChannelRole::Member))
            .collect();
        let created = store
            .create_channel(&new, &roles, |channel| ChannelEvent::ChannelCreated {
                channel: ChannelView::from(channel),
            })
            .await;
        match created {
            Ok((channel, event)) => {
                self.publish(event);
                Ok((self.my_channel(caller, &channel.id).await?, true))
            }
            // Someone opened the same conversation at the same moment: theirs it is.
            Err(err) if err.kind == ErrorKind::Conflict => {
                let existing = store.channel_by_dm_key(&key).await?.ok_or(err)?;
                Ok((self.my_channel(caller, &existing.id).await?, false))
            }
            Err(err) => Err(err),
        }
    }
}
