//! The client's state as plain data: what `update` changes and the views draw. Tests build it by
//! hand; nothing in it talks to the network or the terminal.

mod composer;
mod forum;
mod outbox;
mod overlay;
mod timeline;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use hub_core::model::{ChannelId, ChannelKind, MessageId, NotifyLevel, UserId, UserStatus};
use hub_core::protocol::v1::{MessageView, MyChannelView, UserView};

pub use composer::Composer;
pub use forum::{Forum, PostPane};
pub use outbox::{OutState, Outbox, Outgoing};
pub use overlay::{Confirm, Overlay, Picker, Prompt, PromptKind, Switcher};
pub use timeline::{Loaded, Timeline};

use super::keymap::Mode;

/// Which screen is up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// Signing in or registering.
    Login(LoginForm),
    /// Channels, messages, threads.
    Main,
}

/// The sign-in form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginForm {
    /// The server's address.
    pub server: Composer,
    /// The username.
    pub username: Composer,
    /// The password (drawn as dots).
    pub password: Composer,
    /// Which field has the cursor: 0 server, 1 username, 2 password.
    pub field: usize,
    /// Make a new account instead of signing in.
    pub register: bool,
    /// Waiting for the server.
    pub busy: bool,
    /// Why the last attempt failed.
    pub error: Option<String>,
}

impl LoginForm {
    /// The field with the cursor.
    pub fn focused(&mut self) -> &mut Composer {
        match self.field {
            0 => &mut self.server,
            1 => &mut self.username,
            _ => &mut self.password,
        }
    }
}

/// The gateway connection as the status line shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// The first connection is being made.
    Connecting,
    /// Live.
    Connected,
    /// Dropped; trying again (attempt n).
    Reconnecting {
        /// Attempts so far.
        attempt: u32,
    },
    /// Given up (or refused); why.
    Offline(String),
}

/// Who the client is signed in as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    /// The user's id.
    pub id: UserId,
    /// Their username.
    pub username: String,
    /// A site admin (moderation view, report count).
    pub is_admin: bool,
}

/// One channel or direct conversation in the sidebar.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelEntry {
    /// The channel.
    pub id: ChannelId,
    /// Its name (for a DM: the other people's usernames).
    pub name: String,
    /// Public, private, voice or DM.
    pub kind: ChannelKind,
    /// Its topic.
    pub topic: String,
    /// Unread messages.
    pub unread: i64,
    /// Unread mentions of the user.
    pub mentions: i64,
    /// What the user is notified of.
    pub notify: NotifyLevel,
    /// For a DM, the other person (their presence dot).
    pub peer: Option<UserId>,
}

impl ChannelEntry {
    /// The entry for a channel the user is in.
    pub fn from_view(view: &MyChannelView, me: Option<&UserId>) -> ChannelEntry {
        let others: Vec<&UserView> = view
            .members
            .iter()
            .flatten()
            .filter(|member| Some(&member.id) != me)
            .collect();
        let is_dm = view.channel.kind == ChannelKind::Dm;
        let name = if is_dm && !others.is_empty() {
            others
                .iter()
                .map(|user| user.username.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            view.channel.name.clone()
        };
        ChannelEntry {
            id: view.channel.id.clone(),
            name,
            kind: view.channel.kind,
            topic: view.channel.topic.clone(),
            unread: view.unread_count,
            mentions: view.mention_count,
            notify: view.notify,
            peer: (is_dm && others.len() == 1).then(|| others[0].id.clone()),
        }
    }

    /// Whether it belongs under DIRECT in the sidebar.
    pub fn is_direct(&self) -> bool {
        self.kind == ChannelKind::Dm
    }

    /// `#name` for a channel, the name for a DM.
    pub fn label(&self) -> String {
        if self.is_direct() {
            self.name.clone()
        } else {
            format!("#{}", self.name)
        }
    }
}

/// A user as far as the client knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Their username.
    pub username: String,
    /// Online, away, busy or offline.
    pub status: UserStatus,
    /// A bot account.
    pub is_bot: bool,
}

impl From<&UserView> for Person {
    fn from(user: &UserView) -> Person {
        Person {
            username: user.username.clone(),
            status: user.status,
            is_bot: user.is_bot,
        }
    }
}

/// An open thread: the parent message, its replies and the thread's own composer.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadPane {
    /// The channel.
    pub channel_id: ChannelId,
    /// The message the thread hangs from.
    pub parent: MessageView,
    /// Replies, oldest first.
    pub replies: Vec<MessageView>,
    /// Whether the replies have arrived.
    pub loaded: bool,
    /// The thread's composer.
    pub composer: Composer,
}

impl ThreadPane {
    /// Adds or replaces a reply, keeping order.
    pub fn merge(&mut self, reply: MessageView) {
        match self.replies.binary_search_by_key(&reply.seq, |held| held.seq) {
            Ok(at) => self.replies[at] = reply,
            Err(at) => self.replies.insert(at, reply),
        }
    }
}

/// Which part of hub is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Place {
    /// Channels and direct conversations.
    #[default]
    Chat,
    /// The forum.
    Forum,
}

/// Which pane keys go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    /// The channel's messages and composer.
    #[default]
    Channel,
    /// The thread pane.
    Thread,
}

/// A line shown in the status bar until the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// Whether it reports a failure.
    pub error: bool,
}

/// Someone typing in a channel, until a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typing {
    /// The channel.
    pub channel_id: ChannelId,
    /// Who.
    pub user_id: UserId,
    /// Until when to show it.
    pub until: DateTime<Utc>,
}

/// When a message alerts (the config file's `[notifications]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alerts {
    /// Which messages ring the terminal bell.
    pub bell: AlertLevel,
    /// Which show a desktop notification too.
    pub desktop: AlertLevel,
}

impl Default for Alerts {
    fn default() -> Alerts {
        Alerts {
            bell: AlertLevel::Mentions,
            desktop: AlertLevel::Never,
        }
    }
}

/// Which messages alert, within each channel's own notification level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertLevel {
    /// Every message in a channel notifying of all.
    All,
    /// Mentions of the user and direct messages.
    Mentions,
    /// None.
    Never,
}

/// Everything the client holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The clock, as of the last tick (views draw times from it, so snapshots are stable).
    pub now: DateTime<Utc>,
    /// Login or main.
    pub screen: Screen,
    /// The server's address.
    pub server: String,
    /// Who is signed in.
    pub me: Option<Me>,
    /// The gateway connection.
    pub connection: Connection,
    /// The sidebar's entries: channels, then direct conversations, each by name.
    pub channels: Vec<ChannelEntry>,
    /// Whether the channel list has arrived.
    pub channels_loaded: bool,
    /// The channel list failed: asked for again at this time.
    pub channels_retry_at: Option<DateTime<Utc>>,
    /// The channel on screen.
    pub selected: Option<ChannelId>,
    /// What is held of each channel.
    pub timelines: BTreeMap<ChannelId, Timeline>,
    /// People by id (names of authors, presence of DM peers).
    pub people: BTreeMap<UserId, Person>,
    /// People asked for and not yet here.
    pub people_asked: BTreeSet<UserId>,
    /// The open thread.
    pub thread: Option<ThreadPane>,
    /// Chat or forum.
    pub place: Place,
    /// The forum's posts and the open post.
    pub forum: Forum,
    /// Where keys go.
    pub focus: Focus,
    /// Normal, insert, select or command.
    pub mode: Mode,
    /// The user's own bindings (from the config file).
    pub keymap: super::keymap::Keymap,
    /// When to ring the bell and show desktop notifications.
    pub alerts: Alerts,
    /// Keys of a sequence typed so far (`Space` then `k`).
    pub pending_keys: Vec<crate::key::Key>,
    /// The channel's composer.
    pub composer: Composer,
    /// The message being edited by the composer, instead of a new one.
    pub editing: Option<MessageId>,
    /// The `:` command line.
    pub command_line: Composer,
    /// What is drawn over the screen.
    pub overlay: Option<Overlay>,
    /// Messages on their way out.
    pub outbox: Outbox,
    /// Who is typing where.
    pub typing: Vec<Typing>,
    /// When the user's own typing was last announced.
    pub typing_sent: Option<(ChannelId, DateTime<Utc>)>,
    /// The last message marked read in each channel (so each is sent once).
    pub read_sent: BTreeMap<ChannelId, MessageId>,
    /// The status bar's message.
    pub notice: Option<Notice>,
    /// Open reports (moderators).
    pub open_reports: Option<u64>,
    /// The user asked to leave.
    pub quit: bool,
}

impl Model {
    /// A fresh client at `now`, on the login screen (or straight to the main one with a saved
    /// session: `update` gets `SignedIn` for it).
    pub fn new(now: DateTime<Utc>, server: &str) -> Model {
        Model {
            now,
            screen: Screen::Login(LoginForm {
                server: Composer::with_text(server),
                field: if server.is_empty() { 0 } else { 1 },
                ..LoginForm::default()
            }),
            server: server.to_owned(),
            me: None,
            connection: Connection::Connecting,
            channels: Vec::new(),
            channels_loaded: false,
            channels_retry_at: None,
            selected: None,
            timelines: BTreeMap::new(),
            people: BTreeMap::new(),
            people_asked: BTreeSet::new(),
            thread: None,
            place: Place::Chat,
            forum: Forum::default(),
            focus: Focus::Channel,
            mode: Mode::Normal,
            keymap: super::keymap::Keymap::default(),
            alerts: Alerts::default(),
            pending_keys: Vec::new(),
            composer: Composer::default(),
            editing: None,
            command_line: Composer::default(),
            overlay: None,
            outbox: Outbox::default(),
            typing: Vec::new(),
            typing_sent: None,
            read_sent: BTreeMap::new(),
            notice: None,
            open_reports: None,
            quit: false,
        }
    }

    /// The keymap mode the keys are looked up in: normal mode means the forum's list or post
    /// keys while the forum is on screen.
    pub fn key_mode(&self) -> Mode {
        match (self.mode, self.place, self.forum.open.is_some()) {
            (Mode::Normal, Place::Forum, false) => Mode::Forum,
            (Mode::Normal, Place::Forum, true) => Mode::Post,
            (mode, _, _) => mode,
        }
    }

    /// The selected channel's sidebar entry.
    pub fn current(&self) -> Option<&ChannelEntry> {
        let id = self.selected.as_ref()?;
        self.channels.iter().find(|entry| &entry.id == id)
    }

    /// A channel's sidebar entry.
    pub fn channel_mut(&mut self, id: &ChannelId) -> Option<&mut ChannelEntry> {
        self.channels.iter_mut().find(|entry| &entry.id == id)
    }

    /// The selected channel's timeline.
    pub fn timeline(&self) -> Option<&Timeline> {
        self.timelines.get(self.selected.as_ref()?)
    }

    /// The selected channel's timeline, to change.
    pub fn timeline_mut(&mut self) -> Option<&mut Timeline> {
        self.timelines.get_mut(self.selected.as_ref()?)
    }

    /// The name to show for an author.
    pub fn name_of(&self, user: Option<&UserId>) -> String {
        match user {
            None => "(deleted)".to_owned(),
            Some(id) => self
                .people
                .get(id)
                .map_or_else(|| "…".to_owned(), |person| person.username.clone()),
        }
    }

    /// Who is typing in a channel now (not the user).
    pub fn typing_in(&self, channel_id: &ChannelId) -> Vec<String> {
        self.typing
            .iter()
            .filter(|typing| &typing.channel_id == channel_id && typing.until > self.now)
            .map(|typing| self.name_of(Some(&typing.user_id)))
            .collect()
    }

    /// Sorts the sidebar: channels first, then direct conversations, each by name.
    pub fn sort_channels(&mut self) {
        self.channels
            .sort_by_key(|entry| (entry.is_direct(), entry.name.to_lowercase()));
    }
}
