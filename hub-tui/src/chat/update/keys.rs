//! Key presses: the login form, then any overlay, then the keymap of the current mode; what the
//! keymap does not bind types text in insert and command modes.

use super::commands::run_line;
use super::compose::{complete_word, on_selected, open_thread, send};
use super::{TYPING_EVERY, complain, say};
use crate::chat::action::Effect;
use crate::chat::keymap::{Command, Lookup, Mode};
use crate::chat::model::{Composer, Confirm, Focus, Model, Overlay, Picker, Place, Screen, Switcher};
use crate::key::Key;

/// How far PgUp and PgDn move, in messages.
const PAGE: usize = 10;

pub(super) fn on_key(model: &mut Model, key: Key) -> Vec<Effect> {
    if matches!(model.screen, Screen::Login(_)) {
        return login_key(model, key);
    }
    if let Some(overlay) = model.overlay.take() {
        return super::overlays::overlay_key(model, overlay, key);
    }
    model.pending_keys.push(key);
    let keys = model.pending_keys.clone();
    match model.keymap.lookup(model.key_mode(), &keys) {
        Lookup::Command(command) => {
            model.pending_keys.clear();
            run(model, command)
        }
        Lookup::Prefix => Vec::new(),
        Lookup::Unbound => {
            model.pending_keys.clear();
            // A sequence that went nowhere: its last key may still mean something alone.
            if keys.len() > 1 {
                return on_key(model, key);
            }
            type_key(model, key)
        }
    }
}

pub(super) fn on_paste(model: &mut Model, text: &str) -> Vec<Effect> {
    match (&mut model.screen, model.mode) {
        (Screen::Login(form), _) => form.focused().insert_str(text.trim_end_matches('\n')),
        (Screen::Main, Mode::Insert) => active_composer(model).insert_str(text),
        (Screen::Main, Mode::Command) => model.command_line.insert_str(&text.replace('\n', " ")),
        _ => {}
    }
    Vec::new()
}

/// The composer keys go to: the thread's when it has the focus.
pub(super) fn active_composer(model: &mut Model) -> &mut Composer {
    if model.place == Place::Forum {
        return match &mut model.forum.open {
            Some(pane) => &mut pane.composer,
            None => &mut model.forum.composer,
        };
    }
    match (&mut model.thread, model.focus) {
        (Some(thread), Focus::Thread) => &mut thread.composer,
        _ => &mut model.composer,
    }
}

/// Unbound keys: text in insert and command modes, nothing elsewhere.
fn type_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let composer = match model.mode {
        Mode::Insert => active_composer(model),
        Mode::Command => &mut model.command_line,
        Mode::Normal | Mode::Select | Mode::Forum | Mode::Post => return Vec::new(),
    };
    if !edit_text(composer, key) {
        return Vec::new();
    }
    if model.mode == Mode::Insert && matches!(key, Key::Char(_)) {
        return announce_typing(model);
    }
    Vec::new()
}

/// Text editing keys common to every text box; whether the key was one.
pub(super) fn edit_text(composer: &mut Composer, key: Key) -> bool {
    match key {
        Key::Char(c) => composer.insert(c),
        Key::Backspace => composer.backspace(),
        Key::Delete => composer.delete(),
        Key::Left => composer.left(),
        Key::Right => composer.right(),
        Key::Home | Key::Ctrl('a') => composer.home(),
        Key::End | Key::Ctrl('e') => composer.end(),
        Key::Ctrl('u') => {
            composer.take();
        }
        _ => return false,
    }
    true
}

fn announce_typing(model: &mut Model) -> Vec<Effect> {
    let channel_id = match (&model.thread, model.focus) {
        (Some(thread), Focus::Thread) => thread.channel_id.clone(),
        _ => match &model.selected {
            Some(id) => id.clone(),
            None => return Vec::new(),
        },
    };
    let recent = model
        .typing_sent
        .as_ref()
        .is_some_and(|(id, at)| *id == channel_id && model.now - *at < TYPING_EVERY);
    if recent {
        return Vec::new();
    }
    model.typing_sent = Some((channel_id.clone(), model.now));
    vec![Effect::Typing(channel_id)]
}

fn login_key(model: &mut Model, key: Key) -> Vec<Effect> {
    let Screen::Login(form) = &mut model.screen else {
        return Vec::new();
    };
    if form.busy {
        if matches!(key, Key::Interrupt | Key::Esc) {
            model.quit = true;
        }
        return Vec::new();
    }
    match key {
        Key::Interrupt | Key::Esc => model.quit = true,
        Key::Tab | Key::Down => form.field = (form.field + 1) % 3,
        Key::BackTab | Key::Up => form.field = (form.field + 2) % 3,
        Key::Ctrl('r') => form.register = !form.register,
        Key::Enter if form.field < 2 => form.field += 1,
        Key::Enter => {
            let server = form.server.text.trim().to_owned();
            let username = form.username.text.trim().to_owned();
            if server.is_empty() || username.is_empty() || form.password.is_empty() {
                form.error = Some("the server, a username and a password are all needed".to_owned());
                return Vec::new();
            }
            form.busy = true;
            form.error = None;
            return vec![Effect::SignIn {
                server,
                username,
                password: form.password.text.clone(),
                register: form.register,
            }];
        }
        other => {
            edit_text(form.focused(), other);
        }
    }
    Vec::new()
}

/// Quits, or first asks when messages are still waiting to be sent (the outbox is not kept
/// after the client ends).
pub(super) fn ask_to_quit(model: &mut Model) {
    match model.outbox.pending_count() {
        0 => model.quit = true,
        waiting => model.overlay = Some(Overlay::Confirm(Confirm::Quit(waiting))),
    }
}

/// Shows a channel (the "new messages" line goes above what is unread in it).
pub(super) fn open_channel(model: &mut Model, id: hub_core::model::ChannelId) {
    let unread = model
        .channels
        .iter()
        .find(|entry| entry.id == id)
        .map_or(0, |entry| entry.unread);
    if let Some(timeline) = model.timelines.get_mut(&id) {
        timeline.scroll = 0;
        timeline.selected = None;
        if unread > 0 {
            timeline.place_read_marker(unread);
        }
    }
    model.selected = Some(id);
    model.focus = Focus::Channel;
    if model.mode == Mode::Select {
        model.mode = Mode::Normal;
    }
}

pub(super) fn step_channel(model: &mut Model, by: isize) {
    if model.channels.is_empty() {
        return;
    }
    let count = model.channels.len();
    let at = model
        .selected
        .as_ref()
        .and_then(|id| model.channels.iter().position(|entry| &entry.id == id))
        .unwrap_or(0);
    let next = (at as isize + by).rem_euclid(count as isize) as usize;
    let id = model.channels[next].id.clone();
    open_channel(model, id);
}

/// The next (or previous) channel with unreads, those that mention the user first.
fn step_unread(model: &mut Model, forward: bool) {
    let count = model.channels.len();
    let at = model
        .selected
        .as_ref()
        .and_then(|id| model.channels.iter().position(|entry| &entry.id == id))
        .unwrap_or(0);
    let order: Vec<usize> = (1..=count)
        .map(|step| {
            if forward {
                (at + step) % count
            } else {
                (at + count * 2 - step) % count
            }
        })
        .collect();
    let pick = order
        .iter()
        .find(|&&i| model.channels[i].mentions > 0)
        .or_else(|| order.iter().find(|&&i| model.channels[i].unread > 0))
        .copied();
    match pick {
        Some(i) => {
            let id = model.channels[i].id.clone();
            open_channel(model, id);
        }
        None => say(model, "nothing unread"),
    }
}

pub(super) fn run(model: &mut Model, command: Command) -> Vec<Effect> {
    if let Some(effects) = super::forum::run(model, command) {
        return effects;
    }
    match command {
        Command::Quit => ask_to_quit(model),
        Command::Help => model.overlay = Some(Overlay::Help),
        Command::Mentions => {
            model.overlay = Some(Overlay::Mentions(Picker::loading()));
            return vec![Effect::LoadMentions];
        }
        Command::Moderate => {
            if model.me.as_ref().is_some_and(|me| me.is_admin) {
                return vec![Effect::Moderate];
            }
            complain(model, "moderation is for site admins");
        }
        Command::Search => complain(
            model,
            "search is not available yet: the server has no search to ask (Ctrl-K finds channels and people)",
        ),
        Command::Switcher => model.overlay = Some(Overlay::Switcher(Switcher::default())),
        Command::Sidebar => model.overlay = Some(Overlay::Sidebar),
        Command::CommandLine => {
            model.mode = Mode::Command;
            model.command_line = Composer::default();
        }
        Command::Compose => {
            if model.selected.is_none() && model.focus == Focus::Channel {
                complain(model, "no channel is open: :join #name, or Ctrl-K");
            } else {
                model.mode = Mode::Insert;
            }
        }
        Command::Up => move_in_view(model, 1),
        Command::Down => move_in_view(model, -1),
        Command::PageUp => move_in_view(model, PAGE as isize),
        Command::PageDown => move_in_view(model, -(PAGE as isize)),
        Command::Top => {
            if let Some(timeline) = model.timeline_mut() {
                timeline.go_to_top();
            }
        }
        Command::Bottom => {
            if let Some(timeline) = model.timeline_mut() {
                timeline.go_to_bottom();
            }
        }
        Command::NextChannel => step_channel(model, 1),
        Command::PreviousChannel => step_channel(model, -1),
        Command::NextUnread => step_unread(model, true),
        Command::PreviousUnread => step_unread(model, false),
        Command::Select => {
            if let Some(timeline) = model.timeline_mut()
                && !timeline.messages.is_empty()
            {
                let skipped = timeline.scroll;
                let at = timeline.messages.len() - 1 - skipped;
                timeline.selected = Some(timeline.messages[at].id.clone());
                model.mode = Mode::Select;
                model.focus = Focus::Channel;
            }
        }
        Command::Thread => {
            if model.thread.is_some() {
                model.focus = if model.focus == Focus::Thread {
                    Focus::Channel
                } else {
                    Focus::Thread
                };
            } else if let Some(timeline) = model.timeline() {
                let newest = timeline
                    .messages
                    .iter()
                    .rev()
                    .find(|message| message.reply_count > 0)
                    .or(timeline.messages.last())
                    .map(|message| message.id.clone());
                if let Some(id) = newest {
                    return open_thread(model, &id);
                }
            }
        }
        Command::CloseThread => {
            model.thread = None;
            model.focus = Focus::Channel;
        }
        Command::Back => {
            if model.mode == Mode::Select
                && let Some(timeline) = model.timeline_mut()
            {
                timeline.selected = None;
            }
            model.mode = Mode::Normal;
        }
        Command::Send => return send(model),
        Command::NewLine => active_composer(model).insert('\n'),
        Command::Editor => return vec![Effect::OpenEditor(active_composer(model).text.clone())],
        Command::Complete => complete_word(model),
        Command::EditLast => {
            if !active_composer(model).is_empty() {
                return Vec::new();
            }
            let me = model.me.as_ref().map(|me| me.id.clone());
            let last = model.timeline().and_then(|timeline| {
                timeline
                    .messages
                    .iter()
                    .rev()
                    .find(|message| message.author_id == me && !message.deleted)
                    .cloned()
            });
            match last {
                Some(message) => {
                    model.composer = Composer::with_text(message.content);
                    model.editing = Some(message.id);
                    model.focus = Focus::Channel;
                }
                None => say(model, "nothing of yours to edit here"),
            }
        }
        Command::Run => {
            let line = model.command_line.take();
            model.mode = Mode::Normal;
            return run_line(model, &line);
        }
        Command::Reply
        | Command::Edit
        | Command::Delete
        | Command::Yank
        | Command::React
        | Command::OpenThread
        | Command::OpenLink
        | Command::Report => return on_selected(model, command),
        // Only the forum's: `forum::run` took them when the forum is on screen.
        Command::Forum
        | Command::Sort
        | Command::OpenPost
        | Command::VoteUp
        | Command::VoteDown
        | Command::Comment
        | Command::Collapse
        | Command::WritePost
        | Command::Refresh => {}
    }
    Vec::new()
}

/// Up (positive) or down in the focused view: scrolling, or the selection in select mode.
fn move_in_view(model: &mut Model, by: isize) {
    let selecting = model.mode == Mode::Select;
    if let Some(timeline) = model.timeline_mut() {
        if selecting {
            timeline.move_selection(-by);
        } else if by > 0 {
            timeline.scroll_up(by.unsigned_abs());
        } else {
            timeline.scroll_down(by.unsigned_abs());
        }
    }
}
