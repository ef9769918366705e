//! Channel events from the gateway: messages in, edited and deleted, replies counted on their
//! parents, reactions, membership; unread and mention counts, the bell and desktop alerts.

use hub_core::protocol::v1::ChannelEvent;

use super::network::{deliver, leave};
use crate::chat::action::Effect;
use crate::chat::model::Model;

pub(super) fn on_event(model: &mut Model, event: hub_core::protocol::v1::StoredEvent) -> Vec<Effect> {
    let channel_id = event.channel_id.clone();
    if channel_id.is_forum() {
        super::forum::on_event(model, event.event);
        return Vec::new();
    }
    match event.event {
        ChannelEvent::MessageCreated { message } => {
            let mine = model
                .me
                .as_ref()
                .is_some_and(|me| message.author_id.as_ref() == Some(&me.id));
            if let Some(client_id) = &message.client_id
                && mine
            {
                model.outbox.acknowledge(client_id);
            }
            let is_reply = message.parent_id.clone();
            let (author, content) = (message.author_id.clone(), message.content.clone());
            let mentions_me = model
                .me
                .as_ref()
                .is_some_and(|me| message.content.contains(&format!("@{}", me.username)));
            deliver(model, message);
            if let Some(parent_id) = is_reply {
                bump_replies(model, &channel_id, &parent_id, 1);
                return Vec::new();
            }
            let reading = model.selected.as_ref() == Some(&channel_id)
                && model.timeline().is_some_and(|timeline| timeline.scroll == 0);
            if mine || reading {
                return Vec::new();
            }
            let Some(entry) = model.channel_mut(&channel_id) else {
                // A channel the client does not list yet (a new DM): fetch the list again.
                return vec![Effect::LoadChannels];
            };
            entry.unread += 1;
            let is_direct = entry.is_direct();
            let entry_label = entry.label();
            if mentions_me {
                entry.mentions += 1;
            }
            let notify = entry.notify;
            let title = format!("{} in {}", model.name_of(author.as_ref()), entry_label);
            alerts(model.alerts, notify, mentions_me, is_direct, title, content)
        }
        ChannelEvent::MessageUpdated { message } => {
            if let Some(thread) = &mut model.thread {
                if thread.parent.id == message.id {
                    thread.parent = message.clone();
                } else if message.parent_id.as_ref() == Some(&thread.parent.id) {
                    thread.merge(message.clone());
                }
            }
            if let Some(timeline) = model.timelines.get_mut(&channel_id)
                && let Some(held) = timeline.get_mut(&message.id)
            {
                *held = message;
            }
            Vec::new()
        }
        ChannelEvent::MessageDeleted { message_id, parent_id } => {
            let tombstone = |message: &mut hub_core::protocol::v1::MessageView| {
                message.deleted = true;
                message.content.clear();
            };
            if let Some(timeline) = model.timelines.get_mut(&channel_id)
                && let Some(held) = timeline.get_mut(&message_id)
            {
                tombstone(held);
            }
            if let Some(thread) = &mut model.thread {
                if thread.parent.id == message_id {
                    tombstone(&mut thread.parent);
                }
                if let Some(reply) = thread.replies.iter_mut().find(|reply| reply.id == message_id) {
                    tombstone(reply);
                }
            }
            if let Some(parent_id) = parent_id {
                bump_replies(model, &channel_id, &parent_id, -1);
            }
            Vec::new()
        }
        ChannelEvent::ReactionAdded {
            message_id,
            emoji,
            user_id,
        } => {
            let mine = model.me.as_ref().is_some_and(|me| me.id == user_id);
            react(model, &channel_id, &message_id, &emoji, 1, mine);
            Vec::new()
        }
        ChannelEvent::ReactionRemoved {
            message_id,
            emoji,
            user_id,
        } => {
            let mine = model.me.as_ref().is_some_and(|me| me.id == user_id);
            react(model, &channel_id, &message_id, &emoji, -1, mine);
            Vec::new()
        }
        ChannelEvent::ChannelUpdated { .. } | ChannelEvent::ChannelArchived { .. } => vec![Effect::LoadChannels],
        ChannelEvent::MemberLeft { user_id, .. } if model.me.as_ref().is_some_and(|me| me.id == user_id) => {
            leave(model, &channel_id);
            Vec::new()
        }
        ChannelEvent::MemberJoined { user_id, .. } if model.me.as_ref().is_some_and(|me| me.id == user_id) => {
            vec![Effect::LoadChannels]
        }
        _ => Vec::new(),
    }
}

/// The bell and desktop notification a message gets, by the channel's level and the user's
/// `[notifications]` settings.
fn alerts(
    alerts: crate::chat::model::Alerts,
    notify: hub_core::model::NotifyLevel,
    mentions_me: bool,
    is_direct: bool,
    title: String,
    body: String,
) -> Vec<Effect> {
    use crate::chat::model::AlertLevel;
    use hub_core::model::NotifyLevel;
    let wanted = |level: AlertLevel| match (level, notify) {
        (_, NotifyLevel::Nothing) | (AlertLevel::Never, _) => false,
        (AlertLevel::All, NotifyLevel::All) => true,
        (AlertLevel::All | AlertLevel::Mentions, _) => mentions_me || (is_direct && notify == NotifyLevel::All),
    };
    let mut effects = Vec::new();
    if wanted(alerts.bell) {
        effects.push(Effect::Bell);
    }
    if wanted(alerts.desktop) {
        effects.push(Effect::Desktop { title, body });
    }
    effects
}

fn bump_replies(
    model: &mut Model,
    channel_id: &hub_core::model::ChannelId,
    parent_id: &hub_core::model::MessageId,
    by: i64,
) {
    if let Some(parent) = model
        .timelines
        .get_mut(channel_id)
        .and_then(|timeline| timeline.get_mut(parent_id))
    {
        parent.reply_count = (parent.reply_count + by).max(0);
        parent.last_reply_at = Some(model.now);
    }
}

fn react(
    model: &mut Model,
    channel_id: &hub_core::model::ChannelId,
    message_id: &hub_core::model::MessageId,
    emoji: &str,
    by: i64,
    mine: bool,
) {
    let Some(message) = model
        .timelines
        .get_mut(channel_id)
        .and_then(|timeline| timeline.get_mut(message_id))
    else {
        return;
    };
    match message.reactions.iter_mut().find(|reaction| reaction.emoji == emoji) {
        Some(reaction) => {
            reaction.count = (reaction.count + by).max(0);
            if mine {
                reaction.me = by > 0;
            }
        }
        None if by > 0 => message.reactions.push(hub_core::protocol::v1::ReactionCountView {
            emoji: emoji.to_owned(),
            count: by,
            me: mine,
        }),
        None => {}
    }
    message.reactions.retain(|reaction| reaction.count > 0);
}
