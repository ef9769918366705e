//! [`Client`] calls for reports and their triage, and the audit log.

use reqwest::Method;

use super::{Client, PageParams, Result};
use crate::model::{ReportId, ReportReason, ReportStatus, ReportTarget};
use crate::protocol::v1::{
    AdminReportView, AuditEntryView, CreateReportRequest, DismissReportRequest, Page, ReportDetailView,
    ReportOutcomeView, ReportView, ResolveReportRequest,
};

/// Which reports `GET /admin/reports` lists.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Open (the server's default), resolved or dismissed.
    pub status: Option<ReportStatus>,
    /// Only this kind of target.
    pub target_type: Option<ReportTarget>,
    /// Only this reason.
    pub reason: Option<ReportReason>,
    /// Only reports made since this time (RFC 3339).
    pub since: Option<String>,
}

/// Which entries `GET /admin/audit-log` lists.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this actor's (a user id).
    pub actor: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only those about this target id.
    pub target: Option<String>,
    /// Only those since this time (RFC 3339).
    pub since: Option<String>,
}

impl Client {
    /// `POST /reports`.
    pub async fn create_report(&self, request: &CreateReportRequest) -> Result<ReportView> {
        self.fetch(self.request(Method::POST, &["reports"], &[]).json(request))
            .await
    }

    /// `GET /admin/reports`: the queue, oldest first.
    pub async fn report_queue(&self, filter: &ReportFilter, page: &PageParams) -> Result<Page<AdminReportView>> {
        let mut pairs = page.pairs();
        pairs.extend(filter.status.map(|status| ("status", status.to_string())));
        pairs.extend(filter.target_type.map(|kind| ("target_type", kind.to_string())));
        pairs.extend(filter.reason.map(|reason| ("reason", reason.to_string())));
        pairs.extend(filter.since.clone().map(|since| ("since", since)));
        self.fetch(self.request(Method::GET, &["admin", "reports"], &pairs))
            .await
    }

    /// `GET /admin/reports/{id}`.
    pub async fn report_detail(&self, id: &ReportId) -> Result<ReportDetailView> {
        self.fetch(self.request(Method::GET, &["admin", "reports", id.as_str()], &[]))
            .await
    }

    /// `POST /admin/reports/{id}/resolve`.
    pub async fn resolve_report(&self, id: &ReportId, request: &ResolveReportRequest) -> Result<ReportOutcomeView> {
        self.fetch(
            self.request(Method::POST, &["admin", "reports", id.as_str(), "resolve"], &[])
                .json(request),
        )
        .await
    }

    /// `POST /admin/reports/{id}/dismiss`.
    pub async fn dismiss_report(&self, id: &ReportId, request: &DismissReportRequest) -> Result<ReportOutcomeView> {
        self.fetch(
            self.request(Method::POST, &["admin", "reports", id.as_str(), "dismiss"], &[])
                .json(request),
        )
        .await
    }

    /// `GET /admin/audit-log`, newest first.
    pub async fn audit_log(&self, filter: &AuditFilter, page: &PageParams) -> Result<Page<AuditEntryView>> {
        let mut pairs = page.pairs();
        for (name, value) in [
            ("actor", &filter.actor),
            ("action", &filter.action),
            ("target", &filter.target),
            ("since", &filter.since),
        ] {
            pairs.extend(value.clone().map(|value| (name, value)));
        }
        self.fetch(self.request(Method::GET, &["admin", "audit-log"], &pairs))
            .await
    }
}
