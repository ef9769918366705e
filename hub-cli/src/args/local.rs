//! The commands that work straight on the database, with no server: `hub migrate`, `hub users`,
//! `hub backup`, `hub restore`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// `hub backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The new file to write
    pub path: PathBuf,
}

/// `hub restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup to restore
    pub path: PathBuf,
    /// Do it without asking
    #[arg(long)]
    pub yes: bool,
}

/// `hub migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Only print how many migrations are pending; apply nothing
    #[arg(long)]
    pub status: bool,
}

/// `hub users ...`.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account with a password
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

    /// List accounts, suspended ones included, ordered by username
    ///
    /// One page at a time: when more follow, hub prints the --cursor to pass for the
    /// next page (on stderr, so stdout stays a clean table or JSON).
    ///
    /// Examples:
    ///   hub users list
    ///   hub users list --limit 20 --cursor bob
    ///   hub users list --all --json | jq -r 'select(.is_superuser) | .username'
    #[command(verbatim_doc_comment)]
    List(ListUsersArgs),

    /// Suspend an account: it can no longer sign in, and its sessions end at once
    ///
    /// Examples:
    ///   hub users suspend mallory
    #[command(verbatim_doc_comment)]
    Suspend(UsernameArgs),

    /// Lift a suspension, so the account can sign in again
    ///
    /// Examples:
    ///   hub users restore mallory
    #[command(verbatim_doc_comment)]
    Restore(UsernameArgs),
}

/// `hub users create`.
#[derive(Debug, Args)]
pub struct CreateUserArgs {
    /// Letters, digits, '_', '.' and '-', starting with a letter or digit (2 to 32 characters
    /// unless HUB_AUTH__MAX_USERNAME_LENGTH says otherwise)
    pub username: String,

    /// Make the account a site admin
    #[arg(long)]
    pub admin: bool,

    /// Email address
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,

    /// Display name
    #[arg(long, value_name = "NAME")]
    pub full_name: Option<String>,

    /// Read the password from the first line of standard input instead of asking for it
    #[arg(long)]
    pub password_stdin: bool,
}

/// `hub users list`.
#[derive(Debug, Args)]
pub struct ListUsersArgs {
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
}

/// `hub users suspend` and `hub users restore`.
#[derive(Debug, Args)]
pub struct UsernameArgs {
    /// Username of the account (case-insensitive)
    pub username: String,
}
