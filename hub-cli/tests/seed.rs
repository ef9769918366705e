//! `hub seed` as an operator uses it on a fresh install: it makes what was asked, the same
//! `--seed` makes the same community, the demo accounts sign in, and it refuses to write under
//! a running server.

#![allow(clippy::expect_used)]

mod common;

use common::TestResult;
use common::sandbox::Sandbox;

const SMALL: &[&str] = &[
    "seed",
    "--users",
    "12",
    "--channels",
    "4",
    "--messages",
    "300",
    "--posts",
    "5",
];

/// What a seeded database holds, in a fixed order, without the ids and times that differ
/// from run to run.
fn contents(hub: &Sandbox) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let db = rusqlite::Connection::open(hub.dir.path().join("hub.db"))?;
    let mut lines = Vec::new();
    let queries = [
        "SELECT username || ' ' || full_name FROM users ORDER BY username",
        "SELECT name || ' ' || kind || ' ' || topic || ' ' || \
            (SELECT COUNT(*) FROM channel_members m WHERE m.channel_id = c.id) \
            FROM channels c WHERE kind != 'dm' ORDER BY name",
        // A direct conversation's name holds an id; its people name it instead.
        "SELECT label || ' ' || m.seq || ' ' || u.username || ' ' || m.content || ' ' || (m.parent_id IS NOT NULL) \
            FROM messages m JOIN users u ON u.id = m.author_id JOIN ( \
              SELECT c.id, CASE WHEN c.kind = 'dm' THEN ( \
                  SELECT group_concat(username, '+') FROM ( \
                    SELECT u2.username FROM channel_members cm JOIN users u2 ON u2.id = cm.user_id \
                    WHERE cm.channel_id = c.id ORDER BY u2.username)) \
                ELSE c.name END AS label FROM channels c) named ON named.id = m.channel_id \
            ORDER BY label, m.seq",
        "SELECT COUNT(*) FROM message_reactions",
        "SELECT p.title || ' ' || u.username || ' ' || p.score FROM posts p JOIN users u ON u.id = p.author_id \
            ORDER BY p.title, u.username, p.score",
        "SELECT COUNT(*) || ' comments' FROM comments",
        "SELECT reason || ' ' || status FROM reports ORDER BY reason, status",
    ];
    for query in queries {
        let mut statement = db.prepare(query)?;
        let rows = statement.query_map([], |row| {
            row.get::<_, rusqlite::types::Value>(0)
                .map(|value| format!("{value:?}"))
        })?;
        for row in rows {
            lines.push(row?);
        }
    }
    Ok(lines)
}

#[test]
fn the_same_seed_makes_the_same_community() -> TestResult {
    let (first, second, other) = (Sandbox::new()?, Sandbox::new()?, Sandbox::new()?);
    let printed = first.ok(SMALL, None)?;
    assert!(
        printed.contains("seeded 12 users, 4 channels, 300 messages"),
        "{printed}"
    );
    assert!(
        printed.contains("messages: ") && printed.contains(" per second"),
        "{printed}"
    );
    second.ok(SMALL, None)?;
    let mut another = SMALL.to_vec();
    another.extend(["--seed", "2"]);
    other.ok(&another, None)?;

    let (a, b, c) = (contents(&first)?, contents(&second)?, contents(&other)?);
    assert!(
        a.len() > 300,
        "users, channels, every message, posts and reports: {}",
        a.len()
    );
    assert_eq!(a, b, "the same seed, the same data");
    assert_ne!(a, c, "another seed, other data");
    Ok(())
}

#[test]
fn it_makes_threads_reactions_direct_conversations_posts_and_reports() -> TestResult {
    let hub = Sandbox::new()?;
    hub.ok(SMALL, None)?;
    let db = rusqlite::Connection::open(hub.dir.path().join("hub.db"))?;
    let count = |sql: &str| -> Result<i64, rusqlite::Error> { db.query_row(sql, [], |row| row.get(0)) };
    assert_eq!(count("SELECT COUNT(*) FROM users")?, 12);
    assert_eq!(count("SELECT COUNT(*) FROM channels WHERE kind != 'dm'")?, 4);
    assert_eq!(count("SELECT COUNT(*) FROM messages")?, 300);
    assert!(
        count("SELECT COUNT(*) FROM messages WHERE parent_id IS NOT NULL")? > 0,
        "threads"
    );
    assert!(
        count("SELECT COUNT(*) FROM messages WHERE content LIKE '@%'")? > 0,
        "mentions"
    );
    assert!(count("SELECT COUNT(*) FROM message_reactions")? > 0, "reactions");
    assert!(
        count("SELECT COUNT(*) FROM channels WHERE kind = 'dm'")? > 0,
        "direct conversations"
    );
    assert_eq!(count("SELECT COUNT(*) FROM posts")?, 5);
    assert!(count("SELECT COUNT(*) FROM comments")? > 0, "comment trees");
    assert!(
        count("SELECT COUNT(*) FROM reports WHERE status = 'open'")? >= 3,
        "a few reports"
    );
    Ok(())
}

#[tokio::test]
async fn a_seeded_account_signs_in_with_the_printed_password() -> TestResult {
    let hub = Sandbox::new()?;
    let printed = hub.ok(SMALL, None)?;
    let password = printed
        .lines()
        .find_map(|line| line.strip_prefix("every seeded account signs in with the password "))
        .map(|quoted| quoted.trim_matches('"').to_owned())
        .ok_or("the password is printed")?;
    let db = rusqlite::Connection::open(hub.dir.path().join("hub.db"))?;
    let username: String = db.query_row("SELECT username FROM users ORDER BY username LIMIT 1", [], |row| {
        row.get(0)
    })?;
    drop(db);
    let url = format!("sqlite://{}", hub.dir.path().join("hub.db").display());
    let config = hub_tests::test_config(&hub_tests::Backend::Sqlite, hub.dir.path(), url);
    let server = hub_tests::TestServer::start_config(config).await;
    server.login(&username, &password).await.expect(200);
    server.stop().await;
    Ok(())
}

#[test]
fn it_refuses_while_a_server_holds_the_data_folder() -> TestResult {
    let hub = Sandbox::new()?;
    let _server = hub_core::database::DataFolderLock::acquire(hub.dir.path())?;
    let refused = hub.run(SMALL, None)?;
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("is running"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    Ok(())
}
