//! `hub reports triage` as a moderator uses it: the real `hub` binary in a real pseudo-terminal
//! (tmux), against a real hub-server on SQLite and on PostgreSQL, keys sent and the screen read
//! back, the server's state checked afterwards.
//!
//! Needs tmux. Where it is missing the story says it was skipped, unless `HUB_TEST_REQUIRE_TMUX`
//! is set (`.ci/run` sets it and installs tmux), which makes a missing tmux a failure.

#![allow(clippy::expect_used)]

mod common;

use hub_tui::tmux::Tmux;

use common::{PASSWORD, Scene, TestResult, public_channel, say, scene, scene_with};
use hub_core::client::Client;
use hub_core::model::{MessageId, ReportId, ReportReason, ReportStatus, ReportTarget};
use hub_core::protocol::v1::CreateReportRequest;
use hub_tests::Backend;

hub_tests::on_both_databases!(
    a_moderator_triages_the_queue_in_a_terminal,
    a_long_sitting_outlives_the_access_token,
);

async fn a_moderator_triages_the_queue_in_a_terminal(backend: Backend) {
    if !hub_tests::tmux::available() {
        return;
    }
    triage_story(backend).await.expect("the triage story");
}

fn report(target: &MessageId, reason: ReportReason) -> CreateReportRequest {
    CreateReportRequest {
        target_type: ReportTarget::Message,
        target_id: target.to_string(),
        reason,
        details: Some("please look".to_owned()),
    }
}

async fn triage_story(backend: Backend) -> TestResult {
    let scene = scene(&backend).await?;
    let alice = scene.member("alice").await?;
    let bob = scene.member("bob").await?;
    let general = public_channel(&alice, "general", None, &[&bob]).await?;
    let advert = bob.send_message(&general, &say("cheap pills, buy now")).await?;
    let threat = bob.send_message(&general, &say("I know where you live")).await?;
    let first = alice.create_report(&report(&advert.id, ReportReason::Spam)).await?;
    let second = alice
        .create_report(&report(&threat.id, ReportReason::Harassment))
        .await?;
    assert!(scene.sign_in_as_boss().await?.status.success());

    // Without a terminal it refuses, and says what to use instead.
    let refused = scene.hub(&["reports", "triage"], "").await?;
    assert_eq!(refused.status.code(), Some(3));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("needs a terminal") && said.contains("hub reports resolve"),
        "{said}"
    );

    let tmux = start_triage(&scene)?;
    // The report's own text is quoted; it shows once the detail has loaded.
    let screen = tmux.wait_for("\"cheap pills, buy now\"").await?;
    assert!(screen.contains("Report 1 of 2"), "{screen}");
    assert!(screen.contains("spam"), "{screen}");
    assert!(screen.contains("[d]ismiss"), "the choices are on screen:\n{screen}");

    // Dismiss the first: asked why, shown as decided, sent on moving on.
    tmux.keys(&["d"])?;
    tmux.wait_for("Why dismiss this report?").await?;
    tmux.text("an advert, not abuse")?;
    tmux.keys(&["Enter"])?;
    tmux.wait_for("✓ dismissed").await?;
    tmux.keys(&["n"])?;
    // (Unquoted, the same text was on the first screen as context.)
    let screen = tmux.wait_for("\"I know where you live\"").await?;
    assert!(screen.contains("Report 2 of 2"), "{screen}");

    // A report made now joins the queue while the moderator is on screen.
    let late = alice.create_report(&report(&advert.id, ReportReason::Other)).await?;
    tmux.wait_for("of 3").await?;

    // Suspend the author of the second: period, reason, then a confirmation whose default is No.
    tmux.keys(&["s"])?;
    tmux.wait_for("Suspend @bob for:").await?;
    tmux.keys(&["Enter"])?;
    tmux.wait_for("Why suspend @bob for 7d?").await?;
    tmux.text("threats in #general")?;
    tmux.keys(&["Enter"])?;
    tmux.wait_for("Really suspend @bob for 7d? [y/N]").await?;
    tmux.keys(&["Enter"])?;
    tmux.wait_for("not done; nothing changed").await?;
    tmux.keys(&["s", "Enter"])?;
    tmux.text("threats in #general")?;
    tmux.keys(&["Enter"])?;
    tmux.wait_for("[y/N]").await?;
    tmux.keys(&["y"])?;
    tmux.wait_for("✓ resolved: author suspended for 7d").await?;

    // On to the late one: decide, take it back, leave.
    tmux.keys(&["n"])?;
    tmux.wait_for("Report 3 of 3").await?;
    tmux.keys(&["d"])?;
    tmux.text("changed my mind")?;
    tmux.keys(&["Enter"])?;
    tmux.wait_for("✓ dismissed").await?;
    tmux.keys(&["u"])?;
    tmux.wait_for("taken back").await?;
    tmux.keys(&["q"])?;
    let screen = tmux.wait_for("hub exited 0").await?;
    assert!(
        screen.contains("triage: 2 decided (1 dismissed, 1 resolved: author suspended for 7d); 1 left open"),
        "the summary is printed on the restored terminal:\n{screen}"
    );
    assert!(!screen.contains("[d]ismiss"), "the full screen is gone:\n{screen}");

    // What the server holds now.
    let mut boss = Client::new(&scene.base)?;
    boss.login("boss", PASSWORD).await?;
    let status = |id: &ReportId| {
        let boss = boss.clone();
        let id = id.clone();
        async move { boss.report_detail(&id).await.map(|detail| detail.report) }
    };
    let first = status(&first.id).await?;
    assert_eq!(first.report.status, ReportStatus::Dismissed);
    assert_eq!(first.moderator_note.as_deref(), Some("an advert, not abuse"));
    let second = status(&second.id).await?;
    assert_eq!(second.report.status, ReportStatus::Resolved);
    assert_eq!(second.report.action, Some(hub_core::model::ReportAction::Suspend));
    assert_eq!(
        status(&late.id).await?.report.status,
        ReportStatus::Open,
        "undone, so still open"
    );
    let mut bob_again = Client::new(&scene.base)?;
    assert!(bob_again.login("bob", PASSWORD).await.is_err(), "bob is suspended");
    Ok(())
}

/// `hub reports triage` in a fresh 110x30 tmux session, which prints how hub exited afterwards
/// and stays open so the restored screen can be read.
fn start_triage(scene: &Scene) -> Result<Tmux, Box<dyn std::error::Error>> {
    let command = format!(
        "env -i PATH=/usr/bin:/bin HOME={home} TERM=xterm-256color XDG_CONFIG_HOME={config} {hub} reports triage; \
         echo \"hub exited $?\"; sleep 60",
        home = scene.config_home.path().display(),
        config = scene.config_home.path().display(),
        hub = env!("CARGO_BIN_EXE_hub"),
    );
    let label = format!("triage-{}", scene.base.replace([':', '/', '.'], ""));
    Ok(Tmux::start(&label, &command, 110, 30)?)
}

async fn a_long_sitting_outlives_the_access_token(backend: Backend) {
    if !hub_tests::tmux::available() {
        return;
    }
    long_sitting(backend).await.expect("the long sitting");
}

/// Tokens of 3 s and a grace of 1 s: a moderator still on the screen 10 s later sees a new
/// report arrive live, and the decision they then make is carried out.
async fn long_sitting(backend: Backend) -> TestResult {
    let scene = scene_with(&backend, |config| {
        config.auth.access_token_ttl_secs = 3;
        config.gateway.token_grace_secs = 1;
    })
    .await?;
    let alice = scene.member("alice").await?;
    let bob = scene.member("bob").await?;
    let general = public_channel(&alice, "general", None, &[&bob]).await?;
    let advert = bob.send_message(&general, &say("cheap pills, buy now")).await?;
    let first = alice.create_report(&report(&advert.id, ReportReason::Spam)).await?;
    assert!(scene.sign_in_as_boss().await?.status.success());
    let tmux = start_triage(&scene)?;
    tmux.wait_for("\"cheap pills, buy now\"").await?;
    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    // Someone new reports it too (the others' tokens are long gone).
    let carol = scene.member("carol").await?;
    carol.create_report(&report(&advert.id, ReportReason::Other)).await?;
    tmux.wait_for("of 2").await?;
    tmux.keys(&["d"])?;
    tmux.wait_for("Why dismiss this report?").await?;
    tmux.text("an advert")?;
    tmux.keys(&["Enter"])?;
    tmux.wait_for("✓ dismissed").await?;
    tmux.keys(&["q"])?;
    tmux.wait_for("hub exited 0").await?;
    let mut boss = Client::new(&scene.base)?;
    boss.login("boss", PASSWORD).await?;
    let decided = boss.report_detail(&first.id).await?;
    assert_eq!(
        decided.report.report.status,
        ReportStatus::Dismissed,
        "sent with a renewed token"
    );
    Ok(())
}
