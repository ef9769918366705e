//! `hub users list` (and `search`): accounts a page (or with `--all` every page) at a time, as a
//! table or as JSON lines, from a server or (`--local`) from the database. Hints about further
//! pages go to stderr so stdout stays clean for pipes.

use std::io::Write as _;

use hub_core::Hub;
use hub_core::client::{Client, PageParams};
use hub_core::protocol::v1::{AdminUserView, Page};

use crate::args::{Format, ListUsersArgs};
use crate::{output, plural, table};

const HEADERS: [&str; 6] = ["ID", "USERNAME", "FULL NAME", "ADMIN", "SUSPENDED", "CREATED"];

/// Where the accounts come from.
pub enum Source<'a> {
    /// The database, through the services (no server needed).
    Local(&'a Hub),
    /// A running server, as a site admin.
    Server(&'a Client),
}

impl Source<'_> {
    async fn page(&self, query: &str, limit: Option<u32>, cursor: Option<&str>) -> anyhow::Result<Page<AdminUserView>> {
        Ok(match self {
            Source::Local(hub) => Page::from(
                hub.list_users(limit, cursor)
                    .await?
                    .map(|user| AdminUserView::from(&user)),
            ),
            Source::Server(client) => {
                let page = PageParams {
                    limit,
                    cursor: cursor.map(str::to_owned),
                };
                client.admin_users(query, &page).await?
            }
        })
    }

    /// How many accounts there are, where that is cheap to know.
    async fn total(&self) -> anyhow::Result<Option<i64>> {
        match self {
            Source::Local(hub) => Ok(Some(hub.count_users().await?)),
            Source::Server(_) => Ok(None),
        }
    }
}

/// Lists accounts ordered by username, starting after `--cursor`.
pub async fn run(source: Source<'_>, args: &ListUsersArgs) -> anyhow::Result<()> {
    let mut cursor = args.cursor.clone();
    let mut shown = Vec::new();
    let mut count = 0usize;
    loop {
        let page = source.page("", args.limit, cursor.as_deref()).await?;
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
        print_table(&shown)?;
    }
    print_summary(&source, args, count, cursor.as_deref()).await
}

/// `hub users search TEXT`: one page of matches from the server.
pub async fn search(client: &Client, text: &str, limit: u32, format: Format) -> anyhow::Result<()> {
    let page = Source::Server(client).page(text, Some(limit), None).await?;
    if format.is_json() {
        output::list(&page, &page.items, format)?;
    } else if page.items.is_empty() {
        eprintln!("no account matches {text:?}");
    } else {
        print_table(&page.items)?;
    }
    Ok(())
}

fn print_json_lines(users: &[AdminUserView]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for user in users {
        serde_json::to_writer(&mut out, user)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn print_table(users: &[AdminUserView]) -> anyhow::Result<()> {
    let rows: Vec<Vec<String>> = users.iter().map(table_row).collect();
    std::io::stdout().write_all(table::render(&HEADERS, &rows).as_bytes())?;
    Ok(())
}

fn table_row(user: &AdminUserView) -> Vec<String> {
    let yes_no = |flag: bool| if flag { "yes" } else { "no" }.to_owned();
    let profile = &user.account.profile;
    vec![
        profile.id.to_string(),
        profile.username.clone(),
        if profile.full_name.is_empty() {
            "-".to_owned()
        } else {
            profile.full_name.clone()
        },
        yes_no(user.account.is_superuser),
        yes_no(user.is_suspended),
        profile.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    ]
}

/// On stderr: how many were shown, and the command for the next page when there is one.
async fn print_summary(
    source: &Source<'_>,
    args: &ListUsersArgs,
    count: usize,
    next_cursor: Option<&str>,
) -> anyhow::Result<()> {
    if count == 0 {
        match &args.cursor {
            Some(cursor) => eprintln!("no users after {cursor:?}"),
            None => eprintln!("no users yet; create the first site admin with: hub users create <USERNAME> --admin"),
        }
        return Ok(());
    }
    let of_total = match source.total().await? {
        Some(total) => format!(" of {total}"),
        None => String::new(),
    };
    match next_cursor {
        Some(next) => eprintln!(
            "{}{of_total} shown; next page: {}",
            plural(count, "user"),
            next_page_command(args, next)
        ),
        None if args.cursor.is_none() => eprintln!("{}", plural(count, "user")),
        None => eprintln!("{}{of_total} shown; this is the last page", plural(count, "user")),
    }
    Ok(())
}

/// The same listing, continued after `next`. Cursors are usernames (`[A-Za-z0-9._-]`), so
/// they need no shell quoting.
fn next_page_command(args: &ListUsersArgs, next: &str) -> String {
    let mut command = String::from("hub users list");
    if args.local {
        command.push_str(" --local");
    }
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
    use crate::args::ProfileOption;

    fn listing(limit: Option<u32>, json: bool, local: bool) -> ListUsersArgs {
        ListUsersArgs {
            profile: ProfileOption { profile: None },
            limit,
            cursor: Some("alice".to_owned()),
            all: false,
            json,
            local,
        }
    }

    #[test]
    fn the_next_page_command_keeps_the_page_size_the_format_and_the_source() {
        assert_eq!(
            next_page_command(&listing(Some(20), true, false), "bob"),
            "hub users list --limit 20 --json --cursor bob"
        );
        assert_eq!(
            next_page_command(&listing(None, false, false), "bob"),
            "hub users list --cursor bob"
        );
        assert_eq!(
            next_page_command(&listing(None, false, true), "bob"),
            "hub users list --local --cursor bob"
        );
    }
}
