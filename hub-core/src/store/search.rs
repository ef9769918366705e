//! Full-text search over messages, files, channels, people and the forum: SQLite's FTS5 indexes and
//! PostgreSQL's generated `tsvector` columns (migration 0009), both kept current by the database
//! in the same transaction as each write. The parsed query is written in each dialect's own
//! language here ([`compile`]); everything else (who may read what, the filters) is one piece
//! of SQL for both.

use chrono::{DateTime, Utc};

use super::channels::channel_columns;
use super::messages::message_columns;
use super::safety::heard_from;
use super::users::{UserRow, user_columns};
use super::{Store, db_run};
use crate::error::Result;
use crate::model::{Channel, ChannelId, Message, StoredFile, User, UserId};
use crate::rules::search::{SearchQuery, compile};

/// Who is searching: results come only from what they may read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Searcher<'a> {
    /// The person searching.
    pub user: &'a UserId,
    /// Site admins also see private channels (as [`crate::rules::permissions::can_see`] says).
    pub site_admin: bool,
}

/// Which part of the ranked results to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ResultWindow {
    /// How many.
    pub limit: u32,
    /// After how many.
    pub offset: u32,
}

/// Narrowing a message search.
#[derive(Debug, Clone, Default)]
pub(crate) struct MessageFilters {
    /// Only this channel.
    pub channel: Option<ChannelId>,
    /// Only this author.
    pub author: Option<UserId>,
    /// Sent before this time.
    pub before: Option<DateTime<Utc>>,
    /// Sent at or after this time.
    pub after: Option<DateTime<Utc>>,
    /// Only replies in threads and the messages they reply to.
    pub in_thread: bool,
    /// Only messages with files.
    pub has_file: bool,
    /// Newest first instead of best first.
    pub newest_first: bool,
}

/// A forum search result: a post, or a comment (with its post).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct ForumHit {
    /// `post` or `comment`.
    pub kind: String,
    /// The post's or comment's id.
    pub item_id: String,
}

/// Whether `$2` (with site-admin flag `$3`) may read the messages of channel `c`: public and
/// voice channels are open, private ones need membership or a site admin, direct conversations
/// membership. The same rule as `permissions::can_see`, written for a whole result set.
macro_rules! readable_channel {
    () => {
        "(c.kind IN ('public', 'voice') OR (c.kind = 'private' AND $3) \
          OR EXISTS (SELECT 1 FROM channel_members cm WHERE cm.channel_id = c.id AND cm.user_id = $2))"
    };
}

/// The filters every message search applies after matching (`$2`..`$8`, `$11`).
macro_rules! message_filters {
    () => {
        concat!(
            " AND m.deleted_at IS NULL AND ",
            readable_channel!(),
            " AND ",
            heard_from!("$2", "m.author_id"),
            " AND ($4 IS NULL OR m.channel_id = $4) AND ($5 IS NULL OR m.author_id = $5) \
              AND ($6 IS NULL OR m.created_at < $6) AND ($7 IS NULL OR m.created_at >= $7) \
              AND (NOT $8 OR m.parent_id IS NOT NULL OR m.reply_count > 0) AND (NOT $11 OR m.file_count > 0)"
        )
    };
}

/// Where each dialect finds the messages matching `$1`.
macro_rules! matching_messages {
    (sqlite) => {
        "message_search s JOIN message_search_keys k ON k.key = s.rowid \
         JOIN messages m ON m.id = k.item_id JOIN channels c ON c.id = m.channel_id \
         WHERE message_search MATCH $1"
    };
    (postgres) => {
        "messages m JOIN channels c ON c.id = m.channel_id WHERE m.search @@ to_tsquery('simple', $1)"
    };
}

/// The page of hits (ranked by `$rank`, in `$order`), then their full rows in that order.
macro_rules! message_search_sql {
    ($dialect:ident, $rank:literal, $order:literal) => {
        concat!(
            "WITH hits AS (SELECT m.id AS hit_id, ",
            $rank,
            " AS hit_rank, m.created_at AS hit_at FROM ",
            matching_messages!($dialect),
            message_filters!(),
            " ORDER BY ",
            $order,
            " LIMIT $9 OFFSET $10) SELECT ",
            message_columns!(),
            " FROM hits JOIN messages ON id = hit_id ORDER BY ",
            $order
        )
    };
}

impl Store {
    /// Messages matching `query` that `searcher` may read, best (or newest) first.
    pub(crate) async fn search_messages(
        &self,
        searcher: Searcher<'_>,
        query: &SearchQuery,
        filters: &MessageFilters,
        window: ResultWindow,
    ) -> Result<Vec<Message>> {
        const SQLITE_BEST: &str = message_search_sql!(sqlite, "bm25(message_search)", "hit_rank, hit_id");
        const POSTGRES_BEST: &str = message_search_sql!(
            postgres,
            "ts_rank(m.search, to_tsquery('simple', $1))",
            "hit_rank DESC, hit_id"
        );
        const SQLITE_NEWEST: &str = message_search_sql!(sqlite, "0", "hit_at DESC, hit_id DESC");
        const POSTGRES_NEWEST: &str = message_search_sql!(postgres, "0", "hit_at DESC, hit_id DESC");
        let (sql, text) = match filters.newest_first {
            false => self.dialect(query, SQLITE_BEST, POSTGRES_BEST),
            true => self.dialect(query, SQLITE_NEWEST, POSTGRES_NEWEST),
        };
        Ok(db_run!(self, pool => {
            sqlx::query_as(sql)
                .bind(&text)
                .bind(searcher.user)
                .bind(searcher.site_admin)
                .bind(filters.channel.as_ref())
                .bind(filters.author.as_ref())
                .bind(filters.before)
                .bind(filters.after)
                .bind(filters.in_thread)
                .bind(i64::from(window.limit))
                .bind(i64::from(window.offset))
                .bind(filters.has_file)
                .fetch_all(pool)
                .await
        })?)
    }

    /// Files whose name matches that `searcher` may fetch: on messages of channels they may
    /// read (not by people they do not hear from), or their own not sent yet.
    pub(crate) async fn search_files(
        &self,
        searcher: Searcher<'_>,
        query: &SearchQuery,
        window: ResultWindow,
    ) -> Result<Vec<StoredFile>> {
        macro_rules! file_search_sql {
            ($from:literal, $order:literal) => {
                concat!(
                    "SELECT f.* FROM ",
                    $from,
                    " AND ((f.channel_id IS NULL AND f.uploader_id = $2) OR (c.id IS NOT NULL AND ",
                    readable_channel!(),
                    " AND ",
                    heard_from!("$2", "f.uploader_id"),
                    ")) ORDER BY ",
                    $order,
                    " LIMIT $4 OFFSET $5"
                )
            };
        }
        const SQLITE: &str = file_search_sql!(
            "file_search s JOIN file_search_keys k ON k.key = s.rowid JOIN files f ON f.id = k.item_id \
             LEFT JOIN channels c ON c.id = f.channel_id WHERE file_search MATCH $1",
            "bm25(file_search), f.id"
        );
        const POSTGRES: &str = file_search_sql!(
            "files f LEFT JOIN channels c ON c.id = f.channel_id WHERE f.search @@ to_tsquery('simple', $1)",
            "ts_rank(f.search, to_tsquery('simple', $1)) DESC, f.id"
        );
        self.fetch_for_searcher(query, SQLITE, POSTGRES, searcher, window).await
    }

    /// Channels (not direct conversations) whose name, topic or description match, that
    /// `searcher` may see, best first.
    pub(crate) async fn search_channels(
        &self,
        searcher: Searcher<'_>,
        query: &SearchQuery,
        window: ResultWindow,
    ) -> Result<Vec<Channel>> {
        macro_rules! channel_search_sql {
            ($from:literal, $order:literal) => {
                concat!(
                    "SELECT ",
                    channel_columns!(),
                    " FROM ",
                    $from,
                    " AND c.kind <> 'dm' AND ",
                    readable_channel!(),
                    " ORDER BY ",
                    $order,
                    " LIMIT $4 OFFSET $5"
                )
            };
        }
        const SQLITE: &str = channel_search_sql!(
            "channel_search s JOIN channel_search_keys k ON k.key = s.rowid \
             JOIN channels c ON c.id = k.item_id WHERE channel_search MATCH $1",
            "bm25(channel_search, 10.0, 4.0, 1.0), c.name"
        );
        const POSTGRES: &str = channel_search_sql!(
            "channels c WHERE c.search @@ to_tsquery('simple', $1)",
            "ts_rank(c.search, to_tsquery('simple', $1)) DESC, c.name"
        );
        self.fetch_for_searcher(query, SQLITE, POSTGRES, searcher, window).await
    }

    /// People whose username or full name match, best first; suspended and closed accounts only
    /// for site admins.
    pub(crate) async fn search_people(
        &self,
        searcher: Searcher<'_>,
        query: &SearchQuery,
        window: ResultWindow,
    ) -> Result<Vec<User>> {
        macro_rules! user_search_sql {
            ($from:literal, $order:literal) => {
                concat!(
                    "SELECT ",
                    user_columns!(),
                    " FROM ",
                    $from,
                    " AND ($2 OR (u.is_suspended = FALSE AND u.deleted_at IS NULL)) ORDER BY ",
                    $order,
                    " LIMIT $3 OFFSET $4"
                )
            };
        }
        const SQLITE: &str = user_search_sql!(
            "user_search s JOIN user_search_keys k ON k.key = s.rowid \
             JOIN users u ON u.id = k.item_id WHERE user_search MATCH $1",
            "bm25(user_search, 10.0, 4.0), lower(u.username)"
        );
        const POSTGRES: &str = user_search_sql!(
            "users u WHERE u.search @@ to_tsquery('simple', $1)",
            "ts_rank(u.search, to_tsquery('simple', $1)) DESC, lower(u.username)"
        );
        let (sql, text) = self.dialect(query, SQLITE, POSTGRES);
        let rows: Vec<UserRow> = db_run!(self, pool => {
            sqlx::query_as(sql)
                .bind(&text)
                .bind(searcher.site_admin)
                .bind(i64::from(window.limit))
                .bind(i64::from(window.offset))
                .fetch_all(pool)
                .await
        })?;
        Ok(rows.into_iter().map(UserRow::into_user).collect())
    }

    /// Forum posts and comments that match, best first: live ones, on live posts, by people
    /// `searcher` hears from.
    pub(crate) async fn search_forum(
        &self,
        searcher: Searcher<'_>,
        query: &SearchQuery,
        window: ResultWindow,
    ) -> Result<Vec<ForumHit>> {
        const SQLITE: &str = concat!(
            "SELECT k.kind, k.item_id FROM forum_search s JOIN forum_search_keys k ON k.key = s.rowid \
             LEFT JOIN posts p ON k.kind = 'post' AND p.id = k.item_id \
             LEFT JOIN comments cm ON k.kind = 'comment' AND cm.id = k.item_id \
             LEFT JOIN posts cp ON cp.id = cm.post_id \
             WHERE forum_search MATCH $1 \
               AND ((p.id IS NOT NULL AND p.deleted_at IS NULL) \
                 OR (cm.id IS NOT NULL AND cm.deleted_at IS NULL AND cp.deleted_at IS NULL)) AND ",
            heard_from!("$2", "COALESCE(p.author_id, cm.author_id)"),
            " ORDER BY bm25(forum_search, 4.0, 1.0), k.item_id LIMIT $3 OFFSET $4"
        );
        const POSTGRES: &str = concat!(
            "SELECT kind, item_id FROM (\
               SELECT 'post' AS kind, p.id AS item_id, ts_rank(p.search, to_tsquery('simple', $1)) AS rank \
               FROM posts p WHERE p.search @@ to_tsquery('simple', $1) AND p.deleted_at IS NULL AND ",
            heard_from!("$2", "p.author_id"),
            " UNION ALL \
               SELECT 'comment', cm.id, ts_rank(cm.search, to_tsquery('simple', $1)) \
               FROM comments cm JOIN posts cp ON cp.id = cm.post_id \
               WHERE cm.search @@ to_tsquery('simple', $1) AND cm.deleted_at IS NULL AND cp.deleted_at IS NULL AND ",
            heard_from!("$2", "cm.author_id"),
            ") hits ORDER BY rank DESC, item_id LIMIT $3 OFFSET $4"
        );
        let (sql, text) = self.dialect(query, SQLITE, POSTGRES);
        Ok(db_run!(self, pool => {
            sqlx::query_as(sql)
                .bind(&text)
                .bind(searcher.user)
                .bind(i64::from(window.limit))
                .bind(i64::from(window.offset))
                .fetch_all(pool)
                .await
        })?)
    }

    /// The channels with these ids (in no particular order), to name the channels of hits.
    pub(crate) async fn channels_by_ids(&self, ids: &[ChannelId]) -> Result<Vec<Channel>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(db_run!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(concat!("SELECT ", channel_columns!(), " FROM channels c WHERE c.id IN ("));
            let mut list = query.separated(", ");
            for id in ids {
                list.push_bind(id);
            }
            query.push(")");
            query.build_query_as().fetch_all(pool).await
        })?)
    }

    /// Rows of a search whose SQL takes the query (`$1`), the searcher (`$2`, `$3`: site admin)
    /// and the window (`$4` limit, `$5` offset).
    async fn fetch_for_searcher<T>(
        &self,
        query: &SearchQuery,
        sqlite: &'static str,
        postgres: &'static str,
        searcher: Searcher<'_>,
        window: ResultWindow,
    ) -> Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let (sql, text) = self.dialect(query, sqlite, postgres);
        Ok(db_run!(self, pool => {
            sqlx::query_as(sql)
                .bind(&text)
                .bind(searcher.user)
                .bind(searcher.site_admin)
                .bind(i64::from(window.limit))
                .bind(i64::from(window.offset))
                .fetch_all(pool)
                .await
        })?)
    }

    /// This database's SQL of the two, with the query written in its language.
    fn dialect(&self, query: &SearchQuery, sqlite: &'static str, postgres: &'static str) -> (&'static str, String) {
        match self {
            Store::Sqlite { .. } => (sqlite, compile::fts5(query)),
            Store::Postgres(..) => (postgres, compile::tsquery(query)),
        }
    }
}
