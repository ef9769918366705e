//! Snapshots of every chat screen, drawn from fixed models into ratatui's `TestBackend`.

use hub_core::model::MessageId;
use hub_core::protocol::v1::ThreadView;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::action::Action;
use super::fixtures::{message, now, signed_in};
use super::keymap::{BINDINGS, Mode, keys_name};
use super::model::{Model, Overlay};
use super::update::update;
use super::view::draw;
use crate::key::Key;
use crate::theme::Theme;

fn screen(model: &Model, width: u16, height: u16) -> String {
    let Ok(mut terminal) = Terminal::new(TestBackend::new(width, height));
    if let Err(err) = terminal.draw(|frame| draw(frame, model, &Theme::plain())) {
        panic!("drawing failed: {err}");
    }
    crate::testing::buffer_text(terminal.backend().buffer())
}

fn press(model: &mut Model, keys: &[Key]) {
    for key in keys {
        update(model, Action::Key(*key));
    }
}

#[test]
fn login_screen() {
    let mut model = Model::new(now(), "https://chat.example.org");
    for c in "alice".chars() {
        press(&mut model, &[Key::Char(c)]);
    }
    press(&mut model, &[Key::Tab, Key::Char('s'), Key::Char('3')]);
    update(
        &mut model,
        Action::SignInFailed("401 Unauthorized: wrong username or password".to_owned()),
    );
    insta::assert_snapshot!(screen(&model, 80, 24));
}

#[test]
fn main_view() {
    let mut model = signed_in();
    update(
        &mut model,
        Action::Typing {
            channel_id: "c-general".into(),
            user_id: "u-bob".into(),
            expires_in_ms: 5000,
        },
    );
    insta::assert_snapshot!(screen(&model, 100, 24));
}

#[test]
fn narrow_80x24_folds_the_sidebar_away() {
    let model = signed_in();
    let drawn = screen(&model, 80, 24);
    assert!(!drawn.contains("CHANNELS"), "the sidebar takes no room at 80 columns");
    insta::assert_snapshot!(drawn);
}

#[test]
fn narrow_sidebar_overlay() {
    let mut model = signed_in();
    press(&mut model, &[Key::Tab]);
    insta::assert_snapshot!(screen(&model, 80, 24));
}

#[test]
fn thread_pane() {
    let mut model = signed_in();
    press(&mut model, &[Key::Char('t')]);
    let Some(thread) = &model.thread else {
        panic!("t opened no thread");
    };
    let mut replies = Vec::new();
    for (seq, (author, text)) in [("bob", "not yet"), ("dave", "now?"), ("carol", "green ✅")]
        .iter()
        .enumerate()
    {
        let mut reply = message("general", 10 + seq as i64, author, text, 20 - seq as i64);
        reply.parent_id = Some(MessageId::from("m-general-3"));
        replies.push(reply);
    }
    let view = ThreadView {
        parent: thread.parent.clone(),
        items: replies,
        next_cursor: None,
    };
    update(&mut model, Action::ThreadLoaded(Box::new(view)));
    press(&mut model, &[Key::Char('i')]);
    for c in "thanks".chars() {
        press(&mut model, &[Key::Char(c)]);
    }
    insta::assert_snapshot!(screen(&model, 100, 24));
}

#[test]
fn switcher() {
    let mut model = signed_in();
    press(&mut model, &[Key::Ctrl('k'), Key::Char('d'), Key::Char('e')]);
    insta::assert_snapshot!(screen(&model, 100, 24));
}

#[test]
fn help_overlay() {
    let mut model = signed_in();
    press(&mut model, &[Key::Char('?')]);
    insta::assert_snapshot!(screen(&model, 100, 30));
}

#[test]
fn the_help_overlay_lists_every_binding_of_each_mode() {
    for mode in Mode::ALL {
        let mut model = signed_in();
        model.mode = mode;
        model.overlay = Some(Overlay::Help);
        let drawn = screen(&model, 160, 50);
        // A long line wraps inside the box: read the box's text as one run of words.
        let words = drawn
            .lines()
            .map(|line| line.replace('│', " "))
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for binding in BINDINGS.iter().filter(|binding| binding.mode == mode) {
            let help = binding.help.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                words.contains(&keys_name(binding)) && words.contains(&help),
                "help in {mode:?} does not show {:?} ({})\n{drawn}",
                keys_name(binding),
                binding.help
            );
        }
    }
}

#[test]
fn pending_and_failed_messages_show_below_the_timeline() {
    let mut model = signed_in();
    update(&mut model, Action::Reconnecting { attempt: 3 });
    press(&mut model, &[Key::Char('i')]);
    for c in "on its way".chars() {
        press(&mut model, &[Key::Char(c)]);
    }
    press(&mut model, &[Key::Enter]);
    insta::assert_snapshot!(screen(&model, 100, 24));
}

#[test]
fn at_the_top_the_oldest_message_is_drawn_first_and_the_view_fills_downwards() {
    let mut model = signed_in();
    let long: Vec<_> = (5..65)
        .map(|seq| message("general", seq, "dave", &format!("later message {seq}"), 3))
        .collect();
    if let Some(timeline) = model.timeline_mut() {
        timeline.merge(long);
    }
    press(&mut model, &[Key::Char('g')]);
    let drawn = screen(&model, 100, 24);
    let lines: Vec<&str> = drawn.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.contains("(the start of the conversation)"));
    let oldest = lines.iter().position(|line| line.contains("morning all"));
    let newest = lines.iter().position(|line| line.contains("later message 15"));
    assert!(
        matches!((start, oldest, newest), (Some(s), Some(o), Some(n)) if s < o && o < n),
        "the conversation reads from its start downwards:\n{drawn}"
    );
    assert_eq!(start, Some(2), "the start is at the top of the pane:\n{drawn}");
}

#[test]
fn tiny_terminals_draw_every_screen_without_breaking() {
    let mut screens = vec![Model::new(now(), "http://h"), signed_in()];
    let mut thread = signed_in();
    press(&mut thread, &[Key::Char('t')]);
    screens.push(thread);
    let mut help = signed_in();
    press(&mut help, &[Key::Char('?')]);
    screens.push(help);
    let mut switcher = signed_in();
    press(&mut switcher, &[Key::Ctrl('k')]);
    screens.push(switcher);
    screens.push(super::fixtures::in_post());
    for model in &screens {
        for (width, height) in [(1, 1), (10, 3), (20, 5), (40, 10), (79, 23)] {
            let drawn = screen(model, width, height);
            assert_eq!(drawn.lines().count(), usize::from(height));
        }
    }
}
