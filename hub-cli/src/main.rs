//! `hub`: the admin and operator command line of hub. It runs migrations and manages user
//! accounts directly against the database (SQLite or PostgreSQL), through the same hub-core
//! services the server uses, so the same rules apply; and `hub bench` drives a running server
//! over its real API and prints figures.
//!
//! - `args`: the clap definition of every command and its help.
//! - `setup`: configuration with command-line overrides, the database connection, the [`hub_core::Hub`].
//! - `commands`: one module per command.
//! - `password`, `table`: reading a new password; printing a table.
//!
//! Exit status: 0 ok, 1 error, 2 usage, 3 cancelled, 4 not authorised, 5 not found (see
//! `exit`); an error is printed as `hub: <error>` on stderr.

mod args;
mod commands;
mod confirm;
mod exit;
mod output;
mod password;
mod profiles;
mod progress;
mod setup;
mod since;
mod table;
mod targets;

use std::process::ExitCode;

use clap::Parser as _;
use hub_core::ErrorKind;

use crate::args::{Cli, Command};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Help and --version "fail" with status 0; usage errors are errors like any other.
            let _ = err.print();
            return if err.exit_code() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(exit::USAGE)
            };
        }
    };
    let runtime = match runtime_for(&cli.command) {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("hub: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        // `hub users list | head` closing the pipe early is not a failure worth a message.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("hub: {}", describe(&err));
            exit::status_of(&err)
        }
    }
}

/// The admin commands wait on one database connection at a time: one thread is plenty. The
/// benchmarks generate load and use every core.
fn runtime_for(command: &Command) -> std::io::Result<tokio::runtime::Runtime> {
    let mut builder = match command {
        Command::Bench(_) | Command::Seed(_) => tokio::runtime::Builder::new_multi_thread(),
        Command::Migrate(_)
        | Command::Users(_)
        | Command::Backup(_)
        | Command::Restore(_)
        | Command::Doctor
        | Command::Completions(_)
        | Command::Man
        | Command::Send(_)
        | Command::Tail(_)
        | Command::Auth(_)
        | Command::Reports(_)
        | Command::Channels(_)
        | Command::Messages(_)
        | Command::Audit(_) => tokio::runtime::Builder::new_current_thread(),
    };
    builder.enable_all().build()
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Completions(args) => commands::help::completions(args.shell),
        Command::Man => commands::help::man(),
        Command::Migrate(args) => commands::migrate::run(&setup::load_config(&cli.global)?, &args).await,
        Command::Users(command) => commands::users::run(|| setup::load_config(&cli.global), command).await,
        Command::Doctor => commands::doctor::run(&cli.global).await,
        Command::Seed(args) => commands::seed::run(setup::load_config(&cli.global)?, args).await,
        Command::Backup(args) => commands::backup::backup(&setup::load_config(&cli.global)?, &args).await,
        Command::Restore(args) => commands::backup::restore(&setup::load_config(&cli.global)?, &args).await,
        // Benchmarks talk to a running server, not to the database.
        Command::Bench(command) => commands::bench::run(command).await,
        // These talk to a running server as a signed-in profile.
        Command::Auth(command) => commands::auth::run(command).await,
        Command::Send(args) => commands::chat::send(args).await,
        Command::Tail(args) => commands::chat::tail(args).await,
        Command::Reports(command) => commands::reports::run(command).await,
        Command::Channels(command) => commands::channels::run(command).await,
        Command::Messages(command) => commands::messages::run(command).await,
        Command::Audit(command) => commands::audit::run(command).await,
    }
}

/// One line for an operator: each context, then the hub error's message. An internal error also
/// shows its cause, which the server would only log: here the operator is the one reading the log.
/// A cause that its wrapper already printed (`request failed: {reqwest error}`) is said once.
fn describe(err: &anyhow::Error) -> String {
    let mut parts = Vec::new();
    for cause in err.chain() {
        if let Some(hub_error) = cause.downcast_ref::<hub_core::Error>() {
            parts.push(hub_error.message.clone());
            if hub_error.kind == ErrorKind::Internal
                && let Some(source) = &hub_error.source
            {
                parts.push(source.to_string());
            }
            break;
        }
        let text = cause.to_string();
        if !parts.last().is_some_and(|wrapper: &String| wrapper.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// "1 migration", "3 migrations".
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use anyhow::Context as _;
    use hub_core::Error;

    use super::*;

    #[test]
    fn hub_errors_read_as_their_message_after_the_context() {
        let err = Err::<(), _>(Error::new(ErrorKind::UsernameTaken, "this username is taken"))
            .context("cannot create user \"alice\"")
            .err()
            .map(|err| describe(&err));
        assert_eq!(
            err.as_deref(),
            Some("cannot create user \"alice\": this username is taken")
        );
    }

    #[test]
    fn internal_errors_show_their_cause_to_the_operator() {
        let cause = std::io::Error::other("disk full");
        let err = anyhow::Error::from(Error::internal(cause));
        assert_eq!(describe(&err), "internal error: disk full");
    }

    #[test]
    fn plain_errors_keep_their_chain() {
        let err = anyhow::anyhow!("inner").context("outer");
        assert_eq!(describe(&err), "outer: inner");
    }

    #[tokio::test]
    async fn a_refused_connection_is_described_once() {
        // A real refused connection: nothing listens on a port just released.
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr());
        let Ok(port) = port.map(|address| address.port()) else {
            panic!("no free port");
        };
        let Ok(client) = hub_core::client::Client::new(&format!("http://127.0.0.1:{port}")) else {
            panic!("the URL is valid");
        };
        let Err(err) = client.me().await else {
            panic!("something answered on port {port}");
        };
        let described = describe(&anyhow::Error::from(err));
        assert_eq!(described.matches("error sending request").count(), 1, "{described}");
        assert!(described.starts_with("request failed: "), "{described}");
        assert!(described.contains(&format!("127.0.0.1:{port}")), "{described}");
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(0, "user"), "0 users");
        assert_eq!(plural(1, "user"), "1 user");
        assert_eq!(plural(2, "migration"), "2 migrations");
    }
}
