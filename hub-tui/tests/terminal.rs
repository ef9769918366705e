//! hub-tui as a person uses it: the real binary in a real pseudo-terminal (tmux) against a real
//! hub-server on SQLite and on PostgreSQL. It signs in on the login screen, sends a message that
//! another client receives, shows one another client sent, keeps working across a server
//! restart (the message written during the outage is stored once), and quits leaving the
//! terminal as it was.

#![allow(clippy::expect_used)]

use std::time::Duration;

use hub_core::client::{Client, HistoryParams, SessionEvent, SessionOptions};
use hub_core::model::ChannelKind;
use hub_core::protocol::v1::{ChannelEvent, CreateChannelRequest, SendMessageRequest, ServerFrame};
use hub_tests::{Backend, PASSWORD, TestServer};
use hub_tui::tmux::Tmux;

type TestResult = Result<(), Box<dyn std::error::Error>>;

hub_tests::on_both_databases!(a_person_chats_in_the_terminal_across_a_server_restart);

async fn a_person_chats_in_the_terminal_across_a_server_restart(backend: Backend) {
    if !hub_tests::tmux::available() {
        return;
    }
    story(backend).await.expect("the terminal story");
}

fn say(content: &str) -> SendMessageRequest {
    SendMessageRequest {
        content: content.to_owned(),
        client_id: None,
        parent_id: None,
        file_ids: Vec::new(),
    }
}

async fn story(backend: Backend) -> TestResult {
    let server = TestServer::start(&backend).await;
    server.new_user("alice").await;
    let bob_account = server.new_user("bob").await;
    let bob = Client::new(&server.base)?.with_token(bob_account.access_token.clone());
    let general = bob
        .create_channel(&CreateChannelRequest {
            name: "general".to_owned(),
            kind: ChannelKind::Public,
            description: None,
            topic: Some("Welcome! Be kind.".to_owned()),
        })
        .await?;
    let general_id = general.channel.id.clone();
    bob.send_message(&general_id, &say("morning, before anyone came"))
        .await?;

    let config_home = tempfile::tempdir()?;
    let command = format!(
        "env -i PATH=/usr/bin:/bin HOME={home} TERM=xterm-256color XDG_CONFIG_HOME={home} {tui} --server {base}; \
         echo \"hub-tui exited $?\"; stty -a | grep -ow -- '-*icanon'; sleep 60",
        home = config_home.path().display(),
        tui = env!("CARGO_BIN_EXE_hub-tui"),
        base = server.base,
    );
    let label = format!("tui-{}", server.base.replace([':', '/', '.'], ""));
    let tmux = Tmux::start(&label, &command, 100, 30)?;

    // Sign in on the login screen.
    tmux.wait_for("sign in").await?;
    tmux.text("alice")?;
    tmux.keys(&["Enter"])?;
    tmux.text(PASSWORD)?;
    tmux.keys(&["Enter"])?;
    tmux.wait_for("● connected").await?;
    // Alice is not in #general yet: join it from the command line.
    tmux.keys(&[":"])?;
    tmux.text("join #general")?;
    tmux.keys(&["Enter"])?;
    let screen = tmux.wait_for("morning, before anyone came").await?;
    assert!(
        screen.contains("#general") && screen.contains("Welcome! Be kind."),
        "{screen}"
    );

    // What alice writes reaches bob over the gateway.
    let mut bob_live = bob.connect_session(SessionOptions::default()).await?;
    tmux.keys(&["i"])?;
    tmux.text("hello from the terminal")?;
    tmux.keys(&["Enter"])?;
    let received = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(event) = bob_live.next().await {
            if let SessionEvent::Frame(ServerFrame::Event(stored)) = event
                && let ChannelEvent::MessageCreated { message } = stored.event
                && message.content == "hello from the terminal"
            {
                return Some(message);
            }
        }
        None
    })
    .await?;
    assert!(received.is_some(), "bob never received alice's message");

    // What bob writes shows on alice's screen.
    bob.send_message(&general_id, &say("bob here, over the API")).await?;
    tmux.wait_for("bob here, over the API").await?;

    // The server goes away; alice keeps writing; it comes back and her message goes once.
    let paused = server.pause().await;
    tmux.wait_until("reconnecting", |screen| {
        screen.contains("reconnecting") || screen.contains("offline")
    })
    .await?;
    tmux.text("written while the server was down")?;
    tmux.keys(&["Enter"])?;
    tmux.wait_for("waiting to send").await?;
    let server = paused.resume().await;
    tmux.wait_until("the outbox emptied", |screen| {
        screen.contains("● connected")
            && !screen.contains("(pending)")
            && screen.contains("written while the server was down")
    })
    .await?;
    let bob = Client::new(&server.base)?.with_token(bob_account.access_token.clone());
    let history = bob.history(&general_id, &HistoryParams::latest(20)).await?;
    let copies = history
        .items
        .iter()
        .filter(|message| message.content == "written while the server was down")
        .count();
    assert_eq!(copies, 1, "the message written offline is stored exactly once");

    // And after the restart, bob's messages still arrive.
    bob.send_message(&general_id, &say("back again")).await?;
    tmux.wait_for("back again").await?;

    // :q leaves, and the terminal is itself again (cooked mode, the shell's output visible).
    tmux.keys(&["Escape"])?;
    // Typed at once, Esc and ':' can reach the terminal in one read, which reads as Alt-':';
    // the screen saying NORMAL means the Esc was taken alone.
    tmux.wait_for(" NORMAL ").await?;
    tmux.text(":q")?;
    tmux.keys(&["Enter"])?;
    let screen = tmux.wait_for("hub-tui exited 0").await?;
    assert!(screen.contains("icanon"), "stty printed its modes:\n{screen}");
    assert!(!screen.contains("-icanon"), "the terminal was left raw:\n{screen}");
    Ok(())
}
