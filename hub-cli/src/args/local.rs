//! The commands that work straight on the database, with no server: `hub migrate`, `hub users
//! create`, `hub backup`, `hub restore`.

use std::path::PathBuf;

use clap::Args;

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

/// `hub seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// People to create (usernames like ada.costa; every one signs in with the printed password)
    #[arg(long, default_value_t = 50)]
    pub users: usize,
    /// Channels, with topics and members (every fifth one private; the first has everyone)
    #[arg(long, default_value_t = 10)]
    pub channels: usize,
    /// Chat messages: threads, mentions and reactions among them, a tenth in direct conversations
    #[arg(long, default_value_t = 2000)]
    pub messages: usize,
    /// Forum posts, each with a comment tree and votes
    #[arg(long, default_value_t = 20)]
    pub posts: usize,
    /// Reports of messages [default: one per 500 channel messages, at least three]
    #[arg(long, value_name = "N")]
    pub reports: Option<usize>,
    /// The same seed makes the same community (names, texts, who wrote what, in which order)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}
