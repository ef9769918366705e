//! Report rows: made with their evidence, the moderators' queue, the author's history, and
//! closing a report (or every open one on the same target) in one statement.

use chrono::{DateTime, Utc};

use super::{Store, db_run, db_write, unique_violation};
use crate::error::{ErrorKind, Result};
use crate::model::{Message, Report, ReportAction, ReportId, ReportReason, ReportStatus, ReportTarget, UserId};

const REPORT_UNIQUE: &[(&str, ErrorKind, &str)] = &[
    // PostgreSQL names the index; SQLite names the columns.
    (
        "reports_one_open",
        ErrorKind::Conflict,
        "you already have an open report on this",
    ),
    (
        "reports.reporter_id",
        ErrorKind::Conflict,
        "you already have an open report on this",
    ),
];

/// Which reports the queue lists.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReportFilter {
    pub status: Option<ReportStatus>,
    pub target_type: Option<ReportTarget>,
    pub reason: Option<ReportReason>,
    /// Only reports made since this time.
    pub since: Option<DateTime<Utc>>,
}

/// How a report is closed.
#[derive(Debug, Clone)]
pub(crate) struct Closing<'a> {
    pub status: ReportStatus,
    pub action: Option<ReportAction>,
    pub note: &'a str,
    pub by: &'a UserId,
    pub at: DateTime<Utc>,
    /// Close the other open reports on the same target too.
    pub same_target: bool,
}

impl Store {
    /// Stores a new report. A second open report of the same reporter on the same target
    /// fails with [`ErrorKind::Conflict`].
    pub async fn insert_report(&self, report: &Report) -> Result<()> {
        const SQL: &str = "INSERT INTO reports (id, reporter_id, target_type, target_id, target_author_id, channel_id, \
            reason, details, evidence, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
        db_write!(self, pool => {
            sqlx::query(SQL)
                .bind(&report.id)
                .bind(&report.reporter_id)
                .bind(report.target_type)
                .bind(&report.target_id)
                .bind(&report.target_author_id)
                .bind(&report.channel_id)
                .bind(report.reason)
                .bind(&report.details)
                .bind(&report.evidence)
                .bind(report.status)
                .bind(report.created_at)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })
        .map_err(|err| unique_violation(err, REPORT_UNIQUE))?;
        Ok(())
    }

    /// The report with `id`.
    pub async fn report(&self, id: &ReportId) -> Result<Option<Report>> {
        Ok(
            db_run!(self, pool => sqlx::query_as("SELECT * FROM reports WHERE id = $1").bind(id).fetch_optional(pool).await)?,
        )
    }

    /// The queue: reports matching `filter`, oldest first, after the report-id cursor.
    pub async fn reports(&self, filter: &ReportFilter, after: Option<&ReportId>, limit: u32) -> Result<Vec<Report>> {
        const SQL: &str = "SELECT * FROM reports WHERE ($1 IS NULL OR status = $1) AND ($2 IS NULL OR target_type = $2) \
            AND ($3 IS NULL OR reason = $3) AND ($4 IS NULL OR id > $4) AND ($6 IS NULL OR created_at >= $6) \
            ORDER BY id LIMIT $5";
        Ok(db_run!(self, pool => {
            sqlx::query_as(SQL)
                .bind(filter.status)
                .bind(filter.target_type)
                .bind(filter.reason)
                .bind(after)
                .bind(i64::from(limit))
                .bind(filter.since)
                .fetch_all(pool)
                .await
        })?)
    }

    /// `reporter`'s reports, newest first, before the report-id cursor.
    pub async fn reports_by(&self, reporter: &UserId, before: Option<&ReportId>, limit: u32) -> Result<Vec<Report>> {
        const SQL: &str =
            "SELECT * FROM reports WHERE reporter_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3";
        Ok(db_run!(self, pool => {
            sqlx::query_as(SQL).bind(reporter).bind(before).bind(i64::from(limit)).fetch_all(pool).await
        })?)
    }

    /// Reports on `author` or their content other than `except`, newest first.
    pub async fn reports_on_author(&self, author: &UserId, except: &ReportId, limit: u32) -> Result<Vec<Report>> {
        const SQL: &str = "SELECT * FROM reports WHERE target_author_id = $1 AND id <> $2 ORDER BY id DESC LIMIT $3";
        Ok(db_run!(self, pool => {
            sqlx::query_as(SQL).bind(author).bind(except).bind(i64::from(limit)).fetch_all(pool).await
        })?)
    }

    /// How many open reports there are on one target, or (`None`) in all.
    pub async fn open_report_count(&self, target: Option<(ReportTarget, &str)>) -> Result<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM reports WHERE status = 'open' \
            AND ($1 IS NULL OR (target_type = $1 AND target_id = $2))";
        let (kind, id) = target.map_or((None, None), |(kind, id)| (Some(kind), Some(id)));
        Ok(db_run!(self, pool => sqlx::query_scalar(SQL).bind(kind).bind(id).fetch_one(pool).await)?)
    }

    /// Closes `report` (and, with `same_target`, every other open report on its target) if it
    /// is still open. Returns the ids closed, `report` first; empty when it was not open.
    pub async fn close_reports(&self, report: &Report, closing: &Closing<'_>) -> Result<Vec<ReportId>> {
        const SQL: &str = "UPDATE reports SET status = $1, action = $2, moderator_note = $3, handled_by = $4, handled_at = $5 \
            WHERE status = 'open' AND (id = $6 OR ($7 AND target_type = $8 AND target_id = $9)) RETURNING id";
        let closed: Vec<ReportId> = db_write!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                // Only while this one is open: two moderators closing it at once close it once.
                let open: Option<ReportId> = sqlx::query_scalar("SELECT id FROM reports WHERE id = $1 AND status = 'open'")
                    .bind(&report.id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if open.is_none() {
                    tx.rollback().await?;
                    return Ok::<_, sqlx::Error>(Vec::new());
                }
                let closed = sqlx::query_scalar(SQL)
                    .bind(closing.status)
                    .bind(closing.action)
                    .bind(closing.note)
                    .bind(closing.by)
                    .bind(closing.at)
                    .bind(&report.id)
                    .bind(closing.same_target)
                    .bind(report.target_type)
                    .bind(&report.target_id)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(closed)
            }
            .await
        })?;
        let mut closed = closed;
        closed.sort_by_key(|id| id != &report.id);
        Ok(closed)
    }

    /// Up to `count` messages before and after `message` in its channel (or its thread), each
    /// side oldest first, tombstones left out: the context kept with a report.
    ///
    /// Top-level messages and replies are asked for apart, each through its own index
    /// (`messages_top_level`, `messages_thread`): one query for both (`parent_id IS NOT
    /// DISTINCT FROM $2`) can use neither and walked the whole channel.
    pub async fn message_context(&self, message: &Message, count: u32) -> Result<(Vec<Message>, Vec<Message>)> {
        const TOP_BEFORE: &str = "SELECT * FROM messages WHERE channel_id = $1 AND parent_id IS NULL \
            AND seq < $2 AND deleted_at IS NULL ORDER BY seq DESC LIMIT $3";
        const TOP_AFTER: &str = "SELECT * FROM messages WHERE channel_id = $1 AND parent_id IS NULL \
            AND seq > $2 AND deleted_at IS NULL ORDER BY seq ASC LIMIT $3";
        const THREAD_BEFORE: &str = "SELECT * FROM messages WHERE parent_id = $1 \
            AND seq < $2 AND deleted_at IS NULL ORDER BY seq DESC LIMIT $3";
        const THREAD_AFTER: &str = "SELECT * FROM messages WHERE parent_id = $1 \
            AND seq > $2 AND deleted_at IS NULL ORDER BY seq ASC LIMIT $3";
        let (scope, before_sql, after_sql) = match &message.parent_id {
            None => (message.channel_id.as_str(), TOP_BEFORE, TOP_AFTER),
            Some(parent) => (parent.as_str(), THREAD_BEFORE, THREAD_AFTER),
        };
        let mut before = self.messages_beside(before_sql, scope, message.seq, count).await?;
        before.reverse();
        let after = self.messages_beside(after_sql, scope, message.seq, count).await?;
        Ok((before, after))
    }

    /// The messages `sql` picks beside position `seq` of `scope` (a channel, or a thread's
    /// parent): the same binds for either side.
    async fn messages_beside(&self, sql: &'static str, scope: &str, seq: i64, count: u32) -> Result<Vec<Message>> {
        let messages = db_run!(self, pool => {
            sqlx::query_as(sql)
                .bind(scope)
                .bind(seq)
                .bind(i64::from(count))
                .fetch_all(pool)
                .await
        })?;
        Ok(messages)
    }

    /// Every site admin, for live notices to moderators.
    pub async fn site_admin_ids(&self) -> Result<Vec<UserId>> {
        const SQL: &str = "SELECT id FROM users WHERE is_superuser = TRUE";
        Ok(db_run!(self, pool => sqlx::query_scalar(SQL).fetch_all(pool).await)?)
    }
}
