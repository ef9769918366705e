//! Reading reports: the reporter's own (`my_reports`), the moderators' queue (`report_queue`)
//! and one report with all a moderator needs to decide (`report_detail`).

use crate::error::{Error, Result};
use crate::model::{CommentId, MessageId, PostId, Report, ReportId, ReportReason, ReportStatus, ReportTarget, UserId};
use crate::protocol::v1::{AdminReportView, CurrentContent, ReportDetailView, ReportEvidence, ReportView, UserView};
use crate::service::{Caller, Hub, Paged, require_superuser};
use crate::store::ReportFilter;

/// The author's other reports shown with a report.
const EARLIER_REPORTS: u32 = 20;

/// Which reports the queue lists (`status` absent: the open ones).
#[derive(Debug, Clone, Default)]
pub struct ReportQuery {
    /// Open, resolved or dismissed.
    pub status: Option<ReportStatus>,
    /// Only reports of this kind of target.
    pub target_type: Option<ReportTarget>,
    /// Only reports for this reason.
    pub reason: Option<ReportReason>,
    /// Only reports made since this time.
    pub since: Option<chrono::DateTime<chrono::Utc>>,
}

impl Hub {
    /// The caller's own reports, newest first, with their status (never the moderator's note).
    pub async fn my_reports(
        &self,
        caller: &Caller,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<ReportView>> {
        let limit = self.page_size(limit)?;
        crate::rules::paging::id_cursor("cursor", cursor)?;
        let before = cursor.map(ReportId::from);
        let reports = self
            .inner
            .store
            .reports_by(&caller.user.id, before.as_ref(), limit + 1)
            .await?;
        Ok(Paged::from_lookahead(reports, limit, |report| report.id.to_string())
            .map(|report| ReportView::from(&report)))
    }

    /// The moderators' queue, oldest first (site admins).
    pub async fn report_queue(
        &self,
        caller: &Caller,
        query: ReportQuery,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Paged<AdminReportView>> {
        require_superuser(caller)?;
        let limit = self.page_size(limit)?;
        let filter = ReportFilter {
            status: Some(query.status.unwrap_or(ReportStatus::Open)),
            target_type: query.target_type,
            reason: query.reason,
            since: query.since,
        };
        crate::rules::paging::id_cursor("cursor", cursor)?;
        let after = cursor.map(ReportId::from);
        let reports = self.inner.store.reports(&filter, after.as_ref(), limit + 1).await?;
        Ok(Paged::from_lookahead(reports, limit, |report| report.id.to_string())
            .map(|report| AdminReportView::from(&report)))
    }

    /// One report: its evidence, the content as it is now, the people, the author's earlier
    /// reports and how many open reports share its target (site admins).
    pub async fn report_detail(&self, caller: &Caller, id: &ReportId) -> Result<ReportDetailView> {
        require_superuser(caller)?;
        let report = self.report_by_id(id).await?;
        let store = &self.inner.store;
        let evidence: ReportEvidence = serde_json::from_str(&report.evidence).map_err(Error::internal)?;
        let author = match &report.target_author_id {
            Some(author) => store.user_by_id(author).await?,
            None => None,
        };
        let earlier = match &report.target_author_id {
            Some(author) => store.reports_on_author(author, &report.id, EARLIER_REPORTS).await?,
            None => Vec::new(),
        };
        Ok(ReportDetailView {
            current: self.current_content(&report).await?,
            reporter: self.user_view(&report.reporter_id).await?,
            author_since: author.as_ref().map(|author| author.created_at),
            author: author.map(|author| UserView::from(&self.with_presence(author))),
            author_earlier_reports: earlier.iter().map(AdminReportView::from).collect(),
            open_reports_on_target: store
                .open_report_count(Some((report.target_type, &report.target_id)))
                .await?,
            evidence,
            report: AdminReportView::from(&report),
        })
    }

    /// The report with `id`, or not found.
    pub(super) async fn report_by_id(&self, id: &ReportId) -> Result<Report> {
        self.inner
            .store
            .report(id)
            .await?
            .ok_or_else(|| Error::not_found("report"))
    }

    async fn user_view(&self, id: &UserId) -> Result<Option<UserView>> {
        let user = self.inner.store.user_by_id(id).await?;
        Ok(user.map(|user| UserView::from(&self.with_presence(user))))
    }

    /// The reported thing as it is now.
    async fn current_content(&self, report: &Report) -> Result<CurrentContent> {
        let gone = CurrentContent {
            exists: false,
            deleted: false,
            content: None,
            edited_at: None,
        };
        Ok(match report.target_type {
            ReportTarget::Message => match self
                .inner
                .store
                .message(&MessageId::from(report.target_id.as_str()))
                .await?
            {
                Some(message) => CurrentContent {
                    exists: true,
                    deleted: message.deleted_at.is_some(),
                    content: Some(message.content),
                    edited_at: message.edited_at,
                },
                None => gone,
            },
            ReportTarget::User => match self
                .inner
                .store
                .user_by_id(&UserId::from(report.target_id.as_str()))
                .await?
            {
                Some(user) => CurrentContent {
                    exists: true,
                    deleted: false,
                    content: Some(user.bio),
                    edited_at: Some(user.updated_at),
                },
                None => gone,
            },
            ReportTarget::Post => match self.inner.store.post(&PostId::from(report.target_id.as_str())).await? {
                Some(post) => CurrentContent {
                    exists: true,
                    deleted: post.deleted_at.is_some(),
                    content: Some(post.body),
                    edited_at: post.edited_at,
                },
                None => gone,
            },
            ReportTarget::Comment => match self
                .inner
                .store
                .comment(&CommentId::from(report.target_id.as_str()))
                .await?
            {
                Some(comment) => CurrentContent {
                    exists: true,
                    deleted: comment.deleted_at.is_some(),
                    content: Some(comment.body),
                    edited_at: comment.edited_at,
                },
                None => gone,
            },
        })
    }
}
