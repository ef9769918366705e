//! `hub users ...`: `create` (and `list`, `suspend`, `restore` with `--local`) straight on the
//! database, opening a migrated [`Hub`] first so they work on a fresh install; the rest over the
//! API as a signed-in site admin.

mod create;
mod list;
mod manage;
mod suspend;

use hub_core::{Config, Hub};

use crate::args::{SessionsCommand, UsersCommand};
use crate::confirm::confirm;
use crate::profiles::signed_in;
use crate::setup;

/// Runs one `hub users` subcommand.
pub async fn run(config: impl FnOnce() -> anyhow::Result<Config>, command: UsersCommand) -> anyhow::Result<()> {
    match command {
        UsersCommand::Create(args) => on_database(config()?, |hub| Box::pin(create::run(hub, args))).await,
        UsersCommand::List(args) if args.local => {
            on_database(config()?, |hub| {
                Box::pin(async move { list::run(list::Source::Local(hub), &args).await })
            })
            .await
        }
        UsersCommand::List(args) => {
            let client = signed_in(args.profile.profile.as_deref()).await?;
            list::run(list::Source::Server(&client), &args).await
        }
        UsersCommand::Search(args) => {
            let client = signed_in(args.profile.profile.as_deref()).await?;
            list::search(&client, &args.text, args.limit, args.format).await
        }
        UsersCommand::Suspend(args) if args.local => {
            confirm(
                args.yes,
                &format!("Suspend {}? They cannot sign in and their sessions end.", args.target),
            )?;
            on_database(config()?, |hub| {
                Box::pin(async move { suspend::run(hub, &args.target, true, &args.reason).await })
            })
            .await
        }
        UsersCommand::Restore(args) if args.local => {
            on_database(config()?, |hub| {
                Box::pin(async move { suspend::run(hub, &args.target, false, &args.reason).await })
            })
            .await
        }
        UsersCommand::Show(args) => manage::show(args).await,
        UsersCommand::Promote(args) => manage::set_site_admin(args, true).await,
        UsersCommand::Demote(args) => manage::set_site_admin(args, false).await,
        UsersCommand::Suspend(args) => manage::suspend(args).await,
        UsersCommand::Restore(args) => manage::restore(args).await,
        UsersCommand::Delete(args) => manage::delete(args).await,
        UsersCommand::Sessions(SessionsCommand::List(args)) => manage::sessions(args).await,
        UsersCommand::Sessions(SessionsCommand::Revoke(args)) => manage::revoke(args).await,
    }
}

type Work<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<()>> + 'a>>;

/// Runs `work` on a migrated hub over the database, closing it afterwards.
async fn on_database(config: Config, work: impl for<'a> FnOnce(&'a Hub) -> Work<'a>) -> anyhow::Result<()> {
    let hub = setup::open_hub(config).await?;
    let result = work(&hub).await;
    hub.close().await;
    result
}
