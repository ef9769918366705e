//! The audit log: every moderator and site-admin action (reports resolved and dismissed,
//! content deleted by someone other than its author, suspensions, bans and restores, role
//! changes, custom reactions) with who, when, what and why. Entries are only ever appended.

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::model::{AuditEntry, AuditEntryId, UserId};
use crate::protocol::v1::AuditEntryView;
use crate::service::{Caller, Hub, Paged, now, require_superuser};
use crate::store::AuditFilter;

/// What one audit entry records.
#[derive(Debug, Clone)]
pub(crate) struct Audited<'a> {
    /// What was done, e.g. `user.suspend`.
    pub action: &'a str,
    /// What kind of thing it was done to.
    pub target_type: &'a str,
    /// Its id.
    pub target_id: &'a str,
    /// The reason given (may be empty where none is asked for).
    pub reason: &'a str,
    /// More about it.
    pub details: serde_json::Value,
}

/// Which entries `GET /admin/audit-log` lists.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only this actor's.
    pub actor: Option<UserId>,
    /// Only this action.
    pub action: Option<String>,
    /// Only those done to this id.
    pub target: Option<String>,
    /// Only those since this time.
    pub since: Option<DateTime<Utc>>,
}

impl Hub {
    /// Appends what `actor` (`None`: an operator) did to the audit log.
    pub(crate) async fn audit(&self, actor: Option<&UserId>, audited: Audited<'_>) -> Result<()> {
        let entry = AuditEntry {
            id: AuditEntryId::generate(),
            actor_id: actor.cloned(),
            action: audited.action.to_owned(),
            target_type: audited.target_type.to_owned(),
            target_id: audited.target_id.to_owned(),
            reason: audited.reason.to_owned(),
            details: audited.details.to_string(),
            created_at: now(),
        };
        self.inner.store.append_audit(&entry).await
    }

    /// The audit log, newest first (site admins).
    pub async fn audit_log(
        &self,
        caller: &Caller,
        query: AuditQuery,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<AuditEntryView>> {
        require_superuser(caller)?;
        let limit = self.page_size(limit)?;
        let filter = AuditFilter {
            actor: query.actor,
            action: query.action,
            target_id: query.target,
            since: query.since,
        };
        crate::rules::paging::id_cursor("cursor", cursor)?;
        crate::rules::paging::id_cursor("actor", filter.actor.as_ref().map(UserId::as_str))?;
        let before = cursor.map(AuditEntryId::from);
        let entries = self
            .inner
            .store
            .audit_entries(&filter, before.as_ref(), limit + 1)
            .await?;
        Ok(Paged::from_lookahead(entries, limit, |entry| entry.id.to_string())
            .map(|entry| AuditEntryView::from(&entry)))
    }
}
