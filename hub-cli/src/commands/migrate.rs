//! `hub migrate`: apply pending schema migrations, or with `--status` only count them.

use anyhow::Context as _;
use hub_core::Config;
use hub_core::store::Store;

use crate::args::MigrateArgs;
use crate::{plural, setup};

/// Connects to the configured database and migrates it (or reports what is pending).
pub async fn run(config: &Config, args: &MigrateArgs) -> anyhow::Result<()> {
    let store = setup::connect(config).await?;
    let shown = setup::shown_database_url(config);
    let result = if args.status {
        print_status(&store, &shown).await
    } else {
        apply(&store, &shown).await
    };
    store.close().await;
    result
}

async fn apply(store: &Store, shown: &str) -> anyhow::Result<()> {
    let applied = store
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

async fn print_status(store: &Store, shown: &str) -> anyhow::Result<()> {
    let pending = store.pending_migrations().await?;
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
