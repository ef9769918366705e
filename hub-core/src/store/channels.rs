//! Channel rows: create (with first members), read, list, update, archive, direct conversations.

use chrono::{DateTime, Utc};

use super::events::append_event;
use super::rows::{RusqliteColumn, RusqliteRow, row_mapping};
use super::safety::{heard_from, not_blocked};
use super::sqlite_direct;
use super::users::UserRow;
use super::{Store, db_run, db_write, unique_violation};
use crate::error::{ErrorKind, Result};
use crate::model::{Channel, ChannelBan, ChannelId, ChannelKind, ChannelRole, Membership, NotifyLevel, User, UserId};
use crate::protocol::v1::{ChannelEvent, StoredEvent};

// The columns of [`Channel`] for a query over `channels c`.
row_mapping!(channel_columns, "c.", Channel {
    id, name, kind, description, topic, created_by, created_at, archived_at, last_message_id,
    last_message_at, last_seq,
} computed {
    member_count: "(SELECT COUNT(*) FROM channel_members cm WHERE cm.channel_id = c.id)",
});
// Lets `search` name the macro `row_mapping!` defined.
#[allow(clippy::single_component_path_imports)]
pub(super) use channel_columns;

const CHANNEL_UNIQUE: &[(&str, ErrorKind, &str)] = &[
    // PostgreSQL names the index; SQLite names the columns of a plain unique index.
    (
        "channels_name_key",
        ErrorKind::ChannelNameTaken,
        "another channel has this name",
    ),
    (
        "channels.name",
        ErrorKind::ChannelNameTaken,
        "another channel has this name",
    ),
    (
        "channels_dm_key",
        ErrorKind::Conflict,
        "this direct conversation already exists",
    ),
    (
        "channels.dm_key",
        ErrorKind::Conflict,
        "this direct conversation already exists",
    ),
];

/// A channel to create.
#[derive(Debug, Clone)]
pub struct NewChannel {
    /// Fresh id.
    pub id: ChannelId,
    /// Validated name.
    pub name: String,
    /// Kind.
    pub kind: ChannelKind,
    /// Validated description.
    pub description: String,
    /// Validated topic.
    pub topic: String,
    /// The creator.
    pub created_by: UserId,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// For private channels.
    pub join_code: Option<String>,
    /// For direct conversations: the sorted member set.
    pub dm_key: Option<String>,
}

/// A change to a channel's row.
#[derive(Debug, Clone, Copy)]
pub enum ChannelChange<'a> {
    /// New name, description and topic; `None` keeps one.
    Settings {
        /// New name.
        name: Option<&'a str>,
        /// New description.
        description: Option<&'a str>,
        /// New topic.
        topic: Option<&'a str>,
    },
    /// Archive it (read-only from now on).
    Archive,
}

/// A channel with what the caller's relation to it is.
#[derive(Debug, Clone)]
pub struct ChannelAccess {
    /// The channel.
    pub channel: Channel,
    /// Its join code (private channels).
    pub join_code: Option<String>,
    /// The caller's membership.
    pub membership: Option<Membership>,
    /// The caller's ban, expired or not.
    pub ban: Option<ChannelBan>,
    /// A direct conversation in which someone else blocks the caller or is blocked by them.
    pub blocked_in_dm: bool,
}

/// One of a user's channels with their counters.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MyChannel {
    /// The channel.
    #[sqlx(flatten)]
    pub channel: Channel,
    /// The user's role.
    pub role: ChannelRole,
    /// The user's notification choice.
    pub notify: NotifyLevel,
    /// Top-level messages by others after the read marker.
    pub unread_count: i64,
    /// Mentions of the user after the read marker.
    pub mention_count: i64,
    /// The join code (private channels).
    pub join_code: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ChannelUserRow {
    channel_id: ChannelId,
    #[sqlx(flatten)]
    user: UserRow,
}

/// A channel with a user's membership and ban beside it (their columns prefixed, `NULL` when
/// there is none) and whether, in a direct conversation, someone else in it blocks the user or
/// is blocked by them: `$from` names the channel `c` (and `$filter` picks it), `$user` is the
/// user, and `$extra` adds columns after these.
macro_rules! channel_access {
    ($from:literal, $user:literal, $filter:literal, $extra:literal) => {
        concat!(
            "SELECT ",
            channel_columns!(),
            ", c.join_code, m.role AS member_role, m.notify AS member_notify, \
               m.joined_at AS member_joined_at, m.last_read_seq AS member_last_read_seq, \
               m.timed_out_until AS member_timed_out_until, cb.banned_by AS ban_banned_by, \
               cb.reason AS ban_reason, cb.created_at AS ban_created_at, cb.expires_at AS ban_expires_at, \
               (c.kind = 'dm' AND EXISTS (SELECT 1 FROM channel_members o WHERE o.channel_id = c.id \
                 AND o.user_id <> ",
            $user,
            " AND NOT ",
            not_blocked!("o.user_id", $user),
            ")) AS blocked_in_dm",
            $extra,
            " FROM ",
            $from,
            " LEFT JOIN channel_members m ON m.channel_id = c.id AND m.user_id = ",
            $user,
            " LEFT JOIN channel_bans cb ON cb.channel_id = c.id AND cb.user_id = ",
            $user,
            $filter
        )
    };
}

/// Channel `$1` with user `$2`'s access facts.
const CHANNEL_ACCESS: &str = channel_access!("channels c", "$2", " WHERE c.id = $1", "");

/// [`CHANNEL_ACCESS`] for the pairs of arrays `$1` (channels) and `$2` (users) at once, each row
/// with the index of its pair (PostgreSQL, [`super::pg_reads`]).
pub(super) const CHANNEL_ACCESS_BATCH: &str = channel_access!(
    "UNNEST($1::text[], $2::text[]) WITH ORDINALITY AS k(channel_id, user_id, n) \
     JOIN channels c ON c.id = k.channel_id",
    "k.user_id",
    "",
    ", k.n - 1 AS batch_index"
);

/// Access facts read in batches on PostgreSQL, by channel and user.
pub(super) type AccessReads = super::pg_reads::BatchedReads<(ChannelId, UserId), AccessRow>;

/// A row of [`CHANNEL_ACCESS`].
#[derive(sqlx::FromRow)]
pub(super) struct AccessRow {
    #[sqlx(flatten)]
    channel: Channel,
    join_code: Option<String>,
    member_role: Option<ChannelRole>,
    member_notify: Option<NotifyLevel>,
    member_joined_at: Option<DateTime<Utc>>,
    member_last_read_seq: Option<i64>,
    member_timed_out_until: Option<DateTime<Utc>>,
    ban_banned_by: Option<UserId>,
    ban_reason: Option<String>,
    ban_created_at: Option<DateTime<Utc>>,
    ban_expires_at: Option<DateTime<Utc>>,
    blocked_in_dm: bool,
}

impl AccessRow {
    /// Reads the columns in the order [`CHANNEL_ACCESS`] selects them.
    fn from_rusqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        // After the channel's columns and its computed `member_count`.
        let mut next_column = Channel::COLUMNS.len() + 1..;
        let mut next = move || next_column.next().unwrap_or_default();
        Ok(AccessRow {
            channel: Channel::from_rusqlite(row)?,
            join_code: RusqliteColumn::read(row, next())?,
            member_role: RusqliteColumn::read(row, next())?,
            member_notify: RusqliteColumn::read(row, next())?,
            member_joined_at: RusqliteColumn::read(row, next())?,
            member_last_read_seq: RusqliteColumn::read(row, next())?,
            member_timed_out_until: RusqliteColumn::read(row, next())?,
            ban_banned_by: RusqliteColumn::read(row, next())?,
            ban_reason: RusqliteColumn::read(row, next())?,
            ban_created_at: RusqliteColumn::read(row, next())?,
            ban_expires_at: RusqliteColumn::read(row, next())?,
            blocked_in_dm: RusqliteColumn::read(row, next())?,
        })
    }

    /// The facts of `user` in the row's channel.
    pub(super) fn into_access(self, user: &UserId) -> ChannelAccess {
        // The joined columns the tables declare NOT NULL are present exactly when the row is.
        let membership = match (
            self.member_role,
            self.member_notify,
            self.member_joined_at,
            self.member_last_read_seq,
        ) {
            (Some(role), Some(notify), Some(joined_at), Some(last_read_seq)) => Some(Membership {
                channel_id: self.channel.id.clone(),
                user_id: user.clone(),
                role,
                notify,
                joined_at,
                last_read_seq,
                timed_out_until: self.member_timed_out_until,
            }),
            _ => None,
        };
        let ban = match (self.ban_reason, self.ban_created_at) {
            (Some(reason), Some(created_at)) => Some(ChannelBan {
                channel_id: self.channel.id.clone(),
                user_id: user.clone(),
                banned_by: self.ban_banned_by,
                reason,
                created_at,
                expires_at: self.ban_expires_at,
            }),
            _ => None,
        };
        ChannelAccess {
            blocked_in_dm: self.blocked_in_dm,
            channel: self.channel,
            join_code: self.join_code,
            membership,
            ban,
        }
    }
}

const CHANNEL_BY_ID: &str = concat!("SELECT ", channel_columns!(), " FROM channels c WHERE c.id = $1");

impl Store {
    /// Creates a channel with its first members and the `channel.created` event.
    pub async fn create_channel(
        &self,
        new: &NewChannel,
        members: &[(UserId, ChannelRole)],
        make_event: impl FnOnce(&Channel) -> ChannelEvent + Send,
    ) -> Result<(Channel, StoredEvent)> {
        const INSERT: &str = "INSERT INTO channels \
            (id, name, kind, description, topic, created_by, created_at, updated_at, join_code, dm_key) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9)";
        const ADD_MEMBER: &str =
            "INSERT INTO channel_members (channel_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)";
        let created = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                sqlx::query(INSERT)
                    .bind(&new.id)
                    .bind(&new.name)
                    .bind(new.kind)
                    .bind(&new.description)
                    .bind(&new.topic)
                    .bind(&new.created_by)
                    .bind(new.created_at)
                    .bind(&new.join_code)
                    .bind(&new.dm_key)
                    .execute(&mut *tx)
                    .await?;
                for (user, role) in members {
                    sqlx::query(ADD_MEMBER).bind(&new.id).bind(user).bind(*role).bind(new.created_at).execute(&mut *tx).await?;
                }
                let channel: Channel = sqlx::query_as(CHANNEL_BY_ID).bind(&new.id).fetch_one(&mut *tx).await?;
                let event = append_event!(tx, &new.id, new.created_at, make_event(&channel));
                tx.commit().await?;
                Ok::<_, sqlx::Error>((channel, event))
            }
            .await
        })
        .map_err(|err| unique_violation(err, CHANNEL_UNIQUE))?;
        Ok(created)
    }

    /// A channel and the caller's membership and ban, if the channel exists (and, for a direct
    /// conversation, whether a block stands between the caller and someone in it). This runs
    /// before every send and history page, so it is one query: on PostgreSQL each statement is a
    /// round trip to another process.
    pub async fn channel_access(&self, channel: &ChannelId, user: &UserId) -> Result<Option<ChannelAccess>> {
        let row = match self {
            Store::Sqlite { direct, .. } => direct.read(|connection| {
                sqlite_direct::query_optional(connection, CHANNEL_ACCESS, &[channel, user], AccessRow::from_rusqlite)
            })?,
            Store::Postgres(_, pg) => pg.access.read((channel.clone(), user.clone())).await?,
        };
        Ok(row.map(|row| row.into_access(user)))
    }

    /// Public and voice channels that are not archived, whose name contains the `LIKE` pattern,
    /// by name after the cursor.
    pub async fn open_channels(&self, pattern: &str, after_name: Option<&str>, limit: u32) -> Result<Vec<Channel>> {
        const SQL: &str = concat!(
            "SELECT ",
            channel_columns!(),
            " FROM channels c WHERE c.kind IN ('public', 'voice') AND c.archived_at IS NULL \
              AND c.name LIKE $1 ESCAPE '\\' AND ($2 IS NULL OR c.name > $2) ORDER BY c.name LIMIT $3"
        );
        Ok(db_run!(self, pool => {
            sqlx::query_as(SQL).bind(pattern).bind(after_name).bind(i64::from(limit)).fetch_all(pool).await
        })?)
    }

    /// Every channel `user` belongs to (or only `only`), most recently active first, with
    /// unread and mention counts.
    pub async fn my_channels(&self, user: &UserId, only: Option<&ChannelId>) -> Result<Vec<MyChannel>> {
        const SQL: &str = concat!(
            "SELECT ",
            channel_columns!(),
            ", m.role, m.notify, c.join_code, \
             (SELECT COUNT(*) FROM messages x WHERE x.channel_id = c.id AND x.parent_id IS NULL \
                AND x.seq > m.last_read_seq AND x.deleted_at IS NULL \
                AND (x.author_id IS NULL OR x.author_id <> m.user_id) AND ",
            heard_from!("m.user_id", "x.author_id"),
            ") AS unread_count, \
             (SELECT COUNT(*) FROM mentions n JOIN messages x ON x.id = n.message_id \
                WHERE n.user_id = m.user_id AND n.channel_id = c.id AND n.seq > m.last_read_seq \
                AND x.deleted_at IS NULL AND ",
            heard_from!("m.user_id", "x.author_id"),
            ") AS mention_count \
             FROM channel_members m JOIN channels c ON c.id = m.channel_id \
             WHERE m.user_id = $1 AND ($2 IS NULL OR c.id = $2) ORDER BY COALESCE(c.last_message_id, c.id) DESC"
        );
        Ok(db_run!(self, pool => sqlx::query_as(SQL).bind(user).bind(only).fetch_all(pool).await)?)
    }

    /// The members (as users) of each of `channels`, for showing who is in a direct conversation.
    pub async fn channel_users(&self, channels: &[ChannelId]) -> Result<Vec<(ChannelId, User)>> {
        if channels.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<ChannelUserRow> = db_run!(self, pool => {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT m.channel_id, u.* FROM channel_members m JOIN users u ON u.id = m.user_id WHERE m.channel_id IN (",
            );
            let mut list = query.separated(", ");
            for channel in channels {
                list.push_bind(channel);
            }
            query.push(") ORDER BY lower(u.username)");
            query.build_query_as().fetch_all(pool).await
        })?;
        Ok(rows
            .into_iter()
            .map(|row| (row.channel_id, row.user.into_user()))
            .collect())
    }

    /// The direct conversation of exactly this member set.
    pub async fn channel_by_dm_key(&self, dm_key: &str) -> Result<Option<Channel>> {
        const SQL: &str = concat!("SELECT ", channel_columns!(), " FROM channels c WHERE c.dm_key = $1");
        Ok(db_run!(self, pool => sqlx::query_as(SQL).bind(dm_key).fetch_optional(pool).await)?)
    }

    /// Applies `change` and logs the event `make_event` makes of the channel as it now is.
    pub async fn change_channel(
        &self,
        channel: &ChannelId,
        change: ChannelChange<'_>,
        at: DateTime<Utc>,
        make_event: impl FnOnce(&Channel) -> ChannelEvent + Send,
    ) -> Result<(Channel, StoredEvent)> {
        const UPDATE: &str = "UPDATE channels SET name = COALESCE($2, name), \
            description = COALESCE($3, description), topic = COALESCE($4, topic), updated_at = $5 WHERE id = $1";
        const ARCHIVE: &str =
            "UPDATE channels SET archived_at = COALESCE(archived_at, $2), updated_at = $2 WHERE id = $1";
        let changed = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                match change {
                    ChannelChange::Settings { name, description, topic } => {
                        sqlx::query(UPDATE).bind(channel).bind(name).bind(description).bind(topic).bind(at).execute(&mut *tx).await?;
                    }
                    ChannelChange::Archive => {
                        sqlx::query(ARCHIVE).bind(channel).bind(at).execute(&mut *tx).await?;
                    }
                }
                let updated: Channel = sqlx::query_as(CHANNEL_BY_ID).bind(channel).fetch_one(&mut *tx).await?;
                let event = append_event!(tx, channel, at, make_event(&updated));
                tx.commit().await?;
                Ok::<_, sqlx::Error>((updated, event))
            }
            .await
        })
        .map_err(|err| unique_violation(err, CHANNEL_UNIQUE))?;
        Ok(changed)
    }

    /// Replaces a channel's join code.
    pub async fn set_join_code(&self, channel: &ChannelId, code: &str, at: DateTime<Utc>) -> Result<()> {
        db_write!(self, pool => {
            sqlx::query("UPDATE channels SET join_code = $2, updated_at = $3 WHERE id = $1")
                .bind(channel)
                .bind(code)
                .bind(at)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }
}
