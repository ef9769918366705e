//! The commands that talk to a running server: `hub auth`, `hub reports`, `hub audit`, `hub send`,
//! `hub tail`.

use clap::{Args, Subcommand, ValueEnum};

/// Which signed-in profile a command uses.
#[derive(Debug, Clone, Args)]
pub struct ProfileOption {
    /// Profile to use (one per server; `hub auth login` makes them) [default: the current one]
    #[arg(long, env = "HUB_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// Aligned columns for people.
    #[default]
    Table,
    /// One JSON document with stable field names, for scripts.
    Json,
    /// One compact JSON value a line (a list's items one a line), for streams and line tools.
    Jsonl,
}

impl Format {
    /// Either JSON form.
    pub fn is_json(self) -> bool {
        matches!(self, Format::Json | Format::Jsonl)
    }
}

/// `hub auth ...`.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Sign in to a server and keep the session in a profile
    ///
    /// The tokens are kept in <config dir>/hub/profiles.json, readable by you only. The
    /// password is asked for on a terminal, or read from stdin with --password-stdin; a token
    /// you already have is read from stdin with --with-token. HUB_SERVER and HUB_TOKEN, when
    /// set, override any profile.
    ///
    /// Examples:
    ///   hub auth login --server https://chat.example.org --username mod
    ///   echo "$PASSWORD" | hub auth login --server http://127.0.0.1:8000 --username mod --password-stdin
    #[command(verbatim_doc_comment)]
    Login(LoginArgs),
    /// Say which server and account a profile is signed in to, and whether the session is alive
    Status(ProfileOption),
    /// End a profile's session on the server and forget its tokens
    Logout(ProfileOption),
    /// Make another profile the current one
    Switch(SwitchArgs),
    /// Print the profile's access token (for scripts: curl -H "Authorization: Bearer $(hub auth token)")
    Token(ProfileOption),
}

/// `hub auth login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The server, e.g. http://127.0.0.1:8000
    #[arg(long, env = "HUB_SERVER", value_name = "URL")]
    pub server: String,
    /// The profile's name [default: default]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Your username (asked for when missing and on a terminal)
    #[arg(long)]
    pub username: Option<String>,
    /// Read the password from the first line of stdin
    #[arg(long, conflicts_with = "with_token")]
    pub password_stdin: bool,
    /// Read an access token from stdin instead of signing in with a password
    #[arg(long)]
    pub with_token: bool,
}

/// `hub auth switch`.
#[derive(Debug, Args)]
pub struct SwitchArgs {
    /// The profile to use from now on
    pub profile: String,
}

/// `hub reports ...`: the moderators' queue (site admins).
#[derive(Debug, Subcommand)]
pub enum ReportsCommand {
    /// List reports, oldest first
    ///
    /// Examples:
    ///   hub reports list                         the open queue
    ///   hub reports list --status resolved --reason harassment --format json
    #[command(verbatim_doc_comment)]
    List(ListReportsArgs),
    /// Show one report: the content as captured and as it is now, its context, the reporter,
    /// the author and the author's earlier reports
    Show(ShowReportArgs),
    /// Resolve a report with an action (delete-content, suspend and ban ask first)
    ///
    /// Examples:
    ///   hub reports resolve 01J... --action delete-content --reason "threat in #general"
    ///   hub reports resolve 01J... --action suspend --for 7d --reason "second warning" --yes
    #[command(verbatim_doc_comment)]
    Resolve(ResolveArgs),
    /// Dismiss a report: nothing to act on
    Dismiss(DismissArgs),
    /// Work through the open queue, one report per screen (full-screen; needs a terminal)
    ///
    /// Keys: r resolve, x delete content, s suspend, b ban, d dismiss, n next (skip),
    /// p previous, u undo, q quit, ? help. Every choice asks why (it lands in the audit
    /// log); delete, suspend and ban then ask again, No by default. A choice is sent when
    /// you move on, so u takes it back while it is on screen. Reports made while you
    /// triage join the queue. Without a terminal use list, show, resolve and dismiss.
    ///
    /// Examples:
    ///   hub reports triage
    ///   hub reports triage --profile prod
    #[command(verbatim_doc_comment)]
    Triage(TriageArgs),
}

/// `hub reports triage`.
#[derive(Debug, Args)]
pub struct TriageArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
}

/// `hub reports list`.
#[derive(Debug, Args)]
pub struct ListReportsArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// open, resolved or dismissed [default: open]
    #[arg(long)]
    pub status: Option<String>,
    /// user, message, post or comment
    #[arg(long = "type", value_name = "TYPE")]
    pub target_type: Option<String>,
    /// spam, harassment, hate, self_harm, sexual_content, violence or other
    #[arg(long)]
    pub reason: Option<String>,
    /// Only reports made in the last DURATION (30m, 12h, 2d, 1w) or since a time (RFC 3339)
    #[arg(long, value_name = "DURATION|TIME")]
    pub since: Option<String>,
    /// Most reports to list
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// How to print them
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `hub reports show`.
#[derive(Debug, Args)]
pub struct ShowReportArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The report's id
    pub id: String,
    /// How to print it
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// What resolving does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Action {
    /// Nothing beyond closing the report.
    None,
    /// Delete the reported message.
    DeleteContent,
    /// Suspend the author (with --for).
    Suspend,
    /// Suspend the author for good.
    Ban,
}

/// `hub reports resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The report's id
    pub id: String,
    /// What to do
    #[arg(long, value_enum)]
    pub action: Action,
    /// How long a suspension lasts: 30m, 12h, 7d, 2w
    #[arg(long = "for", value_name = "DURATION")]
    pub duration: Option<String>,
    /// Why (kept in the audit log)
    #[arg(long)]
    pub reason: String,
    /// Do it without asking (needed without a terminal for delete-content, suspend and ban)
    #[arg(long)]
    pub yes: bool,
}

/// `hub reports dismiss`.
#[derive(Debug, Args)]
pub struct DismissArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The report's id
    pub id: String,
    /// Why (kept in the audit log)
    #[arg(long)]
    pub reason: String,
}

/// `hub audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// What moderators and site admins did, newest first
    ///
    /// Examples:
    ///   hub audit list --action report.resolve
    ///   hub audit list --since 2026-12-01T00:00:00Z --format json
    #[command(verbatim_doc_comment)]
    List(AuditListArgs),
}

/// `hub audit list`.
#[derive(Debug, Args)]
pub struct AuditListArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// Only this actor's entries: @username or a user id
    #[arg(long)]
    pub actor: Option<String>,
    /// Only this action, e.g. report.resolve, user.suspend
    #[arg(long)]
    pub action: Option<String>,
    /// Only entries about this id
    #[arg(long)]
    pub target: Option<String>,
    /// Only entries of the last DURATION (30m, 12h, 2d, 1w) or since a time (RFC 3339)
    #[arg(long, value_name = "DURATION|TIME")]
    pub since: Option<String>,
    /// Most entries to list
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Keep watching: print each new entry as it is written (oldest first; with
    /// --format json or jsonl, one entry a line) until interrupted
    #[arg(long)]
    pub follow: bool,
    /// How often --follow asks the server
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = super::bench::parse_duration)]
    pub every: std::time::Duration,
    /// How to print them
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `hub send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The channel: `#name` (one of yours) or its id
    pub channel: String,
    /// The text; read from stdin when left out
    pub text: Option<String>,
    /// Reply in this message's thread
    #[arg(long, value_name = "MESSAGE_ID")]
    pub thread: Option<String>,
    /// How to print the sent message
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `hub tail`.
#[derive(Debug, Args)]
pub struct TailArgs {
    #[command(flatten)]
    pub profile: ProfileOption,
    /// The channel: `#name` (one of yours) or its id
    pub channel: String,
    /// How many of the newest messages to print first
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Then keep printing new messages as they arrive (resuming after a dropped connection
    /// with nothing lost or doubled), until interrupted
    #[arg(long, short)]
    pub follow: bool,
    /// `table`: one line per message; `json`: one JSON object per line
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}
