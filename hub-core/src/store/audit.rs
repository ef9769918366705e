//! The audit log: append-only rows of what moderators and site admins did. There is no call
//! to change or delete an entry.

use chrono::{DateTime, Utc};

use super::{Store, db_run, db_write};
use crate::error::Result;
use crate::model::{AuditEntry, AuditEntryId, UserId};

/// Which entries a listing shows.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuditFilter {
    pub actor: Option<UserId>,
    pub action: Option<String>,
    pub target_id: Option<String>,
    pub since: Option<DateTime<Utc>>,
}

impl Store {
    /// Appends an entry.
    pub async fn append_audit(&self, entry: &AuditEntry) -> Result<()> {
        const SQL: &str = "INSERT INTO audit_log (id, actor_id, action, target_type, target_id, reason, details, created_at) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        db_write!(self, pool => {
            sqlx::query(SQL)
                .bind(&entry.id)
                .bind(&entry.actor_id)
                .bind(&entry.action)
                .bind(&entry.target_type)
                .bind(&entry.target_id)
                .bind(&entry.reason)
                .bind(&entry.details)
                .bind(entry.created_at)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    /// Entries matching `filter`, newest first, before the entry-id cursor.
    pub async fn audit_entries(
        &self,
        filter: &AuditFilter,
        before: Option<&AuditEntryId>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>> {
        const SQL: &str = "SELECT * FROM audit_log WHERE ($1 IS NULL OR actor_id = $1) AND ($2 IS NULL OR action = $2) \
            AND ($3 IS NULL OR target_id = $3) AND ($4 IS NULL OR created_at >= $4) AND ($5 IS NULL OR id < $5) \
            ORDER BY id DESC LIMIT $6";
        Ok(db_run!(self, pool => {
            sqlx::query_as(SQL)
                .bind(&filter.actor)
                .bind(&filter.action)
                .bind(&filter.target_id)
                .bind(filter.since)
                .bind(before)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
        })?)
    }
}
