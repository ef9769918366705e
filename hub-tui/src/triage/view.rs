//! Drawing the triage screen: one report at a time, the queue count and position always on the
//! first line, the choices on the last. Reads the model, never changes it.

use chrono::{DateTime, Utc};
use hub_core::model::ReportTarget;
use hub_core::protocol::v1::{EvidenceMessage, ReportDetailView};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::keys::{BINDINGS, key_name};
use super::model::{Item, ItemState, Live, Prompt, Triage};
use crate::theme::Theme;

/// Draws the whole screen into `frame`.
pub fn draw(frame: &mut Frame, model: &Triage, theme: &Theme) {
    let area = frame.area();
    let footer = footer_line(theme);
    let footer_height = if footer.width() as u16 > area.width { 2 } else { 1 };
    let [header, rule_top, body, rule_bottom, notice, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(footer_height),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(header_line(model, theme, header.width)), header);
    let rule = Line::styled("─".repeat(area.width as usize), theme.dim());
    frame.render_widget(Paragraph::new(rule.clone()), rule_top);
    frame.render_widget(
        Paragraph::new(body_lines(model, theme)).wrap(Wrap { trim: false }),
        body,
    );
    frame.render_widget(Paragraph::new(rule), rule_bottom);
    frame.render_widget(Paragraph::new(prompt_line(model, theme)), notice);
    frame.render_widget(Paragraph::new(footer).wrap(Wrap { trim: true }), keys);
    if model.help {
        draw_help(frame, area, theme);
    }
}

fn header_line(model: &Triage, theme: &Theme, width: u16) -> Line<'static> {
    let total = model.items.len();
    let left = match model.current() {
        _ if !model.loaded => " Loading the open reports…".to_owned(),
        Some(item) => format!(
            " Report {} of {total} ({}) · {} open · {} decided",
            model.position + 1,
            state_word(item),
            model.open_count(),
            model.decided_count()
        ),
        None => format!(" Queue done · {total} seen · {} decided", model.decided_count()),
    };
    let live = match model.live {
        Live::Connecting => "○ connecting",
        Live::Live => "● live",
        Live::Reconnecting => "○ reconnecting",
        Live::Off => "○ not live",
    };
    let right = match model.current() {
        Some(item) => format!(
            "{live}   reported {} by {} ",
            ago(model.now, item.summary.report.created_at),
            item.detail
                .as_ref()
                .and_then(|detail| detail.reporter.as_ref())
                .map_or("…".to_owned(), |reporter| format!("@{}", reporter.username))
        ),
        None => format!("{live} "),
    };
    let gap = (width as usize).saturating_sub(left.chars().count() + right.chars().count());
    Line::from(vec![
        Span::styled(left, theme.accent()),
        Span::raw(" ".repeat(gap.max(1))),
        Span::styled(right, theme.dim()),
    ])
}

fn state_word(item: &Item) -> &'static str {
    match item.state {
        ItemState::Open => "open",
        ItemState::Staged(_) => "decided, not sent",
        ItemState::Sending(_) => "sending",
        ItemState::Done(_) => "done",
        ItemState::HandledElsewhere => "handled elsewhere",
        ItemState::Failed { .. } => "open again",
    }
}

fn body_lines(model: &Triage, theme: &Theme) -> Vec<Line<'static>> {
    let Some(item) = model.current() else {
        if !model.loaded {
            return Vec::new();
        }
        return vec![
            Line::raw(""),
            Line::styled(" No open reports left.", theme.done()),
            Line::raw(" New reports appear here as they are made; q leaves."),
        ];
    };
    let mut lines = Vec::new();
    let report = &item.summary.report;
    let author = author_name(item);
    let what = match report.target_type {
        ReportTarget::User => format!(" The person {author}"),
        ReportTarget::Message => format!(" Message by {author}"),
        ReportTarget::Post => format!(" Forum post by {author}"),
        ReportTarget::Comment => format!(" Forum comment by {author}"),
    };
    lines.push(Line::from(vec![
        Span::styled(what, theme.accent()),
        Span::raw("   "),
        Span::styled(report.reason.to_string(), theme.warning()),
    ]));
    match &item.detail {
        None => lines.push(Line::styled(" loading the report…", theme.dim())),
        Some(detail) => evidence_lines(detail, theme, &mut lines),
    }
    if !report.details.is_empty() {
        lines.push(Line::raw(format!(" Reporter's note: {:?}", report.details)));
    }
    if let Some(detail) = &item.detail {
        lines.push(Line::raw(history_line(detail, &author, model.now)));
    }
    lines.push(Line::raw(""));
    lines.push(match &item.state {
        ItemState::Open => Line::raw(""),
        ItemState::Staged(decision) => Line::styled(
            format!(
                " ✓ {} ({:?}); sent when you move on · u takes it back",
                decision.choice.past_tense(),
                decision.reason
            ),
            theme.done(),
        ),
        ItemState::Sending(decision) => {
            Line::styled(format!(" … {} (sending)", decision.choice.past_tense()), theme.dim())
        }
        ItemState::Done(decision) => Line::styled(
            format!(" ✓ done: {} ({:?})", decision.choice.past_tense(), decision.reason),
            theme.done(),
        ),
        ItemState::HandledElsewhere => Line::styled(" ✓ handled by another moderator", theme.done()),
        ItemState::Failed { error, .. } => Line::styled(format!(" ✗ not done: {error}"), theme.error()),
    });
    lines
}

fn evidence_lines(detail: &ReportDetailView, theme: &Theme, lines: &mut Vec<Line<'static>>) {
    let now = if !detail.current.exists {
        "gone".to_owned()
    } else if detail.current.deleted {
        "deleted".to_owned()
    } else if detail.current.edited_at.is_some() {
        format!("edited: {:?}", detail.current.content.as_deref().unwrap_or_default())
    } else {
        "unchanged".to_owned()
    };
    if let Some(message) = &detail.evidence.message {
        lines.push(Line::from(vec![
            Span::styled(format!(" {:?}", message.content), theme.quoted()),
            Span::styled(format!("   (as reported; now: {now})"), theme.dim()),
        ]));
        let name = |message: &EvidenceMessage| message.author_username.as_deref().unwrap_or("?").to_owned();
        let width = std::iter::once(message)
            .chain(&detail.evidence.before)
            .chain(&detail.evidence.after)
            .map(|message| name(message).chars().count())
            .max()
            .unwrap_or(0);
        let context = |message: &EvidenceMessage, marker: &str| {
            Line::styled(
                format!(
                    "   {} {} {:<width$} {}",
                    marker,
                    message.created_at.format("%H:%M"),
                    name(message),
                    message.content
                ),
                theme.dim(),
            )
        };
        if !detail.evidence.before.is_empty() || !detail.evidence.after.is_empty() {
            lines.push(Line::styled(" context:", theme.dim()));
            lines.extend(detail.evidence.before.iter().map(|before| context(before, " ")));
            lines.push(context(message, "›"));
            lines.extend(detail.evidence.after.iter().map(|after| context(after, " ")));
        }
    } else if let Some(forum) = &detail.evidence.forum {
        lines.push(Line::from(vec![
            Span::styled(format!(" in {:?}: {:?}", forum.title, forum.body), theme.quoted()),
            Span::styled(format!("   (as reported; now: {now})"), theme.dim()),
        ]));
    } else if let Some(user) = &detail.evidence.user {
        lines.push(Line::styled(
            format!(" @{} ({:?}): {:?}", user.username, user.full_name, user.bio),
            theme.quoted(),
        ));
        if let Some(content) = detail.current.content.as_deref().filter(|content| !content.is_empty()) {
            lines.push(Line::styled(format!(" {content:?}   (now: {now})"), theme.quoted()));
        }
    }
}

fn history_line(detail: &ReportDetailView, author: &str, now: DateTime<Utc>) -> String {
    let earlier = &detail.author_earlier_reports;
    let count = |status| earlier.iter().filter(|r| r.report.status == status).count();
    use hub_core::model::ReportStatus;
    let mut line = format!(
        " {author}: {} earlier report{} ({} resolved, {} dismissed, {} open)",
        earlier.len(),
        if earlier.len() == 1 { "" } else { "s" },
        count(ReportStatus::Resolved),
        count(ReportStatus::Dismissed),
        count(ReportStatus::Open),
    );
    if let Some(since) = detail.author_since {
        line.push_str(&format!("; member for {}", span(now, since)));
    }
    if detail.open_reports_on_target > 1 {
        line.push_str(&format!("; {} open reports on this", detail.open_reports_on_target));
    }
    line
}

fn prompt_line(model: &Triage, theme: &Theme) -> Line<'static> {
    let author = model.current().map(author_name).unwrap_or_default();
    match &model.prompt {
        Prompt::Period { text } => Line::from(vec![
            Span::styled(format!(" Suspend {author} for: "), theme.warning()),
            Span::raw(format!("{text}▏")),
            Span::styled("  (12h, 3d, 7d, 2w) Enter goes on · Esc cancels", theme.dim()),
        ]),
        Prompt::Reason { choice, text } => Line::from(vec![
            Span::styled(format!(" Why {}? ", choice.imperative(&author)), theme.warning()),
            Span::raw(format!("{text}▏")),
            Span::styled("  (goes in the audit log) Enter · Esc cancels", theme.dim()),
        ]),
        Prompt::Confirm(decision) => Line::styled(
            format!(" Really {}? [y/N] ", decision.choice.imperative(&author)),
            theme.warning(),
        ),
        Prompt::None => match &model.notice {
            Some(notice) if notice.is_error => Line::styled(format!(" {}", notice.text), theme.error()),
            Some(notice) => Line::raw(format!(" {}", notice.text)),
            None => Line::raw(""),
        },
    }
}

fn footer_line(theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for binding in BINDINGS {
        spans.push(Span::styled(binding.hint, theme.accent()));
        spans.push(Span::raw("  "));
    }
    Line::from(spans)
}

fn draw_help(frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut lines: Vec<Line> = BINDINGS
        .iter()
        .map(|binding| {
            let keys: Vec<String> = binding.keys.iter().map(|key| key_name(*key)).collect();
            Line::from(vec![
                Span::styled(format!(" {:<12}", keys.join(" ")), theme.accent()),
                Span::raw(binding.help),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        " Destructive choices ask why, then ask again (No unless you press y).",
        theme.dim(),
    ));
    lines.push(Line::styled(" Any key closes this help.", theme.dim()));
    let width = area.width.min(100);
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" triage keys ")),
        popup,
    );
}

fn author_name(item: &Item) -> String {
    let detail = item.detail.as_ref();
    detail
        .and_then(|detail| detail.author.as_ref())
        .map(|author| format!("@{}", author.username))
        .or_else(|| {
            detail
                .and_then(|detail| detail.evidence.user.as_ref())
                .map(|user| format!("@{}", user.username))
        })
        .unwrap_or_else(|| "the author".to_owned())
}

/// "just now", "5 min ago", "2 h ago", "3 d ago".
pub fn ago(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let seconds = (now - then).num_seconds().max(0);
    match seconds {
        0..60 => "just now".to_owned(),
        60..3600 => format!("{} min ago", seconds / 60),
        3600..86_400 => format!("{} h ago", seconds / 3600),
        _ => format!("{} d ago", seconds / 86_400),
    }
}

/// How long since: "today", "5 days", "3 weeks", "4 months".
fn span(now: DateTime<Utc>, since: DateTime<Utc>) -> String {
    let days = (now - since).num_days().max(0);
    match days {
        0 => "less than a day".to_owned(),
        1 => "1 day".to_owned(),
        2..14 => format!("{days} days"),
        14..60 => format!("{} weeks", days / 7),
        _ => format!("{} months", days / 30),
    }
}
