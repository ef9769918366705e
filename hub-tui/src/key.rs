//! A key press as hub's screens see it: crossterm's events are mapped to this in `terminal`, so
//! the screens' key tables and tests never deal with raw terminal events.

/// One key press.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// A printable character (capitals arrive as themselves).
    Char(char),
    /// A letter with Ctrl held (Ctrl-C is [`Key::Interrupt`]).
    Ctrl(char),
    /// Enter.
    Enter,
    /// Alt-Enter or Shift-Enter: a new line in a composer.
    AltEnter,
    /// Escape.
    Esc,
    /// Backspace.
    Backspace,
    /// Delete.
    Delete,
    /// Tab.
    Tab,
    /// Shift-Tab.
    BackTab,
    /// Left arrow.
    Left,
    /// Right arrow.
    Right,
    /// Up arrow.
    Up,
    /// Down arrow.
    Down,
    /// Alt and the up arrow.
    AltUp,
    /// Alt and the down arrow.
    AltDown,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Home.
    Home,
    /// End.
    End,
    /// Ctrl-C: leave at once.
    Interrupt,
}

/// How a key is written in help overlays and `--list-keys`.
pub fn key_name(key: Key) -> String {
    match key {
        Key::Char(' ') => "Space".to_owned(),
        Key::Char(c) => c.to_string(),
        Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
        Key::Enter => "Enter".to_owned(),
        Key::AltEnter => "Alt-Enter".to_owned(),
        Key::Esc => "Esc".to_owned(),
        Key::Backspace => "Backspace".to_owned(),
        Key::Delete => "Delete".to_owned(),
        Key::Tab => "Tab".to_owned(),
        Key::BackTab => "Shift-Tab".to_owned(),
        Key::Left => "←".to_owned(),
        Key::Right => "→".to_owned(),
        Key::Up => "↑".to_owned(),
        Key::Down => "↓".to_owned(),
        Key::AltUp => "Alt-↑".to_owned(),
        Key::AltDown => "Alt-↓".to_owned(),
        Key::PageUp => "PgUp".to_owned(),
        Key::PageDown => "PgDn".to_owned(),
        Key::Home => "Home".to_owned(),
        Key::End => "End".to_owned(),
        Key::Interrupt => "Ctrl-C".to_owned(),
    }
}
