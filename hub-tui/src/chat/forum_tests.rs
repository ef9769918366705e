//! The forum in the client: update as a user lives it, and snapshots of its two screens.

use hub_core::model::{ChannelId, CommentId, PostId, PostSort};
use hub_core::protocol::v1::{ChannelEvent, StoredEvent, VoteView};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::action::{Action, Effect, VoteTarget};
use super::fixtures::{comment, in_forum, in_post, now, post, signed_in};
use super::keymap::Mode;
use super::model::{Model, Place};
use super::update::update;
use super::view::draw;
use crate::key::Key;
use crate::theme::Theme;

fn keys(model: &mut Model, keys: &[Key]) -> Vec<Effect> {
    keys.iter().flat_map(|key| update(model, Action::Key(*key))).collect()
}

fn forum_event(event: ChannelEvent) -> Action {
    Action::Event(Box::new(StoredEvent {
        channel_id: ChannelId::forum(),
        seq: 9,
        at: now(),
        event,
    }))
}

fn screen(model: &Model) -> String {
    let Ok(mut terminal) = Terminal::new(TestBackend::new(100, 24));
    if let Err(err) = terminal.draw(|frame| draw(frame, model, &Theme::plain())) {
        panic!("drawing failed: {err}");
    }
    crate::testing::buffer_text(terminal.backend().buffer())
}

#[test]
fn f_opens_the_forum_and_fetches_hot_posts() {
    let mut model = signed_in();
    let effects = keys(&mut model, &[Key::Char('f')]);
    assert_eq!(model.place, Place::Forum);
    assert_eq!(model.key_mode(), Mode::Forum);
    assert_eq!(
        effects,
        vec![Effect::LoadPosts {
            sort: PostSort::Hot,
            cursor: None
        }]
    );
    // s cycles the order, fetching it.
    update(
        &mut model,
        Action::PostsLoaded {
            sort: PostSort::Hot,
            posts: Vec::new(),
            next_cursor: None,
            more: false,
        },
    );
    let effects = keys(&mut model, &[Key::Char('s')]);
    assert_eq!(
        effects,
        vec![Effect::LoadPosts {
            sort: PostSort::New,
            cursor: None
        }]
    );
    keys(&mut model, &[Key::Esc]);
    assert_eq!(model.place, Place::Chat);
}

#[test]
fn voting_again_takes_the_vote_back() {
    let mut model = in_forum();
    let effects = keys(&mut model, &[Key::Char('+')]);
    let up = Effect::Vote {
        target: VoteTarget::Post(PostId::from("p-terminals")),
        value: 1,
    };
    assert_eq!(effects, vec![up]);
    update(
        &mut model,
        Action::Voted {
            target: VoteTarget::Post(PostId::from("p-terminals")),
            vote: VoteView {
                score: 13,
                upvotes: 13,
                downvotes: 0,
                my_vote: 1,
            },
        },
    );
    assert_eq!(model.forum.posts[0].score, 13);
    let effects = keys(&mut model, &[Key::Char('+')]);
    assert_eq!(
        effects,
        vec![Effect::Vote {
            target: VoteTarget::Post(PostId::from("p-terminals")),
            value: 0
        }]
    );
}

#[test]
fn scores_and_comments_arrive_live() {
    let mut model = in_post();
    update(
        &mut model,
        forum_event(ChannelEvent::VoteChanged {
            target_type: "post".to_owned(),
            target_id: "p-terminals".to_owned(),
            score: 20,
            upvotes: 21,
            downvotes: 1,
        }),
    );
    let pane = model.forum.open.as_ref().map(|pane| pane.post.score);
    assert_eq!(pane, Some(20), "the open post's score moves");
    assert_eq!(model.forum.posts[0].score, 20, "and the list's");
    // A reply to c1 lands under c1's replies, not at the end.
    let reply = comment("c4", Some("c1"), 1, "bob", "kitty has ligatures though", 0);
    update(&mut model, forum_event(ChannelEvent::CommentCreated { comment: reply }));
    let order: Vec<&str> = model
        .forum
        .open
        .iter()
        .flat_map(|pane| pane.comments.iter().map(|comment| comment.id.as_str()))
        .collect();
    assert_eq!(order, vec!["c1", "c2", "c4", "c3"]);
    assert_eq!(model.forum.posts[0].comment_count, 4);
}

#[test]
fn a_folded_comment_hides_its_replies() {
    let mut model = in_post();
    keys(&mut model, &[Key::Char('j'), Key::Char('z')]);
    let visible: Vec<String> = model
        .forum
        .open
        .iter()
        .flat_map(|pane| pane.visible().into_iter().map(|comment| comment.id.to_string()))
        .collect();
    assert_eq!(visible, vec!["c1", "c3"]);
    // j skips what is folded.
    keys(&mut model, &[Key::Char('j')]);
    let selected = model.forum.open.as_ref().and_then(|pane| pane.selected.clone());
    assert_eq!(selected, Some(CommentId::from("c3")));
}

#[test]
fn a_comment_answers_the_highlighted_one() {
    let mut model = in_post();
    keys(&mut model, &[Key::Char('j'), Key::Char('c')]);
    assert_eq!(model.mode, Mode::Insert);
    for c in "agreed".chars() {
        keys(&mut model, &[Key::Char(c)]);
    }
    let effects = keys(&mut model, &[Key::Enter]);
    assert_eq!(
        effects,
        vec![Effect::WriteComment {
            post_id: PostId::from("p-terminals"),
            parent_id: Some(CommentId::from("c1")),
            body: "agreed".to_owned()
        }]
    );
}

#[test]
fn a_new_post_asks_its_title_then_its_text() {
    let mut model = in_forum();
    keys(&mut model, &[Key::Char('w')]);
    for c in "Hello".chars() {
        keys(&mut model, &[Key::Char(c)]);
    }
    keys(&mut model, &[Key::Enter]);
    assert_eq!(model.mode, Mode::Insert);
    for c in "first!".chars() {
        keys(&mut model, &[Key::Char(c)]);
    }
    let effects = keys(&mut model, &[Key::Enter]);
    assert_eq!(
        effects,
        vec![Effect::WritePost {
            title: "Hello".to_owned(),
            body: "first!".to_owned()
        }]
    );
}

#[test]
fn a_post_written_elsewhere_counts_as_new_while_in_the_chat() {
    let mut model = signed_in();
    update(
        &mut model,
        forum_event(ChannelEvent::PostCreated {
            post: post("p-new", "Fresh", "bob", 0, 0, 0),
        }),
    );
    assert_eq!(model.forum.new_posts, 1);
    keys(&mut model, &[Key::Char('f')]);
    assert_eq!(model.forum.new_posts, 0);
}

#[test]
fn forum_list() {
    let model = in_forum();
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn post_with_comments() {
    let mut model = in_post();
    keys(&mut model, &[Key::Char('j'), Key::Char('j')]);
    insta::assert_snapshot!(screen(&model));
}
