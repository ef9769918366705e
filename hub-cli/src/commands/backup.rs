//! `hub backup` and `hub restore`, straight on the database.

use std::io::IsTerminal as _;

use anyhow::{Context as _, anyhow};
use hub_core::Config;

use crate::args::{BackupArgs, RestoreArgs};
use crate::exit::Cancelled;
use crate::password::first_line;
use crate::setup;

/// Writes a consistent copy of the live database.
pub async fn backup(config: &Config, args: &BackupArgs) -> anyhow::Result<()> {
    let database = setup::connect(config).await?;
    let done = database.backup_to(&args.path).await;
    database.close().await;
    done.with_context(|| format!("cannot back up {}", setup::shown_database_url(config)))?;
    eprintln!(
        "backed up {} to {}",
        setup::shown_database_url(config),
        args.path.display()
    );
    Ok(())
}

/// Replaces the database with a backup, asking first.
pub async fn restore(config: &Config, args: &RestoreArgs) -> anyhow::Result<()> {
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(anyhow!(Cancelled(
                "not asking without a terminal: add --yes".to_owned()
            )));
        }
        eprint!(
            "Replace {} with {}? [y/N] ",
            setup::shown_database_url(config),
            args.path.display()
        );
        let answer = first_line(std::io::stdin().lock()).context("cannot read the answer")?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            return Err(anyhow!(Cancelled("cancelled; nothing changed".to_owned())));
        }
    }
    let kept = hub_core::database::restore_from(config, &args.path).await?;
    eprintln!(
        "restored {} from {} (the replaced database is kept as {})",
        setup::shown_database_url(config),
        args.path.display(),
        kept.display()
    );
    Ok(())
}
