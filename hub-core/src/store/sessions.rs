//! Login sessions and their rotating refresh tokens. A session is one token family: every refresh
//! marks the presented token used and adds its successor; revoking the session ends them all.

use chrono::{DateTime, Utc};

use super::rows::{RusqliteColumn, RusqliteRow};
use super::users::{UserRow, user_columns};
use super::{Store, db_run, db_write, sqlite_direct};
use crate::error::Result;
use crate::model::{SessionId, User, UserId};

/// A refresh token to store (only its hash is kept).
#[derive(Debug, Clone)]
pub struct NewRefreshToken {
    /// SHA-256 of the token.
    pub token_hash: String,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// What the store knows about a presented refresh token.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefreshTokenRecord {
    /// Its session (family).
    pub session_id: SessionId,
    /// The session's user.
    pub user_id: UserId,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was exchanged, if it was.
    pub used_at: Option<DateTime<Utc>>,
    /// When its session was revoked, if it was.
    pub session_revoked_at: Option<DateTime<Utc>>,
}

/// One login session of a user, as a site admin lists them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SessionRecord {
    /// The session (token family).
    pub id: SessionId,
    /// When it was opened (the login).
    pub created_at: DateTime<Utc>,
    /// When its newest refresh token was issued (the last refresh, or the login).
    pub last_refreshed_at: Option<DateTime<Utc>>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why (logout, reuse, suspension, an admin's revoke, ...).
    pub revoke_reason: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(super) struct SessionUserRow {
    #[sqlx(flatten)]
    user: UserRow,
    session_revoked_at: Option<DateTime<Utc>>,
}

/// Stores refresh token `$token` ([`NewRefreshToken`]) of `$session` inside transaction `$tx`.
macro_rules! insert_token {
    ($tx:expr, $session:expr, $token:expr) => {{
        let token: &NewRefreshToken = $token;
        sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&token.token_hash)
        .bind($session)
        .bind(token.created_at)
        .bind(token.expires_at)
        .execute(&mut *$tx)
        .await?;
    }};
}

impl Store {
    /// Opens a session for `user` with its first refresh token.
    pub async fn create_session(&self, session: &SessionId, user: &UserId, token: &NewRefreshToken) -> Result<()> {
        db_write!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO auth_sessions (id, user_id, created_at) VALUES ($1, $2, $3)")
                .bind(session)
                .bind(user)
                .bind(token.created_at)
                .execute(&mut *tx)
                .await?;
            insert_token!(tx, session, token);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Looks up a refresh token by its hash.
    pub async fn refresh_token(&self, token_hash: &str) -> Result<Option<RefreshTokenRecord>> {
        const SQL: &str = "SELECT s.id AS session_id, s.user_id, t.expires_at, t.used_at, s.revoked_at AS session_revoked_at \
            FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id WHERE t.token_hash = $1";
        Ok(db_run!(self, pool => sqlx::query_as(SQL).bind(token_hash).fetch_optional(pool).await)?)
    }

    /// Marks `old_hash` used and stores its successor, atomically. Returns `false` (and changes
    /// nothing) when the old token was already used or its session revoked meanwhile: a reuse.
    pub async fn rotate_refresh_token(
        &self,
        session: &SessionId,
        old_hash: &str,
        new: &NewRefreshToken,
    ) -> Result<bool> {
        const MARK_USED: &str = "UPDATE refresh_tokens SET used_at = $2 \
            WHERE token_hash = $1 AND used_at IS NULL \
              AND session_id IN (SELECT id FROM auth_sessions WHERE revoked_at IS NULL)";
        let rotated = db_write!(self, pool => {
            let mut tx = pool.begin().await?;
            let marked = sqlx::query(MARK_USED).bind(old_hash).bind(new.created_at).execute(&mut *tx).await?;
            if marked.rows_affected() == 1 {
                insert_token!(tx, session, new);
                tx.commit().await?;
                true
            } else {
                tx.rollback().await?;
                false
            }
        });
        Ok(rotated)
    }

    /// Revokes one session (logout, or a detected reuse).
    pub async fn revoke_session(&self, session: &SessionId, reason: &str, now: DateTime<Utc>) -> Result<()> {
        db_write!(self, pool => {
            sqlx::query("UPDATE auth_sessions SET revoked_at = $2, revoke_reason = $3 WHERE id = $1 AND revoked_at IS NULL")
                .bind(session)
                .bind(now)
                .bind(reason)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    /// A user's sessions, newest first (revoked ones too, so an admin sees how each ended).
    pub async fn user_sessions(&self, user: &UserId, limit: u32) -> Result<Vec<SessionRecord>> {
        const SQL: &str = "SELECT s.id, s.created_at, \
                (SELECT MAX(t.created_at) FROM refresh_tokens t WHERE t.session_id = s.id) AS last_refreshed_at, \
                s.revoked_at, s.revoke_reason \
            FROM auth_sessions s WHERE s.user_id = $1 ORDER BY s.created_at DESC, s.id DESC LIMIT $2";
        Ok(db_run!(self, pool => sqlx::query_as(SQL).bind(user).bind(i64::from(limit)).fetch_all(pool).await)?)
    }

    /// Revokes the open sessions of `user`: all of them (suspension, an admin's "all"), or only
    /// `only` (an admin's revoke of one). Returns how many were open.
    pub async fn revoke_user_sessions(
        &self,
        user: &UserId,
        only: Option<&SessionId>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        const SQL: &str = "UPDATE auth_sessions SET revoked_at = $3, revoke_reason = $4 \
            WHERE user_id = $1 AND ($2 IS NULL OR id = $2) AND revoked_at IS NULL";
        let done = db_write!(self, pool => {
            sqlx::query(SQL)
                .bind(user)
                .bind(only)
                .bind(now)
                .bind(reason)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        Ok(done)
    }

    /// The user of an access token's session, and whether that session was revoked.
    pub async fn session_user(&self, session: &SessionId, user: &UserId) -> Result<Option<(User, bool)>> {
        // Every authenticated request asks this: on SQLite it skips sqlx's thread hop, on
        // PostgreSQL it shares a statement with the others asked at the same moment.
        let row: Option<SessionUserRow> = match self {
            Store::Sqlite { direct, .. } => direct.read(|connection| {
                sqlite_direct::query_optional(connection, SESSION_USER, &[session, user], |row| {
                    Ok(SessionUserRow {
                        user: UserRow::from_rusqlite(row)?,
                        session_revoked_at: RusqliteColumn::read(row, UserRow::COLUMNS.len())?,
                    })
                })
            })?,
            Store::Postgres(_, pg) => pg.sessions.read((session.clone(), user.clone())).await?,
        };
        Ok(row.map(|row| (row.user.into_user(), row.session_revoked_at.is_some())))
    }
}

/// The user of session `$1` if it belongs to `$2`, and when the session was revoked; `$from`
/// names the session `s` and `$filter` picks it.
macro_rules! session_user {
    ($from:literal, $filter:literal, $extra:literal) => {
        concat!(
            "SELECT ",
            user_columns!(),
            ", s.revoked_at AS session_revoked_at",
            $extra,
            " FROM ",
            $from,
            " JOIN users u ON u.id = s.user_id",
            $filter
        )
    };
}

const SESSION_USER: &str = session_user!("auth_sessions s", " WHERE s.id = $1 AND s.user_id = $2", "");

/// [`SESSION_USER`] for the pairs of arrays `$1` (sessions) and `$2` (users) at once, each row
/// with the index of its pair (PostgreSQL, [`super::pg_reads`]).
pub(super) const SESSION_USER_BATCH: &str = session_user!(
    "UNNEST($1::text[], $2::text[]) WITH ORDINALITY AS k(session_id, user_id, n) \
     JOIN auth_sessions s ON s.id = k.session_id AND s.user_id = k.user_id",
    "",
    ", k.n - 1 AS batch_index"
);
