//! User rows.

use chrono::{DateTime, Utc};

use super::rows::row_mapping;
use super::{Store, db_run, db_write, unique_violation};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{ChatAvailability, User, UserId, UserStatus};
use crate::rules::accounts;

/// The constraints whose violation means "taken", and what to tell the caller.
const USER_UNIQUE: &[(&str, ErrorKind, &str)] = &[
    ("users_username_key", ErrorKind::UsernameTaken, "this username is taken"),
    ("users_email_key", ErrorKind::EmailTaken, "this email is already in use"),
];

/// A user as read from `SELECT * FROM users` (extra columns are ignored).
#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: UserId,
    username: String,
    email: Option<String>,
    full_name: String,
    bio: String,
    avatar_url: Option<String>,
    status: String,
    is_bot: bool,
    is_superuser: bool,
    is_suspended: bool,
    suspended_until: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    last_seen_at: Option<DateTime<Utc>>,
    chat_availability: ChatAvailability,
    deleted_at: Option<DateTime<Utc>>,
}

// The columns of [`UserRow`] over `users u` (the password hash is read only where needed).
row_mapping!(
    user_columns,
    "u.",
    UserRow {
        id,
        username,
        email,
        full_name,
        bio,
        avatar_url,
        status,
        is_bot,
        is_superuser,
        is_suspended,
        suspended_until,
        created_at,
        updated_at,
        last_seen_at,
        chat_availability,
        deleted_at,
    }
);
// Lets `sessions` name the macro `row_mapping!` defined (clippy does not see that definition).
#[allow(clippy::single_component_path_imports)]
pub(super) use user_columns;

impl UserRow {
    pub(super) fn into_user(self) -> User {
        User {
            id: self.id,
            username: self.username,
            email: self.email,
            full_name: self.full_name,
            bio: self.bio,
            avatar_url: self.avatar_url,
            // The column only ever receives UserStatus::as_str; anything else reads as offline.
            status: self.status.parse().unwrap_or(UserStatus::Offline),
            is_bot: self.is_bot,
            is_superuser: self.is_superuser,
            is_suspended: accounts::suspension_in_force(self.is_suspended, self.suspended_until, Utc::now()),
            suspended_until: self.suspended_until,
            created_at: self.created_at,
            updated_at: self.updated_at,
            last_seen_at: self.last_seen_at,
            chat_availability: self.chat_availability,
            deleted_at: self.deleted_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct UserWithHashRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: Option<String>,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Fresh id.
    pub id: UserId,
    /// Already validated.
    pub username: String,
    /// Already validated.
    pub email: Option<String>,
    /// Display name.
    pub full_name: String,
    /// PHC string, or none for accounts that only sign in through the identity provider.
    pub password_hash: Option<String>,
    /// Site admin.
    pub is_superuser: bool,
    /// Bot account.
    pub is_bot: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Who may open a direct conversation with them.
    pub chat_availability: ChatAvailability,
}

/// The profile fields `PATCH /users/me` may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileUpdate {
    /// New display name.
    pub full_name: Option<String>,
    /// New bio.
    pub bio: Option<String>,
    /// New avatar (`Some(None)` clears it).
    pub avatar_url: Option<Option<String>>,
    /// New email (`Some(None)` clears it).
    pub email: Option<Option<String>>,
    /// Who may open a direct conversation with them.
    pub chat_availability: Option<ChatAvailability>,
}

const INSERT_USER: &str = "INSERT INTO users \
    (id, username, email, full_name, bio, avatar_url, status, is_bot, is_superuser, is_suspended, password_hash, created_at, updated_at, chat_availability) \
    VALUES ($1, $2, $3, $4, '', NULL, 'online', $5, $6, FALSE, $7, $8, $8, $9) RETURNING *";

impl Store {
    /// Creates a user. A taken username or email is [`ErrorKind::UsernameTaken`] / [`ErrorKind::EmailTaken`].
    pub async fn insert_user(&self, new: &NewUser) -> Result<User> {
        self.insert_user_linked(new, None).await
    }

    /// Creates a user and, when given, links it to an identity provider's `(issuer, subject)` in
    /// the same transaction.
    pub(super) async fn insert_user_linked(&self, new: &NewUser, identity: Option<(&str, &str)>) -> Result<User> {
        let row: UserRow = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                let row: UserRow = sqlx::query_as(INSERT_USER)
                    .bind(&new.id)
                    .bind(&new.username)
                    .bind(&new.email)
                    .bind(&new.full_name)
                    .bind(new.is_bot)
                    .bind(new.is_superuser)
                    .bind(&new.password_hash)
                    .bind(new.created_at)
                    .bind(new.chat_availability)
                    .fetch_one(&mut *tx)
                    .await?;
                if let Some((issuer, subject)) = identity {
                    sqlx::query("INSERT INTO oidc_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4)")
                        .bind(issuer)
                        .bind(subject)
                        .bind(&new.id)
                        .bind(new.created_at)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok::<_, sqlx::Error>(row)
            }
            .await
        })
        .map_err(|err| unique_violation(err, USER_UNIQUE))?;
        Ok(row.into_user())
    }

    /// The user with `id`.
    pub async fn user_by_id(&self, id: &UserId) -> Result<Option<User>> {
        let row: Option<UserRow> = db_run!(self, pool => {
            sqlx::query_as("SELECT * FROM users WHERE id = $1").bind(id).fetch_optional(pool).await
        })?;
        Ok(row.map(UserRow::into_user))
    }

    /// The user named `username` (case-insensitively) with their password hash.
    pub async fn user_with_password(&self, username: &str) -> Result<Option<(User, Option<String>)>> {
        let row: Option<UserWithHashRow> = db_run!(self, pool => {
            sqlx::query_as("SELECT * FROM users WHERE lower(username) = lower($1)")
                .bind(username)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row.map(|row| (row.user.into_user(), row.password_hash)))
    }

    /// Users whose username or full name contains the `LIKE` pattern, ordered by username, after
    /// the username cursor. Suspended users are left out unless asked for.
    pub async fn search_users(
        &self,
        pattern: &str,
        after_username: Option<&str>,
        limit: u32,
        include_suspended: bool,
    ) -> Result<Vec<User>> {
        const SQL: &str = "SELECT * FROM users \
            WHERE (lower(username) LIKE $1 ESCAPE '\\' OR lower(full_name) LIKE $1 ESCAPE '\\') \
              AND ($2 IS NULL OR lower(username) > lower($2)) \
              AND ($3 OR is_suspended = FALSE) \
            ORDER BY lower(username) LIMIT $4";
        let rows: Vec<UserRow> = db_run!(self, pool => {
            sqlx::query_as(SQL)
                .bind(pattern)
                .bind(after_username)
                .bind(include_suspended)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
        })?;
        Ok(rows.into_iter().map(UserRow::into_user).collect())
    }

    /// How many accounts exist.
    pub async fn count_users(&self) -> Result<i64> {
        Ok(db_run!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await)?)
    }

    /// Applies a profile update and returns the new profile.
    pub async fn update_profile(&self, id: &UserId, update: &ProfileUpdate, now: DateTime<Utc>) -> Result<User> {
        // CASE keeps "not given" apart from "set to NULL" in one statement for both dialects.
        const SQL: &str = "UPDATE users SET \
            full_name = COALESCE($2, full_name), \
            bio = COALESCE($3, bio), \
            avatar_url = CASE WHEN $4 THEN $5 ELSE avatar_url END, \
            email = CASE WHEN $6 THEN $7 ELSE email END, \
            updated_at = $8, \
            chat_availability = COALESCE($9, chat_availability) \
            WHERE id = $1 RETURNING *";
        let row: Option<UserRow> = db_write!(self, pool => {
            sqlx::query_as(SQL)
                .bind(id)
                .bind(&update.full_name)
                .bind(&update.bio)
                .bind(update.avatar_url.is_some())
                .bind(update.avatar_url.clone().flatten())
                .bind(update.email.is_some())
                .bind(update.email.clone().flatten())
                .bind(now)
                .bind(update.chat_availability)
                .fetch_optional(pool)
                .await
        })
        .map_err(|err| unique_violation(err, USER_UNIQUE))?;
        row.map(UserRow::into_user).ok_or_else(|| Error::not_found("user"))
    }

    /// Sets a user's status.
    pub async fn set_status(&self, id: &UserId, status: UserStatus, now: DateTime<Utc>) -> Result<User> {
        let row: Option<UserRow> = db_write!(self, pool => {
            sqlx::query_as("UPDATE users SET status = $2, updated_at = $3 WHERE id = $1 RETURNING *")
                .bind(id)
                .bind(status.as_str())
                .bind(now)
                .fetch_optional(pool)
                .await
        })?;
        row.map(UserRow::into_user).ok_or_else(|| Error::not_found("user"))
    }

    /// Suspends (until `until`, or until lifted) or restores a user.
    pub async fn set_suspended(
        &self,
        id: &UserId,
        suspended: bool,
        until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<User> {
        let row: Option<UserRow> = db_write!(self, pool => {
            sqlx::query_as("UPDATE users SET is_suspended = $2, suspended_until = $3, updated_at = $4 WHERE id = $1 RETURNING *")
                .bind(id)
                .bind(suspended)
                .bind(until)
                .bind(now)
                .fetch_optional(pool)
                .await
        })?;
        row.map(UserRow::into_user).ok_or_else(|| Error::not_found("user"))
    }

    /// Makes a user a site admin, or not.
    pub async fn set_superuser(&self, id: &UserId, is_superuser: bool, now: DateTime<Utc>) -> Result<User> {
        let row: Option<UserRow> = db_write!(self, pool => {
            sqlx::query_as("UPDATE users SET is_superuser = $2, updated_at = $3 WHERE id = $1 AND deleted_at IS NULL RETURNING *")
                .bind(id)
                .bind(is_superuser)
                .bind(now)
                .fetch_optional(pool)
                .await
        })?;
        row.map(UserRow::into_user).ok_or_else(|| Error::not_found("user"))
    }

    /// Replaces a user's password hash.
    pub async fn set_password_hash(&self, id: &UserId, hash: &str, at: DateTime<Utc>) -> Result<()> {
        let done = db_write!(self, pool => {
            sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1 AND deleted_at IS NULL")
                .bind(id)
                .bind(hash)
                .bind(at)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        if done == 0 {
            return Err(Error::not_found("user"));
        }
        Ok(())
    }

    /// Records when a user was last connected.
    pub async fn set_last_seen(&self, id: &UserId, at: DateTime<Utc>) -> Result<()> {
        db_write!(self, pool => {
            sqlx::query("UPDATE users SET last_seen_at = $2 WHERE id = $1")
                .bind(id)
                .bind(at)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }
}
