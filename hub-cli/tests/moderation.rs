//! `hub auth`, `hub reports`, `hub audit`, `hub send` and `hub tail` as a moderator or a
//! script uses them: the real `hub` binary against a real hub-server (on SQLite, and on
//! PostgreSQL when `HUB_TEST_POSTGRES_URL` is set), with its profiles in a temporary config
//! folder.

#![allow(clippy::expect_used)]

use std::process::{Command, Stdio};

use hub_core::client::Client;
use hub_core::protocol::v1::CreateReportRequest;
use hub_tests::Backend;
use serde_json::Value;

mod common;

use common::{PASSWORD, TestResult, public_channel, say, scene, scene_with};

hub_tests::on_both_databases!(
    a_moderator_works_the_queue_from_the_command_line,
    scripts_send_to_a_channel_and_tail_it,
    a_follower_outlives_its_access_token,
);

async fn a_moderator_works_the_queue_from_the_command_line(backend: Backend) {
    moderator_story(backend).await.expect("the moderator's story");
}

async fn scripts_send_to_a_channel_and_tail_it(backend: Backend) {
    scripting_story(backend).await.expect("the scripting story");
}

async fn moderator_story(backend: Backend) -> TestResult {
    let scene = scene(&backend).await?;
    // Not signed in yet: exit 4, with what to do.
    let early = scene.hub(&["reports", "list"], "").await?;
    assert_eq!(
        early.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&early.stderr)
    );
    assert!(String::from_utf8_lossy(&early.stderr).contains("hub auth login"));

    let login = scene.sign_in_as_boss().await?;
    assert!(login.status.success(), "{}", String::from_utf8_lossy(&login.stderr));
    let profiles = scene.config_home.path().join("hub/profiles.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&profiles)?.permissions().mode() & 0o777, 0o600);
    }
    assert!(scene.ok(&["auth", "status"]).await?.contains("as boss (site admin)"));

    // A report filed over the API shows up in the queue.
    let alice = scene.member("alice").await?;
    let bob = scene.member("bob").await?;
    let general = public_channel(&alice, "general", None, &[&bob]).await?;
    let threat = bob.send_message(&general, &say("I know where you live")).await?;
    let report = alice
        .create_report(&CreateReportRequest {
            target_type: hub_core::model::ReportTarget::Message,
            target_id: threat.id.to_string(),
            reason: hub_core::model::ReportReason::Harassment,
            details: Some("second time".to_owned()),
        })
        .await?;
    let listed: Value = scene.json(&["reports", "list", "--format", "json"]).await?;
    assert_eq!(listed["items"][0]["id"], report.id.as_str());
    // jsonl: the items one a line, no paging wrapper, for line tools.
    let lines = scene.ok(&["reports", "list", "--format", "jsonl"]).await?;
    let items: Vec<Value> = lines.lines().map(serde_json::from_str).collect::<Result<_, _>>()?;
    assert_eq!(items.len(), 1, "{lines}");
    assert_eq!(items[0]["id"], report.id.as_str());
    assert!(scene.ok(&["reports", "list"]).await?.contains("harassment"));
    // The queue's benchmark reads the same queue as the signed-in admin.
    let bench = scene
        .ok(&["bench", "reports", "--requests", "3", "--limit", "10"])
        .await?;
    assert!(bench.contains("first page of the open queue: p50"), "{bench}");
    assert!(bench.contains("whole open queue: 1 reports in 1 pages"), "{bench}");
    let recent: Value = scene
        .json(&["reports", "list", "--since", "1d", "--format", "json"])
        .await?;
    assert_eq!(recent["items"].as_array().map(Vec::len), Some(1));
    let later: Value = scene
        .json(&["reports", "list", "--since", "2999-01-01T00:00:00Z", "--format", "json"])
        .await?;
    assert_eq!(later["items"].as_array().map(Vec::len), Some(0));
    let bad = scene.hub(&["reports", "list", "--since", "yesterday"], "").await?;
    assert_eq!(bad.status.code(), Some(1));
    let shown = scene.ok(&["reports", "show", report.id.as_str()]).await?;
    assert!(shown.contains("I know where you live"), "{shown}");
    assert!(shown.contains("@bob"), "{shown}");

    // Destructive without a terminal needs --yes: exit 3, nothing changed.
    let refused = scene
        .hub(
            &[
                "reports",
                "resolve",
                report.id.as_str(),
                "--action",
                "delete-content",
                "--reason",
                "threat",
            ],
            "",
        )
        .await?;
    assert_eq!(
        refused.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(!alice.message(&threat.id).await?.deleted);
    scene
        .ok(&[
            "reports",
            "resolve",
            report.id.as_str(),
            "--action",
            "delete-content",
            "--reason",
            "threat in #general",
            "--yes",
        ])
        .await?;
    assert!(
        alice.message(&threat.id).await?.deleted,
        "the message is gone for users"
    );
    let audit: Value = scene
        .json(&["audit", "list", "--action", "report.resolve", "--format", "json"])
        .await?;
    assert_eq!(audit["items"][0]["reason"], "threat in #general");
    assert_eq!(audit["items"][0]["target_id"], report.id.as_str());
    // --since reads a duration as reports list does: the entry is from the last hour, not later.
    let recent: Value = scene
        .json(&["audit", "list", "--since", "1h", "--format", "json"])
        .await?;
    assert!(
        recent["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|entry| entry["target_id"] == report.id.as_str()))
    );
    let later: Value = scene
        .json(&["audit", "list", "--since", "2999-01-01T00:00:00Z", "--format", "json"])
        .await?;
    assert_eq!(later["items"].as_array().map(Vec::len), Some(0));

    let missing = scene.hub(&["reports", "show", "no-such-report"], "").await?;
    assert_eq!(missing.status.code(), Some(5));
    let again = scene
        .hub(&["reports", "dismiss", report.id.as_str(), "--reason", "late"], "")
        .await?;
    assert_eq!(
        again.status.code(),
        Some(1),
        "already resolved: {}",
        String::from_utf8_lossy(&again.stderr)
    );

    // A member's token is not a moderator's: exit 4.
    let member_token = alice.token().unwrap_or_default().to_owned();
    let mut member = Command::new(env!("CARGO_BIN_EXE_hub"));
    let output = member
        .env("HUB_SERVER", &scene.base)
        .env("HUB_TOKEN", member_token)
        .env("XDG_CONFIG_HOME", scene.config_home.path())
        .args(["reports", "list"])
        .output()?;
    assert_eq!(output.status.code(), Some(4));

    scene.ok(&["auth", "logout"]).await?;
    let after = scene.hub(&["reports", "list"], "").await?;
    assert_eq!(after.status.code(), Some(4));
    Ok(())
}

async fn scripting_story(backend: Backend) -> TestResult {
    let mut scene = scene(&backend).await?;
    let mut boss = Client::new(&scene.base)?;
    boss.login("boss", PASSWORD).await?;
    public_channel(&boss, "ci", None, &[]).await?;
    let login = scene.sign_in_as_boss().await?;
    assert!(login.status.success());

    let id = scene.ok(&["send", "#ci", "deploy finished"]).await?;
    let piped = scene.hub(&["send", "#ci"], "build log\nline two\n").await?;
    assert!(piped.status.success(), "{}", String::from_utf8_lossy(&piped.stderr));
    let missing = scene.hub(&["send", "#nowhere", "x"], "").await?;
    assert_eq!(missing.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no channel named #nowhere"));

    let lines = scene.ok(&["tail", "#ci", "--limit", "5", "--format", "json"]).await?;
    let contents: Vec<String> = lines
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).map(|m| m["content"].as_str().unwrap_or_default().to_owned()))
        .collect::<Result<_, _>>()?;
    assert_eq!(contents, ["deploy finished", "build log\nline two\n"], "oldest first");
    assert!(lines.contains(id.trim()));

    // --follow prints what arrives afterwards, as it arrives.
    let (mut child, mut lines_rx) = follow_ci(&scene)?;
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), lines_rx.recv()).await?;
    assert!(
        first.is_some_and(|line| line.contains("line two")),
        "the newest message first"
    );
    let general = boss.my_channels().await?.items[0].channel.id.clone();
    // The session may still be resuming; a message sent now arrives either way, once.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    boss.send_message(&general, &say("live one")).await?;
    let live = tokio::time::timeout(std::time::Duration::from_secs(10), lines_rx.recv()).await?;
    let live: Value = serde_json::from_str(&live.ok_or("the follower ended")?)?;
    assert_eq!(live["content"], "live one");

    // The server restarts under the follower: it reconnects, resumes, and prints the next
    // message once (nothing missed, nothing from before printed again).
    scene.restart_server().await;
    boss.send_message(&general, &say("after the restart")).await?;
    let next = tokio::time::timeout(std::time::Duration::from_secs(20), lines_rx.recv()).await?;
    let next: Value = serde_json::from_str(&next.ok_or("the follower ended")?)?;
    assert_eq!(next["content"], "after the restart");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let _ = child.kill();
    assert_eq!(lines_rx.try_recv().ok(), None, "printed once, and nothing else again");
    Ok(())
}

async fn a_follower_outlives_its_access_token(backend: Backend) {
    follower_story(backend).await.expect("the long follower story");
}

/// `hub tail --follow` runs for hours; the server closes a socket whose token has expired
/// (4006, after `gateway.token_grace_secs`), so the follower renews its profile's token before
/// that and hands it to the open connection. Here tokens live 3 s and the grace is 1 s.
async fn follower_story(backend: Backend) -> TestResult {
    let scene = scene_with(&backend, |config| {
        config.auth.access_token_ttl_secs = 3;
        config.gateway.token_grace_secs = 1;
    })
    .await?;
    assert!(scene.sign_in_as_boss().await?.status.success());
    let mut boss = Client::new(&scene.base)?;
    boss.login("boss", PASSWORD).await?;
    let ci = public_channel(&boss, "ci", None, &[]).await?;
    boss.send_message(&ci, &say("before")).await?;
    let (mut child, mut lines_rx) = follow_ci(&scene)?;
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), lines_rx.recv()).await?;
    assert!(first.is_some_and(|line| line.contains("before")));
    // Three token lifetimes and their grace later, the follower is still there.
    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    let mut sender = Client::new(&scene.base)?;
    sender.login("boss", PASSWORD).await?;
    sender.send_message(&ci, &say("much later")).await?;
    let later = tokio::time::timeout(std::time::Duration::from_secs(10), lines_rx.recv()).await?;
    let later: Value = serde_json::from_str(&later.ok_or("the follower ended")?)?;
    assert_eq!(later["content"], "much later");
    let _ = child.kill();
    Ok(())
}

/// `hub tail '#ci' --follow --format json` running, and its output line by line as it comes.
fn follow_ci(
    scene: &common::Scene,
) -> Result<(std::process::Child, tokio::sync::mpsc::UnboundedReceiver<String>), Box<dyn std::error::Error>> {
    use std::io::BufRead as _;
    let mut child = scene
        .command()
        .args(["tail", "#ci", "--limit", "1", "--follow", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (lines_tx, lines_rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    Ok((child, lines_rx))
}
