//! The database before any service runs: connect, count or apply migrations, then open the
//! services over it. Operator tools (`hub migrate`, `hub users create`) use this; a server
//! simply calls [`Hub::open`], which does all of it.

use crate::config::Config;
use crate::error::Result;
use crate::service::Hub;
use crate::store::Store;

/// A connection to hub's database (SQLite or PostgreSQL, from the configured URL).
#[derive(Debug, Clone)]
pub struct Database {
    store: Store,
}

impl Database {
    /// Connects to the configured database without migrating it. A SQLite file and its folder
    /// are created when missing.
    pub async fn connect(config: &Config) -> Result<Database> {
        let store = Store::connect(&config.effective_database_url(), config.database_max_connections).await?;
        Ok(Database { store })
    }

    /// Applies pending migrations (idempotent). Returns how many were applied.
    pub async fn migrate(&self) -> Result<usize> {
        self.store.migrate().await
    }

    /// Migrations known to this build that the database has not applied yet.
    pub async fn pending_migrations(&self) -> Result<usize> {
        self.store.pending_migrations().await
    }

    /// The services over this (migrated) database, with the in-process event bus.
    pub fn into_hub(self, config: Config) -> Result<Hub> {
        Hub::with_store(config, self.store)
    }

    /// Closes the connections (SQLite folds its WAL into the database file).
    pub async fn close(&self) {
        self.store.close().await;
    }
}
