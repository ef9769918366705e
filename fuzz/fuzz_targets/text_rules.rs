//! The text rules on any input: mention parsing finds only what the text says, and every
//! validator is stable (what it accepts, it accepts again unchanged) and never panics.
#![no_main]

use hub_core::rules::{accounts, channels, forum, messages, profile, reactions, reports};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mentions = messages::parse_mentions(text);
    let lowered = text.to_lowercase();
    for name in &mentions.usernames {
        assert!(!name.is_empty());
        assert!(lowered.contains(&format!("@{name}")), "{name:?} is not mentioned in {text:?}");
    }
    let _ = messages::validate_content(text, 4000);
    let _ = messages::validate_client_id(text);

    if let Ok(name) = accounts::validate_username(text, 32) {
        assert_eq!(accounts::validate_username(&name, 32).ok(), Some(name.clone()));
    }
    if let Ok(email) = accounts::validate_email(text) {
        assert_eq!(accounts::validate_email(&email).ok(), Some(email.clone()));
    }
    if let Ok(name) = channels::validate_channel_name(text) {
        assert_eq!(channels::validate_channel_name(&name).ok(), Some(name.clone()));
    }
    if let Ok(name) = profile::validate_full_name(text) {
        assert_eq!(profile::validate_full_name(&name).ok(), Some(name.clone()));
    }
    let _ = profile::validate_bio(text);
    let _ = profile::validate_avatar_url(text);
    if let Ok(code) = reactions::validate_reaction_code(text) {
        assert_eq!(reactions::validate_reaction_code(&code).ok(), Some(code.clone()));
    }
    let tags: Vec<String> = text.split(',').map(str::to_owned).collect();
    if let Ok(clean) = forum::validate_tags(&tags, 5) {
        assert_eq!(forum::validate_tags(&clean, 5).ok(), Some(clean.clone()));
    }
    if let Ok(duration) = reports::parse_duration(text) {
        assert!(duration >= chrono::Duration::minutes(1) && duration <= chrono::Duration::days(3650));
    }
});
