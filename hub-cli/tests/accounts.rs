//! `hub users ...` over the API as a site admin uses it: the real `hub` binary against a real
//! hub-server (SQLite, and PostgreSQL when `HUB_TEST_POSTGRES_URL` is set).

#![allow(clippy::expect_used)]

mod common;

use common::{PASSWORD, TestResult, scene};
use hub_core::client::Client;
use hub_tests::Backend;
use serde_json::Value;

hub_tests::on_both_databases!(an_admin_manages_accounts_from_the_command_line);

async fn an_admin_manages_accounts_from_the_command_line(backend: Backend) {
    accounts_story(backend).await.expect("the accounts story");
}

async fn accounts_story(backend: Backend) -> TestResult {
    let scene = scene(&backend).await?;
    let carol = scene.member("carol").await?;
    scene.member("mallory").await?;
    assert!(scene.sign_in_as_boss().await?.status.success());

    // list and search come from the server.
    let listed = scene.ok(&["users", "list", "--json"]).await?;
    let names: Vec<String> = listed
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).map(|user| user["username"].as_str().unwrap_or_default().to_owned())
        })
        .collect::<Result<_, _>>()?;
    assert_eq!(names, ["boss", "carol", "mallory"]);
    let found: Value = scene.json(&["users", "search", "mall", "--format", "json"]).await?;
    assert_eq!(found["items"][0]["username"], "mallory");

    let shown = scene.ok(&["users", "show", "@carol"]).await?;
    assert!(
        shown.contains("@carol") && shown.contains("role:       member"),
        "{shown}"
    );
    let missing = scene.hub(&["users", "show", "@nobody"], "").await?;
    assert_eq!(missing.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no account is named @nobody"));

    // promote and demote, with reasons in the audit log.
    scene
        .ok(&["users", "promote", "@carol", "--reason", "joins the moderators"])
        .await?;
    let carol_now: Value = scene.json(&["users", "show", "@carol", "--format", "json"]).await?;
    assert_eq!(carol_now["is_superuser"], true);
    scene
        .ok(&["users", "demote", "@carol", "--reason", "trial over"])
        .await?;
    let audit: Value = scene
        .json(&["audit", "list", "--action", "user.demote", "--format", "json"])
        .await?;
    assert_eq!(audit["items"][0]["reason"], "trial over");

    // suspend: refused without a terminal and --yes (exit 3, nothing changed), then done.
    let refused = scene
        .hub(&["users", "suspend", "@mallory", "--for", "7d", "--reason", "spam"], "")
        .await?;
    assert_eq!(
        refused.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let mut mallory = Client::new(&scene.base)?;
    mallory.login("mallory", PASSWORD).await?;
    scene
        .ok(&[
            "users", "suspend", "@mallory", "--for", "7d", "--reason", "spam", "--yes",
        ])
        .await?;
    let mut again = Client::new(&scene.base)?;
    assert!(again.login("mallory", PASSWORD).await.is_err(), "suspended");
    let shown = scene.ok(&["users", "show", "@mallory"]).await?;
    assert!(shown.contains("suspended:  until "), "{shown}");
    scene
        .ok(&["users", "restore", "@mallory", "--reason", "appeal"])
        .await?;
    again.login("mallory", PASSWORD).await?;

    // sessions: list, end all.
    let sessions: Value = scene
        .json(&["users", "sessions", "list", "@mallory", "--format", "json"])
        .await?;
    let open = sessions.as_array().map_or(0, |all| {
        all.iter().filter(|session| session["revoked_at"].is_null()).count()
    });
    assert_eq!(
        open, 1,
        "the suspension ended the first one; the login after restore is open"
    );
    let revoked = scene
        .hub(
            &[
                "users", "sessions", "revoke", "@mallory", "--all", "--reason", "leak", "--yes",
            ],
            "",
        )
        .await?;
    assert!(revoked.status.success());
    assert!(String::from_utf8_lossy(&revoked.stderr).contains("ended 1 open session(s)"));
    let no_target = scene
        .hub(&["users", "sessions", "revoke", "@mallory", "--reason", "x"], "")
        .await?;
    assert_eq!(no_target.status.code(), Some(2), "a session id or --all is needed");

    // delete: asks, then the account is gone.
    let refused = scene
        .hub(&["users", "delete", "@mallory", "--reason", "spam"], "")
        .await?;
    assert_eq!(refused.status.code(), Some(3));
    scene
        .ok(&["users", "delete", "@mallory", "--reason", "spam account", "--yes"])
        .await?;
    assert!(again.login("mallory", PASSWORD).await.is_err());

    // A member's token is not a site admin's: exit 4.
    let output = scene
        .command()
        .env("HUB_SERVER", &scene.base)
        .env("HUB_TOKEN", carol.token().unwrap_or_default())
        .args(["users", "list"])
        .output()?;
    assert_eq!(
        output.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}
