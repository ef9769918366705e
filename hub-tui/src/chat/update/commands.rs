//! The `:` command line (and `/` commands typed in a composer): parsed into a [`CommandLine`],
//! then run against the model.

use hub_core::model::NotifyLevel;

use super::{complain, say};
use crate::chat::action::Effect;
use crate::chat::model::{Confirm, Model, Overlay, Picker};

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandLine {
    /// `:join #name [code]`.
    Join {
        /// The channel's name.
        name: String,
        /// Its join code.
        code: Option<String>,
    },
    /// `:create #name [private]`.
    Create {
        /// The name.
        name: String,
        /// Private.
        private: bool,
    },
    /// `:dm @user`.
    Dm(String),
    /// `:leave` the channel on screen (asks first).
    Leave,
    /// `:mute @user` / `:unmute @user`.
    Mute(String, bool),
    /// `:block @user` / `:unblock @user`.
    Block(String, bool),
    /// `:notify all|mentions|nothing` for the channel on screen.
    Notify(NotifyLevel),
    /// `:read`: mark the channel on screen read.
    Read,
    /// `:status online|away|busy|offline` (offline: invisible).
    Status(hub_core::model::UserStatus),
    /// `:report @user why`: report a person to the moderators.
    Report(String, String),
    /// `:channels`: browse the public channels.
    Channels,
    /// `:help`.
    Help,
    /// `:q`, `:quit`.
    Quit,
}

/// The commands by name, for completion and the switcher.
pub const COMMAND_NAMES: &[&str] = &[
    "join", "channels", "create", "dm", "leave", "mute", "unmute", "block", "unblock", "report", "notify", "read",
    "status", "help", "quit",
];

/// Parses a command line (without its `:` or `/`).
pub fn parse_command(line: &str) -> Result<CommandLine, String> {
    let mut words = line.split_whitespace();
    let Some(verb) = words.next() else {
        return Err("type a command, like :join #general (Tab completes)".to_owned());
    };
    let rest: Vec<&str> = words.collect();
    let target = |what: &str, sigil: char| -> Result<String, String> {
        match rest.first() {
            Some(word) => Ok(word.trim_start_matches(sigil).to_owned()),
            None => Err(format!(":{verb} needs {what}")),
        }
    };
    match verb {
        "join" | "j" => Ok(CommandLine::Join {
            name: target("a channel, like #general", '#')?,
            code: rest.get(1).map(|code| (*code).to_owned()),
        }),
        "create" => Ok(CommandLine::Create {
            name: target("a name, like #team", '#')?,
            private: rest.get(1).is_some_and(|word| *word == "private"),
        }),
        "dm" | "msg" => Ok(CommandLine::Dm(target("someone, like @bob", '@')?)),
        "leave" | "part" => Ok(CommandLine::Leave),
        "mute" => Ok(CommandLine::Mute(target("someone, like @bob", '@')?, true)),
        "unmute" => Ok(CommandLine::Mute(target("someone, like @bob", '@')?, false)),
        "block" => Ok(CommandLine::Block(target("someone, like @bob", '@')?, true)),
        "unblock" => Ok(CommandLine::Block(target("someone, like @bob", '@')?, false)),
        "notify" => {
            let level = target("all, mentions or nothing", ' ')?;
            level
                .parse()
                .map(CommandLine::Notify)
                .map_err(|err| format!(":notify: {err}"))
        }
        "read" => Ok(CommandLine::Read),
        "status" => {
            let status = target("online, away, busy or offline", ' ')?;
            status
                .parse()
                .map(CommandLine::Status)
                .map_err(|err| format!(":status: {err}"))
        }
        "report" => {
            let who = target("someone and why, like @eve spam", '@')?;
            let why = rest.get(1..).map(|words| words.join(" ")).unwrap_or_default();
            if why.is_empty() {
                return Err(":report needs a reason after the name, like :report @eve spam".to_owned());
            }
            Ok(CommandLine::Report(who, why))
        }
        "channels" | "list" => Ok(CommandLine::Channels),
        "help" | "h" => Ok(CommandLine::Help),
        "q" | "quit" | "q!" => Ok(CommandLine::Quit),
        other => Err(format!("no command :{other} (try :help)")),
    }
}

/// Runs a command line typed by the user.
pub(super) fn run_line(model: &mut Model, line: &str) -> Vec<Effect> {
    match parse_command(line) {
        Ok(command) => run(model, command),
        Err(error) => {
            complain(model, error);
            Vec::new()
        }
    }
}

fn run(model: &mut Model, command: CommandLine) -> Vec<Effect> {
    let here = model.selected.clone();
    match command {
        CommandLine::Join { name, code } => {
            if let Some(entry) = model
                .channels
                .iter()
                .find(|entry| !entry.is_direct() && entry.name == name)
            {
                model.selected = Some(entry.id.clone());
                return Vec::new();
            }
            say(model, format!("joining #{name}…"));
            vec![Effect::Join { name, code }]
        }
        CommandLine::Create { name, private } => vec![Effect::Create { name, private }],
        CommandLine::Dm(username) => vec![Effect::OpenDm(username)],
        CommandLine::Leave => match here {
            Some(channel_id) => {
                model.overlay = Some(Overlay::Confirm(Confirm::Leave(channel_id)));
                Vec::new()
            }
            None => no_channel(model),
        },
        CommandLine::Mute(username, on) => vec![Effect::Mute { username, on }],
        CommandLine::Block(username, on) => vec![Effect::Block { username, on }],
        CommandLine::Notify(level) => match here {
            Some(channel_id) => {
                if let Some(entry) = model.channel_mut(&channel_id) {
                    entry.notify = level;
                }
                vec![Effect::Notify { channel_id, level }]
            }
            None => no_channel(model),
        },
        CommandLine::Read => match here {
            Some(channel_id) => {
                if let Some(timeline) = model.timelines.get_mut(&channel_id) {
                    timeline.scroll = 0;
                    timeline.read_marker = None;
                }
                // settle() sends the marker now that the channel is read to its end.
                model.read_sent.remove(&channel_id);
                Vec::new()
            }
            None => no_channel(model),
        },
        CommandLine::Report(username, details) => {
            let first = details.split_whitespace().next().unwrap_or_default().to_lowercase();
            let reason = first.parse().unwrap_or(hub_core::model::ReportReason::Other);
            vec![Effect::ReportUser {
                username,
                reason,
                details,
            }]
        }
        CommandLine::Status(status) => {
            say(model, format!("you show as {status}"));
            vec![Effect::SetStatus(status)]
        }
        CommandLine::Channels => {
            model.overlay = Some(Overlay::Browse(Picker::loading()));
            vec![Effect::BrowseChannels]
        }
        CommandLine::Help => {
            model.overlay = Some(Overlay::Help);
            Vec::new()
        }
        CommandLine::Quit => {
            super::keys::ask_to_quit(model);
            Vec::new()
        }
    }
}

fn no_channel(model: &mut Model) -> Vec<Effect> {
    complain(model, "no channel is open");
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigils_are_optional_and_arguments_are_kept() {
        assert_eq!(
            parse_command("join #dev s3cret"),
            Ok(CommandLine::Join {
                name: "dev".to_owned(),
                code: Some("s3cret".to_owned())
            })
        );
        assert_eq!(parse_command("dm bob"), Ok(CommandLine::Dm("bob".to_owned())));
        assert_eq!(
            parse_command("unblock @eve"),
            Ok(CommandLine::Block("eve".to_owned(), false))
        );
        assert_eq!(
            parse_command("create #team private"),
            Ok(CommandLine::Create {
                name: "team".to_owned(),
                private: true
            })
        );
    }

    #[test]
    fn mistakes_say_what_was_expected() {
        let Err(error) = parse_command("dm") else {
            panic!("a dm without a name parsed");
        };
        assert!(error.contains("@bob"), "{error}");
        let Err(error) = parse_command("notify loud") else {
            panic!("an unknown level parsed");
        };
        assert!(error.contains("mentions"), "{error}");
        let Err(error) = parse_command("frobnicate") else {
            panic!("an unknown command parsed");
        };
        assert!(error.contains(":help"), "{error}");
    }

    #[test]
    fn every_listed_command_parses() {
        for name in COMMAND_NAMES {
            // Arguments every command takes: a level, a name, words of a reason.
            let args = if *name == "status" { "away" } else { "all of it" };
            let line = format!("{name} {args}");
            assert!(parse_command(&line).is_ok(), ":{line} does not parse");
        }
    }
}
