//! What is drawn over the screen: the help of the current mode (from the keymap), the Ctrl-K
//! switcher, a yes/no question, a prompt, the sidebar on a narrow screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::chat::keymap::{BINDINGS, command_name, keys_name, sequence_name};
use crate::chat::model::{Confirm, Model, Overlay};
use crate::chat::switcher::entries;
use crate::theme::Theme;

/// Draws the model's overlay, if any. `body` is the area between the title and status lines.
pub fn draw(frame: &mut Frame, area: Rect, body: Rect, model: &Model, theme: &Theme) {
    match &model.overlay {
        None => {}
        Some(Overlay::Help) => {
            let lines = help_lines(model, theme);
            let width = area.width.saturating_sub(4).min(110);
            let inner = usize::from(width.saturating_sub(2)).max(1);
            let rows: usize = lines.iter().map(|line| line.width().max(1).div_ceil(inner)).sum();
            let height = u16::try_from(rows + 2).unwrap_or(u16::MAX);
            let rect = centred(area, width, height.min(area.height));
            boxed(
                frame,
                rect,
                &format!(
                    " keys: {} mode (any key closes) ",
                    model.key_mode().name().to_lowercase()
                ),
                lines,
                theme,
            );
        }
        Some(Overlay::Switcher(switcher)) => {
            let found = entries(model, &switcher.query.text);
            let wanted = u16::try_from(found.len().max(1) + 3).unwrap_or(u16::MAX);
            let height = area.height.saturating_sub(4).min(16).min(wanted);
            let rect = centred(area, area.width.saturating_sub(4).min(70), height);
            let mut query = switcher.query.text.clone();
            query.insert(switcher.query.cursor, '▏');
            let mut lines = vec![Line::from(vec![Span::styled("> ", theme.accent()), Span::raw(query)])];
            let rows = usize::from(height.saturating_sub(3));
            let selected = switcher.selected.min(found.len().saturating_sub(1));
            let first = selected.saturating_sub(rows.saturating_sub(1));
            for (i, entry) in found.iter().enumerate().skip(first).take(rows) {
                let style = if i == selected {
                    theme.selected()
                } else {
                    ratatui::style::Style::new()
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("{:<8}", entry.kind), theme.dim()),
                    Span::styled(entry.label.clone(), style),
                ]));
            }
            if found.is_empty() {
                lines.push(Line::styled("nothing matches", theme.dim()));
            }
            boxed(frame, rect, " switch to (Enter opens, Esc closes) ", lines, theme);
        }
        Some(Overlay::Mentions(picker)) => {
            let rows = picker
                .items
                .iter()
                .map(|mention| {
                    let channel = model
                        .channels
                        .iter()
                        .find(|entry| entry.id == mention.message.channel_id)
                        .map_or_else(|| "?".to_owned(), |entry| entry.label());
                    let unread = if mention.read { " " } else { "•" };
                    format!(
                        "{unread} {} {:<12} {:<9} {}",
                        mention.message.created_at.format("%d %b %H:%M"),
                        channel,
                        model.name_of(mention.message.author_id.as_ref()),
                        mention.message.content.replace('\n', " ")
                    )
                })
                .collect();
            let empty = "Nobody has mentioned you yet.";
            picker_box(
                frame,
                area,
                " mentions (Enter opens, Esc closes) ",
                rows,
                picker.selected,
                picker.loading,
                empty,
                theme,
            );
        }
        Some(Overlay::Browse(picker)) => {
            let rows = picker
                .items
                .iter()
                .map(|channel| {
                    let joined = if model.channels.iter().any(|entry| entry.id == channel.id) {
                        "joined"
                    } else {
                        ""
                    };
                    format!(
                        "#{:<20} {:>4} members  {:<6}  {}",
                        channel.name, channel.member_count, joined, channel.topic
                    )
                })
                .collect();
            let empty = "No public channels yet: :create #name makes one.";
            picker_box(
                frame,
                area,
                " public channels (Enter joins or opens, Esc closes) ",
                rows,
                picker.selected,
                picker.loading,
                empty,
                theme,
            );
        }
        Some(Overlay::Confirm(confirm)) => {
            let question = match confirm {
                Confirm::DeleteMessage(_) => "Really delete this message? [y/N]".to_owned(),
                Confirm::Quit(waiting) => {
                    let noun = if *waiting == 1 { "message is" } else { "messages are" };
                    format!("{waiting} {noun} not sent yet and will be lost. Quit anyway? [y/N]")
                }
                Confirm::Leave(id) => {
                    let name = model
                        .channels
                        .iter()
                        .find(|entry| &entry.id == id)
                        .map_or_else(|| "this channel".to_owned(), |entry| entry.label());
                    format!("Really leave {name}? [y/N]")
                }
            };
            let rect = bottom(body, 3);
            boxed(
                frame,
                rect,
                " confirm ",
                vec![Line::styled(question, theme.warning())],
                theme,
            );
        }
        Some(Overlay::Prompt(prompt)) => {
            let mut answer = prompt.answer.text.clone();
            answer.insert(prompt.answer.cursor, '▏');
            let lines = vec![
                Line::styled(prompt.question.clone(), theme.warning()),
                Line::from(vec![Span::styled("> ", theme.accent()), Span::raw(answer)]),
            ];
            boxed(frame, bottom(body, 4), " Enter answers, Esc cancels ", lines, theme);
        }
        Some(Overlay::Sidebar) => {
            let rect = Rect {
                width: body.width.min(28),
                ..body
            };
            let lines = super::sidebar::lines(model, rect.width.saturating_sub(2), theme);
            boxed(frame, rect, " j/k move, any key closes ", lines, theme);
        }
    }
}

/// A list box in the middle of the screen, the highlighted row kept in view.
#[allow(
    clippy::too_many_arguments,
    reason = "one call per picker; a struct for them would be read once"
)]
fn picker_box(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    rows: Vec<String>,
    selected: usize,
    loading: bool,
    empty: &str,
    theme: &Theme,
) {
    let height = area.height.saturating_sub(4).min(20);
    let rect = centred(area, area.width.saturating_sub(4).min(100), height);
    let shown = usize::from(height.saturating_sub(2)).max(1);
    let first = selected.saturating_sub(shown.saturating_sub(1));
    let mut lines: Vec<Line<'static>> = rows
        .into_iter()
        .enumerate()
        .skip(first)
        .take(shown)
        .map(|(i, row)| {
            if i == selected {
                Line::styled(format!("›{row}"), theme.selected())
            } else {
                Line::raw(format!(" {row}"))
            }
        })
        .collect();
    if loading {
        lines = vec![Line::styled(" loading…", theme.dim())];
    } else if lines.is_empty() {
        lines = vec![Line::styled(format!(" {empty}"), theme.dim())];
    }
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent())
        .title(title.to_owned());
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// Every binding of the current mode, generated from the keymap.
pub fn help_lines(model: &Model, theme: &Theme) -> Vec<Line<'static>> {
    let yours = model
        .keymap
        .bindings
        .iter()
        .filter(|binding| binding.mode == model.key_mode())
        .map(|binding| {
            Line::from(vec![
                Span::styled(format!("{:<18}", sequence_name(&binding.keys)), theme.accent()),
                Span::raw(format!("{} (yours, from tui.toml)", command_name(binding.command))),
            ])
        });
    let built_in = BINDINGS
        .iter()
        .filter(|binding| binding.mode == model.key_mode())
        .map(|binding| {
            Line::from(vec![
                Span::styled(format!("{:<18}", keys_name(binding)), theme.accent()),
                Span::raw(binding.help),
            ])
        });
    yours.chain(built_in).collect()
}

fn boxed(frame: &mut Frame, rect: Rect, title: &str, lines: Vec<Line<'static>>, theme: &Theme) {
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent())
        .title(title.to_owned());
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), rect);
}

fn centred(area: Rect, width: u16, height: u16) -> Rect {
    Rect {
        x: area.x + area.width.saturating_sub(width) / 2,
        y: area.y + area.height.saturating_sub(height) / 2,
        width: width.min(area.width),
        height: height.min(area.height),
    }
}

fn bottom(area: Rect, height: u16) -> Rect {
    let height = height.min(area.height);
    Rect {
        y: area.y + area.height - height,
        height,
        ..area
    }
}
