//! Message text, idempotency keys and mentions.

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::model::MentionKind;

/// Longest `client_id`.
pub const MAX_CLIENT_ID_LENGTH: usize = 64;

/// Message text: not blank, at most `max_length` characters. Kept as written (no trimming), so
/// code blocks keep their indentation.
pub fn validate_content(content: &str, max_length: usize) -> Result<()> {
    if content.trim().is_empty() {
        return Err(Error::invalid("content", "content must not be empty"));
    }
    if content.chars().count() > max_length {
        return Err(
            Error::invalid("content", format!("content must be at most {max_length} characters"))
                .with_details(serde_json::json!({ "max_length": max_length })),
        );
    }
    if content
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        return Err(Error::invalid("content", "content must not contain control characters"));
    }
    Ok(())
}

/// An idempotency key: 1 to 64 printable ASCII characters.
pub fn validate_client_id(client_id: &str) -> Result<()> {
    let ok = !client_id.is_empty()
        && client_id.len() <= MAX_CLIENT_ID_LENGTH
        && client_id.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "client_id",
            format!("client_id must be 1 to {MAX_CLIENT_ID_LENGTH} printable ASCII characters"),
        ))
    }
}

/// What a message's text mentions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentions {
    /// `@username`s, lowercased, without the `@`.
    pub usernames: BTreeSet<String>,
    /// `@channel`/`@everyone` (wins over `@here`), or `@here`.
    pub broadcast: Option<MentionKind>,
}

/// Finds `@name` tokens. An `@` counts only at the start or after a character that cannot be
/// part of a name (so `bob@example.com` mentions nobody); the name runs over `[A-Za-z0-9_.-]`
/// and a trailing `.` or `-` is punctuation, not part of it.
pub fn parse_mentions(content: &str) -> Mentions {
    let mut mentions = Mentions::default();
    let chars: Vec<char> = content.chars().collect();
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    let mut index = 0;
    while index < chars.len() {
        let starts_mention =
            chars[index] == '@' && (index == 0 || !is_name_char(chars[index - 1]) && chars[index - 1] != '@');
        if !starts_mention {
            index += 1;
            continue;
        }
        let start = index + 1;
        let mut end = start;
        while end < chars.len() && is_name_char(chars[end]) {
            end += 1;
        }
        let name: String = chars[start..end].iter().collect::<String>();
        let name = name.trim_end_matches(['.', '-']).to_lowercase();
        match name.as_str() {
            "" => {}
            "channel" | "everyone" => mentions.broadcast = Some(MentionKind::Channel),
            "here" => {
                if mentions.broadcast.is_none() {
                    mentions.broadcast = Some(MentionKind::Here);
                }
            }
            _ => {
                mentions.usernames.insert(name);
            }
        }
        index = end.max(index + 1);
    }
    mentions
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names(content: &str) -> Vec<String> {
        parse_mentions(content).usernames.into_iter().collect()
    }

    #[test]
    fn usernames_are_found_at_word_starts() {
        assert_eq!(
            names("hi @Alice and @bob.smith, see @carol."),
            ["alice", "bob.smith", "carol"]
        );
        assert_eq!(names("mail bob@example.com"), Vec::<String>::new());
        assert_eq!(names("@@dave (@erin)"), ["erin"]);
        assert_eq!(names("@ alone @"), Vec::<String>::new());
    }

    #[test]
    fn broadcasts() {
        assert_eq!(parse_mentions("@here now").broadcast, Some(MentionKind::Here));
        assert_eq!(
            parse_mentions("@here and @channel").broadcast,
            Some(MentionKind::Channel)
        );
        assert_eq!(parse_mentions("@everyone").broadcast, Some(MentionKind::Channel));
        assert!(parse_mentions("@channel").usernames.is_empty());
    }

    #[test]
    fn content_rules() {
        assert!(validate_content("  indented\ncode", 100).is_ok());
        assert!(validate_content("   ", 100).is_err());
        assert!(validate_content(&"x".repeat(101), 100).is_err());
        assert!(validate_content("bell\u{7}", 100).is_err());
        assert!(validate_client_id("retry-1").is_ok());
        assert!(validate_client_id("").is_err());
        assert!(validate_client_id("has space").is_err());
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_names_are_valid(content in "\\PC{0,200}") {
            let mentions = parse_mentions(&content);
            for name in mentions.usernames {
                prop_assert!(!name.is_empty());
                prop_assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')));
                let token = format!("@{}", name);
                prop_assert!(content.to_lowercase().contains(&token));
            }
        }
    }
}
