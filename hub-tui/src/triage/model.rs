//! The triage screen's state: the queue of open reports, where the moderator is in it, what each
//! report became, and the prompt on screen. Plain data; `update` changes it, `view` draws it.

use chrono::{DateTime, Utc};
use hub_core::model::ReportId;
use hub_core::protocol::v1::{AdminReportView, ReportDetailView};

/// The whole screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Triage {
    /// The reports of this sitting, oldest first; new reports join at the end.
    pub items: Vec<Item>,
    /// The report on screen: an index into `items`, or `items.len()` when the queue is done.
    pub position: usize,
    /// The question on screen, if any.
    pub prompt: Prompt,
    /// The help overlay is open.
    pub help: bool,
    /// A line for the moderator: what just happened, or what went wrong.
    pub notice: Option<Notice>,
    /// Whether the first load of the queue has arrived.
    pub loaded: bool,
    /// Set by `q`: the loop ends once nothing is being sent.
    pub quitting: bool,
    /// Whether new reports are arriving live (the gateway connection).
    pub live: Live,
    /// The clock the screen reads ("reported 2 h ago"); fixed in tests.
    pub now: DateTime<Utc>,
}

/// One report in the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// As the queue lists it.
    pub summary: AdminReportView,
    /// Everything needed to decide, once loaded.
    pub detail: Option<ReportDetailView>,
    /// Where it stands.
    pub state: ItemState,
    /// The detail has been asked for (so it is asked for once).
    pub detail_requested: bool,
}

impl Item {
    /// A report from the queue listing, its detail not loaded yet.
    pub fn listed(summary: AdminReportView) -> Item {
        Item {
            summary,
            detail: None,
            state: ItemState::Open,
            detail_requested: false,
        }
    }

    /// A report whose detail is at hand.
    pub fn detailed(detail: ReportDetailView) -> Item {
        Item {
            summary: detail.report.clone(),
            detail: Some(detail),
            state: ItemState::Open,
            detail_requested: true,
        }
    }

    /// Its id.
    pub fn id(&self) -> &ReportId {
        &self.summary.report.id
    }

    /// Still waiting for a decision (a failed one counts: it is back in the queue).
    pub fn is_open(&self) -> bool {
        matches!(self.state, ItemState::Open | ItemState::Failed { .. })
    }
}

/// Where one report stands in this sitting.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemState {
    /// Not decided.
    Open,
    /// Decided on screen, not sent yet: `u` takes it back; moving on sends it.
    Staged(Decision),
    /// Sent, waiting for the server.
    Sending(Decision),
    /// The server carried it out.
    Done(Decision),
    /// Someone else handled it first (it left the queue under us).
    HandledElsewhere,
    /// The server refused it; the report is open again.
    Failed {
        /// What was tried.
        decision: Decision,
        /// What the server said.
        error: String,
    },
}

/// A moderator's decision on one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// What to do.
    pub choice: Choice,
    /// Why; it lands in the audit log.
    pub reason: String,
}

/// The choices the screen offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Resolve with no further action (it was dealt with, or a warning was enough).
    Resolve,
    /// Resolve by deleting the reported message, post or comment.
    DeleteContent,
    /// Resolve by suspending the author for a period (`7d`).
    Suspend {
        /// The period, as the server reads it (`30m`, `12h`, `7d`, `1w`).
        period: String,
    },
    /// Resolve by banning the author.
    Ban,
    /// Nothing to act on.
    Dismiss,
}

impl Choice {
    /// Needs a confirmation (No by default) before it is staged.
    pub fn is_destructive(&self) -> bool {
        matches!(self, Choice::DeleteContent | Choice::Suspend { .. } | Choice::Ban)
    }

    /// How the screen names it once done: "dismissed", "suspended for 7d".
    pub fn past_tense(&self) -> String {
        match self {
            Choice::Resolve => "resolved".to_owned(),
            Choice::DeleteContent => "resolved: content deleted".to_owned(),
            Choice::Suspend { period } => format!("resolved: author suspended for {period}"),
            Choice::Ban => "resolved: author banned".to_owned(),
            Choice::Dismiss => "dismissed".to_owned(),
        }
    }

    /// How a question names it: "suspend @dave for 7d".
    pub fn imperative(&self, author: &str) -> String {
        match self {
            Choice::Resolve => "resolve this report".to_owned(),
            Choice::DeleteContent => "delete the reported content".to_owned(),
            Choice::Suspend { period } => format!("suspend {author} for {period}"),
            Choice::Ban => format!("ban {author}"),
            Choice::Dismiss => "dismiss this report".to_owned(),
        }
    }
}

/// The question on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// None: single keys choose.
    None,
    /// How long to suspend for (typed; starts at the usual period).
    Period {
        /// What is typed so far.
        text: String,
    },
    /// Why (required for every decision).
    Reason {
        /// The choice the reason is for.
        choice: Choice,
        /// What is typed so far.
        text: String,
    },
    /// "Really?" before something destructive. No unless `y` is pressed.
    Confirm(Decision),
}

/// The gateway connection that brings new reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Live {
    /// Not up yet.
    Connecting,
    /// New reports join the queue as they are made.
    Live,
    /// Dropped; reconnecting (reports made meanwhile arrive on resume).
    Reconnecting,
    /// Could not connect: the queue is what was loaded.
    Off,
}

/// A line at the bottom of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// An error (drawn as one) rather than news.
    pub is_error: bool,
}

impl Notice {
    /// News.
    pub fn info(text: impl Into<String>) -> Notice {
        Notice {
            text: text.into(),
            is_error: false,
        }
    }

    /// Something went wrong.
    pub fn error(text: impl Into<String>) -> Notice {
        Notice {
            text: text.into(),
            is_error: true,
        }
    }
}

impl Triage {
    /// An empty screen, waiting for the queue.
    pub fn new(now: DateTime<Utc>) -> Triage {
        Triage {
            items: Vec::new(),
            position: 0,
            prompt: Prompt::None,
            help: false,
            notice: None,
            loaded: false,
            quitting: false,
            live: Live::Connecting,
            now,
        }
    }

    /// The report on screen, if the queue is not done.
    pub fn current(&self) -> Option<&Item> {
        self.items.get(self.position)
    }

    /// Reports still waiting for a decision.
    pub fn open_count(&self) -> usize {
        self.items.iter().filter(|item| item.is_open()).count()
    }

    /// Reports decided in this sitting (sent or on their way).
    pub fn decided_count(&self) -> usize {
        self.items
            .iter()
            .filter(|item| matches!(item.state, ItemState::Done(_) | ItemState::Sending(_)))
            .count()
    }

    /// Decisions still travelling to the server.
    pub fn sending_count(&self) -> usize {
        self.items
            .iter()
            .filter(|item| matches!(item.state, ItemState::Sending(_)))
            .count()
    }
}
