//! What happens on the triage screen: an [`Action`] (a key, or news from the network) changes the
//! [`Triage`] model and may ask for [`Effect`]s, which the loop in `run` carries out and answers
//! with more actions. Pure: no clock, no network, no terminal.

use chrono::{DateTime, Utc};
use hub_core::model::{ReportId, ReportTarget};
use hub_core::protocol::v1::{AdminReportView, ReportDetailView};

use super::keys::{Command, Key, command_for};
use super::model::{Choice, Decision, Item, ItemState, Live, Notice, Prompt, Triage};

/// The suspension period the prompt starts with.
pub const DEFAULT_SUSPENSION: &str = "7d";

/// Everything that can happen to the triage screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A key press.
    Key(Key),
    /// The open queue, oldest first.
    QueueLoaded(Vec<AdminReportView>),
    /// The queue could not be loaded.
    QueueFailed(String),
    /// A report's detail arrived.
    DetailLoaded(Box<ReportDetailView>),
    /// A report's detail could not be loaded.
    DetailFailed {
        /// Which.
        id: ReportId,
        /// Why.
        error: String,
    },
    /// A report made while the screen is open (the gateway's `report.created`, then its detail).
    ReportArrived(Box<ReportDetailView>),
    /// The server carried out a decision.
    Sent(ReportId),
    /// The server refused a decision.
    SendFailed {
        /// Which report.
        id: ReportId,
        /// What it said.
        error: String,
        /// The report was no longer open: another moderator got there first.
        handled_elsewhere: bool,
    },
    /// The gateway connection changed.
    Connection(Live),
    /// The clock moved.
    Tick(DateTime<Utc>),
}

/// What the screen asks of the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Load a report's detail.
    LoadDetail(ReportId),
    /// Carry out a decision.
    Send {
        /// The report.
        id: ReportId,
        /// What to do.
        decision: Decision,
    },
}

/// Applies one action; returns what the network should do next.
pub fn update(model: &mut Triage, action: Action) -> Vec<Effect> {
    let mut effects = Vec::new();
    match action {
        Action::Key(key) => on_key(model, key, &mut effects),
        Action::QueueLoaded(reports) => {
            for report in reports {
                if !model.items.iter().any(|item| item.id() == &report.report.id) {
                    model.items.push(Item::listed(report));
                }
            }
            model.loaded = true;
            model.position = first_open_from(model, 0).unwrap_or(model.items.len());
        }
        Action::QueueFailed(error) => {
            model.loaded = true;
            model.notice = Some(Notice::error(format!("could not load the queue: {error}")));
        }
        Action::DetailLoaded(detail) => {
            if let Some(item) = find(model, &detail.report.report.id) {
                item.summary = detail.report.clone();
                item.detail = Some(*detail);
            }
        }
        Action::DetailFailed { id, error } => {
            model.notice = Some(Notice::error(format!("could not load report {id}: {error}")));
        }
        Action::ReportArrived(detail) => {
            if !model.items.iter().any(|item| item.id() == &detail.report.report.id) {
                model.items.push(Item::detailed(*detail));
                model.notice = Some(Notice::info("a new report joined the queue"));
            }
        }
        Action::Sent(id) => {
            if let Some(item) = find(model, &id)
                && let ItemState::Sending(decision) = &item.state
            {
                item.state = ItemState::Done(decision.clone());
            }
        }
        Action::SendFailed {
            id,
            error,
            handled_elsewhere,
        } => {
            let Some(item) = find(model, &id) else {
                return effects;
            };
            let ItemState::Sending(decision) = &item.state else {
                return effects;
            };
            let decision = decision.clone();
            item.state = if handled_elsewhere {
                ItemState::HandledElsewhere
            } else {
                ItemState::Failed {
                    decision: decision.clone(),
                    error: error.clone(),
                }
            };
            model.notice = Some(if handled_elsewhere {
                Notice::info(format!("report {id} was already handled by someone else"))
            } else {
                Notice::error(format!(
                    "report {id}: could not {}: {error}; it is open again",
                    decision.choice.imperative("the author")
                ))
            });
        }
        Action::Connection(live) => model.live = live,
        Action::Tick(now) => model.now = now,
    }
    want_details(model, &mut effects);
    effects
}

fn find<'a>(model: &'a mut Triage, id: &ReportId) -> Option<&'a mut Item> {
    model.items.iter_mut().find(|item| item.id() == id)
}

fn on_key(model: &mut Triage, key: Key, effects: &mut Vec<Effect>) {
    if key == Key::Interrupt {
        // Leave now: a decision still on screen is dropped, not sent.
        if let Some(item) = model.items.get_mut(model.position)
            && matches!(item.state, ItemState::Staged(_))
        {
            item.state = ItemState::Open;
        }
        model.quitting = true;
        return;
    }
    if model.help {
        model.help = false;
        return;
    }
    match model.prompt.clone() {
        Prompt::None => {}
        Prompt::Period { text } => return on_period_key(model, key, text),
        Prompt::Reason { choice, text } => return on_reason_key(model, key, choice, text),
        Prompt::Confirm(decision) => {
            model.prompt = Prompt::None;
            if key == Key::Char('y') || key == Key::Char('Y') {
                stage(model, decision);
            } else {
                model.notice = Some(Notice::info("not done; nothing changed"));
            }
            return;
        }
    }
    let Some(command) = command_for(key) else {
        model.notice = Some(Notice::info("that key does nothing here; ? lists the keys"));
        return;
    };
    match command {
        Command::Resolve => choose(model, Choice::Resolve),
        Command::DeleteContent => choose(model, Choice::DeleteContent),
        Command::Suspend => choose(
            model,
            Choice::Suspend {
                period: DEFAULT_SUSPENSION.to_owned(),
            },
        ),
        Command::Ban => choose(model, Choice::Ban),
        Command::Dismiss => choose(model, Choice::Dismiss),
        Command::Next => {
            send_staged(model, effects);
            let from = model.position + 1;
            model.position = first_open_from(model, from).unwrap_or(model.items.len());
            model.notice = None;
        }
        Command::Previous => {
            send_staged(model, effects);
            model.position = model.position.saturating_sub(1).min(model.items.len());
            model.notice = None;
        }
        Command::Undo => match model.items.get_mut(model.position) {
            Some(item) if matches!(item.state, ItemState::Staged(_)) => {
                item.state = ItemState::Open;
                model.notice = Some(Notice::info("taken back; the report is open"));
            }
            _ => {
                model.notice = Some(Notice::info(
                    "nothing to take back here: a decision is sent once you move on",
                ));
            }
        },
        Command::Quit => {
            send_staged(model, effects);
            model.quitting = true;
        }
        Command::Help => model.help = true,
    }
}

/// Starts a decision on the report on screen: asks for what it needs.
fn choose(model: &mut Triage, choice: Choice) {
    let Some(item) = model.current() else {
        model.notice = Some(Notice::info("no report on screen"));
        return;
    };
    if !item.is_open() {
        model.notice = Some(Notice::info(
            "this report is decided; u takes back a decision still on screen",
        ));
        return;
    }
    if choice == Choice::DeleteContent && item.summary.report.target_type == ReportTarget::User {
        model.notice = Some(Notice::info(
            "a report on a person has no content to delete: s suspends, b bans",
        ));
        return;
    }
    model.notice = None;
    model.prompt = match choice {
        Choice::Suspend { period } => Prompt::Period { text: period },
        choice => Prompt::Reason {
            choice,
            text: String::new(),
        },
    };
}

fn on_period_key(model: &mut Triage, key: Key, mut text: String) {
    match key {
        Key::Esc => {
            model.prompt = Prompt::None;
            model.notice = Some(Notice::info("not done; nothing changed"));
        }
        Key::Enter => match hub_core::rules::reports::parse_duration(text.trim()) {
            Ok(_) => {
                model.notice = None;
                model.prompt = Prompt::Reason {
                    choice: Choice::Suspend {
                        period: text.trim().to_owned(),
                    },
                    text: String::new(),
                };
            }
            Err(_) => {
                model.notice = Some(Notice::error(format!(
                    "{text:?} is not a period: try 12h, 3d, 7d or 2w"
                )));
            }
        },
        Key::Backspace => {
            text.pop();
            model.prompt = Prompt::Period { text };
        }
        Key::Char(c) if c.is_ascii_alphanumeric() => {
            text.push(c);
            model.prompt = Prompt::Period { text };
        }
        _ => {}
    }
}

fn on_reason_key(model: &mut Triage, key: Key, choice: Choice, mut text: String) {
    match key {
        Key::Esc => {
            model.prompt = Prompt::None;
            model.notice = Some(Notice::info("not done; nothing changed"));
        }
        Key::Enter if text.trim().is_empty() => {
            model.notice = Some(Notice::error("a reason is needed: it goes in the audit log"));
        }
        Key::Enter => {
            let decision = Decision {
                choice,
                reason: text.trim().to_owned(),
            };
            model.notice = None;
            if decision.choice.is_destructive() {
                model.prompt = Prompt::Confirm(decision);
            } else {
                model.prompt = Prompt::None;
                stage(model, decision);
            }
        }
        Key::Backspace => {
            text.pop();
            model.prompt = Prompt::Reason { choice, text };
        }
        Key::Char(c) => {
            text.push(c);
            model.prompt = Prompt::Reason { choice, text };
        }
        _ => {}
    }
}

/// Marks the report on screen decided; it is sent when the moderator moves on.
fn stage(model: &mut Triage, decision: Decision) {
    if let Some(item) = model.items.get_mut(model.position) {
        model.notice = Some(Notice::info(format!(
            "{}. n next · u undo",
            capitalised(&decision.choice.past_tense())
        )));
        item.state = ItemState::Staged(decision);
    }
}

fn send_staged(model: &mut Triage, effects: &mut Vec<Effect>) {
    if let Some(item) = model.items.get_mut(model.position)
        && let ItemState::Staged(decision) = &item.state
    {
        effects.push(Effect::Send {
            id: item.id().clone(),
            decision: decision.clone(),
        });
        item.state = ItemState::Sending(decision.clone());
    }
}

/// The first open report at or after `from`, wrapping round to the skipped ones.
fn first_open_from(model: &Triage, from: usize) -> Option<usize> {
    let count = model.items.len();
    (0..count)
        .map(|offset| (from + offset) % count)
        .find(|&index| model.items[index].is_open())
}

/// Asks for the detail of the report on screen and of the next one, once each.
fn want_details(model: &mut Triage, effects: &mut Vec<Effect>) {
    let next = first_open_from(model, model.position + 1);
    for index in [Some(model.position), next].into_iter().flatten() {
        if let Some(item) = model.items.get_mut(index)
            && item.detail.is_none()
            && !item.detail_requested
        {
            item.detail_requested = true;
            effects.push(Effect::LoadDetail(item.id().clone()));
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
