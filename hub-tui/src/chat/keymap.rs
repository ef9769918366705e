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
}

impl Mode {
    /// As the status line names it.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Normal => "NORMAL",
            Mode::Insert => "INSERT",
            Mode::Select => "SELECT",
            Mode::Command => "COMMAND",
        }
    }

    /// Every mode, in help order.
    pub const ALL: [Mode; 4] = [Mode::Normal, Mode::Insert, Mode::Select, Mode::Command];
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

const fn bind(
    mode: Mode,
    keys: &'static [&'static [Key]],
    command: Command,
    hint: Option<&'static str>,
    help: &'static str,
) -> Binding {
    Binding {
        mode,
        keys,
        command,
        hint,
        help,
    }
}

use Command as C;
use Key as K;
use Mode as M;

/// Every binding.
pub const BINDINGS: &[Binding] = &[
    bind(
        M::Normal,
        &[&[K::Char('i')], &[K::Enter]],
        C::Compose,
        Some("write"),
        "write in the composer",
    ),
    bind(
        M::Normal,
        &[&[K::Ctrl('k')], &[K::Char(' '), K::Char('k')]],
        C::Switcher,
        Some("switch"),
        "switch to a channel, person or action by name",
    ),
    bind(
        M::Normal,
        &[&[K::Char('t')]],
        C::Thread,
        Some("thread"),
        "open the newest thread, or move between thread and channel",
    ),
    bind(
        M::Normal,
        &[&[K::Char('v')]],
        C::Select,
        Some("select"),
        "select a message to reply, edit, delete, react, report",
    ),
    bind(
        M::Normal,
        &[&[K::Char('n')]],
        C::NextUnread,
        Some("next unread"),
        "the next channel with unreads (mentions first)",
    ),
    bind(M::Normal, &[&[K::Char('?')]], C::Help, Some("help"), "these keys"),
    bind(
        M::Normal,
        &[&[K::Char(':')]],
        C::CommandLine,
        None,
        "the command line: :join #c, :create #c, :dm @u, :leave, :mute @u, :block @u, :notify all|mentions|nothing, :read, :q (also typed as /join … in the composer)",
    ),
    bind(
        M::Normal,
        &[&[K::Char('k')], &[K::Up]],
        C::Up,
        None,
        "one message up (older)",
    ),
    bind(
        M::Normal,
        &[&[K::Char('j')], &[K::Down]],
        C::Down,
        None,
        "one message down (newer)",
    ),
    bind(
        M::Normal,
        &[&[K::PageUp], &[K::Ctrl('b')]],
        C::PageUp,
        None,
        "a page up; past the top, older history loads",
    ),
    bind(
        M::Normal,
        &[&[K::PageDown], &[K::Ctrl('f')]],
        C::PageDown,
        None,
        "a page down",
    ),
    bind(
        M::Normal,
        &[&[K::Char('g')], &[K::Home]],
        C::Top,
        None,
        "to the oldest message loaded",
    ),
    bind(
        M::Normal,
        &[&[K::Char('G')], &[K::End]],
        C::Bottom,
        None,
        "to the newest message, following live ones",
    ),
    bind(
        M::Normal,
        &[&[K::Char('J')], &[K::AltDown]],
        C::NextChannel,
        None,
        "the next channel",
    ),
    bind(
        M::Normal,
        &[&[K::Char('K')], &[K::AltUp]],
        C::PreviousChannel,
        None,
        "the previous channel",
    ),
    bind(
        M::Normal,
        &[&[K::Char('N')]],
        C::PreviousUnread,
        None,
        "the previous channel with unreads",
    ),
    bind(M::Normal, &[&[K::Tab]], C::Sidebar, None, "show or hide the sidebar"),
    bind(M::Normal, &[&[K::Esc]], C::CloseThread, None, "close the thread pane"),
    bind(
        M::Normal,
        &[&[K::Interrupt]],
        C::Quit,
        None,
        "leave hub-tui (so does :q)",
    ),
    bind(
        M::Insert,
        &[&[K::Enter]],
        C::Send,
        Some("send"),
        "send (or save the edit)",
    ),
    bind(
        M::Insert,
        &[&[K::AltEnter]],
        C::NewLine,
        Some("new line"),
        "a new line (Alt-Enter or Shift-Enter)",
    ),
    bind(
        M::Insert,
        &[&[K::Tab]],
        C::Complete,
        Some("complete"),
        "complete @user, #channel, :emoji: or /command",
    ),
    bind(
        M::Insert,
        &[&[K::Up]],
        C::EditLast,
        None,
        "in an empty composer: edit your last message",
    ),
    bind(
        M::Insert,
        &[&[K::Esc]],
        C::Back,
        Some("normal"),
        "back to normal mode (what is written stays)",
    ),
    bind(M::Insert, &[&[K::Interrupt]], C::Quit, None, "leave hub-tui"),
    bind(
        M::Select,
        &[&[K::Char('r')]],
        C::Reply,
        Some("reply"),
        "reply in the message's thread",
    ),
    bind(
        M::Select,
        &[&[K::Char('e')]],
        C::Edit,
        Some("edit"),
        "edit your message",
    ),
    bind(
        M::Select,
        &[&[K::Char('d')]],
        C::Delete,
        Some("delete"),
        "delete the message (asks first)",
    ),
    bind(
        M::Select,
        &[&[K::Char('a')]],
        C::React,
        Some("react"),
        "react with an emoji",
    ),
    bind(
        M::Select,
        &[&[K::Char('y')]],
        C::Yank,
        None,
        "copy the text (to the terminal's clipboard)",
    ),
    bind(
        M::Select,
        &[&[K::Char('t')]],
        C::OpenThread,
        Some("thread"),
        "open the message's thread",
    ),
    bind(
        M::Select,
        &[&[K::Char('o')]],
        C::OpenLink,
        None,
        "open the first link in the message",
    ),
    bind(
        M::Select,
        &[&[K::Char('R')]],
        C::Report,
        None,
        "report the message to the moderators",
    ),
    bind(
        M::Select,
        &[&[K::Char('k')], &[K::Up]],
        C::Up,
        None,
        "the message above",
    ),
    bind(
        M::Select,
        &[&[K::Char('j')], &[K::Down]],
        C::Down,
        None,
        "the message below",
    ),
    bind(M::Select, &[&[K::Esc]], C::Back, Some("back"), "back to normal mode"),
    bind(M::Select, &[&[K::Interrupt]], C::Quit, None, "leave hub-tui"),
    bind(M::Command, &[&[K::Enter]], C::Run, Some("run"), "run the command"),
    bind(
        M::Command,
        &[&[K::Tab]],
        C::Complete,
        None,
        "complete the command or the #channel / @user",
    ),
    bind(M::Command, &[&[K::Esc]], C::Back, Some("cancel"), "back to normal mode"),
    bind(M::Command, &[&[K::Interrupt]], C::Quit, None, "leave hub-tui"),
];

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
