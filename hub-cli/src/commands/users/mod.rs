//! `hub users ...`: account administration straight on the database. Every subcommand opens a
//! migrated [`Hub`] first, so it works on a fresh install, and closes it when done.

mod create;
mod list;
mod suspend;

use hub_core::{Config, Hub};

use crate::args::UsersCommand;
use crate::setup;

/// Runs one `hub users` subcommand.
pub async fn run(config: Config, command: UsersCommand) -> anyhow::Result<()> {
    let hub = setup::open_hub(config).await?;
    let result = dispatch(&hub, command).await;
    hub.close().await;
    result
}

async fn dispatch(hub: &Hub, command: UsersCommand) -> anyhow::Result<()> {
    match command {
        UsersCommand::Create(args) => create::run(hub, args).await,
        UsersCommand::List(args) => list::run(hub, &args).await,
        UsersCommand::Suspend(args) => suspend::run(hub, &args.username, true, "").await,
        UsersCommand::Restore(args) => suspend::run(hub, &args.username, false, "").await,
    }
}
