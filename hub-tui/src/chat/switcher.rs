//! The Ctrl-K switcher's list: channels, people and every action by name, ranked by a fuzzy
//! match of what is typed (the letters in order, with consecutive letters and word starts
//! counting most).

use hub_core::model::ChannelId;

use super::keymap::{BINDINGS, Command, Mode};
use super::model::Model;
use super::update::COMMAND_NAMES;

/// Where choosing an entry goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Open this channel or conversation.
    Channel(ChannelId),
    /// Open (or start) a direct conversation with this username.
    Person(String),
    /// Do what this key does.
    Command(Command),
    /// Start typing this command line.
    Line(&'static str),
}

/// One row of the switcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What is shown and matched.
    pub label: String,
    /// What kind of row (channel, person, action).
    pub kind: &'static str,
    /// Where it goes.
    pub target: Target,
}

/// The rows matching `query`, best first (all of them, in sidebar order, for an empty query).
pub fn entries(model: &Model, query: &str) -> Vec<Entry> {
    let mut all = Vec::new();
    for channel in &model.channels {
        all.push(Entry {
            label: channel.label(),
            kind: if channel.is_direct() { "direct" } else { "channel" },
            target: Target::Channel(channel.id.clone()),
        });
    }
    let me = model.me.as_ref().map(|me| &me.id);
    for (id, person) in &model.people {
        if Some(id) != me {
            all.push(Entry {
                label: format!("@{}", person.username),
                kind: "person",
                target: Target::Person(person.username.clone()),
            });
        }
    }
    for binding in BINDINGS.iter().filter(|binding| binding.mode == Mode::Normal) {
        if !matches!(binding.command, Command::Switcher | Command::CommandLine) {
            all.push(Entry {
                label: binding.help.to_owned(),
                kind: "action",
                target: Target::Command(binding.command),
            });
        }
    }
    for name in COMMAND_NAMES {
        all.push(Entry {
            label: format!(":{name}"),
            kind: "command",
            target: Target::Line(name),
        });
    }
    if query.trim().is_empty() {
        return all;
    }
    let mut scored: Vec<(i64, Entry)> = all
        .into_iter()
        .filter_map(|entry| score(query, &entry.label).map(|score| (score, entry)))
        // Letters scattered far apart match nearly anything: not worth a row.
        .filter(|(score, _)| *score > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.label.len().cmp(&b.1.label.len())));
    scored.into_iter().map(|(_, entry)| entry).collect()
}

/// How well `query` matches `candidate` (higher is better); `None` when its letters do not all
/// appear in order. Case is ignored.
pub fn score(query: &str, candidate: &str) -> Option<i64> {
    let candidate: Vec<char> = candidate.to_lowercase().chars().collect();
    let mut score = 0;
    let mut at = 0;
    let mut previous: Option<usize> = None;
    for wanted in query.to_lowercase().chars().filter(|c| !c.is_whitespace()) {
        let found = (at..candidate.len()).find(|&i| candidate[i] == wanted)?;
        score += 1;
        if previous.is_some_and(|previous| previous + 1 == found) {
            score += 5;
        }
        if found == 0 || !candidate[found - 1].is_alphanumeric() {
            score += 3;
        }
        score -= i64::try_from(found - at).unwrap_or(i64::MAX / 4).min(10);
        previous = Some(found);
        at = found + 1;
    }
    Some(score)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_must_appear_in_order() {
        assert!(score("gnr", "#general").is_some());
        assert!(score("rng", "#general").is_none());
        assert!(score("GEN", "#general").is_some(), "case is ignored");
    }

    #[test]
    fn a_word_start_and_a_run_beat_scattered_letters() {
        let Some(exact) = score("dev", "#dev") else {
            panic!("no match")
        };
        let Some(scattered) = score("dev", "#deployment-review") else {
            panic!("no match")
        };
        assert!(exact > scattered, "{exact} <= {scattered}");
    }
}
