//! Point reads that many requests ask at the same moment, answered on PostgreSQL by one
//! statement for all of them.
//!
//! Every authenticated request reads its session, and every send and page read its channel's
//! access facts: one small indexed lookup each, whose cost on PostgreSQL is mostly the round
//! trip and the statement's start-up rather than the rows. [`BatchedReads`] queues the asks
//! of one kind; a loop takes whatever is queued (up to [`MAX_BATCH`]) as soon as one of its
//! [`IN_FLIGHT`] slots is free and answers them with one statement over arrays of keys. Alone,
//! an ask is one statement as before; under load, dozens share one.
//!
//! A batch's statement starts only after every ask in it was queued, so an ask sees every
//! write that committed before it was made, as a read of its own would.
//!
//! The batches run on connections of their own ([`pool`]) that keep one plan per statement:
//! left to choose, PostgreSQL plans an array-keyed statement afresh for every batch (its
//! custom plan knows the array's length and so always looks cheaper), which cost more than
//! the batching saved.

use std::future::Future;
use std::sync::Arc;

use sqlx::PgPool;
use sqlx::Row as _;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use tokio::sync::{Semaphore, mpsc, oneshot};

/// Most asks answered by one statement.
const MAX_BATCH: usize = 128;
/// Statements of one kind running at once; more asks wait in the queue and join the next.
const IN_FLIGHT: usize = 4;
/// Kinds of batched reads (sessions, channel access): the batch pool's size is this many
/// times [`IN_FLIGHT`], so no batch waits for a connection.
const KINDS: u32 = 2;

/// The connections batches run on, besides the store's pool (`database_max_connections`):
/// with a generic plan per statement.
pub(super) async fn pool(
    options: &PgConnectOptions,
    acquire_timeout: std::time::Duration,
) -> Result<PgPool, sqlx::Error> {
    let options = options.clone().options([("plan_cache_mode", "force_generic_plan")]);
    PgPoolOptions::new()
        .max_connections(KINDS * IN_FLIGHT as u32)
        .acquire_timeout(acquire_timeout)
        .test_before_acquire(false)
        .connect_with(options)
        .await
}

/// What a batch's statement returns: each found row with the index of its key in the batch.
pub(super) type Rows<V> = Result<Vec<(usize, V)>, sqlx::Error>;
/// The answer to one ask: the row (`None` when there is none), or the batch's failure.
pub(super) type Answer<V> = Result<Option<V>, Arc<sqlx::Error>>;

/// The rows of `sql` for `keys`, pairs of ids bound as two text arrays `$1` and `$2`: the
/// statement returns each row with its pair's index in a `batch_index` column.
pub(super) async fn rows_of_pairs<V>(
    pool: &PgPool,
    sql: &'static str,
    keys: &[(impl AsRef<str>, impl AsRef<str>)],
) -> Rows<V>
where
    V: for<'row> sqlx::FromRow<'row, PgRow>,
{
    let (firsts, seconds): (Vec<&str>, Vec<&str>) = keys
        .iter()
        .map(|(first, second)| (first.as_ref(), second.as_ref()))
        .unzip();
    let rows = sqlx::query(sql).bind(firsts).bind(seconds).fetch_all(pool).await?;
    rows.iter()
        .map(|row| Ok((row.try_get::<i64, _>("batch_index")? as usize, V::from_row(row)?)))
        .collect()
}

/// One ask waiting for its batch.
struct Ask<K, V> {
    key: K,
    answer: oneshot::Sender<Answer<V>>,
}

/// The queue of one kind of read, and the loop that answers it.
pub(super) struct BatchedReads<K, V> {
    asks: mpsc::UnboundedSender<Ask<K, V>>,
}

// Not derived: that would ask the keys and rows to be `Clone` too.
impl<K, V> Clone for BatchedReads<K, V> {
    fn clone(&self) -> Self {
        BatchedReads {
            asks: self.asks.clone(),
        }
    }
}

impl<K, V> std::fmt::Debug for BatchedReads<K, V> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("BatchedReads").finish_non_exhaustive()
    }
}

impl<K: Send + 'static, V: Send + 'static> BatchedReads<K, V> {
    /// Starts the loop that answers asks with `fetch` over `pool`: one statement that reads
    /// the rows of a batch of keys.
    pub(super) fn start<F, Fut>(pool: &PgPool, fetch: F) -> Self
    where
        F: Fn(PgPool, Vec<K>) -> Fut + Send + 'static,
        Fut: Future<Output = Rows<V>> + Send + 'static,
    {
        let (asks, queued) = mpsc::unbounded_channel();
        tokio::spawn(answer_batches(pool.clone(), queued, fetch));
        BatchedReads { asks }
    }

    /// The row of `key`, read together with whatever other asks are waiting. A failed batch
    /// fails each of its asks with the same error.
    pub(super) async fn read(&self, key: K) -> Answer<V> {
        let (answer, answered) = oneshot::channel();
        let gone = || Arc::new(sqlx::Error::PoolClosed);
        self.asks.send(Ask { key, answer }).map_err(|_| gone())?;
        answered.await.map_err(|_| gone())?
    }
}

impl<A, B, V> BatchedReads<(A, B), V>
where
    A: AsRef<str> + Send + Sync + 'static,
    B: AsRef<str> + Send + Sync + 'static,
    V: for<'row> sqlx::FromRow<'row, PgRow> + Send + 'static,
{
    /// Reads keyed by pairs of ids, answered by `sql` as [`rows_of_pairs`] says.
    pub(super) fn of_pairs(pool: &PgPool, sql: &'static str) -> Self {
        Self::start(
            pool,
            move |pool, keys| async move { rows_of_pairs(&pool, sql, &keys).await },
        )
    }
}

/// Waits for an ask and a free slot, takes every ask queued by then, and answers them in a
/// task of their own; again, until the store is dropped.
async fn answer_batches<K, V, F, Fut>(pool: PgPool, mut queued: mpsc::UnboundedReceiver<Ask<K, V>>, fetch: F)
where
    V: Send + 'static,
    F: Fn(PgPool, Vec<K>) -> Fut,
    Fut: Future<Output = Rows<V>> + Send + 'static,
{
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    while let Some(first) = queued.recv().await {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queued.try_recv() {
                Ok(ask) => batch.push(ask),
                Err(_) => break,
            }
        }
        let (keys, answers): (Vec<K>, Vec<_>) = batch.into_iter().map(|ask| (ask.key, ask.answer)).unzip();
        let rows = fetch(pool.clone(), keys);
        tokio::spawn(async move {
            answer_batch(rows.await, answers);
            drop(slot);
        });
    }
}

/// Gives each ask of a batch its row (by index), or the batch's error.
fn answer_batch<V>(rows: Rows<V>, answers: Vec<oneshot::Sender<Answer<V>>>) {
    match rows {
        Ok(rows) => {
            let mut found: Vec<Option<V>> = answers.iter().map(|_| None).collect();
            for (index, row) in rows {
                if let Some(slot) = found.get_mut(index) {
                    *slot = Some(row);
                }
            }
            for (answer, row) in answers.into_iter().zip(found) {
                // An ask whose request went away needs no answer.
                let _ = answer.send(Ok(row));
            }
        }
        Err(err) => {
            let err = Arc::new(err);
            for answer in answers {
                let _ = answer.send(Err(err.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::error::{Error, ErrorKind};

    static STATEMENTS: AtomicUsize = AtomicUsize::new(0);

    /// Twice each key, for keys that are not multiples of three (those have no row).
    async fn doubled(pool: PgPool, keys: Vec<i64>) -> Rows<i64> {
        STATEMENTS.fetch_add(1, Ordering::SeqCst);
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT k.n - 1, k.v * 2 FROM UNNEST($1::int8[]) WITH ORDINALITY AS k(v, n) WHERE k.v % 3 <> 0",
        )
        .bind(keys)
        .fetch_all(&pool)
        .await?;
        Ok(rows.into_iter().map(|(index, value)| (index as usize, value)).collect())
    }

    #[tokio::test]
    async fn asks_made_together_share_statements_and_each_gets_its_own_row() -> Result<(), sqlx::Error> {
        let Ok(url) = std::env::var("HUB_TEST_POSTGRES_URL") else {
            eprintln!("note: PostgreSQL batched reads skipped: set HUB_TEST_POSTGRES_URL to run them");
            return Ok(());
        };
        let options: PgConnectOptions = url.parse()?;
        let reads = BatchedReads::start(&pool(&options, std::time::Duration::from_secs(5)).await?, doubled);
        // Asked in one poll of one task: all are queued before the loop takes any.
        let keys: Vec<i64> = (1..=300).chain([7, 7]).collect();
        let answers = futures_util::future::join_all(keys.iter().map(|key| reads.read(*key))).await;
        for (key, answer) in keys.iter().zip(answers) {
            let expected = (key % 3 != 0).then_some(key * 2);
            assert_eq!(
                answer.map_err(|err| sqlx::Error::Protocol(err.to_string()))?,
                expected,
                "key {key}"
            );
        }
        let statements = STATEMENTS.load(Ordering::SeqCst);
        assert!(
            statements <= 302_usize.div_ceil(MAX_BATCH),
            "{statements} statements for 302 asks"
        );
        Ok(())
    }

    /// A statement that needs the database, for the test without one (not counted).
    async fn needs_database(pool: PgPool, _keys: Vec<i64>) -> Rows<i64> {
        sqlx::query("SELECT 1").execute(&pool).await?;
        Ok(Vec::new())
    }

    #[tokio::test]
    async fn a_batch_that_cannot_reach_the_database_answers_each_ask_unavailable() {
        // Nothing listens on port 9 of loopback: the batch's statement fails to connect.
        let options = PgConnectOptions::new().host("127.0.0.1").port(9);
        let pool = PgPoolOptions::new()
            .acquire_timeout(std::time::Duration::from_secs(2))
            .connect_lazy_with(options);
        let reads = BatchedReads::start(&pool, needs_database);
        let answers = futures_util::future::join_all([1, 2, 4].map(|key| reads.read(key))).await;
        for answer in answers {
            let Err(err) = answer else {
                panic!("no database, yet a row: {answer:?}")
            };
            let err = Error::from(err);
            assert_eq!(err.kind, ErrorKind::Unavailable);
            assert!(err.retry_after.is_some(), "clients are told when to try again");
        }
    }
}
