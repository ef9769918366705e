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
        files: Vec::new(),
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

pub fn post(
    id: &str,
    title: &str,
    author: &str,
    score: i64,
    comments: i64,
    hours: i64,
) -> hub_core::protocol::v1::PostView {
    hub_core::protocol::v1::PostView {
        id: hub_core::model::PostId::from(id),
        author_id: Some(UserId::from(format!("u-{author}"))),
        title: title.to_owned(),
        body: "I am on kitty. Tell me yours, and why: speed, fonts, or the config file?".to_owned(),
        tags: vec!["tools".to_owned()],
        score,
        upvotes: score,
        downvotes: 0,
        my_vote: 0,
        comment_count: comments,
        created_at: now() - Duration::hours(hours),
        edited_at: None,
        deleted: false,
    }
}

pub fn comment(
    id: &str,
    parent: Option<&str>,
    depth: i64,
    author: &str,
    body: &str,
    replies: i64,
) -> hub_core::protocol::v1::CommentView {
    hub_core::protocol::v1::CommentView {
        id: hub_core::model::CommentId::from(id),
        post_id: hub_core::model::PostId::from("p-terminals"),
        parent_id: parent.map(hub_core::model::CommentId::from),
        depth,
        author_id: Some(UserId::from(format!("u-{author}"))),
        body: body.to_owned(),
        reply_count: replies,
        score: 3 - depth,
        upvotes: 3 - depth,
        downvotes: 0,
        my_vote: 0,
        created_at: now() - Duration::minutes(50 - depth * 10),
        edited_at: None,
        deleted: false,
        hidden: false,
    }
}

/// The forum open on `hot`, three posts listed.
pub fn in_forum() -> Model {
    let mut model = signed_in();
    update(&mut model, Action::Key(crate::key::Key::Char('f')));
    update(
        &mut model,
        Action::PostsLoaded {
            sort: hub_core::model::PostSort::Hot,
            posts: vec![
                post("p-terminals", "Which terminal do you use?", "bob", 12, 3, 2),
                post(
                    "p-release",
                    "Release 0.3 is out: threads in the terminal",
                    "carol",
                    8,
                    0,
                    5,
                ),
                post("p-lunch", "Lunch on Friday?", "dave", -1, 1, 30),
            ],
            next_cursor: None,
            more: false,
        },
    );
    model
}

/// The first post open with its comment tree.
pub fn in_post() -> Model {
    let mut model = in_forum();
    update(&mut model, Action::Key(crate::key::Key::Enter));
    update(
        &mut model,
        Action::CommentsLoaded {
            post_id: hub_core::model::PostId::from("p-terminals"),
            comments: vec![
                comment("c1", None, 0, "carol", "foot, because it starts instantly", 1),
                comment("c2", Some("c1"), 1, "dave", "and its config is one small file", 0),
                comment("c3", None, 0, "dave", "wezterm for the multiplexer", 0),
            ],
        },
    );
    model
}
