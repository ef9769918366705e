//! Reports, the moderators' queue and the audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::UserView;
use crate::model::{
    AuditEntry, AuditEntryId, ChannelId, MessageId, PostId, Report, ReportAction, ReportId, ReportReason, ReportStatus,
    ReportTarget, UserId,
};

/// `POST /reports`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReportRequest {
    /// What is reported.
    pub target_type: ReportTarget,
    /// Its id.
    pub target_id: String,
    /// Why (a fixed list).
    pub reason: ReportReason,
    /// Anything the moderators should know (at most `limits.max_report_text_length`).
    #[serde(default)]
    pub details: Option<String>,
}

/// A report as its reporter sees it: never the moderator's note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReportView {
    /// Its id.
    pub id: ReportId,
    /// What was reported.
    pub target_type: ReportTarget,
    /// Its id.
    pub target_id: String,
    /// Why.
    pub reason: ReportReason,
    /// The reporter's words.
    pub details: String,
    /// Open, resolved or dismissed.
    pub status: ReportStatus,
    /// What the moderators did, once resolved.
    pub action: Option<ReportAction>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When a moderator handled it.
    pub handled_at: Option<DateTime<Utc>>,
}

/// A report as a moderator sees it in the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AdminReportView {
    /// What the reporter sees.
    #[serde(flatten)]
    pub report: ReportView,
    /// Who reported.
    pub reporter_id: UserId,
    /// The reported person, or the author of the reported content.
    pub target_author_id: Option<UserId>,
    /// The channel of a reported message.
    pub channel_id: Option<ChannelId>,
    /// The moderator's note.
    pub moderator_note: Option<String>,
    /// Who handled it.
    pub handled_by: Option<UserId>,
}

/// A message as captured in a report's evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EvidenceMessage {
    /// Its id.
    pub id: MessageId,
    /// Who wrote it.
    pub author_id: Option<UserId>,
    /// Their username then.
    pub author_username: Option<String>,
    /// Its text then.
    pub content: String,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When it had last been edited.
    pub edited_at: Option<DateTime<Utc>>,
}

/// A person as captured in a report's evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EvidenceUser {
    /// Their id.
    pub id: UserId,
    /// Their username then.
    pub username: String,
    /// Their display name then.
    pub full_name: String,
    /// Their bio then.
    pub bio: String,
    /// Their avatar then.
    pub avatar_url: Option<String>,
}

/// What was reported, as it was when it was reported: it survives edits, deletion and erasure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReportEvidence {
    /// The reported person (or the reported content's author).
    pub user: Option<EvidenceUser>,
    /// The reported message.
    pub message: Option<EvidenceMessage>,
    /// Up to two messages before it in its channel (or thread), oldest first.
    pub before: Vec<EvidenceMessage>,
    /// Up to two messages after it, oldest first.
    pub after: Vec<EvidenceMessage>,
    /// The reported forum post or comment.
    #[serde(default)]
    pub forum: Option<EvidenceForum>,
}

/// A forum post or comment as captured in a report's evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EvidenceForum {
    /// The post's or the comment's id (the report's `target_id`).
    pub id: String,
    /// The post (the comment's post).
    pub post_id: PostId,
    /// The post's title (the comment's post's title).
    pub title: String,
    /// The post's or the comment's text then.
    pub body: String,
    /// Who wrote it.
    pub author_id: Option<UserId>,
    /// Their username then.
    pub author_username: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it had last been edited.
    pub edited_at: Option<DateTime<Utc>>,
}

/// The reported content as it is now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CurrentContent {
    /// Whether it still exists (a deleted message stays as a tombstone: it exists, deleted).
    pub exists: bool,
    /// Whether it was deleted.
    pub deleted: bool,
    /// Its text now (empty once deleted).
    pub content: Option<String>,
    /// When it was last edited.
    pub edited_at: Option<DateTime<Utc>>,
}

/// `GET /admin/reports/{id}`: everything a moderator needs to decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReportDetailView {
    /// The report.
    pub report: AdminReportView,
    /// What was reported, as it was then.
    pub evidence: ReportEvidence,
    /// The reported content as it is now.
    pub current: CurrentContent,
    /// The reporter.
    pub reporter: Option<UserView>,
    /// The reported person or author.
    pub author: Option<UserView>,
    /// When the author's account was made (how long they have been a member).
    pub author_since: Option<DateTime<Utc>>,
    /// The author's other reports, newest first (at most 20), with their outcomes.
    pub author_earlier_reports: Vec<AdminReportView>,
    /// Open reports on the same target (this one included).
    pub open_reports_on_target: i64,
}

/// `POST /admin/reports/{id}/resolve`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveReportRequest {
    /// What to do: `none`, `delete_content`, `suspend` (with `duration`) or `ban`.
    pub action: ReportAction,
    /// How long a suspension lasts: `30m`, `12h`, `7d`, `2w`.
    #[serde(default)]
    pub duration: Option<String>,
    /// Why (required; the audit log keeps it).
    pub note: String,
    /// Also resolve the other open reports on the same target (default true).
    #[serde(default)]
    pub resolve_same_target: Option<bool>,
}

/// `POST /admin/reports/{id}/dismiss`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DismissReportRequest {
    /// Why (required; the audit log keeps it).
    pub note: String,
}

/// What resolving or dismissing did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReportOutcomeView {
    /// The report now.
    pub report: AdminReportView,
    /// Other open reports on the same target that were closed with it.
    pub also_closed: Vec<ReportId>,
}

/// `POST /admin/users/{id}/suspend` (the body is optional: without it, until lifted).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspendRequest {
    /// How long: `30m`, `12h`, `7d`, `2w`; absent: until lifted.
    #[serde(default)]
    pub duration: Option<String>,
    /// Why (kept in the audit log).
    #[serde(default)]
    pub reason: Option<String>,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryView {
    /// Its id.
    pub id: AuditEntryId,
    /// Who acted (`null`: an operator on the command line).
    pub actor_id: Option<UserId>,
    /// What they did: `report.resolve`, `report.dismiss`, `message.delete`, `user.suspend`,
    /// `user.ban`, `user.restore`, `member.role`, `reaction.create`.
    pub action: String,
    /// What kind of thing it was done to.
    pub target_type: String,
    /// Its id.
    pub target_id: String,
    /// The reason given.
    pub reason: String,
    /// More about it.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<&Report> for ReportView {
    fn from(report: &Report) -> Self {
        ReportView {
            id: report.id.clone(),
            target_type: report.target_type,
            target_id: report.target_id.clone(),
            reason: report.reason,
            details: report.details.clone(),
            status: report.status,
            action: report.action,
            created_at: report.created_at,
            handled_at: report.handled_at,
        }
    }
}

impl From<&Report> for AdminReportView {
    fn from(report: &Report) -> Self {
        AdminReportView {
            report: ReportView::from(report),
            reporter_id: report.reporter_id.clone(),
            target_author_id: report.target_author_id.clone(),
            channel_id: report.channel_id.clone(),
            moderator_note: report.moderator_note.clone(),
            handled_by: report.handled_by.clone(),
        }
    }
}

impl From<&AuditEntry> for AuditEntryView {
    fn from(entry: &AuditEntry) -> Self {
        AuditEntryView {
            id: entry.id.clone(),
            actor_id: entry.actor_id.clone(),
            action: entry.action.clone(),
            target_type: entry.target_type.clone(),
            target_id: entry.target_id.clone(),
            reason: entry.reason.clone(),
            details: serde_json::from_str(&entry.details).unwrap_or(serde_json::Value::Null),
            created_at: entry.created_at,
        }
    }
}
