//! The SDK against a real `hub-server` process, killed and restarted under a live session:
//! REST calls, `message.send` over the socket, and a resume that replays what was posted while
//! the session was away. Ignored by default (it needs a built server):
//!
//! ```text
//! cargo build -p hub-server
//! HUB_SDK_TEST_SERVER_BIN=$PWD/target/debug/hub-server \
//!     cargo test -p hub-core --features client client::live_tests -- --ignored
//! ```

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::{Client, ClientError, HistoryParams, MentionsParams, PageParams, Session, SessionEvent, SessionOptions};
use crate::model::{ChannelKind, MessageId, UserId, UserStatus};
use crate::protocol::v1::{
    ChannelEvent, ClientFrame, ControlFrame, CreateChannelRequest, RegisterRequest, SendMessageRequest, ServerFrame,
    UpdateChannelRequest, UpdateProfileRequest, close_code,
};

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// A server process that is killed when dropped.
struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_server(bin: &str, data_dir: &std::path::Path, bind: &str) -> TestResult<Server> {
    let child = Command::new(bin)
        .env("HUB_BIND", bind)
        .env("HUB_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .current_dir(data_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()?;
    let server = Server { child };
    let health = format!("http://{bind}/healthz");
    for _ in 0..200 {
        if reqwest::get(&health)
            .await
            .is_ok_and(|response| response.status().is_success())
        {
            return Ok(server);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err("the server did not come up".into())
}

/// The next event that is not a heartbeat-ish control frame, within a few seconds.
async fn next(session: &mut Session) -> TestResult<SessionEvent> {
    loop {
        match tokio::time::timeout(Duration::from_secs(15), session.next()).await? {
            Some(SessionEvent::Frame(ServerFrame::Control(ControlFrame::Presence { .. }))) => {}
            Some(event) => return Ok(event),
            None => return Err("the session ended".into()),
        }
    }
}

async fn register(client: &mut Client, username: &str) -> TestResult<UserId> {
    let request = RegisterRequest {
        username: username.into(),
        password: "a long enough passphrase 42".into(),
        email: None,
        full_name: None,
    };
    Ok(client.register(&request).await?.user.profile.id)
}

#[tokio::test]
#[ignore = "needs a hub-server binary: set HUB_SDK_TEST_SERVER_BIN"]
async fn a_session_survives_a_server_restart() -> TestResult {
    let Ok(bin) = std::env::var("HUB_SDK_TEST_SERVER_BIN") else {
        eprintln!("skipped: HUB_SDK_TEST_SERVER_BIN is not set");
        return Ok(());
    };
    let data = tempfile::tempdir()?;
    let bind = TcpListener::bind("127.0.0.1:0")?.local_addr()?.to_string();
    let server = start_server(&bin, data.path(), &bind).await?;
    let base = format!("http://{bind}");

    let mut alice = Client::new(&base)?;
    let mut bob = Client::new(&base)?;
    register(&mut alice, "alice").await?;
    register(&mut bob, "bob").await?;
    let channel = alice
        .create_channel(&CreateChannelRequest {
            name: "smoke".into(),
            kind: ChannelKind::Public,
            description: None,
            topic: None,
        })
        .await?
        .channel;
    bob.join_channel(&channel.id, None).await?;

    let options = SessionOptions {
        // Slow enough for bob to post while alice is away.
        initial_backoff: Duration::from_secs(2),
        max_backoff: Duration::from_secs(4),
        jitter: 0.0,
        ..SessionOptions::default()
    };
    // A bad token is refused after the upgrade, with 4001.
    let refused = Session::connect(alice.ws_url().as_str(), "not-a-token", options.clone()).await;
    assert!(
        matches!(
            &refused,
            Err(ClientError::Closed {
                code: Some(close_code::UNAUTHORIZED),
                ..
            })
        ),
        "{refused:?}"
    );

    let mut session = alice.connect_session(options).await?;
    assert!(matches!(
        next(&mut session).await?,
        SessionEvent::Frame(ServerFrame::Control(ControlFrame::Hello { .. }))
    ));
    assert!(matches!(
        next(&mut session).await?,
        SessionEvent::Frame(ServerFrame::Control(ControlFrame::Resumed { .. }))
    ));

    // A message over REST reaches the session.
    let first = bob
        .send_message(
            &channel.id,
            &SendMessageRequest {
                content: "one".into(),
                client_id: None,
                parent_id: None,
                file_ids: Vec::new(),
            },
        )
        .await?;
    // Bob's join was committed before the session opened, but the dispatcher may hand it over
    // only after the session subscribed: live events come in `seq` order, and one from just
    // before the session is no loss.
    let event = loop {
        let SessionEvent::Frame(ServerFrame::Event(event)) = next(&mut session).await? else {
            return Err("expected message one".into());
        };
        if event.seq >= first.seq {
            break event;
        }
    };
    assert!(
        matches!(&event.event, ChannelEvent::MessageCreated { message } if message.id == first.id),
        "{event:?}"
    );
    let mut seqs = vec![event.seq];

    // A message over the socket is acked and comes back as an event.
    session
        .send(ClientFrame::MessageSend {
            channel_id: channel.id.clone(),
            content: "two".into(),
            client_id: "alice-2".into(),
            parent_id: None,
            file_ids: Vec::new(),
        })
        .await?;
    let mut acked = false;
    while !acked || seqs.len() < 2 {
        match next(&mut session).await? {
            SessionEvent::Frame(ServerFrame::Control(ControlFrame::Ack { client_id, .. })) => {
                assert_eq!(client_id.as_str(), "alice-2");
                acked = true;
            }
            SessionEvent::Frame(ServerFrame::Event(event)) => seqs.push(event.seq),
            other => return Err(format!("unexpected {other:?}").into()),
        }
    }

    // Kill the server: no close frame, the socket just dies.
    drop(server);
    assert!(matches!(
        next(&mut session).await?,
        SessionEvent::Disconnected { code: None, .. }
    ));
    let _server = start_server(&bin, data.path(), &bind).await?;
    let third = bob
        .send_message(
            &channel.id,
            &SendMessageRequest {
                content: "three".into(),
                client_id: None,
                parent_id: None,
                file_ids: Vec::new(),
            },
        )
        .await?;

    // Back: hello, reconnected, the missed message replayed, resumed.
    assert!(matches!(
        next(&mut session).await?,
        SessionEvent::Frame(ServerFrame::Control(ControlFrame::Hello { .. }))
    ));
    assert!(matches!(next(&mut session).await?, SessionEvent::Reconnected { .. }));
    let SessionEvent::Frame(ServerFrame::Event(event)) = next(&mut session).await? else {
        return Err("expected the replayed message".into());
    };
    assert!(matches!(&event.event, ChannelEvent::MessageCreated { message } if message.id == third.id));
    seqs.push(event.seq);
    assert!(matches!(
        next(&mut session).await?,
        SessionEvent::Frame(ServerFrame::Control(ControlFrame::Resumed { replayed: 1 }))
    ));
    assert!(seqs.windows(2).all(|pair| pair[0] < pair[1]), "{seqs:?}");
    assert_eq!(session.positions().get(&channel.id), seqs.last().copied());

    let history = alice.history(&channel.id, &HistoryParams::latest(10)).await?;
    assert_eq!(history.items.len(), 3);
    session.close().await;
    Ok(())
}

#[tokio::test]
#[ignore = "needs a hub-server binary: set HUB_SDK_TEST_SERVER_BIN"]
async fn every_rest_call_decodes_what_the_server_sends() -> TestResult {
    let Ok(bin) = std::env::var("HUB_SDK_TEST_SERVER_BIN") else {
        eprintln!("skipped: HUB_SDK_TEST_SERVER_BIN is not set");
        return Ok(());
    };
    let data = tempfile::tempdir()?;
    let bind = TcpListener::bind("127.0.0.1:0")?.local_addr()?.to_string();
    let _server = start_server(&bin, data.path(), &bind).await?;
    let base = format!("http://{bind}");
    let mut alice = Client::new(&base)?;
    let mut bob = Client::new(&base)?;
    let alice_id = register(&mut alice, "alice").await?;
    let bob_id = register(&mut bob, "bob").await?;

    // Accounts.
    let tokens = alice.login("alice", "a long enough passphrase 42").await?;
    let tokens = alice.refresh(&tokens.refresh_token).await?;
    assert_eq!(alice.me().await?.profile.id, alice_id);
    assert_eq!(alice.user(&bob_id).await?.username, "bob");
    assert!(!alice.search_users("bo", &PageParams::first(5)).await?.items.is_empty());
    let profile = UpdateProfileRequest {
        bio: Some("hi".into()),
        ..UpdateProfileRequest::default()
    };
    assert_eq!(alice.update_profile(&profile).await?.profile.bio, "hi");
    alice.set_status(UserStatus::Busy).await?;
    let missing = alice.user(&UserId::from("no-such-user")).await;
    assert!(
        matches!(&missing, Err(err) if err.code() == Some("not_found")),
        "{missing:?}"
    );

    // Channels and members.
    let request = CreateChannelRequest {
        name: "rest".into(),
        kind: ChannelKind::Public,
        description: Some("d".into()),
        topic: None,
    };
    let channel = alice.create_channel(&request).await?.channel;
    let taken = alice.create_channel(&request).await;
    assert!(
        matches!(&taken, Err(err) if err.code() == Some("channel_name_taken")),
        "{taken:?}"
    );
    assert!(
        !alice
            .list_channels(Some("re"), &PageParams::default())
            .await?
            .items
            .is_empty()
    );
    assert_eq!(alice.channel(&channel.id).await?.name, "rest");
    let update = UpdateChannelRequest {
        topic: Some("t".into()),
        ..UpdateChannelRequest::default()
    };
    assert_eq!(alice.update_channel(&channel.id, &update).await?.topic, "t");
    bob.join_channel(&channel.id, None).await?;
    bob.leave_channel(&channel.id).await?;
    alice.add_member(&channel.id, &bob_id).await?;
    assert_eq!(
        alice
            .channel_members(&channel.id, &PageParams::default())
            .await?
            .items
            .len(),
        2
    );
    assert_eq!(alice.my_channels().await?.items.len(), 1);
    // Bob takes direct conversations after a request (the default): Alice asks, he accepts.
    let refused = alice.open_dm(std::slice::from_ref(&bob_id)).await;
    assert!(
        matches!(&refused, Err(err) if err.code() == Some("chat_request_required")),
        "{refused:?}"
    );
    let request = alice.send_chat_request(&bob_id, Some("hi")).await?;
    assert_eq!(bob.chat_requests(true, &PageParams::default()).await?.items.len(), 1);
    let accepted = bob.accept_chat_request(&request.id).await?;
    let dm = alice.open_dm(std::slice::from_ref(&bob_id)).await?;
    assert_eq!(dm.channel.kind, ChannelKind::Dm);
    assert_eq!(dm.channel.id, accepted.channel.id);
    alice.set_muted(&bob_id, true).await?;
    assert_eq!(alice.mutes().await?.items.len(), 1);
    alice.set_muted(&bob_id, false).await?;
    assert!(alice.blocks().await?.items.is_empty());

    // Messages, threads, mentions, reactions, pins.
    let send = |content: &str, parent_id: Option<MessageId>| SendMessageRequest {
        content: content.into(),
        client_id: None,
        parent_id,
        file_ids: Vec::new(),
    };
    let message = bob.send_message(&channel.id, &send("hello @alice", None)).await?;
    bob.send_message(&channel.id, &send("a reply", Some(message.id.clone())))
        .await?;
    assert_eq!(alice.thread(&message.id, None, Some(10)).await?.items.len(), 1);
    assert_eq!(alice.mentions(&MentionsParams::default()).await?.items.len(), 1);
    assert_eq!(alice.message(&message.id).await?.content, "hello @alice");
    assert_eq!(
        bob.edit_message(&message.id, "hello again @alice").await?.content,
        "hello again @alice"
    );
    assert_eq!(bob.message_versions(&message.id).await?.items.len(), 2);
    alice.add_reaction(&message.id, "👍").await?;
    assert_eq!(alice.reactions(&message.id).await?.items.len(), 1);
    alice.remove_reaction(&message.id, "👍").await?;
    assert!(!alice.reaction_catalog().await?.items.is_empty());
    alice.pin(&channel.id, &message.id).await?;
    assert_eq!(alice.pins(&channel.id).await?.items.len(), 1);
    alice.unpin(&channel.id, &message.id).await?;
    alice.mark_read(&channel.id, &message.id).await?;
    assert_eq!(
        alice
            .history(&channel.id, &HistoryParams::latest(10))
            .await?
            .items
            .len(),
        1
    );
    bob.delete_message(&message.id, None).await?;
    assert!(alice.message(&message.id).await?.deleted);
    alice.archive_channel(&channel.id, None).await?;
    assert!(alice.channel(&channel.id).await?.archived);

    alice.logout(&tokens.refresh_token).await?;
    assert_eq!(alice.token(), None);
    Ok(())
}
