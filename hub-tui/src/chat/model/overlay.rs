//! What is drawn over the screen, as data: help, the switcher, the lists to pick from, questions.

use hub_core::model::{ChannelId, MessageId, ReportTarget};

use super::Composer;

/// A list to pick from, drawn over the screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Picker<T> {
    /// The rows (none yet while `loading`).
    pub items: Vec<T>,
    /// The highlighted row.
    pub selected: usize,
    /// The rows are on their way.
    pub loading: bool,
}

impl<T> Picker<T> {
    /// An empty picker waiting for its rows.
    pub fn loading() -> Picker<T> {
        Picker {
            items: Vec::new(),
            selected: 0,
            loading: true,
        }
    }

    /// Moves the highlight.
    pub fn step(&mut self, by: isize) {
        self.selected = self
            .selected
            .saturating_add_signed(by)
            .min(self.items.len().saturating_sub(1));
    }

    /// The highlighted row.
    pub fn current(&self) -> Option<&T> {
        self.items.get(self.selected)
    }
}

/// A question or list drawn over the screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// `m`: the messages that mention the user, newest first.
    Mentions(Picker<hub_core::protocol::v1::MentionView>),
    /// `:channels`: the public channels, to open or join.
    Browse(Picker<hub_core::protocol::v1::ChannelView>),
    /// The keys of the current mode.
    Help,
    /// Ctrl-K: channels, people and actions by name.
    Switcher(Switcher),
    /// "Really …? [y/N]".
    Confirm(Confirm),
    /// A line of text asked for (an emoji, a reason).
    Prompt(Prompt),
    /// The sidebar over a narrow screen.
    Sidebar,
}

/// The fuzzy switcher's query and selection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Switcher {
    /// What is typed.
    pub query: Composer,
    /// The highlighted row.
    pub selected: usize,
}

/// What a confirmation is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    /// Delete this message.
    DeleteMessage(MessageId),
    /// Leave this channel.
    Leave(ChannelId),
    /// Quit with this many messages not yet sent (they live only in this run).
    Quit(usize),
}

/// What a prompt asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    /// The title of a new forum post.
    PostTitle,
    /// A reaction to this message.
    React(MessageId),
    /// Why this is reported.
    Report {
        /// What kind of thing.
        target_type: ReportTarget,
        /// Its id.
        target_id: String,
    },
}

/// A prompt and what is typed into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// What it is for.
    pub kind: PromptKind,
    /// The question.
    pub question: String,
    /// The answer so far.
    pub answer: Composer,
}
