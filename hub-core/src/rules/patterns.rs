//! The shapes of text fields as regular expressions, for the API document (`pattern` in
//! OpenAPI, so that generated clients and schemathesis know what the server takes). Each is
//! written next to nothing but its tests here, which hold that every string it allows passes
//! the rule the service really applies; a rule the document cannot state (a reserved name, a
//! common password) is left to the server's 422.
//!
//! They use only syntax that ECMAScript, Python's `re` and Rust's `regex` read alike.

use super::avatars::DEFAULT_AVATARS;

/// A username: a letter or digit, then letters, digits, `_`, `.` and `-` (ASCII only).
pub const USERNAME: &str = r"^[A-Za-z0-9][A-Za-z0-9._-]*$";

/// A channel name as written (the server lowercases it): a letter or digit, then letters,
/// digits, `-` and `_`.
pub const CHANNEL_NAME: &str = r"^[A-Za-z0-9][A-Za-z0-9_-]*$";

/// One line of text: no control characters, no direction overrides or invisible characters
/// (display names).
pub const DISPLAY_NAME: &str =
    r"^[^\u0000-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]*$";

/// Text that may hold newlines but no other control character (bios, channel topics).
pub const MULTILINE_TEXT: &str = r"^[^\u0000-\u0009\u000B-\u001F\u007F-\u009F]*$";

/// A message: something besides white space, and no control characters but tab and newlines.
pub const MESSAGE_CONTENT: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*[^\u0000-\u001F\u007F-\u009F\s][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";

/// Text that must not be blank (forum titles and comments, a moderator's note).
pub const NOT_BLANK: &str = r"\S";

/// An email address's shape: one `@`, a dotted domain, no white space; or empty (none).
pub const EMAIL: &str = r"^([^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.])?$";

/// A forum tag: lowercase letters, digits and `-`.
pub const TAG: &str = r"^[a-z0-9-]+$";

/// A custom reaction's code.
pub const REACTION_CODE: &str = r"^[a-z0-9_+-]+$";

/// An `http(s)` URL without white space.
pub const WEB_URL: &str = r"^https?://\S*$";

/// An idempotency key: printable ASCII.
pub const CLIENT_ID: &str = r"^[!-~]+$";

/// The `cursor` of a list ordered by username.
pub const USERNAME_CURSOR: &str = r"^[A-Za-z0-9_.-]+$";

/// The `cursor` of a search: how many results were read (below the configured depth).
pub const SEARCH_CURSOR: &str = r"^[1-9][0-9]{0,8}$";

/// A suspension's length: a number and a unit (`30m`, `12h`, `7d`, `2w`; bare: seconds). How
/// long it may be (a minute to ten years) is the server's to say.
pub const DURATION: &str = r"^[0-9]+[smhdw]?$";

/// An avatar: empty (none), a default avatar's name or path, or an `http(s)` URL.
pub fn avatar() -> String {
    let names: Vec<&str> = DEFAULT_AVATARS.iter().map(|avatar| avatar.name).collect();
    let names = names.join("|");
    format!(r"^(|https?://\S+|({names})|/api/v1/avatars/({names})\.svg)$")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::string::string_regex;

    use super::*;
    use crate::rules::{accounts, channels, forum, messages, paging, profile, reactions, reports};

    fn shaped(pattern: &str, length: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
        // The generator makes whole strings: it takes the pattern without its anchors.
        let body = pattern.strip_prefix('^').unwrap_or(pattern);
        let body = body.strip_suffix('$').unwrap_or(body);
        let strings = match string_regex(body) {
            Ok(strings) => strings,
            Err(err) => panic!("{pattern} is not a pattern the regex crate reads: {err}"),
        };
        strings.prop_filter("length", move |text| length.contains(&text.chars().count()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn usernames_of_the_documented_shape_are_taken_unless_reserved(name in shaped(USERNAME, 2..=32)) {
            let reserved = accounts::RESERVED_USERNAMES.contains(&name.to_ascii_lowercase().as_str());
            prop_assert_eq!(accounts::validate_username(&name, 32).is_ok(), !reserved);
        }

        #[test]
        fn channel_names_of_the_documented_shape_are_taken(name in shaped(CHANNEL_NAME, 1..=80)) {
            prop_assert!(channels::validate_channel_name(&name).is_ok());
        }

        #[test]
        fn display_names_of_the_documented_shape_are_taken(name in shaped(DISPLAY_NAME, 0..=64)) {
            prop_assert!(profile::validate_full_name(&name).is_ok());
        }

        #[test]
        fn multiline_text_of_the_documented_shape_is_taken(text in shaped(MULTILINE_TEXT, 0..=250)) {
            prop_assert!(profile::validate_bio(&text).is_ok());
            prop_assert!(channels::validate_channel_text("topic", &text).is_ok());
        }

        #[test]
        fn messages_of_the_documented_shape_are_taken(content in shaped(MESSAGE_CONTENT, 1..=4000)) {
            prop_assert!(messages::validate_content(&content, 4000).is_ok());
        }

        #[test]
        fn text_that_is_not_blank_makes_a_title_a_comment_and_a_note(text in shaped(r"\PC*\S\PC*", 1..=300)) {
            prop_assert!(forum::validate_title(&text, 300).is_ok());
            prop_assert!(forum::validate_comment(&text, 300).is_ok());
            prop_assert!(reports::validate_note(&text, 300).is_ok());
        }

        #[test]
        fn emails_of_the_documented_shape_are_taken(email in shaped(EMAIL, 3..=254)) {
            prop_assert!(accounts::validate_email(&email).is_ok());
        }

        #[test]
        fn tags_of_the_documented_shape_are_taken(tag in shaped(TAG, 1..=24)) {
            prop_assert!(forum::validate_tags(&[tag], 5).is_ok());
        }

        #[test]
        fn reaction_codes_and_image_urls_of_the_documented_shape_are_taken(
            code in shaped(REACTION_CODE, 1..=32),
            url in shaped(WEB_URL, 7..=2048),
        ) {
            prop_assert!(reactions::validate_reaction_code(&code).is_ok());
            prop_assert!(reactions::validate_image_url(&url).is_ok());
        }

        #[test]
        fn avatars_of_the_documented_shape_are_taken(avatar in shaped(&avatar(), 0..=2048)) {
            prop_assert!(profile::validate_avatar_url(&avatar).is_ok());
        }

        #[test]
        fn client_ids_and_username_cursors_of_the_documented_shape_are_taken(
            client_id in shaped(CLIENT_ID, 1..=64),
            cursor in shaped(USERNAME_CURSOR, 1..=128),
        ) {
            prop_assert!(messages::validate_client_id(&client_id).is_ok());
            prop_assert!(paging::username_cursor(Some(&cursor)).is_ok());
        }

        #[test]
        fn search_cursors_of_the_documented_shape_are_taken_below_the_depth(cursor in shaped(SEARCH_CURSOR, 1..=9)) {
            let depth = u32::MAX;
            prop_assert!(crate::rules::search::window::offset(Some(&cursor), depth).is_ok(), "{cursor}");
        }

        #[test]
        fn durations_of_the_documented_shape_parse_or_are_out_of_range(duration in shaped(DURATION, 1..=12)) {
            // The shape is right; only the range (a minute to ten years) may refuse it.
            if let Err(error) = reports::parse_duration(&duration) {
                prop_assert!(error.message.contains("from a minute"), "{duration}: {error}");
            }
        }
    }

    #[test]
    fn text_outside_the_shapes_is_refused_by_the_rules_too() {
        assert!(accounts::validate_username("-alice", 32).is_err());
        assert!(channels::validate_channel_name("has space").is_err());
        assert!(profile::validate_full_name("ecila\u{202E}").is_err());
        assert!(profile::validate_bio("bell\u{7}").is_err());
        assert!(messages::validate_content(" \n\t", 4000).is_err());
        assert!(accounts::validate_email("name@localhost").is_err());
        assert!(forum::validate_tags(&["with space".to_owned()], 5).is_err());
        assert!(reactions::validate_image_url("ftp://example.com/x.png").is_err());
        assert!(profile::validate_avatar_url("javascript:alert(1)").is_err());
        assert!(paging::username_cursor(Some("é")).is_err());
        assert!(reports::parse_duration("7y").is_err());
    }
}
