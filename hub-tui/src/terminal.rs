//! The terminal while a screen runs: raw mode and the alternate screen on the way in, both undone
//! on the way out and on a panic (ratatui's `init` installs that hook), and crossterm's key events
//! turned into the screens' [`Key`]s.

use std::io::IsTerminal as _;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::DefaultTerminal;

use crate::key::Key;

/// Whether both ends are a terminal (a full-screen view needs to read keys and draw).
pub fn is_interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Takes over the terminal. Call [`leave`] when done; a panic restores it too.
pub fn enter() -> std::io::Result<DefaultTerminal> {
    ratatui::try_init()
}

/// Gives the terminal back as it was.
pub fn leave() {
    ratatui::restore();
}

/// The screens' key for a crossterm key event (releases and repeats of other kinds are ignored).
pub fn key_from(event: &KeyEvent) -> Option<Key> {
    if event.kind != KeyEventKind::Press {
        return None;
    }
    let alt = event.modifiers.contains(KeyModifiers::ALT);
    if event.modifiers.contains(KeyModifiers::CONTROL) {
        return match event.code {
            KeyCode::Char('c') | KeyCode::Char('d') => Some(Key::Interrupt),
            KeyCode::Char(c) => Some(Key::Ctrl(c.to_ascii_lowercase())),
            KeyCode::Enter => Some(Key::AltEnter),
            _ => None,
        };
    }
    Some(match event.code {
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter if alt || event.modifiers.contains(KeyModifiers::SHIFT) => Key::AltEnter,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Up if alt => Key::AltUp,
        KeyCode::Down if alt => Key::AltDown,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctrl_c_is_an_interrupt_not_the_letter() {
        let event = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(key_from(&event), Some(Key::Interrupt));
        let event = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(key_from(&event), Some(Key::Char('c')));
    }

    #[test]
    fn ctrl_k_and_alt_enter_arrive_as_themselves() {
        let event = KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL);
        assert_eq!(key_from(&event), Some(Key::Ctrl('k')));
        let event = KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT);
        assert_eq!(key_from(&event), Some(Key::AltEnter));
        let event = KeyEvent::new(KeyCode::Up, KeyModifiers::ALT);
        assert_eq!(key_from(&event), Some(Key::AltUp));
    }

    #[test]
    fn a_capital_letter_arrives_as_itself() {
        let event = KeyEvent::new(KeyCode::Char('Y'), KeyModifiers::SHIFT);
        assert_eq!(key_from(&event), Some(Key::Char('Y')));
    }
}
