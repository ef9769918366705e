//! The user's own bindings from the config file (`[keys.normal] "ctrl-p" = "switcher"`): parsed
//! into a [`Keymap`] that is looked up before the built-in table and shown in help with it.

use super::{Command, Lookup, Mode};
use crate::key::Key;

/// Every command by the name the config file uses.
pub const COMMANDS: &[(Command, &str)] = &[
    (Command::Up, "up"),
    (Command::Down, "down"),
    (Command::PageUp, "page_up"),
    (Command::PageDown, "page_down"),
    (Command::Top, "top"),
    (Command::Bottom, "bottom"),
    (Command::NextChannel, "next_channel"),
    (Command::PreviousChannel, "previous_channel"),
    (Command::NextUnread, "next_unread"),
    (Command::PreviousUnread, "previous_unread"),
    (Command::Switcher, "switcher"),
    (Command::Compose, "compose"),
    (Command::Select, "select"),
    (Command::Thread, "thread"),
    (Command::CloseThread, "close_thread"),
    (Command::Sidebar, "sidebar"),
    (Command::CommandLine, "command_line"),
    (Command::Help, "help"),
    (Command::Quit, "quit"),
    (Command::Send, "send"),
    (Command::NewLine, "new_line"),
    (Command::Complete, "complete"),
    (Command::EditLast, "edit_last"),
    (Command::Back, "back"),
    (Command::Reply, "reply"),
    (Command::Edit, "edit"),
    (Command::Delete, "delete"),
    (Command::Yank, "yank"),
    (Command::React, "react"),
    (Command::OpenThread, "open_thread"),
    (Command::OpenLink, "open_link"),
    (Command::Report, "report"),
    (Command::Run, "run"),
    (Command::Forum, "forum"),
    (Command::Sort, "sort"),
    (Command::OpenPost, "open_post"),
    (Command::VoteUp, "vote_up"),
    (Command::VoteDown, "vote_down"),
    (Command::Comment, "comment"),
    (Command::Collapse, "collapse"),
    (Command::WritePost, "write_post"),
    (Command::Refresh, "refresh"),
    (Command::Mentions, "mentions"),
    (Command::Moderate, "moderate"),
    (Command::Search, "search"),
    (Command::Editor, "editor"),
];

/// The config file's name for a command.
pub fn command_name(command: Command) -> &'static str {
    COMMANDS
        .iter()
        .find(|(known, _)| *known == command)
        .map_or("?", |(_, name)| name)
}

/// One binding of the user's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserBinding {
    /// The mode.
    pub mode: Mode,
    /// The key sequence.
    pub keys: Vec<Key>,
    /// What it does.
    pub command: Command,
}

/// The user's bindings, looked up before the built-in ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    /// In the order the config file gave them.
    pub bindings: Vec<UserBinding>,
}

impl Keymap {
    /// What `keys` mean in `mode`: the user's binding, else the built-in table's.
    pub fn lookup(&self, mode: Mode, keys: &[Key]) -> Lookup {
        let mut prefix = false;
        for binding in self.bindings.iter().filter(|binding| binding.mode == mode) {
            if binding.keys == keys {
                return Lookup::Command(binding.command);
            }
            prefix |= binding.keys.len() > keys.len() && binding.keys.starts_with(keys);
        }
        match super::lookup(mode, keys) {
            Lookup::Unbound if prefix => Lookup::Prefix,
            Lookup::Command(_) if prefix => Lookup::Prefix,
            found => found,
        }
    }

    /// Adds `keys = command` in the mode named `mode` (config file spellings).
    pub fn bind(&mut self, mode: &str, keys: &str, command: &str) -> Result<(), String> {
        let mode = Mode::ALL
            .into_iter()
            .find(|known| known.name().eq_ignore_ascii_case(mode))
            .ok_or_else(|| {
                let known: Vec<String> = Mode::ALL.iter().map(|mode| mode.name().to_lowercase()).collect();
                format!("[keys.{mode}]: no such mode; the modes are {}", known.join(", "))
            })?;
        let command = COMMANDS
            .iter()
            .find(|(_, name)| *name == command)
            .map(|(command, _)| *command)
            .ok_or_else(|| format!("{keys:?} = {command:?}: no such command (hub-tui --list-keys names them)"))?;
        let keys = parse_sequence(keys)?;
        self.bindings.push(UserBinding { mode, keys, command });
        Ok(())
    }
}

/// Parses `ctrl-k`, `alt-enter`, `space k`, `G`, `pgup`, … into keys.
pub fn parse_sequence(text: &str) -> Result<Vec<Key>, String> {
    let keys: Result<Vec<Key>, String> = text.split_whitespace().map(parse_key).collect();
    match keys {
        Ok(keys) if keys.is_empty() => Err("an empty key".to_owned()),
        other => other,
    }
}

fn parse_key(word: &str) -> Result<Key, String> {
    let lower = word.to_lowercase();
    if let Some(rest) = lower.strip_prefix("ctrl-").or_else(|| lower.strip_prefix("c-")) {
        let mut chars = rest.chars();
        return match (chars.next(), chars.next()) {
            (Some('c'), None) => Ok(Key::Interrupt),
            (Some(c), None) if c.is_ascii_alphabetic() => Ok(Key::Ctrl(c)),
            _ => Err(format!("{word:?}: Ctrl goes with one letter, like ctrl-k")),
        };
    }
    let named = match lower.as_str() {
        "enter" | "return" => Key::Enter,
        "alt-enter" | "shift-enter" => Key::AltEnter,
        "esc" | "escape" => Key::Esc,
        "backspace" => Key::Backspace,
        "delete" | "del" => Key::Delete,
        "tab" => Key::Tab,
        "shift-tab" | "backtab" => Key::BackTab,
        "left" => Key::Left,
        "right" => Key::Right,
        "up" => Key::Up,
        "down" => Key::Down,
        "alt-up" => Key::AltUp,
        "alt-down" => Key::AltDown,
        "pgup" | "pageup" => Key::PageUp,
        "pgdn" | "pagedown" => Key::PageDown,
        "home" => Key::Home,
        "end" => Key::End,
        "space" => Key::Char(' '),
        _ => {
            let mut chars = word.chars();
            return match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(Key::Char(c)),
                _ => Err(format!(
                    "{word:?} is not a key (try ctrl-k, alt-enter, space, pgup, or one character)"
                )),
            };
        }
    };
    Ok(named)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::keymap::BINDINGS;

    #[test]
    fn key_names_parse_as_help_writes_them() {
        assert_eq!(parse_sequence("ctrl-k"), Ok(vec![Key::Ctrl('k')]));
        assert_eq!(parse_sequence("space k"), Ok(vec![Key::Char(' '), Key::Char('k')]));
        assert_eq!(parse_sequence("G"), Ok(vec![Key::Char('G')]));
        assert_eq!(parse_sequence("PgUp"), Ok(vec![Key::PageUp]));
        assert!(parse_sequence("ctrl-kk").is_err());
        assert!(parse_sequence("hyper-x").is_err());
    }

    #[test]
    fn a_user_binding_wins_over_the_built_in_one() {
        let mut keymap = Keymap::default();
        let Ok(()) = keymap.bind("normal", "t", "forum") else {
            panic!("a valid binding was refused");
        };
        assert_eq!(
            keymap.lookup(Mode::Normal, &[Key::Char('t')]),
            Lookup::Command(Command::Forum)
        );
        assert_eq!(
            keymap.lookup(Mode::Normal, &[Key::Char('v')]),
            Lookup::Command(Command::Select),
            "the others stay"
        );
    }

    #[test]
    fn mistakes_in_the_config_name_what_is_wrong() {
        let mut keymap = Keymap::default();
        let Err(error) = keymap.bind("normal", "x", "teleport") else {
            panic!("an unknown command was taken");
        };
        assert!(error.contains("teleport"), "{error}");
        let Err(error) = keymap.bind("visual", "x", "help") else {
            panic!("an unknown mode was taken");
        };
        assert!(error.contains("normal, insert"), "{error}");
    }

    #[test]
    fn every_command_has_a_config_name() {
        for binding in BINDINGS {
            assert_ne!(command_name(binding.command), "?", "{:?} has no name", binding.command);
        }
    }
}
