//! `update`: an [`Action`] in, the model changed and the [`Effect`]s to carry out returned. Pure:
//! no clock but the one in the model, no network, no terminal, so tests drive it directly.
//!
//! - `keys`: key presses, by screen, overlay and mode; `commands`: the `:` command line;
//! - `network`: what the server and the gateway said;
//! - [`settle`] runs after each of them: it fetches what the screen now needs (a channel's first
//!   page, the next older page near the top, unknown authors) and moves the read marker.

mod commands;
mod compose;
mod events;
mod forum;
mod keys;
mod network;
mod overlays;

use chrono::Duration;

use super::action::{Action, Effect};
use super::model::{Focus, Loaded, Model, Notice, Place, Screen};

pub use commands::{COMMAND_NAMES, CommandLine, parse_command};

/// Applies one action.
pub fn update(model: &mut Model, action: Action) -> Vec<Effect> {
    let mut effects = match action {
        Action::Key(key) => keys::on_key(model, key),
        Action::Paste(text) => keys::on_paste(model, &text),
        Action::Tick(now) => {
            model.now = now;
            model.typing.retain(|typing| typing.until > now);
            retry_due(model)
        }
        other => network::on_network(model, other),
    };
    settle(model, &mut effects);
    effects
}

/// Fetches what the screen needs now and moves the read marker of the channel being read.
fn settle(model: &mut Model, effects: &mut Vec<Effect>) {
    if model.screen != Screen::Main {
        return;
    }
    if model.place == Place::Forum {
        forum::settle(model, effects);
        return;
    }
    if let Some(channel_id) = model.selected.clone() {
        let timeline = model.timelines.entry(channel_id.clone()).or_default();
        if timeline.retry_at.is_some() {
            // A failed page waits for its retry time (see `retry_due`).
        } else if timeline.loaded == Loaded::Nothing {
            timeline.loaded = Loaded::Loading;
            effects.push(Effect::LoadHistory {
                channel_id: channel_id.clone(),
                before: None,
            });
        } else if timeline.wants_older()
            && let Some(oldest) = timeline.oldest().map(|oldest| oldest.id.clone())
        {
            timeline.loading_older = true;
            effects.push(Effect::LoadHistory {
                channel_id: channel_id.clone(),
                before: Some(oldest),
            });
        }
        mark_read(model, &channel_id, effects);
    }
    ask_for_people(model, effects);
}

/// How long a failed fetch waits before it is asked for again.
const RETRY_AFTER: Duration = Duration::seconds(3);

/// Failed fetches whose wait is over: the channel list again, and pages (which `settle` then
/// asks for as it would have).
fn retry_due(model: &mut Model) -> Vec<Effect> {
    let now = model.now;
    for timeline in model.timelines.values_mut() {
        if timeline.retry_at.is_some_and(|at| at <= now) {
            timeline.retry_at = None;
        }
    }
    if model.channels_retry_at.is_some_and(|at| at <= now) {
        model.channels_retry_at = None;
        return vec![Effect::LoadChannels];
    }
    Vec::new()
}

/// At the bottom of a channel, everything in it is read: tell the server once per new message.
fn mark_read(model: &mut Model, channel_id: &hub_core::model::ChannelId, effects: &mut Vec<Effect>) {
    let Some(timeline) = model.timelines.get(channel_id) else {
        return;
    };
    if timeline.scroll != 0
        || timeline.loaded != Loaded::Ready
        || model.focus == Focus::Thread && model.thread.is_none()
    {
        return;
    }
    let Some(newest) = timeline.newest() else {
        return;
    };
    if model.read_sent.get(channel_id) == Some(&newest.id) {
        return;
    }
    let message_id = newest.id.clone();
    model.read_sent.insert(channel_id.clone(), message_id.clone());
    if let Some(entry) = model.channel_mut(channel_id) {
        entry.unread = 0;
        entry.mentions = 0;
    }
    effects.push(Effect::MarkRead {
        channel_id: channel_id.clone(),
        message_id,
    });
}

/// Authors on screen whose names the client does not know yet.
fn ask_for_people(model: &mut Model, effects: &mut Vec<Effect>) {
    let mut wanted = Vec::new();
    let on_screen = model
        .timeline()
        .into_iter()
        .flat_map(|timeline| timeline.messages.iter().rev().take(200))
        .chain(
            model
                .thread
                .iter()
                .flat_map(|thread| std::iter::once(&thread.parent).chain(&thread.replies)),
        );
    for message in on_screen {
        if let Some(author) = &message.author_id
            && !model.people.contains_key(author)
            && !model.people_asked.contains(author)
            && !wanted.contains(author)
        {
            wanted.push(author.clone());
        }
    }
    for user in wanted {
        model.people_asked.insert(user.clone());
        effects.push(Effect::LoadPerson(user));
    }
}

/// Shows a line in the status bar.
fn say(model: &mut Model, text: impl Into<String>) {
    model.notice = Some(Notice {
        text: text.into(),
        error: false,
    });
}

/// Shows a failure in the status bar.
fn complain(model: &mut Model, text: impl Into<String>) {
    model.notice = Some(Notice {
        text: text.into(),
        error: true,
    });
}

/// How long "is typing" shows after a `typing` frame when the server does not say.
const TYPING_SHOWN: Duration = Duration::seconds(6);
/// The user's own typing is announced at most this often.
const TYPING_EVERY: Duration = Duration::seconds(3);
