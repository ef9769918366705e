//! `hub reports`: the moderators' queue from the command line (site admins).

use anyhow::{Context as _, anyhow};
use hub_core::client::{PageParams, ReportFilter};
use hub_core::model::{ReportAction, ReportId, ReportReason, ReportStatus, ReportTarget};
use hub_core::protocol::v1::{AdminReportView, DismissReportRequest, ReportDetailView, ResolveReportRequest};

use crate::args::{
    Action, DismissArgs, Format, ListReportsArgs, ReportsCommand, ResolveArgs, ShowReportArgs, TriageArgs,
};
use crate::confirm::confirm;
use crate::exit::Cancelled;
use crate::output;
use crate::profiles::signed_in;
use crate::since::since;
use crate::table;

/// Runs one `hub reports` command.
pub async fn run(command: ReportsCommand) -> anyhow::Result<()> {
    match command {
        ReportsCommand::List(args) => list(args).await,
        ReportsCommand::Show(args) => show(args).await,
        ReportsCommand::Resolve(args) => resolve(args).await,
        ReportsCommand::Dismiss(args) => dismiss(args).await,
        ReportsCommand::Triage(args) => triage(args).await,
    }
}

fn parse<T: std::str::FromStr>(flag: &str, value: Option<&str>) -> anyhow::Result<Option<T>> {
    value
        .map(|value| {
            value
                .parse()
                .map_err(|_| anyhow!("--{flag} {value:?} is not one hub knows"))
        })
        .transpose()
}

async fn list(args: ListReportsArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let filter = ReportFilter {
        status: parse::<ReportStatus>("status", args.status.as_deref())?,
        target_type: parse::<ReportTarget>("type", args.target_type.as_deref())?,
        reason: parse::<ReportReason>("reason", args.reason.as_deref())?,
        since: args.since.as_deref().map(since).transpose()?,
    };
    let page = client.report_queue(&filter, &PageParams::first(args.limit)).await?;
    match args.format {
        Format::Json | Format::Jsonl => output::list(&page, &page.items, args.format)?,
        Format::Table => print!("{}", report_table(&page.items)),
    }
    Ok(())
}

fn report_table(reports: &[AdminReportView]) -> String {
    let rows: Vec<Vec<String>> = reports
        .iter()
        .map(|report| {
            vec![
                report.report.id.to_string(),
                report.report.created_at.format("%Y-%m-%d %H:%M").to_string(),
                report.report.target_type.to_string(),
                report.report.reason.to_string(),
                report.report.status.to_string(),
                report.report.details.clone(),
            ]
        })
        .collect();
    table::render(&["ID", "REPORTED", "TYPE", "REASON", "STATUS", "DETAILS"], &rows)
}

async fn show(args: ShowReportArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let detail = client.report_detail(&ReportId::from(args.id.as_str())).await?;
    match args.format {
        Format::Json | Format::Jsonl => output::json(&detail, args.format)?,
        Format::Table => print!("{}", describe(&detail)),
    }
    Ok(())
}

/// A report as a moderator reads it.
pub fn describe(detail: &ReportDetailView) -> String {
    let report = &detail.report.report;
    let name = |user: &Option<hub_core::protocol::v1::UserView>| {
        user.as_ref()
            .map_or("(unknown)".to_owned(), |user| format!("@{}", user.username))
    };
    let mut out = format!(
        "Report {} ({}) of a {} for {}, by {} on {}\n",
        report.id,
        report.status,
        report.target_type,
        report.reason,
        name(&detail.reporter),
        report.created_at.format("%Y-%m-%d %H:%M UTC"),
    );
    if let Some(message) = &detail.evidence.message {
        for before in &detail.evidence.before {
            out.push_str(&format!(
                "    {}: {}\n",
                before.author_username.as_deref().unwrap_or("?"),
                before.content
            ));
        }
        out.push_str(&format!(
            "  > {}: {}\n",
            message.author_username.as_deref().unwrap_or("?"),
            message.content
        ));
        for after in &detail.evidence.after {
            out.push_str(&format!(
                "    {}: {}\n",
                after.author_username.as_deref().unwrap_or("?"),
                after.content
            ));
        }
    } else if let Some(forum) = &detail.evidence.forum {
        out.push_str(&format!(
            "  > {} in {:?}: {}\n",
            forum.author_username.as_deref().unwrap_or("?"),
            forum.title,
            forum.body
        ));
    } else if let Some(user) = &detail.evidence.user {
        out.push_str(&format!("  @{} {:?}: {}\n", user.username, user.full_name, user.bio));
    }
    let now = if !detail.current.exists {
        "gone".to_owned()
    } else if detail.current.deleted {
        "deleted".to_owned()
    } else {
        format!("{:?}", detail.current.content.as_deref().unwrap_or_default())
    };
    out.push_str(&format!("  now: {now}\n"));
    if !report.details.is_empty() {
        out.push_str(&format!("  reporter's note: {:?}\n", report.details));
    }
    let earlier = &detail.author_earlier_reports;
    let resolved = earlier
        .iter()
        .filter(|r| r.report.status == ReportStatus::Resolved)
        .count();
    let dismissed = earlier
        .iter()
        .filter(|r| r.report.status == ReportStatus::Dismissed)
        .count();
    out.push_str(&format!(
        "  {}: {} earlier reports ({resolved} resolved, {dismissed} dismissed); {} open on this target\n",
        name(&detail.author),
        earlier.len(),
        detail.open_reports_on_target,
    ));
    out
}

async fn resolve(args: ResolveArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let id = ReportId::from(args.id.as_str());
    let action = match args.action {
        Action::None => ReportAction::None,
        Action::DeleteContent => ReportAction::DeleteContent,
        Action::Suspend => ReportAction::Suspend,
        Action::Ban => ReportAction::Ban,
    };
    if action != ReportAction::None && !args.yes {
        let detail = client.report_detail(&id).await?;
        let what = match action {
            ReportAction::DeleteContent => "delete the reported content".to_owned(),
            ReportAction::Suspend => format!(
                "suspend {} for {}",
                author_of(&detail),
                args.duration.as_deref().unwrap_or("?")
            ),
            _ => format!("ban {}", author_of(&detail)),
        };
        confirm(false, &format!("{}This will {what}. Go ahead?", describe(&detail)))?;
    }
    let request = ResolveReportRequest {
        action,
        duration: args.duration,
        note: args.reason,
        resolve_same_target: None,
    };
    let outcome = client.resolve_report(&id, &request).await?;
    eprintln!(
        "resolved {} ({}){}",
        outcome.report.report.id,
        action,
        match outcome.also_closed.len() {
            0 => String::new(),
            n => format!(", and {n} other open report(s) on the same target"),
        }
    );
    Ok(())
}

fn author_of(detail: &ReportDetailView) -> String {
    detail
        .author
        .as_ref()
        .map_or("the author".to_owned(), |author| format!("@{}", author.username))
}

async fn dismiss(args: DismissArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let outcome = client
        .dismiss_report(
            &ReportId::from(args.id.as_str()),
            &DismissReportRequest { note: args.reason },
        )
        .await?;
    eprintln!("dismissed {}", outcome.report.report.id);
    Ok(())
}

/// The full-screen queue (`hub_tui::triage`, the screen hub-tui shares).
async fn triage(args: TriageArgs) -> anyhow::Result<()> {
    if !hub_tui::terminal::is_interactive() {
        return Err(anyhow!(Cancelled(
            "hub reports triage needs a terminal; without one, use hub reports list, \
             hub reports show ID, hub reports resolve ID --action ACTION --reason TEXT \
             and hub reports dismiss ID --reason TEXT"
                .to_owned()
        )));
    }
    let client = signed_in(args.profile.profile.as_deref()).await?;
    // Ask once before taking over the screen, so "not a site admin" is a plain message (exit 4).
    client
        .report_queue(&ReportFilter::default(), &PageParams::first(1))
        .await?;
    let mut terminal = hub_tui::terminal::enter().context("cannot take over the terminal")?;
    let tokens = crate::profiles::renewing_tokens(args.profile.profile.as_deref());
    let outcome = hub_tui::triage::run(client, &mut terminal, hub_tui::theme::Theme::from_env(), tokens).await;
    hub_tui::terminal::leave();
    let summary = outcome?;
    let mut counts: Vec<(String, usize)> = Vec::new();
    for done in summary.done {
        match counts.iter_mut().find(|(name, _)| *name == done) {
            Some((_, count)) => *count += 1,
            None => counts.push((done, 1)),
        }
    }
    let decided: Vec<String> = counts.iter().map(|(name, count)| format!("{count} {name}")).collect();
    eprintln!(
        "triage: {} decided{}; {} left open{}",
        counts.iter().map(|(_, count)| count).sum::<usize>(),
        if decided.is_empty() {
            String::new()
        } else {
            format!(" ({})", decided.join(", "))
        },
        summary.open,
        match summary.failed {
            0 => String::new(),
            n => format!("; {n} refused by the server (still open)"),
        }
    );
    Ok(())
}
