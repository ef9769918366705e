//! The triage screen's keys: one table that the key handling, the footer and the `?` overlay all
//! read, so a binding cannot exist without being shown.

pub use crate::key::{Key, key_name};

/// What a key asks of the triage screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Resolve, no further action.
    Resolve,
    /// Resolve by deleting the content.
    DeleteContent,
    /// Resolve by suspending the author (asks for how long).
    Suspend,
    /// Resolve by banning the author.
    Ban,
    /// Dismiss.
    Dismiss,
    /// Send what is decided and go to the next open report (skips one that is not).
    Next,
    /// Send what is decided and go back one report.
    Previous,
    /// Take back the decision on screen.
    Undo,
    /// Send what is decided and leave.
    Quit,
    /// Show or hide the keys.
    Help,
}

/// One binding: the keys, how the footer names it, what the help overlay says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// The keys that do it (the first is the one shown).
    pub keys: &'static [Key],
    /// The command.
    pub command: Command,
    /// The footer's short form.
    pub hint: &'static str,
    /// The help overlay's line.
    pub help: &'static str,
}

/// Every binding of the triage screen, in footer order.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[Key::Char('r')],
        command: Command::Resolve,
        hint: "[r]esolve",
        help: "resolve with no further action (asks why)",
    },
    Binding {
        keys: &[Key::Char('x')],
        command: Command::DeleteContent,
        hint: "[x] delete content",
        help: "resolve by deleting the reported content (asks why, then confirms)",
    },
    Binding {
        keys: &[Key::Char('s')],
        command: Command::Suspend,
        hint: "[s]uspend…",
        help: "resolve by suspending the author (asks how long and why, then confirms)",
    },
    Binding {
        keys: &[Key::Char('b')],
        command: Command::Ban,
        hint: "[b]an",
        help: "resolve by banning the author (asks why, then confirms)",
    },
    Binding {
        keys: &[Key::Char('d')],
        command: Command::Dismiss,
        hint: "[d]ismiss",
        help: "dismiss: nothing to act on (asks why)",
    },
    Binding {
        keys: &[Key::Char('n'), Key::Right, Key::Char('j'), Key::Down],
        command: Command::Next,
        hint: "[n]ext",
        help: "send what is decided and go to the next open report (an undecided one is skipped)",
    },
    Binding {
        keys: &[Key::Char('p'), Key::Left, Key::Char('k'), Key::Up],
        command: Command::Previous,
        hint: "[p]rev",
        help: "send what is decided and go back one report",
    },
    Binding {
        keys: &[Key::Char('u')],
        command: Command::Undo,
        hint: "[u]ndo",
        help: "take back the decision on screen (it is sent only when you move on)",
    },
    Binding {
        keys: &[Key::Char('q')],
        command: Command::Quit,
        hint: "[q]uit",
        help: "send what is decided and leave (Ctrl-C leaves without sending it)",
    },
    Binding {
        keys: &[Key::Char('?')],
        command: Command::Help,
        hint: "[?]",
        help: "show or hide these keys",
    },
];

/// The command a key is bound to.
pub fn command_for(key: Key) -> Option<Command> {
    BINDINGS
        .iter()
        .find(|binding| binding.keys.contains(&key))
        .map(|binding| binding.command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = Vec::new();
        for binding in BINDINGS {
            for key in binding.keys {
                assert!(!seen.contains(key), "{key:?} is bound twice");
                seen.push(*key);
            }
        }
    }

    #[test]
    fn every_command_has_a_binding() {
        use Command::*;
        for command in [
            Resolve,
            DeleteContent,
            Suspend,
            Ban,
            Dismiss,
            Next,
            Previous,
            Undo,
            Quit,
            Help,
        ] {
            assert!(
                BINDINGS.iter().any(|binding| binding.command == command),
                "{command:?} has no key"
            );
        }
    }
}
