//! Drawing: reads the model, never changes it, never waits. One file per pane or screen:
//! `messages` (a timeline or thread), `sidebar`, `overlay` (help, switcher, questions), `login`.

mod forum;
mod login;
mod messages;
mod overlay;
mod sidebar;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::keymap::{Mode, hints};
use super::model::{Composer, Connection, Focus, Model, Place, Screen};
use crate::theme::Theme;

pub use messages::wrap;

/// Below this width the sidebar folds away (Tab shows it over the messages).
pub const NARROW: u16 = 90;
/// The sidebar's width.
const SIDEBAR_WIDTH: u16 = 20;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, model: &Model, theme: &Theme) {
    let area = frame.area();
    if let Screen::Login(form) = &model.screen {
        login::draw(frame, area, form, theme);
        return;
    }
    let [title, body, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(3), Constraint::Length(1)]).areas(area);
    frame.render_widget(Paragraph::new(title_line(model, theme, title.width)), title);
    let narrow = area.width < NARROW;
    let main = if narrow {
        body
    } else {
        let [side, rest] = Layout::horizontal([Constraint::Length(SIDEBAR_WIDTH), Constraint::Min(20)]).areas(body);
        sidebar::draw(frame, side, model, theme);
        rest
    };
    match &model.thread {
        _ if model.place == Place::Forum => forum::draw(frame, main, model, theme),
        Some(_) if narrow && model.focus == Focus::Thread => draw_thread(frame, main, model, theme),
        Some(_) if !narrow => {
            let [channel, thread] =
                Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(main);
            draw_channel(frame, channel, model, theme);
            draw_thread(frame, thread, model, theme);
        }
        _ => draw_channel(frame, main, model, theme),
    }
    frame.render_widget(Paragraph::new(status_line(model, theme, status.width)), status);
    overlay::draw(frame, area, body, model, theme);
}

fn title_line(model: &Model, theme: &Theme, width: u16) -> Line<'static> {
    let who = model
        .me
        .as_ref()
        .map_or_else(String::new, |me| format!("{}@{}", me.username, host_of(&model.server)));
    let left = format!(" hub ─ {who} ");
    let (state, style) = match &model.connection {
        Connection::Connecting => ("○ connecting".to_owned(), theme.warning()),
        Connection::Connected => ("● connected".to_owned(), theme.done()),
        Connection::Reconnecting { attempt } => (format!("○ reconnecting (try {attempt})"), theme.warning()),
        Connection::Offline(_) => ("○ offline".to_owned(), theme.error()),
    };
    let reports = match model.open_reports {
        Some(count) if count > 0 => format!("⚑ {count} open reports  "),
        _ => String::new(),
    };
    let used = left.chars().count() + reports.chars().count() + state.chars().count() + 1;
    let fill = "─".repeat(usize::from(width).saturating_sub(used));
    Line::from(vec![
        Span::styled(left, theme.accent()),
        Span::styled(fill, theme.dim()),
        Span::styled(reports, theme.warning()),
        Span::styled(state, style),
        Span::raw(" "),
    ])
}

/// `chat.example.org` from `https://chat.example.org:443/`.
fn host_of(server: &str) -> String {
    let rest = server.split_once("://").map_or(server, |(_, rest)| rest);
    rest.trim_end_matches('/').to_owned()
}

fn draw_channel(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let focused = model.focus == Focus::Channel;
    let composer_height = composer_height(&model.composer, area.width);
    let [header, messages, composer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(composer_height),
    ])
    .areas(area);
    let Some(entry) = model.current() else {
        let text = if model.channels_loaded {
            "You are in no channel yet: Ctrl-K to find one, or :join #general, :create #name, :dm @someone."
        } else {
            "Loading your channels…"
        };
        frame.render_widget(Paragraph::new(Line::styled(format!(" {text}"), theme.dim())), messages);
        return;
    };
    let mut head = vec![Span::styled(format!(" {} ", entry.label()), theme.accent())];
    if !entry.topic.is_empty() {
        head.push(Span::styled(entry.topic.clone(), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(head)), header);
    if let Some(timeline) = model.timeline() {
        let outgoing: Vec<_> = model.outbox.of(&entry.id, None).collect();
        let lines = messages::timeline_lines(model, timeline, &outgoing, messages.width, messages.height, theme);
        frame.render_widget(Paragraph::new(lines), messages);
    }
    let editing = if model.editing.is_some() { "edit> " } else { "> " };
    draw_composer(
        frame,
        composer,
        &model.composer,
        editing,
        focused && model.mode == Mode::Insert,
        theme,
    );
}

fn draw_thread(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let Some(thread) = &model.thread else {
        return;
    };
    let focused = model.focus == Focus::Thread;
    let block = Block::default().borders(Borders::LEFT).title(Span::styled(
        " thread ",
        if focused { theme.accent() } else { theme.dim() },
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let composer_height = composer_height(&thread.composer, inner.width);
    let [messages, composer] = Layout::vertical([Constraint::Min(1), Constraint::Length(composer_height)]).areas(inner);
    let width = usize::from(messages.width);
    let mut lines = messages::message_lines(model, &thread.parent, width, false, false, theme);
    let count = thread.replies.len();
    let label = if thread.loaded {
        format!("── {count} {} ", if count == 1 { "reply" } else { "replies" })
    } else {
        "── loading replies… ".to_owned()
    };
    lines.push(Line::styled(label, theme.dim()));
    for reply in &thread.replies {
        lines.extend(messages::message_lines(model, reply, width, false, false, theme));
    }
    for item in model.outbox.of(&thread.channel_id, Some(&thread.parent.id)) {
        lines.push(Line::styled(format!(" … {} (pending)", item.content), theme.dim()));
    }
    let height = usize::from(messages.height);
    if lines.len() > height {
        lines.drain(..lines.len() - height);
    }
    frame.render_widget(Paragraph::new(lines), messages);
    draw_composer(
        frame,
        composer,
        &thread.composer,
        "reply> ",
        focused && model.mode == Mode::Insert,
        theme,
    );
}

fn composer_height(composer: &Composer, width: u16) -> u16 {
    let lines = wrap(&composer.text, usize::from(width.saturating_sub(3)).max(10)).len();
    u16::try_from(lines.clamp(1, 6)).unwrap_or(6)
}

fn draw_composer(frame: &mut Frame, area: Rect, composer: &Composer, prompt: &str, active: bool, theme: &Theme) {
    let width = usize::from(
        area.width
            .saturating_sub(u16::try_from(prompt.chars().count()).unwrap_or(0)),
    )
    .max(10);
    let mut text = composer.text.clone();
    if active {
        text.insert(composer.cursor, '▏');
    }
    let mut lines = Vec::new();
    for (i, chunk) in wrap(&text, width).into_iter().enumerate() {
        let lead = if i == 0 {
            prompt.to_owned()
        } else {
            " ".repeat(prompt.chars().count())
        };
        let style = if active { theme.accent() } else { theme.dim() };
        lines.push(Line::from(vec![Span::styled(lead, style), Span::raw(chunk)]));
    }
    let height = usize::from(area.height);
    if lines.len() > height {
        lines.drain(..lines.len() - height);
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn status_line(model: &Model, theme: &Theme, width: u16) -> Line<'static> {
    let mut spans = vec![
        Span::styled(format!(" {} ", model.key_mode().name()), theme.selected()),
        Span::raw(" "),
    ];
    if model.mode == Mode::Command {
        let mut line = model.command_line.text.clone();
        line.insert(model.command_line.cursor, '▏');
        spans.push(Span::raw(format!(":{line}")));
        return Line::from(spans);
    }
    let pending = model.outbox.pending_count();
    match &model.connection {
        Connection::Connected if pending > 0 => spans.push(Span::styled(format!("sending {pending}…  "), theme.dim())),
        Connection::Connected | Connection::Connecting => {}
        Connection::Reconnecting { .. } => spans.push(Span::styled(
            format!("reconnecting · {pending} waiting to send  "),
            theme.warning(),
        )),
        Connection::Offline(why) => spans.push(Span::styled(
            format!("offline ({why}) · {pending} waiting  "),
            theme.error(),
        )),
    }
    if let Some(notice) = &model.notice {
        let style = if notice.error { theme.error() } else { theme.done() };
        spans.push(Span::styled(format!("{}  ", notice.text), style));
    } else if let Some(channel) = &model.selected {
        let typing = model.typing_in(channel);
        if !typing.is_empty() {
            let verb = if typing.len() == 1 { "is" } else { "are" };
            spans.push(Span::styled(
                format!("{} {verb} typing…  ", typing.join(", ")),
                theme.dim(),
            ));
        }
    }
    let used: usize = spans.iter().map(|span| span.width()).sum();
    let mut hint_spans = Vec::new();
    let mut hint_width = 0;
    for (keys, hint) in hints(model.key_mode()) {
        let piece = keys.chars().count() + hint.chars().count() + 3;
        if used + hint_width + piece > usize::from(width) {
            break;
        }
        hint_width += piece;
        hint_spans.push(Span::styled(keys, theme.accent()));
        hint_spans.push(Span::raw(format!(" {hint}  ")));
    }
    let fill = usize::from(width).saturating_sub(used + hint_width);
    spans.push(Span::raw(" ".repeat(fill)));
    spans.extend(hint_spans);
    Line::from(spans)
}
