//! `hub users ...`: accounts. `create` works straight on the database (it makes the first admin
//! before any server runs); the rest talk to a running server as a site admin, and `list`,
//! `suspend` and `restore` can also work on the database with `--local`.

use clap::{Args, Subcommand};

use super::local::CreateUserArgs;
use super::remote::{Format, ProfileOption};

/// `hub users ...`.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account with a password (on the database; no server needed)
    ///
    /// Without --password-stdin, hub asks for the password twice without echoing it.
    /// The password policy is the server's: at least 8 characters, not the username,
    /// not a common password.
    ///
    /// Examples:
    ///   hub users create alice --admin --full-name "Alice Liddell"
    ///   printf '%s\n' "$PASSWORD" | hub users create bob --password-stdin
    #[command(verbatim_doc_comment)]
    Create(CreateUserArgs),

    /// List accounts, suspended ones included, ordered by username (server; --local: database)
    ///
    /// One page at a time: when more follow, hub prints the --cursor to pass for the
    /// next page (on stderr, so stdout stays a clean table or JSON).
    ///
    /// Examples:
    ///   hub users list
    ///   hub users list --limit 20 --cursor bob
    ///   hub users list --all --json | jq -r 'select(.is_superuser) | .username'
    ///   hub users list --local           on the server's machine, no sign-in needed
    #[command(verbatim_doc_comment)]
    List(ListUsersArgs),

    /// Find accounts by username or display name (server)
    ///
    /// Examples:
    ///   hub users search ali
    ///   hub users search ali --format json
    #[command(verbatim_doc_comment)]
    Search(SearchUsersArgs),

    /// Show one account: role, suspension, when it was made and last seen (server)
    ///
    /// Examples:
    ///   hub users show @alice
    ///   hub users show 0193f1c2-...
    #[command(verbatim_doc_comment)]
    Show(ShowUserArgs),

    /// Make an account a site admin (server)
    ///
    /// Examples:
    ///   hub users promote @carol --reason "joins the moderators"
    #[command(verbatim_doc_comment)]
    Promote(RoleArgs),

    /// Take site admin away from an account; not your own (server)
    ///
    /// Examples:
    ///   hub users demote @carol --reason "left the team"
    #[command(verbatim_doc_comment)]
    Demote(RoleArgs),

    /// Suspend an account: it can no longer sign in, and its sessions end at once
    /// (server; --local: database). Asks first; without a terminal it needs --yes.
    ///
    /// Examples:
    ///   hub users suspend @mallory --for 7d --reason "spam after a warning"
    ///   hub users suspend @mallory --reason "ban" --yes
    ///   hub users suspend mallory --local --reason "locked out of the API" --yes
    #[command(verbatim_doc_comment)]
    Suspend(SuspendUserArgs),

    /// Lift a suspension, so the account can sign in again (server; --local: database)
    ///
    /// Examples:
    ///   hub users restore @mallory --reason "appeal accepted"
    #[command(verbatim_doc_comment)]
    Restore(RestoreUserArgs),

    /// Delete an account as closing it does: content erased (unless the hub keeps it),
    /// profile emptied, sessions ended (server). Asks first; without a terminal it
    /// needs --yes. Cannot be undone.
    ///
    /// Examples:
    ///   hub users delete @spambot --reason "spam account"
    #[command(verbatim_doc_comment)]
    Delete(DeleteUserArgs),

    /// An account's login sessions: list them, end one or all (server)
    #[command(subcommand)]
    Sessions(SessionsCommand),
}

/// `hub users sessions ...`.
#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// List an account's sessions, newest first, ended ones included
    ///
    /// Examples:
    ///   hub users sessions list @alice
    #[command(verbatim_doc_comment)]
    List(ShowUserArgs),

    /// End one session (by id) or --all of them: their refresh tokens stop working
    /// and the account's open connections close. Asks first; without a terminal it
    /// needs --yes.
    ///
    /// Examples:
    ///   hub users sessions revoke @alice 0193f1c2-... --reason "lost laptop"
    ///   hub users sessions revoke @alice --all --reason "password leaked" --yes
    #[command(verbatim_doc_comment)]
    Revoke(RevokeSessionsArgs),
}

/// `hub users list`.
#[derive(Debug, Args)]
pub struct ListUsersArgs {
    #[command(flatten)]
    pub profile: ProfileOption,

    /// Users per page [default: the server's default page size, 50]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,

    /// Start after this username (the cursor printed under the previous page)
    #[arg(long, value_name = "CURSOR")]
    pub cursor: Option<String>,

    /// Walk every page instead of stopping after one
    #[arg(long)]
    pub all: bool,

    /// Print one JSON object a line instead of a table
    #[arg(long)]
    pub json: bool,

    /// Read the database directly instead of asking a server (on the server's machine)
    #[arg(long)]
    pub local: bool,
}

/// `hub users search`.
#[derive(Debug, Args)]
pub struct SearchUsersArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// Part of a username or display name (case-insensitive)
    pub text: String,
    /// Most accounts to show
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// How to print them
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `hub users show` and `hub users sessions list`.
#[derive(Debug, Args)]
pub struct ShowUserArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The account: @username or its id
    pub target: String,
    /// How to print it
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `hub users promote` and `hub users demote`.
#[derive(Debug, Args)]
pub struct RoleArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The account: @username or its id
    pub target: String,
    /// Why (kept in the audit log)
    #[arg(long)]
    pub reason: String,
}

/// `hub users suspend`.
#[derive(Debug, Args)]
pub struct SuspendUserArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The account: @username or its id (with --local: its username)
    pub target: String,
    /// How long: 30m, 12h, 7d, 2w [default: until restored]
    #[arg(long = "for", value_name = "DURATION")]
    pub duration: Option<String>,
    /// Why (kept in the audit log)
    #[arg(long)]
    pub reason: String,
    /// Do it without asking (needed without a terminal)
    #[arg(long)]
    pub yes: bool,
    /// Work on the database directly instead of asking a server
    #[arg(long, conflicts_with = "duration")]
    pub local: bool,
}

/// `hub users restore`.
#[derive(Debug, Args)]
pub struct RestoreUserArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The account: @username or its id (with --local: its username)
    pub target: String,
    /// Why (kept in the audit log)
    #[arg(long)]
    pub reason: String,
    /// Work on the database directly instead of asking a server
    #[arg(long)]
    pub local: bool,
}

/// `hub users delete`.
#[derive(Debug, Args)]
pub struct DeleteUserArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The account: @username or its id
    pub target: String,
    /// Why (kept in the audit log)
    #[arg(long)]
    pub reason: String,
    /// Do it without asking (needed without a terminal)
    #[arg(long)]
    pub yes: bool,
}

/// `hub users sessions revoke`.
#[derive(Debug, Args)]
pub struct RevokeSessionsArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The account: @username or its id
    pub target: String,
    /// The session to end (from `hub users sessions list`)
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub session: Option<String>,
    /// End every open session of the account
    #[arg(long)]
    pub all: bool,
    /// Why (kept in the audit log)
    #[arg(long)]
    pub reason: String,
    /// Do it without asking (needed without a terminal)
    #[arg(long)]
    pub yes: bool,
}
