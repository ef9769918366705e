//! `hub migrate`: apply pending schema migrations, or with `--status` only count them.

use anyhow::Context as _;
use hub_core::Config;
use hub_core::database::Database;

use crate::args::MigrateArgs;
use crate::{plural, setup};

/// Connects to the configured database and migrates it (or reports what is pending).
pub async fn run(config: &Config, args: &MigrateArgs) -> anyhow::Result<()> {
    let database = setup::connect(config).await?;
    let shown = setup::shown_database_url(config);
    let result = if args.status {
        print_status(&database, &shown).await
    } else {
        apply(&database, &shown).await
    };
    database.close().await;
    result
}

async fn apply(database: &Database, shown: &str) -> anyhow::Result<()> {
    let applied = database
        .migrate()
        .await
        .with_context(|| format!("cannot migrate the database at {shown}"))?;
    if applied == 0 {
        println!("database is up to date ({shown})");
    } else {
        println!("applied {} to {shown}", plural(applied, "migration"));
    }
    Ok(())
}

async fn print_status(database: &Database, shown: &str) -> anyhow::Result<()> {
    let pending = database.pending_migrations().await?;
    if pending == 0 {
        println!("database is up to date ({shown})");
    } else {
        println!(
            "{} pending on {shown}; apply with: hub migrate",
            plural(pending, "migration")
        );
    }
    Ok(())
}
