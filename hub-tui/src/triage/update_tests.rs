//! The triage screen's behaviour: an action in, the model and effects out.

use hub_core::model::ReportId;

use super::fixtures::{message_detail, message_report, queue};
use super::keys::Key;
use super::model::{Choice, Decision, ItemState, Prompt, Triage};
use super::update::{Action, Effect, update};

fn press(model: &mut Triage, keys: &str) -> Vec<Effect> {
    keys.chars()
        .flat_map(|c| {
            let key = match c {
                '\n' => Key::Enter,
                '\u{1b}' => Key::Esc,
                c => Key::Char(c),
            };
            update(model, Action::Key(key))
        })
        .collect()
}

fn state(model: &Triage, index: usize) -> &ItemState {
    &model.items[index].state
}

fn decision(choice: Choice, reason: &str) -> Decision {
    Decision {
        choice,
        reason: reason.to_owned(),
    }
}

#[test]
fn a_dismissal_is_staged_on_screen_and_sent_on_moving_on() {
    let mut model = queue();
    assert!(
        press(&mut model, "dnot abuse\n").is_empty(),
        "nothing is sent while it is on screen"
    );
    let dismissed = decision(Choice::Dismiss, "not abuse");
    assert_eq!(state(&model, 0), &ItemState::Staged(dismissed.clone()));
    assert_eq!(model.position, 0);

    let effects = press(&mut model, "n");
    assert_eq!(
        effects,
        vec![Effect::Send {
            id: ReportId::from("r1"),
            decision: dismissed.clone()
        }]
    );
    assert_eq!(state(&model, 0), &ItemState::Sending(dismissed.clone()));
    assert_eq!(model.position, 1);

    update(&mut model, Action::Sent(ReportId::from("r1")));
    assert_eq!(state(&model, 0), &ItemState::Done(dismissed));
    assert_eq!(model.decided_count(), 1);
    assert_eq!(model.open_count(), 2);
}

#[test]
fn a_suspension_asks_the_period_the_reason_and_then_confirms_with_no_as_the_default() {
    let mut model = queue();
    press(&mut model, "s");
    assert_eq!(model.prompt, Prompt::Period { text: "7d".to_owned() });
    update(&mut model, Action::Key(Key::Backspace));
    update(&mut model, Action::Key(Key::Backspace));
    press(&mut model, "3d\nthreats\n");
    let suspend = decision(
        Choice::Suspend {
            period: "3d".to_owned(),
        },
        "threats",
    );
    assert_eq!(model.prompt, Prompt::Confirm(suspend));

    press(&mut model, "\n");
    assert_eq!(model.prompt, Prompt::None);
    assert_eq!(state(&model, 0), &ItemState::Open, "Enter is No");
    assert!(
        press(&mut model, "n").is_empty(),
        "nothing was decided, so nothing is sent"
    );
}

#[test]
fn y_confirms_a_destructive_choice() {
    let mut model = queue();
    press(&mut model, "xthreat in #general\ny");
    assert_eq!(
        state(&model, 0),
        &ItemState::Staged(decision(Choice::DeleteContent, "threat in #general"))
    );
    press(&mut model, "b");
    assert_eq!(model.prompt, Prompt::None);
    assert_eq!(
        state(&model, 0),
        &ItemState::Staged(decision(Choice::DeleteContent, "threat in #general")),
        "a decided report takes no second decision"
    );
}

#[test]
fn undo_takes_back_the_decision_on_screen_so_nothing_is_sent() {
    let mut model = queue();
    press(&mut model, "dfine\nu");
    assert_eq!(state(&model, 0), &ItemState::Open);
    assert!(press(&mut model, "n").is_empty());
    assert_eq!(model.position, 1);
}

#[test]
fn undo_cannot_reach_a_decision_already_sent() {
    let mut model = queue();
    press(&mut model, "dfine\np");
    assert!(matches!(state(&model, 0), ItemState::Sending(_)));
    press(&mut model, "u");
    assert!(matches!(state(&model, 0), ItemState::Sending(_)));
    assert!(
        model
            .notice
            .is_some_and(|notice| notice.text.contains("nothing to take back"))
    );
}

#[test]
fn every_decision_needs_a_reason() {
    let mut model = queue();
    press(&mut model, "d\n");
    assert!(matches!(model.prompt, Prompt::Reason { .. }), "still asking");
    assert!(model.notice.as_ref().is_some_and(|notice| notice.is_error));
    press(&mut model, "   \n");
    assert!(matches!(model.prompt, Prompt::Reason { .. }), "blank is no reason");
}

#[test]
fn a_period_the_server_would_refuse_is_refused_at_the_prompt() {
    let mut model = queue();
    press(&mut model, "s");
    update(&mut model, Action::Key(Key::Backspace));
    update(&mut model, Action::Key(Key::Backspace));
    press(&mut model, "forever\n");
    assert!(matches!(model.prompt, Prompt::Period { .. }));
    assert!(model.notice.as_ref().is_some_and(|notice| notice.is_error));
}

#[test]
fn escape_leaves_any_prompt_without_deciding() {
    let mut model = queue();
    press(&mut model, "dhalf a reas\u{1b}");
    assert_eq!(model.prompt, Prompt::None);
    assert_eq!(state(&model, 0), &ItemState::Open);
}

#[test]
fn a_report_on_a_person_has_no_content_to_delete() {
    let mut model = queue();
    model.position = 2;
    press(&mut model, "x");
    assert_eq!(model.prompt, Prompt::None);
    assert!(model.notice.is_some_and(|notice| notice.text.contains("no content")));
}

#[test]
fn skipping_comes_back_round_to_the_skipped_report() {
    let mut model = queue();
    press(&mut model, "n");
    assert_eq!(model.position, 1);
    press(&mut model, "dok\nn");
    assert_eq!(model.position, 2);
    press(&mut model, "dok\nn");
    assert_eq!(model.position, 0, "r1 was skipped, not decided");
    press(&mut model, "dok\nn");
    assert_eq!(model.position, 3, "the queue is done");
    assert!(model.current().is_none());
}

#[test]
fn quitting_sends_the_decision_on_screen_and_waits_for_it() {
    let mut model = queue();
    let effects = press(&mut model, "dok\nq");
    assert_eq!(effects.len(), 1);
    assert!(model.quitting);
    assert_eq!(model.sending_count(), 1, "the loop waits for this before it ends");
}

#[test]
fn ctrl_c_leaves_without_sending_the_decision_on_screen() {
    let mut model = queue();
    press(&mut model, "dok\n");
    assert!(update(&mut model, Action::Key(Key::Interrupt)).is_empty());
    assert!(model.quitting);
    assert_eq!(state(&model, 0), &ItemState::Open);
}

#[test]
fn a_report_made_while_triaging_joins_the_end_of_the_queue() {
    let mut model = queue();
    let arrived = message_detail(message_report("r9", 0));
    update(&mut model, Action::ReportArrived(Box::new(arrived.clone())));
    assert_eq!(model.items.len(), 4);
    assert_eq!(model.items[3].id(), &ReportId::from("r9"));
    assert_eq!(model.position, 0, "the screen stays where it was");
    update(&mut model, Action::ReportArrived(Box::new(arrived)));
    assert_eq!(model.items.len(), 4, "once");
}

#[test]
fn a_report_that_arrives_after_the_queue_is_done_is_shown_at_once() {
    let mut model = queue();
    model.items.clear();
    model.position = 0;
    update(
        &mut model,
        Action::ReportArrived(Box::new(message_detail(message_report("r9", 0)))),
    );
    assert_eq!(
        model.current().map(|item| item.id().clone()),
        Some(ReportId::from("r9"))
    );
}

#[test]
fn a_refused_decision_puts_the_report_back_in_the_queue() {
    let mut model = queue();
    press(&mut model, "dok\nn");
    update(
        &mut model,
        Action::SendFailed {
            id: ReportId::from("r1"),
            error: "503: try again".to_owned(),
            handled_elsewhere: false,
        },
    );
    assert!(model.items[0].is_open());
    assert!(model.notice.as_ref().is_some_and(|notice| notice.is_error));
    press(&mut model, "n");
    press(&mut model, "n");
    assert_eq!(model.position, 0, "it comes round again");
}

#[test]
fn a_report_another_moderator_handled_first_leaves_the_queue() {
    let mut model = queue();
    press(&mut model, "dok\nn");
    update(
        &mut model,
        Action::SendFailed {
            id: ReportId::from("r1"),
            error: "409: this report was already resolved".to_owned(),
            handled_elsewhere: true,
        },
    );
    assert_eq!(state(&model, 0), &ItemState::HandledElsewhere);
    assert!(!model.items[0].is_open());
}

#[test]
fn the_loaded_queue_asks_for_the_details_of_the_first_two_reports_once() {
    let mut model = Triage::new(super::fixtures::now());
    let effects = update(
        &mut model,
        Action::QueueLoaded(vec![
            message_report("r1", 3),
            message_report("r2", 2),
            message_report("r3", 1),
        ]),
    );
    assert_eq!(
        effects,
        vec![
            Effect::LoadDetail(ReportId::from("r1")),
            Effect::LoadDetail(ReportId::from("r2"))
        ]
    );
    let effects = press(&mut model, "n");
    assert_eq!(
        effects,
        vec![Effect::LoadDetail(ReportId::from("r3"))],
        "r2 was asked for already"
    );
}

#[test]
fn the_help_overlay_takes_the_next_key_and_does_nothing_else() {
    let mut model = queue();
    press(&mut model, "?");
    assert!(model.help);
    press(&mut model, "d");
    assert!(!model.help);
    assert_eq!(
        model.prompt,
        Prompt::None,
        "the key closed help; it did not start a dismissal"
    );
}
