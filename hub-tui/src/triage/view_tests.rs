//! Snapshots of the triage screen, drawn from fixed models into ratatui's `TestBackend`.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::fixtures::queue;
use super::keys::{BINDINGS, Key};
use super::model::{Live, Triage};
use super::update::{Action, update};
use super::view::draw;
use crate::theme::Theme;

fn screen(model: &Triage, width: u16, height: u16) -> String {
    let Ok(mut terminal) = Terminal::new(TestBackend::new(width, height));
    if let Err(err) = terminal.draw(|frame| draw(frame, model, &Theme::plain())) {
        panic!("drawing failed: {err}");
    }
    crate::testing::buffer_text(terminal.backend().buffer())
}

fn keys(model: &mut Triage, text: &str) {
    for c in text.chars() {
        let key = if c == '\n' { Key::Enter } else { Key::Char(c) };
        update(model, Action::Key(key));
    }
}

fn live_queue() -> Triage {
    let mut model = queue();
    model.live = Live::Live;
    model
}

#[test]
fn a_message_report_with_its_context_and_history() {
    insta::assert_snapshot!(screen(&live_queue(), 100, 20));
}

#[test]
fn the_same_report_at_80_by_24() {
    insta::assert_snapshot!(screen(&live_queue(), 80, 24));
}

#[test]
fn a_report_on_a_person() {
    let mut model = live_queue();
    model.position = 2;
    insta::assert_snapshot!(screen(&model, 100, 16));
}

#[test]
fn a_report_on_a_forum_comment_shows_the_comment_and_its_post() {
    let mut model = live_queue();
    model.items = vec![super::model::Item::detailed(super::fixtures::comment_detail())];
    insta::assert_snapshot!(screen(&model, 100, 16));
}

#[test]
fn the_confirmation_before_a_suspension() {
    let mut model = live_queue();
    keys(&mut model, "s\nthreats\n");
    insta::assert_snapshot!(screen(&model, 100, 16));
}

#[test]
fn a_staged_decision_says_it_can_be_taken_back() {
    let mut model = live_queue();
    keys(&mut model, "dnot abuse\n");
    let text = screen(&model, 100, 16);
    assert!(
        text.contains("✓ dismissed (\"not abuse\"); sent when you move on"),
        "{text}"
    );
    assert!(text.contains("(decided, not sent)"), "{text}");
}

#[test]
fn the_queue_count_and_position_are_on_the_first_line() {
    let mut model = live_queue();
    keys(&mut model, "dok\nn");
    let text = screen(&model, 100, 16);
    let first = text.lines().next().unwrap_or_default();
    assert!(first.contains("Report 2 of 3 (open) · 2 open · 1 decided"), "{first}");
}

#[test]
fn the_done_screen() {
    let mut model = live_queue();
    model.position = model.items.len();
    insta::assert_snapshot!(screen(&model, 100, 10));
}

#[test]
fn the_help_overlay_lists_every_binding() {
    let mut model = live_queue();
    keys(&mut model, "?");
    let text = screen(&model, 120, 30);
    for binding in BINDINGS {
        assert!(text.contains(binding.help), "help lacks {:?}:\n{text}", binding.help);
    }
    insta::assert_snapshot!(text);
}

#[test]
fn the_footer_names_every_binding() {
    let text = screen(&live_queue(), 120, 16);
    for binding in BINDINGS {
        assert!(text.contains(binding.hint), "footer lacks {:?}", binding.hint);
    }
}
