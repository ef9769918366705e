//! A channel's messages (and a thread's), drawn from the bottom up: day separators, the "new
//! messages" line, authors, edited marks, reactions, reply counts, and what waits in the outbox.

use chrono::{DateTime, Datelike as _, Utc};
use hub_core::protocol::v1::MessageView;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar as _;

use crate::chat::model::{Model, OutState, Outgoing, Timeline};
use crate::theme::Theme;

/// Width of the author column.
const NAME_WIDTH: usize = 9;

/// The lines of a timeline that fit `height` rows of `width` columns. The view ends on the
/// message `scroll` places from the newest (what waits in the outbox below it when following
/// live); near the top, where older messages cannot fill the view, it fills with newer ones
/// instead, so the oldest message is drawn at the top.
pub fn timeline_lines(
    model: &Model,
    timeline: &Timeline,
    outgoing: &[&Outgoing],
    width: u16,
    height: u16,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let height = usize::from(height);
    let messages = &timeline.messages;
    let end = messages.len().saturating_sub(timeline.scroll);
    // Upwards from the end of the view.
    let mut above: Vec<Vec<Line<'static>>> = Vec::new();
    let mut used = 0;
    if timeline.scroll == 0 {
        for item in outgoing.iter().rev() {
            let block = outgoing_lines(model, item, width, theme);
            used += block.len();
            above.push(block);
        }
    }
    let mut at = end;
    while at > 0 && used < height {
        at -= 1;
        let block = message_block(model, timeline, at, width, theme);
        used += block.len();
        above.push(block);
    }
    if at == 0 && used < height {
        let note = if messages.is_empty() && outgoing.is_empty() {
            Some("  No messages yet: press i and say hello.")
        } else if timeline.loading_older {
            Some("  loading older messages…")
        } else if !timeline.has_older {
            Some("  (the start of the conversation)")
        } else {
            None
        };
        if let Some(note) = note {
            above.push(vec![Line::styled(note, theme.dim())]);
        }
    }
    let mut lines: Vec<Line<'static>> = above.into_iter().rev().flatten().collect();
    if lines.len() > height {
        lines.drain(..lines.len() - height);
        return lines;
    }
    // Room left at the top of the conversation: fill with the messages after the view's end.
    let mut below = end;
    while lines.len() < height && below < messages.len() {
        lines.extend(message_block(model, timeline, below, width, theme));
        below += 1;
    }
    lines.truncate(height);
    // The newest message sits just above the composer, as in every chat.
    let mut padded = vec![Line::raw(""); height - lines.len()];
    padded.append(&mut lines);
    padded
}

/// One message as the timeline draws it: its day's rule when it starts one, the message, and the
/// "new messages" line when the read marker is on it.
fn message_block(model: &Model, timeline: &Timeline, at: usize, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let messages = &timeline.messages;
    let message = &messages[at];
    let mut block = Vec::new();
    let previous = at.checked_sub(1).map(|i| &messages[i]);
    let new_day = previous.is_none_or(|previous| !same_day(previous.created_at, message.created_at));
    // The first message held starts a day only when nothing older exists.
    if new_day && (previous.is_some() || !timeline.has_older) {
        block.push(rule(&day_name(message.created_at), width, theme, false));
    }
    let selected = timeline.selected.as_ref() == Some(&message.id);
    block.extend(message_lines(model, message, width, selected, true, theme));
    if timeline.read_marker.as_ref() == Some(&message.id) && at + 1 < messages.len() {
        block.push(rule("new messages", width, theme, true));
    }
    block
}

/// One message: `09:12 bob      text`, wrapped, then its reactions and replies.
pub fn message_lines(
    model: &Model,
    message: &MessageView,
    width: usize,
    selected: bool,
    show_replies: bool,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let time = message.created_at.format("%H:%M").to_string();
    let author = model.name_of(message.author_id.as_ref());
    let is_bot = message
        .author_id
        .as_ref()
        .and_then(|id| model.people.get(id))
        .is_some_and(|person| person.is_bot);
    let author = if is_bot { format!("{author}[bot]") } else { author };
    let (text, style) = if message.deleted {
        ("(message deleted)".to_owned(), theme.dim())
    } else {
        let mut text = message.content.clone();
        if message.edited_at.is_some() {
            text.push_str(" (edited)");
        }
        (text, ratatui::style::Style::new())
    };
    let indent = 6 + NAME_WIDTH + 1;
    let body_width = width.saturating_sub(indent).max(10);
    let mut lines = Vec::new();
    for (i, chunk) in wrap(&text, body_width).into_iter().enumerate() {
        let mut spans = Vec::new();
        if i == 0 {
            spans.push(Span::styled(format!("{time} "), theme.dim()));
            spans.push(Span::styled(pad(&author, NAME_WIDTH), theme.author(&author)));
            spans.push(Span::raw(" "));
        } else {
            spans.push(Span::raw(" ".repeat(indent)));
        }
        spans.push(Span::styled(chunk, style));
        let mut line = Line::from(spans);
        if selected {
            line = line.style(theme.selected());
        }
        lines.push(line);
    }
    let mut extras = Vec::new();
    for reaction in &message.reactions {
        let mark = if reaction.me { "*" } else { "" };
        extras.push(format!("{}{} {}", mark, reaction.emoji, reaction.count));
    }
    if show_replies && message.reply_count > 0 {
        let noun = if message.reply_count == 1 { "reply" } else { "replies" };
        extras.push(format!("↳ {} {noun}", message.reply_count));
    }
    if !extras.is_empty() {
        lines.push(Line::from(vec![
            Span::raw(" ".repeat(indent)),
            Span::styled(extras.join("  "), theme.dim()),
        ]));
    }
    lines
}

fn outgoing_lines(model: &Model, item: &Outgoing, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let me = model
        .me
        .as_ref()
        .map_or_else(|| "me".to_owned(), |me| me.username.clone());
    let (state, style) = match &item.state {
        OutState::Pending => ("(pending)".to_owned(), theme.dim()),
        OutState::Failed(why) => (format!("✗ not sent: {why}"), theme.error()),
    };
    let indent = 6 + NAME_WIDTH + 1;
    let mut lines = Vec::new();
    for (i, chunk) in wrap(&item.content, width.saturating_sub(indent).max(10))
        .into_iter()
        .enumerate()
    {
        let lead = if i == 0 {
            vec![
                Span::styled(" …    ", theme.dim()),
                Span::styled(pad(&me, NAME_WIDTH), theme.dim()),
                Span::raw(" "),
            ]
        } else {
            vec![Span::raw(" ".repeat(indent))]
        };
        let mut spans = lead;
        spans.push(Span::styled(chunk, theme.dim()));
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(vec![
        Span::raw(" ".repeat(indent)),
        Span::styled(state, style),
    ]));
    lines
}

/// `── Tuesday 1 December ──────` across the width (the "new messages" line centred).
fn rule(label: &str, width: usize, theme: &Theme, accent: bool) -> Line<'static> {
    let label = format!(" {label} ");
    let free = width.saturating_sub(label.chars().count());
    let left = if accent { free / 2 } else { free.min(2) };
    let text = format!("{}{}{}", "─".repeat(left), label, "─".repeat(free - left));
    Line::styled(text, if accent { theme.accent() } else { theme.dim() })
}

fn same_day(a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    a.date_naive() == b.date_naive()
}

fn day_name(at: DateTime<Utc>) -> String {
    format!("{} {} {}", at.format("%A"), at.day(), at.format("%B"))
}

/// `text` padded (or cut, with …) to `width` columns.
pub fn pad(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            out.pop();
            out.push('…');
            used = width;
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// Wraps text to `width` columns at spaces (a word longer than the width is cut), keeping the
/// user's own line breaks.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for word in paragraph.split(' ') {
            let word_width: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
            if used > 0 && used + 1 + word_width > width {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            if used > 0 {
                line.push(' ');
                used += 1;
            }
            for c in word.chars() {
                let w = c.width().unwrap_or(0);
                if used + w > width {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += w;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_at_spaces_and_keeps_line_breaks() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("a\nb", 10), vec!["a", "b"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }

    #[test]
    fn wide_characters_count_double() {
        assert_eq!(wrap("👍👍👍", 4), vec!["👍👍", "👍"]);
        assert_eq!(pad("bob", 5), "bob  ");
        assert_eq!(pad("alexandra", 5), "alex…");
    }
}
