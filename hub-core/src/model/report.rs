//! Reports of users and content, with the evidence captured when they were made, and the audit
//! log of what moderators and site admins did.

use chrono::{DateTime, Utc};

use super::text_enum::text_enum;
use super::{AuditEntryId, ChannelId, ReportId, UserId};

text_enum!(
    /// What a report is about.
    ReportTarget {
        /// A person.
        User => "user",
        /// A chat message.
        Message => "message",
        /// A forum post.
        Post => "post",
        /// A forum comment.
        Comment => "comment",
    }
);

text_enum!(
    /// Why something was reported (a fixed list, so moderators can sort the queue).
    ReportReason {
        /// Unwanted advertising or repeated junk.
        Spam => "spam",
        /// Targeting a person.
        Harassment => "harassment",
        /// Attacking a group.
        Hate => "hate",
        /// Someone may hurt themselves.
        #[serde(rename = "self_harm")]
        SelfHarm => "self_harm",
        /// Sexual content where it does not belong.
        #[serde(rename = "sexual_content")]
        SexualContent => "sexual_content",
        /// Threats or glorified violence.
        Violence => "violence",
        /// Anything else (say what in `details`).
        Other => "other",
    }
);

text_enum!(
    /// Where a report is in the queue.
    ReportStatus {
        /// Waiting for a moderator.
        Open => "open",
        /// A moderator acted on it (which way: [`ReportAction`]).
        Resolved => "resolved",
        /// A moderator found nothing to act on.
        Dismissed => "dismissed",
    }
);

text_enum!(
    /// What a moderator did when resolving a report.
    ReportAction {
        /// Resolved without changing anything (a warning given elsewhere, say).
        None => "none",
        /// The reported content was deleted.
        #[serde(rename = "delete_content")]
        DeleteContent => "delete_content",
        /// The author was suspended for a while.
        Suspend => "suspend",
        /// The author was suspended for good.
        Ban => "ban",
    }
);

/// A report, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Report {
    /// Its id.
    pub id: ReportId,
    /// Who reported.
    pub reporter_id: UserId,
    /// What kind of thing is reported.
    pub target_type: ReportTarget,
    /// The reported thing's id.
    pub target_id: String,
    /// The reported person, or the author of the reported content.
    pub target_author_id: Option<UserId>,
    /// The channel of a reported message.
    pub channel_id: Option<ChannelId>,
    /// Why.
    pub reason: ReportReason,
    /// The reporter's own words.
    pub details: String,
    /// What was reported as it was at report time, with its context (JSON).
    pub evidence: String,
    /// Where it is in the queue.
    pub status: ReportStatus,
    /// What the moderator did, once resolved.
    pub action: Option<ReportAction>,
    /// The moderator's note (never shown to the reporter).
    pub moderator_note: Option<String>,
    /// Who resolved or dismissed it.
    pub handled_by: Option<UserId>,
    /// When.
    pub handled_at: Option<DateTime<Utc>>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// One audit log entry: who did what to what, when and why. Never changed once written.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AuditEntry {
    /// Its id (time-ordered).
    pub id: AuditEntryId,
    /// Who acted (`None`: an operator on the command line).
    pub actor_id: Option<UserId>,
    /// What they did, e.g. `report.resolve`, `user.suspend`.
    pub action: String,
    /// What kind of thing it was done to.
    pub target_type: String,
    /// Its id.
    pub target_id: String,
    /// The reason given.
    pub reason: String,
    /// More about it (JSON).
    pub details: String,
    /// When.
    pub created_at: DateTime<Utc>,
}
