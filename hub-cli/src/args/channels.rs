//! `hub channels ...` and `hub messages ...`: channels, their members and their messages, over
//! the API (the caller's rights apply: a site admin may manage any channel it can see).

use clap::{Args, Subcommand};

use super::remote::{Format, ProfileOption};

/// `hub channels ...`.
#[derive(Debug, Subcommand)]
pub enum ChannelsCommand {
    /// List public channels (the directory), or --mine: the ones you are in
    ///
    /// Examples:
    ///   hub channels list
    ///   hub channels list --search dev
    ///   hub channels list --mine --format json
    #[command(verbatim_doc_comment)]
    List(ListChannelsArgs),

    /// Show one channel: kind, topic, members, state
    ///
    /// Examples:
    ///   hub channels show '#general'
    #[command(verbatim_doc_comment)]
    Show(ChannelArgs),

    /// Create a channel (you become its owner)
    ///
    /// Examples:
    ///   hub channels create announcements --topic "Read me first"
    ///   hub channels create staff --private
    #[command(verbatim_doc_comment)]
    Create(CreateChannelArgs),

    /// Archive a channel: it stays readable and takes nothing new. Asks first; without a
    /// terminal it needs --yes
    ///
    /// Examples:
    ///   hub channels archive '#old-project' --reason "project ended"
    #[command(verbatim_doc_comment)]
    Archive(ArchiveChannelArgs),

    /// A channel's members: list, add, remove
    #[command(subcommand)]
    Members(MembersCommand),
}

/// `hub channels members ...`.
#[derive(Debug, Subcommand)]
pub enum MembersCommand {
    /// List a channel's members and their roles
    ///
    /// Examples:
    ///   hub channels members list '#general'
    #[command(verbatim_doc_comment)]
    List(ChannelArgs),

    /// Add someone to a channel
    ///
    /// Examples:
    ///   hub channels members add '#staff' @carol
    #[command(verbatim_doc_comment)]
    Add(MemberArgs),

    /// Remove someone from a channel (a kick: they can join again unless banned). Asks
    /// first; without a terminal it needs --yes
    ///
    /// Examples:
    ///   hub channels members remove '#general' @mallory --reason "spam"
    #[command(verbatim_doc_comment)]
    Remove(RemoveMemberArgs),
}

/// `hub messages ...`.
#[derive(Debug, Subcommand)]
pub enum MessagesCommand {
    /// Show one message: author, time, text, edits, replies, reactions
    ///
    /// Examples:
    ///   hub messages show 0193f1c2-...
    #[command(verbatim_doc_comment)]
    Show(MessageArgs),

    /// Delete a message (it leaves a tombstone). Asks first; without a terminal it needs
    /// --yes. Deleting someone else's message is in the audit log, with the reason
    ///
    /// Examples:
    ///   hub messages delete 0193f1c2-... --reason "doxxing"
    #[command(verbatim_doc_comment)]
    Delete(DeleteMessageArgs),

    /// Search messages (not available yet: it comes with hub's search)
    Search(SearchMessagesArgs),
}

/// `hub channels list`.
#[derive(Debug, Args)]
pub struct ListChannelsArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// Only channels whose name contains TEXT
    #[arg(long, value_name = "TEXT", conflicts_with = "mine")]
    pub search: Option<String>,
    /// The channels you are in (direct conversations too) instead of the directory
    #[arg(long)]
    pub mine: bool,
    /// Most channels to list
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// How to print them
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// A command about one channel.
#[derive(Debug, Args)]
pub struct ChannelArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The channel: #name or its id
    pub channel: String,
    /// How to print it
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `hub channels create`.
#[derive(Debug, Args)]
pub struct CreateChannelArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// Its name (letters, digits, '-' and '_')
    pub name: String,
    /// Only people with the join code (or added by an admin) can join
    #[arg(long)]
    pub private: bool,
    /// A one-line topic
    #[arg(long)]
    pub topic: Option<String>,
    /// A longer description
    #[arg(long)]
    pub description: Option<String>,
    /// How to print it
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `hub channels archive`.
#[derive(Debug, Args)]
pub struct ArchiveChannelArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The channel: #name or its id
    pub channel: String,
    /// Why (kept in the audit log)
    #[arg(long)]
    pub reason: String,
    /// Do it without asking (needed without a terminal)
    #[arg(long)]
    pub yes: bool,
}

/// `hub channels members add`.
#[derive(Debug, Args)]
pub struct MemberArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The channel: #name or its id
    pub channel: String,
    /// The person: @username or their id
    pub user: String,
}

/// `hub channels members remove`.
#[derive(Debug, Args)]
pub struct RemoveMemberArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The channel: #name or its id
    pub channel: String,
    /// The person: @username or their id
    pub user: String,
    /// Why (kept in the audit log)
    #[arg(long)]
    pub reason: String,
    /// Do it without asking (needed without a terminal)
    #[arg(long)]
    pub yes: bool,
}

/// `hub messages show`.
#[derive(Debug, Args)]
pub struct MessageArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The message's id
    pub id: String,
    /// How to print it
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `hub messages delete`.
#[derive(Debug, Args)]
pub struct DeleteMessageArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The message's id
    pub id: String,
    /// Why (kept in the audit log when it is not your own message)
    #[arg(long)]
    pub reason: String,
    /// Do it without asking (needed without a terminal)
    #[arg(long)]
    pub yes: bool,
}

/// `hub messages search`.
#[derive(Debug, Args)]
pub struct SearchMessagesArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// What to look for
    pub query: String,
}
