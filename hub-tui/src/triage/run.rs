//! The triage loop: key presses, news from the network and a clock tick become [`Action`]s; the
//! effects `update` asks for run as tasks that answer with more actions. Drawing never waits:
//! the network lives in those tasks and in the gateway task that brings `report.created`.

use std::time::Duration;

use chrono::Utc;
use crossterm::event::{Event, EventStream};
use futures_util::StreamExt as _;
use hub_core::client::{Client, ClientError, PageParams, ReportFilter, SessionEvent, SessionOptions};
use hub_core::model::{ReportAction, ReportStatus};
use hub_core::protocol::v1::{ControlFrame, DismissReportRequest, ResolveReportRequest, ServerFrame};
use ratatui::DefaultTerminal;
use tokio::sync::{mpsc, watch};

use super::model::{Choice, Decision, ItemState, Live, Triage};
use super::update::{Action, Effect, update};
use super::view::draw;
use crate::terminal::key_from;
use crate::theme::Theme;

/// How the sitting ended, for the summary printed afterwards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Decisions the server carried out, as the screen named them.
    pub done: Vec<String>,
    /// Reports left open.
    pub open: usize,
    /// Decisions the server refused.
    pub failed: usize,
}

/// Runs the triage screen on `terminal` until the moderator leaves. `tokens`, when given,
/// brings fresh access tokens through a long sitting (see `profiles::renewing`): the REST calls
/// and the live feed then outlive the first one.
pub async fn run(
    client: Client,
    terminal: &mut DefaultTerminal,
    theme: Theme,
    tokens: Option<watch::Receiver<String>>,
) -> anyhow::Result<Summary> {
    let (actions_tx, mut actions) = mpsc::unbounded_channel();
    let mut model = Triage::new(Utc::now());
    let mut client = client;
    let mut tokens = tokens;
    tokio::spawn(load_queue(client.clone(), actions_tx.clone()));
    let gateway = tokio::spawn(follow_new_reports(client.clone(), actions_tx.clone(), tokens.clone()));
    let mut keys = EventStream::new();
    let mut clock = tokio::time::interval(Duration::from_secs(30));
    loop {
        terminal.draw(|frame| draw(frame, &model, &theme))?;
        if model.quitting && model.sending_count() == 0 {
            break;
        }
        let action = tokio::select! {
            event = keys.next() => match event {
                Some(Ok(Event::Key(key))) => match key_from(&key) {
                    Some(key) => Action::Key(key),
                    None => continue,
                },
                // A resize (or anything else) only needs the redraw at the top of the loop.
                Some(Ok(_)) => continue,
                Some(Err(err)) => return Err(err.into()),
                None => break,
            },
            Some(action) = actions.recv() => action,
            _ = clock.tick() => Action::Tick(Utc::now()),
            Some(token) = next_token(&mut tokens) => {
                client.set_token(Some(token));
                continue;
            }
        };
        for effect in update(&mut model, action) {
            tokio::spawn(carry_out(client.clone(), effect, actions_tx.clone()));
        }
    }
    gateway.abort();
    Ok(summary(&model))
}

fn summary(model: &Triage) -> Summary {
    let mut summary = Summary::default();
    for item in &model.items {
        match &item.state {
            ItemState::Done(decision) => summary.done.push(decision.choice.past_tense()),
            ItemState::Failed { .. } => summary.failed += 1,
            ItemState::Open | ItemState::Staged(_) => summary.open += 1,
            ItemState::Sending(_) | ItemState::HandledElsewhere => {}
        }
    }
    summary
}

/// The whole open queue, page by page.
async fn load_queue(client: Client, actions: mpsc::UnboundedSender<Action>) {
    let filter = ReportFilter {
        status: Some(ReportStatus::Open),
        ..ReportFilter::default()
    };
    let mut page = PageParams::first(100);
    let mut reports = Vec::new();
    loop {
        match client.report_queue(&filter, &page).await {
            Ok(found) => {
                reports.extend(found.items);
                match found.next_cursor {
                    Some(cursor) => page = PageParams::after(cursor),
                    None => break,
                }
            }
            Err(err) => {
                let _ = actions.send(Action::QueueFailed(err.to_string()));
                return;
            }
        }
    }
    let _ = actions.send(Action::QueueLoaded(reports));
}

/// The next fresh token from `tokens`; never, without a feed or once it closes.
async fn next_token(tokens: &mut Option<watch::Receiver<String>>) -> Option<String> {
    match tokens {
        Some(feed) => match feed.changed().await {
            Ok(()) => Some(feed.borrow_and_update().clone()),
            Err(_) => {
                *tokens = None;
                std::future::pending().await
            }
        },
        None => std::future::pending().await,
    }
}

/// New reports over the gateway (`report.created`, sent to connected site admins).
async fn follow_new_reports(
    mut client: Client,
    actions: mpsc::UnboundedSender<Action>,
    mut tokens: Option<watch::Receiver<String>>,
) {
    let mut session = match client.connect_session(SessionOptions::default()).await {
        Ok(session) => session,
        Err(_) => {
            let _ = actions.send(Action::Connection(Live::Off));
            return;
        }
    };
    let _ = actions.send(Action::Connection(Live::Live));
    loop {
        let event = tokio::select! {
            event = session.next() => match event {
                Some(event) => event,
                None => break,
            },
            Some(token) = next_token(&mut tokens) => {
                session.set_token(&token);
                client.set_token(Some(token));
                continue;
            }
        };
        let action = match event {
            SessionEvent::Frame(ServerFrame::Control(ControlFrame::ReportCreated { report_id, .. })) => {
                match client.report_detail(&report_id).await {
                    Ok(detail) => Action::ReportArrived(Box::new(detail)),
                    Err(err) => Action::DetailFailed {
                        id: report_id,
                        error: err.to_string(),
                    },
                }
            }
            SessionEvent::Disconnected { .. } => Action::Connection(Live::Reconnecting),
            SessionEvent::Reconnected { .. } => Action::Connection(Live::Live),
            SessionEvent::Closed { .. } => Action::Connection(Live::Off),
            _ => continue,
        };
        if actions.send(action).is_err() {
            return;
        }
    }
}

async fn carry_out(client: Client, effect: Effect, actions: mpsc::UnboundedSender<Action>) {
    let action = match effect {
        Effect::LoadDetail(id) => match client.report_detail(&id).await {
            Ok(detail) => Action::DetailLoaded(Box::new(detail)),
            Err(err) => Action::DetailFailed {
                id,
                error: err.to_string(),
            },
        },
        Effect::Send { id, decision } => match send(&client, &id, decision).await {
            Ok(()) => Action::Sent(id),
            Err(err) => Action::SendFailed {
                handled_elsewhere: matches!(&err, ClientError::Api { status, .. } if status.as_u16() == 409),
                error: err.to_string(),
                id,
            },
        },
    };
    let _ = actions.send(action);
}

async fn send(client: &Client, id: &hub_core::model::ReportId, decision: Decision) -> Result<(), ClientError> {
    let (action, duration) = match decision.choice {
        Choice::Dismiss => {
            let request = DismissReportRequest { note: decision.reason };
            return client.dismiss_report(id, &request).await.map(drop);
        }
        Choice::Resolve => (ReportAction::None, None),
        Choice::DeleteContent => (ReportAction::DeleteContent, None),
        Choice::Suspend { period } => (ReportAction::Suspend, Some(period)),
        Choice::Ban => (ReportAction::Ban, None),
    };
    let request = ResolveReportRequest {
        action,
        duration,
        note: decision.reason,
        resolve_same_target: None,
    };
    client.resolve_report(id, &request).await.map(drop)
}
