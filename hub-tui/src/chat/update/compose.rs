//! What acts on a message or a composer: select-mode commands, threads, completion, sending.

use hub_core::model::{ClientId, ReportTarget};

use super::commands::run_line;
use super::keys::active_composer;
use super::{complain, say};
use crate::chat::action::Effect;
use crate::chat::complete::complete;
use crate::chat::keymap::{Command, Mode};
use crate::chat::model::{
    Composer, Confirm, Connection, Focus, Model, OutState, Outgoing, Overlay, Prompt, PromptKind, ThreadPane,
};

pub(super) fn open_thread(model: &mut Model, id: &hub_core::model::MessageId) -> Vec<Effect> {
    let Some((channel_id, parent)) = model
        .selected
        .clone()
        .and_then(|channel_id| Some((channel_id, model.timeline()?.get(id)?.clone())))
    else {
        return Vec::new();
    };
    model.thread = Some(ThreadPane {
        channel_id,
        parent,
        replies: Vec::new(),
        loaded: false,
        composer: Composer::default(),
    });
    model.focus = Focus::Thread;
    vec![Effect::LoadThread(id.clone())]
}

pub(super) fn on_selected(model: &mut Model, command: Command) -> Vec<Effect> {
    let Some(message) = model
        .timeline()
        .and_then(|timeline| timeline.get(timeline.selected.as_ref()?))
        .cloned()
    else {
        model.mode = Mode::Normal;
        return Vec::new();
    };
    let mine = model
        .me
        .as_ref()
        .is_some_and(|me| message.author_id.as_ref() == Some(&me.id));
    model.mode = Mode::Normal;
    if let Some(timeline) = model.timeline_mut() {
        timeline.selected = None;
    }
    match command {
        Command::Reply => {
            let effects = open_thread(model, &message.id);
            model.mode = Mode::Insert;
            effects
        }
        Command::OpenThread => open_thread(model, &message.id),
        Command::Edit if !mine => {
            complain(model, "only your own messages can be edited");
            Vec::new()
        }
        Command::Edit => {
            model.composer = Composer::with_text(message.content);
            model.editing = Some(message.id);
            model.focus = Focus::Channel;
            model.mode = Mode::Insert;
            Vec::new()
        }
        Command::Delete => {
            model.overlay = Some(Overlay::Confirm(Confirm::DeleteMessage(message.id)));
            Vec::new()
        }
        Command::Yank => {
            say(model, "copied");
            vec![Effect::Yank(message.content)]
        }
        Command::React => {
            model.overlay = Some(Overlay::Prompt(Prompt {
                kind: PromptKind::React(message.id),
                question: "React with (an emoji, or a name like :+1: or tada)".to_owned(),
                answer: Composer::default(),
            }));
            Vec::new()
        }
        Command::OpenLink => match first_link(&message.content) {
            Some(link) => vec![Effect::OpenLink(link)],
            None => {
                say(model, "no link in that message");
                Vec::new()
            }
        },
        Command::Report => {
            model.overlay = Some(Overlay::Prompt(Prompt {
                kind: PromptKind::Report {
                    target_type: ReportTarget::Message,
                    target_id: message.id.to_string(),
                },
                question: "Why report this message? (spam, harassment, … and your words)".to_owned(),
                answer: Composer::default(),
            }));
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The first `http(s)://` link in a text.
pub(crate) fn first_link(text: &str) -> Option<String> {
    text.split_whitespace()
        .find(|word| word.starts_with("https://") || word.starts_with("http://"))
        .map(|word| word.trim_end_matches(|c: char| ",.;:!?)>\"'".contains(c)).to_owned())
}

pub(super) fn complete_word(model: &mut Model) {
    let command_line = model.mode == Mode::Command;
    let composer = if command_line {
        model.command_line.clone()
    } else {
        active_composer(model).clone()
    };
    let (start, word) = composer.word_before_cursor();
    let first_word = composer.text[..start].trim().is_empty();
    let Some(completed) = complete(model, word, first_word, command_line) else {
        return;
    };
    let target = if command_line {
        &mut model.command_line
    } else {
        active_composer(model)
    };
    target.replace_before_cursor(start, &completed);
}

pub(super) fn send(model: &mut Model) -> Vec<Effect> {
    if model.place == crate::chat::model::Place::Forum {
        return super::forum::send(model);
    }
    let in_thread = model.focus == Focus::Thread && model.thread.is_some();
    let text = active_composer(model).take();
    if text.trim().is_empty() {
        model.editing = None;
        return Vec::new();
    }
    // `/join #dev` in a composer is a command; `//` starts a message with a slash.
    if let Some(line) = text.strip_prefix('/')
        && !line.starts_with('/')
    {
        model.mode = Mode::Normal;
        return run_line(model, line);
    }
    let text = text.strip_prefix('/').map_or(text.clone(), |rest| rest.to_owned());
    if !in_thread && let Some(message_id) = model.editing.take() {
        return vec![Effect::Edit {
            message_id,
            content: text,
        }];
    }
    let (channel_id, parent_id) = match (&model.thread, in_thread) {
        (Some(thread), true) => (thread.channel_id.clone(), Some(thread.parent.id.clone())),
        _ => match &model.selected {
            Some(id) => (id.clone(), None),
            None => return Vec::new(),
        },
    };
    model.outbox.sequence += 1;
    let outgoing = Outgoing {
        client_id: ClientId::from(format!("{}-{}", model.outbox.tag, model.outbox.sequence)),
        channel_id,
        parent_id,
        content: text,
        written_at: model.now,
        state: OutState::Pending,
    };
    model.outbox.push(outgoing.clone());
    if let Some(timeline) = model.timeline_mut() {
        timeline.scroll = 0;
    }
    // Offline, it waits in the outbox; `Connected` sends what is pending.
    if model.connection == Connection::Connected {
        vec![Effect::Send(outgoing)]
    } else {
        Vec::new()
    }
}
