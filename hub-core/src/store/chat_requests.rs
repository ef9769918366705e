//! Chat request rows: one pending request per pair (a partial unique index on the pair's key),
//! decided once.

use chrono::{DateTime, Utc};

use super::{Store, db_run, db_write, unique_violation};
use crate::error::{ErrorKind, Result};
use crate::model::{ChannelId, ChatRequest, ChatRequestId, ChatRequestStatus, UserId};

const REQUEST_UNIQUE: &[(&str, ErrorKind, &str)] = &[
    // PostgreSQL names the index; SQLite names the column.
    (
        "chat_requests_one_pending",
        ErrorKind::Conflict,
        "a chat request between you two is already pending",
    ),
    (
        "chat_requests.pair_key",
        ErrorKind::Conflict,
        "a chat request between you two is already pending",
    ),
];

/// Whose requests a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Sent to the user.
    Incoming,
    /// Sent by the user.
    Outgoing,
}

impl Store {
    /// Stores a new pending request; another pending one for the pair is a conflict.
    pub async fn insert_chat_request(&self, request: &ChatRequest) -> Result<()> {
        const SQL: &str = "INSERT INTO chat_requests (id, from_user_id, to_user_id, pair_key, message, status, created_at) \
            VALUES ($1, $2, $3, $4, $5, $6, $7)";
        db_write!(self, pool => {
            sqlx::query(SQL)
                .bind(&request.id)
                .bind(&request.from_user_id)
                .bind(&request.to_user_id)
                .bind(&request.pair_key)
                .bind(&request.message)
                .bind(request.status)
                .bind(request.created_at)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })
        .map_err(|err| unique_violation(err, REQUEST_UNIQUE))?;
        Ok(())
    }

    /// The request with `id`.
    pub async fn chat_request(&self, id: &ChatRequestId) -> Result<Option<ChatRequest>> {
        const SQL: &str = "SELECT * FROM chat_requests WHERE id = $1";
        Ok(db_run!(self, pool => sqlx::query_as(SQL).bind(id).fetch_optional(pool).await)?)
    }

    /// `user`'s incoming or outgoing requests (of one status, or all), newest first, before
    /// the request-id cursor.
    pub async fn chat_requests_of(
        &self,
        user: &UserId,
        direction: Direction,
        status: Option<ChatRequestStatus>,
        before: Option<&ChatRequestId>,
        limit: u32,
    ) -> Result<Vec<ChatRequest>> {
        const INCOMING: &str = "SELECT * FROM chat_requests WHERE to_user_id = $1 AND ($2 IS NULL OR status = $2) \
            AND ($3 IS NULL OR id < $3) ORDER BY id DESC LIMIT $4";
        const OUTGOING: &str = "SELECT * FROM chat_requests WHERE from_user_id = $1 AND ($2 IS NULL OR status = $2) \
            AND ($3 IS NULL OR id < $3) ORDER BY id DESC LIMIT $4";
        let sql = match direction {
            Direction::Incoming => INCOMING,
            Direction::Outgoing => OUTGOING,
        };
        Ok(db_run!(self, pool => {
            sqlx::query_as(sql).bind(user).bind(status).bind(before).bind(i64::from(limit)).fetch_all(pool).await
        })?)
    }

    /// When `from`'s latest request to `to` was declined, if it was.
    pub async fn last_declined(&self, from: &UserId, to: &UserId) -> Result<Option<DateTime<Utc>>> {
        const SQL: &str = "SELECT MAX(decided_at) FROM chat_requests \
            WHERE from_user_id = $1 AND to_user_id = $2 AND status = 'declined'";
        Ok(db_run!(self, pool => sqlx::query_scalar(SQL).bind(from).bind(to).fetch_one(pool).await)?)
    }

    /// Whether a request between the two (either way) was accepted.
    pub async fn accepted_between(&self, pair_key: &str) -> Result<bool> {
        const SQL: &str = "SELECT COUNT(*) FROM chat_requests WHERE pair_key = $1 AND status = 'accepted'";
        let count: i64 = db_run!(self, pool => sqlx::query_scalar(SQL).bind(pair_key).fetch_one(pool).await)?;
        Ok(count > 0)
    }

    /// Decides a pending request; `false` when it was no longer pending.
    pub async fn decide_chat_request(
        &self,
        id: &ChatRequestId,
        status: ChatRequestStatus,
        channel: Option<&ChannelId>,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        const SQL: &str = "UPDATE chat_requests SET status = $2, channel_id = $3, decided_at = $4 \
            WHERE id = $1 AND status = 'pending'";
        let done = db_write!(self, pool => {
            sqlx::query(SQL).bind(id).bind(status).bind(channel).bind(at).execute(pool).await.map(|done| done.rows_affected())
        })?;
        Ok(done > 0)
    }
}
