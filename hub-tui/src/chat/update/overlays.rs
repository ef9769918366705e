//! Keys while something is drawn over the screen: help, the sidebar, the mentions and channel
//! lists, a yes/no question, a prompt, the Ctrl-K switcher.

use hub_core::model::ReportReason;

use super::keys::{edit_text, open_channel, run, step_channel};
use super::say;
use crate::chat::action::Effect;
use crate::chat::complete::emoji_named;
use crate::chat::keymap::Mode;
use crate::chat::model::{Composer, Confirm, Model, Overlay, Place, Prompt, PromptKind};
use crate::chat::switcher::{Target, entries};
use crate::key::Key;

/// One row up or down in a list overlay (j/k or the arrows).
fn list_step(key: Key) -> Option<isize> {
    match key {
        Key::Char('j') | Key::Down => Some(1),
        Key::Char('k') | Key::Up => Some(-1),
        _ => None,
    }
}

pub(super) fn overlay_key(model: &mut Model, overlay: Overlay, key: Key) -> Vec<Effect> {
    match overlay {
        // Any key closes help and the sidebar overlay (Ctrl-C still quits).
        Overlay::Help | Overlay::Sidebar => {
            if key == Key::Interrupt {
                model.quit = true;
            }
            if let (Overlay::Sidebar, Some(by)) = (&overlay, list_step(key)) {
                step_channel(model, by);
                model.overlay = Some(Overlay::Sidebar);
            }
            Vec::new()
        }
        Overlay::Mentions(mut picker) => match key {
            _ if let Some(by) = list_step(key) => {
                picker.step(by);
                model.overlay = Some(Overlay::Mentions(picker));
                Vec::new()
            }
            Key::Enter => {
                if let Some(mention) = picker.current() {
                    let channel_id = mention.message.channel_id.clone();
                    if model.channels.iter().any(|entry| entry.id == channel_id) {
                        model.place = Place::Chat;
                        open_channel(model, channel_id);
                    }
                }
                Vec::new()
            }
            Key::Interrupt => {
                model.quit = true;
                Vec::new()
            }
            _ => Vec::new(),
        },
        Overlay::Browse(mut picker) => match key {
            _ if let Some(by) = list_step(key) => {
                picker.step(by);
                model.overlay = Some(Overlay::Browse(picker));
                Vec::new()
            }
            Key::Enter => match picker.current() {
                Some(channel) if model.channels.iter().any(|entry| entry.id == channel.id) => {
                    model.place = Place::Chat;
                    open_channel(model, channel.id.clone());
                    Vec::new()
                }
                Some(channel) => {
                    say(model, format!("joining #{}…", channel.name));
                    vec![Effect::JoinId(channel.id.clone())]
                }
                None => Vec::new(),
            },
            Key::Interrupt => {
                model.quit = true;
                Vec::new()
            }
            _ => Vec::new(),
        },
        Overlay::Confirm(confirm) => {
            // Ctrl-C again leaves even with messages unsent: the way out that always works.
            let yes = matches!(key, Key::Char('y') | Key::Char('Y'))
                || (key == Key::Interrupt && matches!(confirm, Confirm::Quit(_)));
            if !yes {
                say(model, "cancelled");
                return Vec::new();
            }
            match confirm {
                Confirm::DeleteMessage(message_id) => vec![Effect::Delete(message_id)],
                Confirm::Leave(channel_id) => vec![Effect::Leave(channel_id)],
                Confirm::Quit(_) => {
                    model.quit = true;
                    Vec::new()
                }
            }
        }
        Overlay::Prompt(mut prompt) => match key {
            Key::Esc | Key::Interrupt => Vec::new(),
            Key::Enter => answer(model, prompt),
            other => {
                edit_text(&mut prompt.answer, other);
                model.overlay = Some(Overlay::Prompt(prompt));
                Vec::new()
            }
        },
        Overlay::Switcher(mut switcher) => match key {
            Key::Esc | Key::Interrupt => Vec::new(),
            Key::Down | Key::Tab | Key::Ctrl('n') | Key::Ctrl('j') => {
                switcher.selected += 1;
                model.overlay = Some(Overlay::Switcher(switcher));
                Vec::new()
            }
            Key::Up | Key::BackTab | Key::Ctrl('p') => {
                switcher.selected = switcher.selected.saturating_sub(1);
                model.overlay = Some(Overlay::Switcher(switcher));
                Vec::new()
            }
            Key::Enter => {
                let found = entries(model, &switcher.query.text);
                match found.get(switcher.selected.min(found.len().saturating_sub(1))) {
                    Some(entry) => go_to(model, entry.target.clone()),
                    None => Vec::new(),
                }
            }
            other => {
                edit_text(&mut switcher.query, other);
                switcher.selected = 0;
                model.overlay = Some(Overlay::Switcher(switcher));
                Vec::new()
            }
        },
    }
}

fn go_to(model: &mut Model, target: Target) -> Vec<Effect> {
    match target {
        Target::Channel(id) => {
            open_channel(model, id);
            Vec::new()
        }
        Target::Person(username) => {
            let existing = model
                .channels
                .iter()
                .find(|entry| entry.is_direct() && entry.name == username)
                .map(|entry| entry.id.clone());
            match existing {
                Some(id) => {
                    open_channel(model, id);
                    Vec::new()
                }
                None => vec![Effect::OpenDm(username)],
            }
        }
        Target::Command(command) => run(model, command),
        Target::Line(name) => {
            model.mode = Mode::Command;
            model.command_line = Composer::with_text(format!("{name} "));
            Vec::new()
        }
    }
}

fn answer(model: &mut Model, prompt: Prompt) -> Vec<Effect> {
    let text = prompt.answer.text.trim().to_owned();
    if text.is_empty() {
        say(model, "cancelled");
        return Vec::new();
    }
    match prompt.kind {
        PromptKind::PostTitle => {
            super::forum::titled(model, text);
            Vec::new()
        }
        PromptKind::React(message_id) => {
            let emoji = emoji_named(&text).map_or(text.clone(), str::to_owned);
            vec![Effect::React { message_id, emoji }]
        }
        PromptKind::Report { target_type, target_id } => {
            let first = text.split_whitespace().next().unwrap_or_default().to_lowercase();
            let reason = first.parse::<ReportReason>().unwrap_or(ReportReason::Other);
            vec![Effect::Report {
                target_type,
                target_id,
                reason,
                details: text,
            }]
        }
    }
}
