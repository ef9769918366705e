//! Fixed reports for the triage tests: fixed ids, fixed clock, so screens compare exactly.

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use hub_core::model::{
    ChannelId, MessageId, PostId, ReportId, ReportReason, ReportStatus, ReportTarget, UserId, UserStatus,
};
use hub_core::protocol::v1::{
    AdminReportView, CurrentContent, EvidenceForum, EvidenceMessage, EvidenceUser, ReportDetailView, ReportEvidence,
    ReportView, UserView,
};

use super::model::{Item, Triage};

/// The tests' "now": Tuesday 1 December 2026, 11:00 UTC.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 11, 0, 0).single().unwrap_or_default()
}

pub fn user(id: &str, username: &str) -> UserView {
    UserView {
        id: UserId::from(id),
        username: username.to_owned(),
        full_name: format!("{username} Example"),
        bio: String::new(),
        avatar_url: None,
        status: UserStatus::Offline,
        is_bot: false,
        created_at: now() - Duration::days(21),
        last_seen_at: None,
    }
}

/// A report on a message by @dave, filed by @carol `hours_ago` before [`now`].
pub fn message_report(id: &str, hours_ago: i64) -> AdminReportView {
    AdminReportView {
        report: ReportView {
            id: ReportId::from(id),
            target_type: ReportTarget::Message,
            target_id: format!("msg-{id}"),
            reason: ReportReason::Harassment,
            details: "second time this week".to_owned(),
            status: ReportStatus::Open,
            action: None,
            created_at: now() - Duration::hours(hours_ago),
            handled_at: None,
        },
        reporter_id: UserId::from("u-carol"),
        target_author_id: Some(UserId::from("u-dave")),
        channel_id: Some(ChannelId::from("c-general")),
        moderator_note: None,
        handled_by: None,
    }
}

/// A report on the person @erin.
pub fn user_report(id: &str) -> AdminReportView {
    let mut report = message_report(id, 1);
    report.report.target_type = ReportTarget::User;
    report.report.target_id = "u-erin".to_owned();
    report.report.reason = ReportReason::Spam;
    report.report.details = String::new();
    report.target_author_id = Some(UserId::from("u-erin"));
    report.channel_id = None;
    report
}

fn said(id: &str, minute: u32, author: &str, content: &str) -> EvidenceMessage {
    EvidenceMessage {
        id: MessageId::from(id),
        author_id: None,
        author_username: Some(author.to_owned()),
        content: content.to_owned(),
        created_at: Utc
            .with_ymd_and_hms(2026, 12, 1, 9, minute, 0)
            .single()
            .unwrap_or_default(),
        edited_at: None,
    }
}

/// The detail of a [`message_report`]: context either side, the message since deleted, one
/// earlier report on @dave.
pub fn message_detail(report: AdminReportView) -> ReportDetailView {
    let mut earlier = message_report("r-old", 24 * 5);
    earlier.report.status = ReportStatus::Dismissed;
    ReportDetailView {
        evidence: ReportEvidence {
            user: None,
            message: Some(said("m2", 21, "dave", "you are all idiots")),
            before: vec![said("m1", 20, "bob", "anyone up for lunch?")],
            after: vec![said("m3", 22, "carol", "please stop")],
            forum: None,
        },
        current: CurrentContent {
            exists: true,
            deleted: true,
            content: None,
            edited_at: None,
        },
        reporter: Some(user("u-carol", "carol")),
        author: Some(user("u-dave", "dave")),
        author_since: Some(now() - Duration::days(21)),
        author_earlier_reports: vec![earlier],
        open_reports_on_target: 1,
        report,
    }
}

/// The detail of a [`user_report`].
pub fn user_detail(report: AdminReportView) -> ReportDetailView {
    ReportDetailView {
        evidence: ReportEvidence {
            user: Some(EvidenceUser {
                id: UserId::from("u-erin"),
                username: "erin".to_owned(),
                full_name: "Cheap Pills".to_owned(),
                bio: "buy now at example.invalid".to_owned(),
                avatar_url: None,
            }),
            ..ReportEvidence::default()
        },
        current: CurrentContent {
            exists: true,
            deleted: false,
            content: None,
            edited_at: None,
        },
        reporter: Some(user("u-carol", "carol")),
        author: Some(user("u-erin", "erin")),
        author_since: Some(now() - Duration::days(2)),
        author_earlier_reports: Vec::new(),
        open_reports_on_target: 2,
        report,
    }
}

/// A report on @erin's forum comment, as captured.
pub fn comment_detail() -> ReportDetailView {
    let mut report = user_report("r4");
    report.report.target_type = ReportTarget::Comment;
    report.report.target_id = "c-1".to_owned();
    let mut detail = user_detail(report);
    detail.evidence = ReportEvidence {
        forum: Some(EvidenceForum {
            id: "c-1".to_owned(),
            post_id: PostId::from("p-1"),
            title: "Weekend plans".to_owned(),
            body: "buy now at example.invalid".to_owned(),
            author_id: Some(UserId::from("u-erin")),
            author_username: Some("erin".to_owned()),
            created_at: now() - Duration::hours(1),
            edited_at: None,
        }),
        ..ReportEvidence::default()
    };
    detail
}

/// A loaded screen: three message reports (r1 oldest) and one on a person, details at hand.
pub fn queue() -> Triage {
    let mut model = Triage::new(now());
    model.loaded = true;
    model.items = vec![
        Item::detailed(message_detail(message_report("r1", 3))),
        Item::detailed(message_detail(message_report("r2", 2))),
        Item::detailed(user_detail(user_report("r3"))),
    ];
    model
}
