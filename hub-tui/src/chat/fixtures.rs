//! Fixed values for the client's tests: a fixed clock, fixed ids, a signed-in model with a few
//! channels and messages, so screens and models compare exactly.

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use hub_core::model::{ChannelId, ChannelKind, ChannelRole, MessageId, NotifyLevel, UserId, UserStatus};
use hub_core::protocol::v1::{ChannelView, MeView, MessageView, MyChannelView, ReactionCountView, UserView};

use super::action::Action;
use super::model::{Model, Person};
use super::update::update;

/// Tuesday 1 December 2026, 09:45 UTC.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 45, 0).single().unwrap_or_default()
}

pub fn user(name: &str) -> UserView {
    UserView {
        id: UserId::from(format!("u-{name}")),
        username: name.to_owned(),
        full_name: String::new(),
        bio: String::new(),
        avatar_url: None,
        status: UserStatus::Online,
        is_bot: false,
        created_at: now() - Duration::days(30),
        last_seen_at: None,
    }
}

pub fn me() -> MeView {
    MeView {
        profile: user("alice"),
        email: None,
        is_superuser: false,
        chat_availability: hub_core::model::ChatAvailability::Open,
    }
}

pub fn channel(
    name: &str,
    kind: ChannelKind,
    unread: i64,
    mentions: i64,
    members: Option<Vec<UserView>>,
) -> MyChannelView {
    MyChannelView {
        channel: ChannelView {
            id: ChannelId::from(format!("c-{name}")),
            name: name.to_owned(),
            kind,
            description: String::new(),
            topic: if name == "general" {
                "Welcome! Be kind.".to_owned()
            } else {
                String::new()
            },
            created_by: None,
            created_at: now() - Duration::days(30),
            archived: false,
            archived_at: None,
            member_count: 4,
            last_message_at: None,
            last_seq: 0,
        },
        role: ChannelRole::Member,
        notify: NotifyLevel::All,
        unread_count: unread,
        mention_count: mentions,
        last_message: None,
        members,
        join_code: None,
    }
}

/// A message in `channel` with sequence number `seq`, `minutes` before [`now`].
pub fn message(channel: &str, seq: i64, author: &str, content: &str, minutes: i64) -> MessageView {
    MessageView {
        id: MessageId::from(format!("m-{channel}-{seq}")),
        channel_id: ChannelId::from(format!("c-{channel}")),
        seq,
        author_id: Some(UserId::from(format!("u-{author}"))),
        content: content.to_owned(),
        client_id: None,
        parent_id: None,
        created_at: now() - Duration::minutes(minutes),
        edited_at: None,
        deleted: false,
        reply_count: 0,
        last_reply_at: None,
        reactions: Vec::new(),
    }
}

/// The #general of the main-screen picture in TERMINAL.md.
pub fn general_history() -> Vec<MessageView> {
    let mut carol = message("general", 2, "carol", "morning!", 32);
    carol.reactions.push(ReactionCountView {
        emoji: "👍".to_owned(),
        count: 2,
        me: false,
    });
    let mut dave = message("general", 3, "dave", "is the build green?", 25);
    dave.reply_count = 4;
    let mut bob = message("general", 4, "bob", "@alice can you look at #42?", 4);
    bob.edited_at = Some(now() - Duration::minutes(3));
    // Newest first, as the server pages them.
    vec![bob, dave, carol, message("general", 1, "bob", "morning all", 33)]
}

/// Signed in as alice, channels listed, #general open with its history: the main screen.
pub fn signed_in() -> Model {
    let mut model = Model::new(now(), "https://chat.example.org");
    model.outbox.tag = "test".to_owned();
    update(
        &mut model,
        Action::SignedIn {
            me: Box::new(me()),
            server: "https://chat.example.org".to_owned(),
        },
    );
    update(&mut model, Action::Connected);
    let mut carol = user("carol");
    carol.status = UserStatus::Offline;
    let channels = vec![
        channel("general", ChannelKind::Public, 1, 1, None),
        channel("random", ChannelKind::Public, 0, 0, None),
        channel("dev", ChannelKind::Public, 12, 1, None),
        channel("bob-dm", ChannelKind::Dm, 0, 0, Some(vec![user("alice"), user("bob")])),
        channel("carol-dm", ChannelKind::Dm, 1, 0, Some(vec![user("alice"), carol])),
    ];
    update(&mut model, Action::ChannelsLoaded(channels));
    model.selected = Some(ChannelId::from("c-general"));
    update(
        &mut model,
        Action::HistoryLoaded {
            channel_id: ChannelId::from("c-general"),
            before: None,
            messages: general_history(),
            has_more: false,
        },
    );
    for name in ["bob", "carol", "dave"] {
        let person = user(name);
        model
            .people
            .entry(person.id.clone())
            .or_insert_with(|| Person::from(&person));
    }
    model.people_asked.clear();
    model
}
