//! The database before any service runs: connect, count or apply migrations, then open the
//! services over it; back it up and restore it; and the lock a server holds on its data
//! folder. Operator tools (`hub migrate`, `hub users create`, `hub backup`, `hub restore`) use
//! this; a server calls [`Hub::open`], which does the rest, and takes the [`DataFolderLock`].

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::service::Hub;
use crate::store::{PoolSettings, Store};

/// A connection to hub's database (SQLite or PostgreSQL, from the configured URL).
#[derive(Debug, Clone)]
pub struct Database {
    store: Store,
}

impl Database {
    /// Connects to the configured database without migrating it. A SQLite file and its folder
    /// are created when missing.
    pub async fn connect(config: &Config) -> Result<Database> {
        let store = Store::connect(&config.effective_database_url(), &PoolSettings::of(config)).await?;
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

    /// Writes a consistent copy of the live database to `path` (SQLite's `VACUUM INTO`: the
    /// copy is a plain, compact database file, taken while the server keeps serving). A file
    /// already at `path` is refused. PostgreSQL is backed up with its own tools (`pg_dump`).
    pub async fn backup_to(&self, path: &Path) -> Result<()> {
        if path.exists() {
            return Err(Error::new(
                ErrorKind::Conflict,
                format!("{} exists already; choose a new file", path.display()),
            ));
        }
        self.store.backup_to(path).await
    }

    /// Closes the connections (SQLite folds its WAL into the database file).
    pub async fn close(&self) {
        self.store.close().await;
    }
}

/// The lock a running server holds on its data folder, so that `hub restore` does not replace
/// the database under it. Released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct DataFolderLock {
    _file: File,
}

impl DataFolderLock {
    /// Takes the lock on `data_dir`, or says that a server already holds it.
    pub fn acquire(data_dir: &Path) -> Result<DataFolderLock> {
        std::fs::create_dir_all(data_dir)
            .map_err(|err| Error::invalid("data_dir", format!("cannot create {}: {err}", data_dir.display())))?;
        let path = data_dir.join("server.lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|err| Error::invalid("data_dir", format!("cannot open {}: {err}", path.display())))?;
        match file.try_lock() {
            Ok(()) => Ok(DataFolderLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(Error::new(
                ErrorKind::Conflict,
                format!("a hub-server is running on {}: stop it first", data_dir.display()),
            )),
            Err(TryLockError::Error(err)) => Err(Error::invalid(
                "data_dir",
                format!("cannot lock {}: {err}", path.display()),
            )),
        }
    }
}

/// Replaces the configured SQLite database with the backup at `backup`, refusing while a
/// server holds the data folder or when the backup is not a sound hub database. The old file
/// is kept beside it as `hub.db.before-restore`.
pub async fn restore_from(config: &Config, backup: &Path) -> Result<PathBuf> {
    let url = config.effective_database_url();
    let Some(target) = url.strip_prefix("sqlite://").map(PathBuf::from) else {
        return Err(Error::invalid(
            "database_url",
            "restore works on SQLite; restore PostgreSQL with pg_restore",
        ));
    };
    let _lock = DataFolderLock::acquire(&config.data_dir)?;
    crate::store::check_backup(backup)?;
    let kept = target.with_extension("db.before-restore");
    if target.exists() {
        std::fs::rename(&target, &kept).map_err(Error::internal)?;
    }
    for stale in ["db-wal", "db-shm"] {
        let _ = std::fs::remove_file(target.with_extension(stale));
    }
    std::fs::copy(backup, &target).map_err(Error::internal)?;
    // The restored copy must open and migrate like any database of this build.
    let database = Database::connect(config).await?;
    database.migrate().await?;
    database.close().await;
    Ok(kept)
}
