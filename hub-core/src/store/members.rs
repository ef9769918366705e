//! Membership rows: join, leave, roles, time-outs, bans, read markers, notification levels.

use chrono::{DateTime, Utc};

use super::events::{append_event, commit_if_changed};
use super::rows::row_mapping;
use super::safety::not_blocked;
use super::users::UserRow;
use super::{Store, db_run, db_write};
use crate::error::Result;
use crate::model::{ChannelBan, ChannelId, ChannelRole, Membership, NotifyLevel, User, UserId};
use crate::protocol::v1::{ChannelEvent, StoredEvent};

row_mapping!(
    membership_columns,
    "",
    Membership {
        channel_id,
        user_id,
        role,
        notify,
        joined_at,
        last_read_seq,
        timed_out_until,
    }
);
row_mapping!(
    ban_columns,
    "",
    ChannelBan {
        channel_id,
        user_id,
        banned_by,
        reason,
        created_at,
        expires_at
    }
);

pub(super) const MEMBERSHIP: &str = concat!(
    "SELECT ",
    membership_columns!(),
    " FROM channel_members WHERE channel_id = $1 AND user_id = $2"
);

pub(super) const BAN: &str = concat!(
    "SELECT ",
    ban_columns!(),
    " FROM channel_bans WHERE channel_id = $1 AND user_id = $2"
);

#[derive(sqlx::FromRow)]
struct MemberRow {
    #[sqlx(flatten)]
    membership: Membership,
    #[sqlx(flatten)]
    user: UserRow,
}

/// A change to one membership.
#[derive(Debug, Clone, Copy)]
pub enum MemberChange {
    /// A new role.
    Role(ChannelRole),
    /// May not post before this time (`None` lifts a time-out).
    TimeOut(Option<DateTime<Utc>>),
}

impl Store {
    /// `user`'s membership of `channel`.
    pub async fn membership(&self, channel: &ChannelId, user: &UserId) -> Result<Option<Membership>> {
        Ok(db_run!(self, pool => sqlx::query_as(MEMBERSHIP).bind(channel).bind(user).fetch_optional(pool).await)?)
    }

    /// `user`'s ban from `channel`, expired or not.
    pub async fn ban(&self, channel: &ChannelId, user: &UserId) -> Result<Option<ChannelBan>> {
        Ok(db_run!(self, pool => sqlx::query_as(BAN).bind(channel).bind(user).fetch_optional(pool).await)?)
    }

    /// Adds `user` with `role`, reading from now on (history before joining is not "unread").
    /// Returns the `member.joined` event, or `None` when they were already a member.
    pub async fn add_member(
        &self,
        channel: &ChannelId,
        user: &UserId,
        role: ChannelRole,
        at: DateTime<Utc>,
    ) -> Result<Option<StoredEvent>> {
        const INSERT: &str = "INSERT INTO channel_members (channel_id, user_id, role, joined_at, last_read_seq) \
            SELECT $1, $2, $3, $4, last_seq FROM channels WHERE id = $1 \
            ON CONFLICT (channel_id, user_id) DO NOTHING";
        let event = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                let added = sqlx::query(INSERT).bind(channel).bind(user).bind(role).bind(at).execute(&mut *tx).await?;
                Ok::<_, sqlx::Error>(commit_if_changed!(tx, added.rows_affected(), channel, at, ChannelEvent::MemberJoined { user_id: user.clone(), role }))
            }
            .await
        })?;
        Ok(event)
    }

    /// Removes `user` and logs `event` (a `member.left`). Returns `None` when they were not a member.
    pub async fn remove_member(
        &self,
        channel: &ChannelId,
        user: &UserId,
        at: DateTime<Utc>,
        event: ChannelEvent,
    ) -> Result<Option<StoredEvent>> {
        let stored = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                let removed = sqlx::query("DELETE FROM channel_members WHERE channel_id = $1 AND user_id = $2")
                    .bind(channel)
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
                Ok::<_, sqlx::Error>(commit_if_changed!(tx, removed.rows_affected(), channel, at, event))
            }
            .await
        })?;
        Ok(stored)
    }

    /// Changes a member's role or time-out and logs `member.updated`. `None` when not a member.
    pub async fn change_member(
        &self,
        channel: &ChannelId,
        user: &UserId,
        change: MemberChange,
        at: DateTime<Utc>,
    ) -> Result<Option<(Membership, StoredEvent)>> {
        let changed = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                let done = match change {
                    MemberChange::Role(role) => {
                        sqlx::query("UPDATE channel_members SET role = $3 WHERE channel_id = $1 AND user_id = $2")
                            .bind(channel).bind(user).bind(role).execute(&mut *tx).await?
                    }
                    MemberChange::TimeOut(until) => {
                        sqlx::query("UPDATE channel_members SET timed_out_until = $3 WHERE channel_id = $1 AND user_id = $2")
                            .bind(channel).bind(user).bind(until).execute(&mut *tx).await?
                    }
                };
                if done.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok::<_, sqlx::Error>(None);
                }
                let membership: Membership = sqlx::query_as(MEMBERSHIP).bind(channel).bind(user).fetch_one(&mut *tx).await?;
                let event = append_event!(tx, channel, at, ChannelEvent::MemberUpdated {
                    user_id: user.clone(),
                    role: membership.role,
                    timed_out_until: membership.timed_out_until,
                });
                tx.commit().await?;
                Ok(Some((membership, event)))
            }
            .await
        })?;
        Ok(changed)
    }

    /// How many owners `channel` has.
    pub async fn owner_count(&self, channel: &ChannelId) -> Result<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM channel_members WHERE channel_id = $1 AND role = 'owner'";
        Ok(db_run!(self, pool => sqlx::query_scalar(SQL).bind(channel).fetch_one(pool).await)?)
    }

    /// Members with their profiles, by username after the cursor.
    pub async fn members(
        &self,
        channel: &ChannelId,
        after_username: Option<&str>,
        limit: u32,
    ) -> Result<Vec<(Membership, User)>> {
        const SQL: &str = "SELECT m.*, u.* FROM channel_members m JOIN users u ON u.id = m.user_id \
            WHERE m.channel_id = $1 AND ($2 IS NULL OR lower(u.username) > lower($2)) \
            ORDER BY lower(u.username) LIMIT $3";
        let rows: Vec<MemberRow> = db_run!(self, pool => {
            sqlx::query_as(SQL).bind(channel).bind(after_username).bind(i64::from(limit)).fetch_all(pool).await
        })?;
        Ok(rows
            .into_iter()
            .map(|row| (row.membership, row.user.into_user()))
            .collect())
    }

    /// Bans `ban.user_id` (replacing an earlier ban) and removes their membership, logging
    /// `member.left` when they were a member.
    pub async fn put_ban(&self, ban: &ChannelBan, event: ChannelEvent) -> Result<Option<StoredEvent>> {
        const UPSERT: &str = "INSERT INTO channel_bans (channel_id, user_id, banned_by, reason, created_at, expires_at) \
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (channel_id, user_id) DO UPDATE SET \
            banned_by = excluded.banned_by, reason = excluded.reason, created_at = excluded.created_at, \
            expires_at = excluded.expires_at";
        let stored = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query(UPSERT)
                    .bind(&ban.channel_id)
                    .bind(&ban.user_id)
                    .bind(&ban.banned_by)
                    .bind(&ban.reason)
                    .bind(ban.created_at)
                    .bind(ban.expires_at)
                    .execute(&mut *tx)
                    .await?;
                let removed = sqlx::query("DELETE FROM channel_members WHERE channel_id = $1 AND user_id = $2")
                    .bind(&ban.channel_id)
                    .bind(&ban.user_id)
                    .execute(&mut *tx)
                    .await?;
                let stored = if removed.rows_affected() > 0 {
                    Some(append_event!(tx, &ban.channel_id, ban.created_at, event))
                } else {
                    None
                };
                tx.commit().await?;
                Ok::<_, sqlx::Error>(stored)
            }
            .await
        })?;
        Ok(stored)
    }

    /// Lifts a ban. Returns whether there was one.
    pub async fn delete_ban(&self, channel: &ChannelId, user: &UserId) -> Result<bool> {
        let removed = db_write!(self, pool => {
            sqlx::query("DELETE FROM channel_bans WHERE channel_id = $1 AND user_id = $2")
                .bind(channel)
                .bind(user)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        Ok(removed > 0)
    }

    /// Every ban of `channel`, newest first.
    pub async fn bans(&self, channel: &ChannelId) -> Result<Vec<ChannelBan>> {
        const SQL: &str = "SELECT channel_id, user_id, banned_by, reason, created_at, expires_at \
            FROM channel_bans WHERE channel_id = $1 ORDER BY created_at DESC";
        Ok(db_run!(self, pool => sqlx::query_as(SQL).bind(channel).fetch_all(pool).await)?)
    }

    /// Moves `user`'s read marker in `channel` to `seq`.
    pub async fn set_read_marker(&self, channel: &ChannelId, user: &UserId, seq: i64) -> Result<()> {
        db_write!(self, pool => {
            sqlx::query("UPDATE channel_members SET last_read_seq = $3 WHERE channel_id = $1 AND user_id = $2")
                .bind(channel)
                .bind(user)
                .bind(seq)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Sets `user`'s notification level in `channel`.
    pub async fn set_notify(&self, channel: &ChannelId, user: &UserId, level: NotifyLevel) -> Result<()> {
        db_write!(self, pool => {
            sqlx::query("UPDATE channel_members SET notify = $3 WHERE channel_id = $1 AND user_id = $2")
                .bind(channel)
                .bind(user)
                .bind(level)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }
}

impl Store {
    /// The ids of everyone in `channel`.
    pub async fn member_ids(&self, channel: &ChannelId) -> Result<Vec<UserId>> {
        const SQL: &str = "SELECT user_id FROM channel_members WHERE channel_id = $1";
        Ok(db_run!(self, pool => sqlx::query_scalar(SQL).bind(channel).fetch_all(pool).await)?)
    }

    /// Everyone who shares at least one channel with `user` (`user` included), except those who
    /// block `user` or whom `user` blocks: the audience of their presence.
    pub async fn channel_neighbours(&self, user: &UserId) -> Result<Vec<UserId>> {
        const SQL: &str = concat!(
            "SELECT DISTINCT other.user_id FROM channel_members mine \
             JOIN channel_members other ON other.channel_id = mine.channel_id WHERE mine.user_id = $1 AND ",
            not_blocked!("$1", "other.user_id")
        );
        Ok(db_run!(self, pool => sqlx::query_scalar(SQL).bind(user).fetch_all(pool).await)?)
    }
}
