//! `update` as a user lives it: an action in, the model and the effects out.

#![allow(clippy::expect_used, reason = "a test that finds nothing should stop there")]

use chrono::Duration;
use hub_core::model::{ChannelId, ClientId, MessageId, UserId};
use hub_core::protocol::v1::{ChannelEvent, StoredEvent};

use super::action::{Action, Effect};
use super::fixtures::{message, now, signed_in};
use super::model::{Connection, Focus, Model, OutState};
use super::update::update;
use crate::key::Key;

pub(super) fn keys(model: &mut Model, keys: &[Key]) -> Vec<Effect> {
    keys.iter().flat_map(|key| update(model, Action::Key(*key))).collect()
}

pub(super) fn type_text(model: &mut Model, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| update(model, Action::Key(Key::Char(c))))
        .collect()
}

pub(super) fn created(channel: &str, seq: i64, author: &str, content: &str) -> Action {
    let message = message(channel, seq, author, content, 0);
    Action::Event(Box::new(StoredEvent {
        channel_id: ChannelId::from(format!("c-{channel}")),
        seq,
        at: now(),
        event: ChannelEvent::MessageCreated { message },
    }))
}

pub(super) fn general() -> ChannelId {
    ChannelId::from("c-general")
}

pub(super) fn contents(model: &Model) -> Vec<String> {
    model.timeline().map_or_else(Vec::new, |timeline| {
        timeline
            .messages
            .iter()
            .map(|message| message.content.clone())
            .collect()
    })
}

#[test]
fn a_message_written_offline_waits_and_goes_once_when_connected() {
    let mut model = signed_in();
    update(&mut model, Action::Reconnecting { attempt: 1 });
    keys(&mut model, &[Key::Char('i')]);
    type_text(&mut model, "written in the tunnel");
    let effects = keys(&mut model, &[Key::Enter]);
    assert!(
        !effects.iter().any(|effect| matches!(effect, Effect::Send(_))),
        "nothing goes out while reconnecting: {effects:?}"
    );
    assert_eq!(model.outbox.pending_count(), 1);
    let client_id = model.outbox.items[0].client_id.clone();

    let effects = update(&mut model, Action::Connected);
    let sends: Vec<&ClientId> = effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Send(outgoing) => Some(&outgoing.client_id),
            _ => None,
        })
        .collect();
    assert_eq!(
        sends,
        vec![&client_id],
        "the pending message goes out, with its client_id"
    );

    // The server may ack a repeat and also send the event: the message shows once.
    let mut stored = message("general", 5, "alice", "written in the tunnel", 0);
    stored.client_id = Some(client_id.clone());
    update(
        &mut model,
        Action::Acked {
            client_id: client_id.clone(),
            message: Box::new(stored.clone()),
        },
    );
    update(
        &mut model,
        Action::Acked {
            client_id,
            message: Box::new(stored),
        },
    );
    update(&mut model, created("general", 5, "alice", "written in the tunnel"));
    assert_eq!(model.outbox.pending_count(), 0);
    let copies = contents(&model)
        .iter()
        .filter(|text| *text == "written in the tunnel")
        .count();
    assert_eq!(copies, 1);
}

#[test]
fn a_refused_send_stays_on_screen_as_failed() {
    let mut model = signed_in();
    keys(&mut model, &[Key::Char('i')]);
    type_text(&mut model, "hello");
    let effects = keys(&mut model, &[Key::Enter]);
    let Some(Effect::Send(outgoing)) = effects.iter().find(|effect| matches!(effect, Effect::Send(_))) else {
        panic!("connected, the message is sent at once: {effects:?}");
    };
    update(
        &mut model,
        Action::SendRefused {
            client_id: outgoing.client_id.clone(),
            code: "forbidden".to_owned(),
            message: "you are timed out".to_owned(),
        },
    );
    assert_eq!(
        model.outbox.items[0].state,
        OutState::Failed("you are timed out".to_owned())
    );
    assert_eq!(
        model.outbox.pending_count(),
        0,
        "a failed message is not sent again by itself"
    );
}

#[test]
fn after_a_drop_the_list_and_open_channels_are_fetched_again_and_merged_without_doubles() {
    let mut model = signed_in();
    update(&mut model, Action::Reconnecting { attempt: 1 });
    let effects = update(&mut model, Action::Connected);
    assert!(effects.contains(&Effect::LoadChannels));
    assert!(effects.contains(&Effect::LoadHistory {
        channel_id: general(),
        before: None
    }));
    let before = contents(&model);
    let mut page = super::fixtures::general_history();
    page.insert(0, message("general", 5, "carol", "missed during the drop", 1));
    update(
        &mut model,
        Action::HistoryLoaded {
            channel_id: general(),
            before: None,
            messages: page,
            has_more: false,
        },
    );
    let after = contents(&model);
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after.last().map(String::as_str), Some("missed during the drop"));
}

#[test]
fn live_messages_do_not_move_a_view_scrolled_up() {
    let mut model = signed_in();
    keys(&mut model, &[Key::Char('k'), Key::Char('k')]);
    assert_eq!(model.timeline().map(|timeline| timeline.scroll), Some(2));
    let effects = update(&mut model, created("general", 5, "carol", "new while reading old"));
    let timeline = model.timeline().expect("general is open");
    assert_eq!(timeline.scroll, 3, "the view still ends on the same message");
    assert!(
        !effects.iter().any(|effect| matches!(effect, Effect::MarkRead { .. })),
        "not read while scrolled up"
    );
    assert_eq!(model.current().map(|entry| entry.unread), Some(1));

    // Back at the bottom, it is read.
    let effects = keys(&mut model, &[Key::Char('G')]);
    assert!(effects.contains(&Effect::MarkRead {
        channel_id: general(),
        message_id: MessageId::from("m-general-5")
    }));
    assert_eq!(model.current().map(|entry| entry.unread), Some(0));
}

#[test]
fn a_message_in_another_channel_counts_as_unread_and_a_mention_rings() {
    let mut model = signed_in();
    let dev = ChannelId::from("c-dev");
    let unread_before = model
        .channels
        .iter()
        .find(|entry| entry.id == dev)
        .map(|entry| entry.unread);
    let effects = update(&mut model, created("dev", 40, "bob", "@alice the deploy is yours"));
    let entry = model
        .channels
        .iter()
        .find(|entry| entry.id == dev)
        .expect("dev is listed");
    assert_eq!(Some(entry.unread), unread_before.map(|unread| unread + 1));
    assert_eq!(entry.mentions, 2);
    assert!(effects.contains(&Effect::Bell));

    // n goes to the channel with mentions first.
    keys(&mut model, &[Key::Char('n')]);
    assert_eq!(model.selected, Some(dev));
}

#[test]
fn scrolling_near_the_top_loads_the_older_page_once() {
    let mut model = signed_in();
    if let Some(timeline) = model.timeline_mut() {
        timeline.has_older = true;
    }
    let effects = keys(&mut model, &[Key::Char('k')]);
    let older = Effect::LoadHistory {
        channel_id: general(),
        before: Some(MessageId::from("m-general-1")),
    };
    assert!(effects.contains(&older), "{effects:?}");
    let effects = keys(&mut model, &[Key::Char('k')]);
    assert!(!effects.contains(&older), "asked for once while it loads");
    update(
        &mut model,
        Action::HistoryLoaded {
            channel_id: general(),
            before: Some(MessageId::from("m-general-1")),
            messages: vec![message("general", 0, "dave", "the very first", 60)],
            has_more: false,
        },
    );
    assert_eq!(contents(&model).first().map(String::as_str), Some("the very first"));
    assert!(!model.timeline().is_some_and(|timeline| timeline.has_older));
}

#[test]
fn editing_the_last_message_with_up_saves_an_edit() {
    let mut model = signed_in();
    update(&mut model, created("general", 5, "alice", "teh typo"));
    keys(&mut model, &[Key::Char('i'), Key::Up]);
    assert_eq!(model.composer.text, "teh typo");
    keys(&mut model, &[Key::Home, Key::Delete, Key::Delete, Key::Delete]);
    type_text(&mut model, "the");
    let effects = keys(&mut model, &[Key::Enter]);
    assert!(effects.contains(&Effect::Edit {
        message_id: MessageId::from("m-general-5"),
        content: "the typo".to_owned()
    }));
    assert_eq!(model.editing, None);
}

#[test]
fn someone_elses_message_cannot_be_edited() {
    let mut model = signed_in();
    keys(&mut model, &[Key::Char('v'), Key::Char('e')]);
    assert_eq!(model.editing, None);
    assert!(model.notice.as_ref().is_some_and(|notice| notice.error));
}

#[test]
fn a_reply_in_a_thread_is_sent_with_its_parent() {
    let mut model = signed_in();
    let effects = keys(&mut model, &[Key::Char('t')]);
    let dave = MessageId::from("m-general-3");
    assert!(
        effects.contains(&Effect::LoadThread(dave.clone())),
        "the newest thread opens"
    );
    assert_eq!(model.focus, Focus::Thread);
    keys(&mut model, &[Key::Char('i')]);
    type_text(&mut model, "it is green now");
    let effects = keys(&mut model, &[Key::Enter]);
    let Some(Effect::Send(outgoing)) = effects.iter().find(|effect| matches!(effect, Effect::Send(_))) else {
        panic!("the reply is sent: {effects:?}");
    };
    assert_eq!(outgoing.parent_id, Some(dave));
    assert!(model.composer.is_empty(), "the channel's composer is untouched");
}

#[test]
fn a_reply_arriving_counts_on_its_parent() {
    let mut model = signed_in();
    let mut reply = message("general", 5, "carol", "yes", 0);
    reply.parent_id = Some(MessageId::from("m-general-3"));
    update(
        &mut model,
        Action::Event(Box::new(StoredEvent {
            channel_id: general(),
            seq: 5,
            at: now(),
            event: ChannelEvent::MessageCreated { message: reply },
        })),
    );
    let parent = model
        .timeline()
        .and_then(|timeline| timeline.get(&MessageId::from("m-general-3")))
        .map(|message| message.reply_count);
    assert_eq!(parent, Some(5));
    assert!(
        !contents(&model).contains(&"yes".to_owned()),
        "replies stay in their thread"
    );
}

#[test]
fn a_read_on_another_device_clears_the_badge() {
    let mut model = signed_in();
    let carol = ChannelId::from("c-carol-dm");
    update(
        &mut model,
        Action::ReadElsewhere {
            channel_id: carol.clone(),
            message_id: MessageId::from("m-whatever"),
        },
    );
    let entry = model.channels.iter().find(|entry| entry.id == carol).expect("listed");
    assert_eq!(entry.unread, 0);
}

#[test]
fn typing_is_announced_at_most_every_few_seconds() {
    let mut model = signed_in();
    keys(&mut model, &[Key::Char('i')]);
    let effects = type_text(&mut model, "abc");
    assert_eq!(
        effects
            .iter()
            .filter(|effect| matches!(effect, Effect::Typing(_)))
            .count(),
        1
    );
    update(&mut model, Action::Tick(now() + Duration::seconds(4)));
    let effects = type_text(&mut model, "d");
    assert_eq!(effects, vec![Effect::Typing(general())]);
}

#[test]
fn someone_typing_shows_until_it_expires() {
    let mut model = signed_in();
    update(
        &mut model,
        Action::Typing {
            channel_id: general(),
            user_id: UserId::from("u-bob"),
            expires_in_ms: 5000,
        },
    );
    assert_eq!(model.typing_in(&general()), vec!["bob".to_owned()]);
    update(&mut model, Action::Tick(now() + Duration::seconds(6)));
    assert!(model.typing_in(&general()).is_empty());
}

#[test]
fn a_resync_fetches_the_channel_afresh() {
    let mut model = signed_in();
    let effects = update(&mut model, Action::Resync(general()));
    assert!(effects.contains(&Effect::LoadHistory {
        channel_id: general(),
        before: None
    }));
}

#[test]
fn a_dropped_connection_shows_and_the_outbox_counts() {
    let mut model = signed_in();
    update(&mut model, Action::Reconnecting { attempt: 2 });
    assert_eq!(model.connection, Connection::Reconnecting { attempt: 2 });
    keys(&mut model, &[Key::Char('i')]);
    type_text(&mut model, "one");
    keys(&mut model, &[Key::Enter]);
    type_text(&mut model, "two");
    keys(&mut model, &[Key::Enter]);
    assert_eq!(model.outbox.pending_count(), 2);
    let ids: Vec<&str> = model.outbox.items.iter().map(|item| item.client_id.as_str()).collect();
    assert_eq!(ids, vec!["test-1", "test-2"], "each message has its own client_id");
}

#[test]
fn g_climbs_through_older_pages_to_the_first_message() {
    let mut model = signed_in();
    if let Some(timeline) = model.timeline_mut() {
        timeline.has_older = true;
    }
    let effects = keys(&mut model, &[Key::Char('g')]);
    assert!(
        effects
            .iter()
            .any(|effect| matches!(effect, Effect::LoadHistory { before: Some(_), .. }))
    );
    let effects = update(
        &mut model,
        Action::HistoryLoaded {
            channel_id: general(),
            before: Some(MessageId::from("m-general-1")),
            messages: vec![message("general", 0, "dave", "older", 60)],
            has_more: true,
        },
    );
    let timeline = model.timeline().expect("open");
    assert_eq!(timeline.scroll, timeline.messages.len() - 1, "still at the top");
    assert!(
        effects
            .iter()
            .any(|effect| matches!(effect, Effect::LoadHistory { before: Some(_), .. })),
        "and the next page is asked for: {effects:?}"
    );
    // Moving down stops the climb.
    keys(&mut model, &[Key::Char('j')]);
    assert!(!model.timeline().expect("open").to_top);
}

#[test]
fn a_failed_fetch_is_asked_for_again_after_a_pause_not_at_once() {
    let mut model = signed_in();
    let effects = update(&mut model, Action::ChannelsFailed("503 Service Unavailable".to_owned()));
    assert!(!effects.contains(&Effect::LoadChannels));
    assert!(model.notice.as_ref().is_some_and(|notice| notice.error));
    let effects = update(&mut model, Action::Tick(now() + Duration::seconds(1)));
    assert!(!effects.contains(&Effect::LoadChannels), "not before the pause");
    let effects = update(&mut model, Action::Tick(now() + Duration::seconds(4)));
    assert!(effects.contains(&Effect::LoadChannels));

    // #random has not been opened yet.
    let random = ChannelId::from("c-random");
    model.selected = Some(random.clone());
    let effects = update(&mut model, Action::Tick(now() + Duration::seconds(4)));
    assert!(effects.contains(&Effect::LoadHistory {
        channel_id: random.clone(),
        before: None
    }));
    let effects = update(
        &mut model,
        Action::HistoryFailed {
            channel_id: random.clone(),
            error: "timed out".to_owned(),
        },
    );
    assert!(effects.is_empty(), "no tight retry loop: {effects:?}");
    let effects = update(&mut model, Action::Tick(now() + Duration::seconds(8)));
    assert!(effects.contains(&Effect::LoadHistory {
        channel_id: random,
        before: None
    }));
}
