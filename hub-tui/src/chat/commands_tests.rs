//! `update` for what the user asks by key and command: the sign-in form, the switcher and the
//! lists, confirmations, commands, moderation, settings (alerts, the editor, own keys).

#![allow(clippy::expect_used, reason = "a test that finds nothing should stop there")]

use hub_core::model::{ChannelId, MessageId};

use super::action::{Action, Effect};
use super::fixtures::{message, now, signed_in};
use super::keymap::Mode;
use super::model::{Model, Overlay, Screen};
use super::update::update;
use super::update_tests::{created, keys, type_text};
use crate::key::Key;

#[test]
fn the_switcher_finds_a_channel_by_a_few_letters() {
    let mut model = signed_in();
    keys(&mut model, &[Key::Ctrl('k')]);
    assert!(matches!(model.overlay, Some(Overlay::Switcher(_))));
    type_text(&mut model, "rnd");
    keys(&mut model, &[Key::Enter]);
    assert_eq!(model.overlay, None);
    assert_eq!(model.selected, Some(ChannelId::from("c-random")));
    // The leader sequence does the same.
    keys(&mut model, &[Key::Char(' '), Key::Char('k')]);
    assert!(matches!(model.overlay, Some(Overlay::Switcher(_))));
}

#[test]
fn deleting_asks_first_and_no_is_the_default() {
    let mut model = signed_in();
    keys(&mut model, &[Key::Char('v'), Key::Char('d')]);
    assert!(matches!(model.overlay, Some(Overlay::Confirm(_))));
    let effects = keys(&mut model, &[Key::Enter]);
    assert!(!effects.iter().any(|effect| matches!(effect, Effect::Delete(_))));
    keys(&mut model, &[Key::Char('v'), Key::Char('d')]);
    let effects = keys(&mut model, &[Key::Char('y')]);
    assert!(effects.contains(&Effect::Delete(MessageId::from("m-general-4"))));
}

#[test]
fn commands_run_from_the_command_line_and_the_composer() {
    let mut model = signed_in();
    keys(&mut model, &[Key::Char(':')]);
    assert_eq!(model.mode, Mode::Command);
    type_text(&mut model, "join #random");
    keys(&mut model, &[Key::Enter]);
    assert_eq!(
        model.selected,
        Some(ChannelId::from("c-random")),
        "a channel already joined opens"
    );
    keys(&mut model, &[Key::Char('i')]);
    type_text(&mut model, "/dm @erin");
    let effects = keys(&mut model, &[Key::Enter]);
    assert!(effects.contains(&Effect::OpenDm("erin".to_owned())));
    keys(&mut model, &[Key::Char(':')]);
    type_text(&mut model, "q");
    keys(&mut model, &[Key::Enter]);
    assert!(model.quit);
}

#[test]
fn the_login_form_needs_every_field_and_then_signs_in() {
    let mut model = Model::new(now(), "http://127.0.0.1:8000");
    let effects = keys(&mut model, &[Key::Enter, Key::Enter]);
    assert!(effects.is_empty());
    let Screen::Login(form) = &model.screen else {
        panic!("not on the login screen");
    };
    assert!(form.error.is_some(), "an empty username is refused with a reason");
    keys(&mut model, &[Key::BackTab]);
    type_text(&mut model, "alice");
    keys(&mut model, &[Key::Tab]);
    type_text(&mut model, "hunter2hunter2");
    let effects = keys(&mut model, &[Key::Enter]);
    assert_eq!(
        effects,
        vec![Effect::SignIn {
            server: "http://127.0.0.1:8000".to_owned(),
            username: "alice".to_owned(),
            password: "hunter2hunter2".to_owned(),
            register: false
        }]
    );
    update(&mut model, Action::SignInFailed("wrong password".to_owned()));
    let Screen::Login(form) = &model.screen else {
        panic!("not on the login screen");
    };
    assert_eq!(form.error.as_deref(), Some("wrong password"));
    assert!(!form.busy);
}

#[test]
fn mentions_open_the_channel_they_are_in() {
    let mut model = signed_in();
    let effects = keys(&mut model, &[Key::Char('m')]);
    assert_eq!(effects, vec![Effect::LoadMentions]);
    let mention = hub_core::protocol::v1::MentionView {
        message: message("dev", 7, "bob", "@alice the deploy", 10),
        kind: hub_core::model::MentionKind::User,
        read: false,
    };
    update(&mut model, Action::MentionsLoaded(vec![mention]));
    keys(&mut model, &[Key::Enter]);
    assert_eq!(model.selected, Some(ChannelId::from("c-dev")));
    assert_eq!(model.overlay, None);
}

#[test]
fn browsing_joins_a_channel_not_yet_joined() {
    let mut model = signed_in();
    keys(&mut model, &[Key::Char(':')]);
    type_text(&mut model, "channels");
    let effects = keys(&mut model, &[Key::Enter]);
    assert_eq!(effects, vec![Effect::BrowseChannels]);
    let mut lounge = super::fixtures::channel("lounge", hub_core::model::ChannelKind::Public, 0, 0, None).channel;
    lounge.topic = "sofas".to_owned();
    let general = super::fixtures::channel("general", hub_core::model::ChannelKind::Public, 0, 0, None).channel;
    update(&mut model, Action::ChannelsBrowsed(vec![general, lounge]));
    // The first is joined already: it opens; the second is joined.
    keys(&mut model, &[Key::Char('j')]);
    let effects = keys(&mut model, &[Key::Enter]);
    assert_eq!(effects, vec![Effect::JoinId(ChannelId::from("c-lounge"))]);
}

#[test]
fn moderation_is_for_site_admins_and_counts_reports_live() {
    let mut model = signed_in();
    let effects = keys(&mut model, &[Key::Char('M')]);
    assert!(effects.is_empty());
    assert!(model.notice.as_ref().is_some_and(|notice| notice.error));
    if let Some(me) = &mut model.me {
        me.is_admin = true;
    }
    assert_eq!(keys(&mut model, &[Key::Char('M')]), vec![Effect::Moderate]);
    update(&mut model, Action::OpenReports(2));
    update(&mut model, Action::ReportFiled);
    assert_eq!(model.open_reports, Some(3));
}

#[test]
fn search_says_plainly_that_it_is_not_there_yet() {
    let mut model = signed_in();
    let effects = keys(&mut model, &[Key::Char('/')]);
    assert!(effects.is_empty());
    let notice = model.notice.clone().expect("a notice");
    assert!(notice.error && notice.text.contains("not available yet"), "{notice:?}");
}

#[test]
fn alerts_follow_the_channel_level_and_the_settings() {
    use super::model::{AlertLevel, Alerts};
    let mut model = signed_in();
    model.alerts = Alerts {
        bell: AlertLevel::Never,
        desktop: AlertLevel::Mentions,
    };
    let effects = update(&mut model, created("dev", 41, "bob", "@alice look"));
    assert!(!effects.contains(&Effect::Bell), "the bell is off");
    assert!(
        effects.contains(&Effect::Desktop {
            title: "bob in #dev".to_owned(),
            body: "@alice look".to_owned()
        }),
        "{effects:?}"
    );
    let effects = update(&mut model, created("dev", 42, "bob", "no mention here"));
    assert!(
        effects.is_empty(),
        "a plain message alerts nobody at the mentions level: {effects:?}"
    );
    model.alerts.bell = AlertLevel::All;
    let effects = update(&mut model, created("dev", 43, "bob", "chatter"));
    assert_eq!(effects, vec![Effect::Bell]);
}

#[test]
fn text_back_from_the_editor_replaces_the_composer() {
    let mut model = signed_in();
    keys(&mut model, &[Key::Char('i')]);
    type_text(&mut model, "draft");
    let effects = keys(&mut model, &[Key::Ctrl('e')]);
    assert_eq!(effects, vec![Effect::OpenEditor("draft".to_owned())]);
    update(&mut model, Action::Edited("a long\nmessage\n".to_owned()));
    assert_eq!(model.composer.text, "a long\nmessage");
}

#[test]
fn a_user_binding_from_the_config_drives_the_keys() {
    let mut model = signed_in();
    let Ok(()) = model.keymap.bind("normal", "ctrl-p", "switcher") else {
        panic!("refused");
    };
    keys(&mut model, &[Key::Ctrl('p')]);
    assert!(matches!(model.overlay, Some(Overlay::Switcher(_))));
}

#[test]
fn a_person_is_reported_from_the_command_line() {
    let mut model = signed_in();
    keys(&mut model, &[Key::Char(':')]);
    type_text(&mut model, "report @eve spam all day");
    let effects = keys(&mut model, &[Key::Enter]);
    assert_eq!(
        effects,
        vec![Effect::ReportUser {
            username: "eve".to_owned(),
            reason: hub_core::model::ReportReason::Spam,
            details: "spam all day".to_owned()
        }]
    );
}

#[test]
fn quitting_with_unsent_messages_asks_first() {
    let mut model = signed_in();
    update(&mut model, Action::Reconnecting { attempt: 1 });
    keys(&mut model, &[Key::Char('i')]);
    type_text(&mut model, "not yet sent");
    keys(&mut model, &[Key::Enter, Key::Esc, Key::Char(':')]);
    type_text(&mut model, "q");
    keys(&mut model, &[Key::Enter]);
    assert!(!model.quit, "it asks first");
    assert!(matches!(model.overlay, Some(Overlay::Confirm(_))));
    keys(&mut model, &[Key::Enter]);
    assert!(!model.quit, "No is the default");
    keys(&mut model, &[Key::Interrupt, Key::Interrupt]);
    assert!(model.quit, "Ctrl-C twice always leaves");
}
