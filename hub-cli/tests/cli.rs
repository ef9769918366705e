//! Runs the built `hub` binary against a fresh SQLite database in a temporary folder, as an
//! operator would: migrate, create accounts, list them, suspend and restore them, and check
//! exit codes and messages when something is refused.

use std::process::Output;

use serde_json::Value;

mod common;

use common::TestResult;
use common::sandbox::Sandbox;

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn find<'a>(users: &'a [Value], username: &str) -> Option<&'a Value> {
    users.iter().find(|user| user["username"] == username)
}

#[test]
fn migrate_create_an_admin_and_list_it() -> TestResult {
    let hub = Sandbox::new()?;
    assert!(
        hub.ok(&["migrate", "--status"], None)?.contains("pending"),
        "a fresh database has pending migrations"
    );
    let migrated = hub.ok(&["migrate"], None)?;
    assert!(migrated.starts_with("applied "), "{migrated}");
    assert!(hub.ok(&["migrate"], None)?.contains("database is up to date"));
    assert!(
        hub.ok(&["migrate", "--status"], None)?
            .contains("database is up to date")
    );

    let created = hub.create("alice", &["--admin", "--full-name", "Alice Liddell"])?;
    assert!(created.status.success(), "{}", stderr(&created));
    let stdout = String::from_utf8(created.stdout.clone())?;
    assert!(stdout.contains("created user alice"), "{stdout}");
    assert!(stdout.contains("admin: yes"), "{stdout}");
    assert!(
        stderr(&created).is_empty(),
        "nothing is said about migrations when none were applied: {}",
        stderr(&created)
    );

    let users = hub.users()?;
    assert_eq!(users.len(), 1);
    let alice = find(&users, "alice").ok_or("alice is listed")?;
    assert_eq!(alice["is_superuser"], true);
    assert_eq!(alice["is_suspended"], false);
    assert_eq!(alice["full_name"], "Alice Liddell");
    assert!(stdout.contains(alice["id"].as_str().ok_or("id is a string")?));

    let table = hub.ok(&["users", "list", "--local"], None)?;
    let mut lines = table.lines();
    assert!(
        lines
            .next()
            .is_some_and(|header| header.starts_with("ID") && header.contains("SUSPENDED"))
    );
    assert!(
        lines
            .next()
            .is_some_and(|row| row.contains("alice") && row.contains("yes"))
    );
    Ok(())
}

#[test]
fn a_taken_username_fails_with_exit_code_1() -> TestResult {
    let hub = Sandbox::new()?;
    assert!(hub.create("alice", &[])?.status.success());
    let again = hub.create("ALICE", &["--admin"])?;
    assert_eq!(again.status.code(), Some(1));
    let message = stderr(&again);
    assert!(message.starts_with("hub: "), "{message}");
    assert!(message.contains("username is taken"), "{message}");
    assert_eq!(hub.users()?.len(), 1);
    Ok(())
}

#[test]
fn a_weak_password_fails_with_exit_code_1() -> TestResult {
    let hub = Sandbox::new()?;
    hub.ok(&["migrate"], None)?;
    for weak in ["short\n", "password123\n", "bobbybobby\n"] {
        let output = hub.run(&["users", "create", "bobbybobby", "--password-stdin"], Some(weak))?;
        assert_eq!(output.status.code(), Some(1), "{weak:?}");
        let message = stderr(&output);
        assert!(message.starts_with("hub: cannot create user"), "{message}");
        assert!(message.contains("password"), "{message}");
        assert!(!message.contains("panicked"), "{message}");
    }
    assert!(hub.users()?.is_empty());
    Ok(())
}

#[test]
fn create_works_on_a_fresh_install_and_says_it_migrated() -> TestResult {
    let hub = Sandbox::new()?;
    let output = hub.create("carol", &[])?;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).starts_with("applied "), "{}", stderr(&output));
    assert!(
        hub.dir.path().join("hub.db").exists(),
        "the database lands in HUB_DATA_DIR"
    );
    assert!(
        !hub.dir.path().join("jwt-secret").exists(),
        "making an account issues no token, so no secret is generated"
    );
    Ok(())
}

#[test]
fn without_a_terminal_the_password_must_come_from_stdin() -> TestResult {
    let hub = Sandbox::new()?;
    let output = hub.run(&["users", "create", "dave"], None)?;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("--password-stdin"), "{}", stderr(&output));

    let empty = hub.run(&["users", "create", "dave", "--password-stdin"], Some(""))?;
    assert_eq!(empty.status.code(), Some(1));
    assert!(stderr(&empty).contains("standard input is empty"), "{}", stderr(&empty));
    Ok(())
}

#[test]
fn suspend_and_restore_by_username() -> TestResult {
    let hub = Sandbox::new()?;
    assert!(hub.create("mallory", &[])?.status.success());

    let suspended = hub.ok(
        &["users", "suspend", "Mallory", "--local", "--reason", "spam", "--yes"],
        None,
    )?;
    assert!(suspended.starts_with("suspended mallory"), "{suspended}");
    let users = hub.users()?;
    assert_eq!(
        find(&users, "mallory").map(|u| &u["is_suspended"]),
        Some(&Value::Bool(true))
    );
    assert!(
        hub.ok(
            &["users", "suspend", "@mallory", "--local", "--reason", "again", "--yes"],
            None
        )?
        .contains("already suspended")
    );

    let restored = hub.ok(&["users", "restore", "mallory", "--local", "--reason", "appeal"], None)?;
    assert!(restored.starts_with("restored mallory"), "{restored}");
    let users = hub.users()?;
    assert_eq!(
        find(&users, "mallory").map(|u| &u["is_suspended"]),
        Some(&Value::Bool(false))
    );

    let unknown = hub.run(
        &["users", "suspend", "nobody", "--local", "--reason", "x", "--yes"],
        None,
    )?;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("no account is named \"nobody\""),
        "{}",
        stderr(&unknown)
    );
    Ok(())
}

#[test]
fn list_pages_with_a_cursor_hint_and_all_walks_every_page() -> TestResult {
    let hub = Sandbox::new()?;
    for name in ["ann", "ben", "cat"] {
        assert!(hub.create(name, &[])?.status.success());
    }
    let first = hub.run(&["users", "list", "--local", "--limit", "2", "--json"], None)?;
    assert!(first.status.success());
    assert_eq!(String::from_utf8(first.stdout.clone())?.lines().count(), 2);
    let hint = stderr(&first);
    assert!(hint.contains("--cursor ben"), "{hint}");

    let second = hub.ok(
        &["users", "list", "--local", "--limit", "2", "--json", "--cursor", "ben"],
        None,
    )?;
    let names: Vec<Value> = second.lines().map(serde_json::from_str).collect::<Result<_, _>>()?;
    assert_eq!(names.len(), 1);
    assert_eq!(names[0]["username"], "cat");

    let all = hub.ok(&["users", "list", "--local", "--limit", "2", "--all", "--json"], None)?;
    assert_eq!(all.lines().count(), 3);
    Ok(())
}

#[test]
fn usage_errors_exit_with_2_and_help_with_0() -> TestResult {
    let hub = Sandbox::new()?;
    let bad = hub.run(&["users", "create"], None)?;
    assert_eq!(bad.status.code(), Some(2));
    let help = hub.ok(&["users", "create", "--help"], None)?;
    assert!(help.contains("--password-stdin"));
    assert!(help.contains("Examples:"));
    let version = hub.ok(&["--version"], None)?;
    assert!(version.starts_with("hub "));
    Ok(())
}

#[test]
fn backup_then_restore_brings_the_accounts_back() -> TestResult {
    let hub = Sandbox::new()?;
    assert!(hub.create("ann", &[])?.status.success());
    let copy = hub.dir.path().join("copy.db");
    let copy_arg = copy.to_string_lossy().into_owned();
    let backed_up = hub.run(&["backup", &copy_arg], None)?;
    assert!(backed_up.status.success(), "{}", stderr(&backed_up));
    assert!(copy.exists());
    let again = hub.run(&["backup", &copy_arg], None)?;
    assert_eq!(again.status.code(), Some(1), "an existing file is not overwritten");
    assert!(stderr(&again).contains("exists already"), "{}", stderr(&again));

    assert!(hub.create("ben", &[])?.status.success());
    assert_eq!(hub.users()?.len(), 2);
    // Destructive: without a terminal it needs --yes (exit 3, nothing changed).
    let refused = hub.run(&["restore", &copy_arg], None)?;
    assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));
    assert_eq!(hub.users()?.len(), 2);
    // Not while a server holds the data folder.
    {
        let _server = hub_core::database::DataFolderLock::acquire(hub.dir.path())?;
        let busy = hub.run(&["restore", &copy_arg, "--yes"], None)?;
        assert_eq!(busy.status.code(), Some(1));
        assert!(stderr(&busy).contains("is running"), "{}", stderr(&busy));
    }
    let restored = hub.run(&["restore", &copy_arg, "--yes"], None)?;
    assert!(restored.status.success(), "{}", stderr(&restored));
    let users = hub.users()?;
    assert!(find(&users, "ann").is_some());
    assert!(find(&users, "ben").is_none(), "back to the backup's state");
    assert!(hub.dir.path().join("hub.db.before-restore").exists());

    let junk = hub.dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database")?;
    let bad = hub.run(&["restore", &junk.to_string_lossy(), "--yes"], None)?;
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("not a hub backup"), "{}", stderr(&bad));
    assert!(
        find(&hub.users()?, "ann").is_some(),
        "a refused restore changes nothing"
    );
    Ok(())
}

#[test]
fn doctor_says_what_is_missing_and_fails_on_an_unreachable_database() -> TestResult {
    let hub = Sandbox::new()?;
    let fresh = hub.run(&["doctor"], None)?;
    let said = String::from_utf8_lossy(&fresh.stdout).into_owned();
    assert_eq!(fresh.status.code(), Some(0), "warnings alone pass: {said}");
    assert!(said.contains("warn  no token secret yet"), "{said}");
    assert!(said.contains("does not exist yet: hub migrate"), "{said}");
    assert!(!hub.dir.path().join("hub.db").exists(), "the doctor makes no database");

    hub.ok(&["migrate"], None)?;
    let migrated = hub.ok(&["doctor"], None)?;
    assert!(migrated.contains("ok    the schema is up to date"), "{migrated}");
    assert!(migrated.contains("ok    the data folder"), "{migrated}");

    let unreachable = hub.run(
        &["doctor", "--database-url", "postgres://nobody@127.0.0.1:9/nothing"],
        None,
    )?;
    assert_eq!(unreachable.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&unreachable.stdout).contains("FAIL  cannot reach the database"),
        "{}",
        String::from_utf8_lossy(&unreachable.stdout)
    );
    Ok(())
}

#[test]
fn completions_and_the_man_page_come_from_the_commands() -> TestResult {
    let hub = Sandbox::new()?;
    let bash = hub.ok(&["completions", "bash"], None)?;
    assert!(bash.contains("_hub()"), "{bash}");
    assert!(bash.contains("reports"), "every command is completed");
    let fish = hub.ok(&["completions", "fish"], None)?;
    assert!(fish.contains("complete -c hub"));
    let man = hub.ok(&["man"], None)?;
    assert!(
        man.starts_with(".ie") || man.contains(".TH hub"),
        "{}",
        &man[..man.len().min(200)]
    );
    assert!(man.contains("migrate"));
    let unknown = hub.run(&["completions", "tcsh"], None)?;
    assert_eq!(unknown.status.code(), Some(2));
    Ok(())
}
