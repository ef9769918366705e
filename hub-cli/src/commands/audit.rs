//! `hub audit list`: what moderators and site admins did (site admins), newest first; with
//! `--follow`, then each new entry as it is written, oldest first, until interrupted.

use std::collections::HashSet;

use hub_core::client::{AuditFilter, Client, PageParams};
use hub_core::protocol::v1::AuditEntryView;

use crate::args::{AuditCommand, AuditListArgs, Format};
use crate::profiles::signed_in;
use crate::since::since;
use crate::{output, table, targets};

/// Runs one `hub audit` command.
pub async fn run(command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::List(args) => list(args).await,
    }
}

async fn list(args: AuditListArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let actor = match &args.actor {
        Some(actor) => Some(targets::user(&client, actor).await?.to_string()),
        None => None,
    };
    let filter = AuditFilter {
        actor,
        action: args.action.clone(),
        target: args.target.clone(),
        since: args.since.as_deref().map(since).transpose()?,
    };
    let page = client.audit_log(&filter, &PageParams::first(args.limit)).await?;
    if !args.follow {
        match args.format {
            Format::Json | Format::Jsonl => output::list(&page, &page.items, args.format)?,
            Format::Table => print!("{}", table::render(&HEADERS, &rows(&page.items))),
        }
        return Ok(());
    }
    // Following: one line per entry, oldest first, so new ones simply append.
    let mut seen: HashSet<String> = HashSet::new();
    let mut newest = None;
    let shown: Vec<AuditEntryView> = page.items.into_iter().rev().collect();
    print_lines(&shown, args.format, &mut seen, &mut newest)?;
    follow(client, filter, &args, seen, newest).await
}

const HEADERS: [&str; 5] = ["WHEN", "ACTOR", "ACTION", "TARGET", "REASON"];

fn rows(entries: &[AuditEntryView]) -> Vec<Vec<String>> {
    entries.iter().map(row).collect()
}

fn row(entry: &AuditEntryView) -> Vec<String> {
    vec![
        entry.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
        entry
            .actor_id
            .as_ref()
            .map_or("(operator)".to_owned(), ToString::to_string),
        entry.action.clone(),
        format!("{} {}", entry.target_type, entry.target_id),
        entry.reason.clone(),
    ]
}

/// Prints the entries not printed yet (oldest first), and remembers them.
fn print_lines(
    entries: &[AuditEntryView],
    format: Format,
    seen: &mut HashSet<String>,
    newest: &mut Option<chrono::DateTime<chrono::Utc>>,
) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    for entry in entries {
        if !seen.insert(entry.id.to_string()) {
            continue;
        }
        *newest = (*newest).max(Some(entry.created_at));
        if format.is_json() {
            writeln!(out, "{}", serde_json::to_string(entry)?)?;
        } else {
            writeln!(out, "{}", row(entry).join("  "))?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Asks for entries since the newest one printed, every `--every`, until interrupted. Entries
/// of the same second as the newest come back too; `seen` keeps them from printing twice.
async fn follow(
    mut client: Client,
    mut filter: AuditFilter,
    args: &AuditListArgs,
    mut seen: HashSet<String>,
    mut newest: Option<chrono::DateTime<chrono::Utc>>,
) -> anyhow::Result<()> {
    let mut ticks = tokio::time::interval(args.every);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
        if let Some(newest) = newest {
            filter.since = Some(newest.to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
        }
        let mut fresh = Vec::new();
        let mut page = PageParams::first(100);
        loop {
            let found = match client.audit_log(&filter, &page).await {
                // Following runs for hours: an expired token is renewed, and the page asked again.
                Err(err) if err.code() == Some("token_expired") => {
                    client = signed_in(args.profile.profile.as_deref()).await?;
                    client.audit_log(&filter, &page).await?
                }
                other => other?,
            };
            fresh.extend(found.items);
            match found.next_cursor {
                Some(cursor) => page = PageParams::after(cursor),
                None => break,
            }
        }
        fresh.reverse();
        print_lines(&fresh, args.format, &mut seen, &mut newest)?;
    }
}
