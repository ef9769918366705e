//! `hub channels`, `hub messages` and `hub audit list --follow` as a site admin uses them: the
//! real `hub` binary against a real hub-server (SQLite, and PostgreSQL when
//! `HUB_TEST_POSTGRES_URL` is set).

#![allow(clippy::expect_used)]

mod common;

use std::io::BufRead as _;
use std::process::Stdio;
use std::time::Duration;

use common::{TestResult, public_channel, say, scene};
use hub_core::model::UserId;
use hub_core::protocol::v1::SuspendRequest;
use hub_tests::Backend;
use serde_json::Value;

hub_tests::on_both_databases!(
    an_admin_manages_channels_and_messages_from_the_command_line,
    the_audit_log_can_be_followed
);

async fn an_admin_manages_channels_and_messages_from_the_command_line(backend: Backend) {
    channels_story(backend).await.expect("the channels story");
}

async fn the_audit_log_can_be_followed(backend: Backend) {
    follow_story(backend).await.expect("the audit follow story");
}

async fn channels_story(backend: Backend) -> TestResult {
    let scene = scene(&backend).await?;
    let alice = scene.member("alice").await?;
    let bob = scene.member("bob").await?;
    scene.member("carol").await?;
    let general = public_channel(&alice, "general", Some("Say hello"), &[&bob]).await?;
    let doxx = bob.send_message(&general, &say("her address is 12 Elm St")).await?;
    assert!(scene.sign_in_as_boss().await?.status.success());

    // The directory, and one channel by #name though the admin is not in it.
    let listed: Value = scene.json(&["channels", "list", "--format", "json"]).await?;
    assert_eq!(listed["items"][0]["name"], "general");
    let shown = scene.ok(&["channels", "show", "#general"]).await?;
    assert!(shown.contains("topic:        Say hello"), "{shown}");
    assert!(shown.contains("members:      2"), "{shown}");
    let missing = scene.hub(&["channels", "show", "#nowhere"], "").await?;
    assert_eq!(missing.status.code(), Some(5));

    // Create a private channel, add and remove a member (removal asks first, and is audited).
    let staff = scene.ok(&["channels", "create", "staff", "--private"]).await?;
    assert!(!staff.trim().is_empty());
    scene.ok(&["channels", "members", "add", "#staff", "@carol"]).await?;
    let members: Value = scene
        .json(&["channels", "members", "list", "#staff", "--format", "json"])
        .await?;
    let names: Vec<&str> = members
        .as_array()
        .map(|all| all.iter().filter_map(|m| m["user"]["username"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names.len(), 2, "{members}");
    assert!(names.contains(&"carol"));
    let refused = scene
        .hub(
            &[
                "channels",
                "members",
                "remove",
                "#staff",
                "@carol",
                "--reason",
                "wrong team",
            ],
            "",
        )
        .await?;
    assert_eq!(refused.status.code(), Some(3));
    scene
        .ok(&[
            "channels",
            "members",
            "remove",
            "#staff",
            "@carol",
            "--reason",
            "wrong team",
            "--yes",
        ])
        .await?;
    let kicked: Value = scene
        .json(&["audit", "list", "--action", "member.kick", "--format", "json"])
        .await?;
    assert_eq!(kicked["items"][0]["reason"], "wrong team");

    // A message: shown, then deleted by the admin with a reason the audit log keeps.
    let shown = scene.ok(&["messages", "show", doxx.id.as_str()]).await?;
    assert!(shown.contains("her address is 12 Elm St"), "{shown}");
    let refused = scene
        .hub(&["messages", "delete", doxx.id.as_str(), "--reason", "doxxing"], "")
        .await?;
    assert_eq!(refused.status.code(), Some(3));
    assert!(!alice.message(&doxx.id).await?.deleted);
    scene
        .ok(&["messages", "delete", doxx.id.as_str(), "--reason", "doxxing", "--yes"])
        .await?;
    assert!(alice.message(&doxx.id).await?.deleted, "gone for users");
    let deleted: Value = scene
        .json(&["audit", "list", "--action", "message.delete", "--format", "json"])
        .await?;
    assert_eq!(deleted["items"][0]["reason"], "doxxing");

    // Search is not built yet, and says so instead of finding nothing.
    let search = scene.hub(&["messages", "search", "address"], "").await?;
    assert_eq!(search.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&search.stderr).contains("not available yet"));

    // Archive, asked first, audited.
    scene
        .ok(&[
            "channels",
            "archive",
            "#general",
            "--reason",
            "moved to #town-square",
            "--yes",
        ])
        .await?;
    // Archived channels leave the directory, so #general no longer names it; its id does.
    assert!(
        scene
            .ok(&["channels", "show", general.as_str()])
            .await?
            .contains("archived:")
    );
    let archived: Value = scene
        .json(&[
            "audit",
            "list",
            "--action",
            "channel.archive",
            "--actor",
            "@boss",
            "--format",
            "json",
        ])
        .await?;
    assert_eq!(archived["items"][0]["reason"], "moved to #town-square");
    Ok(())
}

async fn follow_story(backend: Backend) -> TestResult {
    let scene = scene(&backend).await?;
    let mallory = scene.member("mallory").await?;
    let carol = scene.member("carol").await?;
    assert!(scene.sign_in_as_boss().await?.status.success());
    let mut boss = hub_core::client::Client::new(&scene.base)?;
    boss.login("boss", common::PASSWORD).await?;
    let suspend = |who: UserId, reason: &str| {
        let boss = boss.clone();
        let request = SuspendRequest {
            duration: Some("1h".to_owned()),
            reason: Some(reason.to_owned()),
        };
        async move { boss.suspend_user(&who, &request).await }
    };
    let mallory_id = mallory.me().await?.profile.id;
    suspend(mallory_id, "before following").await?;

    let mut child = scene
        .command()
        .args(["audit", "list", "--follow", "--every", "100ms", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (lines_tx, mut lines) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = tokio::time::timeout(Duration::from_secs(10), lines.recv()).await?;
    let first: Value = serde_json::from_str(&first.ok_or("the follower ended")?)?;
    assert_eq!(first["reason"], "before following", "what was there comes first");

    suspend(carol.me().await?.profile.id, "while following").await?;
    let live = tokio::time::timeout(Duration::from_secs(10), lines.recv()).await?;
    let live: Value = serde_json::from_str(&live.ok_or("the follower ended")?)?;
    assert_eq!(live["reason"], "while following");
    // A few more polls: nothing is printed twice.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(lines.try_recv().ok(), None, "each entry once");
    let _ = child.kill();
    Ok(())
}
