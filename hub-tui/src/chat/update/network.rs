//! What the network worker reports: sign-in, the connection, pages, gateway events, acks.

use chrono::Duration;

use super::{complain, say};
use crate::chat::action::{Action, Effect};
use crate::chat::model::{
    ChannelEntry, Composer, Connection, Focus, Loaded, LoginForm, Me, Model, Overlay, Person, Screen, Typing,
};

pub(super) fn on_network(model: &mut Model, action: Action) -> Vec<Effect> {
    let action = match super::forum::on_network(model, action) {
        Ok(effects) => return effects,
        Err(action) => action,
    };
    match action {
        Action::SignedIn { me, server } => {
            model.me = Some(Me {
                id: me.profile.id.clone(),
                username: me.profile.username.clone(),
                is_admin: me.is_superuser,
            });
            model.people.insert(me.profile.id.clone(), Person::from(&me.profile));
            model.server = server;
            model.screen = Screen::Main;
            vec![Effect::LoadChannels]
        }
        Action::SignInRetrying(why) => {
            if let Screen::Login(form) = &mut model.screen {
                form.busy = true;
                form.error = Some(why);
            }
            Vec::new()
        }
        Action::SignInFailed(error) => {
            if let Screen::Login(form) = &mut model.screen {
                form.busy = false;
                form.error = Some(error);
            } else {
                model.screen = Screen::Login(LoginForm {
                    server: Composer::with_text(model.server.clone()),
                    field: 1,
                    error: Some(error),
                    ..LoginForm::default()
                });
            }
            Vec::new()
        }
        Action::Connected => {
            let first = model.connection == Connection::Connecting;
            model.connection = Connection::Connected;
            // Whatever waited in the outbox goes now; its client_id keeps a repeat from storing twice.
            let mut effects: Vec<Effect> = model.outbox.pending().cloned().map(Effect::Send).collect();
            if !first {
                // Resume replays the channels the gateway spoke of; a fresh page and list cover
                // the rest (merged by seq, so nothing shows twice).
                effects.push(Effect::LoadChannels);
                for (channel_id, timeline) in &model.timelines {
                    if timeline.loaded == Loaded::Ready {
                        effects.push(Effect::LoadHistory {
                            channel_id: channel_id.clone(),
                            before: None,
                        });
                    }
                }
            }
            effects
        }
        Action::Reconnecting { attempt } => {
            model.connection = Connection::Reconnecting { attempt };
            Vec::new()
        }
        Action::Offline(why) => {
            model.connection = Connection::Offline(why);
            Vec::new()
        }
        Action::ChannelsLoaded(views) => {
            let me = model.me.as_ref().map(|me| me.id.clone());
            let mut entries: Vec<ChannelEntry> = Vec::with_capacity(views.len());
            for view in &views {
                for member in view.members.iter().flatten() {
                    model.people.insert(member.id.clone(), Person::from(member));
                }
                let mut entry = ChannelEntry::from_view(view, me.as_ref());
                // What the user is reading right now is read, whatever the list said.
                if model.selected.as_ref() == Some(&entry.id)
                    && model.timeline().is_some_and(|timeline| timeline.scroll == 0)
                {
                    entry.unread = 0;
                    entry.mentions = 0;
                }
                entries.push(entry);
            }
            model.channels = entries;
            model.sort_channels();
            model.channels_loaded = true;
            let still_there = model
                .selected
                .as_ref()
                .is_some_and(|id| model.channels.iter().any(|entry| &entry.id == id));
            if !still_there {
                model.selected = model.channels.first().map(|entry| entry.id.clone());
            }
            Vec::new()
        }
        Action::HistoryLoaded {
            channel_id,
            before,
            messages,
            has_more,
        } => {
            let unread = model
                .channels
                .iter()
                .find(|entry| entry.id == channel_id)
                .map(|entry| entry.unread);
            let timeline = model.timelines.entry(channel_id).or_default();
            timeline.merge(messages);
            if before.is_some() {
                timeline.loading_older = false;
                timeline.has_older = has_more;
                // Older messages go above the view (the scroll counts from the bottom), so it
                // stays on what it showed; after `g` it climbs on to them.
                if timeline.to_top {
                    timeline.go_to_top();
                }
            } else {
                let first = timeline.loaded != Loaded::Ready;
                timeline.loaded = Loaded::Ready;
                if first {
                    timeline.has_older = has_more;
                    timeline.place_read_marker(unread.unwrap_or(0));
                }
            }
            Vec::new()
        }
        Action::HistoryFailed { channel_id, error } => {
            let now = model.now;
            if let Some(timeline) = model.timelines.get_mut(&channel_id) {
                if timeline.loaded == Loaded::Loading {
                    timeline.loaded = Loaded::Nothing;
                }
                timeline.loading_older = false;
                timeline.retry_at = Some(now + super::RETRY_AFTER);
            }
            complain(model, format!("cannot load messages ({error}); trying again shortly"));
            Vec::new()
        }
        Action::ChannelsFailed(error) => {
            model.channels_retry_at = Some(model.now + super::RETRY_AFTER);
            complain(
                model,
                format!("cannot load your channels ({error}); trying again shortly"),
            );
            Vec::new()
        }
        Action::ThreadLoaded(view) => {
            if let Some(thread) = &mut model.thread
                && thread.parent.id == view.parent.id
            {
                thread.parent = view.parent;
                for reply in view.items {
                    thread.merge(reply);
                }
                thread.loaded = true;
            }
            Vec::new()
        }
        Action::PersonLoaded(user) => {
            model.people_asked.remove(&user.id);
            model.people.insert(user.id.clone(), Person::from(user.as_ref()));
            Vec::new()
        }
        Action::Event(event) => super::events::on_event(model, *event),
        Action::Acked { client_id, message } => {
            model.outbox.acknowledge(&client_id);
            deliver(model, *message);
            Vec::new()
        }
        Action::SendRefused {
            client_id,
            code,
            message,
        } => {
            if code == "rate_limited" {
                say(model, "sending too fast: it goes when the server allows");
            } else {
                model.outbox.fail(&client_id, message.clone());
                complain(model, format!("not sent: {message}"));
            }
            Vec::new()
        }
        Action::Typing {
            channel_id,
            user_id,
            expires_in_ms,
        } => {
            let shown = i64::try_from(expires_in_ms)
                .ok()
                .map_or(super::TYPING_SHOWN, Duration::milliseconds);
            model
                .typing
                .retain(|typing| !(typing.channel_id == channel_id && typing.user_id == user_id));
            model.typing.push(Typing {
                channel_id,
                user_id,
                until: model.now + shown,
            });
            Vec::new()
        }
        Action::Presence { user_id, status } => {
            if let Some(person) = model.people.get_mut(&user_id) {
                person.status = status;
            }
            Vec::new()
        }
        Action::ReadElsewhere { channel_id, message_id } => {
            let newest = model.timelines.get(&channel_id).and_then(|timeline| timeline.newest());
            let all_read = newest.is_none_or(|newest| newest.id == message_id);
            model.read_sent.insert(channel_id.clone(), message_id);
            if all_read && let Some(entry) = model.channel_mut(&channel_id) {
                entry.unread = 0;
                entry.mentions = 0;
            }
            Vec::new()
        }
        Action::Resync(channel_id) => {
            model.timelines.remove(&channel_id);
            Vec::new()
        }
        Action::ChannelOpened(view) => {
            let me = model.me.as_ref().map(|me| me.id.clone());
            for member in view.members.iter().flatten() {
                model.people.insert(member.id.clone(), Person::from(member));
            }
            let entry = ChannelEntry::from_view(&view, me.as_ref());
            let id = entry.id.clone();
            model.channels.retain(|held| held.id != id);
            model.channels.push(entry);
            model.sort_channels();
            model.selected = Some(id);
            model.focus = Focus::Channel;
            Vec::new()
        }
        Action::ChannelLeft(channel_id) => {
            leave(model, &channel_id);
            Vec::new()
        }
        Action::Done(text) => {
            say(model, text);
            Vec::new()
        }
        Action::Failed(text) => {
            complain(model, text);
            Vec::new()
        }
        Action::Edited(text) => {
            *super::keys::active_composer(model) = Composer::with_text(text.trim_end_matches('\n'));
            Vec::new()
        }
        Action::OpenReports(count) => {
            model.open_reports = Some(count);
            Vec::new()
        }
        Action::ReportFiled => {
            model.open_reports = Some(model.open_reports.unwrap_or(0) + 1);
            Vec::new()
        }
        Action::MentionsLoaded(mentions) => {
            if let Some(Overlay::Mentions(picker)) = &mut model.overlay {
                picker.items = mentions;
                picker.loading = false;
            }
            Vec::new()
        }
        Action::ChannelsBrowsed(channels) => {
            if let Some(Overlay::Browse(picker)) = &mut model.overlay {
                picker.items = channels;
                picker.loading = false;
            }
            Vec::new()
        }
        // Keys and ticks are `update`'s; the forum's news went to `forum::on_network`.
        Action::Key(_)
        | Action::Paste(_)
        | Action::Tick(_)
        | Action::PostsLoaded { .. }
        | Action::CommentsLoaded { .. }
        | Action::Voted { .. }
        | Action::PostWritten(_)
        | Action::CommentWritten(_) => Vec::new(),
    }
}

/// A stored message (from an ack or an event): into its timeline or thread, once.
pub(super) fn deliver(model: &mut Model, message: hub_core::protocol::v1::MessageView) {
    if let Some(thread) = &mut model.thread
        && message.parent_id.as_ref() == Some(&thread.parent.id)
    {
        thread.merge(message.clone());
    }
    if message.parent_id.is_none()
        && let Some(timeline) = model.timelines.get_mut(&message.channel_id)
    {
        timeline.push_live(message);
    }
}

/// The user is no longer in a channel: out of the sidebar, and off screen.
pub(super) fn leave(model: &mut Model, channel_id: &hub_core::model::ChannelId) {
    model.channels.retain(|entry| &entry.id != channel_id);
    model.timelines.remove(channel_id);
    if model
        .thread
        .as_ref()
        .is_some_and(|thread| &thread.channel_id == channel_id)
    {
        model.thread = None;
        model.focus = Focus::Channel;
    }
    if model.selected.as_ref() == Some(channel_id) {
        model.selected = model.channels.first().map(|entry| entry.id.clone());
    }
}
