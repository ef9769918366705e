//! `hub users list`: every account, a page (or with `--all` every page) at a time, as a table or
//! as JSON lines. Hints about further pages go to stderr so stdout stays clean for pipes.

use std::io::Write as _;

use hub_core::Hub;
use hub_core::model::User;
use hub_core::protocol::v1::AdminUserView;

use crate::args::ListUsersArgs;
use crate::{plural, table};

const HEADERS: [&str; 6] = ["ID", "USERNAME", "FULL NAME", "ADMIN", "SUSPENDED", "CREATED"];

/// Lists accounts ordered by username, starting after `--cursor`.
pub async fn run(hub: &Hub, args: &ListUsersArgs) -> anyhow::Result<()> {
    let mut cursor = args.cursor.clone();
    let mut shown = Vec::new();
    let mut count = 0usize;
    loop {
        let page = hub.list_users(args.limit, cursor.as_deref()).await?;
        count += page.items.len();
        if args.json {
            print_json_lines(&page.items)?;
        } else {
            shown.extend(page.items);
        }
        cursor = page.next_cursor;
        if !args.all || cursor.is_none() {
            break;
        }
    }
    if !args.json && count > 0 {
        let rows: Vec<Vec<String>> = shown.iter().map(table_row).collect();
        std::io::stdout().write_all(table::render(&HEADERS, &rows).as_bytes())?;
    }
    print_summary(hub, args, count, cursor.as_deref()).await
}

fn print_json_lines(users: &[User]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for user in users {
        serde_json::to_writer(&mut out, &AdminUserView::from(user))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn table_row(user: &User) -> Vec<String> {
    let yes_no = |flag: bool| if flag { "yes" } else { "no" }.to_owned();
    vec![
        user.id.to_string(),
        user.username.clone(),
        if user.full_name.is_empty() {
            "-".to_owned()
        } else {
            user.full_name.clone()
        },
        yes_no(user.is_superuser),
        yes_no(user.is_suspended),
        user.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    ]
}

/// On stderr: how many were shown, and the command for the next page when there is one.
async fn print_summary(hub: &Hub, args: &ListUsersArgs, count: usize, next_cursor: Option<&str>) -> anyhow::Result<()> {
    if count == 0 {
        match &args.cursor {
            Some(cursor) => eprintln!("no users after {cursor:?}"),
            None => eprintln!("no users yet; create the first site admin with: hub users create <USERNAME> --admin"),
        }
        return Ok(());
    }
    let total = hub.count_users().await?;
    match next_cursor {
        Some(next) => eprintln!(
            "{} of {total} shown; next page: {}",
            plural(count, "user"),
            next_page_command(args, next)
        ),
        None if args.cursor.is_none() => eprintln!("{}", plural(count, "user")),
        None => eprintln!("{} of {total} shown; this is the last page", plural(count, "user")),
    }
    Ok(())
}

/// The same listing, continued after `next`. Cursors are usernames (`[A-Za-z0-9._-]`), so
/// they need no shell quoting.
fn next_page_command(args: &ListUsersArgs, next: &str) -> String {
    let mut command = String::from("hub users list");
    if let Some(limit) = args.limit {
        command.push_str(&format!(" --limit {limit}"));
    }
    if args.json {
        command.push_str(" --json");
    }
    command.push_str(&format!(" --cursor {next}"));
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_command_keeps_the_page_size_and_format() {
        let args = ListUsersArgs {
            limit: Some(20),
            cursor: Some("alice".to_owned()),
            all: false,
            json: true,
        };
        assert_eq!(
            next_page_command(&args, "bob"),
            "hub users list --limit 20 --json --cursor bob"
        );
        let plain = ListUsersArgs {
            limit: None,
            cursor: None,
            all: false,
            json: false,
        };
        assert_eq!(next_page_command(&plain, "bob"), "hub users list --cursor bob");
    }
}
