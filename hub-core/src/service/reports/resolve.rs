//! `resolve_report` and `dismiss_report`: a site admin closes a report, acting on its target
//! through the same calls as everywhere else (a message is deleted as a moderator deletes it,
//! a suspension ends the author's sessions and sockets), and the audit log keeps each step.

use crate::error::{Error, ErrorKind, Result};
use crate::model::{CommentId, MessageId, PostId, Report, ReportAction, ReportId, ReportStatus, ReportTarget};
use crate::protocol::v1::{AdminReportView, DismissReportRequest, ReportOutcomeView, ResolveReportRequest};
use crate::rules::reports::{self, plan_resolution};
use crate::service::audit::Audited;
use crate::service::{Caller, Hub, now, require_superuser};
use crate::store::Closing;

impl Hub {
    /// Resolves an open report with an action (and, by default, the other open reports on the
    /// same target). A report that is no longer open is a conflict.
    pub async fn resolve_report(
        &self,
        caller: &Caller,
        id: &ReportId,
        request: ResolveReportRequest,
    ) -> Result<ReportOutcomeView> {
        require_superuser(caller)?;
        let report = self.open_report(id).await?;
        let note = reports::validate_note(&request.note, self.inner.config.limits.max_report_text_length)?;
        let duration = request.duration.as_deref().map(reports::parse_duration).transpose()?;
        let plan = plan_resolution(
            request.action,
            report.target_type,
            report.target_author_id.is_some(),
            duration,
        )?;
        if plan.suspend_author.is_some() && report.target_author_id.as_ref() == Some(&caller.user.id) {
            return Err(Error::invalid("action", "you cannot suspend yourself"));
        }
        if plan.delete_content {
            let target = report.target_id.as_str();
            match report.target_type {
                ReportTarget::Message => {
                    self.delete_message_as_moderator(caller, &MessageId::from(target), &note)
                        .await?;
                }
                // A site admin may delete any post or comment; the resolution's audit entry
                // says why.
                ReportTarget::Post => self.delete_post(caller, &PostId::from(target)).await?,
                ReportTarget::Comment => self.delete_comment(caller, &CommentId::from(target)).await?,
                ReportTarget::User => {}
            }
        }
        if let (Some(length), Some(author)) = (plan.suspend_author, &report.target_author_id) {
            self.suspend_account(Some(caller), author, length.map(|length| now() + length), &note)
                .await?;
        }
        let closing = Closing {
            status: ReportStatus::Resolved,
            action: Some(request.action),
            note: &note,
            by: &caller.user.id,
            at: now(),
            same_target: request.resolve_same_target.unwrap_or(true),
        };
        let details = serde_json::json!({ "action": request.action, "duration": request.duration });
        self.close_report(caller, &report, &closing, "report.resolve", details)
            .await
    }

    /// Dismisses an open report: nothing to act on.
    pub async fn dismiss_report(
        &self,
        caller: &Caller,
        id: &ReportId,
        request: DismissReportRequest,
    ) -> Result<ReportOutcomeView> {
        require_superuser(caller)?;
        let report = self.open_report(id).await?;
        let note = reports::validate_note(&request.note, self.inner.config.limits.max_report_text_length)?;
        let closing = Closing {
            status: ReportStatus::Dismissed,
            action: None,
            note: &note,
            by: &caller.user.id,
            at: now(),
            same_target: false,
        };
        self.close_report(caller, &report, &closing, "report.dismiss", serde_json::json!({}))
            .await
    }

    async fn open_report(&self, id: &ReportId) -> Result<Report> {
        let report = self.report_by_id(id).await?;
        if report.status != ReportStatus::Open {
            return Err(already_closed(&report));
        }
        Ok(report)
    }

    async fn close_report(
        &self,
        caller: &Caller,
        report: &Report,
        closing: &Closing<'_>,
        action: &str,
        mut details: serde_json::Value,
    ) -> Result<ReportOutcomeView> {
        let closed = self.inner.store.close_reports(report, closing).await?;
        if closed.is_empty() {
            // Another moderator closed it meanwhile.
            return Err(already_closed(&self.report_by_id(&report.id).await?));
        }
        let also_closed: Vec<ReportId> = closed.into_iter().filter(|id| id != &report.id).collect();
        details["also_closed"] = serde_json::json!(also_closed);
        let audited = Audited {
            action,
            target_type: "report",
            target_id: report.id.as_str(),
            reason: closing.note,
            details,
        };
        self.audit(Some(&caller.user.id), audited).await?;
        let report = self.report_by_id(&report.id).await?;
        Ok(ReportOutcomeView {
            report: AdminReportView::from(&report),
            also_closed,
        })
    }
}

fn already_closed(report: &Report) -> Error {
    let how = match (report.status, report.action) {
        (ReportStatus::Dismissed, _) => "dismissed",
        (_, Some(ReportAction::DeleteContent)) => "resolved (content deleted)",
        (_, Some(ReportAction::Suspend)) => "resolved (author suspended)",
        (_, Some(ReportAction::Ban)) => "resolved (author banned)",
        _ => "resolved",
    };
    Error::new(ErrorKind::Conflict, format!("this report was already {how}"))
}
