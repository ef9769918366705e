//! Colour, or none: `NO_COLOR` (set and not empty) turns every colour off, leaving bold and
//! reverse so the screens still read.

use ratatui::style::{Color, Modifier, Style};

/// The styles the screens draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Colours on.
    pub color: bool,
}

impl Theme {
    /// As the environment asks: no colour when `NO_COLOR` is set to anything.
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty()),
        }
    }

    /// No colours (tests and `NO_COLOR`).
    pub fn plain() -> Theme {
        Theme { color: false }
    }

    fn colored(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// Titles and the keys in hints.
    pub fn accent(&self) -> Style {
        self.colored(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Secondary text: times, rules, context.
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    /// Something went wrong.
    pub fn error(&self) -> Style {
        self.colored(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Something was done.
    pub fn done(&self) -> Style {
        self.colored(Color::Green)
    }

    /// Needs attention: questions before a destructive step.
    pub fn warning(&self) -> Style {
        self.colored(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// The reported content itself.
    pub fn quoted(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The selected row.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// An author's name: each person keeps one colour (a hash of the name), bold without colour.
    pub fn author(&self, name: &str) -> Style {
        const PALETTE: [Color; 6] = [
            Color::Cyan,
            Color::Green,
            Color::Yellow,
            Color::Magenta,
            Color::Blue,
            Color::LightRed,
        ];
        let hash = name.bytes().fold(0usize, |hash, byte| {
            hash.wrapping_mul(31).wrapping_add(usize::from(byte))
        });
        self.colored(PALETTE[hash % PALETTE.len()]).add_modifier(Modifier::BOLD)
    }
}
