//! Tab completion in a composer or the command line: `@user`, `#channel`, `:emoji:` and
//! `/command` (`:` commands on the command line).

use super::model::Model;
use super::update::COMMAND_NAMES;

/// Short names of common emoji, for `:name:` completion (and reactions typed by name).
pub const EMOJI: &[(&str, &str)] = &[
    ("+1", "👍"),
    ("thumbsup", "👍"),
    ("-1", "👎"),
    ("heart", "❤️"),
    ("smile", "😄"),
    ("laughing", "😆"),
    ("joy", "😂"),
    ("wink", "😉"),
    ("thinking", "🤔"),
    ("tada", "🎉"),
    ("eyes", "👀"),
    ("fire", "🔥"),
    ("rocket", "🚀"),
    ("check", "✅"),
    ("x", "❌"),
    ("wave", "👋"),
    ("pray", "🙏"),
    ("clap", "👏"),
    ("100", "💯"),
    ("bug", "🐛"),
];

/// The emoji a `:name:` (or bare name) stands for.
pub fn emoji_named(name: &str) -> Option<&'static str> {
    let name = name.trim_matches(':');
    EMOJI.iter().find(|(short, _)| *short == name).map(|(_, emoji)| *emoji)
}

/// What `word` (the word before the cursor) completes to, if anything. `command_line` says
/// whether the word is typed on the `:` line, where the first word is a command.
pub fn complete(model: &Model, word: &str, first_word: bool, command_line: bool) -> Option<String> {
    if let Some(prefix) = word.strip_prefix('@') {
        let mut names: Vec<&str> = model
            .people
            .values()
            .map(|person| person.username.as_str())
            .filter(|name| name.starts_with(prefix))
            .collect();
        names.sort_unstable();
        return names.first().map(|name| format!("@{name} "));
    }
    if let Some(prefix) = word.strip_prefix('#') {
        let mut names: Vec<&str> = model
            .channels
            .iter()
            .filter(|entry| !entry.is_direct())
            .map(|entry| entry.name.as_str())
            .filter(|name| name.starts_with(prefix))
            .collect();
        names.sort_unstable();
        return names.first().map(|name| format!("#{name} "));
    }
    if command_line && first_word {
        return COMMAND_NAMES
            .iter()
            .find(|name| name.starts_with(word))
            .map(|name| format!("{name} "));
    }
    if let Some(prefix) = word.strip_prefix('/')
        && first_word
    {
        return COMMAND_NAMES
            .iter()
            .find(|name| name.starts_with(prefix))
            .map(|name| format!("/{name} "));
    }
    if let Some(prefix) = word.strip_prefix(':')
        && !prefix.is_empty()
    {
        let name = prefix.trim_end_matches(':');
        return EMOJI
            .iter()
            .find(|(short, _)| short.starts_with(name))
            .map(|(_, emoji)| format!("{emoji} "));
    }
    None
}
