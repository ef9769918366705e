//! One channel's messages as the client holds them: top-level messages in `seq` order, merged
//! from history pages and live events without doubles, and where the reader is looking.

use hub_core::model::MessageId;
use hub_core::protocol::v1::MessageView;

/// How much of a channel's history has arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Loaded {
    /// Nothing asked for yet.
    #[default]
    Nothing,
    /// The newest page is on its way.
    Loading,
    /// The newest page is here.
    Ready,
}

/// A channel's timeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    /// Top-level messages (thread replies live in their thread), oldest first, by `seq`.
    pub messages: Vec<MessageView>,
    /// Whether the newest page has arrived.
    pub loaded: Loaded,
    /// Whether older messages exist on the server.
    pub has_older: bool,
    /// An older page is on its way.
    pub loading_older: bool,
    /// How many messages at the bottom the reader has scrolled past (0: following live).
    pub scroll: usize,
    /// A page failed: not asked for again before this time.
    pub retry_at: Option<chrono::DateTime<chrono::Utc>>,
    /// `g` was pressed: keep going up as older pages arrive, to the very first message.
    pub to_top: bool,
    /// The selected message in message-select mode.
    pub selected: Option<MessageId>,
    /// The newest message that was already read when the channel was opened: the "new messages"
    /// line is drawn below it.
    pub read_marker: Option<MessageId>,
}

impl Timeline {
    /// Adds messages from a history page or an event, replacing any already held with the same
    /// id (an edit, or a page that overlaps what the gateway brought), keeping `seq` order.
    /// Returns how many were new.
    pub fn merge(&mut self, incoming: impl IntoIterator<Item = MessageView>) -> usize {
        let mut added = 0;
        for message in incoming {
            if message.parent_id.is_some() {
                continue;
            }
            match self.messages.binary_search_by_key(&message.seq, |held| held.seq) {
                Ok(at) => self.messages[at] = message,
                Err(at) => {
                    self.messages.insert(at, message);
                    added += 1;
                }
            }
        }
        added
    }

    /// A live message: added, and a reader who has scrolled up keeps looking at the same
    /// messages (the new one lands below the view instead of moving it).
    pub fn push_live(&mut self, message: MessageView) {
        let is_newest = self.messages.last().is_none_or(|last| last.seq < message.seq);
        if self.merge([message]) == 1 && self.scroll > 0 && is_newest {
            self.scroll += 1;
        }
    }

    /// The message with this id.
    pub fn get_mut(&mut self, id: &MessageId) -> Option<&mut MessageView> {
        self.messages.iter_mut().find(|message| &message.id == id)
    }

    /// The message with this id.
    pub fn get(&self, id: &MessageId) -> Option<&MessageView> {
        self.messages.iter().find(|message| &message.id == id)
    }

    /// The oldest message held (where the next older page starts).
    pub fn oldest(&self) -> Option<&MessageView> {
        self.messages.first()
    }

    /// The newest message held.
    pub fn newest(&self) -> Option<&MessageView> {
        self.messages.last()
    }

    /// Scrolls up by `count` messages (never past the oldest held).
    pub fn scroll_up(&mut self, count: usize) {
        self.scroll = (self.scroll + count).min(self.messages.len().saturating_sub(1));
    }

    /// Scrolls down by `count` messages (0 follows live messages again).
    pub fn scroll_down(&mut self, count: usize) {
        self.scroll = self.scroll.saturating_sub(count);
        self.to_top = false;
    }

    /// To the oldest message held, and on up as older pages arrive.
    pub fn go_to_top(&mut self) {
        self.scroll = self.messages.len().saturating_sub(1);
        self.to_top = true;
    }

    /// To the newest message, following live ones.
    pub fn go_to_bottom(&mut self) {
        self.scroll = 0;
        self.to_top = false;
    }

    /// Whether the reader is near the oldest message held, so the next older page should load.
    pub fn wants_older(&self) -> bool {
        const PREFETCH: usize = 20;
        self.retry_at.is_none()
            && self.loaded == Loaded::Ready
            && self.has_older
            && !self.loading_older
            && self.scroll + PREFETCH >= self.messages.len()
    }

    /// Places the "new messages" line above the newest `unread` messages.
    pub fn place_read_marker(&mut self, unread: i64) {
        let unread = usize::try_from(unread).unwrap_or(0);
        self.read_marker = if unread == 0 || unread >= self.messages.len() {
            None
        } else {
            Some(self.messages[self.messages.len() - unread - 1].id.clone())
        };
    }

    /// Moves the selection `by` messages (negative: older), starting from the newest.
    pub fn move_selection(&mut self, by: isize) {
        if self.messages.is_empty() {
            self.selected = None;
            return;
        }
        let last = self.messages.len() - 1;
        let at = self
            .selected
            .as_ref()
            .and_then(|id| self.messages.iter().position(|message| &message.id == id))
            .unwrap_or(last);
        let moved = at.saturating_add_signed(by).min(last);
        self.selected = Some(self.messages[moved].id.clone());
        // Keep the selection in view: the view shows from `len - 1 - scroll` upwards.
        let from_bottom = last - moved;
        if from_bottom < self.scroll {
            self.scroll = from_bottom;
        }
    }
}
