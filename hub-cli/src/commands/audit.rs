//! `hub audit list`: what moderators and site admins did (site admins).

use hub_core::client::{AuditFilter, PageParams};

use crate::args::{AuditCommand, AuditListArgs, Format};
use crate::profiles::signed_in;
use crate::since::since;
use crate::table;

/// Runs one `hub audit` command.
pub async fn run(command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::List(args) => list(args).await,
    }
}

async fn list(args: AuditListArgs) -> anyhow::Result<()> {
    let client = signed_in(args.profile.profile.as_deref()).await?;
    let filter = AuditFilter {
        actor: args.actor,
        action: args.action,
        target: args.target,
        since: args.since.as_deref().map(since).transpose()?,
    };
    let page = client.audit_log(&filter, &PageParams::first(args.limit)).await?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&page)?),
        Format::Table => {
            let rows: Vec<Vec<String>> = page
                .items
                .iter()
                .map(|entry| {
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
                })
                .collect();
            print!(
                "{}",
                table::render(&["WHEN", "ACTOR", "ACTION", "TARGET", "REASON"], &rows)
            );
        }
    }
    Ok(())
}
