//! SQLite's hot paths on rusqlite, without sqlx-sqlite's thread hop per statement and per row.
//!
//! sqlx runs each SQLite connection on a worker thread of its own and crosses to it (a channel
//! send, a wake-up) for every statement and every row; profiles of `hub bench` put that at about
//! half of the server's CPU. Here reads run where they are asked for, on a connection that
//! belongs to the calling thread (opened on first use, with cached prepared statements): the
//! queries routed here are indexed lookups and short ranges that take microseconds, less than
//! a hop to another thread would. Writes go to one writer thread that commits everything
//! waiting in one transaction (group commit), in the order the writes were handed over; a
//! group in which one write is refused runs again with a savepoint per write, so that the
//! refused one leaves the others alone. The rest of the store keeps using sqlx; the
//! [`WriteGate`] lets only one of the two writers (this thread, sqlx's write connection) hold
//! SQLite's write lock at a time, so neither ever meets `SQLITE_BUSY`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Row, Statement, ToSql};

use crate::error::{Error, ErrorKind, Result};

/// Taken by every SQLite write, from either driver, for the length of its transaction.
pub(crate) type WriteGate = Arc<tokio::sync::Mutex<()>>;

/// Most writes committed in one transaction.
const MAX_GROUP: usize = 256;

/// How long the checkpointer lets commits gather in the WAL before it copies them back into
/// the database file: a page written by many commits meanwhile is copied once.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// Statements kept prepared per connection.
const STATEMENT_CACHE: usize = 64;

/// One write waiting for the writer thread.
trait WriteJob: Send {
    /// Runs the write inside the group's transaction and keeps its outcome; says whether it
    /// succeeded. May run again (after the group was rolled back), replacing the outcome.
    fn run(&mut self, connection: &Connection) -> bool;
    /// Answers the writer of it once the group's transaction has ended: with its outcome when
    /// the group committed (`failure` is `None`), with the reason otherwise.
    fn finish(self: Box<Self>, failure: Option<&str>);
}

/// A write and where its answer goes.
struct Job<T, W> {
    write: W,
    outcome: Option<rusqlite::Result<T>>,
    reply: tokio::sync::oneshot::Sender<rusqlite::Result<T>>,
}

impl<T, W> WriteJob for Job<T, W>
where
    T: Send,
    W: FnMut(&Connection) -> rusqlite::Result<T> + Send,
{
    fn run(&mut self, connection: &Connection) -> bool {
        let outcome = (self.write)(connection);
        let succeeded = outcome.is_ok();
        self.outcome = Some(outcome);
        succeeded
    }

    fn finish(self: Box<Self>, failure: Option<&str>) {
        let answer = match (failure, self.outcome) {
            (None, Some(outcome)) => outcome,
            (Some(reason), _) => Err(failed(reason)),
            (None, None) => Err(failed("the write did not run")),
        };
        let _ = self.reply.send(answer);
    }
}

/// Numbers each opened database, to find a thread's own read connection to it.
static NEXT_DATABASE: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// This thread's read connections, by database number.
    static READERS: RefCell<HashMap<u64, Connection>> = RefCell::new(HashMap::new());
}

/// Per-thread read connections and the writer thread of one SQLite database.
#[derive(Clone)]
pub struct DirectSqlite {
    database: u64,
    path: Arc<PathBuf>,
    writes: flume::Sender<Box<dyn WriteJob>>,
    gate: WriteGate,
}

impl std::fmt::Debug for DirectSqlite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectSqlite").field("path", &self.path).finish()
    }
}

impl DirectSqlite {
    /// Opens the write connection to the database file at `path` (which must exist) and starts
    /// the writer and checkpointer threads; they end when the last clone of the returned value
    /// is dropped.
    pub(super) fn open(path: &Path) -> Result<DirectSqlite> {
        let gate = WriteGate::default();
        let (writes, write_queue) = flume::unbounded::<Box<dyn WriteJob>>();
        let (committed, commits) = flume::bounded::<()>(1);
        let connection = open_connection(path, false)?;
        // Savepoints keep each write's original pages; in memory, not in a temporary file.
        connection.execute_batch("PRAGMA temp_store = MEMORY;")?;
        let writer_gate = gate.clone();
        std::thread::Builder::new()
            .name("hub-sqlite-write".to_owned())
            .spawn(move || {
                while let Ok(first) = write_queue.recv() {
                    let mut group = vec![first];
                    group.extend(write_queue.try_iter().take(MAX_GROUP - 1));
                    let _turn = writer_gate.blocking_lock();
                    commit_group(&connection, group);
                    let _ = committed.try_send(());
                }
            })
            .map_err(Error::internal)?;
        let checkpointer = open_connection(path, false)?;
        let checkpoint_gate = gate.clone();
        std::thread::Builder::new()
            .name("hub-sqlite-checkpoint".to_owned())
            .spawn(move || {
                // Ends, after a last checkpoint, when the writer thread has ended.
                while commits.recv().is_ok() {
                    std::thread::sleep(CHECKPOINT_EVERY);
                    // The bulk beside the writer, then what it committed meanwhile with commits
                    // held back: a checkpoint that completes lets the next commit start the
                    // WAL over instead of growing it, and the pause is only for the remainder.
                    checkpoint(&checkpointer);
                    let _turn = checkpoint_gate.blocking_lock();
                    checkpoint(&checkpointer);
                }
                checkpoint(&checkpointer);
            })
            .map_err(Error::internal)?;
        Ok(DirectSqlite {
            database: NEXT_DATABASE.fetch_add(1, Ordering::Relaxed),
            path: Arc::new(path.to_path_buf()),
            writes,
            gate,
        })
    }

    /// The gate sqlx's writes take too.
    pub(super) fn gate(&self) -> &WriteGate {
        &self.gate
    }

    /// Runs `query` at once, on this thread's read connection (opened on first use).
    pub(super) fn read<T>(&self, query: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        READERS.with(|readers| {
            let mut readers = readers.borrow_mut();
            let connection = match readers.entry(self.database) {
                Entry::Occupied(open) => open.into_mut(),
                Entry::Vacant(slot) => slot.insert(open_connection(&self.path, true)?),
            };
            Ok(query(connection)?)
        })
    }

    /// Copies every commit back into the database file and empties the WAL, so that once the
    /// server has stopped the file alone holds everything. Waits for the write in progress;
    /// writes sent after it are kept in the WAL as usual.
    pub(super) async fn checkpoint_fully(&self) -> Result<()> {
        let _turn = self.gate.lock().await;
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let connection = open_connection(&path, false)?;
            // Busy while the checkpointer thread's own pass (it runs beside the gate) or a
            // reader's snapshot is open: try again.
            for _ in 0..100 {
                if run_checkpoint(&connection, "PRAGMA wal_checkpoint(TRUNCATE)")? {
                    return Ok(());
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            tracing::warn!("SQLite stayed busy at shutdown: hub.db-wal keeps the newest commits");
            Ok(())
        })
        .await
        .map_err(Error::internal)?
    }

    /// Hands `write` to the writer thread now, to run inside the next group's transaction
    /// behind every write handed over before it (the writer keeps their order), and returns
    /// the wait for the group to commit. An error from `write` undoes only its own changes.
    pub(super) fn submit<T, W>(
        &self,
        write: W,
    ) -> rusqlite::Result<impl Future<Output = rusqlite::Result<T>> + use<T, W>>
    where
        T: Send + 'static,
        W: FnMut(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = Job {
            write,
            outcome: None,
            reply,
        };
        self.writes
            .send(Box::new(job))
            .map_err(|_| failed("the SQLite writer has stopped"))?;
        Ok(async move { answer.await.map_err(|_| failed("the SQLite writer has stopped"))? })
    }
}

fn open_connection(path: &Path, read_only: bool) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let connection = Connection::open_with_flags(path, flags).map_err(|err| {
        Error::new(
            ErrorKind::Unavailable,
            format!("cannot open the SQLite database {}: {err}", path.display()),
        )
    })?;
    connection.busy_timeout(Duration::from_secs(10))?;
    connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // The same settings sqlx's connections get (journal_mode=WAL is kept by the file).
    connection.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0; \
             PRAGMA secure_delete = ON;",
    )?;
    if read_only {
        connection.execute_batch("PRAGMA query_only = ON;")?;
    }
    Ok(connection)
}

/// Copies what the WAL holds back into the database file (SQLite would otherwise do it inside
/// a commit every 1,000 pages, on the latency path, and copy a page rewritten by many commits
/// as many times). Does not wait for readers.
fn checkpoint(connection: &Connection) {
    if let Err(err) = run_checkpoint(connection, "PRAGMA wal_checkpoint(PASSIVE)") {
        tracing::warn!(error = %err, "SQLite checkpoint failed; the WAL keeps growing until one succeeds");
    }
}

/// Runs a `wal_checkpoint` pragma; whether it got through (its row is `(busy, WAL frames,
/// frames copied)`, and busy means another checkpoint or a reader held it back).
fn run_checkpoint(connection: &Connection, pragma: &str) -> rusqlite::Result<bool> {
    let busy: i64 = connection.query_row(pragma, [], |row| row.get(0))?;
    Ok(busy == 0)
}

/// Runs a group of writes in one transaction, then answers each of them.
///
/// Writes almost never fail, so the group first runs without savepoints: a savepoint per write
/// made SQLite copy every page a write touched into its sub-journal again for each write, about
/// a quarter of the writer's time. Should one fail, the group is rolled back and run again with
/// a savepoint per write, so that the failed one leaves the others alone.
fn commit_group(connection: &Connection, mut group: Vec<Box<dyn WriteJob>>) {
    let ended = match run_together(connection, &mut group) {
        Ok(()) => Ok(()),
        Err(_) => {
            // Leaves the connection ready for the next attempt; fails when nothing is open.
            let _ = connection.execute_batch("ROLLBACK");
            run_one_by_one(connection, &mut group)
        }
    };
    let failure = match ended {
        Ok(()) => None,
        Err(err) => {
            let _ = connection.execute_batch("ROLLBACK");
            Some(err.to_string())
        }
    };
    for job in group {
        job.finish(failure.as_deref());
    }
}

/// Runs every write of the group in one transaction; fails if any of them does.
fn run_together(connection: &Connection, group: &mut [Box<dyn WriteJob>]) -> rusqlite::Result<()> {
    execute(connection, "BEGIN IMMEDIATE", &[])?;
    for job in group.iter_mut() {
        if !job.run(connection) {
            return Err(failed("a write of the group failed"));
        }
    }
    execute(connection, "COMMIT", &[]).map(drop)
}

/// Runs every write of the group in one transaction, each in a savepoint: a failed write is
/// undone alone (and answered with its error), the others commit.
fn run_one_by_one(connection: &Connection, group: &mut [Box<dyn WriteJob>]) -> rusqlite::Result<()> {
    execute(connection, "BEGIN IMMEDIATE", &[])?;
    for job in group.iter_mut() {
        execute(connection, "SAVEPOINT write", &[])?;
        if !job.run(connection) {
            execute(connection, "ROLLBACK TO SAVEPOINT write", &[])?;
        }
        execute(connection, "RELEASE SAVEPOINT write", &[])?;
    }
    execute(connection, "COMMIT", &[]).map(drop)
}

fn failed(reason: &str) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
        Some(reason.to_owned()),
    )
}

/// Binds `values` to `$1`, `$2`, ... by name: SQLite numbers `$N` parameters in order of first
/// appearance, which need not be N (the SQL is shared with PostgreSQL, which numbers by N).
fn bind(statement: &mut Statement<'_>, values: &[&dyn ToSql]) -> rusqlite::Result<()> {
    /// The names of the first parameters, written once (a `format!` per bound value showed in
    /// profiles of the writer thread).
    const NAMES: [&str; 12] = [
        "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9", "$10", "$11", "$12",
    ];
    for (position, value) in values.iter().enumerate() {
        let name = match NAMES.get(position) {
            Some(name) => std::borrow::Cow::Borrowed(*name),
            None => std::borrow::Cow::Owned(format!("${}", position + 1)),
        };
        let index = statement
            .parameter_index(&name)?
            .ok_or_else(|| rusqlite::Error::InvalidParameterName(name.into_owned()))?;
        statement.raw_bind_parameter(index, value)?;
    }
    Ok(())
}

/// Runs a statement that returns no rows; returns how many rows it changed.
pub(crate) fn execute(connection: &Connection, sql: &str, values: &[&dyn ToSql]) -> rusqlite::Result<usize> {
    let mut statement = connection.prepare_cached(sql)?;
    bind(&mut statement, values)?;
    statement.raw_execute()
}

/// Every row of a query, each read by `map`.
pub(crate) fn query_all<T>(
    connection: &Connection,
    sql: &str,
    values: &[&dyn ToSql],
    mut map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut statement = connection.prepare_cached(sql)?;
    bind(&mut statement, values)?;
    let mut rows = statement.raw_query();
    let mut all = Vec::new();
    while let Some(row) = rows.next()? {
        all.push(map(row)?);
    }
    Ok(all)
}

/// The first row of a query, if any, read by `map`.
pub(crate) fn query_optional<T>(
    connection: &Connection,
    sql: &str,
    values: &[&dyn ToSql],
    map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Option<T>> {
    let mut statement = connection.prepare_cached(sql)?;
    bind(&mut statement, values)?;
    let mut rows = statement.raw_query();
    match rows.next()? {
        Some(row) => Ok(Some(map(row)?)),
        None => Ok(None),
    }
}

/// The one row a query must return, read by `map`.
pub(crate) fn query_one<T>(
    connection: &Connection,
    sql: &str,
    values: &[&dyn ToSql],
    map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    query_optional(connection, sql, values, map)?.ok_or(rusqlite::Error::QueryReturnedNoRows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_parameters_bind_by_name_whatever_their_order() -> rusqlite::Result<()> {
        let connection = Connection::open_in_memory()?;
        let got = query_one(&connection, "SELECT $3, $1, $2, $1", &[&1, &2, &3], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })?;
        assert_eq!(got, (3, 1, 2, 1));
        // Past the names written out in advance.
        let values: Vec<i64> = (1..=14).collect();
        let bound: Vec<&dyn ToSql> = values.iter().map(|value| value as &dyn ToSql).collect();
        let sql = "SELECT $14 + $13 + $12 + $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11";
        let sum: i64 = query_one(&connection, sql, &bound, |row| row.get(0))?;
        assert_eq!(sum, 14 + 13 + 12 + 1);
        Ok(())
    }

    /// A WAL database file in a temporary folder (kept while the folder lives) with table `t`
    /// made by `create_table`, and a [`DirectSqlite`] over it.
    fn database_with(create_table: &str) -> Result<(tempfile::TempDir, DirectSqlite)> {
        let folder = tempfile::tempdir().map_err(Error::internal)?;
        let path = folder.path().join("hub.db");
        Connection::open(&path)?.execute_batch(&format!("PRAGMA journal_mode = WAL; {create_table}"))?;
        let direct = DirectSqlite::open(&path)?;
        Ok((folder, direct))
    }

    #[tokio::test]
    async fn a_failed_write_leaves_the_rest_of_its_group_alone() -> Result<()> {
        let (_folder, direct) = database_with("CREATE TABLE t (x INTEGER UNIQUE);")?;
        let insert =
            |x: i64| move |connection: &Connection| execute(connection, "INSERT INTO t (x) VALUES ($1)", &[&x]);
        // With the gate held the writer stops after taking its first write, so the three
        // after it wait together and form one group.
        let gate = direct.gate().clone();
        let held = gate.lock().await;
        let first = direct.submit(insert(0))?;
        while !direct.writes.is_empty() {
            tokio::task::yield_now().await;
        }
        let (kept, refused, also_kept) = (
            direct.submit(insert(1))?,
            direct.submit(insert(1))?,
            direct.submit(insert(2))?,
        );
        drop(held);
        first.await?;
        assert_eq!(kept.await?, 1);
        assert!(refused.await.is_err(), "the second 1 breaks the unique index");
        assert_eq!(also_kept.await?, 1);
        let stored = direct.read(|connection| {
            query_all(connection, "SELECT x FROM t ORDER BY x", &[], |row| {
                row.get::<_, i64>(0)
            })
        })?;
        assert_eq!(stored, vec![0, 1, 2]);
        Ok(())
    }
}
