//! The command line as clap derive types: every command, option and help text, and nothing that
//! runs. `main` parses a [`Cli`] and hands each command to its module under `commands`. The
//! benchmark workloads' options live in `bench`, the commands that work straight on the
//! database in `local`, those that talk to a running server in `remote`.

mod bench;
mod channels;
mod local;
mod remote;
mod users;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use self::bench::{
    BenchCommand, DmArgs, FanoutArgs, FilesBenchArgs, HistoryArgs, IdleArgs, LoginArgs, ReportsBenchArgs,
    SearchBenchArgs, ServerOptions, TuiBenchArgs,
};
pub use self::channels::{
    ArchiveChannelArgs, ChannelArgs, ChannelsCommand, CreateChannelArgs, DeleteMessageArgs, ListChannelsArgs,
    MemberArgs, MembersCommand, MessageArgs, MessagesCommand, RemoveMemberArgs,
};
pub use self::local::{BackupArgs, CreateUserArgs, MigrateArgs, RestoreArgs, SeedArgs};
pub use self::remote::{
    Action, AuditCommand, AuditListArgs, AuthCommand, DismissArgs, Format, ListReportsArgs, LoginArgs as AuthLoginArgs,
    ProfileOption, ReportsCommand, ResolveArgs, SendArgs, ShowReportArgs, SwitchArgs, TailArgs, TriageArgs,
};
pub use self::users::{
    DeleteUserArgs, ListUsersArgs, RestoreUserArgs, RevokeSessionsArgs, RoleArgs, SessionsCommand, ShowUserArgs,
    SuspendUserArgs, UsersCommand,
};

const EXAMPLES: &str = "\
Getting started on a fresh install:
  hub migrate                        create the database (./hub-data/hub.db by default)
  hub users create alice --admin     make the first site admin; asks for a password
  hub users list --local             see who has an account
  hub seed                           or fill it with a demo community first

Moderating a running server (as a site admin):
  hub auth login --server http://127.0.0.1:8000 --username boss
  hub reports triage                 work the open queue, one report per screen
  hub reports list                   the open queue, oldest first
  hub reports show ID                what was reported, as captured and as it is now
  hub reports resolve ID --action delete-content --reason \"threat\"
  hub users suspend @mallory --for 7d --reason \"spam\"
  hub audit list --follow            what moderators do, as they do it

Scripts: hub send '#ci' \"deploy done\", hub tail '#alerts' --follow --format jsonl.
Data goes to stdout (a table, or --format json / jsonl), messages to stderr.

Measuring a running server (it makes its own users, named bench-...):
  hub bench fanout --server http://127.0.0.1:8000

Exit status: 0 ok, 1 error, 2 usage, 3 cancelled (or refused for want of --yes),
4 not authorised (or not signed in), 5 not found.

Settings come from the same places as hub-server: defaults, the TOML file named by
HUB_CONFIG, then HUB_* environment variables. The global options above override them.";

/// hub's admin and operator tool: moderation, accounts, channels and scripting against a
/// running server; migrations, first accounts, seeding, backup and restore on the database;
/// benchmarks.
#[derive(Debug, Parser)]
#[command(name = "hub", version, after_help = EXAMPLES)]
pub struct Cli {
    /// Where the database and settings are.
    #[command(flatten)]
    pub global: GlobalOptions,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes; they override the configuration file and `HUB_*` variables.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalOptions {
    /// Database to work on: sqlite://PATH or postgres://USER:PASSWORD@HOST/DB
    /// [default: sqlite://<data dir>/hub.db]
    #[arg(
        long,
        global = true,
        env = "HUB_DATABASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub database_url: Option<String>,

    /// Folder holding the SQLite database and the JWT secret [default: ./hub-data]
    #[arg(
        long,
        global = true,
        env = "HUB_DATA_DIR",
        hide_env_values = true,
        value_name = "DIR"
    )]
    pub data_dir: Option<PathBuf>,

    /// TOML file with hub's settings
    #[arg(long, global = true, env = "HUB_CONFIG", hide_env_values = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending database migrations
    ///
    /// hub-server also migrates when it starts; run this to upgrade the schema ahead of a
    /// deploy, or with --status to see whether an upgrade is due.
    ///
    /// Examples:
    ///   hub migrate
    ///   hub migrate --status
    ///   hub --database-url postgres://hub:secret@db.internal/hub migrate
    #[command(verbatim_doc_comment)]
    Migrate(MigrateArgs),

    /// Accounts: create, list, search, show, promote, demote, suspend, restore, delete, sessions
    ///
    /// `create` (and `list`, `suspend`, `restore` with --local) work directly on the
    /// database and apply any pending migrations first, so they also work on a fresh
    /// install. The others talk to a running server as a signed-in site admin.
    ///
    /// Examples:
    ///   hub users create alice --admin
    ///   hub users list --all
    ///   hub users suspend @mallory --for 7d --reason "spam"
    #[command(subcommand, verbatim_doc_comment)]
    Users(UsersCommand),

    /// Fill a fresh database with a realistic, repeatable demo community [on the database]
    ///
    /// People, channels with topics, conversations with threads, mentions and reactions,
    /// direct conversations, forum posts with comment trees and votes, and a few reports,
    /// made through the same services (and rules) as the server. Run it before starting
    /// the server: it refuses while one holds the data folder. The same --seed gives the
    /// same data. Prints how long it took and the demo accounts' password.
    ///
    /// Examples:
    ///   hub seed
    ///   hub seed --users 200 --channels 30 --messages 100000 --posts 100 --seed 7
    #[command(verbatim_doc_comment)]
    Seed(SeedArgs),

    /// Drive a running hub-server over its real API and print figures
    ///
    /// Each workload registers its own users (named bench-<run>-...), so runs never
    /// collide; the database options above are not used. The server's per-user limits
    /// must be lifted for most workloads: each one's --help says which.
    ///
    /// Examples:
    ///   hub bench fanout --members 100 --senders 10
    ///   hub bench dm --pairs 50
    ///   hub bench idle --connections 10000
    ///   hub bench history
    ///   hub bench login
    #[command(subcommand, verbatim_doc_comment)]
    Bench(BenchCommand),

    /// Write a consistent copy of the SQLite database to a new file, while it serves
    /// [works on the database]
    ///
    /// The copy is a compact, plain database file (SQLite's VACUUM INTO), safe to take
    /// while hub-server runs. PostgreSQL is backed up with pg_dump.
    ///
    /// Examples:
    ///   hub backup /backups/hub-2026-12-01.db
    #[command(verbatim_doc_comment)]
    Backup(BackupArgs),

    /// Replace the SQLite database with a backup [works on the database; the server must be stopped]
    ///
    /// Refuses while a hub-server holds the data folder, or when the file is not a sound hub
    /// database. The replaced database is kept beside it as hub.db.before-restore. Asks first
    /// (No by default); without a terminal it needs --yes.
    ///
    /// Examples:
    ///   hub restore /backups/hub-2026-12-01.db
    #[command(verbatim_doc_comment)]
    Restore(RestoreArgs),

    /// Check what a server needs: configuration, data folder, token secret, database, schema
    /// [works on the database]
    ///
    /// One line per check (ok, warn or FAIL) with what to do; exits 1 when a check fails.
    ///
    /// Examples:
    ///   hub doctor
    ///   HUB_DATABASE_URL=postgres://hub@db/hub hub doctor
    #[command(verbatim_doc_comment)]
    Doctor,

    /// Post a message to a channel, from the argument or stdin [talks to a server]
    ///
    /// Examples:
    ///   hub send '#general' "deploy finished"
    ///   make test 2>&1 | tail -n 20 | hub send '#ci'
    #[command(verbatim_doc_comment)]
    Send(SendArgs),

    /// Print a channel's newest messages, and with --follow every new one [talks to a server]
    ///
    /// Examples:
    ///   hub tail '#general' --limit 50
    ///   hub tail '#alerts' --follow --format json | jq -r .content
    #[command(verbatim_doc_comment)]
    Tail(TailArgs),

    /// Print a shell completion script
    ///
    /// Examples:
    ///   hub completions bash > /etc/bash_completion.d/hub
    ///   hub completions zsh > "${fpath[1]}/_hub"
    ///   hub completions fish > ~/.config/fish/completions/hub.fish
    #[command(verbatim_doc_comment)]
    Completions(CompletionsArgs),

    /// Print the manual page (roff)
    ///
    /// Examples:
    ///   hub man > /usr/local/share/man/man1/hub.1
    ///   hub man | man -l -
    #[command(verbatim_doc_comment)]
    Man,

    /// Sign in to running servers (one profile each) [talks to a server]
    #[command(subcommand)]
    Auth(AuthCommand),

    /// Channels and their members: list, show, create, archive, members [talks to a server]
    #[command(subcommand)]
    Channels(ChannelsCommand),

    /// One message: show it, delete it [talks to a server]
    #[command(subcommand)]
    Messages(MessagesCommand),

    /// Work the report queue: list, show, resolve, dismiss, triage [talks to a server; site admins]
    #[command(subcommand)]
    Reports(ReportsCommand),

    /// Read the audit log of moderator and site-admin actions [talks to a server; site admins]
    #[command(subcommand)]
    Audit(AuditCommand),
}

/// `hub completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("hub").chain(args.iter().copied()))
    }

    #[test]
    fn the_command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn migrate_and_its_status_flag() -> Result<(), clap::Error> {
        assert!(matches!(
            parse(&["migrate"])?.command,
            Command::Migrate(MigrateArgs { status: false })
        ));
        assert!(matches!(
            parse(&["migrate", "--status"])?.command,
            Command::Migrate(MigrateArgs { status: true })
        ));
        Ok(())
    }

    #[test]
    fn global_options_are_accepted_before_and_after_the_command() -> Result<(), clap::Error> {
        let before = parse(&["--database-url", "sqlite://x.db", "--data-dir", "d", "migrate"])?;
        assert_eq!(before.global.database_url.as_deref(), Some("sqlite://x.db"));
        assert_eq!(before.global.data_dir, Some(PathBuf::from("d")));
        let after = parse(&["users", "list", "--data-dir", "elsewhere"])?;
        assert_eq!(after.global.data_dir, Some(PathBuf::from("elsewhere")));
        Ok(())
    }

    #[test]
    fn users_create_takes_its_options() -> Result<(), clap::Error> {
        let cli = parse(&[
            "users",
            "create",
            "alice",
            "--admin",
            "--email",
            "alice@example.com",
            "--full-name",
            "Alice Liddell",
            "--password-stdin",
        ])?;
        let Command::Users(UsersCommand::Create(args)) = cli.command else {
            panic!("expected users create, got {:?}", cli.command);
        };
        assert_eq!(args.username, "alice");
        assert!(args.admin);
        assert!(args.password_stdin);
        assert_eq!(args.email.as_deref(), Some("alice@example.com"));
        assert_eq!(args.full_name.as_deref(), Some("Alice Liddell"));

        let Command::Users(UsersCommand::Create(plain)) = parse(&["users", "create", "bob"])?.command else {
            panic!("expected users create");
        };
        assert!(!plain.admin && !plain.password_stdin);
        assert_eq!(plain.email, None);
        Ok(())
    }

    #[test]
    fn users_create_needs_a_username() {
        let err = parse(&["users", "create"]).err();
        assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::MissingRequiredArgument));
    }

    #[test]
    fn users_list_paging_options() -> Result<(), clap::Error> {
        let Command::Users(UsersCommand::List(args)) =
            parse(&["users", "list", "--limit", "20", "--cursor", "bob", "--all", "--json"])?.command
        else {
            panic!("expected users list");
        };
        assert_eq!(args.limit, Some(20));
        assert_eq!(args.cursor.as_deref(), Some("bob"));
        assert!(args.all && args.json);
        Ok(())
    }

    #[test]
    fn users_list_refuses_a_zero_or_negative_limit() {
        for limit in ["0", "-3", "many"] {
            assert!(parse(&["users", "list", "--limit", limit]).is_err(), "{limit}");
        }
    }

    #[test]
    fn suspend_and_restore_take_a_target_and_need_a_reason() -> Result<(), clap::Error> {
        let Command::Users(UsersCommand::Suspend(args)) =
            parse(&["users", "suspend", "@mallory", "--for", "7d", "--reason", "spam"])?.command
        else {
            panic!("expected users suspend");
        };
        assert_eq!(args.target, "@mallory");
        assert_eq!(args.duration.as_deref(), Some("7d"));
        assert!(!args.yes && !args.local);
        assert!(matches!(
            parse(&["users", "restore", "mallory", "--local", "--reason", "appeal"])?.command,
            Command::Users(UsersCommand::Restore(ref args)) if args.local && args.target == "mallory"
        ));
        assert!(parse(&["users", "suspend", "@mallory"]).is_err(), "no reason");
        assert!(parse(&["users", "suspend", "--reason", "x"]).is_err(), "no target");
        assert!(
            parse(&["users", "suspend", "m", "--local", "--for", "7d", "--reason", "x"]).is_err(),
            "a timed suspension goes through the server"
        );
        Ok(())
    }

    #[test]
    fn sessions_revoke_needs_a_session_or_all_but_not_both() -> Result<(), clap::Error> {
        assert!(parse(&["users", "sessions", "revoke", "@a", "--reason", "x"]).is_err());
        assert!(parse(&["users", "sessions", "revoke", "@a", "s1", "--all", "--reason", "x"]).is_err());
        assert!(matches!(
            parse(&["users", "sessions", "revoke", "@a", "--all", "--reason", "x"])?.command,
            Command::Users(UsersCommand::Sessions(SessionsCommand::Revoke(ref args))) if args.all
        ));
        Ok(())
    }

    #[test]
    fn bench_workloads_take_their_options() -> Result<(), clap::Error> {
        let cli = parse(&[
            "bench",
            "fanout",
            "--members",
            "1000",
            "--rate",
            "1000",
            "--duration",
            "3s",
            "--server",
            "http://127.0.0.1:8200",
        ])?;
        let Command::Bench(BenchCommand::Fanout(fanout)) = cli.command else {
            panic!("expected bench fanout, got {:?}", cli.command);
        };
        assert_eq!((fanout.members, fanout.senders, fanout.in_flight), (1000, 10, 64));
        assert_eq!(fanout.rate, Some(1000));
        assert_eq!(fanout.duration, std::time::Duration::from_secs(3));
        assert_eq!(fanout.server.server, "http://127.0.0.1:8200");

        let Command::Bench(BenchCommand::Idle(idle)) =
            parse(&["bench", "idle", "--connections", "500", "--server-pid", "42"])?.command
        else {
            panic!("expected bench idle");
        };
        assert_eq!((idle.connections, idle.users, idle.server_pid), (500, 10, Some(42)));
        for workload in ["dm", "history", "login"] {
            assert!(
                matches!(parse(&["bench", workload])?.command, Command::Bench(_)),
                "{workload}"
            );
        }
        Ok(())
    }

    #[test]
    fn bench_refuses_zero_counts_and_bad_durations() {
        for args in [
            &["bench", "fanout", "--members", "0"][..],
            &["bench", "dm", "--duration", "soon"],
            &["bench", "idle", "--connections", "-1"],
            &["bench", "frobnicate"],
        ] {
            assert!(parse(args).is_err(), "{args:?}");
        }
    }

    #[test]
    fn help_and_version_are_not_failures() {
        for args in [
            &["--help"][..],
            &["--version"],
            &["users", "create", "--help"],
            &["bench", "fanout", "--help"],
        ] {
            let err = parse(args).err();
            assert!(err.as_ref().is_some_and(|e| e.exit_code() == 0), "{args:?}: {err:?}");
        }
    }

    #[test]
    fn an_unknown_command_is_an_error() {
        assert!(parse(&["frobnicate"]).is_err());
        assert!(parse(&[]).is_err());
    }
}
