//! Row mappings written once for both SQLite drivers and PostgreSQL.
//!
//! SQLite's hot paths read rows with rusqlite (see [`super::sqlite_direct`]), the rest of the store with
//! sqlx. A row type is declared once with [`row_mapping!`]: the list of its columns becomes the
//! SQL column list (a `*_columns!()` macro for `concat!`), the rusqlite reader (by position, in
//! that order) and [`RusqliteRow::COLUMNS`], which the tests below hold against the tables of both
//! dialects. sqlx's derived `FromRow` reads the same columns by name. Adding a column to a table
//! therefore touches the two migrations, the type and its one `row_mapping!` line: a field
//! missing from the mapping does not compile, and a table column missing from it fails a test.

use crate::model::{ChannelId, ChannelKind, ChannelRole, ChatAvailability, ClientId, MessageId, NotifyLevel, UserId};
use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use rusqlite::Row;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

/// A timestamp as sqlx-sqlite writes it (RFC 3339, UTC as `+00:00`), so that rows written by
/// either driver compare and sort alike.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SqlTime(pub DateTime<Utc>);

impl ToSql for SqlTime {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.to_rfc3339_opts(SecondsFormat::AutoSi, false)))
    }
}

impl FromSql for SqlTime {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        if let Ok(time) = DateTime::parse_from_rfc3339(text) {
            return Ok(SqlTime(time.with_timezone(&Utc)));
        }
        // SQLite's own CURRENT_TIMESTAMP spelling, in UTC.
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
            .map(|time| SqlTime(time.and_utc()))
            .map_err(|err| FromSqlError::Other(Box::new(err)))
    }
}

/// A row type read from a rusqlite row whose columns are [`RusqliteRow::COLUMNS`], in order.
pub(crate) trait RusqliteRow: Sized {
    /// The table columns, in the order they are selected and read.
    #[cfg_attr(not(test), allow(dead_code))]
    const COLUMNS: &'static [&'static str];

    /// Reads the row from the first columns of `row`.
    fn from_rusqlite(row: &Row<'_>) -> rusqlite::Result<Self>;
}

/// One column of a rusqlite row as a field's type. Timestamps are read as sqlx-sqlite writes
/// them (see [`SqlTime`]); everything else by its `FromSql`.
pub(crate) trait RusqliteColumn: Sized {
    /// Reads column `index` of `row`.
    fn read(row: &Row<'_>, index: usize) -> rusqlite::Result<Self>;
}

macro_rules! rusqlite_column_by_from_sql {
    ($($type:ty),* $(,)?) => {
        $(
            impl RusqliteColumn for $type {
                fn read(row: &Row<'_>, index: usize) -> rusqlite::Result<Self> {
                    row.get(index)
                }
            }
        )*
    };
}

rusqlite_column_by_from_sql!(
    String,
    Option<String>,
    i64,
    Option<i64>,
    bool,
    UserId,
    Option<UserId>,
    ChannelId,
    MessageId,
    Option<MessageId>,
    Option<ClientId>,
    ChannelKind,
    ChatAvailability,
    ChannelRole,
    Option<ChannelRole>,
    NotifyLevel,
    Option<NotifyLevel>,
);

impl RusqliteColumn for DateTime<Utc> {
    fn read(row: &Row<'_>, index: usize) -> rusqlite::Result<Self> {
        Ok(row.get::<_, SqlTime>(index)?.0)
    }
}

impl RusqliteColumn for Option<DateTime<Utc>> {
    fn read(row: &Row<'_>, index: usize) -> rusqlite::Result<Self> {
        Ok(row.get::<_, Option<SqlTime>>(index)?.map(|time| time.0))
    }
}

/// `row_mapping!(columns_macro, "alias.", Type { column, ... } [computed { field: "SQL", ... }])`
/// defines `columns_macro!()`, the SQL list of the columns (each prefixed by the alias, which
/// may be `""`) followed by any computed ones (`SQL AS field`), and implements [`RusqliteRow`] for
/// `Type`, reading them in that order. `Type`'s fields are exactly the columns and the computed
/// fields (the struct literal it builds does not compile otherwise).
macro_rules! row_mapping {
    ($columns:ident, $alias:literal, $type:ident { $first:ident $(, $field:ident)* $(,)? }
        $(computed { $($computed:ident : $sql:literal),* $(,)? })?) => {
        macro_rules! $columns {
            () => {
                concat!(
                    $alias, stringify!($first)
                    $(, ", ", $alias, stringify!($field))*
                    $($(, ", ", $sql, " AS ", stringify!($computed))*)?
                )
            };
        }

        impl $crate::store::rows::RusqliteRow for $type {
            const COLUMNS: &'static [&'static str] = &[stringify!($first) $(, stringify!($field))*];

            fn from_rusqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                let mut next_column = 0usize..;
                let mut next = move || next_column.next().unwrap_or_default();
                // Fields are read in the order written, which is the order selected.
                Ok($type {
                    $first: $crate::store::rows::RusqliteColumn::read(row, next())?,
                    $($field: $crate::store::rows::RusqliteColumn::read(row, next())?,)*
                    $($($computed: $crate::store::rows::RusqliteColumn::read(row, next())?,)*)?
                })
            }
        }
    };
}
pub(crate) use row_mapping;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::{DateTime, Utc};
    use rusqlite::types::FromSqlError;

    use super::{RusqliteColumn, RusqliteRow, SqlTime};
    use crate::error::{Error, Result};
    use crate::model::{Channel, ChannelBan, Membership, Message};
    use crate::store::Store;
    use crate::store::sqlite_direct::query_one;
    use crate::store::users::UserRow;

    /// Every mapped row type, its table, and the table's columns it leaves out on purpose.
    fn mappings() -> Vec<(&'static str, &'static [&'static str], &'static [&'static str])> {
        vec![
            // `search`: PostgreSQL's generated tsvector, read only by the search queries.
            ("messages", Message::COLUMNS, &["search"]),
            ("users", UserRow::COLUMNS, &["password_hash", "search"]),
            (
                "channels",
                Channel::COLUMNS,
                &["join_code", "dm_key", "updated_at", "search"],
            ),
            ("channel_members", Membership::COLUMNS, &[]),
            ("channel_bans", ChannelBan::COLUMNS, &[]),
        ]
    }

    /// Fails when a table has a column its row type does not map (or maps one it lacks).
    async fn every_column_is_mapped(store: &Store, columns_of: &'static str) -> Result<()> {
        for (table, mapped, left_out) in mappings() {
            let in_table: BTreeSet<String> = store
                .column_names(columns_of, table)
                .await?
                .into_iter()
                .filter(|column| !left_out.contains(&column.as_str()))
                .collect();
            let mapped: BTreeSet<String> = mapped.iter().map(|column| (*column).to_owned()).collect();
            assert_eq!(mapped, in_table, "the row type of `{table}` and its table disagree");
        }
        Ok(())
    }

    #[tokio::test]
    async fn every_sqlite_column_is_mapped() -> Result<()> {
        let dir = tempfile::tempdir().map_err(Error::internal)?;
        let store = Store::connect(
            &format!("sqlite://{}", dir.path().join("hub.db").display()),
            &crate::store::TEST_POOL,
        )
        .await?;
        store.migrate().await?;
        every_column_is_mapped(&store, "SELECT name FROM pragma_table_info($1)").await
    }

    #[tokio::test]
    async fn every_postgres_column_is_mapped() -> Result<()> {
        let Ok(url) = std::env::var("HUB_TEST_POSTGRES_URL") else {
            eprintln!("note: PostgreSQL column check skipped: set HUB_TEST_POSTGRES_URL to run it");
            return Ok(());
        };
        let store = Store::connect_fresh_postgres_schema(&url).await?;
        store.migrate().await?;
        every_column_is_mapped(
            &store,
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1",
        )
        .await
    }

    crate::store::rows::row_mapping!(pair_columns, "p.", Pair { left, right } computed { total: "(p.left + p.right)" });

    #[derive(Debug, PartialEq)]
    struct Pair {
        left: i64,
        right: i64,
        total: i64,
    }

    #[test]
    fn a_mapping_selects_and_reads_its_columns_in_one_order() -> rusqlite::Result<()> {
        assert_eq!(pair_columns!(), "p.left, p.right, (p.left + p.right) AS total");
        assert_eq!(Pair::COLUMNS, ["left", "right"]);
        let connection = rusqlite::Connection::open_in_memory()?;
        connection
            .execute_batch("CREATE TABLE pairs (left INTEGER, right INTEGER); INSERT INTO pairs VALUES (2, 5);")?;
        let sql = concat!("SELECT ", pair_columns!(), " FROM pairs p");
        let pair = connection.query_row(sql, [], Pair::from_rusqlite)?;
        assert_eq!(
            pair,
            Pair {
                left: 2,
                right: 5,
                total: 7
            }
        );
        Ok(())
    }

    #[test]
    fn times_are_written_as_sqlx_writes_them_and_read_back() -> rusqlite::Result<()> {
        let connection = rusqlite::Connection::open_in_memory()?;
        let at = DateTime::parse_from_rfc3339("2026-11-22T10:07:15.123456Z")
            .map_err(|err| FromSqlError::Other(Box::new(err)))?
            .with_timezone(&Utc);
        let text: String = query_one(&connection, "SELECT $1", &[&SqlTime(at)], |row| row.get(0))?;
        assert_eq!(text, "2026-11-22T10:07:15.123456+00:00");
        let back = query_one(&connection, "SELECT $1", &[&text], |row| {
            <DateTime<Utc> as RusqliteColumn>::read(row, 0)
        })?;
        assert_eq!(back, at);
        let sqlite_spelling = query_one(&connection, "SELECT '2026-11-22 10:07:15'", &[], |row| {
            <DateTime<Utc> as RusqliteColumn>::read(row, 0)
        })?;
        assert_eq!(sqlite_spelling.to_rfc3339(), "2026-11-22T10:07:15+00:00");
        Ok(())
    }
}
