//! Persistence: one [`Store`] API over SQLite (the embedded default) and PostgreSQL, chosen by
//! URL. Private to hub-core: only the services call it.
//!
//! SQL is written once with `$N` placeholders where the dialects agree; [`db_run!`] pastes one
//! query body into each backend's arm so the typed sqlx calls stay concrete. Dialect-specific
//! SQL lives next to its twin, only where the dialects really differ. SQLite's hot paths run on
//! rusqlite ([`sqlite_direct`]); row types are mapped once for both drivers ([`rows`]).

mod audit;
mod channels;
mod chat_requests;
mod comments;
pub(crate) mod events;
mod files;
mod forum;
mod members;
mod message_sends;
mod messages;
mod oidc;
mod pg_reads;
mod pg_sends;
mod pins;
mod privacy;
mod reactions;
mod reports;
mod rows;
mod safety;
mod search;
mod sessions;
mod sqlite_direct;
mod users;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection as _, PgPool, SqlitePool};

use crate::config::redact_password;
use crate::error::{Error, ErrorKind, Result};
use crate::model::{SessionId, UserId};

pub(crate) use audit::AuditFilter;
pub(crate) use channels::{ChannelAccess, ChannelChange, MyChannel, NewChannel};
pub(crate) use chat_requests::Direction;
pub(crate) use forum::{PostQuery, Votable};
pub(crate) use members::MemberChange;
pub(crate) use message_sends::{NewMessage, SendCheck};
pub(crate) use messages::HistoryCursor;
pub(crate) use privacy::Marks;
pub(crate) use reports::{Closing, ReportFilter};
pub(crate) use safety::Relation;
pub(crate) use search::{MessageFilters, ResultWindow, Searcher};
pub(crate) use sessions::NewRefreshToken;
pub(crate) use users::{NewUser, ProfileUpdate};

/// Runs one query body (a read) against whichever database the store holds.
macro_rules! db_run {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite { read: $pool, .. } => $body,
            $crate::store::Store::Postgres($pool, ..) => $body,
        }
    };
}
pub(crate) use db_run;

/// Runs one query body that writes. SQLite has one writer at a time: sqlx's writes go through a
/// pool of one connection and take the write gate shared with the message writer, so writers
/// queue (cheap, in order) instead of meeting `SQLITE_BUSY` and sleeping in the busy handler.
macro_rules! db_write {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite {
                write: $pool, direct, ..
            } => {
                let _turn = direct.gate().lock().await;
                $body
            }
            $crate::store::Store::Postgres($pool, ..) => $body,
        }
    };
}
pub(crate) use db_write;

/// The database behind hub.
#[derive(Clone, Debug)]
pub enum Store {
    /// The embedded default: one file, WAL, foreign keys on; readers share a pool, writes go
    /// through a single connection. The hot paths (sending, history, access checks) run on
    /// rusqlite instead (see [`sqlite_direct`]).
    Sqlite {
        /// Connections for reads.
        read: SqlitePool,
        /// The one sqlx connection that writes.
        write: SqlitePool,
        /// Per-thread read connections and the group-committing writer thread.
        direct: sqlite_direct::DirectSqlite,
    },
    /// PostgreSQL, for several server nodes, with the tasks that share its statements.
    Postgres(PgPool, PgWorkers),
}

/// What shares statements on PostgreSQL: the writers that commit sends in groups, and the
/// reads every request makes, batched.
#[derive(Clone, Debug)]
pub struct PgWorkers {
    sends: pg_sends::SendWriters,
    access: channels::AccessReads,
    sessions: pg_reads::BatchedReads<(SessionId, UserId), sessions::SessionUserRow>,
}

/// How the store uses its database's connections.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    /// Most connections (`database_max_connections`).
    pub max_connections: u32,
    /// How long a request waits for one (`database_acquire_timeout_secs`).
    pub acquire_timeout: Duration,
    /// PostgreSQL's send writers (`database_send_writers`).
    pub send_writers: usize,
}

impl PoolSettings {
    /// As configured.
    pub fn of(config: &crate::config::Config) -> PoolSettings {
        PoolSettings {
            max_connections: config.database_max_connections,
            acquire_timeout: config.database_acquire_timeout(),
            send_writers: config.database_send_writers,
        }
    }
}

impl Store {
    /// Connects to `url` (`sqlite://path` or `postgres://...`). For SQLite the file and its
    /// folder are created when missing.
    pub async fn connect(url: &str, pool: &PoolSettings) -> Result<Store> {
        let (max_connections, acquire_timeout, send_writers) =
            (pool.max_connections, pool.acquire_timeout, pool.send_writers);
        let bad_url = |err: sqlx::Error| Error::invalid("database_url", format!("cannot use database URL: {err}"));
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(bad_url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // The store's checkpointer thread copies the WAL back (see `sqlite_direct`), off the
                // commits' latency path.
                .pragma("wal_autocheckpoint", "0")
                // Erased text must not linger in freed pages.
                .pragma("secure_delete", "ON");
            if let Some(dir) = options.get_filename().parent()
                && !dir.as_os_str().is_empty()
            {
                std::fs::create_dir_all(dir)
                    .map_err(|err| Error::invalid("data_dir", format!("cannot create {}: {err}", dir.display())))?;
            }
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options.clone())
                .await
                .map_err(|err| unreachable_database(url, err))?;
            let read = SqlitePoolOptions::new()
                .max_connections(max_connections.max(1))
                .acquire_timeout(acquire_timeout)
                // No ping before each use: it doubled the round trips of every read. A
                // connection the database dropped fails its next query (503, Retry-After)
                // and is not reused.
                .test_before_acquire(false)
                .connect_with(options.clone())
                .await
                .map_err(|err| unreachable_database(url, err))?;
            let direct = sqlite_direct::DirectSqlite::open(options.get_filename())?;
            Ok(Store::Sqlite { read, write, direct })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).map_err(bad_url)?;
            // One direct connection first: a pool reports only "timed out", hiding "connection refused".
            let probe = sqlx::postgres::PgConnection::connect_with(&options)
                .await
                .map_err(|err| unreachable_database(url, err))?;
            probe.close().await.map_err(|err| unreachable_database(url, err))?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections.max(1))
                .acquire_timeout(acquire_timeout)
                // No ping before each use: it doubled the round trips of every read. A
                // connection the database dropped fails its next query (503, Retry-After)
                // and is not reused.
                .test_before_acquire(false)
                .connect_with(options.clone())
                .await
                .map_err(|err| unreachable_database(url, err))?;
            let reads = pg_reads::pool(&options, acquire_timeout)
                .await
                .map_err(|err| unreachable_database(url, err))?;
            let access = pg_reads::BatchedReads::of_pairs(&reads, channels::CHANNEL_ACCESS_BATCH);
            let workers = PgWorkers {
                sends: pg_sends::SendWriters::start(&pool, send_writers, &access),
                access,
                sessions: pg_reads::BatchedReads::of_pairs(&reads, sessions::SESSION_USER_BATCH),
            };
            Ok(Store::Postgres(pool, workers))
        } else {
            Err(Error::invalid(
                "database_url",
                "the database URL must start with sqlite:// or postgres://",
            ))
        }
    }

    /// Applies pending migrations (idempotent). Returns how many were applied.
    pub async fn migrate(&self) -> Result<usize> {
        let before = self.applied_migrations().await?;
        match self {
            Store::Sqlite { write, .. } => sqlx::migrate!("../migrations/sqlite").run(write).await?,
            Store::Postgres(pool, ..) => sqlx::migrate!("../migrations/postgres").run(pool).await?,
        }
        Ok(self.applied_migrations().await?.saturating_sub(before))
    }

    /// Migrations known to this build that the database has not applied yet.
    pub async fn pending_migrations(&self) -> Result<usize> {
        let known = match self {
            Store::Sqlite { .. } => sqlx::migrate!("../migrations/sqlite").iter().count(),
            Store::Postgres(..) => sqlx::migrate!("../migrations/postgres").iter().count(),
        };
        Ok(known.saturating_sub(self.applied_migrations().await?))
    }

    async fn applied_migrations(&self) -> Result<usize> {
        // The table does not exist before the first migration.
        let count: Result<i64, sqlx::Error> = db_run!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(pool)
                .await
        });
        Ok(count.map_or(0, |n| usize::try_from(n).unwrap_or(0)))
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        let _one: i32 = db_run!(self, pool => sqlx::query_scalar("SELECT 1").fetch_one(pool).await)?;
        Ok(())
    }

    /// Writes a consistent copy of the database to `path` (SQLite); PostgreSQL has its own tools.
    pub async fn backup_to(&self, path: &std::path::Path) -> Result<()> {
        match self {
            // A read transaction: writers, in this process or a server's, go on meanwhile.
            Store::Sqlite { read, .. } => {
                let target = path.to_string_lossy().into_owned();
                sqlx::query("VACUUM INTO $1").bind(target).execute(read).await?;
                Ok(())
            }
            Store::Postgres(..) => Err(Error::invalid(
                "database_url",
                "back up PostgreSQL with pg_dump (hub backup copies SQLite databases)",
            )),
        }
    }

    /// Closes every pooled connection (graceful shutdown; SQLite checkpoints its WAL).
    pub async fn close(&self) {
        match self {
            Store::Sqlite { read, write, direct } => {
                read.close().await;
                write.close().await;
                if let Err(err) = direct.checkpoint_fully().await {
                    tracing::warn!(error = %err, "could not fold the WAL into the database file at shutdown");
                }
            }
            Store::Postgres(pool, ..) => pool.close().await,
        }
    }
}

fn unreachable_database(url: &str, err: sqlx::Error) -> Error {
    let shown = redact_password(url);
    Error::new(
        ErrorKind::Unavailable,
        format!("cannot connect to the database at {shown}: {err}"),
    )
    .with_source(err)
}

/// Checks that the file at `path` is a sound SQLite database that hub made (it has hub's
/// migrations table), for `hub restore`.
pub(crate) fn check_backup(path: &std::path::Path) -> Result<()> {
    let bad = |why: String| Error::invalid("path", format!("{} is not a hub backup: {why}", path.display()));
    let connection = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|err| bad(err.to_string()))?;
    let integrity: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(|err| bad(err.to_string()))?;
    if integrity != "ok" {
        return Err(bad(format!("integrity check: {integrity}")));
    }
    let migrated: i64 = connection
        .query_row("SELECT COUNT(*) FROM _sqlx_migrations", [], |row| row.get(0))
        .map_err(|err| bad(err.to_string()))?;
    if migrated == 0 {
        return Err(bad("it has no migrations applied".to_owned()));
    }
    Ok(())
}

/// Maps a unique-constraint violation on `constraint` to `kind`; any other error passes through.
pub(crate) fn unique_violation(err: sqlx::Error, constraints: &[(&str, ErrorKind, &str)]) -> Error {
    if let sqlx::Error::Database(db) = &err
        && db.is_unique_violation()
    {
        return unique_conflict(db.constraint(), db.message(), constraints);
    }
    Error::from(err)
}

/// [`unique_violation`] for an error from the rusqlite paths.
pub(crate) fn direct_unique_violation(err: rusqlite::Error, constraints: &[(&str, ErrorKind, &str)]) -> Error {
    if let rusqlite::Error::SqliteFailure(failure, Some(message)) = &err
        && failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    {
        return unique_conflict(None, message, constraints);
    }
    Error::from(err)
}

/// The error for a violated unique constraint, named by `constraint` (PostgreSQL) or only in the
/// `message` (SQLite names the columns).
fn unique_conflict(constraint: Option<&str>, message: &str, constraints: &[(&str, ErrorKind, &str)]) -> Error {
    for (name, kind, text) in constraints {
        if constraint == Some(*name) || message.contains(name) {
            return Error::new(*kind, *text);
        }
    }
    Error::new(ErrorKind::Conflict, "this already exists")
}

/// Tests' pools: two connections, waited for at most 10 s, two send writers.
#[cfg(test)]
pub(crate) const TEST_POOL: PoolSettings = PoolSettings {
    max_connections: 2,
    acquire_timeout: Duration::from_secs(10),
    send_writers: 2,
};

#[cfg(test)]
impl Store {
    /// The column names `sql` lists for `table` (`$1`).
    pub(crate) async fn column_names(&self, sql: &'static str, table: &str) -> Result<Vec<String>> {
        Ok(db_run!(self, pool => sqlx::query_scalar(sql).bind(table).fetch_all(pool).await)?)
    }

    /// A store over a fresh schema of the PostgreSQL database at `base`.
    pub(crate) async fn connect_fresh_postgres_schema(base: &str) -> Result<Store> {
        let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
        let admin = PgPool::connect(base).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await?;
        admin.close().await;
        let separator = if base.contains('?') { '&' } else { '?' };
        Store::connect(
            &format!("{base}{separator}options=-c%20search_path%3D{schema}"),
            &TEST_POOL,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_migrates_once_and_answers() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::internal)?;
        let url = format!("sqlite://{}", dir.path().join("sub/hub.db").display());
        let store = Store::connect(&url, &TEST_POOL).await?;
        assert!(store.pending_migrations().await? > 0);
        assert!(store.migrate().await? > 0);
        assert_eq!(store.migrate().await?, 0);
        assert_eq!(store.pending_migrations().await?, 0);
        store.ping().await
    }

    #[tokio::test]
    async fn a_bad_url_is_a_clear_error() {
        let err = Store::connect("mysql://x", &TEST_POOL).await.err();
        assert_eq!(err.and_then(|e| e.field).as_deref(), Some("database_url"));
    }
}
