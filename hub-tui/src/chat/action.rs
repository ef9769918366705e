//! Everything that can happen to the client ([`Action`]: keys, the clock, news from the network)
//! and everything it can ask of the world ([`Effect`]: the network worker and the terminal carry
//! those out and answer with more actions).

use chrono::{DateTime, Utc};
use hub_core::model::{
    ChannelId, ClientId, CommentId, MessageId, NotifyLevel, PostId, PostSort, ReportReason, ReportTarget, UserId,
    UserStatus,
};
use hub_core::protocol::v1::{
    CommentView, MeView, MessageView, MyChannelView, PostView, StoredEvent, ThreadView, UserView, VoteView,
};

use super::model::Outgoing;
use crate::key::Key;

/// Something that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A key press.
    Key(Key),
    /// Text pasted at once (bracketed paste).
    Paste(String),
    /// The clock moved (typing indicators expire, times redraw).
    Tick(DateTime<Utc>),
    /// Signed in (from the login screen or a saved session).
    SignedIn {
        /// Who.
        me: Box<MeView>,
        /// Where.
        server: String,
    },
    /// Signing in failed; why.
    SignInFailed(String),
    /// Signing in with the saved session cannot reach the server yet; it tries again (why).
    SignInRetrying(String),
    /// The gateway connection is live (the first time, or again after a drop).
    Connected,
    /// The gateway connection dropped; reconnecting.
    Reconnecting {
        /// Attempts so far.
        attempt: u32,
    },
    /// The gateway refused for good, or cannot be reached; why.
    Offline(String),
    /// The user's channels.
    ChannelsLoaded(Vec<MyChannelView>),
    /// The channel list could not be fetched (it is asked for again a little later).
    ChannelsFailed(String),
    /// A page of a channel's history (newest first, as the server sends it).
    HistoryLoaded {
        /// The channel.
        channel_id: ChannelId,
        /// Older than this message (none: the newest page).
        before: Option<MessageId>,
        /// The messages.
        messages: Vec<MessageView>,
        /// More exist beyond them.
        has_more: bool,
    },
    /// A history page failed.
    HistoryFailed {
        /// The channel.
        channel_id: ChannelId,
        /// Why.
        error: String,
    },
    /// A thread's parent and replies.
    ThreadLoaded(Box<ThreadView>),
    /// A person the client asked about.
    PersonLoaded(Box<UserView>),
    /// A channel event from the gateway.
    Event(Box<StoredEvent>),
    /// The server stored a message sent with this `client_id`.
    Acked {
        /// The key.
        client_id: ClientId,
        /// The stored message.
        message: Box<MessageView>,
    },
    /// The server refused a send.
    SendRefused {
        /// The key.
        client_id: ClientId,
        /// The error code (`rate_limited`, `forbidden`, …).
        code: String,
        /// Its text.
        message: String,
    },
    /// Someone is typing.
    Typing {
        /// Where.
        channel_id: ChannelId,
        /// Who.
        user_id: UserId,
        /// For how long.
        expires_in_ms: u64,
    },
    /// Someone's presence changed.
    Presence {
        /// Who.
        user_id: UserId,
        /// Now.
        status: UserStatus,
    },
    /// The user read up to a message on another device.
    ReadElsewhere {
        /// The channel.
        channel_id: ChannelId,
        /// The message.
        message_id: MessageId,
    },
    /// A channel's events are too old to replay: fetch it afresh.
    Resync(ChannelId),
    /// The user is now in a channel (joined, created, or a DM opened): show it.
    ChannelOpened(Box<MyChannelView>),
    /// The user left a channel.
    ChannelLeft(ChannelId),
    /// Something asked for was done; say so.
    Done(String),
    /// Something asked for failed; say why.
    Failed(String),
    /// The open report count (moderators).
    OpenReports(u64),
    /// A report was filed (moderators hear of each).
    ReportFiled,
    /// The messages that mention the user, newest first.
    MentionsLoaded(Vec<hub_core::protocol::v1::MentionView>),
    /// The public channels.
    ChannelsBrowsed(Vec<hub_core::protocol::v1::ChannelView>),
    /// The text back from `$EDITOR`.
    Edited(String),
    /// A page of forum posts.
    PostsLoaded {
        /// In this order.
        sort: PostSort,
        /// The posts.
        posts: Vec<PostView>,
        /// Where the next page starts.
        next_cursor: Option<String>,
        /// A further page (added to the list) rather than the first.
        more: bool,
    },
    /// A post's comment tree.
    CommentsLoaded {
        /// The post.
        post_id: PostId,
        /// Depth first.
        comments: Vec<CommentView>,
    },
    /// A vote was counted.
    Voted {
        /// On what.
        target: VoteTarget,
        /// The counts now.
        vote: VoteView,
    },
    /// The user's post was stored.
    PostWritten(Box<PostView>),
    /// The user's comment was stored.
    CommentWritten(Box<CommentView>),
}

/// What a vote is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteTarget {
    /// A post.
    Post(PostId),
    /// A comment.
    Comment(CommentId),
}

/// Something the client asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Sign in (or register) and connect.
    SignIn {
        /// The server.
        server: String,
        /// Username.
        username: String,
        /// Password.
        password: String,
        /// Make the account first.
        register: bool,
    },
    /// Fetch the user's channels.
    LoadChannels,
    /// Fetch a page of history.
    LoadHistory {
        /// The channel.
        channel_id: ChannelId,
        /// Older than this (none: the newest page).
        before: Option<MessageId>,
    },
    /// Fetch a thread.
    LoadThread(MessageId),
    /// Fetch a person.
    LoadPerson(UserId),
    /// Send a message over the gateway (again, after a drop: the `client_id` makes it once).
    Send(Outgoing),
    /// Save an edit.
    Edit {
        /// The message.
        message_id: MessageId,
        /// The new text.
        content: String,
    },
    /// Delete a message.
    Delete(MessageId),
    /// React.
    React {
        /// To which message.
        message_id: MessageId,
        /// With what.
        emoji: String,
    },
    /// Move the read marker.
    MarkRead {
        /// The channel.
        channel_id: ChannelId,
        /// The newest message read.
        message_id: MessageId,
    },
    /// Tell the channel the user is typing.
    Typing(ChannelId),
    /// Show as online, away, busy, or invisible (offline).
    SetStatus(UserStatus),
    /// Join a channel by name (and code, for a private one).
    Join {
        /// Its name.
        name: String,
        /// Its join code.
        code: Option<String>,
    },
    /// Create a channel.
    Create {
        /// Its name.
        name: String,
        /// Private (joined by code or invitation).
        private: bool,
    },
    /// Open a direct conversation.
    OpenDm(String),
    /// Leave a channel.
    Leave(ChannelId),
    /// Mute or unmute someone.
    Mute {
        /// Their username.
        username: String,
        /// Mute (or unmute).
        on: bool,
    },
    /// Block or unblock someone.
    Block {
        /// Their username.
        username: String,
        /// Block (or unblock).
        on: bool,
    },
    /// Set a channel's notification level.
    Notify {
        /// The channel.
        channel_id: ChannelId,
        /// The level.
        level: NotifyLevel,
    },
    /// Report something.
    Report {
        /// What kind of thing.
        target_type: ReportTarget,
        /// Its id.
        target_id: String,
        /// Why (free text; the reason is `other` unless it names one).
        reason: ReportReason,
        /// The reporter's words.
        details: String,
    },
    /// Report a person, by username.
    ReportUser {
        /// Their username.
        username: String,
        /// Why (the reason named first, else `other`).
        reason: ReportReason,
        /// The reporter's words.
        details: String,
    },
    /// Put text on the terminal's clipboard (OSC 52).
    Yank(String),
    /// Open a link in the desktop's browser.
    OpenLink(String),
    /// Ring the terminal bell (a mention, a DM).
    Bell,
    /// Show a desktop notification.
    Desktop {
        /// Who and where.
        title: String,
        /// The message.
        body: String,
    },
    /// Write the composer's text in `$EDITOR`; the loop answers with `Edited`.
    OpenEditor(String),
    /// Fetch the messages that mention the user.
    LoadMentions,
    /// Fetch the public channels.
    BrowseChannels,
    /// Join a channel by id (from the list of public channels).
    JoinId(ChannelId),
    /// Count the open reports (moderators).
    CountReports,
    /// Open the report triage screen (moderators): the loop hands it the terminal.
    Moderate,
    /// Fetch a page of forum posts.
    LoadPosts {
        /// In this order.
        sort: PostSort,
        /// From here (none: the first page).
        cursor: Option<String>,
    },
    /// Fetch a post's comments.
    LoadComments(PostId),
    /// Vote.
    Vote {
        /// On what.
        target: VoteTarget,
        /// +1, -1, or 0 to take it back.
        value: i64,
    },
    /// Write a post.
    WritePost {
        /// Its title.
        title: String,
        /// Its text.
        body: String,
    },
    /// Write a comment.
    WriteComment {
        /// On which post.
        post_id: PostId,
        /// Answering which comment.
        parent_id: Option<CommentId>,
        /// The text.
        body: String,
    },
}
