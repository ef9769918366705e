//! Mute and block rows, and who a user does not hear from: the people they mute or block, and
//! those who block them.

use chrono::{DateTime, Utc};

use super::{Store, db_run, db_write, sqlite_direct};
use crate::error::Result;
use crate::model::UserId;

/// Mutes or blocks: the two tables have the same shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Relation {
    /// `user_mutes (user_id, muted_id)`.
    Mute,
    /// `user_blocks (user_id, blocked_id)`.
    Block,
}

/// One mute or block of the user's: whom, since when.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct RelationRow {
    pub other_id: UserId,
    pub created_at: DateTime<Utc>,
}

/// SQL that holds when neither of the people in columns (or parameters) `$one` and `$other`
/// blocks the other.
macro_rules! not_blocked {
    ($one:literal, $other:literal) => {
        concat!(
            "NOT EXISTS (SELECT 1 FROM user_blocks b WHERE (b.user_id = ",
            $one,
            " AND b.blocked_id = ",
            $other,
            ") OR (b.user_id = ",
            $other,
            " AND b.blocked_id = ",
            $one,
            "))"
        )
    };
}
pub(crate) use not_blocked;

/// SQL that holds when `$viewer` hears from `$author`: no mute of theirs, no block either way.
macro_rules! heard_from {
    ($viewer:literal, $author:literal) => {
        concat!(
            "NOT EXISTS (SELECT 1 FROM user_mutes um WHERE um.user_id = ",
            $viewer,
            " AND um.muted_id = ",
            $author,
            ") AND ",
            $crate::store::safety::not_blocked!($viewer, $author)
        )
    };
}
pub(crate) use heard_from;

/// The ids `$1` does not hear from.
const HIDDEN_AUTHORS: &str = "SELECT muted_id FROM user_mutes WHERE user_id = $1 \
    UNION SELECT blocked_id FROM user_blocks WHERE user_id = $1 \
    UNION SELECT user_id FROM user_blocks WHERE blocked_id = $1";

impl Relation {
    fn add_sql(self) -> &'static str {
        match self {
            Relation::Mute => {
                "INSERT INTO user_mutes (user_id, muted_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
            }
            Relation::Block => {
                "INSERT INTO user_blocks (user_id, blocked_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
            }
        }
    }

    fn remove_sql(self) -> &'static str {
        match self {
            Relation::Mute => "DELETE FROM user_mutes WHERE user_id = $1 AND muted_id = $2",
            Relation::Block => "DELETE FROM user_blocks WHERE user_id = $1 AND blocked_id = $2",
        }
    }

    fn list_sql(self) -> &'static str {
        match self {
            Relation::Mute => {
                "SELECT muted_id AS other_id, created_at FROM user_mutes WHERE user_id = $1 ORDER BY created_at, muted_id"
            }
            Relation::Block => {
                "SELECT blocked_id AS other_id, created_at FROM user_blocks WHERE user_id = $1 ORDER BY created_at, blocked_id"
            }
        }
    }

    fn count_sql(self) -> &'static str {
        match self {
            Relation::Mute => "SELECT COUNT(*) FROM user_mutes WHERE user_id = $1",
            Relation::Block => "SELECT COUNT(*) FROM user_blocks WHERE user_id = $1",
        }
    }
}

impl Store {
    /// `user` mutes or blocks `other`; `false` when they already did.
    pub async fn add_relation(
        &self,
        relation: Relation,
        user: &UserId,
        other: &UserId,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let added = db_write!(self, pool => {
            sqlx::query(relation.add_sql()).bind(user).bind(other).bind(at).execute(pool).await.map(|done| done.rows_affected())
        })?;
        Ok(added > 0)
    }

    /// `user` no longer mutes or blocks `other`; `false` when they did not.
    pub async fn remove_relation(&self, relation: Relation, user: &UserId, other: &UserId) -> Result<bool> {
        let removed = db_write!(self, pool => {
            sqlx::query(relation.remove_sql()).bind(user).bind(other).execute(pool).await.map(|done| done.rows_affected())
        })?;
        Ok(removed > 0)
    }

    /// Everyone `user` mutes or blocks, oldest first.
    pub async fn relations(&self, relation: Relation, user: &UserId) -> Result<Vec<RelationRow>> {
        Ok(db_run!(self, pool => sqlx::query_as(relation.list_sql()).bind(user).fetch_all(pool).await)?)
    }

    /// How many people `user` mutes or blocks.
    pub async fn relation_count(&self, relation: Relation, user: &UserId) -> Result<i64> {
        Ok(db_run!(self, pool => sqlx::query_scalar(relation.count_sql()).bind(user).fetch_one(pool).await)?)
    }

    /// Whether either of the two blocks the other.
    pub async fn blocked_either_way(&self, one: &UserId, other: &UserId) -> Result<bool> {
        const SQL: &str = "SELECT COUNT(*) FROM user_blocks WHERE (user_id = $1 AND blocked_id = $2) \
            OR (user_id = $2 AND blocked_id = $1)";
        let count: i64 = db_run!(self, pool => sqlx::query_scalar(SQL).bind(one).bind(other).fetch_one(pool).await)?;
        Ok(count > 0)
    }

    /// Whom `viewer` does not hear from: the people they mute or block and those who block
    /// them. Read before every history page: on SQLite without sqlx's thread hop.
    pub async fn hidden_authors(&self, viewer: &UserId) -> Result<Vec<UserId>> {
        match self {
            Store::Sqlite { direct, .. } => direct
                .read(|connection| sqlite_direct::query_all(connection, HIDDEN_AUTHORS, &[viewer], |row| row.get(0))),
            Store::Postgres(pool, ..) => Ok(sqlx::query_scalar(HIDDEN_AUTHORS).bind(viewer).fetch_all(pool).await?),
        }
    }
}
