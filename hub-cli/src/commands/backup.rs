//! `hub backup` and `hub restore`, straight on the database.

use anyhow::Context as _;
use hub_core::Config;

use crate::args::{BackupArgs, RestoreArgs};
use crate::confirm::confirm;
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
    confirm(
        args.yes,
        &format!(
            "Replace {} with {}?",
            setup::shown_database_url(config),
            args.path.display()
        ),
    )?;
    let kept = hub_core::database::restore_from(config, &args.path).await?;
    eprintln!(
        "restored {} from {} (the replaced database is kept as {})",
        setup::shown_database_url(config),
        args.path.display(),
        kept.display()
    );
    Ok(())
}
