//! The sidebar: channels, then direct conversations, with unread `(n)` and mention `@n` badges
//! and presence dots; the one on screen highlighted.

use hub_core::model::UserStatus;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::messages::pad;
use crate::chat::model::{ChannelEntry, Model, Place};
use crate::theme::Theme;

/// Draws the sidebar into `area`.
pub fn draw(frame: &mut Frame, area: Rect, model: &Model, theme: &Theme) {
    let block = Block::default().borders(Borders::RIGHT).border_style(theme.dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(lines(model, inner.width, theme)), inner);
}

/// The sidebar's lines for `width` columns.
pub fn lines(model: &Model, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let mut lines = vec![Line::styled("CHANNELS", theme.dim())];
    let (direct, channels): (Vec<&ChannelEntry>, Vec<&ChannelEntry>) =
        model.channels.iter().partition(|entry| entry.is_direct());
    for entry in channels {
        lines.push(entry_line(model, entry, width, theme));
    }
    if !direct.is_empty() {
        lines.push(Line::styled("DIRECT", theme.dim()));
        for entry in direct {
            lines.push(entry_line(model, entry, width, theme));
        }
    }
    lines.push(Line::styled("FORUM", theme.dim()));
    let here = model.place == Place::Forum;
    let new = match model.forum.new_posts {
        0 => String::new(),
        n => format!(" · {n} new"),
    };
    let label = format!(" {}{} posts{new}", if here { '›' } else { ' ' }, model.forum.sort);
    lines.push(Line::styled(label, if here { theme.selected() } else { theme.dim() }));
    lines
}

fn entry_line(model: &Model, entry: &ChannelEntry, width: usize, theme: &Theme) -> Line<'static> {
    let selected = model.place == Place::Chat && model.selected.as_ref() == Some(&entry.id);
    let dot = match entry.peer.as_ref().and_then(|peer| model.people.get(peer)) {
        Some(person) => match person.status {
            UserStatus::Online => "●",
            UserStatus::Away | UserStatus::Busy => "◐",
            UserStatus::Offline => "○",
        },
        None if entry.unread > 0 => "•",
        None => " ",
    };
    let mut badge = String::new();
    if entry.mentions > 0 {
        badge.push_str(&format!("@{}", entry.mentions));
    }
    if entry.unread > 0 {
        if !badge.is_empty() {
            badge.push(' ');
        }
        badge.push_str(&format!("({})", entry.unread));
    }
    let name_width = width.saturating_sub(2 + badge.chars().count() + 1);
    let name = pad(&entry.name, name_width);
    let name_style = if selected {
        theme.selected()
    } else if entry.unread > 0 {
        theme.quoted()
    } else {
        ratatui::style::Style::new()
    };
    Line::from(vec![
        Span::styled(format!("{dot}{}", if selected { '›' } else { ' ' }), theme.done()),
        Span::styled(name, name_style),
        Span::raw(" "),
        Span::styled(
            badge,
            if entry.mentions > 0 {
                theme.warning()
            } else {
                theme.accent()
            },
        ),
    ])
}
