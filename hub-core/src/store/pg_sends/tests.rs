//! The send writer: events placed by the group statement, and groups that fail.

use super::*;
use crate::model::{MessageId, UserId};
use crate::protocol::v1::MessageView;

/// A plain send of `content`, whose event is the one the send path makes.
fn job(content: &str) -> Job {
    Job {
        new: NewMessage {
            id: MessageId::generate(),
            channel_id: ChannelId::from("c1"),
            author_id: UserId::from("u1"),
            content: content.to_owned(),
            client_id: Some("retry-7".into()),
            parent_id: None,
            created_at: Utc::now(),
            file_ids: Vec::new(),
        },
        mentions: Mentions::default(),
        make_event: Box::new(|message| ChannelEvent::MessageCreated {
            message: MessageView::new(message, &[]),
        }),
        check: None,
        answer: oneshot::channel().0,
    }
}

/// What `STORE_SENDS` stores for `event` at `seq`.
fn placed(event: &UnplacedEvent, seq: i64) -> String {
    event.json.replace(UNPLACED_SEQ, &format!("\"seq\":{seq}"))
}

/// The event as it would be made once the message is stored at `seq`.
fn made_at(job: &Job, seq: i64) -> serde_json::Result<String> {
    serde_json::to_string(&(job.make_event)(&read_back(&job.new, seq)))
}

#[test]
fn an_event_stored_by_the_group_statement_is_the_event_made_at_its_position() -> serde_json::Result<()> {
    let send = job("hello");
    let Some(event) = unplaced_event(&send) else {
        panic!("a send's event carries its position once")
    };
    assert_eq!(event.kind, "message.created");
    for seq in [1, 42, i64::MAX] {
        assert_eq!(placed(&event, seq), made_at(&send, seq)?);
    }
    Ok(())
}

#[test]
fn text_that_reads_like_the_placeholder_is_stored_as_written() -> serde_json::Result<()> {
    let content = format!("{UNPLACED_SEQ} and {{{UNPLACED_SEQ}}} -9223372036854775808");
    let send = job(&content);
    let Some(event) = unplaced_event(&send) else {
        panic!("text inside a JSON string never matches the key")
    };
    let stored = placed(&event, 5);
    assert_eq!(stored, made_at(&send, 5)?);
    let ChannelEvent::MessageCreated { message } = serde_json::from_str(&stored)? else {
        panic!("a send's event is message.created: {stored}")
    };
    assert_eq!((message.seq, message.content), (5, content));
    Ok(())
}

/// A fresh schema with a user `u1` and a channel `c1`, or `None` (skipped) without
/// PostgreSQL.
async fn channel_on_postgres() -> crate::error::Result<Option<crate::store::Store>> {
    let Ok(url) = std::env::var("HUB_TEST_POSTGRES_URL") else {
        eprintln!("note: PostgreSQL send-writer tests skipped: set HUB_TEST_POSTGRES_URL to run them");
        return Ok(None);
    };
    let store = crate::store::Store::connect_fresh_postgres_schema(&url).await?;
    store.migrate().await?;
    let crate::store::Store::Postgres(pool, ..) = &store else {
        panic!("a PostgreSQL URL opens PostgreSQL")
    };
    sqlx::query("INSERT INTO users (id, username, created_at, updated_at) VALUES ('u1', 'ann', now(), now())")
        .execute(pool)
        .await?;
    sqlx::query(
        "INSERT INTO channels (id, name, kind, created_by, created_at, updated_at) \
         VALUES ('c1', 'general', 'public', 'u1', now(), now())",
    )
    .execute(pool)
    .await?;
    Ok(Some(store))
}

#[tokio::test]
async fn a_send_whose_group_committed_unanswered_is_answered_as_stored_once() -> crate::error::Result<()> {
    let Some(store) = channel_on_postgres().await? else {
        return Ok(());
    };
    let crate::store::Store::Postgres(pool, ..) = &store else {
        panic!("a PostgreSQL URL opens PostgreSQL")
    };
    let mut send = job("are you there?");
    send.new.client_id = None;
    let Some(event) = unplaced_event(&send) else {
        panic!("a send's event carries its position once")
    };
    // The group's statement commits; its answer is lost (the connection dropped), so the
    // writer stores the group's sends one by one.
    let committed = store_together(pool, std::slice::from_ref(&send), vec![event]).await?;
    let [Ok((first, _))] = committed.as_slice() else {
        panic!("the group stored its send: {committed:?}")
    };
    let (again, event) = store_alone(pool, &send).await?;
    assert_eq!(&again, first, "the send as it was stored");
    assert_eq!(event.seq, first.seq);
    let counts: (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM channel_events), \
         (SELECT last_seq FROM channels WHERE id = 'c1')",
    )
    .fetch_one(pool)
    .await?;
    assert_eq!(counts, (1, 1, 1), "stored once: messages, events, positions");
    // A send that was never stored is stored alone as usual, at the next position.
    let later = job("still there?");
    let (stored, _) = store_alone(pool, &later).await?;
    assert_eq!(stored.seq, 2);
    Ok(())
}

#[test]
fn an_event_without_the_position_is_left_to_the_single_send_path() {
    let mut send = job("hello");
    send.make_event = Box::new(|message| ChannelEvent::MessageDeleted {
        message_id: message.id.clone(),
        parent_id: None,
    });
    assert!(unplaced_event(&send).is_none());
}
