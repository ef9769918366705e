//! Channel names, descriptions, topics and join codes.

use crate::error::{Error, Result};
use crate::model::UserId;

/// Longest channel name.
pub const MAX_CHANNEL_NAME_LENGTH: usize = 80;
/// Longest description or topic.
pub const MAX_CHANNEL_TEXT_LENGTH: usize = 250;

/// A channel name: trimmed and lowercased; then 1 to 80 of `[a-z0-9_-]`, starting with a letter
/// or digit.
pub fn validate_channel_name(raw: &str) -> Result<String> {
    let name = raw.trim().to_lowercase();
    let invalid = |message: String| Err(Error::invalid("name", message));
    if name.is_empty() {
        return invalid("name must not be empty".to_owned());
    }
    if name.chars().count() > MAX_CHANNEL_NAME_LENGTH {
        return Err(Error::invalid(
            "name",
            format!("name must be at most {MAX_CHANNEL_NAME_LENGTH} characters"),
        )
        .with_details(serde_json::json!({ "max_length": MAX_CHANNEL_NAME_LENGTH })));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_'))
    {
        return invalid("name may only contain letters, digits, '-' and '_' (no spaces)".to_owned());
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return invalid("name must start with a letter or a digit".to_owned());
    }
    Ok(name)
}

/// A description or topic: trimmed, at most 250 characters, no control characters but newlines.
pub fn validate_channel_text(field: &str, raw: &str) -> Result<String> {
    let text = raw.trim();
    if text.chars().count() > MAX_CHANNEL_TEXT_LENGTH {
        return Err(Error::invalid(
            field,
            format!("{field} must be at most {MAX_CHANNEL_TEXT_LENGTH} characters"),
        )
        .with_details(serde_json::json!({ "max_length": MAX_CHANNEL_TEXT_LENGTH })));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(
            field,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(text.to_owned())
}

/// The key that identifies a direct conversation by its exact set of members.
pub fn dm_key(member_ids: &[UserId]) -> String {
    let mut ids: Vec<&str> = member_ids.iter().map(UserId::as_str).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.join(",")
}

/// Whether a presented join code matches the channel's (constant-time in the code's length).
pub fn join_code_matches(presented: Option<&str>, actual: Option<&str>) -> bool {
    match (presented, actual) {
        (Some(presented), Some(actual)) if presented.len() == actual.len() => {
            presented
                .bytes()
                .zip(actual.bytes())
                .fold(0u8, |diff, (a, b)| diff | (a ^ b))
                == 0
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names() {
        assert_eq!(validate_channel_name(" General ").ok().as_deref(), Some("general"));
        assert!(validate_channel_name("team-2_x").is_ok());
        for bad in ["", "two words", "-lead", "ünï", &"x".repeat(81)] {
            assert!(validate_channel_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn join_codes() {
        assert!(join_code_matches(Some("abc"), Some("abc")));
        assert!(!join_code_matches(Some("abd"), Some("abc")));
        assert!(!join_code_matches(None, Some("abc")));
        assert!(!join_code_matches(Some("abc"), None));
    }

    proptest! {
        #[test]
        fn dm_keys_ignore_order_and_repeats(ids in prop::collection::vec("[a-f0-9]{4}", 1..6)) {
            let mut ids: Vec<UserId> = ids.into_iter().map(UserId::from).collect();
            let key = dm_key(&ids);
            ids.reverse();
            let doubled: Vec<UserId> = ids.iter().chain(ids.iter()).cloned().collect();
            prop_assert_eq!(dm_key(&ids), key.clone());
            prop_assert_eq!(dm_key(&doubled), key);
        }
    }
}
