//! The one keymap: every binding of every mode, with the footer's hint and the help text. Key
//! handling, the `?` overlay, the footer and `hub-tui --list-keys` all read this table, so a
//! binding cannot exist without being shown.

use crate::key::{Key, key_name};

/// The client's modes (vim-like).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub enum Mode {
    /// Moving around, reading.
    #[default]
    Normal,
    /// Writing in a composer.
    Insert,
    /// One message selected, to act on.
    Select,
    /// The `:` command line.
    Command,
    /// The forum's list of posts.
    Forum,
    /// A forum post and its comments.
    Post,
}

impl Mode {
    /// As the status line names it.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Normal => "NORMAL",
            Mode::Insert => "INSERT",
            Mode::Select => "SELECT",
            Mode::Command => "COMMAND",
            Mode::Forum => "FORUM",
            Mode::Post => "POST",
        }
    }

    /// Every mode, in help order.
    pub const ALL: [Mode; 6] = [
        Mode::Normal,
        Mode::Insert,
        Mode::Select,
        Mode::Command,
        Mode::Forum,
        Mode::Post,
    ];
}

/// What a binding does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// One message up (older).
    Up,
    /// One message down (newer).
    Down,
    /// A page up; past the top, older history loads.
    PageUp,
    /// A page down.
    PageDown,
    /// To the oldest message held.
    Top,
    /// To the newest message (following live ones again).
    Bottom,
    /// The next channel in the sidebar.
    NextChannel,
    /// The previous channel.
    PreviousChannel,
    /// The next channel with unreads (mentions first).
    NextUnread,
    /// The previous channel with unreads.
    PreviousUnread,
    /// The fuzzy switcher.
    Switcher,
    /// Write in the composer.
    Compose,
    /// Select a message.
    Select,
    /// Open the newest thread, or move between the thread and the channel.
    Thread,
    /// Close the thread pane.
    CloseThread,
    /// Show or hide the sidebar (narrow screens).
    Sidebar,
    /// The `:` command line.
    CommandLine,
    /// The keys of this mode.
    Help,
    /// Leave hub-tui.
    Quit,
    /// Send what is written (or save the edit).
    Send,
    /// A new line in the composer.
    NewLine,
    /// Complete `@user`, `#channel`, `:emoji:` or `/command`.
    Complete,
    /// Edit the last message (empty composer).
    EditLast,
    /// Back to normal mode.
    Back,
    /// Reply in the selected message's thread.
    Reply,
    /// Edit the selected message.
    Edit,
    /// Delete the selected message (asks first).
    Delete,
    /// Copy the selected message's text.
    Yank,
    /// React to the selected message.
    React,
    /// Open the selected message's thread.
    OpenThread,
    /// Open the first link in the selected message.
    OpenLink,
    /// Report the selected message.
    Report,
    /// Run the command line.
    Run,
    /// The forum (from the chat), or back to the chat (from the forum).
    Forum,
    /// Cycle the forum's order: hot, new, top.
    Sort,
    /// Open the highlighted post.
    OpenPost,
    /// Vote +1 (again: take the vote back).
    VoteUp,
    /// Vote -1 (again: take the vote back).
    VoteDown,
    /// Comment on the post, or answer the highlighted comment.
    Comment,
    /// Fold or unfold the highlighted comment's replies.
    Collapse,
    /// Write a new post.
    WritePost,
    /// Fetch the posts again.
    Refresh,
    /// The messages that mention the user.
    Mentions,
    /// The open reports, one at a time (moderators).
    Moderate,
    /// Search messages, channels and people.
    Search,
    /// Write the message in `$EDITOR`.
    Editor,
}

/// One binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// The mode it works in.
    pub mode: Mode,
    /// The key sequences that do it (the first is shown in hints).
    pub keys: &'static [&'static [Key]],
    /// What it does.
    pub command: Command,
    /// The footer's short form, for the bindings worth a place there.
    pub hint: Option<&'static str>,
    /// The help overlay's line.
    pub help: &'static str,
}

mod bindings;
mod user;

pub use bindings::BINDINGS;
pub use user::{COMMANDS, Keymap, UserBinding, command_name, parse_sequence};

/// What a run of keys means in a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// A binding's command.
    Command(Command),
    /// The start of a sequence: wait for the next key.
    Prefix,
    /// Not bound.
    Unbound,
}

/// Looks `keys` up in `mode`.
pub fn lookup(mode: Mode, keys: &[Key]) -> Lookup {
    let mut prefix = false;
    for binding in BINDINGS.iter().filter(|binding| binding.mode == mode) {
        for sequence in binding.keys {
            if *sequence == keys {
                return Lookup::Command(binding.command);
            }
            prefix |= sequence.len() > keys.len() && sequence.starts_with(keys);
        }
    }
    if prefix { Lookup::Prefix } else { Lookup::Unbound }
}

/// A key sequence as help shows it (`Space k`).
pub fn sequence_name(keys: &[Key]) -> String {
    keys.iter().map(|key| key_name(*key)).collect::<Vec<_>>().join(" ")
}

/// All of a binding's sequences (`i, Enter`).
pub fn keys_name(binding: &Binding) -> String {
    binding
        .keys
        .iter()
        .map(|keys| sequence_name(keys))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The footer's hints for a mode: `i write  Ctrl-K switch …`.
pub fn hints(mode: Mode) -> Vec<(String, &'static str)> {
    BINDINGS
        .iter()
        .filter(|binding| binding.mode == mode)
        .filter_map(|binding| Some((sequence_name(binding.keys[0]), binding.hint?)))
        .collect()
}

/// The whole table in markdown, for `hub-tui --list-keys` and the README.
pub fn markdown() -> String {
    let mut out = String::from("| mode | keys | what it does |\n| --- | --- | --- |\n");
    for binding in BINDINGS {
        let keys = binding
            .keys
            .iter()
            .map(|keys| format!("`{}`", sequence_name(keys)))
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            binding.mode.name().to_lowercase(),
            keys,
            binding.help.replace('|', "\\|")
        ));
    }
    out
}

/// The user's own bindings in markdown, for `--list-keys`.
pub fn user_markdown(keymap: &Keymap) -> String {
    let mut out = String::from("| mode | keys | command |\n| --- | --- | --- |\n");
    for binding in &keymap.bindings {
        out.push_str(&format!(
            "| {} | `{}` | {} |\n",
            binding.mode.name().to_lowercase(),
            sequence_name(&binding.keys),
            command_name(binding.command)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_sequence_is_bound_twice_in_a_mode() {
        let mut seen = std::collections::BTreeSet::new();
        for binding in BINDINGS {
            for keys in binding.keys {
                assert!(
                    seen.insert((binding.mode, keys.to_vec())),
                    "{} is bound twice in {:?}",
                    sequence_name(keys),
                    binding.mode
                );
            }
        }
    }

    #[test]
    fn a_sequence_start_waits_for_the_rest() {
        assert_eq!(lookup(Mode::Normal, &[Key::Char(' ')]), Lookup::Prefix);
        assert_eq!(
            lookup(Mode::Normal, &[Key::Char(' '), Key::Char('k')]),
            Lookup::Command(Command::Switcher)
        );
        assert_eq!(lookup(Mode::Normal, &[Key::Char('Z')]), Lookup::Unbound);
    }

    #[test]
    fn every_mode_can_be_left_and_has_help() {
        for mode in Mode::ALL {
            let commands: Vec<Command> = BINDINGS.iter().filter(|b| b.mode == mode).map(|b| b.command).collect();
            assert!(commands.contains(&Command::Quit), "{mode:?} has no way out");
            assert!(!hints(mode).is_empty(), "{mode:?} has no footer hints");
        }
    }

    #[test]
    fn the_markdown_lists_every_binding() {
        let table = markdown();
        assert_eq!(table.lines().count(), BINDINGS.len() + 2);
        for binding in BINDINGS {
            assert!(
                table.contains(binding.help.replace('|', "\\|").as_str()),
                "{}",
                binding.help
            );
        }
    }
}
