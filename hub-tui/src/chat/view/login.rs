//! The sign-in screen: server, username, password (as dots), sign in or register.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::chat::model::{Composer, LoginForm};
use crate::theme::Theme;

/// Draws the form in the middle of `area`.
pub fn draw(frame: &mut Frame, area: Rect, form: &LoginForm, theme: &Theme) {
    let width = area.width.saturating_sub(4).min(64);
    let height = 12.min(area.height);
    let rect = Rect {
        x: area.x + area.width.saturating_sub(width) / 2,
        y: area.y + area.height.saturating_sub(height) / 2,
        width,
        height,
    };
    let field = |label: &str, composer: &Composer, index: usize, secret: bool| {
        let focused = form.field == index && !form.busy;
        let mut value = if secret {
            "•".repeat(composer.text.chars().count())
        } else {
            composer.text.clone()
        };
        if focused {
            let cursor = if secret {
                composer.text[..composer.cursor].chars().count() * '•'.len_utf8()
            } else {
                composer.cursor
            };
            value.insert(cursor, '▏');
        }
        let style = if focused { theme.accent() } else { theme.dim() };
        Line::from(vec![Span::styled(format!("{label:>10}  "), style), Span::raw(value)])
    };
    let action = if form.register { "Register" } else { "Sign in" };
    let mut lines = vec![
        field("server", &form.server, 0, false),
        field("username", &form.username, 1, false),
        field("password", &form.password, 2, true),
        Line::raw(""),
    ];
    if form.busy {
        lines.push(Line::styled(
            format!("  {action}: waiting for the server…"),
            theme.dim(),
        ));
    } else {
        lines.push(Line::from(vec![
            Span::styled("  Enter ", theme.accent()),
            Span::raw(format!("{}  ", action.to_lowercase())),
            Span::styled("Tab ", theme.accent()),
            Span::raw("next  "),
            Span::styled("Ctrl-R ", theme.accent()),
            Span::raw(if form.register {
                "sign in instead  "
            } else {
                "register instead  "
            }),
            Span::styled("Esc ", theme.accent()),
            Span::raw("quit"),
        ]));
    }
    if let Some(error) = &form.error {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!("  {error}"), theme.error()));
    }
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent())
        .title(format!(" hub ─ {} ", action.to_lowercase()));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), rect);
}
