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
